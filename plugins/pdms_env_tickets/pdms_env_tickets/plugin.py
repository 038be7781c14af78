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
    ModuleRecordSource,
    Permission,
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
def pdms_document_holders() -> list[DocumentHolder]:
    from pdms_env_tickets.models import Ticket

    # Photos of the problem, and of the work done, are stored on the ticket.
    return [DocumentHolder("EnvTicketsTicket", Ticket, READ)]


@hookimpl
def pdms_register_commands(cli: click.Group) -> None:
    from pdms_env_tickets.cli import group

    cli.add_command(group)
