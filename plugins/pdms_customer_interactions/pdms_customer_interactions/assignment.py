"""The engine's facts and state from the database, its decisions stored, and the rules.

A decision costs a fixed number of statements whatever the number of rules: the
current rule book, the facts (place, person flags, the person's open cases) and the
state of the teams the rules can route to (members, their open work, round robins).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pdms_core.plugin import core_tables, upsert_rows
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_customer_interactions import engine
from pdms_customer_interactions.models import Decision, RoundRobin, RuleBook

LONDON = ZoneInfo("Europe/London")
PLACE = core_tables.place
CASE_RECORD = core_tables.case_record
CASE_PARTY = core_tables.case_party
CASE_PLACE = core_tables.case_place
EXTERNAL_REFERENCE = core_tables.external_reference
LOOKUP_VALUE = core_tables.lookup_value
TEAM = core_tables.team
MEMBERSHIP = core_tables.team_membership
STAFF_USER = core_tables.staff_user
_AREA = re.compile(r"[A-Z]{1,2}")


@dataclass(frozen=True)
class Routed:
    """A decision with the facts it was made on and the rule book's version."""

    decision: engine.Decision
    facts: engine.Facts
    book_number: int | None

    @property
    def team_id(self) -> int | None:
        return self.decision.team_id

    @property
    def officer_id(self) -> int | None:
        return self.decision.officer_id


def postcode_area(postcode: str | None) -> str | None:
    found = _AREA.match((postcode or "").strip().upper())
    return found.group(0) if found else None


async def current_book(session: AsyncSession) -> RuleBook | None:
    return await session.scalar(select(RuleBook).order_by(RuleBook.number.desc()).limit(1))


def digest_of(rules: list[dict[str, Any]]) -> str:
    text = json.dumps(rules, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


#: Parsed rule books by digest: a saved book never changes, so its parse is reused
#: (parsing 200 rules from JSON costs more than deciding with them).
_PARSED: OrderedDict[str, list[engine.Rule]] = OrderedDict()
_PARSED_MAX = 8


async def current_rules(session: AsyncSession) -> tuple[int | None, list[engine.Rule]]:
    """The current rule book's number and rules, parsed once per process and book."""
    head = (
        await session.execute(
            select(RuleBook.id, RuleBook.number, RuleBook.digest)
            .order_by(RuleBook.number.desc())
            .limit(1)
        )
    ).first()
    if head is None:
        return None, []
    cached = _PARSED.get(head.digest) if head.digest else None
    if cached is not None:
        _PARSED.move_to_end(head.digest)
        return head.number, cached
    raw = await session.scalar(select(RuleBook.rules).where(RuleBook.id == head.id))
    parsed = [engine.rule_from_json(rule) for rule in raw or []]
    if head.digest:
        _PARSED[head.digest] = parsed
        while len(_PARSED) > _PARSED_MAX:
            _PARSED.popitem(last=False)
    return head.number, parsed


async def case_teams(
    session: AsyncSession, person_id: int | None, place_id: int | None = None
) -> tuple[int, ...]:
    """Teams owning the person's open cases, most recently opened first."""
    if person_id is None:
        return ()
    rows = await session.execute(
        select(CASE_RECORD.c.team_id)
        .join(CASE_PARTY, CASE_PARTY.c.case_id == CASE_RECORD.c.id)
        .where(
            CASE_PARTY.c.person_id == person_id,
            CASE_RECORD.c.closed_on.is_(None),
            CASE_RECORD.c.team_id.is_not(None),
        )
        .order_by(CASE_RECORD.c.opened_on.desc(), CASE_RECORD.c.id.desc())
    )
    return tuple(dict.fromkeys(team for (team,) in rows))


async def gather_facts(
    session: AsyncSession,
    *,
    person_id: int | None,
    place_id: int | None,
    demand_type: str | None,
    demand_category: str | None,
    channel: str | None,
    at: datetime | None,
) -> engine.Facts:
    ward = area = None
    if place_id is not None:
        found = (
            await session.execute(
                select(PLACE.c.ward_code, PLACE.c.postcode).where(PLACE.c.id == place_id)
            )
        ).first()
        if found is not None:
            ward, area = found.ward_code, postcode_area(found.postcode)
    flags: frozenset[str] = frozenset()
    if person_id is not None:
        flags = frozenset(
            await session.scalars(
                select(LOOKUP_VALUE.c.code)
                .join(EXTERNAL_REFERENCE, EXTERNAL_REFERENCE.c.type_id == LOOKUP_VALUE.c.id)
                .where(EXTERNAL_REFERENCE.c.person_id == person_id)
            )
        )
    local = at.astimezone(LONDON) if at is not None else None
    return engine.Facts(
        demand_type=demand_type,
        demand_category=demand_category,
        ward=ward,
        postcode_area=area,
        person_flags=flags,
        case_teams=await case_teams(session, person_id),
        channel=channel,
        minute_of_day=local.hour * 60 + local.minute if local else None,
    )


def _team_ids(rules: Iterable[engine.Rule], facts: Iterable[engine.Facts]) -> set[int]:
    wanted = {r.target.team_id for r in rules if r.target.team_id is not None}
    for fact in facts:
        wanted.update(fact.case_teams)
    return wanted


async def team_states(
    session: AsyncSession, team_ids: Iterable[int]
) -> dict[int, engine.TeamState]:
    """Active teams with their active members' open cases and round-robin position."""
    ids = sorted(set(team_ids))
    if not ids:
        return {}
    teams = dict(
        (
            await session.execute(
                select(TEAM.c.id, TEAM.c.name).where(TEAM.c.id.in_(ids), TEAM.c.is_active)
            )
        ).all()
    )
    members_of = select(MEMBERSHIP.c.user_id).where(MEMBERSHIP.c.team_id.in_(list(teams)))
    # Count open cases of these teams' members only, not of every officer in the council.
    open_work = (
        select(CASE_RECORD.c.officer_id, func.count().label("open_cases"))
        .where(CASE_RECORD.c.closed_on.is_(None), CASE_RECORD.c.officer_id.in_(members_of))
        .group_by(CASE_RECORD.c.officer_id)
        .subquery()
    )
    members = await session.execute(
        select(
            MEMBERSHIP.c.team_id,
            STAFF_USER.c.id,
            func.coalesce(open_work.c.open_cases, 0),
            STAFF_USER.c.display_name,
        )
        .join(STAFF_USER, STAFF_USER.c.id == MEMBERSHIP.c.user_id)
        .outerjoin(open_work, open_work.c.officer_id == STAFF_USER.c.id)
        .where(MEMBERSHIP.c.team_id.in_(list(teams)), STAFF_USER.c.is_active)
        .order_by(MEMBERSHIP.c.team_id, STAFF_USER.c.id)
    )
    by_team: dict[int, list[tuple[int, int, str]]] = {}
    for team_id, officer_id, open_cases, name in members:
        by_team.setdefault(team_id, []).append((officer_id, int(open_cases), name))
    last = dict(
        (
            await session.execute(
                select(RoundRobin.team_id, RoundRobin.last_officer_id).where(
                    RoundRobin.team_id.in_(list(teams))
                )
            )
        ).all()
    )
    return {
        team_id: engine.TeamState(name, tuple(by_team.get(team_id, ())), last.get(team_id))
        for team_id, name in teams.items()
    }


async def active_officers(session: AsyncSession, rules: Sequence[engine.Rule]) -> dict[int, str]:
    ids = {r.target.officer_id for r in rules if r.target.officer_id is not None}
    if not ids:
        return {}
    rows = await session.execute(
        select(STAFF_USER.c.id, STAFF_USER.c.display_name).where(
            STAFF_USER.c.id.in_(ids), STAFF_USER.c.is_active
        )
    )
    return {key: value for key, value in rows}


async def route(
    session: AsyncSession,
    facts: engine.Facts,
    *,
    rules: Sequence[engine.Rule] | None = None,
    claim: bool = False,
) -> Routed:
    """Decide by the given rules, or the current rule book's.

    With ``claim`` (work is being given, not suggested) a round-robin turn is taken
    under a lock on the team's round-robin row, held until the caller's transaction
    ends, so handlers routing to the same team at once get the officers in turn.
    """
    number = None
    if rules is None:
        number, rules = await current_rules(session)
    teams = await team_states(session, _team_ids(rules, [facts]))
    officers = await active_officers(session, rules)
    decision = engine.decide(rules, facts, teams, officers)
    locked: set[int] = set()
    while claim and decision.choose == engine.ROUND_ROBIN and decision.team_id not in locked:
        team_id = decision.team_id
        assert team_id is not None
        locked.add(team_id)
        last = await _lock_round_robin(session, team_id)
        if last == teams[team_id].last_officer_id:
            break
        # Another handler took a turn since the team was read: decide again from it.
        teams = {**teams, team_id: replace(teams[team_id], last_officer_id=last)}
        decision = engine.decide(rules, facts, teams, officers)
    return Routed(decision, facts, number)


async def _lock_round_robin(session: AsyncSession, team_id: int) -> int | None:
    """Lock the team's round-robin row (made if missing) and read its latest turn.

    On PostgreSQL a second transaction waits here until the first ends and then reads
    the turn the first took; SQLite serialises writers, so there is nothing to wait for.
    """
    table = RoundRobin.__table__
    await upsert_rows(session, table, [{"team_id": team_id}], key=["team_id"], update=[])
    return await session.scalar(
        select(table.c.last_officer_id).where(table.c.team_id == team_id).with_for_update()
    )


async def decide_for(session: AsyncSession, given: Any) -> Routed:
    """Route a contact being recorded (``services.NewInteraction``), taking its turn."""
    facts = await gather_facts(
        session,
        person_id=given.person_id,
        place_id=given.place_id,
        demand_type=given.demand_type_code,
        demand_category=given.demand_category_code,
        channel=given.channel_code,
        at=given.started_at,
    )
    return await route(session, facts, claim=True)


async def store(
    session: AsyncSession, routed: Routed, *, interaction_id: int | None, case_id: int | None
) -> Decision:
    """Keep the decision with the case and contact; move the team's round robin on."""
    d = routed.decision
    row = Decision(
        interaction_id=interaction_id,
        case_id=case_id,
        rule_book_number=routed.book_number,
        rule_code=d.rule_code,
        team_id=d.team_id,
        officer_id=d.officer_id,
        facts=routed.facts.to_json(),
        steps=[step.to_json() for step in d.steps],
    )
    session.add(row)
    if d.choose == engine.ROUND_ROBIN and d.team_id is not None and d.officer_id is not None:
        await upsert_rows(
            session,
            RoundRobin.__table__,
            [{"team_id": d.team_id, "last_officer_id": d.officer_id}],
            key=["team_id"],
            update=["last_officer_id"],
        )
    await session.flush()
    return row
