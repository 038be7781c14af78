"""Finding places: by postcode, UPRN or free-text address (typos welcome), combined
with AND. No strawberry here.

The address search and its indexes are described in pdms_core/db/text_search.py and
the search migration; every criterion is applied in the statement that fetches the
page.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from pdms_core.db import text_search
from pdms_core.db.search_page import SearchPage, ranked_page
from pdms_core.db.words import variant_groups
from pdms_core.errors import ValidationFailed
from pdms_core.places.address import normalise_postcode
from pdms_core.places.models import Place

ADDRESSES = text_search.WordIndex(
    table="place",
    text_sql="place.single_line_address",
    fts="search_place",
    vocabulary="search_address_term",
    vector_sql="place.search_vector",
)
#: Abbreviations people type for the words the gazetteer spells out.
ABBREVIATIONS = variant_groups(
    [
        "street st",
        "road rd",
        "avenue ave av",
        "lane ln",
        "drive dr",
        "close cl",
        "court ct",
        "crescent cres",
        "gardens gdns",
        "place pl",
        "square sq",
        "terrace terr tce",
        "park pk",
        "grove gr",
        "house ho hse",
        "saint st",
    ]
)
MAX_UPRN = 999_999_999_999


@dataclass(frozen=True)
class PlaceSearch:
    """What to look for; every given criterion must hold. Blank strings are ignored."""

    #: Free text: any words of the address, in any order ("14 high st testtown").
    text: str | None = None
    postcode: str | None = None
    #: Digits, as text or a number.
    uprn: str | int | None = None


async def search_places(
    session: AsyncSession, criteria: PlaceSearch, *, first: int, after: str | None
) -> SearchPage[Place]:
    """Places matching ``criteria``, best address match first, then by id.

    ``first`` is 0-100; ``after`` is a cursor from a previous page.
    """
    query_words = text_search.query_words(criteria.text, field="text")
    filters = _filters(criteria, query_words)
    if not query_words:
        statement = select(Place).where(*filters)
        score: ColumnElement[int] = Place.id * 0  # every row ties, so the order is by id
    else:
        groups = await text_search.expand(session, ADDRESSES, query_words, ABBREVIATIONS)
        match = text_search.word_match(session, ADDRESSES, groups)
        found = text_search.candidates(ADDRESSES, Place.id, [match, *filters])
        statement = select(Place).join(found, found.c.id == Place.id)
        # Shorter addresses first among equals: "14 High Street" before its flats.
        points = text_search.word_points(found.c.words, groups)
        score = text_search.rank_score(points, 0, found.c.length)
    return await ranked_page(session, statement, score, Place.id, first=first, after=after)


def _filters(criteria: PlaceSearch, query_words: list[str]) -> list[ColumnElement[bool]]:
    found_by: list[ColumnElement[bool]] = []
    if postcode := normalise_postcode(criteria.postcode):
        found_by.append(Place.postcode == postcode)
    if criteria.uprn is not None and str(criteria.uprn).strip():
        found_by.append(Place.uprn == _uprn(criteria.uprn))
    if not found_by and not query_words:
        raise ValidationFailed("Give an address, postcode or UPRN to search for.", field=None)
    return found_by


def _uprn(value: str | int) -> int:
    text = str(value).strip()
    if not (text.isdigit() and 0 < int(text) <= MAX_UPRN):
        raise ValidationFailed("A UPRN is 1 to 12 digits.", field="uprn")
    return int(text)
