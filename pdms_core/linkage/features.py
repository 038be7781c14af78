"""What the linkage model compares: one row per person, normalised once.

The batch job (Splink, in SQL) and the online check (plain Python) read the same rows,
built here, so a person is described to both in exactly the same way. Household facts
(a shared place, postcode, landline or email) are kept as sets per person and compared
once each, so a household's shared evidence is not counted several times over.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import jellyfish
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.lookups.models import LookupValue
from pdms_core.people.models import ContactDetail, ExternalReference, Person, PersonAddress
from pdms_core.people.search import nicknames
from pdms_core.places.models import Place

#: Dates of birth typed as a placeholder when the real one was unknown.
PLACEHOLDER_BIRTHS = {date(1900, 1, 1), date(1901, 1, 1), date(1800, 1, 1)}
#: Contact-detail types a household shares: evidence of an address, not a person.
HOUSEHOLD_CONTACT_TYPES = frozenset({"landline"})
#: The columns of a feature row, in the order the batch job hands them to Splink.
COLUMNS = (
    "unique_id",
    "first_name",
    "first_name_canon",
    "forename_words",
    "surname",
    "surname_parts",
    "surname_sdx",
    "dob",
    "dob_swapped",
    "households",
    "postcodes",
    "contacts",
    "refs",
    "ref_types",
)
_LETTERS = re.compile(r"[^a-z ]+")


def _name_words(text: str | None) -> list[str]:
    """Lower-case letter words; apostrophes vanish (O'Neill is ONeill), Mc is Mac."""
    if not text:
        return []
    cleaned = _LETTERS.sub("", text.lower().replace("-", " ").replace("'", ""))
    return [("mac" + w[2:]) if w.startswith("mc") and len(w) > 3 else w for w in cleaned.split()]


def canonical_name(word: str) -> str:
    """One spelling for a name and its nicknames (Bob, Rob and Robert share one)."""
    variants = nicknames().get(word)
    return min(variants | {word}) if variants else word


def soundex(word: str) -> str | None:
    return jellyfish.soundex(word) if word else None


def _dob_fields(value: date | None) -> tuple[str | None, str | None]:
    if value is None or value in PLACEHOLDER_BIRTHS:
        return None, None
    swapped = None
    if value.day <= 12 and value.day != value.month:
        swapped = f"{value.year:04d}-{value.day:02d}-{value.month:02d}"
    return value.isoformat(), swapped


def _or_none(values: Iterable[str]) -> list[str] | None:
    # Splink's null level needs a missing set as NULL, not an empty list.
    unique = sorted(set(values))
    return unique or None


@dataclass
class PersonFacts:
    """What a person record says, before normalisation (from the database or an input)."""

    forenames: str
    surname: str
    date_of_birth: date | None = None
    place_ids: Sequence[int] = ()
    postcodes: Sequence[str] = ()
    #: Personal phone numbers and email addresses.
    contacts: Sequence[str] = ()
    #: Phone numbers a household shares (landlines).
    landlines: Sequence[str] = ()
    refs: Sequence[str] = ()
    preferred_name: str | None = None


def feature_row(person_id: int | None, facts: PersonFacts) -> dict[str, Any]:
    """The normalised row the model compares."""
    forenames = _name_words(facts.forenames)
    surname_words = _name_words(facts.surname)
    first = forenames[0] if forenames else None
    surname = "".join(surname_words) or None
    dob, swapped = _dob_fields(facts.date_of_birth)
    words = set(forenames) | set(_name_words(facts.preferred_name))
    return {
        "unique_id": person_id,
        "first_name": first,
        "first_name_canon": canonical_name(first) if first else None,
        "forename_words": _or_none(canonical_name(w) for w in words),
        "surname": surname,
        "surname_parts": _or_none(w for w in surname_words if len(w) > 1),
        "surname_sdx": soundex(surname) if surname else None,
        "dob": dob,
        "dob_swapped": swapped,
        # An address and a household landline are one fact: who lives there.
        "households": _or_none(
            [f"place:{p}" for p in facts.place_ids] + [f"tel:{t}" for t in facts.landlines]
        ),
        "postcodes": _or_none("".join(p.split()).upper() for p in facts.postcodes if p),
        "contacts": _or_none(c for c in facts.contacts if c),
        "refs": _or_none(facts.refs),
        # A reference is unique per kind, so two people holding one kind differ in it.
        "ref_types": _or_none(r.partition(":")[0] for r in facts.refs),
    }


def active_people(statement: Any) -> Any:
    """``statement`` limited to people neither archived nor merged into another."""
    statement = statement.where(Person.archived_at.is_(None))
    merged = getattr(Person, "merged_into_id", None)
    if merged is not None:
        statement = statement.where(merged.is_(None))
    return statement


async def load_rows(
    session: AsyncSession, ids: Sequence[int] | None = None
) -> list[dict[str, Any]]:
    """Feature rows of the active people (or of ``ids`` among them), read in four
    statements whatever their number."""
    people = active_people(
        select(
            Person.id, Person.forenames, Person.surname, Person.preferred_name, Person.date_of_birth
        )
    )
    if ids is not None:
        people = people.where(Person.id.in_(ids))
    facts: dict[int, PersonFacts] = {
        pid: PersonFacts(forenames=f, surname=s, preferred_name=p, date_of_birth=d)
        for pid, f, s, p, d in (await session.execute(people.order_by(Person.id))).all()
    }
    if not facts:
        return []
    places: dict[int, list[int]] = defaultdict(list)
    postcodes: dict[int, list[str]] = defaultdict(list)
    contacts: dict[int, list[str]] = defaultdict(list)
    landlines: dict[int, list[str]] = defaultdict(list)
    refs: dict[int, list[str]] = defaultdict(list)

    def limited(statement: Any, column: Any) -> Any:
        return statement.where(column.in_(list(facts))) if ids is not None else statement

    address_rows = await session.execute(
        limited(
            select(PersonAddress.person_id, Place.id, Place.postcode).join(
                Place, Place.id == PersonAddress.place_id
            ),
            PersonAddress.person_id,
        )
    )
    for pid, place_id, postcode in address_rows.all():
        places[pid].append(place_id)
        if postcode:
            postcodes[pid].append(postcode)
    contact_rows = await session.execute(
        limited(
            select(ContactDetail.person_id, ContactDetail.search_value, LookupValue.code).join(
                LookupValue, LookupValue.id == ContactDetail.type_id
            ),
            ContactDetail.person_id,
        )
    )
    for pid, value, code in contact_rows.all():
        (landlines if code in HOUSEHOLD_CONTACT_TYPES else contacts)[pid].append(value)
    ref_rows = await session.execute(
        limited(
            select(ExternalReference.person_id, ExternalReference.type_id, ExternalReference.value),
            ExternalReference.person_id,
        )
    )
    for pid, type_id, value in ref_rows.all():
        refs[pid].append(f"{type_id}:{value}")
    rows = []
    for pid, fact in facts.items():
        fact.place_ids, fact.postcodes = places.get(pid, ()), postcodes.get(pid, ())
        fact.contacts, fact.refs = contacts.get(pid, ()), refs.get(pid, ())
        fact.landlines = landlines.get(pid, ())
        rows.append(feature_row(pid, fact))
    return rows
