"""Fictional people with planted duplicates, for the benchmark and the tests.

Households share an address, a landline and often a surname; twins share a birth date
and an address; fathers and sons share a name and an address. A planted duplicate is a
second record of one person typed again with the slips councils see: a typo, a nickname,
forename and surname swapped, day and month reversed, a missing birth date, a move to a
new address, fewer contact details. Everything is drawn from one seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from pdms_core.demo.names import people as fictional_names
from pdms_core.demo.names import typo
from pdms_core.people.search import nicknames


@dataclass
class FakePerson:
    forenames: str
    surname: str
    date_of_birth: date | None
    #: Indexes into ``Population.places``: past homes first, the current one last.
    homes: list[int]
    #: (contact_detail_type code, value)
    contacts: list[tuple[str, str]] = field(default_factory=list)
    #: (external_reference_type code, value); unique per kind across everyone.
    refs: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Population:
    #: (postcode, street line) of each place.
    places: list[tuple[str, str]]
    people: list[FakePerson]
    #: (i, j) indexes into ``people``, i < j: the planted duplicates.
    planted: set[tuple[int, int]]


def _postcode(rng: random.Random) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"ZZ{rng.randrange(1, 99)} {rng.randrange(10)}{rng.choice(letters)}{rng.choice(letters)}"


def _slip(person: FakePerson, rng: random.Random, population: Population, kind: str) -> None:
    words = person.forenames.split()
    if kind == "forename_typo" and len(words[0]) > 3:
        words[0] = typo(words[0], rng)
    elif kind == "nickname":
        variants = sorted(nicknames().get(words[0].lower(), ()))
        if variants:
            words[0] = rng.choice(variants).capitalize()
    elif kind == "surname_typo" and len(person.surname) > 3:
        person.surname = typo(person.surname, rng)
    elif kind == "swapped":
        person.forenames, person.surname = person.surname, words[0]
        return
    elif kind == "dob_reversed" and person.date_of_birth and person.date_of_birth.day <= 12:
        d = person.date_of_birth
        person.date_of_birth = date(d.year, d.day, d.month)
    elif kind == "dob_missing":
        person.date_of_birth = None
    elif kind == "moved":
        population.places.append((_postcode(rng), f"{rng.randrange(1, 200)} New Road"))
        person.homes = [len(population.places) - 1]
    elif kind == "dropped_middle" and len(words) > 1:
        words = words[:1]
    person.forenames = " ".join(words)


SLIPS = (
    "forename_typo",
    "nickname",
    "surname_typo",
    "swapped",
    "dob_reversed",
    "dob_missing",
    "moved",
    "dropped_middle",
)


def population(count: int, seed: int, duplicate_share: float = 0.05) -> Population:
    """``count`` people, of whom about ``duplicate_share`` are planted duplicates."""
    rng = random.Random(seed)
    duplicates = int(count * duplicate_share)
    names = fictional_names(count - duplicates, seed)
    result = Population(places=[], people=[], planted=set())
    phone = 7_700_000_000
    index = 0
    while index < len(names):
        # A household: one to four people at one address, often one surname.
        result.places.append((_postcode(rng), f"{rng.randrange(1, 200)} Acacia Road"))
        home = len(result.places) - 1
        landline = f"01632{rng.randrange(100_000, 999_999)}" if rng.random() < 0.3 else None
        size = min(rng.choice((1, 1, 2, 2, 2, 3, 4)), len(names) - index)
        surname = names[index][1]
        for member in range(size):
            forenames, own_surname, dob = names[index]
            if member and rng.random() < 0.7:
                own_surname = surname
            person = FakePerson(forenames, own_surname, dob, [home])
            kind = rng.random()
            if member and kind < 0.015:  # twins: same birth date and surname
                person.date_of_birth = result.people[-1].date_of_birth
            elif member and kind < 0.025:  # a son named after his father
                person.forenames = result.people[-1].forenames
                person.surname = result.people[-1].surname
            phone += 1
            if rng.random() < 0.7:
                person.contacts.append(("mobile", f"0{phone}"))
            if rng.random() < 0.5:
                person.contacts.append(("email", f"p{index}@example.org"))
            if landline:
                person.contacts.append(("landline", landline))
            if rng.random() < 0.4:
                person.refs.append(("tenancy_reference", f"T{index:07d}"))
            if rng.random() < 0.03:
                person.date_of_birth = date(1900, 1, 1)
            result.people.append(person)
            index += 1
    originals = len(result.people)
    for chosen in rng.sample(range(originals), duplicates):
        source = result.people[chosen]
        copy = replace(
            source,
            homes=list(source.homes),
            contacts=[c for c in source.contacts if rng.random() < 0.5],
            refs=[],  # unique per kind: a second record never repeats one
        )
        for kind in rng.sample(SLIPS, rng.choice((1, 1, 2, 2, 3))):
            _slip(copy, rng, result, kind)
        if copy.homes != source.homes and rng.random() < 0.5:
            copy.homes = source.homes + copy.homes  # the old address is in the history
        result.people.append(copy)
        result.planted.add((chosen, len(result.people) - 1))
    return result


async def insert_population(database: Any, population: Population) -> list[int]:
    """Store ``population`` in one transaction; the person id of each, in order.

    The search index is brought up to date once at the end, as an import does.
    """
    from sqlalchemy import insert, select

    from pdms_core.db.search_bulk import search_indexing_deferred
    from pdms_core.lookups.models import LookupSet, LookupValue
    from pdms_core.people.models import ContactDetail, ExternalReference, Person, PersonAddress
    from pdms_core.places.models import Place

    async with database.engine.begin() as connection:
        codes = {
            (set_code, code): value_id
            for set_code, code, value_id in (
                await connection.execute(
                    select(LookupSet.code, LookupValue.code, LookupValue.id).join(
                        LookupSet, LookupSet.id == LookupValue.set_id
                    )
                )
            ).all()
        }
        home = codes[("address_role", "home")]
        place_ids = list(
            (
                await connection.scalars(
                    insert(Place).returning(Place.id, sort_by_parameter_order=True),
                    [
                        {"postcode": postcode, "single_line_address": f"{street}, {postcode}"}
                        for postcode, street in population.places
                    ],
                )
            ).all()
        )
        async with search_indexing_deferred(connection, "person"):
            person_ids = list(
                (
                    await connection.scalars(
                        insert(Person).returning(Person.id, sort_by_parameter_order=True),
                        [
                            {
                                "forenames": p.forenames,
                                "surname": p.surname,
                                "date_of_birth": p.date_of_birth,
                                "notes": "",
                                "version": 1,
                            }
                            for p in population.people
                        ],
                    )
                ).all()
            )
        addresses, contacts, refs = [], [], []
        for person_id, person in zip(person_ids, population.people, strict=True):
            for place in person.homes:
                addresses.append(
                    {"person_id": person_id, "place_id": place_ids[place], "role_id": home}
                )
            for kind, value in person.contacts:
                contacts.append(
                    {
                        "person_id": person_id,
                        "type_id": codes[("contact_detail_type", kind)],
                        "value": value,
                        "search_value": value.lower(),
                        "is_preferred": False,
                    }
                )
            for kind, value in person.refs:
                refs.append(
                    {
                        "person_id": person_id,
                        "type_id": codes[("external_reference_type", kind)],
                        "value": value,
                    }
                )
        for model, rows in ((PersonAddress, addresses), (ContactDetail, contacts)):
            if rows:
                await connection.execute(insert(model), rows)
        if refs:
            await connection.execute(insert(ExternalReference), refs)
    return person_ids
