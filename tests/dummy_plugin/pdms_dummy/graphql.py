"""The dummy plugin's GraphQL: a query, a mutation and a ModuleRecord type."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import func, select
from strawberry import relay
from strawberry.types import Info

from pdms_core.plugin import (
    ModelNode,
    ModuleRecord,
    UserErrorType,
    decode_id,
    mutation_field,
    query_field,
    run_mutation,
)
from pdms_dummy import services
from pdms_dummy.models import Widget


@strawberry.type(description="A test widget, optionally at a place.")
class DummyWidget(ModelNode, ModuleRecord):
    model = Widget
    read_permission = "dummy.widget.read"

    id: relay.NodeID[int]
    name: str = strawberry.field(description="The widget's name.")

    @strawberry.field(description="The widget's name, in capitals when asked to shout.")
    def label(
        self,
        shout: Annotated[bool, strawberry.argument(description="In capitals.")] = False,
    ) -> str:
        # a resolver with an argument and no @prefetchable mark, as a module may write:
        # planned completion leaves the field it is in to graphql-core
        return self.name.upper() if shout else self.name


@strawberry.type(description="Result of creating a widget.")
class DummyWidgetPayload:
    widget: DummyWidget | None = strawberry.field(description="The widget as stored.")
    errors: list[UserErrorType] = strawberry.field(description="Why nothing was stored.")


@strawberry.type
class DummyQuery:
    @query_field(description="How many widgets exist.", permission="dummy.widget.read")
    async def dummy_widget_count(self, info: Info) -> int:
        async with info.context.session() as session:
            return await session.scalar(select(func.count()).select_from(Widget)) or 0

    @query_field(
        description="The greeting from the plugin's settings.", permission="dummy.widget.read"
    )
    def dummy_greeting(self, info: Info) -> str:
        return info.context.host.plugin("dummy").settings.greeting

    @query_field(
        description="Always fails unexpectedly (proves error masking).",
        permission="dummy.widget.read",
    )
    def dummy_failure(self) -> str:
        raise RuntimeError("internal detail: resident Jane Fictional owes 1234.56")


@strawberry.type
class DummyMutation:
    @mutation_field(description="Create a widget.", permission="dummy.widget.write")
    async def dummy_create_widget(
        self,
        info: Info,
        name: Annotated[str, strawberry.argument(description="The widget's name.")],
        place_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Where the widget is.")
        ] = None,
    ) -> DummyWidgetPayload:
        async def action(session):  # type: ignore[no-untyped-def]
            place = decode_id(place_id, "Place", field="placeId") if place_id else None
            widget = await services.create_widget(
                session, info.context.actor, name=name, place_id=place
            )
            info.context.host.pm.hook.pdms_dummy_widget_created(name=widget.name)
            return widget

        widget, errors = await run_mutation(info, action)
        return DummyWidgetPayload(widget=widget, errors=errors)
