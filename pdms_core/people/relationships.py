"""Relationships between people, stored in both directions.

Each relationship type names its inverse (parent <-> child, partner <-> partner), so
adding "A is parent of B" also records "B is child of A"; both sides read naturally
from either person and are removed together.
"""

from __future__ import annotations

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.auth.actor import Actor
from pdms_core.db.unit_of_work import claim_version
from pdms_core.errors import Duplicate, NotFound, ValidationFailed
from pdms_core.lookups.services import active_value
from pdms_core.people.lookups import RELATIONSHIP_TYPE
from pdms_core.people.models import Person, Relationship
from pdms_core.people.services import get_person


async def add_relationship(
    session: AsyncSession,
    actor: Actor,
    *,
    person_id: int,
    expected_version: int,
    related_person_id: int,
    type_code: str,
) -> Person:
    """Record that ``person`` is ``type`` of ``related`` (and the inverse)."""
    if person_id == related_person_id:
        raise ValidationFailed("A person cannot be related to themselves.", field="relatedPersonId")
    kind = await active_value(session, RELATIONSHIP_TYPE, type_code, field="typeCode")
    inverse_code = (kind.data or {}).get("inverse", type_code)
    inverse = await active_value(session, RELATIONSHIP_TYPE, inverse_code, field="typeCode")
    if await session.get(Person, related_person_id) is None:
        raise ValidationFailed("There is no such person.", field="relatedPersonId")
    existing = await session.scalar(
        select(Relationship.id).where(
            Relationship.person_id == person_id,
            Relationship.related_person_id == related_person_id,
            Relationship.type_id == kind.id,
        )
    )
    if existing is not None:
        raise Duplicate("This relationship is already recorded.", field="typeCode")
    await claim_version(session, Person, person_id, expected_version, noun="person")
    session.add_all(
        [
            Relationship(person_id=person_id, related_person_id=related_person_id, type_id=kind.id),
            Relationship(
                person_id=related_person_id, related_person_id=person_id, type_id=inverse.id
            ),
        ]
    )
    await session.flush()
    return await get_person(session, person_id)


async def remove_relationship(
    session: AsyncSession, actor: Actor, *, relationship_id: int, expected_version: int
) -> Person:
    """Remove a relationship and its inverse."""
    row = await session.get(Relationship, relationship_id)
    if row is None:
        raise NotFound("There is no such relationship.", field="id")
    await claim_version(session, Person, row.person_id, expected_version, noun="person")
    await session.execute(
        delete(Relationship).where(
            or_(
                Relationship.id == row.id,
                and_(
                    Relationship.person_id == row.related_person_id,
                    Relationship.related_person_id == row.person_id,
                ),
            )
        )
    )
    await session.flush()
    return await get_person(session, row.person_id)
