"""Any measure as a table (core's and plugins' alike), and saved snapshots."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import relay

from pdms_core.graphql.node import ModelNode
from pdms_core.graphql.payloads import payload_type
from pdms_core.measures.graphql.inputs import MeasureFilterType
from pdms_core.measures.models import MeasureSnapshot
from pdms_core.measures.table import MeasureTable, render_cell

READ = "core.measures.read"


@strawberry.type(description="A measure an enabled module offers.")
class MeasureDefinition:
    name: str = strawberry.field(
        description="What to pass to `measure(name:)`: unprefixed for core, "
        "`<module>.<measure>` for modules."
    )
    module: str = strawberry.field(description="The module that offers it.")
    title: str = strawberry.field(description="Heading for dashboards.")
    description: str = strawberry.field(description="What it counts and how.")


@strawberry.type(name="MeasureColumn", description="One column of a measure table.")
class MeasureColumnType:
    name: str = strawberry.field(description="Stable snake_case key; the CSV header.")
    title: str = strawberry.field(description="Heading for people.")
    kind: str = strawberry.field(
        description="How to read the cells: `text`, `integer`, `number` or `date` (ISO)."
    )


@strawberry.type(description="A measure computed as a table of columns and rows.")
class MeasureResult:
    name: str = strawberry.field(description="The measure's name.")
    title: str = strawberry.field(description="The measure's title.")
    table: strawberry.Private[MeasureTable]

    @strawberry.field(description="The columns, in row order.")
    def columns(self) -> list[MeasureColumnType]:
        return [
            MeasureColumnType(name=c.name, title=c.title, kind=c.kind) for c in self.table.columns
        ]

    @strawberry.field(description="The rows; each cell as text (as in the CSV), null when empty.")
    def rows(self) -> list[list[str | None]]:
        return [[None if c is None else render_cell(c) for c in row] for row in self.table.rows]

    @strawberry.field(description="The table as CSV: a header of column names, CRLF line ends.")
    def csv(self) -> str:
        return self.table.to_csv()


@strawberry.type(
    name="MeasureSnapshot",
    description="A measure's table frozen at a date, with its filter and who saved it.",
)
class MeasureSnapshotNode(ModelNode):
    model = MeasureSnapshot
    read_permission = READ

    id: relay.NodeID[int]
    measure: str = strawberry.field(description="The measure's name.")
    title: str = strawberry.field(description="Title given when saving.")
    as_of: date = strawberry.field(description="The date the snapshot stands for.")
    created_by: str = strawberry.field(description="Who saved it.")
    created_at: datetime = strawberry.field(description="When it was saved.")
    note: str = strawberry.field(description="Note given when saving.")

    @strawberry.field(description="The filter the measure was computed for.")
    def filter(self) -> MeasureFilterType:
        return MeasureFilterType.from_json(self.filters)  # type: ignore[attr-defined]

    @strawberry.field(description="The table as it was when saved.")
    def result(self) -> MeasureResult:
        return MeasureResult(
            name=self.measure,
            title=self.title,
            table=MeasureTable.from_json(self.result),  # type: ignore[arg-type]
        )


MeasureSnapshotPayload = payload_type(
    "MeasureSnapshotPayload",
    "snapshot",
    MeasureSnapshotNode,
    description="Result of saving a measure snapshot.",
    errors_description="Why nothing was saved.",
)
