"""The dummy plugin's hook implementations: one of every hook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel

from pdms_core.plugin import (
    SYSTEM,
    Actor,
    ActorKind,
    DocumentHolder,
    GraphQLContribution,
    LetterField,
    LetterPurpose,
    LookupSeed,
    LookupSetSpec,
    MeasureSpec,
    ModuleRecordSource,
    Permission,
    PluginManifest,
    hookimpl,
    hookspec,
    problem_lookup_sets,
    unit_of_work,
)
from pdms_dummy import services
from pdms_dummy.graphql import DummyMutation, DummyQuery, DummyWidget

#: A partner-style key that can read widgets only (the header is the whole "secret"
#: because this plugin exists for tests; real keys come from the security module).
ROBOT_HEADER = "x-dummy-robot"


class DummySettings(BaseModel):
    greeting: str = "hello"
    max_widgets: int = 10


class DummyHookSpecs:
    """A hook this plugin publishes for other plugins."""

    @hookspec
    def pdms_dummy_widget_created(self, name: str) -> None:
        """Called after a widget is created."""


@hookimpl
def pdms_add_hookspecs(pluginmanager: Any) -> None:
    pluginmanager.add_hookspecs(DummyHookSpecs)


@hookimpl
def pdms_plugin_manifest() -> PluginManifest:
    return PluginManifest(
        name="dummy",
        label="Dummy widgets",
        description="Test plugin implementing every hook.",
        models_module="pdms_dummy.models",
        migrations_dir=Path(__file__).parent / "migrations" / "versions",
        settings_model=DummySettings,
    )


@hookimpl
def pdms_graphql() -> GraphQLContribution:
    return GraphQLContribution(
        query=DummyQuery,
        mutation=DummyMutation,
        module_records=(
            ModuleRecordSource(
                holder="Place",
                record_type=DummyWidget,
                load=services.widgets_by_place,
                permission="dummy.widget.read",
            ),
        ),
    )


@hookimpl
def pdms_permissions() -> list[Permission]:
    return [
        Permission("dummy.widget.read", "See widgets."),
        Permission("dummy.widget.write", "Create widgets."),
    ]


@hookimpl
def pdms_lookup_sets() -> list[LookupSetSpec]:
    # The dummy module has its own case statuses, demand and intention types (the
    # problem lists it does not declare come from core's).
    problem_lists = problem_lookup_sets(
        "dummy",
        case_status=(
            LookupSeed("reported", "Reported"),
            LookupSeed("fixed", "Fixed", data={"closed": True}),
        ),
        demand_type=(
            LookupSeed("widget_fault", "Widget fault"),
            LookupSeed("widget_query", "Widget query"),
        ),
        intention_type=(LookupSeed("inspect_widget", "Inspect the widget"),),
    )
    return [
        *problem_lists,
        LookupSetSpec(
            code="dummy.colour",
            label="Widget colours",
            seeds=(LookupSeed("red", "Red"), LookupSeed("green", "Green")),
        ),
        LookupSetSpec(
            code="dummy.shade",
            label="Widget shades",
            parent_set="dummy.colour",
            seeds=(
                LookupSeed("crimson", "Crimson", parent="red"),
                LookupSeed("lime", "Lime", parent="green"),
            ),
        ),
    ]


@hookimpl
def pdms_measures() -> list[MeasureSpec]:
    return [
        MeasureSpec(
            name="dummy.widgets_by_colour",
            title="Widgets by colour",
            description="How many widgets there are of each colour.",
            compute=services.widgets_by_colour,
        )
    ]


@hookimpl
def pdms_document_holders() -> list[DocumentHolder]:
    from pdms_dummy.models import Widget

    return [DocumentHolder("DummyWidget", Widget, "dummy.widget.read")]


@hookimpl
def pdms_person_references() -> list[Any]:
    # Widgets name no person, so merging people leaves them alone; the modules'
    # references (a rent account's tenant) are what the merging tests move.
    return []


@hookimpl
def pdms_letter_purposes() -> list[LetterPurpose]:
    return [
        LetterPurpose(
            code="dummy.widget_notice",
            label="Widget notice",
            holder="DummyWidget",
            description="A notice about one widget.",
            fields=(LetterField("widget_name", "The widget's name.", example="Sprocket"),),
            provide=services.widget_letter_fields,
        )
    ]


@hookimpl
def pdms_timeline_sources() -> list[Any]:
    # Widgets carry no date, so none goes on a timeline; core's timeline tests run
    # with this plugin enabled and see core's entries only.
    return []


@hookimpl
def pdms_register_commands(cli: click.Group) -> None:
    @cli.group("dummy")
    def dummy() -> None:
        """Dummy widgets."""

    @dummy.command()
    def hello() -> None:
        """Print the greeting."""
        click.echo("hello from dummy")


@hookimpl
def pdms_startup(app: Any, settings: Any) -> Any:
    async def mark() -> None:
        app.state.dummy_started = True

    return mark()


@hookimpl
def pdms_demo_seed(database: Any, size: str, seed: int) -> Any:
    async def seed_widgets() -> str:
        count = 3 if size == "small" else 30
        async with unit_of_work(database.sessionmaker) as session:
            for number in range(count):
                await services.create_widget(
                    session, SYSTEM, name=f"Demo widget {seed}-{number}", place_id=None
                )
        return f"dummy: {count} widgets"

    return seed_widgets()


@hookimpl
def pdms_actor_from_request(request: Any, settings: Any) -> Actor | None:
    if request.headers.get(ROBOT_HEADER) == "widget-robot":
        return Actor(
            kind=ActorKind.API_KEY,
            id="dummy-robot",
            display_name="Widget robot",
            permissions=frozenset({"dummy.widget.read"}),
        )
    return None
