"""Gas safety records: recording one, the deadline chain, and the breach flags."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pdms_core.plugin import Actor, NotFound, ValidationFailed, today
from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_gas_electric import rules
from pdms_gas_electric.lists import CONTRACTOR, DEFECT
from pdms_gas_electric.models import OUTCOMES, Appliance, GasCheck, GasCheckResult, Home
from pdms_gas_electric.services import _not_future, _short, get_home, lookup_value_id
from pdms_gas_electric.servicing import Recorded, service_jobs


@dataclass(frozen=True)
class ResultInput:
    """One appliance's result as the engineer wrote it."""

    outcome: str
    appliance_id: int | None = None
    defect_code: str | None = None
    defect_notes: str = ""
    remedial_action: str = ""


@dataclass(frozen=True)
class CheckInput:
    """A gas safety record as an officer or a contractor's return gives it."""

    home_id: int
    checked_on: date
    certificate_number: str
    engineer_name: str
    gas_safe_number: str
    contractor_code: str | None = None
    co_alarm_tested: bool = False
    copy_given_on: date | None = None
    results: tuple[ResultInput, ...] = ()


def _check_fields(data: CheckInput) -> None:
    _not_future(data.checked_on, "checkedOn")
    _not_future(data.copy_given_on, "copyGivenOn")
    if data.copy_given_on is not None and data.copy_given_on < data.checked_on:
        raise ValidationFailed("A copy cannot be given before the check.", field="copyGivenOn")
    for value, field in (
        (data.certificate_number, "certificateNumber"),
        (data.engineer_name, "engineerName"),
    ):
        if not value.strip():
            raise ValidationFailed("This is required.", field=field)
    number = data.gas_safe_number.strip()
    if not (number.isdigit() and 6 <= len(number) <= 7):
        raise ValidationFailed(
            "A Gas Safe registration number is 6 or 7 digits.", field="gasSafeNumber"
        )
    for result in data.results:
        if result.outcome not in OUTCOMES:
            raise ValidationFailed(
                f"{result.outcome!r} is not a result; use one of {', '.join(OUTCOMES)}.",
                field="results",
            )


async def record_gas_check(
    session: AsyncSession, actor: Actor, data: CheckInput, *, recorded_by: str = ""
) -> GasCheck:
    """Store a gas safety record and move the home's deadline by the regulation's rule."""
    await get_home(session, data.home_id)
    _check_fields(data)
    certificate = data.certificate_number.strip().upper()
    same = select(GasCheck.id).where(
        GasCheck.home_id == data.home_id, GasCheck.certificate_number == certificate
    )
    if await session.scalar(same) is not None:
        raise ValidationFailed(
            "That certificate is already recorded for this home.", field="certificateNumber"
        )
    appliances = set(
        await session.scalars(select(Appliance.id).where(Appliance.home_id == data.home_id))
    )
    check = GasCheck(
        home_id=data.home_id,
        checked_on=data.checked_on,
        certificate_number=certificate,
        engineer_name=_short(data.engineer_name, "engineerName"),
        gas_safe_number=data.gas_safe_number.strip(),
        contractor_id=await lookup_value_id(
            session, CONTRACTOR, data.contractor_code, field="contractorCode"
        ),
        co_alarm_tested=data.co_alarm_tested,
        copy_given_on=data.copy_given_on,
        next_due_on=data.checked_on,  # set by the chain below
        recorded_by=recorded_by or actor.display_name,
    )
    session.add(check)
    await session.flush()
    for position, result in enumerate(data.results):
        if result.appliance_id is not None and result.appliance_id not in appliances:
            raise ValidationFailed("That appliance is not in this home.", field="results")
        session.add(
            GasCheckResult(
                check_id=check.id,
                appliance_id=result.appliance_id,
                outcome=result.outcome,
                defect_id=await lookup_value_id(
                    session, DEFECT, result.defect_code, field="results"
                ),
                defect_notes=_short(result.defect_notes, "results", 4000),
                remedial_action=_short(result.remedial_action, "results", 4000),
                position=position,
            )
        )
    await session.flush()
    await rechain(session, [data.home_id])
    await service_jobs(
        session, actor, "gas", [recorded_check(data.home_id, check)], check.recorded_by
    )
    await session.refresh(check)
    return check


def recorded_check(home_id: int, check: Any) -> Recorded:
    """How the job's move names a gas safety record."""
    on = check.checked_on
    number = check.certificate_number
    return Recorded(home_id, on, f"Gas safety record {number} of {on.isoformat()} recorded.")


async def rechain(session: AsyncSession, home_ids: Sequence[int]) -> None:
    """Recompute each check's deadlines and the homes' due dates, in check-date order.

    Checks may arrive out of order (a contractor's late return), so the chain is
    folded again from the first check rather than extended from the last.
    """
    rows = await session.execute(
        select(
            GasCheck.id,
            GasCheck.home_id,
            GasCheck.checked_on,
            GasCheck.deadline_before,
            GasCheck.next_due_on,
        )
        .where(GasCheck.home_id.in_(home_ids))
        .order_by(GasCheck.home_id, GasCheck.checked_on, GasCheck.id)
    )
    by_home: dict[int, list] = {}
    for row in rows:
        by_home.setdefault(row.home_id, []).append(row)
    check_updates, home_updates = [], []
    for home_id in home_ids:
        checks = by_home.get(home_id, [])
        chain = rules.gas_chain(row.checked_on for row in checks)
        for row, (_, answered, sets) in zip(checks, chain, strict=True):
            if (row.deadline_before, row.next_due_on) != (answered, sets):
                check_updates.append({"cid": row.id, "before": answered, "due": sets})
        last = chain[-1] if chain else (None, None, None)
        home_updates.append({"hid": home_id, "last": last[0], "due": last[2]})

    if check_updates:
        await session.execute(
            update(GasCheck.__table__)
            .where(GasCheck.__table__.c.id == bindparam("cid"))
            .values(deadline_before=bindparam("before"), next_due_on=bindparam("due")),
            check_updates,
        )
    if home_updates:
        table = Home.__table__
        await session.execute(
            update(table)
            .where(table.c.id == bindparam("hid"))
            .values(last_gas_check_on=bindparam("last"), gas_due_on=bindparam("due")),
            home_updates,
        )
    for home_id in home_ids:
        home = session.identity_map.get((Home, (home_id,), None))
        if home is not None:
            await session.refresh(home)


async def set_copy_given(
    session: AsyncSession, actor: Actor, *, check_id: int, copy_given_on: date
) -> GasCheck:
    check = await session.get(GasCheck, check_id, populate_existing=True)
    if check is None:
        raise NotFound("There is no such gas safety record.", field="checkId")
    _not_future(copy_given_on, "copyGivenOn")
    if copy_given_on < check.checked_on:
        raise ValidationFailed("A copy cannot be given before the check.", field="copyGivenOn")
    check.copy_given_on = copy_given_on
    await session.flush()
    return check


def check_breaches(check: GasCheck, results: Sequence[GasCheckResult], on: date) -> list[str]:
    """``copy_late`` and ``unsafe_without_remedy`` for one record."""
    flags = []
    if rules.copy_late(check.checked_on, check.copy_given_on, on):
        flags.append("copy_late")
    if any(rules.unsafe_unremedied(r.outcome, r.remedial_action) for r in results):
        flags.append("unsafe_without_remedy")
    return flags


def home_breaches(
    home: Home, latest: GasCheck | None, results: Sequence[GasCheckResult], on: date | None = None
) -> list[str]:
    """``overdue`` (a home needing a check with none in date), then the latest record's flags."""
    on = on or today()
    flags = []
    if home.needs_gas_check and (home.gas_due_on is None or home.gas_due_on < on):
        flags.append("overdue")
    if latest is not None:
        flags.extend(check_breaches(latest, results, on))
    return flags


async def results_by_check(
    session: AsyncSession, check_ids: Sequence[int]
) -> Mapping[int, list[GasCheckResult]]:
    rows = await session.scalars(
        select(GasCheckResult)
        .where(GasCheckResult.check_id.in_(check_ids))
        .order_by(GasCheckResult.check_id, GasCheckResult.position)
    )
    found: dict[int, list[GasCheckResult]] = {}
    for row in rows:
        found.setdefault(row.check_id, []).append(row)
    return found
