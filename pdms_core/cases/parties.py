"""The people, places and related cases of a case."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.cases.lookups import PARTY_ROLE
from pdms_core.cases.models import CaseLink, CaseParty, CasePlace, CaseRecord
from pdms_core.cases.module_lists import shared_value
from pdms_core.errors import Duplicate, NotFound, ValidationFailed
from pdms_core.people.models import Person
from pdms_core.places.models import Place

if TYPE_CHECKING:
    from pdms_core.cases.services import NewParty


async def _exists(session: AsyncSession, model: Any, row_id: int, field: str, noun: str) -> None:
    if await session.scalar(select(model.id).where(model.id == row_id)) is None:
        raise ValidationFailed(f"There is no such {noun}.", field=field)


async def add_party_rows(
    session: AsyncSession,
    case: CaseRecord,
    parties: Sequence[NewParty],
    place_ids: Sequence[int],
) -> None:
    """Add parties and places to a case being opened or edited (already claimed)."""
    for party in parties:
        await add_party(session, case, party.person_id, party.role_code)
    for place_id in place_ids:
        await add_place(session, case, place_id)


async def add_party(
    session: AsyncSession, case: CaseRecord, person_id: int, role_code: str
) -> CaseParty:
    await _exists(session, Person, person_id, "personId", "person")
    role = await shared_value(session, PARTY_ROLE, role_code, field="roleCode")
    taken = await session.scalar(
        select(CaseParty.id).where(
            CaseParty.case_id == case.id,
            CaseParty.person_id == person_id,
            CaseParty.role_id == role.id,
        )
    )
    if taken is not None:
        raise Duplicate("The person already has that role on the case.", field="personId")
    party = CaseParty(case_id=case.id, person_id=person_id, role_id=role.id)
    session.add(party)
    await session.flush()
    return party


async def add_place(session: AsyncSession, case: CaseRecord, place_id: int) -> CasePlace:
    await _exists(session, Place, place_id, "placeId", "place")
    taken = await session.scalar(
        select(CasePlace.id).where(CasePlace.case_id == case.id, CasePlace.place_id == place_id)
    )
    if taken is not None:
        raise Duplicate("The place is already on the case.", field="placeId")
    row = CasePlace(case_id=case.id, place_id=place_id)
    session.add(row)
    await session.flush()
    return row


async def child_of_case(session: AsyncSession, model: Any, row_id: int, noun: str) -> Any:
    """A row hanging off a case (party, place, link ...), or NOT_FOUND naming ``id``."""
    row = await session.get(model, row_id)
    if row is None:
        raise NotFound(f"There is no such {noun}.", field="id")
    return row


async def remove_row(session: AsyncSession, row: Any) -> None:
    await session.delete(row)
    await session.flush()


async def link_cases(
    session: AsyncSession, case: CaseRecord, related_id: int, note: str
) -> CaseLink:
    """Link two cases; the link reads from both sides, so it is stored once."""
    if related_id == case.id:
        raise ValidationFailed("A case cannot be linked to itself.", field="relatedCaseId")
    await _exists(session, CaseRecord, related_id, "relatedCaseId", "case")
    pair = or_(
        (CaseLink.case_id == case.id) & (CaseLink.related_case_id == related_id),
        (CaseLink.case_id == related_id) & (CaseLink.related_case_id == case.id),
    )
    if await session.scalar(select(CaseLink.id).where(pair)) is not None:
        raise Duplicate("The cases are already linked.", field="relatedCaseId")
    link = CaseLink(case_id=case.id, related_case_id=related_id, note=note.strip())
    session.add(link)
    await session.flush()
    return link
