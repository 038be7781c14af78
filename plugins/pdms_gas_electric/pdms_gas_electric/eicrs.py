"""Electrical installation condition reports: the 5-year clock and the remedial deadline.

Electrical safety standards regulations (private rented 2020, social rented 2025): the
installation is inspected at least every 5 years, or sooner when the report says; any C1,
C2 or FI observation makes the report unsatisfactory whatever its summary box says, and
remedial work or further investigation is due "within 28 days, or the shorter period the
report specifies, starting with the date on which the inspection was carried out": the
inspection day is day 1, so the last day is inspection + (period - 1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from pdms_core.plugin import Actor, NotFound, ValidationFailed, today
from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_gas_electric.lists import CONTRACTOR
from pdms_gas_electric.models import (
    OBSERVATION_CODES,
    UNSATISFACTORY_CODES,
    Eicr,
    EicrObservation,
    Home,
)
from pdms_gas_electric.services import _not_future, _short, get_home, lookup_value_id
from pdms_gas_electric.servicing import Recorded, service_jobs

INTERVAL = relativedelta(years=5)
REMEDIAL_DAYS = 28


def is_satisfactory(codes: Sequence[str]) -> bool:
    return not any(code in UNSATISFACTORY_CODES for code in codes)


def next_inspection(inspected_on: date, recommended: date | None) -> date:
    """5 years on, or the report's own date when sooner (never later)."""
    latest = inspected_on + INTERVAL
    return min(latest, recommended) if recommended is not None else latest


def remedial_deadline(inspected_on: date, report_days: int | None) -> date:
    """Last day for remedial work: the inspection day is day 1 of 28 (or fewer)."""
    days = min(REMEDIAL_DAYS, report_days) if report_days is not None else REMEDIAL_DAYS
    return inspected_on + timedelta(days=days - 1)


@dataclass(frozen=True)
class EicrInput:
    home_id: int
    inspected_on: date
    report_number: str
    inspector_name: str
    stated_satisfactory: bool
    observations: tuple[tuple[str, str], ...] = ()  # (code, description)
    contractor_code: str | None = None
    recommended_next_on: date | None = None
    remedial_days: int | None = None
    copy_given_on: date | None = None


def _check(data: EicrInput) -> None:
    _not_future(data.inspected_on, "inspectedOn")
    _not_future(data.copy_given_on, "copyGivenOn")
    if not data.report_number.strip():
        raise ValidationFailed("This is required.", field="reportNumber")
    if not data.inspector_name.strip():
        raise ValidationFailed("This is required.", field="inspectorName")
    for code, _ in data.observations:
        if code not in OBSERVATION_CODES:
            raise ValidationFailed(
                f"{code!r} is not an observation code; use C1, C2, C3 or FI.",
                field="observations",
            )
    if data.recommended_next_on is not None and data.recommended_next_on <= data.inspected_on:
        raise ValidationFailed(
            "The next inspection comes after this one.", field="recommendedNextOn"
        )
    if data.remedial_days is not None and not 1 <= data.remedial_days <= REMEDIAL_DAYS:
        raise ValidationFailed(
            f"A remedial period is 1 to {REMEDIAL_DAYS} days.", field="remedialDays"
        )


async def record_eicr(
    session: AsyncSession, actor: Actor, data: EicrInput, *, recorded_by: str = ""
) -> Eicr:
    """Store an EICR, start its remedial clock when unsatisfactory, and move the home's
    next-inspection date."""
    await get_home(session, data.home_id)
    _check(data)
    number = data.report_number.strip().upper()
    same = select(Eicr.id).where(Eicr.home_id == data.home_id, Eicr.report_number == number)
    if await session.scalar(same) is not None:
        raise ValidationFailed(
            "That report is already recorded for this home.", field="reportNumber"
        )
    satisfactory = is_satisfactory([code for code, _ in data.observations])
    eicr = Eicr(
        home_id=data.home_id,
        inspected_on=data.inspected_on,
        report_number=number,
        inspector_name=_short(data.inspector_name, "inspectorName"),
        contractor_id=await lookup_value_id(
            session, CONTRACTOR, data.contractor_code, field="contractorCode"
        ),
        stated_satisfactory=data.stated_satisfactory,
        satisfactory=satisfactory,
        recommended_next_on=data.recommended_next_on,
        remedial_days=data.remedial_days,
        next_due_on=next_inspection(data.inspected_on, data.recommended_next_on),
        remedial_due_on=None
        if satisfactory
        else remedial_deadline(data.inspected_on, data.remedial_days),
        copy_given_on=data.copy_given_on,
        recorded_by=recorded_by or actor.display_name,
    )
    session.add(eicr)
    await session.flush()
    session.add_all(
        EicrObservation(
            eicr_id=eicr.id,
            code=code,
            description=_short(text, "observations", 4000),
            position=position,
        )
        for position, (code, text) in enumerate(data.observations)
    )
    await session.flush()
    await refresh_eicr_dates(session, [data.home_id])
    await service_jobs(
        session,
        actor,
        "electrical",
        [recorded_report(data.home_id, number, data.inspected_on)],
        eicr.recorded_by,
    )
    return eicr


def recorded_report(home_id: int, number: str, on: date) -> Recorded:
    """How the job's move names an EICR."""
    return Recorded(home_id, on, f"EICR {number} of {on.isoformat()} recorded.")


async def refresh_eicr_dates(session: AsyncSession, home_ids: Sequence[int]) -> None:
    """Each home's last inspection and next due date, from its latest EICR."""
    latest: dict[int, tuple[date, date]] = {}
    rows = await session.execute(
        select(Eicr.home_id, Eicr.inspected_on, Eicr.next_due_on)
        .where(Eicr.home_id.in_(home_ids))
        .order_by(Eicr.home_id, Eicr.inspected_on, Eicr.id)
    )
    for home_id, inspected_on, due in rows:
        latest[home_id] = (inspected_on, due)
    table = Home.__table__
    await session.execute(
        update(table)
        .where(table.c.id == bindparam("hid"))
        .values(last_eicr_on=bindparam("last"), eicr_due_on=bindparam("due")),
        [
            {
                "hid": h,
                "last": latest.get(h, (None, None))[0],
                "due": latest.get(h, (None, None))[1],
            }
            for h in home_ids
        ],
    )
    for home_id in home_ids:
        home = session.identity_map.get((Home, (home_id,), None))
        if home is not None:
            await session.refresh(home)


async def complete_remedials(
    session: AsyncSession, actor: Actor, *, eicr_id: int, completed_on: date
) -> Eicr:
    eicr = await session.get(Eicr, eicr_id, populate_existing=True)
    if eicr is None:
        raise NotFound("There is no such EICR.", field="eicrId")
    if eicr.satisfactory:
        raise ValidationFailed("A satisfactory report needs no remedial work.", field="eicrId")
    _not_future(completed_on, "completedOn")
    if completed_on < eicr.inspected_on:
        raise ValidationFailed("Remedial work follows the inspection.", field="completedOn")
    eicr.remedials_completed_on = completed_on
    await session.flush()
    return eicr


def eicr_breaches(eicr: Eicr, on: date | None = None) -> list[str]:
    """``remedial_overdue``: unsatisfactory, not put right, and past its remedial deadline."""
    on = on or today()
    if (
        eicr.remedial_due_on is not None
        and eicr.remedials_completed_on is None
        and eicr.remedial_due_on < on
    ):
        return ["remedial_overdue"]
    return []


async def observations_by_eicr(
    session: AsyncSession, eicr_ids: Sequence[int]
) -> Mapping[int, list[EicrObservation]]:
    rows = await session.scalars(
        select(EicrObservation)
        .where(EicrObservation.eicr_id.in_(eicr_ids))
        .order_by(EicrObservation.eicr_id, EicrObservation.position)
    )
    found: dict[int, list[EicrObservation]] = {}
    for row in rows:
        found.setdefault(row.eicr_id, []).append(row)
    return found
