"""The environmental services tickets module's hook implementations: thin wiring only.

Every ``pdms`` command imports this module (``pdms --help`` too), so it imports only
records at the top; GraphQL types, services and models load inside the hooks.
"""

from __future__ import annotations

from typing import Any

import click
from pdms_core.plugin import (
    DocumentHolder,
    GraphQLContribution,
    LookupSetSpec,
    MeasureSpec,
    ModuleRecordSource,
    Permission,
    PersonReference,
    PluginManifest,
    hookimpl,
)
from pydantic import BaseModel, Field

from pdms_env_tickets.permissions import PERMISSIONS, READ


class EnvTicketsSettings(BaseModel):
    #: Open tickets of the same type within this many metres are offered as duplicates.
    duplicate_radius_m: float = Field(default=250, gt=0, le=5000)
    #: The most duplicates offered.
    duplicate_limit: int = Field(default=5, ge=1, le=5)
    #: Core channel code recorded on reports that arrive over Open311.
    open311_channel: str = "web"
    #: Open311 ``agency_responsible`` of tickets no team holds yet.
    agency_responsible: str = "Environmental services"


def open311_routes(context: Any) -> list[Any]:
    """The Open311 GeoReport v2 server under /open311/v2/ (core's PluginManifest.routes)."""
    from pdms_env_tickets.open311.app import routes

    return routes(context)


@hookimpl
def pdms_plugin_manifest() -> PluginManifest:
    return PluginManifest(
        name="env_tickets",
        label="Environmental services tickets",
        description="Street reports (fly-tipping, abandoned vehicles, graffiti ...) from every "
        "channel, with duplicates caught.",
        requires_core=">=0.1,<0.2",
        settings_model=EnvTicketsSettings,
        routes=open311_routes,
    )


@hookimpl
def pdms_graphql() -> GraphQLContribution:
    from pdms_env_tickets.graphql.mutations import EnvTicketsMutation
    from pdms_env_tickets.graphql.queries import EnvTicketsQuery
    from pdms_env_tickets.graphql.types import EnvTicketsTicket
    from pdms_env_tickets.services import tickets

    return GraphQLContribution(
        query=EnvTicketsQuery,
        mutation=EnvTicketsMutation,
        module_records=(
            ModuleRecordSource(
                holder="Place",
                record_type=EnvTicketsTicket,
                load=tickets.tickets_by_place,
                permission=READ,
            ),
            ModuleRecordSource(
                holder="Person",
                record_type=EnvTicketsTicket,
                load=tickets.tickets_by_person,
                permission=READ,
            ),
        ),
    )


@hookimpl
def pdms_permissions() -> list[Permission]:
    return PERMISSIONS


@hookimpl
def pdms_lookup_sets() -> list[LookupSetSpec]:
    from pdms_env_tickets.lists import lookup_sets

    return lookup_sets()


@hookimpl
def pdms_measures() -> list[MeasureSpec]:
    from pdms_env_tickets.services import measures

    def spec(name: str, title: str, description: str, compute: Any) -> MeasureSpec:
        return MeasureSpec(f"env_tickets.{name}", title, description, compute)

    return [
        spec(
            "volume_by_type_and_ward",
            "Street reports by type and ward",
            "Tickets reported in the range, by ticket type and the ward of their place.",
            measures.volume_by_type_and_ward,
        ),
        spec(
            "time_to_close",
            "Time to close street reports",
            "Tickets closed in the range, by type: days from report to close (median, 80th "
            "and 95th percentiles) and the share closed by their due date.",
            measures.time_to_close,
        ),
        spec(
            "hotspots",
            "Street report hotspots",
            "The places, or 100 m cells for reports without one, with most tickets reported "
            "in the range (top 20).",
            measures.hotspots,
        ),
        spec(
            "failure_demand_share",
            "Failure demand in street reports",
            "Value demands (reports) and failure demands (chasers about an existing ticket) "
            "received in the range, by type, and the failure share.",
            measures.failure_demand_share,
        ),
        spec(
            "duplicates_caught",
            "Duplicate street reports caught",
            "Callers added to an existing ticket instead of a new one, and tickets marked "
            "as duplicates, by type, in the range.",
            measures.duplicates_caught,
        ),
    ]


@hookimpl
def pdms_document_holders() -> list[DocumentHolder]:
    from pdms_env_tickets.models import Ticket

    # Photos of the problem, and of the work done, are stored on the ticket.
    return [DocumentHolder("EnvTicketsTicket", Ticket, READ)]


@hookimpl
def pdms_demo_seed(database: Any, size: str, seed: int) -> Any:
    from pdms_env_tickets.demo import seed_tickets

    # open_case checks the module against the enabled ones: only this module's are opened.
    return seed_tickets(database, size, seed, {"core", "env_tickets"})


@hookimpl
def pdms_register_commands(cli: click.Group) -> None:
    from pdms_env_tickets.cli import group

    cli.add_command(group)


@hookimpl
def pdms_person_references() -> list[PersonReference]:
    # Merging people moves these to the survivor, and un-merging moves them back.
    return [
        PersonReference("env_tickets_ticket"),
        PersonReference("env_tickets_interested_party"),
    ]
