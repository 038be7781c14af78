"""Dataloaders for the records hanging off people and places."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.db.loaders import SessionLoader, group_by
from pdms_core.people.models import ContactDetail, ExternalReference, PersonAddress, Relationship


class _ChildrenLoader(SessionLoader[int, list[Any]]):
    """Rows of ``model`` whose ``key`` column is among the keys, in ``order``."""

    missing: list[Any] = []
    model: Any = None
    key: str = ""
    order: tuple[Any, ...] = ()

    def filter(self, statement: Any) -> Any:
        return statement

    async def load_many_from(
        self, session: AsyncSession, keys: Sequence[int]
    ) -> Mapping[int, list[Any]]:
        column = getattr(self.model, self.key)
        statement = self.filter(select(self.model).where(column.in_(keys)))
        rows = await session.scalars(statement.order_by(*self.order, self.model.id))
        return group_by(rows, self.key)


class ContactDetailsByPersonLoader(_ChildrenLoader):
    model, key = ContactDetail, "person_id"
    order = (ContactDetail.is_preferred.desc(),)


class ExternalReferencesByPersonLoader(_ChildrenLoader):
    model, key = ExternalReference, "person_id"


class RelationshipsByPersonLoader(_ChildrenLoader):
    model, key = Relationship, "person_id"


class _AddressLoader(_ChildrenLoader):
    model = PersonAddress
    # Current first, then most recent first: the order officers read a history in.
    order = (
        PersonAddress.to_date.is_not(None),
        PersonAddress.to_date.desc(),
        PersonAddress.from_date.desc().nulls_last(),
    )

    def filter(self, statement: Any) -> Any:
        if self.params.get("current") is True:
            return statement.where(PersonAddress.to_date.is_(None))
        if self.params.get("current") is False:
            return statement.where(PersonAddress.to_date.is_not(None))
        return statement


class AddressesByPersonLoader(_AddressLoader):
    key = "person_id"


class AddressesByPlaceLoader(_AddressLoader):
    key = "place_id"
