"""Running any measure by name, and saving and reading snapshots (no strawberry here)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import pdms_core.measures.visibility  # noqa: F401  (registers the snapshot row rule that restrict applies)
from pdms_core.auth.actor import Actor
from pdms_core.auth.models import Team
from pdms_core.db.row_rules import restrict
from pdms_core.errors import NotFound, ValidationFailed
from pdms_core.measures.filters import MeasureFilter
from pdms_core.measures.models import MeasureSnapshot, MeasureSnapshotTeam
from pdms_core.measures.table import MeasureTable
from pdms_core.records import MeasureSpec

if TYPE_CHECKING:
    from pdms_core.host import PluginHost

TITLE_MAX = 200


def find_measure(host: PluginHost, name: str, *, field: str = "name") -> tuple[str, MeasureSpec]:
    """(module, spec) of an enabled module's measure; NOT_FOUND otherwise."""
    found = host.measure(name)
    if found is None:
        raise NotFound(f"There is no measure called {name!r}.", field=field)
    return found


async def compute_measure(
    session: AsyncSession, host: PluginHost, name: str, measure_filter: MeasureFilter
) -> MeasureTable:
    """The measure ``name`` computed now for ``measure_filter``."""
    _, spec = find_measure(host, name)
    result = await spec.compute(session, measure_filter)
    if not isinstance(result, MeasureTable):
        raise TypeError(f"measure {name!r} returned {type(result).__name__}, not a MeasureTable")
    return result


async def save_snapshot(
    session: AsyncSession,
    host: PluginHost,
    actor: Actor,
    *,
    name: str,
    measure_filter: MeasureFilter,
    title: str | None = None,
    as_of: date | None = None,
    note: str = "",
) -> MeasureSnapshot:
    """Compute ``name`` now and store its table with the filter and who saved it.

    ``as_of`` is the date the snapshot stands for (today by default); ``title``
    defaults to the measure's title.
    """
    _, spec = find_measure(host, name, field="measure")
    title = (title or "").strip() or spec.title
    if len(title) > TITLE_MAX:
        raise ValidationFailed(f"Keep the title to {TITLE_MAX} characters.", field="title")
    table = await compute_measure(session, host, name, measure_filter)
    snapshot = MeasureSnapshot(
        measure=name,
        title=title,
        as_of=as_of or date.today(),
        filters=measure_filter.to_json(),
        result=table.to_json(),
        created_by=actor.display_name or actor.id or "unknown",
        note=note.strip(),
    )
    session.add(snapshot)
    await session.flush()
    session.add_all(
        MeasureSnapshotTeam(snapshot_id=snapshot.id, team_id=team)
        for team in measure_filter.within_teams or ()
    )
    await session.flush()
    return snapshot


def snapshots_statement(actor: Actor, measure: str | None = None):  # type: ignore[no-untyped-def]
    """Snapshots ``actor`` may see, optionally of one measure (page newest first by ``-id``)."""
    statement = restrict(select(MeasureSnapshot), MeasureSnapshot, actor)
    if measure is not None:
        statement = statement.where(MeasureSnapshot.measure == measure)
    return statement


async def team_ids(session: AsyncSession, codes: Sequence[str]) -> tuple[int, ...]:
    """Ids of the teams with these codes (in any module); NOT_FOUND names an unknown one."""
    if not codes:
        return ()
    rows = (await session.execute(select(Team.id, Team.code).where(Team.code.in_(codes)))).all()
    unknown = sorted(set(codes) - {code for _, code in rows})
    if unknown:
        raise NotFound(f"There is no team with the code {unknown[0]!r}.", field="team")
    return tuple(sorted(team_id for team_id, _ in rows))
