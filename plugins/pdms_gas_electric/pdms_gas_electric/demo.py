"""Demo data (the ``pdms_demo_seed`` hook): homes with gas and checks in every state.

Reads the places core's demo made and gives the first ones servicing records: two
thirds with a live supply and a landlord boiler, three years of gas checks whose latest
leaves the home in date, due soon, overdue or never checked, some with the copy late or
an unsafe appliance unremedied; EICRs satisfactory, unsatisfactory (remedied or not) or
missing; and, for the small size, servicing jobs at every stage. Everything is inserted
in bulk; the same seed builds the same records. Fictional data only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from pdms_core.plugin import (
    SYSTEM,
    core_tables,
    insert_rows,
    lookup_values,
    today,
    unit_of_work,
)
from sqlalchemy import func, select

from pdms_gas_electric import eicrs, rules
from pdms_gas_electric.lists import APPLIANCE_TYPE, CONTRACTOR, LOCATION
from pdms_gas_electric.models import (
    Appliance,
    Eicr,
    EicrObservation,
    GasCheck,
    GasCheckResult,
    Home,
)

#: homes with a servicing record, of which two thirds have gas
SIZES = {"small": 300, "county": 45_000}
PLACE = core_tables.place
#: The latest check's state: (name, share, days before today of the latest check)
GAS_STATES = (
    ("in_date", 0.72, (40, 300)),
    ("due_30", 0.10, (336, 364)),
    ("due_90", 0.06, (276, 335)),
    ("overdue", 0.07, (370, 460)),
    ("never", 0.05, None),
)


@dataclass
class _Counts:
    homes: int = 0
    gas: int = 0
    checks: int = 0
    eicrs: int = 0
    jobs: int = 0


def _state(rng: random.Random) -> tuple[str, Any]:
    roll, total = rng.random(), 0.0
    for name, share, days in GAS_STATES:
        total += share
        if roll < total:
            return name, days
    return GAS_STATES[0][0], GAS_STATES[0][2]


def gas_history(rng: random.Random, on: date) -> list[date]:
    """Up to three years of check dates, oldest first, ending in one of the states."""
    _, days = _state(rng)
    if days is None:
        return []
    latest = on - timedelta(days=rng.randint(*days))
    dates = [latest]
    for _ in range(2):
        # most checks fall in the 2-month window before the deadline; some are early
        dates.append(dates[-1] - relativedelta(months=12) + timedelta(days=rng.randint(-5, 40)))
    return sorted(dates)


async def seed_demo(database: Any, size: str, seed: int, on: date | None = None) -> str:
    on = on or today()
    rng = random.Random(f"gas_electric:{seed}")
    counts = _Counts()
    async with unit_of_work(database.sessionmaker) as session:
        await _seed(session, rng, SIZES[size], on, counts)
    if size == "small":
        counts.jobs = await _jobs(database, rng, on)
    return (
        f"gas_electric: {counts.homes:,} homes, {counts.gas:,} with gas, "
        f"{counts.checks:,} gas checks, {counts.eicrs:,} EICRs, {counts.jobs:,} jobs"
    )


async def _seed(session: Any, rng: random.Random, wanted: int, on: date, counts: _Counts) -> None:
    if await session.scalar(select(func.count()).select_from(Home)):
        return  # already seeded: the command is not meant to run twice
    places = list(
        await session.scalars(
            select(PLACE.c.id).where(PLACE.c.uprn.is_not(None)).order_by(PLACE.c.id).limit(wanted)
        )
    )
    codes = {
        name: {v.code: v.id for v in await lookup_values(session, name)}
        for name in (APPLIANCE_TYPE, LOCATION, CONTRACTOR)
    }
    live = set(rng.sample(places, k=len(places) * 2 // 3))
    await insert_rows(
        session,
        Home.__table__,
        [
            "place_id",
            "property_reference",
            "gas_supply",
            "consumer_unit_location",
            "installation_notes",
            "needs_gas_check",
            "version",
        ],
        [
            (
                p,
                f"H{n:06d}",
                "live" if p in live else rng.choice(["capped", "none", "none"]),
                "Hall cupboard",
                "",
                p in live,
                1,
            )
            for n, p in enumerate(places, start=1)
        ],
    )
    homes = dict((await session.execute(select(Home.place_id, Home.id))).all())
    counts.homes, counts.gas = len(homes), len(live)
    await _appliances(session, rng, [homes[p] for p in places if p in live], codes)
    await _checks(session, rng, [homes[p] for p in places if p in live], on, codes, counts)
    await _eicrs(session, rng, list(homes.values()), on, counts)


async def _appliances(session: Any, rng: random.Random, gas_homes: list[int], codes: Any) -> None:
    types, places = codes[APPLIANCE_TYPE], codes[LOCATION]
    rows = []
    for home_id in gas_homes:
        rows.append(
            (home_id, types["combi_boiler"], places["kitchen"], "Fictitherm", "C30", True, 1)
        )
        if rng.random() < 0.3:
            rows.append(
                (home_id, types["gas_fire"], places["living_room"], "Glowmock", "F2", True, 1)
            )
        if rng.random() < 0.2:
            rows.append((home_id, types["cooker"], places["kitchen"], "Cookalike", "", False, 1))
    await insert_rows(
        session,
        Appliance.__table__,
        ["home_id", "type_id", "location_id", "make", "model", "landlord_owned", "version"],
        rows,
    )


async def _checks(
    session: Any, rng: random.Random, gas_homes: list[int], on: date, codes: Any, counts: _Counts
) -> None:
    contractor = codes[CONTRACTOR].get("in_house")
    checks, outcomes, homes = [], [], []
    for home_id in gas_homes:
        chain = rules.gas_chain(gas_history(rng, on))
        for n, (checked_on, before, due) in enumerate(chain):
            latest = n == len(chain) - 1
            late_copy = latest and rng.random() < 0.05
            copy = None if late_copy else checked_on + timedelta(days=rng.randint(0, 14))
            unsafe = latest and rng.random() < 0.03
            checks.append(
                (
                    home_id,
                    checked_on,
                    f"CP{home_id:06d}-{n}",
                    "Demo Engineer",
                    "5550123",
                    contractor,
                    True,
                    copy,
                    before,
                    due,
                    "demo",
                )
            )
            outcomes.append(("at_risk", "") if unsafe else ("pass", ""))
        if chain:
            homes.append((home_id, chain[-1][0], chain[-1][2]))
    await insert_rows(
        session,
        GasCheck.__table__,
        [
            "home_id",
            "checked_on",
            "certificate_number",
            "engineer_name",
            "gas_safe_number",
            "contractor_id",
            "co_alarm_tested",
            "copy_given_on",
            "deadline_before",
            "next_due_on",
            "recorded_by",
        ],
        checks,
    )
    ids = dict((await session.execute(select(GasCheck.certificate_number, GasCheck.id))).all())
    await insert_rows(
        session,
        GasCheckResult.__table__,
        ["check_id", "outcome", "defect_notes", "remedial_action", "position"],
        [
            (ids[row[2]], outcome, "", remedy, 0)
            for row, (outcome, remedy) in zip(checks, outcomes, strict=True)
        ],
    )
    await _set_dates(session, homes, "last_gas_check_on", "gas_due_on")
    counts.checks = len(checks)


async def _eicrs(
    session: Any, rng: random.Random, home_ids: list[int], on: date, counts: _Counts
) -> None:
    reports, observations, homes = [], [], []
    for home_id in home_ids:
        roll = rng.random()
        if roll < 0.12:
            continue  # none recorded
        inspected = on - timedelta(days=rng.randint(20, 5 * 365 + 200))
        codes = ["C3"] if roll < 0.75 else (["C2", "C3"] if roll < 0.95 else ["FI"])
        satisfactory = eicrs.is_satisfactory(codes)
        due = eicrs.next_inspection(inspected, None)
        remedial = None if satisfactory else eicrs.remedial_deadline(inspected, None)
        done = None if satisfactory or rng.random() < 0.4 else inspected + timedelta(days=10)
        if done is not None and done > on:
            done = None
        reports.append(
            (
                home_id,
                inspected,
                f"EI{home_id:06d}",
                "Demo Inspector",
                satisfactory,
                satisfactory,
                due,
                remedial,
                done,
                "demo",
            )
        )
        observations.append(codes)
        homes.append((home_id, inspected, due))
    await insert_rows(
        session,
        Eicr.__table__,
        [
            "home_id",
            "inspected_on",
            "report_number",
            "inspector_name",
            "stated_satisfactory",
            "satisfactory",
            "next_due_on",
            "remedial_due_on",
            "remedials_completed_on",
            "recorded_by",
        ],
        reports,
    )
    ids = dict((await session.execute(select(Eicr.report_number, Eicr.id))).all())
    await insert_rows(
        session,
        EicrObservation.__table__,
        ["eicr_id", "code", "description", "position"],
        [
            (ids[report[2]], code, "", n)
            for report, codes in zip(reports, observations, strict=True)
            for n, code in enumerate(codes)
        ],
    )
    await _set_dates(session, homes, "last_eicr_on", "eicr_due_on")
    counts.eicrs = len(reports)


async def _set_dates(session: Any, rows: list[tuple[int, date, date]], last: str, due: str) -> None:
    from sqlalchemy import bindparam, update

    table = Home.__table__
    if rows:
        await session.execute(
            update(table)
            .where(table.c.id == bindparam("hid"))
            .values({last: bindparam("last"), due: bindparam("due")}),
            [{"hid": h, "last": a, "due": b} for h, a, b in rows],
        )


async def _jobs(database: Any, rng: random.Random, on: date) -> int:
    """Jobs for homes due within 60 days, walked to every stage (small size only)."""
    from pdms_gas_electric import jobs

    async with unit_of_work(database.sessionmaker) as session:
        opened = await jobs.generate_jobs(session, SYSTEM, kind="gas", within_days=60, on=on)
        opened += await jobs.generate_jobs(
            session, SYSTEM, kind="electrical", within_days=60, on=on
        )
    walks = [
        [],
        ["appointment_letter_2"],
        ["appointment_letter_2", "no_access_visit"],
        ["appointment_letter_2", "no_access_visit", "no_access_visit", "final_warning"],
        ["appointment_letter_2", "no_access_visit", "final_warning", "forced_entry_referral"],
        ["serviced"],
        ["appointment_letter_2", "serviced", "closed"],
    ]
    async with unit_of_work(database.sessionmaker) as session:
        gas_jobs = list(
            await session.scalars(
                select(jobs.Job.id).where(jobs.Job.kind == "gas").order_by(jobs.Job.id)
            )
        )
        for n, job_id in enumerate(gas_jobs):
            for stage in walks[n % len(walks)]:
                job = await jobs.get_job(session, job_id)
                visit = on - timedelta(days=rng.randint(0, 20)) if "visit" in stage else None
                await jobs.move_job(
                    session,
                    SYSTEM,
                    jobs.MoveInput(
                        job_id=job_id,
                        expected_version=job.version,
                        stage_code=stage,
                        reason="Demo",
                        visit_on=visit,
                        visit_outcome_code="no_reply" if visit else None,
                    ),
                )
    return opened
