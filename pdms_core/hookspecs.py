"""Hook specifications: the contract between the host and every module.

Declarative hooks (manifest, graphql, permissions, lookup sets, measures, document
holders, letter purposes, timeline sources) are synchronous and return frozen records from
:mod:`pdms_core.records`; the host calls them once at startup, in a fixed order (core
first, then plugins by name). Every hook is documented in ``docs/plugin_hooks.md`` with
its exact signature; a test keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import click
    from starlette.applications import Starlette
    from starlette.requests import HTTPConnection

    from pdms_core.auth.actor import Actor
    from pdms_core.db.engine import Database
    from pdms_core.merging.spec import PersonReference
    from pdms_core.records import (
        DocumentHolder,
        GraphQLContribution,
        LetterPurpose,
        LookupSetSpec,
        MeasureSpec,
        Permission,
        PluginManifest,
        TimelineSource,
    )
    from pdms_core.settings import Settings

PROJECT = "pdms"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def pdms_plugin_manifest() -> PluginManifest:
    """Say who the plugin is: name, label, models module, migrations folder, settings."""


@hookspec
def pdms_graphql() -> GraphQLContribution:
    """Contribute root query/mutation fields, extra types and module records."""


@hookspec
def pdms_permissions() -> Sequence[Permission]:
    """Declare the permission codes the plugin checks, each with a description."""


@hookspec
def pdms_lookup_sets() -> Sequence[LookupSetSpec]:
    """Declare configurable lookup lists and their seed values."""


@hookspec
def pdms_measures() -> Sequence[MeasureSpec]:
    """Contribute strategic measures, computed on request and exportable as CSV."""


@hookspec
def pdms_document_holders() -> Sequence[DocumentHolder]:
    """Declare the record types that may hold documents, and how to read them."""


@hookspec
def pdms_person_references() -> Sequence[PersonReference]:
    """Name the columns that hold a person's id, so merging people can move them."""


@hookspec
def pdms_register_commands(cli: click.Group) -> None:
    """Add one click command group, named after the plugin, to the ``pdms`` CLI."""


@hookspec
def pdms_startup(app: Starlette, settings: Settings) -> Awaitable[None] | None:
    """Run startup work when the web app starts; may return an awaitable."""


@hookspec
def pdms_demo_seed(database: Database, settings: Settings, size: str, seed: int) -> Awaitable[str]:
    """Add the module's fictional records to the demo council; say what was added."""


@hookspec(firstresult=True)
def pdms_actor_from_request(request: HTTPConnection, settings: Settings) -> Actor | None:
    """Say who is calling; the first non-None answer wins, core answers last."""


@hookspec(historic=True)
def pdms_add_hookspecs(pluginmanager: pluggy.PluginManager) -> None:
    """Publish hook specifications of your own for other plugins to implement."""


@hookspec
def pdms_letter_purposes() -> Sequence[LetterPurpose]:
    """Declare the letters a council may write templates for, with their merge fields."""


@hookspec
def pdms_timeline_sources() -> Sequence[TimelineSource]:
    """Put the module's records on core people's and places' timelines."""
