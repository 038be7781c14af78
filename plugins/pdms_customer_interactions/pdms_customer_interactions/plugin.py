"""The module's hook implementations: thin wiring only.

Every ``pdms`` command imports this module (``pdms --help`` too), so it imports only
records at the top; GraphQL types, services and models load inside the hooks.
"""

from __future__ import annotations

from typing import Any

import click
from pdms_core.plugin import (
    GraphQLContribution,
    LookupSetSpec,
    MeasureSpec,
    ModuleRecordSource,
    Permission,
    PersonReference,
    PluginManifest,
    hookimpl,
)

from pdms_customer_interactions.permissions import PERMISSIONS, READ


@hookimpl
def pdms_plugin_manifest() -> PluginManifest:
    # Models and migrations are found by convention: pdms_customer_interactions.models and
    # pdms_customer_interactions/migrations/versions.
    return PluginManifest(
        name="customer_interactions",
        label="Customer interactions",
        description="Every contact recorded and classified at first contact, and a problem "
        "assignment engine that routes new cases by council rules and says why.",
        requires_core=">=0.1,<0.2",
    )


@hookimpl
def pdms_graphql() -> GraphQLContribution:
    from pdms_customer_interactions import services
    from pdms_customer_interactions.graphql.mutations import CustomerInteractionsMutation
    from pdms_customer_interactions.graphql.queries import CustomerInteractionsQuery
    from pdms_customer_interactions.graphql.types import CustomerInteractionsInteraction

    return GraphQLContribution(
        query=CustomerInteractionsQuery,
        mutation=CustomerInteractionsMutation,
        module_records=(
            ModuleRecordSource(
                holder="Person",
                record_type=CustomerInteractionsInteraction,
                load=services.interactions_by_person,
                permission=READ,
            ),
            ModuleRecordSource(
                holder="Place",
                record_type=CustomerInteractionsInteraction,
                load=services.interactions_by_place,
                permission=READ,
            ),
        ),
    )


@hookimpl
def pdms_permissions() -> list[Permission]:
    return PERMISSIONS


@hookimpl
def pdms_lookup_sets() -> list[LookupSetSpec]:
    from pdms_customer_interactions.lists import lookup_sets

    return lookup_sets()


@hookimpl
def pdms_measures() -> list[MeasureSpec]:
    from pdms_customer_interactions.measures import measures

    return measures()


@hookimpl
def pdms_demo_seed(database: Any, size: str, seed: int) -> Any:
    from pdms_customer_interactions.demo import seed_contacts

    return seed_contacts(database, size, seed)


@hookimpl
def pdms_register_commands(cli: click.Group) -> None:
    from pdms_customer_interactions.cli import group

    cli.add_command(group)


@hookimpl
def pdms_person_references() -> list[PersonReference]:
    # Merging people moves these to the survivor, and un-merging moves them back.
    return [
        PersonReference("customer_interactions_interaction"),
    ]
