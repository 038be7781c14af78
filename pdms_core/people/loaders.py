"""Dataloaders for the records hanging off people and places."""

from __future__ import annotations

from typing import Any

from pdms_core.db.loaders import ChildrenLoader
from pdms_core.people.models import (
    ContactDetail,
    ExternalReference,
    Person,
    PersonAddress,
    Relationship,
)
from pdms_core.places.models import Place


class ContactDetailsByPersonLoader(ChildrenLoader):
    model, key = ContactDetail, "person_id"
    order = (ContactDetail.is_preferred.desc(),)


class ExternalReferencesByPersonLoader(ChildrenLoader):
    model, key = ExternalReference, "person_id"


class RelationshipsByPersonLoader(ChildrenLoader):
    model, key = Relationship, "person_id"
    joins = {"related": (Person, "related_person_id")}


class _AddressLoader(ChildrenLoader):
    model = PersonAddress
    joins = {"place": (Place, "place_id"), "person": (Person, "person_id")}
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
