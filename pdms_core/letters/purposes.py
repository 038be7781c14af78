"""Core's letter purposes: a letter to a person, to the occupier of a place, and a case
acknowledgement. Modules declare theirs through ``pdms_letter_purposes`` the same way."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.auth.actor import Actor
from pdms_core.auth.models import Team
from pdms_core.cases.lookups import PARTY_ROLE
from pdms_core.cases.models import CaseParty, CasePlace, CaseRecord
from pdms_core.letters.fields import (
    PLACE_LETTER_FIELDS,
    RECIPIENT_LETTER_FIELDS,
    place_letter_fields,
    recipient_letter_fields,
)
from pdms_core.lookups.models import LookupSet, LookupValue
from pdms_core.records import LetterField, LetterPurpose, MissingField
from pdms_core.settings import Settings

F = LetterField

#: Who a case letter is addressed to, in order of preference.
RECIPIENT_ROLES = ("reporter", "subject", "representative", "household_member")

CASE_LETTER_FIELDS = (
    F("case_reference", "The case's reference.", "HN-000123"),
    F("case_summary", "What the case is about.", "Damp in the back bedroom"),
    F("case_opened_on", "When the case opened, the British way.", "2 December 2026"),
    F("case_due_on", "When the council aims to finish, the British way.", "16 December 2026"),
    F("case_status", "Where the case is (the status label).", "Open"),
    F("case_team", "The team that owns the case.", "Housing Needs"),
)


async def person_fields(
    session: AsyncSession, person_id: int, actor: Actor, settings: Settings
) -> dict[str, Any]:
    return await recipient_letter_fields(session, person_id)


async def occupier_fields(
    session: AsyncSession, place_id: int, actor: Actor, settings: Settings
) -> dict[str, Any]:
    return {"recipient": "The Occupier", **await place_letter_fields(session, place_id)}


async def _case_recipient(session: AsyncSession, case_id: int) -> int | None:
    order = case({role: rank for rank, role in enumerate(RECIPIENT_ROLES)}, value=LookupValue.code)
    return await session.scalar(
        select(CaseParty.person_id)
        .join(LookupValue, LookupValue.id == CaseParty.role_id)
        .join(LookupSet, LookupSet.id == LookupValue.set_id)
        .where(
            CaseParty.case_id == case_id,
            LookupSet.code == PARTY_ROLE,
            LookupValue.code.in_(RECIPIENT_ROLES),
        )
        .order_by(order, CaseParty.id)
        .limit(1)
    )


async def case_fields(
    session: AsyncSession, case_id: int, actor: Actor, settings: Settings
) -> dict[str, Any]:
    record = await session.get(CaseRecord, case_id)
    if record is None:
        return {}
    status = await session.get(LookupValue, record.status_id)
    team = None if record.team_id is None else await session.get(Team, record.team_id)
    place_id = await session.scalar(
        select(CasePlace.place_id).where(CasePlace.case_id == case_id).order_by(CasePlace.id)
    )
    person_id = await _case_recipient(session, case_id)
    fields: dict[str, Any] = {
        "case_reference": record.reference,
        "case_summary": record.summary,
        "case_opened_on": record.opened_on,
        "case_due_on": record.due_on or MissingField(f"case {record.reference} has no due date"),
        "case_status": status.label if status is not None else "",
        "case_team": team.name
        if team is not None
        else MissingField(f"case {record.reference} has no team"),
        **await place_letter_fields(session, place_id),
    }
    if person_id is None:
        nobody = MissingField(f"case {record.reference} has no reporter or subject to write to")
        fields.update({field.name: nobody for field in RECIPIENT_LETTER_FIELDS})
    else:
        fields.update(await recipient_letter_fields(session, person_id))
    return fields


CORE_LETTER_PURPOSES = (
    LetterPurpose(
        code="core.person_letter",
        label="Letter to a person",
        holder="Person",
        description="Any letter to a person at their correspondence address.",
        fields=RECIPIENT_LETTER_FIELDS,
        provide=person_fields,
    ),
    LetterPurpose(
        code="core.occupier_letter",
        label="Letter to the occupier",
        holder="Place",
        description="A letter addressed to the occupier of a place.",
        fields=(
            F("recipient", "Always 'The Occupier'.", "The Occupier"),
            *PLACE_LETTER_FIELDS,
        ),
        provide=occupier_fields,
    ),
    LetterPurpose(
        code="core.case_acknowledgement",
        label="Case acknowledgement",
        holder="Case",
        description="Acknowledges a case to its reporter (else its subject, representative "
        "or a household member), with the case reference and the date it is due.",
        fields=(*CASE_LETTER_FIELDS, *RECIPIENT_LETTER_FIELDS, *PLACE_LETTER_FIELDS),
        provide=case_fields,
    ),
)
