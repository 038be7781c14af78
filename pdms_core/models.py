"""Imports every core model so the shared metadata is complete (used by alembic)."""

from pdms_core.lookups.models import LookupSet, LookupValue
from pdms_core.people.models import (
    ContactDetail,
    ExternalReference,
    Person,
    PersonAddress,
    Relationship,
)
from pdms_core.places.models import Place

__all__ = [
    "ContactDetail",
    "ExternalReference",
    "LookupSet",
    "LookupValue",
    "Person",
    "PersonAddress",
    "Place",
    "Relationship",
]
