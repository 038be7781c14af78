"""Strategic measures (``pdms_measures``): what contacts show about demand and routing.

Criteria honoured: the date range (on when each contact started; for routing, when the
decision was made) and modules (the demand type's module). Team, ward and postcode-area
criteria, and a team-scoped reader's reach, count only contacts linked to cases that
meet them (a standalone contact belongs to no team). The time bucket is not used.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pdms_core.plugin import MeasureColumn, MeasureFilter, MeasureSpec, MeasureTable, core_tables
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_customer_interactions.lists import RESOLVED
from pdms_customer_interactions.models import FAILURE, Decision, Interaction

LONDON = ZoneInfo("Europe/London")
VALUE_OF = core_tables.lookup_value
CASE_RECORD = core_tables.case_record
REPEAT_WINDOW = timedelta(days=30)


def _where(f: MeasureFilter) -> list[Any]:
    clauses = [*f.on_times(Interaction.started_at), *f.on_module(Interaction.demand_module)]
    if f.team_ids or f.wards or f.postcode_areas or f.within_teams is not None:
        clauses.append(Interaction.case_id.is_not(None))
        clauses.extend(f.on_case(Interaction.case_id))
    return clauses


def _label(column: Any, name: str) -> Any:
    value = VALUE_OF.alias(name)
    return value, value.c.label


async def contacts_by_channel_type_hour(session: AsyncSession, f: MeasureFilter) -> MeasureTable:
    channel, channel_label = _label(None, "channel")
    kind, kind_label = _label(None, "kind")
    rows = await session.execute(
        select(channel_label, kind_label, Interaction.started_at)
        .join(channel, channel.c.id == Interaction.channel_id)
        .join(kind, kind.c.id == Interaction.demand_type_id)
        .where(*_where(f))
    )
    counts = Counter((c, k, at.astimezone(LONDON).hour) for c, k, at in rows)
    return MeasureTable(
        columns=(
            MeasureColumn("channel", "Channel"),
            MeasureColumn("demand_type", "Demand type"),
            MeasureColumn("hour", "Hour of day (UK time)", "integer"),
            MeasureColumn("contacts", "Contacts", "integer"),
        ),
        rows=tuple((c, k, h, n) for (c, k, h), n in sorted(counts.items())),
    )


async def first_contact_resolution(session: AsyncSession, f: MeasureFilter) -> MeasureTable:
    outcome = VALUE_OF.alias("outcome")
    rows = await session.execute(
        select(outcome.c.data)
        .select_from(Interaction)
        .join(outcome, outcome.c.id == Interaction.outcome_id)
        .where(*_where(f))
    )
    effects = [((data or {}).get("effect")) for (data,) in rows]
    resolved = sum(1 for effect in effects if effect == RESOLVED)
    total = len(effects)
    return MeasureTable(
        columns=(
            MeasureColumn("contacts", "Contacts", "integer"),
            MeasureColumn("resolved_at_first_contact", "Resolved at first contact", "integer"),
            MeasureColumn("rate", "Share resolved at first contact", "number"),
        ),
        rows=((total, resolved, round(resolved / total, 4) if total else None),),
    )


async def failure_demand(session: AsyncSession, f: MeasureFilter) -> MeasureTable:
    reason = VALUE_OF.alias("reason")
    rows = list(
        await session.execute(
            select(Interaction.nature, reason.c.label)
            .select_from(Interaction)
            .outerjoin(reason, reason.c.id == Interaction.failure_reason_id)
            .where(*_where(f))
        )
    )
    total = len(rows)
    by_reason = Counter(label for nature, label in rows if nature == FAILURE)
    failures = sum(by_reason.values())

    def share(n: int) -> float | None:
        return round(n / total, 4) if total else None

    return MeasureTable(
        columns=(
            MeasureColumn("reason", "Failure reason"),
            MeasureColumn("contacts", "Contacts", "integer"),
            MeasureColumn("share_of_all_contacts", "Share of all contacts", "number"),
        ),
        rows=(
            ("All failure demand", failures, share(failures)),
            *((label or "No reason", n, share(n)) for label, n in sorted(by_reason.items())),
        ),
    )


async def repeat_callers(session: AsyncSession, f: MeasureFilter) -> MeasureTable:
    kind = VALUE_OF.alias("kind")
    rows = await session.execute(
        select(Interaction.person_id, kind.c.label, Interaction.started_at)
        .join(kind, kind.c.id == Interaction.demand_type_id)
        .where(Interaction.person_id.is_not(None), *_where(f))
        .order_by(Interaction.person_id, kind.c.label, Interaction.started_at)
    )
    repeats: Counter[str] = Counter()
    people: dict[str, set[int]] = defaultdict(set)
    last: dict[tuple[int, str], Any] = {}
    for person, label, at in rows:
        previous = last.get((person, label))
        if previous is not None and at - previous <= REPEAT_WINDOW:
            repeats[label] += 1
            people[label].add(person)
        last[(person, label)] = at
    return MeasureTable(
        columns=(
            MeasureColumn("demand_type", "Demand type"),
            MeasureColumn("repeat_contacts", "Repeat contacts within 30 days", "integer"),
            MeasureColumn("people", "People who called again", "integer"),
        ),
        rows=tuple((label, n, len(people[label])) for label, n in sorted(repeats.items())),
    )


async def reassigned_after_routing(session: AsyncSession, f: MeasureFilter) -> MeasureTable:
    clauses = [Decision.case_id.is_not(None), *f.on_times(Decision.decided_at)]
    clauses.extend(f.on_case(Decision.case_id))
    rows = await session.execute(
        select(
            Decision.rule_code,
            Decision.team_id,
            Decision.officer_id,
            CASE_RECORD.c.team_id,
            CASE_RECORD.c.officer_id,
        )
        .join(CASE_RECORD, CASE_RECORD.c.id == Decision.case_id)
        .where(*clauses)
    )
    routed: Counter[str] = Counter()
    moved: Counter[str] = Counter()
    for rule, team, officer, now_team, now_officer in rows:
        key = rule or "(no rule matched)"
        routed[key] += 1
        if (team, officer) != (now_team, now_officer):
            moved[key] += 1
    return MeasureTable(
        columns=(
            MeasureColumn("rule", "Rule"),
            MeasureColumn("routed_cases", "Cases routed", "integer"),
            MeasureColumn("reassigned", "Reassigned since", "integer"),
            MeasureColumn("share_reassigned", "Share reassigned", "number"),
        ),
        rows=tuple(
            (rule, n, moved[rule], round(moved[rule] / n, 4)) for rule, n in sorted(routed.items())
        ),
    )


def measures() -> list[MeasureSpec]:
    p = "customer_interactions."
    return [
        MeasureSpec(
            p + "contacts_by_channel_type_hour",
            "Contacts by channel, type and hour",
            "Contacts counted by channel, demand type and hour of day (UK time).",
            contacts_by_channel_type_hour,
        ),
        MeasureSpec(
            p + "first_contact_resolution",
            "First point of contact resolution",
            "Share of contacts whose outcome resolved them at first point of contact.",
            first_contact_resolution,
        ),
        MeasureSpec(
            p + "failure_demand",
            "Failure demand and its reasons",
            "Failure-demand contacts in all, and by reason, as shares of all contacts.",
            failure_demand,
        ),
        MeasureSpec(
            p + "repeat_callers",
            "Repeat callers",
            "Contacts by the same person about the same demand type within 30 days "
            "of their previous one.",
            repeat_callers,
        ),
        MeasureSpec(
            p + "reassigned_after_routing",
            "Cases re-assigned after routing",
            "Per rule, cases whose team or officer now differs from the engine's "
            "choice: a sign a rule is wrong.",
            reassigned_after_routing,
        ),
    ]
