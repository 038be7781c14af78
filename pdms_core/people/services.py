"""Creating and editing people, their contact details and external references.

Services take a session and an actor and never import strawberry, so the CLI, importers
and tests call the same code as the API. Every edit of a person's records claims the
person's version, so concurrent edits conflict instead of overwriting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.auth.actor import Actor
from pdms_core.db.unit_of_work import claim_version, expect_version
from pdms_core.errors import Duplicate, NotFound, UserError, UserErrors, ValidationFailed
from pdms_core.lookups.models import LookupValue
from pdms_core.lookups.services import active_value
from pdms_core.partial import UNSET, PartialFields
from pdms_core.people.lookups import CONTACT_DETAIL_TYPE, EXTERNAL_REFERENCE_TYPE
from pdms_core.people.models import ContactDetail, ExternalReference, Person
from pdms_core.people.validation import check_value

EARLIEST_BIRTH = date(1890, 1, 1)
NAME_FIELDS = {"title": 20, "forenames": 100, "surname": 100, "preferred_name": 100}


@dataclass
class PersonFields(PartialFields):
    """Editable fields of a person; ``UNSET`` leaves a field as it is on update."""

    title: object = UNSET
    forenames: object = UNSET
    surname: object = UNSET
    preferred_name: object = UNSET
    date_of_birth: object = UNSET
    date_of_death: object = UNSET
    notes: object = UNSET


async def get_person(session: AsyncSession, person_id: int) -> Person:
    """The person with this id, or NOT_FOUND."""
    person = await session.get(Person, person_id, populate_existing=True)
    if person is None:
        raise NotFound("There is no such person.", field="id")
    return person


def _clean(values: dict[str, object], person: Person | None) -> dict[str, object]:
    problems: list[UserError] = []
    cleaned: dict[str, object] = {}
    for name, value in values.items():
        if name in NAME_FIELDS:
            text = " ".join(str(value).split()) if value is not None else ""
            if name in ("forenames", "surname") and not text:
                problems.append(ValidationFailed(f"Enter the {name}.", field=_camel(name)))
            elif len(text) > NAME_FIELDS[name]:
                problems.append(
                    ValidationFailed(f"At most {NAME_FIELDS[name]} characters.", field=_camel(name))
                )
            cleaned[name] = text or (None if name in ("title", "preferred_name") else text)
        else:
            cleaned[name] = value if name != "notes" else (value or "")
    birth = cleaned.get("date_of_birth", person.date_of_birth if person else None)
    death = cleaned.get("date_of_death", person.date_of_death if person else None)
    today = datetime.now(UTC).date()
    if birth is not None and not EARLIEST_BIRTH <= birth <= today:
        problems.append(
            ValidationFailed("The date of birth must be a real past date.", field="dateOfBirth")
        )
    if death is not None and (death > today or (birth is not None and death < birth)):
        problems.append(
            ValidationFailed(
                "The date of death must be after the birth and not in the future.",
                field="dateOfDeath",
            )
        )
    if problems:
        raise UserErrors(problems)
    return cleaned


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


async def create_person(session: AsyncSession, actor: Actor, fields: PersonFields) -> Person:
    """Record a new person."""
    values = _clean({"forenames": "", "surname": "", **fields.given()}, None)
    person = Person(**values)
    session.add(person)
    await session.flush()
    return person


async def update_person(
    session: AsyncSession,
    actor: Actor,
    *,
    person_id: int,
    expected_version: int,
    fields: PersonFields,
) -> Person:
    """Change some of a person's fields (those given)."""
    person = await get_person(session, person_id)
    expect_version(person, expected_version)
    for name, value in _clean(fields.given(), person).items():
        setattr(person, name, value)
    await session.flush()
    return person


async def archive_person(
    session: AsyncSession, actor: Actor, *, person_id: int, expected_version: int
) -> Person:
    """Hide a person from searches and lists; their history is kept."""
    person = await get_person(session, person_id)
    expect_version(person, expected_version)
    if person.archived_at is None:
        person.archived_at = datetime.now(UTC)
    await session.flush()
    return person


async def add_contact_detail(
    session: AsyncSession,
    actor: Actor,
    *,
    person_id: int,
    expected_version: int,
    type_code: str,
    value: str,
    preferred: bool,
) -> Person:
    """Add a phone number, email ...; ``preferred`` makes it the one preferred of its kind."""
    contact_type = await active_value(session, CONTACT_DETAIL_TYPE, type_code, field="typeCode")
    kind = (contact_type.data or {}).get("kind")
    stored, searchable = check_value(kind, value)
    await claim_version(session, Person, person_id, expected_version, noun="person")
    if preferred:
        await _clear_preferred(session, person_id, kind)
    session.add(
        ContactDetail(
            person_id=person_id,
            type_id=contact_type.id,
            value=stored,
            search_value=searchable,
            is_preferred=preferred,
        )
    )
    await session.flush()
    return await get_person(session, person_id)


async def _clear_preferred(session: AsyncSession, person_id: int, kind: str | None) -> None:
    # "One preferred per kind": a preferred mobile replaces a preferred landline.
    rows = await session.execute(
        select(ContactDetail, LookupValue.data)
        .join(LookupValue, LookupValue.id == ContactDetail.type_id)
        .where(ContactDetail.person_id == person_id, ContactDetail.is_preferred.is_(True))
    )
    for row, data in rows:
        if (data or {}).get("kind") == kind:
            row.is_preferred = False


async def remove_contact_detail(
    session: AsyncSession, actor: Actor, *, contact_detail_id: int, expected_version: int
) -> Person:
    """Delete a contact detail that is wrong or no longer used."""
    return await _remove_record(
        session, ContactDetail, contact_detail_id, expected_version, "contact detail"
    )


async def add_external_reference(
    session: AsyncSession,
    actor: Actor,
    *,
    person_id: int,
    expected_version: int,
    type_code: str,
    value: str,
) -> Person:
    """Record a reference from another system; a value belongs to one person per type."""
    ref_type = await active_value(session, EXTERNAL_REFERENCE_TYPE, type_code, field="typeCode")
    stored, _ = check_value((ref_type.data or {}).get("format"), value)
    taken = await session.scalar(
        select(ExternalReference.person_id).where(
            ExternalReference.type_id == ref_type.id, ExternalReference.value == stored
        )
    )
    if taken is not None:
        # Do not say whose it is: the caller may not be allowed to know.
        raise Duplicate("This reference is already recorded for a person.", field="value")
    await claim_version(session, Person, person_id, expected_version, noun="person")
    session.add(ExternalReference(person_id=person_id, type_id=ref_type.id, value=stored))
    await session.flush()
    return await get_person(session, person_id)


async def remove_external_reference(
    session: AsyncSession, actor: Actor, *, reference_id: int, expected_version: int
) -> Person:
    """Delete a reference recorded in error."""
    return await _remove_record(
        session, ExternalReference, reference_id, expected_version, "reference"
    )


async def _remove_record(
    session: AsyncSession, model: Any, record_id: int, expected_version: int, noun: str
) -> Person:
    row = await session.get(model, record_id)
    if row is None:
        raise NotFound(f"There is no such {noun}.", field="id")
    await claim_version(session, Person, row.person_id, expected_version, noun="person")
    await session.delete(row)
    await session.flush()
    return await get_person(session, row.person_id)
