"""Root fields: typed dashboard measures, the generic ``measure`` table and snapshots."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from pdms_core.graphql.arguments import After, First, described
from pdms_core.graphql.errors import run_mutation
from pdms_core.graphql.node import decode_id, load_row
from pdms_core.graphql.pagination import Connection, keyset_page
from pdms_core.graphql.permissions import mutation_field, query_field
from pdms_core.measures import demand_measures as dm
from pdms_core.measures import services
from pdms_core.measures import work_measures as wm
from pdms_core.measures.end_to_end import end_to_end_times
from pdms_core.measures.graphql import types as t
from pdms_core.measures.graphql.inputs import MeasureFilterInput, to_filter
from pdms_core.measures.graphql.tables import (
    READ,
    MeasureDefinition,
    MeasureResult,
    MeasureSnapshotNode,
    MeasureSnapshotPayload,
)
from pdms_core.measures.models import MeasureSnapshot

SNAPSHOT = "core.measures.snapshot"
Filter = Annotated[
    MeasureFilterInput | None, described("Which records to count; omit for everything.")
]


@strawberry.input(description="A measure to compute and save as a snapshot.")
class SaveMeasureSnapshotInput:
    measure: str = strawberry.field(description="The measure's name (see `measures`).")
    filter: MeasureFilterInput | None = strawberry.field(
        default=None, description="Which records to count; omit for everything."
    )
    title: str | None = strawberry.field(
        default=None, description="A title; the measure's own title when omitted."
    )
    as_of: date | None = strawberry.field(
        default=None, description="The date the snapshot stands for; today when omitted."
    )
    note: str = strawberry.field(default="", description="Why it was saved, for readers.")


@strawberry.type
class MeasureQuery:
    @query_field(
        description="Presenting demands received per period, by type, category, nature, "
        "channel or strategic objective.",
        permission=READ,
    )
    async def demand_volumes(
        self,
        info: Info,
        filter: Filter = None,
        group_by: Annotated[t.DemandGrouping, described("What to count by.")] = (
            t.DemandGrouping.TYPE
        ),
    ) -> list[t.DemandVolume]:
        f = to_filter(filter, info.context.actor)
        async with info.context.session() as session:
            volumes = await dm.demand_volumes(session, f, group_by.value)
        return [t.DemandVolume.of(v) for v in volumes]

    @query_field(
        description="Failure-demand share of presenting demands: overall, per period and "
        "per demand type.",
        permission=READ,
    )
    async def failure_demand(self, info: Info, filter: Filter = None) -> t.FailureDemandMeasure:
        f = to_filter(filter, info.context.actor)
        async with info.context.session() as session:
            return t.FailureDemandMeasure.of(await dm.failure_demand(session, f))

    @query_field(
        description="The root causes (underlying demand types) behind each presenting type.",
        permission=READ,
    )
    async def root_causes(
        self,
        info: Info,
        filter: Filter = None,
        top: Annotated[int, described("Causes per presenting type, most frequent first.")] = 5,
    ) -> list[t.RootCauseGroup]:
        f = to_filter(filter, info.context.actor)
        async with info.context.session() as session:
            groups = await dm.root_causes(session, f)
        return [t.RootCauseGroup.of(g, max(top, 0)) for g in groups]

    @query_field(
        description="System-condition types ranked by cases affected or time lost.",
        permission=READ,
    )
    async def system_condition_impact(
        self,
        info: Info,
        filter: Filter = None,
        rank_by: Annotated[t.ConditionRanking, described("How to rank.")] = (
            t.ConditionRanking.CASES_AFFECTED
        ),
    ) -> list[t.SystemConditionImpact]:
        f = to_filter(filter, info.context.actor)
        async with info.context.session() as session:
            impacts = await wm.condition_impact(session, f, rank_by.value)
        return [t.SystemConditionImpact.of(c) for c in impacts]

    @query_field(
        description="End-to-end days per demand type for demands resolved in the range: "
        "percentiles and a control chart.",
        permission=READ,
    )
    async def end_to_end_times(self, info: Info, filter: Filter = None) -> list[t.EndToEndTime]:
        f = to_filter(filter, info.context.actor)
        async with info.context.session() as session:
            times = await end_to_end_times(session, f)
        return [t.EndToEndTime.of(e) for e in times]

    @query_field(description="Minutes and tasks per task category.", permission=READ)
    async def activity_time(self, info: Info, filter: Filter = None) -> list[t.ActivityTime]:
        f = to_filter(filter, info.context.actor)
        async with info.context.session() as session:
            times = await wm.activity_time(session, f)
        return [t.ActivityTime.of(a) for a in times]

    @query_field(description="The measures the enabled modules offer.", permission=READ)
    def measures(self, info: Info) -> list[MeasureDefinition]:
        return [
            MeasureDefinition(
                name=spec.name, module=module, title=spec.title, description=spec.description
            )
            for module, spec in info.context.host.measures
        ]

    @query_field(description="Any measure, by name, as a table with CSV.", permission=READ)
    async def measure(
        self,
        info: Info,
        name: Annotated[str, described("The measure's name (see `measures`).")],
        filter: Filter = None,
    ) -> MeasureResult:
        f = to_filter(filter, info.context.actor)
        _, spec = services.find_measure(info.context.host, name)
        async with info.context.session() as session:
            table = await services.compute_measure(session, info.context.host, name, f)
        return MeasureResult(name=spec.name, title=spec.title, table=table)

    @query_field(description="Saved measure snapshots, newest first.", permission=READ)
    async def measure_snapshots(
        self,
        info: Info,
        measure: Annotated[str | None, described("Only snapshots of this measure.")] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[MeasureSnapshotNode]:
        async with info.context.session() as session:
            page = await keyset_page(
                session,
                services.snapshots_statement(info.context.actor, measure),
                [-MeasureSnapshot.id],
                first=first,
                after=after,
            )
        return page.connection()

    @query_field(description="One saved snapshot by global ID.", permission=READ)
    async def measure_snapshot(
        self, info: Info, id: Annotated[strawberry.ID, described("The snapshot's global ID.")]
    ) -> MeasureSnapshotNode | None:
        return await load_row(info, MeasureSnapshot, decode_id(id, "MeasureSnapshot"))


@strawberry.type
class MeasureMutation:
    @mutation_field(
        description="Compute a measure now and save it, with its filter, as a snapshot.",
        permission=SNAPSHOT,
    )
    async def save_measure_snapshot(
        self,
        info: Info,
        input: Annotated[SaveMeasureSnapshotInput, described("What to save.")],
    ) -> MeasureSnapshotPayload:
        async def action(session):  # type: ignore[no-untyped-def]
            return await services.save_snapshot(
                session,
                info.context.host,
                info.context.actor,
                name=input.measure,
                measure_filter=to_filter(input.filter, info.context.actor),
                title=input.title,
                as_of=input.as_of,
                note=input.note,
            )

        snapshot, errors = await run_mutation(info, action)
        return MeasureSnapshotPayload(snapshot=snapshot, errors=errors)
