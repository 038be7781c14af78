"""Fictional households: people sharing a home, with partners, children and histories.

Everything is generated from a seed, so the same size and seed give the same council.
Phone numbers come from Ofcom's range reserved for drama (07700 900000-900999) and email
addresses from example.org, so nothing can reach a real person.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from pdms_core.demo.names import people as fictional_people


@dataclass
class DemoPerson:
    """One generated person and the records to create for them."""

    forenames: str
    surname: str
    date_of_birth: date
    home: int
    moved_in: date
    previous_home: int | None = None
    previous_from: date | None = None
    mobile: str | None = None
    email: str | None = None
    tenancy_reference: str | None = None
    partner_of: int | None = None  # index of another DemoPerson
    child_of: list[int] = field(default_factory=list)


def households(count: int, place_ids: list[int], seed: int) -> Iterator[DemoPerson]:
    """``count`` people in households of one to five, each household at one place."""
    rng = random.Random(seed)
    names = fictional_people(count, seed)
    made = 0
    while made < count:
        size = min(count - made, rng.choices([1, 2, 3, 4, 5], weights=[30, 35, 15, 15, 5])[0])
        home = rng.choice(place_ids)
        moved_in = date(2024, 1, 1) - timedelta(days=rng.randrange(30 * 365))
        surname = names[made][1]
        first = made
        for position in range(size):
            forenames, own_surname, birth = names[made]
            person = DemoPerson(
                forenames=forenames,
                surname=surname if position else own_surname,
                date_of_birth=birth,
                home=home,
                moved_in=moved_in,
            )
            if position == 1:
                person.partner_of = first
            elif position >= 2:
                person.child_of = [first, first + 1]
                # Younger than both parents, whichever of them is the younger.
                parents = max(names[first][2], names[first + 1][2])
                grown_up = parents + timedelta(days=20 * 365)
                person.date_of_birth = min(max(birth, grown_up), date(2023, 12, 31))
            # Nobody lives anywhere before they are born: a child born after the
            # household moved in has lived there since birth.
            person.moved_in = max(moved_in, person.date_of_birth)
            _details(person, made, rng, place_ids)
            yield person
            made += 1


def _details(person: DemoPerson, index: int, rng: random.Random, place_ids: list[int]) -> None:
    if rng.random() < 0.3 and person.date_of_birth < person.moved_in:
        # A home before this one, from no earlier than birth, until the day before.
        person.previous_home = rng.choice(place_ids)
        person.previous_from = max(
            person.date_of_birth, person.moved_in - timedelta(days=rng.randrange(365, 3650))
        )
    if rng.random() < 0.8:
        person.mobile = f"07700 900{rng.randrange(1000):03d}"
    if rng.random() < 0.6:
        local = f"{person.forenames.split()[0]}.{person.surname}".lower().replace("'", "")
        person.email = f"{local}{index}@example.org"
    if rng.random() < 0.4:
        person.tenancy_reference = f"DEMO-T{index:07d}"
