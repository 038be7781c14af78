"""The problem assignment engine: pure Python, no database, no GraphQL.

:func:`decide` tests the council's rules, in order of precedence, against the facts of
one contact and says where the work goes and why. Services gather the facts and the
teams' state in a few statements; the dry run replays stored facts against proposed
rules; the benchmark calls :func:`decide` in process.

A rule matches when every condition it sets holds (an empty condition always holds).
The first matching rule whose target can be served wins. A target that cannot be
served (no team already working with the person, an inactive team or officer) passes
to the rule's fallback, whose target (not its conditions) is tried next, and so on;
when the chain runs out, the next rule in order is tested.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

TEAM = "team"
OFFICER = "officer"
CURRENT_TEAM = "current_team"
TARGET_KINDS = (TEAM, OFFICER, CURRENT_TEAM)

LEAST_OPEN_WORK = "least_open_work"
ROUND_ROBIN = "round_robin"
TEAM_ONLY = "team_only"
CHOICES = (LEAST_OPEN_WORK, ROUND_ROBIN, TEAM_ONLY)

MATCHED = "matched"
SKIPPED = "skipped"
INACTIVE = "inactive"
UNROUTABLE = "unroutable"
NOT_REACHED = "not_reached"


@dataclass(frozen=True)
class Conditions:
    """What a contact must be for a rule to match; empty means "any"."""

    demand_types: frozenset[str] = frozenset()
    demand_categories: frozenset[str] = frozenset()
    wards: frozenset[str] = frozenset()
    postcode_areas: frozenset[str] = frozenset()
    #: Person flags: the person holds an external reference of one of these types.
    person_flags: frozenset[str] = frozenset()
    #: The person has an open case owned by one of these teams.
    case_teams: frozenset[int] = frozenset()
    channels: frozenset[str] = frozenset()
    #: Local time of day window in minutes after midnight, [start, end); may wrap.
    from_minute: int | None = None
    to_minute: int | None = None


@dataclass(frozen=True)
class Target:
    kind: str
    team_id: int | None = None
    officer_id: int | None = None
    choose: str = LEAST_OPEN_WORK


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    conditions: Conditions
    target: Target
    active: bool = True
    fallback: str | None = None


@dataclass(frozen=True)
class Facts:
    """The contact as the rules see it."""

    demand_type: str | None = None
    demand_category: str | None = None
    ward: str | None = None
    postcode_area: str | None = None
    person_flags: frozenset[str] = frozenset()
    #: Teams owning the person's open cases, most recently opened first.
    case_teams: tuple[int, ...] = ()
    channel: str | None = None
    minute_of_day: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "demand_type": self.demand_type,
            "demand_category": self.demand_category,
            "ward": self.ward,
            "postcode_area": self.postcode_area,
            "person_flags": sorted(self.person_flags),
            "case_teams": list(self.case_teams),
            "channel": self.channel,
            "minute_of_day": self.minute_of_day,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Facts:
        return cls(
            demand_type=data.get("demand_type"),
            demand_category=data.get("demand_category"),
            ward=data.get("ward"),
            postcode_area=data.get("postcode_area"),
            person_flags=frozenset(data.get("person_flags") or ()),
            case_teams=tuple(data.get("case_teams") or ()),
            channel=data.get("channel"),
            minute_of_day=data.get("minute_of_day"),
        )


@dataclass(frozen=True)
class TeamState:
    """An active team now: its active members with their open cases, and the round robin."""

    name: str
    #: (officer id, open cases, name) of each active member, by officer id.
    members: tuple[tuple[int, int, str], ...] = ()
    last_officer_id: int | None = None


@dataclass(frozen=True)
class Step:
    rule: str
    outcome: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"rule": self.rule, "outcome": self.outcome, "reason": self.reason}


@dataclass(frozen=True)
class Decision:
    rule_code: str | None
    team_id: int | None
    officer_id: int | None
    choose: str | None
    steps: tuple[Step, ...] = field(default_factory=tuple)

    @property
    def explanation(self) -> str:
        return explain(self.steps)


def explain(steps: Iterable[Step]) -> str:
    return "\n".join(f"{s.rule}: {s.outcome}: {s.reason}" for s in steps)


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _one_of(label: str, value: Any, wanted: frozenset[Any], show: Any = str) -> str | None:
    if not wanted or value in wanted:
        return None
    options = ", ".join(sorted(show(w) for w in wanted))
    given = "none" if value is None else show(value)
    return f"{label} is {given}, the rule wants {options}"


def _in_window(minute: int, start: int, end: int) -> bool:
    return start <= minute < end if start < end else minute >= start or minute < end


def holds(conditions: Conditions, facts: Facts) -> bool:
    """Whether the facts meet the conditions: :func:`mismatch` without the words."""
    c = conditions
    return not (
        (c.demand_types and facts.demand_type not in c.demand_types)
        or (c.demand_categories and facts.demand_category not in c.demand_categories)
        or (c.channels and facts.channel not in c.channels)
        or (c.wards and facts.ward not in c.wards)
        or (c.postcode_areas and facts.postcode_area not in c.postcode_areas)
        or (c.person_flags and not (c.person_flags & facts.person_flags))
        or (c.case_teams and not c.case_teams.intersection(facts.case_teams))
        or (
            c.from_minute is not None
            and c.to_minute is not None
            and (
                facts.minute_of_day is None
                or not _in_window(facts.minute_of_day, c.from_minute, c.to_minute)
            )
        )
    )


def mismatch(conditions: Conditions, facts: Facts) -> str | None:
    """Why the facts fail the conditions (the first reason), or None when they hold."""
    c = conditions
    reason = (
        _one_of("the demand type", facts.demand_type, c.demand_types)
        or _one_of("the demand category", facts.demand_category, c.demand_categories)
        or _one_of("the channel", facts.channel, c.channels)
        or _one_of("the ward", facts.ward, c.wards)
        or _one_of("the postcode area", facts.postcode_area, c.postcode_areas)
    )
    if reason:
        return reason
    if c.person_flags and not (c.person_flags & facts.person_flags):
        flags = ", ".join(sorted(c.person_flags))
        return f"the person has none of the flags {flags}"
    if c.case_teams and not (c.case_teams & set(facts.case_teams)):
        return "the person has no open case with the rule's teams"
    if c.from_minute is not None and c.to_minute is not None:
        window = f"{hhmm(c.from_minute)}-{hhmm(c.to_minute)}"
        if facts.minute_of_day is None:
            return f"the time of day is unknown, the rule wants {window}"
        if not _in_window(facts.minute_of_day, c.from_minute, c.to_minute):
            return f"the time is {hhmm(facts.minute_of_day)}, the rule wants {window}"
    return None


def pick_officer(team: TeamState, choose: str) -> tuple[int | None, str]:
    """The officer to give the work to within a team, and why."""
    if choose == TEAM_ONLY:
        return None, f"to {team.name} (the team picks the officer)"
    if not team.members:
        return None, f"to {team.name}, which has no active member to pick"
    if choose == ROUND_ROBIN:
        after = [
            m for m in team.members if team.last_officer_id is None or m[0] > team.last_officer_id
        ]
        officer, _, name = (after or team.members)[0]
        return officer, f"to {team.name}, {name} next in the round robin"
    officer, work, name = min(team.members, key=lambda m: (m[1], m[0]))
    return officer, f"to {team.name}, {name} with the least open work ({work} open cases)"


def _serve(
    target: Target,
    facts: Facts,
    teams: Mapping[int, TeamState],
    officers: Mapping[int, str],
) -> tuple[int | None, int | None, str] | str:
    """(team, officer, how) when the target can be served, else why not."""
    if target.kind == OFFICER:
        if target.officer_id not in officers:
            return f"officer {target.officer_id} is not an active officer"
        return target.team_id, target.officer_id, f"to {officers[target.officer_id]}"
    if target.kind == CURRENT_TEAM:
        team_id = next((t for t in facts.case_teams if t in teams), None)
        if team_id is None:
            return "no active team is already working with this person"
    else:
        team_id = target.team_id
        if team_id not in teams:
            return f"team {team_id} is not active"
    officer, how = pick_officer(teams[team_id], target.choose)
    return team_id, officer, how


def decide(
    rules: Sequence[Rule],
    facts: Facts,
    teams: Mapping[int, TeamState],
    officers: Mapping[int, str] | None = None,
) -> Decision:
    """Route one contact by ``rules`` (in order of precedence); every rule gets a step."""
    by_code = {rule.code: rule for rule in rules}
    steps: list[Step] = []
    for index, rule in enumerate(rules):
        if not rule.active:
            steps.append(Step(rule.code, INACTIVE, "the rule is switched off"))
            continue
        why_not = mismatch(rule.conditions, facts)
        if why_not:
            steps.append(Step(rule.code, SKIPPED, why_not))
            continue
        current, tried, failures = rule, {rule.code}, []
        while True:
            served = _serve(current.target, facts, teams, officers or {})
            if not isinstance(served, str):
                break
            failures.append(f"{current.code}: {served}")
            following = by_code.get(current.fallback or "")
            if following is None or following.code in tried:
                break
            tried.add(following.code)
            current = following
        if isinstance(served, str):
            steps.append(Step(rule.code, UNROUTABLE, "matched, but " + "; then ".join(failures)))
            continue
        team_id, officer_id, how = served
        via = f" (fallback {current.code} after {'; '.join(failures)})" if failures else ""
        steps.append(Step(rule.code, MATCHED, f"every condition holds; routed {how}{via}"))
        steps.extend(
            Step(later.code, NOT_REACHED, f"rule {rule.code} decided first")
            for later in rules[index + 1 :]
        )
        return Decision(rule.code, team_id, officer_id, current.target.choose, tuple(steps))
    return Decision(None, None, None, None, tuple(steps))


def reachable(rules: Sequence[Rule], facts: Iterable[Facts]) -> tuple[set[int], set[int]]:
    """The teams and officers :func:`decide` may look at for these facts: the targets
    of the rules whose conditions hold, along their fallback chains. Reading only
    their state, not that of every team the rules name, gives the same decisions."""
    by_code = {rule.code: rule for rule in rules}
    teams: set[int] = set()
    officers: set[int] = set()
    for fact in facts:
        for rule in rules:
            if not rule.active or not holds(rule.conditions, fact):
                continue
            current: Rule | None = rule
            tried: set[str] = set()
            while current is not None and current.code not in tried:
                tried.add(current.code)
                target = current.target
                if target.kind == CURRENT_TEAM:
                    teams.update(fact.case_teams)
                elif target.team_id is not None:
                    teams.add(target.team_id)
                if target.officer_id is not None:
                    officers.add(target.officer_id)
                current = by_code.get(current.fallback or "")
    return teams, officers


def fallback_cycle(rules: Sequence[Rule]) -> list[str] | None:
    """The codes of a cycle of fallbacks, if there is one."""
    by_code = {rule.code: rule for rule in rules}
    for rule in rules:
        path, current = [rule.code], rule
        while current.fallback and current.fallback in by_code:
            if current.fallback in path:
                return [*path[path.index(current.fallback) :], current.fallback]
            path.append(current.fallback)
            current = by_code[current.fallback]
    return None


def rule_from_json(data: Mapping[str, Any]) -> Rule:
    c = data.get("conditions") or {}
    t = data["target"]
    return Rule(
        code=data["code"],
        name=data.get("name", ""),
        active=bool(data.get("active", True)),
        fallback=data.get("fallback"),
        conditions=Conditions(
            demand_types=frozenset(c.get("demand_types") or ()),
            demand_categories=frozenset(c.get("demand_categories") or ()),
            wards=frozenset(c.get("wards") or ()),
            postcode_areas=frozenset(c.get("postcode_areas") or ()),
            person_flags=frozenset(c.get("person_flags") or ()),
            case_teams=frozenset(c.get("case_teams") or ()),
            channels=frozenset(c.get("channels") or ()),
            from_minute=c.get("from_minute"),
            to_minute=c.get("to_minute"),
        ),
        target=Target(
            kind=t["kind"],
            team_id=t.get("team_id"),
            officer_id=t.get("officer_id"),
            choose=t.get("choose", LEAST_OPEN_WORK),
        ),
    )


def rule_to_json(rule: Rule) -> dict[str, Any]:
    c, t = rule.conditions, rule.target
    return {
        "code": rule.code,
        "name": rule.name,
        "active": rule.active,
        "fallback": rule.fallback,
        "conditions": {
            "demand_types": sorted(c.demand_types),
            "demand_categories": sorted(c.demand_categories),
            "wards": sorted(c.wards),
            "postcode_areas": sorted(c.postcode_areas),
            "person_flags": sorted(c.person_flags),
            "case_teams": sorted(c.case_teams),
            "channels": sorted(c.channels),
            "from_minute": c.from_minute,
            "to_minute": c.to_minute,
        },
        "target": {
            "kind": t.kind,
            "team_id": t.team_id,
            "officer_id": t.officer_id,
            "choose": t.choose,
        },
    }
