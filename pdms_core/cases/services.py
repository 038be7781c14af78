"""Opening, editing and closing cases. No strawberry here: the CLI and tests use it too.

A case is an aggregate: edits of anything inside it claim the case's version
(:func:`claim_case`), so concurrent edits conflict instead of overwriting.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.auth.actor import Actor
from pdms_core.auth.models import StaffUser, Team
from pdms_core.cases.lookups import CASE_STATUS
from pdms_core.cases.models import CaseRecord
from pdms_core.cases.module_lists import check_module, module_list, module_value
from pdms_core.cases.parties import add_party_rows
from pdms_core.cases.pauses import end_pause
from pdms_core.cases.references import next_reference
from pdms_core.cases.visibility import check_case_reach, check_owning_team
from pdms_core.db.unit_of_work import claim_version, expect_version
from pdms_core.errors import NotAllowed, NotFound, ValidationFailed
from pdms_core.intentions.models import OPEN, Intention
from pdms_core.lookups.models import LookupValue
from pdms_core.partial import UNSET, PartialFields
from pdms_core.records import CORE
from pdms_core.today import today

MAX_SUMMARY = 2000


@dataclass
class CaseFields(PartialFields):
    """Editable fields of a case; ``UNSET`` leaves a field as it is."""

    summary: object = UNSET
    team_id: object = UNSET
    officer_id: object = UNSET


@dataclass(frozen=True)
class NewParty:
    person_id: int
    role_code: str


async def get_case(
    session: AsyncSession, actor: Actor, case_id: int, *, field: str = "id"
) -> CaseRecord:
    """The case with this id for a change by ``actor``, or NOT_FOUND.

    A team-scoped writer gets NOT_FOUND for another team's case, as if it did not exist.
    """
    await check_case_reach(session, actor, case_id, field=field)
    return await _stored_case(session, case_id, field)


async def _stored_case(session: AsyncSession, case_id: int, field: str) -> CaseRecord:
    case = await session.get(CaseRecord, case_id, populate_existing=True)
    if case is None:
        raise NotFound("There is no such case.", field=field)
    return case


async def claim_case(
    session: AsyncSession,
    actor: Actor,
    case_id: int,
    expected_version: int,
    *,
    field: str = "caseId",
) -> CaseRecord:
    """Claim the case's version for an edit inside it; NOT_FOUND or CONFLICT otherwise."""
    await check_case_reach(session, actor, case_id, field=field)
    version_field = "expectedVersion"
    await claim_version(
        session, CaseRecord, case_id, expected_version, field=version_field, noun="case"
    )
    return await _stored_case(session, case_id, field)


def is_closed_status(status: LookupValue) -> bool:
    return bool((status.data or {}).get("closed"))


async def check_team(
    session: AsyncSession, team_id: int | None, module: str, field: str = "teamId"
) -> None:
    """A team must exist, be active and work in the case's module (or council-wide)."""
    if team_id is None:
        return
    team = await session.get(Team, team_id)
    if team is None or not team.is_active:
        raise ValidationFailed("There is no such active team.", field=field)
    if team.module not in (module, CORE):
        raise ValidationFailed(f"That team works in the {team.module} module.", field=field)


async def check_officer(
    session: AsyncSession, officer_id: int | None, field: str = "officerId"
) -> None:
    if officer_id is None:
        return
    officer = await session.get(StaffUser, officer_id)
    if officer is None or not officer.is_active:
        raise ValidationFailed("There is no such active officer.", field=field)


def check_past(day: date, field: str) -> None:
    if day > today():
        raise ValidationFailed("The date cannot be in the future.", field=field)


def _summary(text: object) -> str:
    cleaned = str(text or "").strip()
    if len(cleaned) > MAX_SUMMARY:
        raise ValidationFailed(f"At most {MAX_SUMMARY} characters.", field="summary")
    return cleaned


async def _opening_status(session: AsyncSession, module: str, code: str | None) -> LookupValue:
    if code is not None:
        status = await module_value(session, module, CASE_STATUS, code, field="statusCode")
        if is_closed_status(status):
            raise ValidationFailed("A case cannot be opened closed.", field="statusCode")
        return status
    statuses = await session.scalars(
        select(LookupValue)
        .where(LookupValue.set_id == (await module_list(session, module, CASE_STATUS)).id)
        .where(LookupValue.is_active)
        .order_by(LookupValue.sort_order, LookupValue.id)
    )
    for status in statuses:
        if not is_closed_status(status):
            return status
    raise ValidationFailed("The module has no open case status.", field="statusCode")


async def open_case(
    session: AsyncSession,
    actor: Actor,
    *,
    module: str,
    known_modules: Collection[str],
    summary: str = "",
    status_code: str | None = None,
    team_id: int | None = None,
    officer_id: int | None = None,
    opened_on: date | None = None,
    parties: Sequence[NewParty] = (),
    place_ids: Sequence[int] = (),
) -> CaseRecord:
    """Open a case in ``module`` (``core`` for a generic case) with its first parties and places."""
    check_module(module, known_modules)
    opened_on = opened_on or today()
    check_past(opened_on, "openedOn")
    status = await _opening_status(session, module, status_code)
    check_owning_team(actor, team_id)
    await check_team(session, team_id, module)
    await check_officer(session, officer_id)
    case = CaseRecord(
        reference=await next_reference(session, module),
        module=module,
        status_id=status.id,
        team_id=team_id,
        officer_id=officer_id,
        summary=_summary(summary),
        opened_on=opened_on,
    )
    session.add(case)
    await session.flush()
    await add_party_rows(session, case, parties, place_ids)
    return case


async def update_case(
    session: AsyncSession, actor: Actor, *, case_id: int, expected_version: int, fields: CaseFields
) -> CaseRecord:
    """Change a case's summary, owning team or officer."""
    case = await get_case(session, actor, case_id)
    expect_version(case, expected_version)
    given = fields.given()
    if "team_id" in given:
        check_owning_team(actor, given["team_id"])
        await check_team(session, given["team_id"], case.module)
    if "officer_id" in given:
        await check_officer(session, given["officer_id"])
    if "summary" in given:
        given["summary"] = _summary(given["summary"])
    for name, value in given.items():
        setattr(case, name, value)
    await session.flush()
    return case


async def open_intention_count(session: AsyncSession, case_id: int) -> int:
    return await session.scalar(
        select(func.count()).where(Intention.case_id == case_id, Intention.status == OPEN)
    )


async def change_status(
    session: AsyncSession,
    actor: Actor,
    *,
    case_id: int,
    expected_version: int,
    status_code: str,
    on_date: date | None = None,
) -> CaseRecord:
    """Move a case to a status; a closed status closes it (on ``on_date``, default today).

    A closed status marked ``forbid_open_intentions`` refuses while follow-ups are open.
    Moving a closed case to an open status reopens it.
    """
    case = await get_case(session, actor, case_id)
    expect_version(case, expected_version)
    status = await module_value(session, case.module, CASE_STATUS, status_code, field="statusCode")
    if is_closed_status(status):
        if (status.data or {}).get("forbid_open_intentions"):
            still_open = await open_intention_count(session, case.id)
            if still_open:
                raise NotAllowed(
                    f"The case has {still_open} open intention(s); complete or cancel them "
                    f"before closing it as {status.label!r}.",
                    field="statusCode",
                )
        closing_on = on_date or today()
        check_past(closing_on, "onDate")
        if closing_on < case.opened_on:
            raise ValidationFailed("A case cannot close before it opened.", field="onDate")
        case.closed_on = case.closed_on or closing_on
        if case.paused_since is not None:
            await end_pause(session, case, closing_on)
    else:
        case.closed_on = None
    case.status_id = status.id
    await session.flush()
    return case


#: The name ``pdms_core.plugin`` exports it under (a module's own records closing and
#: reopening their cases, as an officer's ``changeCaseStatus`` does).
change_case_status = change_status
