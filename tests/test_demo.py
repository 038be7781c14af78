"""``pdms demo seed`` builds a consistent fictional council through the real import paths."""

from __future__ import annotations

import asyncio

from click.testing import CliRunner
from sqlalchemy import func, select

from pdms_core.cli import build_cli
from pdms_core.cli.context import CliState
from pdms_core.lookups.models import LookupValue
from pdms_core.people.models import ContactDetail, Person, PersonAddress, Relationship
from pdms_core.places.models import Place


async def run(host, *args: str):
    # The CLI runs its own event loop, so it runs in a worker thread here.
    return await asyncio.to_thread(
        CliRunner().invoke, build_cli(CliState.for_host(host)), list(args)
    )


async def count(db, statement) -> int:
    async with db.sessionmaker() as session:
        return await session.scalar(statement)


async def test_small_demo_council_is_consistent(pdms_db, pdms_host):
    result = await run(pdms_host, "demo", "seed", "--size", "small")
    assert result.exit_code == 0, result.output
    assert "Demo council ready: 2000 places, 600 people" in result.output

    assert await count(pdms_db, select(func.count()).select_from(Place)) == 2000
    assert await count(pdms_db, select(func.count()).select_from(Person)) == 600
    # every person has exactly one current home
    homes = (
        select(PersonAddress.person_id, func.count().label("n"))
        .join(LookupValue, LookupValue.id == PersonAddress.role_id)
        .where(LookupValue.code == "home", PersonAddress.to_date.is_(None))
        .group_by(PersonAddress.person_id)
        .subquery()
    )
    assert await count(pdms_db, select(func.count()).select_from(homes)) == 600
    assert await count(pdms_db, select(func.max(homes.c.n))) == 1
    # relationships come in inverse pairs
    forward = await count(pdms_db, select(func.count()).select_from(Relationship))
    assert forward > 0 and forward % 2 == 0
    # contact details use reserved fictional ranges only
    async with pdms_db.sessionmaker() as session:
        values = (await session.scalars(select(ContactDetail.value))).all()
    assert values and all(v.startswith("07700 900") or v.endswith("@example.org") for v in values)


async def test_seeding_twice_is_refused_or_skipped(pdms_db, pdms_host):
    assert (await run(pdms_host, "demo", "seed")).exit_code == 0
    again = await run(pdms_host, "demo", "seed")
    assert again.exit_code == 1 and "already holds people" in again.output
    skipped = await run(pdms_host, "demo", "seed", "--if-empty")
    assert skipped.exit_code == 0 and "demo data not added" in skipped.output
    assert await count(pdms_db, select(func.count()).select_from(Person)) == 600
