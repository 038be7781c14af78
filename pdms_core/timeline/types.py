"""GraphQL types and resolvers for timelines and a person's or place's cases."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from pdms_core.activities.models import Activity
from pdms_core.activities.types import ActivityNode
from pdms_core.cases.loaders import CasesByPersonLoader, CasesByPlaceLoader
from pdms_core.cases.models import CaseRecord
from pdms_core.cases.types import READ, CaseNode
from pdms_core.db.loaders import RowsByIdLoader
from pdms_core.demands.models import Demand
from pdms_core.demands.types import DemandNode
from pdms_core.errors import PermissionDenied
from pdms_core.graphql.arguments import described
from pdms_core.graphql.module_records import ModuleRecord
from pdms_core.graphql.pagination import Connection, connection_of
from pdms_core.intentions.models import Intention
from pdms_core.intentions.types import IntentionNode
from pdms_core.timeline.service import FIRST_MODULE_RANK, RankedSource, timeline_page

MODELS = {"case": CaseRecord, "demand": Demand, "activity": Activity, "intention": Intention}

OpenOnly = Annotated[
    bool | None, described("true: open cases only; false: closed only; omitted: both.")
]


@strawberry.enum(description="What a timeline entry is.")
class TimelineKind(Enum):
    CASE = strawberry.enum_value("case", description="A case opened.")
    DEMAND = strawberry.enum_value("demand", description="A demand arrived.")
    ACTIVITY = strawberry.enum_value("activity", description="Work was done.")
    INTENTION = strawberry.enum_value("intention", description="A follow-up was set.")
    MODULE = strawberry.enum_value(
        "module", description="A department module's record (a TimelineModuleRecord)."
    )


@strawberry.type(description="A record a department module put on the timeline.")
class TimelineModuleRecord:
    module: str = strawberry.field(description="The module holding it, e.g. `gas_electric`.")
    kind: str = strawberry.field(
        description="What it is, named by the module, e.g. `gas_electric.job`."
    )
    record: ModuleRecord = strawberry.field(
        description="The record; use inline fragments on the module's types for detail."
    )

    @classmethod
    def is_type_of(cls, obj: Any, info: Info) -> bool:
        # Lets the planned executor tell this member of TimelineItem from the others.
        return isinstance(obj, cls)


TimelineItem = Annotated[
    CaseNode | DemandNode | ActivityNode | IntentionNode | TimelineModuleRecord,
    strawberry.union(
        "TimelineItem", description="A case, demand, activity, intention or module record."
    ),
]


@strawberry.type(name="TimelineEntry", description="One thing that happened, on a day.")
class TimelineEntryType:
    on: date = strawberry.field(description="The day (UK) it happened.")
    kind: TimelineKind = strawberry.field(description="What it is.")
    item: TimelineItem = strawberry.field(description="The record.")


@strawberry.type(description="A page of a timeline, newest first.")
class TimelineConnection(Connection[TimelineEntryType]):
    pass


def readable_sources(info: Info, holder: str) -> list[RankedSource]:
    """The modules' sources for ``holder`` the caller may read, each with its rank.

    A kind's rank comes from every enabled source, whatever the caller may read, so
    a cursor means the same position to everyone.
    """
    sources = info.context.host.timeline_sources
    kinds = list(dict.fromkeys(source.kind for _module, source in sources))
    actor = info.context.actor
    return [
        RankedSource(rank=FIRST_MODULE_RANK + kinds.index(source.kind), source=source)
        for _module, source in sources
        if source.holder == holder and actor.has(source.permission)
    ]


def require_cases_read(info: Info) -> None:
    if not info.context.actor.has(READ):
        raise PermissionDenied(f"This needs the permission {READ}.")


async def timeline_connection(
    info: Info,
    *,
    person_id: int | None = None,
    place_id: int | None = None,
    first: int | None,
    after: str | None,
) -> TimelineConnection:
    require_cases_read(info)
    sources = readable_sources(info, "Person" if person_id is not None else "Place")
    async with info.context.session() as session:
        page = await timeline_page(
            session,
            info.context.actor,
            person_id=person_id,
            place_id=place_id,
            first=first,
            after=after,
            sources=sources,
        )
    loaders = info.context.loaders
    modules = {ranked.source.kind: ranked for ranked in sources}
    futures = [
        loaders.get(RowsByIdLoader, model=_model(e.kind, modules)).load(e.id) for e in page.entries
    ]
    rows = [await future for future in futures]
    entries = [
        TimelineEntryType(on=e.on, kind=TimelineKind(e.kind), item=row)
        if e.kind in MODELS
        else TimelineEntryType(
            on=e.on,
            kind=TimelineKind.MODULE,
            item=TimelineModuleRecord(module=e.kind.split(".", 1)[0], kind=e.kind, record=row),
        )
        for e, row in zip(page.entries, rows, strict=True)
    ]
    page_of = connection_of(
        entries, page.cursors, has_next=page.has_next_page, has_previous=page.has_previous_page
    )
    return TimelineConnection(edges=page_of.edges, page_info=page_of.page_info)


def _model(kind: str, modules: dict[str, RankedSource]) -> Any:
    return MODELS[kind] if kind in MODELS else modules[kind].source.record_type.model


async def cases_of(
    info: Info, *, person_id: int | None = None, place_id: int | None = None, open: bool | None
) -> list[Any]:
    require_cases_read(info)
    if person_id is not None:
        return await info.context.loaders.get(CasesByPersonLoader, open=open).load(person_id)
    return await info.context.loaders.get(CasesByPlaceLoader, open=open).load(place_id)
