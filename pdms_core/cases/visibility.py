"""Row-level rule for cases: a team-scoped grant reaches only its teams' cases.

A user whose ``core.cases.read`` (or ``.write``) comes only from roles granted within
teams sees (or changes) only the cases those teams own, and only the demands,
activities, intentions and other records of those cases. The rule is one SQL
condition, added to the statement that reads the rows (:func:`within_reach`), never
a filter applied in Python after the fact: pages, counts and cursors stay right.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from pdms_core.activities.models import Activity
from pdms_core.auth.actor import Actor
from pdms_core.cases.models import CaseParty, CasePause, CasePlace, CaseRecord
from pdms_core.conditions.models import SystemConditionEffect
from pdms_core.db.row_rules import register_row_rule, register_scoped_rule
from pdms_core.demands.models import Demand
from pdms_core.errors import NotFound, PermissionDenied
from pdms_core.intentions.models import Intention

READ = "core.cases.read"
WRITE = "core.cases.write"

#: Records that belong to one case, through their ``case_id`` column. (Links have two
#: cases; their loader checks both ends.)
CASE_CHILDREN = (Demand, Activity, Intention, CaseParty, CasePlace, CasePause)


def case_condition(
    actor: Actor, model: Any = CaseRecord, *, code: str = READ
) -> ColumnElement[bool] | None:
    """The condition rows of ``model`` must meet for ``actor`` under ``code``.

    None when the actor's grant is council-wide (every row). ``model`` is
    :class:`CaseRecord` or any record with a ``case_id`` column.
    """
    teams = actor.teams_for(code)
    if teams is None:
        return None
    owned = CaseRecord.team_id.in_(sorted(teams))
    if model is CaseRecord:
        return owned
    in_reach = model.case_id.in_(select(CaseRecord.id).where(owned))
    if model is Intention:
        # Intentions on a person or a place have no case: a grant within teams reaches
        # those given to its teams.
        given_to_team = and_(Intention.case_id.is_(None), Intention.team_id.in_(sorted(teams)))
        return or_(in_reach, given_to_team)
    return in_reach


def within_reach(statement: Any, actor: Actor, model: Any = CaseRecord, *, code: str = READ) -> Any:
    """``statement`` narrowed to the rows of ``model`` that ``actor`` reaches."""
    condition = case_condition(actor, model, code=code)
    return statement if condition is None else statement.where(condition)


async def check_case_reach(
    session: AsyncSession, actor: Actor, case_id: int, *, field: str = "id", code: str = WRITE
) -> None:
    """NOT_FOUND unless ``actor`` reaches the case: another team's case looks absent.

    Council-wide grants reach every case; whether it exists is the caller's next check.
    """
    condition = case_condition(actor, code=code)
    if condition is None:
        return
    found = await session.scalar(select(CaseRecord.id).where(CaseRecord.id == case_id, condition))
    if found is None:
        raise NotFound("There is no such case.", field=field)


def check_owning_team(actor: Actor, team_id: int | None, *, field: str = "teamId") -> None:
    """A team-scoped writer may give a case only to one of their own teams."""
    teams = actor.teams_for(WRITE)
    if teams is not None and team_id not in teams:
        raise PermissionDenied(
            "You can give cases only to the teams your role is granted in.", field=field
        )


def _rule(model: Any) -> Any:
    return lambda actor: case_condition(actor, model, code=READ)


def _scoped(model: Any) -> Any:
    return lambda actor, code: case_condition(actor, model, code=code)


for _model in (CaseRecord, SystemConditionEffect, *CASE_CHILDREN):
    register_row_rule(_model, _rule(_model))
    register_scoped_rule(_model, _scoped(_model))
