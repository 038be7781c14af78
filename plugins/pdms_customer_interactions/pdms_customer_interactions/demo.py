"""Demo data: a week of fictional contacts at the demo council (``pdms demo seed``).

Callers are the demo people (a fifth anonymous) about demo places; a quarter of the
contacts are failure demand. Contacts that opened or joined a case link to one of the
demo cases and its first demand. Everything follows from the seed.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pdms_core.plugin import core_tables, insert_rows, lookup_values, today, unit_of_work
from sqlalchemy import func, select

from pdms_customer_interactions.lists import CASE, CHANNEL, FAILURE_REASON, OUTCOME
from pdms_customer_interactions.models import Interaction

LONDON = ZoneInfo("Europe/London")
PER_DAY = {"small": 60, "county": 1500}
CHANNEL_WEIGHTS = {
    "phone": 45,
    "web_form": 20,
    "email": 15,
    "face_to_face": 8,
    "letter": 3,
    "social_media": 5,
    "partner_referral": 4,
}
OUTCOME_WEIGHTS = {
    "resolved_first_contact": 55,
    "signposted": 12,
    "referred_to_partner": 5,
    "case_opened": 15,
    "added_to_case": 13,
}
WORDS = {
    "rent": ["I can't pay my rent this month", "Has my rent payment gone through?"],
    "repairs": ["The boiler has stopped working", "Damp in the back bedroom again"],
    "council_tax": ["Why has my council tax bill gone up?", "I need a single person discount"],
    "benefits": ["My Universal Credit has been stopped", "Help with a housing benefit form"],
    "debt": ["I'm behind on several bills", "A bailiff letter came today"],
    "anti_social_behaviour": ["Loud music every night next door", "Youths gathering on the stairs"],
}
COLUMNS = (
    "channel_id",
    "direction",
    "started_at",
    "ended_at",
    "person_id",
    "place_id",
    "caller_words",
    "demand_module",
    "demand_type_id",
    "nature",
    "failure_reason_id",
    "outcome_id",
    "case_id",
    "demand_id",
    "recorded_by",
    "version",
)


async def _ids(session: Any, table: Any, limit: int) -> list[int]:
    return list(await session.scalars(select(table.c.id).order_by(table.c.id).limit(limit)))


async def _cases(session: Any, limit: int) -> list[tuple[int, int]]:
    demand = core_tables.demand
    rows = await session.execute(
        select(demand.c.case_id, func.min(demand.c.id))
        .group_by(demand.c.case_id)
        .order_by(demand.c.case_id)
        .limit(limit)
    )
    return [(case, first) for case, first in rows]


def _pick(rng: random.Random, weights: dict[str, int], known: dict[str, Any]) -> Any:
    codes = [c for c in weights if c in known]
    return known[rng.choices(codes, [weights[c] for c in codes])[0]]


async def seed_contacts(database: Any, size: str, seed: int) -> str:
    rng = random.Random(seed * 7919 + 22)
    per_day = PER_DAY.get(size, PER_DAY["small"])
    async with unit_of_work(database.sessionmaker) as session:
        channels = {r.code: r.id for r in await lookup_values(session, CHANNEL)}
        reasons = [r.id for r in await lookup_values(session, FAILURE_REASON)]
        outcomes = {r.code: r for r in await lookup_values(session, OUTCOME)}
        types = {r.code: r.id for r in await lookup_values(session, "demand_type")}
        people = await _ids(session, core_tables.person, 20_000)
        places = await _ids(session, core_tables.place, 20_000)
        cases = await _cases(session, 5_000)
        topics = [t for t in WORDS if t in types]
        if not (channels and outcomes and topics and reasons):
            return "customer_interactions: lists not synced, no contacts added"
        rows = []
        first_day = today() - timedelta(days=7)
        for day in range(7):
            date = first_day + timedelta(days=day)
            for _ in range(per_day):
                minute = int(rng.triangular(8 * 60, 18 * 60, 11 * 60))
                local = datetime.combine(date, time(minute // 60, minute % 60), tzinfo=LONDON)
                started = local.astimezone(UTC)
                topic = rng.choice(topics)
                outcome = _pick(rng, OUTCOME_WEIGHTS, outcomes)
                links_case = (outcome.data or {}).get("effect") == CASE and cases
                case_id, demand_id = rng.choice(cases) if links_case else (None, None)
                if (outcome.data or {}).get("effect") == CASE and not cases:
                    outcome = outcomes.get("resolved_first_contact", outcome)
                failure = rng.random() < 0.25
                rows.append(
                    (
                        _pick(rng, CHANNEL_WEIGHTS, channels),
                        "inbound",
                        started,
                        started + timedelta(minutes=rng.randint(2, 15)),
                        rng.choice(people) if people and rng.random() < 0.8 else None,
                        rng.choice(places) if places and rng.random() < 0.7 else None,
                        rng.choice(WORDS[topic]),
                        "core",
                        types[topic],
                        "failure" if failure else "value",
                        rng.choice(reasons) if failure else None,
                        outcome.id,
                        case_id,
                        demand_id,
                        "Demo call handler",
                        1,
                    )
                )
        await insert_rows(session, Interaction.__table__, COLUMNS, rows)
    return f"customer_interactions: {len(rows):,} contacts over a week"
