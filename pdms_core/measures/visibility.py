"""Row rule for saved snapshots: a team-scoped reader sees only their teams' reports.

Measures computed live are limited to the reader's teams (``MeasureFilter.within_teams``);
a snapshot freezes such a result, so the same reader must not see a council-wide one or
another team's. A snapshot is in reach when it was limited to teams (rows in
``measure_snapshot_team``) and every one of them is among the reader's.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.sql.elements import ColumnElement

from pdms_core.auth.actor import Actor
from pdms_core.db.row_rules import register_row_rule
from pdms_core.measures.models import MeasureSnapshot, MeasureSnapshotTeam

MEASURES_READ = "core.measures.read"


def snapshot_condition(actor: Actor) -> ColumnElement[bool] | None:
    """None for a council-wide reader; else the snapshots limited to their teams only."""
    teams = actor.teams_for(MEASURES_READ)
    if teams is None:
        return None
    limited = exists(
        select(MeasureSnapshotTeam.snapshot_id).where(
            MeasureSnapshotTeam.snapshot_id == MeasureSnapshot.id
        )
    )
    beyond = exists(
        select(MeasureSnapshotTeam.snapshot_id).where(
            MeasureSnapshotTeam.snapshot_id == MeasureSnapshot.id,
            MeasureSnapshotTeam.team_id.not_in(sorted(teams)),
        )
    )
    return limited & ~beyond


register_row_rule(MeasureSnapshot, snapshot_condition)
