"""Floors for bench/portal.py, measured in the same run as the server.

- the SQL statements one request made, recorded in process and replayed directly
  through the same engine (the database work alone);
- one hand-written SQL statement building the same JSON (PostgreSQL json_agg);
- graphql-core executing the same document over the response held in memory as plain
  dicts, plus the JSON encoding (the GraphQL work alone, no database, no ORM).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import graphql
import orjson
from sqlalchemy import event, text

from pdms_core.db.engine import Database

QUERIES = Path(__file__).with_name("queries")


class StatementRecorder:
    """The statements (with their parameters) the engine sends while recording."""

    def __init__(self, database: Database):
        self.statements: list[tuple[str, Any]] = []
        self.recording = False
        for engine in database.engines:  # the loaders read through their own pool
            event.listen(engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        # transaction control is not work to replay (SQLite's BEGIN is sent explicitly)
        if self.recording and statement.strip().upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):
            self.statements.append((statement, parameters))

    def start(self) -> None:
        self.statements = []
        self.recording = True

    def stop(self) -> list[tuple[str, Any]]:
        self.recording = False
        return self.statements


async def replay_ms(database: Database, statements: list[tuple[str, Any]], repeat: int) -> float:
    """Median wall time of sending ``statements`` again, in order, on one connection."""
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        async with database.engine.begin() as connection:
            for statement, parameters in statements:
                await connection.exec_driver_sql(statement, parameters)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


async def hand_sql(database: Database, name: str, params: dict, repeat: int) -> tuple[float, Any]:
    """Median wall time of ``queries/<name>.sql`` (PostgreSQL), and the JSON it built."""
    statement = text((QUERIES / f"{name}.sql").read_text())
    timings, answer = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        async with database.engine.connect() as connection:
            answer = (await connection.execute(statement, params)).scalar_one()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000, answer


def in_memory_cpu_ms(
    sdl: str, document: str, variables: dict, data: dict, expected: dict, repeat: int
) -> float:
    """Median CPU time of graphql-core executing ``document`` over ``data`` (the response
    to :func:`with_typenames` of it) plus orjson; its answer must be ``expected``."""
    schema = graphql.build_schema(sdl)
    parsed = graphql.parse(document)
    assert not graphql.validate(schema, parsed)

    def run() -> bytes:
        result = graphql.execute_sync(
            schema, parsed, root_value=data, variable_values=variables, type_resolver=_typename
        )
        if result.errors:
            raise RuntimeError(result.errors[0].message)
        return orjson.dumps({"data": result.data})

    assert orjson.loads(run()) == {"data": expected}
    return _median_cpu_ms(run, repeat)


def with_typenames(document: str) -> str:
    """``document`` asking for ``__typename`` in every selection set, so the in-memory
    floor can tell which object type an interface or union value is."""

    class AddTypename(graphql.Visitor):
        def leave_selection_set(self, node: graphql.SelectionSetNode, *_: Any) -> Any:
            typename = graphql.FieldNode(
                name=graphql.NameNode(value="__typename"), arguments=(), directives=()
            )
            return graphql.SelectionSetNode(selections=(*node.selections, typename))

    return graphql.print_ast(graphql.visit(graphql.parse(document), AddTypename()))


def _typename(value: Any, _info: Any, _abstract: Any) -> str | None:
    return value.get("__typename") if isinstance(value, dict) else None


def _median_cpu_ms(work: Callable[[], Any], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.process_time()
        work()
        timings.append(time.process_time() - started)
    return statistics.median(timings) * 1000


def first_difference(ours: Any, theirs: Any, path: str = "") -> str | None:
    """Where two JSON values first differ, or None when they are equal."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        for key in ours.keys() | theirs.keys():
            found = first_difference(ours.get(key), theirs.get(key), f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(ours, list) and isinstance(theirs, list):
        if len(ours) != len(theirs):
            return f"{path}: {len(ours)} items against {len(theirs)}"
        for n, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            found = first_difference(a, b, f"{path}[{n}]")
            if found:
                return found
        return None
    return None if ours == theirs else f"{path}: {ours!r} against {theirs!r}"
