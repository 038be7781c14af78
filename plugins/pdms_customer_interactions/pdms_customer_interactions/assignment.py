"""The engine's facts and state from the database, its decisions stored, and the rules.

A decision costs a fixed number of statements whatever the number of rules: the facts
(place, person flags) with the current rule book's head, the teams of the person's open
cases (unless the caller read them), and the state of the teams the matching rules can
route to (members, their open work, round robins). Giving work, not suggesting it, adds
the round-robin lock when a round robin decides.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pdms_core.plugin import core_tables, upsert_rows
from sqlalchemy import bindparam, func, null, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_customer_interactions import engine
from pdms_customer_interactions.models import Decision, RoundRobin, RuleBook
from pdms_customer_interactions.statements import cached

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
    #: Names of the chosen team and officer, as read for the decision.
    team_name: str | None = None
    officer_name: str | None = None

    @property
    def team_id(self) -> int | None:
        return self.decision.team_id

    @property
    def officer_id(self) -> int | None:
        return self.decision.officer_id


@dataclass(frozen=True)
class Book:
    """The current rule book: its number and parsed rules (empty before the first save)."""

    number: int | None
    rules: list[engine.Rule]


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


def _newest_book(column: Any) -> Any:
    return select(column).order_by(RuleBook.number.desc()).limit(1).scalar_subquery()


async def _parsed_book(session: AsyncSession, number: int | None, digest: str | None) -> Book:
    """The rules of book ``number``, parsed once per process and book."""
    if number is None:
        return Book(None, [])
    cached = _PARSED.get(digest) if digest else None
    if cached is not None:
        _PARSED.move_to_end(digest)  # type: ignore[arg-type]
        return Book(number, cached)
    raw = await session.scalar(select(RuleBook.rules).where(RuleBook.number == number))
    parsed = [engine.rule_from_json(rule) for rule in raw or []]
    if digest:
        _PARSED[digest] = parsed
        while len(_PARSED) > _PARSED_MAX:
            _PARSED.popitem(last=False)
    return Book(number, parsed)


async def current_rules(session: AsyncSession) -> Book:
    """The current rule book's number and rules."""
    head = (
        await session.execute(select(_newest_book(RuleBook.number), _newest_book(RuleBook.digest)))
    ).one()
    return await _parsed_book(session, head[0], head[1])


async def case_teams(session: AsyncSession, person_id: int | None) -> tuple[int, ...]:
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


def _facts_statement(has_person: bool, has_place: bool) -> Any:
    ward = postcode = flags = null()
    if has_place:
        place = bindparam("place_id")
        ward = select(PLACE.c.ward_code).where(PLACE.c.id == place).scalar_subquery()
        postcode = select(PLACE.c.postcode).where(PLACE.c.id == place).scalar_subquery()
    if has_person:
        # Codes are [a-z0-9_], so a comma cannot be part of one.
        flags = (
            select(func.aggregate_strings(LOOKUP_VALUE.c.code, ","))
            .select_from(LOOKUP_VALUE)
            .join(EXTERNAL_REFERENCE, EXTERNAL_REFERENCE.c.type_id == LOOKUP_VALUE.c.id)
            .where(EXTERNAL_REFERENCE.c.person_id == bindparam("person_id"))
            .scalar_subquery()
        )
    return select(
        ward.label("ward"),
        postcode.label("postcode"),
        flags.label("flags"),
        _newest_book(RuleBook.number).label("number"),
        _newest_book(RuleBook.digest).label("digest"),
    )


async def gather_facts(
    session: AsyncSession,
    *,
    person_id: int | None,
    place_id: int | None,
    demand_type: str | None,
    demand_category: str | None,
    channel: str | None,
    at: datetime | None,
    known_case_teams: Sequence[int] | None = None,
) -> tuple[engine.Facts, Book]:
    """The facts the rules test, and the current rule book.

    The place's ward and postcode, the person's flags and the rule book's head come in
    one statement; the teams of the person's open cases in another, unless the caller
    read them already (``known_case_teams``, most recently opened first).
    """
    given = {"person_id": person_id, "place_id": place_id}
    statement = cached(
        ("facts", person_id is not None, place_id is not None),
        lambda: _facts_statement(person_id is not None, place_id is not None),
    )
    row = (
        await session.execute(statement, {k: v for k, v in given.items() if v is not None})
    ).one()
    book = await _parsed_book(session, row.number, row.digest)
    if known_case_teams is None:
        teams = await case_teams(session, person_id)
    else:
        teams = tuple(dict.fromkeys(known_case_teams))
    local = at.astimezone(LONDON) if at is not None else None
    facts = engine.Facts(
        demand_type=demand_type,
        demand_category=demand_category,
        ward=row.ward,
        postcode_area=postcode_area(row.postcode),
        person_flags=frozenset(code for code in (row.flags or "").split(",") if code),
        case_teams=teams,
        channel=channel,
        minute_of_day=local.hour * 60 + local.minute if local else None,
    )
    return facts, book


def _team_statement() -> Any:
    ids = bindparam("ids", expanding=True)
    members = (
        select(MEMBERSHIP.c.team_id, STAFF_USER.c.id.label("officer_id"), STAFF_USER.c.display_name)
        .join(STAFF_USER, STAFF_USER.c.id == MEMBERSHIP.c.user_id)
        .where(MEMBERSHIP.c.team_id.in_(ids), STAFF_USER.c.is_active)
        .subquery()
    )
    # Count open cases of these teams' members only, not of every officer in the council.
    open_work = (
        select(CASE_RECORD.c.officer_id, func.count().label("open_cases"))
        .where(
            CASE_RECORD.c.closed_on.is_(None),
            CASE_RECORD.c.officer_id.in_(select(members.c.officer_id)),
        )
        .group_by(CASE_RECORD.c.officer_id)
        .subquery()
    )
    turns = RoundRobin.__table__
    return (
        select(
            TEAM.c.id,
            TEAM.c.name,
            turns.c.last_officer_id,
            members.c.officer_id,
            func.coalesce(open_work.c.open_cases, 0),
            members.c.display_name,
        )
        .outerjoin(turns, turns.c.team_id == TEAM.c.id)
        .outerjoin(members, members.c.team_id == TEAM.c.id)
        .outerjoin(open_work, open_work.c.officer_id == members.c.officer_id)
        .where(TEAM.c.id.in_(ids), TEAM.c.is_active)
        .order_by(TEAM.c.id, members.c.officer_id)
    )


async def team_states(
    session: AsyncSession, team_ids: Iterable[int]
) -> dict[int, engine.TeamState]:
    """Active teams with their active members' open cases and round-robin position,
    in one statement."""
    ids = sorted(set(team_ids))
    if not ids:
        return {}
    rows = await session.execute(cached(("teams",), _team_statement), {"ids": ids})
    found: dict[int, tuple[str, int | None, list[tuple[int, int, str]]]] = {}
    for team_id, name, last, officer_id, open_cases, officer_name in rows:
        _, _, people = found.setdefault(team_id, (name, last, []))
        if officer_id is not None:
            people.append((officer_id, int(open_cases), officer_name))
    return {
        team_id: engine.TeamState(name, tuple(people), last)
        for team_id, (name, last, people) in found.items()
    }


async def active_officers(session: AsyncSession, officer_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(officer_ids))
    if not ids:
        return {}
    rows = await session.execute(
        select(STAFF_USER.c.id, STAFF_USER.c.display_name).where(
            STAFF_USER.c.id.in_(ids), STAFF_USER.c.is_active
        )
    )
    return {key: value for key, value in rows}


async def state_for(
    session: AsyncSession, rules: Sequence[engine.Rule], facts: Iterable[engine.Facts]
) -> tuple[dict[int, engine.TeamState], dict[int, str]]:
    """The teams and officers the rules may route these facts to, as they are now."""
    teams, officers = engine.reachable(rules, facts)
    return await team_states(session, teams), await active_officers(session, officers)


def routed_from(
    decision: engine.Decision,
    facts: engine.Facts,
    number: int | None,
    teams: Mapping[int, engine.TeamState],
    officers: Mapping[int, str],
) -> Routed:
    """The decision with the names of its team and officer, from the state it used."""
    team = teams.get(decision.team_id) if decision.team_id is not None else None
    officer_name = officers.get(decision.officer_id) if decision.officer_id is not None else None
    if team is not None and officer_name is None:
        officer_name = next((m[2] for m in team.members if m[0] == decision.officer_id), None)
    return Routed(decision, facts, number, team.name if team else None, officer_name)


async def route(
    session: AsyncSession, facts: engine.Facts, book: Book, *, claim: bool = False
) -> Routed:
    """Decide by the book's rules.

    With ``claim`` (work is being given, not suggested) a round-robin turn is taken
    under a lock on the team's round-robin row, held until the caller's transaction
    ends, so handlers routing to the same team at once get the officers in turn.
    """
    rules = book.rules
    teams, officers = await state_for(session, rules, [facts])
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
    return routed_from(decision, facts, book.number, teams, officers)


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
    facts, book = await gather_facts(
        session,
        person_id=given.person_id,
        place_id=given.place_id,
        demand_type=given.demand_type_code,
        demand_category=given.demand_category_code,
        channel=given.channel_code,
        at=given.started_at,
    )
    return await route(session, facts, book, claim=True)


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
