"""The module's hook implementations: thin wiring only.

Every ``pdms`` command imports this module (``pdms --help`` too), so it imports only
records at the top; GraphQL types, services and models load inside the hooks.
"""

from __future__ import annotations

from typing import Any

import click
from pdms_core.plugin import (
    DocumentHolder,
    GraphQLContribution,
    LetterPurpose,
    LookupSetSpec,
    MeasureSpec,
    ModuleRecordSource,
    Permission,
    PluginManifest,
    TimelineSource,
    hookimpl,
)
from pydantic import BaseModel, Field

from pdms_gas_electric.permissions import JOB_READ, PERMISSIONS, READ


class GasElectricSettings(BaseModel):
    """``[plugins.gas_electric]`` / ``PDMS_GAS_ELECTRIC__<FIELD>``."""

    #: Largest contractor return accepted (the GraphQL body limit also applies to uploads).
    max_return_bytes: int = Field(default=20_000_000, gt=0)
    #: Where `pdms gas_electric remind` sends its daily digests (the servicing team).
    reminder_email: str | None = None
    #: A job at one stage for longer than this many days is stalled.
    stall_days: int = Field(default=14, ge=0)
    #: Gas checks falling due within this many days are in the daily digest.
    reminder_due_days: int = Field(default=30, ge=0)


@hookimpl
def pdms_plugin_manifest() -> PluginManifest:
    # Models and migrations are found by convention: pdms_gas_electric.models and
    # pdms_gas_electric/migrations/versions.
    return PluginManifest(
        name="gas_electric",
        label="Gas and electrical servicing",
        description="Homes' gas and electrical safety checks on the legal clock.",
        requires_core=">=0.1,<0.2",
        settings_model=GasElectricSettings,
    )


@hookimpl
def pdms_graphql() -> GraphQLContribution:
    from pdms_gas_electric import jobs, services
    from pdms_gas_electric.graphql.job_types import GasElectricJob
    from pdms_gas_electric.graphql.schema import GasElectricMutation, GasElectricQuery
    from pdms_gas_electric.graphql.types import (
        GasElectricEicr,
        GasElectricGasCheck,
        GasElectricHome,
    )

    return GraphQLContribution(
        query=GasElectricQuery,
        mutation=GasElectricMutation,
        module_records=(
            ModuleRecordSource(
                holder="Place",
                record_type=GasElectricHome,
                load=services.homes_by_place,
                permission=READ,
            ),
            ModuleRecordSource(
                holder="Person",
                record_type=GasElectricHome,
                load=services.homes_by_person,
                permission=READ,
            ),
            ModuleRecordSource(
                holder="Place",
                record_type=GasElectricGasCheck,
                load=services.checks_by_place,
                permission=READ,
            ),
            ModuleRecordSource(
                holder="Place",
                record_type=GasElectricEicr,
                load=services.eicrs_by_place,
                permission=READ,
            ),
            ModuleRecordSource(
                holder="Place",
                record_type=GasElectricJob,
                load=jobs.jobs_by_place,
                permission=JOB_READ,
            ),
        ),
    )


@hookimpl
def pdms_timeline_sources() -> list[TimelineSource]:
    from pdms_gas_electric import timeline
    from pdms_gas_electric.graphql.job_types import GasElectricJob
    from pdms_gas_electric.graphql.types import GasElectricEicr, GasElectricGasCheck

    # On the place's timeline beside its cases: when each job opened, each gas check
    # and each electrical inspection, for callers who may read them.
    return [
        TimelineSource(
            "Place", "gas_electric.job", GasElectricJob, timeline.jobs_at_place, JOB_READ
        ),
        TimelineSource(
            "Place", "gas_electric.gas_check", GasElectricGasCheck, timeline.checks_at_place, READ
        ),
        TimelineSource(
            "Place", "gas_electric.eicr", GasElectricEicr, timeline.eicrs_at_place, READ
        ),
    ]


@hookimpl
def pdms_permissions() -> list[Permission]:
    return PERMISSIONS


@hookimpl
def pdms_lookup_sets() -> list[LookupSetSpec]:
    from pdms_gas_electric.lists import lookup_sets

    return lookup_sets()


@hookimpl
def pdms_measures() -> list[MeasureSpec]:
    from pdms_gas_electric.measures import measure_specs

    return measure_specs()


@hookimpl
def pdms_document_holders() -> list[DocumentHolder]:
    from pdms_gas_electric.models import Job

    # Certificates and stage letters are kept on the servicing job.
    return [DocumentHolder("GasElectricJob", Job, JOB_READ)]


@hookimpl
def pdms_letter_purposes() -> list[LetterPurpose]:
    from pdms_gas_electric.letters import letter_purposes

    return letter_purposes()


@hookimpl
def pdms_demo_seed(database: Any, size: str, seed: int) -> Any:
    from pdms_gas_electric.demo import seed_demo

    return seed_demo(database, size, seed)


@hookimpl
def pdms_register_commands(cli: click.Group) -> None:
    from pdms_gas_electric.cli import group

    cli.add_command(group)
