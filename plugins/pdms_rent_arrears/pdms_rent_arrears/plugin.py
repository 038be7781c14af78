"""The rent arrears module's hook implementations: thin wiring only."""

from __future__ import annotations

from pathlib import Path

import click
from pydantic import BaseModel, Field

from pdms_core.plugin import (
    GraphQLContribution,
    LookupSetSpec,
    ModuleRecordSource,
    Permission,
    PluginManifest,
    hookimpl,
)
from pdms_rent_arrears import services
from pdms_rent_arrears.cli import group as commands
from pdms_rent_arrears.graphql.mutations import ASSIGN, CONFIGURE, PLAN, WRITE, RentArrearsMutation
from pdms_rent_arrears.graphql.queries import IMPORT, RentArrearsQuery
from pdms_rent_arrears.graphql.types import READ, RentArrearsAccount
from pdms_rent_arrears.lists import lookup_sets


class RentArrearsSettings(BaseModel):
    #: Largest report file accepted (the GraphQL body limit also applies to uploads).
    max_upload_bytes: int = Field(default=20_000_000, gt=0)


@hookimpl
def pdms_plugin_manifest() -> PluginManifest:
    return PluginManifest(
        name="rent_arrears",
        label="Rent arrears",
        description="Weekly arrears reports into segments, trends, profiles and caseloads.",
        models_module="pdms_rent_arrears.models",
        migrations_dir=Path(__file__).parent / "migrations" / "versions",
        settings_model=RentArrearsSettings,
    )


@hookimpl
def pdms_graphql() -> GraphQLContribution:
    return GraphQLContribution(
        query=RentArrearsQuery,
        mutation=RentArrearsMutation,
        module_records=(
            ModuleRecordSource(
                holder="Place",
                record_type=RentArrearsAccount,
                load=services.accounts_by_place,
                permission=READ,
            ),
            ModuleRecordSource(
                holder="Person",
                record_type=RentArrearsAccount,
                load=services.accounts_by_person,
                permission=READ,
            ),
        ),
    )


@hookimpl
def pdms_permissions() -> list[Permission]:
    return [
        Permission(READ, "See rent accounts, their weekly figures, overviews and caseloads."),
        Permission(IMPORT, "Preview and import weekly arrears reports."),
        Permission(ASSIGN, "Assign rent accounts to officers, one by one, in bulk or by patch."),
        Permission(WRITE, "Link accounts, record recovery actions and repayment agreements."),
        Permission(PLAN, "Open a management-plan case for a flagged account."),
        Permission(CONFIGURE, "Set the report column mapping and the rent-free weeks."),
    ]


@hookimpl
def pdms_lookup_sets() -> list[LookupSetSpec]:
    return lookup_sets()


@hookimpl
def pdms_register_commands(cli: click.Group) -> None:
    cli.add_command(commands)
