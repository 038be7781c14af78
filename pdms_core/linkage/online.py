"""The online check: the people a new record most likely duplicates, while staff type.

No Splink here: a query engine per request is too slow. Candidates come from indexed
look-ups (the name search, which tolerates typos and nicknames; the birth date and its
day-month reversal; a postcode; a phone number or email), are described by the same
feature rows as the batch job's, and are scored in Python with the saved model's
weights (``spec`` holds each level in SQL and Python side by side).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select, union
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.errors import ValidationFailed
from pdms_core.linkage.features import PersonFacts, feature_row, load_rows
from pdms_core.linkage.models import DuplicateModel
from pdms_core.linkage.scoring import Weights, explain, probability, python_levels
from pdms_core.people.models import ContactDetail, Person, PersonAddress
from pdms_core.people.search import PersonSearch, contact_search_value, search_people
from pdms_core.places.address import normalise_postcode
from pdms_core.places.models import Place

#: A candidate must be at least this likely to be the same person to be shown.
MIN_PROBABILITY = 0.5
#: Candidates each look-up may add; the name search's best first.
PER_BLOCK = 25
#: The newest model's weights, by (id, created_at): parsed once per process.
_weights: dict[tuple[object, ...], Weights] = {}


@dataclass(frozen=True)
class Candidate:
    person_id: int
    match_weight: float
    match_probability: float
    explanation: list[dict[str, Any]]


async def _weights_of(session: AsyncSession) -> Weights | None:
    newest = (
        await session.execute(
            select(DuplicateModel.id, DuplicateModel.created_at)
            .order_by(DuplicateModel.id.desc())
            .limit(1)
        )
    ).first()
    if newest is None:
        return None
    key = tuple(newest)
    if key not in _weights:
        model = await session.get(DuplicateModel, newest.id)
        assert model is not None
        _weights.clear()  # only the newest model is ever used
        _weights[key] = Weights.from_model(model.model)
    return _weights[key]


async def _candidate_ids(
    session: AsyncSession,
    facts: PersonFacts,
    postcodes: list[str],
    contacts: list[str],
) -> set[int]:
    """Who shares a block with the new record, in one statement: the birth date (or
    its day-month reversal), the surname as typed, a postcode, a phone or email. The
    batch job's name blocks all include the birth date; without one, the person name
    search (typos, nicknames) stands in for them."""
    births: list[date] = []
    if (born := facts.date_of_birth) is not None:
        births.append(born)
        if born.day <= 12 and born.day != born.month:
            births.append(date(born.year, born.day, born.month))
    lookups = [
        select(Person.id.label("id")).where(Person.surname == " ".join(facts.surname.split()))
    ]
    if births:
        lookups.append(select(Person.id.label("id")).where(Person.date_of_birth.in_(births)))
    if postcodes:
        lookups.append(
            select(PersonAddress.person_id.label("id"))
            .join(Place, Place.id == PersonAddress.place_id)
            .where(Place.postcode.in_(postcodes))
        )
    if contacts:
        lookups.append(
            select(ContactDetail.person_id.label("id")).where(
                ContactDetail.search_value.in_(contacts)
            )
        )
    # Each block limited on its own (a subquery: SQLite allows no LIMIT inside a UNION).
    blocks = [select(lookup.limit(PER_BLOCK).subquery().c.id) for lookup in lookups]
    ids = set((await session.scalars(union(*blocks))).all())
    if not births:
        name = f"{facts.forenames} {facts.surname}"
        page = await search_people(session, PersonSearch(name=name), first=PER_BLOCK, after=None)
        ids.update(person.id for person in page.rows)
    return ids


async def duplicate_candidates(
    session: AsyncSession,
    facts: PersonFacts,
    *,
    postcode: str | None = None,
    contacts: list[str] | None = None,
    exclude: int | None = None,
    first: int = 5,
) -> list[Candidate]:
    """The ``first`` people most likely to be the person ``facts`` describes, best first.

    Empty until a model has been trained (``pdms people find-duplicates``).
    """
    if not " ".join(facts.forenames.split()) or not " ".join(facts.surname.split()):
        raise ValidationFailed("Give the forenames and the surname.", field="surname")
    weights = await _weights_of(session)
    if weights is None:
        return []
    postcodes = [p for p in [normalise_postcode(postcode)] if p]
    values = [v for v in (contact_search_value(c) for c in contacts or []) if v]
    facts.postcodes = [*facts.postcodes, *postcodes]
    facts.contacts = [*facts.contacts, *values]
    ids = await _candidate_ids(session, facts, postcodes, values)
    return await _best(session, weights, feature_row(None, facts), ids, exclude, first)


async def _best(
    session: AsyncSession,
    weights: Weights,
    new: dict[str, Any],
    ids: set[int],
    exclude: int | None,
    first: int,
) -> list[Candidate]:
    ids.discard(exclude)  # type: ignore[arg-type]
    found = []
    for row in await load_rows(session, sorted(ids)) if ids else []:
        weight, steps = explain(weights, python_levels(new, row))
        chance = probability(weight)
        if chance >= MIN_PROBABILITY:
            found.append(Candidate(row["unique_id"], weight, chance, steps))
    found.sort(key=lambda c: (-c.match_weight, c.person_id))
    return found[:first]


async def candidates_for_person(
    session: AsyncSession, person_id: int, first: int = 5
) -> list[Candidate]:
    """Candidates for a stored person (e.g. one just created), themselves excluded."""
    weights = await _weights_of(session)
    rows = await load_rows(session, [person_id])
    person = await session.get(Person, person_id)
    if weights is None or not rows or person is None:
        return []
    postcodes = list(
        (
            await session.scalars(
                select(Place.postcode)
                .join(PersonAddress, PersonAddress.place_id == Place.id)
                .where(PersonAddress.person_id == person_id, Place.postcode.is_not(None))
            )
        ).all()
    )
    facts = PersonFacts(person.forenames, person.surname, person.date_of_birth)
    ids = await _candidate_ids(session, facts, postcodes, rows[0]["contacts"] or [])
    return await _best(session, weights, rows[0], ids, person_id, first)
