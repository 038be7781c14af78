"""Saving the council's assignment rules (each save a new version) and trying a change.

A save is refused whole, with a field error per fault, when a rule names an unknown
team, officer or code, when its conditions contradict each other (it could never
match), or when fallbacks form a cycle. Nothing is stored then.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pdms_core.plugin import Actor, Conflict, UserErrors, ValidationFailed, core_tables
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_customer_interactions import assignment, engine
from pdms_customer_interactions.lists import CHANNEL
from pdms_customer_interactions.models import Decision, RuleBook

LOOKUP_SET = core_tables.lookup_set
LOOKUP_VALUE = core_tables.lookup_value
TEAM = core_tables.team
STAFF_USER = core_tables.staff_user
CASE_RECORD = core_tables.case_record
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
_TIME = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")
MAX_RULES = 500
MAX_DRY_RUN = 1000


@dataclass(frozen=True)
class RuleSpec:
    """A rule as an administrator gives it: codes, ids, and times as ``HH:MM``."""

    code: str
    target_kind: str
    name: str = ""
    active: bool = True
    fallback: str | None = None
    demand_types: tuple[str, ...] = ()
    demand_categories: tuple[str, ...] = ()
    wards: tuple[str, ...] = ()
    postcode_areas: tuple[str, ...] = ()
    person_flags: tuple[str, ...] = ()
    case_teams: tuple[int, ...] = ()
    channels: tuple[str, ...] = ()
    from_time: str | None = None
    to_time: str | None = None
    team_id: int | None = None
    officer_id: int | None = None
    choose: str = engine.LEAST_OPEN_WORK


def _minute(text: str | None, field: str, errors: list[ValidationFailed]) -> int | None:
    if text is None:
        return None
    found = _TIME.match(text)
    if not found:
        errors.append(ValidationFailed("Give a time as HH:MM, 00:00 to 23:59.", field=field))
        return None
    return int(found.group(1)) * 60 + int(found.group(2))


def to_rule(spec: RuleSpec, at: str, errors: list[ValidationFailed]) -> engine.Rule:
    start = _minute(spec.from_time, f"{at}.conditions.fromTime", errors)
    end = _minute(spec.to_time, f"{at}.conditions.toTime", errors)
    if (spec.from_time is None) != (spec.to_time is None):
        errors.append(
            ValidationFailed(
                "Give both ends of the time window, or neither.", field=f"{at}.conditions.toTime"
            )
        )
    elif start is not None and start == end:
        errors.append(
            ValidationFailed(
                "The time window starts and ends at the same minute: the rule could never match.",
                field=f"{at}.conditions.toTime",
            )
        )
    return engine.Rule(
        code=spec.code,
        name=spec.name.strip(),
        active=spec.active,
        fallback=spec.fallback,
        conditions=engine.Conditions(
            demand_types=frozenset(spec.demand_types),
            demand_categories=frozenset(spec.demand_categories),
            wards=frozenset(w.strip().upper() for w in spec.wards),
            postcode_areas=frozenset(a.strip().upper() for a in spec.postcode_areas),
            person_flags=frozenset(spec.person_flags),
            case_teams=frozenset(spec.case_teams),
            channels=frozenset(spec.channels),
            from_minute=start,
            to_minute=end,
        ),
        target=engine.Target(spec.target_kind, spec.team_id, spec.officer_id, spec.choose),
    )


async def _codes(session: AsyncSession, where: Any) -> dict[str, set[str | None]]:
    """Active codes of the lists matched by ``where``: {code: {parent code, ...}}."""
    parent = LOOKUP_VALUE.alias("parent")
    rows = await session.execute(
        select(LOOKUP_VALUE.c.code, parent.c.code)
        .join(LOOKUP_SET, LOOKUP_SET.c.id == LOOKUP_VALUE.c.set_id)
        .outerjoin(parent, parent.c.id == LOOKUP_VALUE.c.parent_id)
        .where(where, LOOKUP_VALUE.c.is_active)
    )
    found: dict[str, set[str | None]] = {}
    for code, parent_code in rows:
        found.setdefault(code, set()).add(parent_code)
    return found


def _list_named(name: str) -> Any:
    return (LOOKUP_SET.c.code == name) | LOOKUP_SET.c.code.like(f"%.{name}")


async def _known(session: AsyncSession, rules: Sequence[engine.Rule]) -> dict[str, Any]:
    team_ids = {r.target.team_id for r in rules} | {
        t for r in rules for t in r.conditions.case_teams
    }
    officer_ids = {r.target.officer_id for r in rules}
    teams = set(
        await session.scalars(
            select(TEAM.c.id).where(TEAM.c.id.in_([t for t in team_ids if t]), TEAM.c.is_active)
        )
    )
    officers = set(
        await session.scalars(
            select(STAFF_USER.c.id).where(
                STAFF_USER.c.id.in_([o for o in officer_ids if o]), STAFF_USER.c.is_active
            )
        )
    )
    return {
        "teams": teams,
        "officers": officers,
        "types": await _codes(session, _list_named("demand_type")),
        "categories": await _codes(session, _list_named("demand_category")),
        "channels": await _codes(session, LOOKUP_SET.c.code == CHANNEL),
        "flags": await _codes(session, LOOKUP_SET.c.code == "external_reference_type"),
    }


def _check_rule(
    rule: engine.Rule, at: str, known: dict[str, Any], codes: set[str]
) -> list[ValidationFailed]:
    errors: list[ValidationFailed] = []
    c, t = rule.conditions, rule.target
    add = lambda message, field: errors.append(ValidationFailed(message, field=f"{at}.{field}"))  # noqa: E731
    if not _CODE.match(rule.code):
        add("A rule's code is lower_snake_case, at most 60 characters.", "code")
    for values, key, field, noun in (
        (c.demand_types, "types", "conditions.demandTypeCodes", "demand type"),
        (c.demand_categories, "categories", "conditions.demandCategoryCodes", "demand category"),
        (c.channels, "channels", "conditions.channelCodes", "contact channel"),
        (c.person_flags, "flags", "conditions.personFlagCodes", "external reference type"),
    ):
        unknown = sorted(set(values) - set(known[key]))
        if unknown:
            add(f"There is no active {noun} {', '.join(unknown)}.", field)
    if c.demand_types and c.demand_categories:
        stray = sorted(
            code
            for code in c.demand_categories
            if code in known["categories"] and not (known["categories"][code] & c.demand_types)
        )
        if stray:
            add(
                f"The categories {', '.join(stray)} belong to none of the rule's demand types: "
                "the rule could never match.",
                "conditions.demandCategoryCodes",
            )
    if sorted(set(c.case_teams) - known["teams"]):
        add("There is no such active team.", "conditions.existingCaseTeamIds")
    if t.kind not in engine.TARGET_KINDS:
        add("The target is team, officer or current_team.", "target.kind")
    if t.choose not in engine.CHOICES:
        add("Choose least_open_work, round_robin or team_only.", "target.choose")
    if t.kind == engine.TEAM and t.team_id is None:
        add("A team target names its team.", "target.teamId")
    if t.kind == engine.OFFICER and t.officer_id is None:
        add("An officer target names the officer.", "target.officerId")
    if t.kind == engine.CURRENT_TEAM and t.team_id is not None:
        add("The team already working with the person is found, not named.", "target.teamId")
    if t.team_id is not None and t.team_id not in known["teams"]:
        add("There is no such active team.", "target.teamId")
    if t.officer_id is not None and t.officer_id not in known["officers"]:
        add("There is no such active officer.", "target.officerId")
    if rule.fallback is not None:
        if rule.fallback == rule.code:
            add("A rule cannot be its own fallback.", "fallbackRuleCode")
        elif rule.fallback not in codes:
            add(f"There is no rule {rule.fallback!r} to fall back to.", "fallbackRuleCode")
    return errors


async def check_rules(session: AsyncSession, specs: Sequence[RuleSpec]) -> list[engine.Rule]:
    """The rules, or UserErrors naming every fault (``rules.<n>.<field>``)."""
    if len(specs) > MAX_RULES:
        raise ValidationFailed(f"At most {MAX_RULES} rules.", field="rules")
    errors: list[ValidationFailed] = []
    rules = [to_rule(spec, f"rules.{n}", errors) for n, spec in enumerate(specs)]
    codes = [r.code for r in rules]
    for n, code in enumerate(codes):
        if code in codes[:n]:
            errors.append(
                ValidationFailed(f"Two rules have the code {code!r}.", field=f"rules.{n}.code")
            )
    known = await _known(session, rules)
    for n, rule in enumerate(rules):
        errors.extend(_check_rule(rule, f"rules.{n}", known, set(codes)))
    cycle = engine.fallback_cycle(rules)
    if cycle:
        first = codes.index(cycle[0])
        errors.append(
            ValidationFailed(
                f"The fallbacks {' -> '.join(cycle)} form a cycle.",
                field=f"rules.{first}.fallbackRuleCode",
            )
        )
    if errors:
        raise errors[0] if len(errors) == 1 else UserErrors(errors)
    return rules


async def save_rules(
    session: AsyncSession,
    actor: Actor,
    *,
    expected_version: int,
    specs: Sequence[RuleSpec],
    note: str = "",
) -> RuleBook:
    """Store the rules as the next version; CONFLICT unless ``expected_version`` is the
    current one (0 before the first save)."""
    current = await assignment.current_book(session)
    number = current.number if current else 0
    if expected_version != number:
        raise Conflict(
            f"The rules were changed (now version {number}); reload and try again.",
            field="expectedVersion",
        )
    rules = await check_rules(session, specs)
    saved = [engine.rule_to_json(r) for r in rules]
    book = RuleBook(
        number=number + 1,
        rules=saved,
        digest=assignment.digest_of(saved),
        note=note.strip()[:2000],
        saved_by=actor.display_name[:200],
    )
    session.add(book)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise Conflict(
            "Someone else saved the rules at the same moment; reload and try again.",
            field="expectedVersion",
        ) from None
    return book


@dataclass(frozen=True)
class Replay:
    decision_row: Decision
    routed: assignment.Routed


async def dry_run(session: AsyncSession, specs: Sequence[RuleSpec], last: int) -> list[Replay]:
    """What the proposed rules would do to the last ``last`` routed cases (their stored
    facts, today's teams). Nothing is stored."""
    if not 1 <= last <= MAX_DRY_RUN:
        raise ValidationFailed(f"Replay 1 to {MAX_DRY_RUN} cases.", field="last")
    rules = await check_rules(session, specs)
    rows = list(
        await session.scalars(
            select(Decision)
            .where(Decision.case_id.is_not(None))
            .order_by(Decision.id.desc())
            .limit(last)
        )
    )
    facts = [engine.Facts.from_json(row.facts) for row in rows]
    teams, officers = await assignment.state_for(session, rules, facts)
    return [
        Replay(
            row,
            assignment.routed_from(
                engine.decide(rules, fact, teams, officers), fact, None, teams, officers
            ),
        )
        for row, fact in zip(rows, facts, strict=True)
    ]
