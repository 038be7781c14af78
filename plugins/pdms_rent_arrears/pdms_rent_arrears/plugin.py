"""The rent arrears module's hook implementations: thin wiring only.

The host imports this module for every ``pdms`` command (``--help`` included), so it
imports only records here; the GraphQL types, services and models load in the hooks
that return them.
"""

from __future__ import annotations

from typing import Literal

import click
from pydantic import BaseModel, Field

from pdms_core.plugin import (
    DocumentHolder,
    GraphQLContribution,
    LetterPurpose,
    LookupSetSpec,
    MeasureSpec,
    ModuleRecordSource,
    Permission,
    PersonReference,
    PluginManifest,
    hookimpl,
)
from pdms_rent_arrears.permissions import PERMISSIONS, READ


class RentArrearsSettings(BaseModel):
    #: Largest report file accepted (the GraphQL body limit also applies to uploads).
    max_upload_bytes: int = Field(default=20_000_000, gt=0)
    #: A patch the report names that is not on the patch list: ``create`` adds it to the
    #: list; ``refuse`` rejects the report with one error per unknown patch.
    unknown_patches: Literal["create", "refuse"] = "create"


@hookimpl
def pdms_plugin_manifest() -> PluginManifest:
    return PluginManifest(
        name="rent_arrears",
        label="Rent arrears",
        description="Weekly arrears reports into segments, trends, profiles and caseloads.",
        requires_core=">=0.1,<0.2",
        settings_model=RentArrearsSettings,
    )


@hookimpl
def pdms_graphql() -> GraphQLContribution:
    from pdms_rent_arrears import services
    from pdms_rent_arrears.graphql.mutations import RentArrearsMutation
    from pdms_rent_arrears.graphql.queries import RentArrearsQuery
    from pdms_rent_arrears.graphql.types import RentArrearsAccount

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
    return PERMISSIONS


@hookimpl
def pdms_measures() -> list[MeasureSpec]:
    from pdms_rent_arrears.measures import MEASURES

    return list(MEASURES)


@hookimpl
def pdms_lookup_sets() -> list[LookupSetSpec]:
    from pdms_rent_arrears.lists import lookup_sets

    return lookup_sets()


@hookimpl
def pdms_document_holders() -> list[DocumentHolder]:
    from pdms_rent_arrears.models import Account

    # Generated rent statements are stored on the account.
    return [DocumentHolder("RentArrearsAccount", Account, READ)]


@hookimpl
def pdms_letter_purposes() -> list[LetterPurpose]:
    from pdms_rent_arrears.letters import RENT_STATEMENT

    return [RENT_STATEMENT]


@hookimpl
def pdms_register_commands(cli: click.Group) -> None:
    from pdms_rent_arrears.cli import group

    cli.add_command(group)


@hookimpl
def pdms_person_references() -> list[PersonReference]:
    # Merging people moves these to the survivor, and un-merging moves them back.
    return [
        PersonReference("rent_arrears_account"),
    ]
