"""Finding people: by name (typos, either order, nicknames), birth date, postcode,
external reference and contact value, combined with AND. No strawberry here.

The name search and its indexes are described in pdms_core/db/text_search.py and the
search migration. Every criterion is applied in the one SQL statement that fetches the
page, so the number of statements never depends on the number of people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files

from sqlalchemy import case, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from pdms_core.db import text_search
from pdms_core.db.search_page import SearchPage, ranked_page
from pdms_core.db.words import variant_groups, words
from pdms_core.errors import ValidationFailed
from pdms_core.people.models import ContactDetail, ExternalReference, Person, PersonAddress
from pdms_core.places.address import normalise_postcode
from pdms_core.places.models import Place

NAMES = text_search.WordIndex(
    table="person",
    text_sql="person.forenames || ' ' || person.surname || ' ' || "
    "coalesce(person.preferred_name, '')",
    fts="search_person",
    vocabulary="search_name_term",
)
#: A surname that answers a query word adds this much, so "John Smith" ranks Smith
#: before a person whose middle name is Smith.
SURNAME_BONUS = 5


@dataclass(frozen=True)
class PersonSearch:
    """What to look for; every given criterion must hold. Blank strings are ignored."""

    name: str | None = None
    date_of_birth: date | None = None
    postcode: str | None = None
    #: An external reference value of any type (NI number, tenancy reference ...).
    reference: str | None = None
    #: A phone number (any spacing, +44 allowed) or an email address.
    contact: str | None = None
    include_archived: bool = False


@cache
def nicknames() -> dict[str, frozenset[str]]:
    """Given name -> interchangeable given names, from the shipped data file."""
    data = files("pdms_core.people").joinpath("given_names.txt").read_text(encoding="utf-8")
    return variant_groups(data.splitlines())


async def search_people(
    session: AsyncSession, criteria: PersonSearch, *, first: int, after: str | None
) -> SearchPage[Person]:
    """People matching ``criteria``, best name match first, then by id; archived people
    only when asked. ``first`` is 0-100; ``after`` is a cursor from a previous page."""
    query_words = text_search.query_words(criteria.name, field="name")
    filters = _filters(criteria)
    if not query_words:
        statement = select(Person).where(*filters)
        score: ColumnElement[int] = Person.id * 0  # every row ties, so the order is by id
    else:
        groups = await text_search.expand(session, NAMES, query_words, nicknames(), initials=True)
        match = text_search.word_match(session, NAMES, groups)
        found = text_search.candidates(
            NAMES, Person.id, [match, *filters], surname="person.surname"
        )
        statement = select(Person).join(found, found.c.id == Person.id)
        bonus = case((text_search.any_term_held(found.c.surname, groups), SURNAME_BONUS), else_=0)
        points = text_search.word_points(found.c.words, groups)
        score = text_search.rank_score(points, bonus, found.c.length)
    return await ranked_page(session, statement, score, Person.id, first=first, after=after)


def _filters(criteria: PersonSearch) -> list[ColumnElement[bool]]:
    found_by: list[ColumnElement[bool]] = []
    if criteria.date_of_birth is not None:
        found_by.append(Person.date_of_birth == criteria.date_of_birth)
    if postcode := normalise_postcode(criteria.postcode):
        # Any address the person has had, current or past.
        lived = select(PersonAddress.person_id).join(Place, Place.id == PersonAddress.place_id)
        found_by.append(Person.id.in_(lived.where(Place.postcode == postcode)))
    if references := reference_forms(criteria.reference):
        held = select(ExternalReference.person_id).where(ExternalReference.value.in_(references))
        found_by.append(Person.id.in_(held))
    if contact := contact_search_value(criteria.contact):
        reachable = select(ContactDetail.person_id).where(ContactDetail.search_value == contact)
        found_by.append(Person.id.in_(reachable))
    if not found_by and not words(criteria.name):
        # A search for nothing would list everyone: that is a list, not a search.
        raise ValidationFailed("Give a name or another search criterion.", field=None)
    if not criteria.include_archived:
        found_by.append(Person.archived_at.is_(None))
    # A person merged into another is found through the survivor only.
    found_by.append(Person.merged_into_id.is_(None))
    return found_by


def reference_forms(value: str | None) -> list[str]:
    """The forms a reference may be stored in, whatever its type.

    Each type normalises differently (NI numbers compact upper case, NHS numbers
    digits, free text as typed with single spaces) and the search does not know the
    type, so it tries each form: an exact, indexed IN lookup either way.
    """
    spaced = " ".join((value or "").split())
    if not spaced:
        return []
    compact = "".join(spaced.split())
    digits = re.sub(r"\D", "", spaced)
    forms = {spaced, spaced.upper(), spaced.lower(), compact.upper(), digits}
    return sorted(form for form in forms if form)


def contact_search_value(value: str | None) -> str | None:
    """What contact_detail.search_value holds for this phone number or email."""
    cleaned = (value or "").strip()
    if not cleaned:
        return None
    if "@" in cleaned:
        return cleaned.lower()
    digits = re.sub(r"\D", "", cleaned)
    if cleaned.startswith("+44"):
        digits = "0" + digits[2:]
    return digits or None
