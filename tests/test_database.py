"""Database behaviour both backends must share: pragmas, transactions, locking, batching."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from pdms_core.db.engine import normalise_url
from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.errors import ConfigurationError, Conflict, Duplicate
from pdms_core.graphql.node import global_id
from pdms_core.places.models import Place
from pdms_core.testing.actors import staff

PLACES_WITH_RECORDS = """
query($ids: [ID!]!) {
  nodes(ids: $ids) { ... on Place { uprn moduleRecords { ... on DummyWidget { name } } } }
}
"""


async def count_places(db) -> int:
    async with db.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(Place))


async def test_sqlite_connections_use_wal_full_sync_foreign_keys_and_busy_timeout(
    pdms_db, pdms_backend
):
    if pdms_backend != "sqlite":
        pytest.skip("SQLite pragmas")
    async with pdms_db.engine.connect() as connection:
        values = [
            (await connection.execute(text(f"PRAGMA {name}"))).scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        ]
    assert values == ["wal", 2, 1, 30000]


async def test_a_failed_transaction_rolls_back(pdms_db):
    with pytest.raises(RuntimeError):
        async with pdms_db.sessionmaker() as session, session.begin():
            session.add(Place(uprn=1, single_line_address="1 Rollback Row"))
            await session.flush()
            raise RuntimeError("abandon")
    assert await count_places(pdms_db) == 0


async def test_a_savepoint_rolls_back_alone(pdms_db):
    async with pdms_db.sessionmaker() as session, session.begin():
        session.add(Place(uprn=1, single_line_address="1 Kept Lane"))
        nested = await session.begin_nested()
        session.add(Place(uprn=2, single_line_address="2 Discarded Lane"))
        await session.flush()
        await nested.rollback()
    async with pdms_db.sessionmaker() as session:
        uprns = (await session.scalars(select(Place.uprn))).all()
    assert uprns == [1]


async def test_foreign_keys_are_enforced(pdms_db):
    from sqlalchemy.exc import IntegrityError

    from pdms_core.lookups.models import LookupValue

    with pytest.raises(IntegrityError):
        async with pdms_db.sessionmaker() as session, session.begin():
            session.add(LookupValue(set_id=424242, code="orphan", label="Orphan"))


async def test_a_stale_write_conflicts_instead_of_overwriting(pdms_db):
    async with unit_of_work(pdms_db.sessionmaker) as session:
        place = Place(uprn=7, single_line_address="7 Original Road")
        session.add(place)
    # two officers read version 1
    async with pdms_db.sessionmaker() as first, pdms_db.sessionmaker() as second:
        mine = await first.get(Place, place.id)
        theirs = await second.get(Place, place.id)
    # they save first
    async with unit_of_work(pdms_db.sessionmaker) as session:
        theirs = await session.merge(theirs, load=True)
        theirs.single_line_address = "7 Their Road"
    # my save, based on version 1, must conflict
    with pytest.raises(Conflict):
        async with unit_of_work(pdms_db.sessionmaker) as session:
            mine = await session.merge(mine, load=False)
            mine.single_line_address = "7 My Road"
    async with pdms_db.sessionmaker() as session:
        stored = await session.get(Place, place.id)
    assert (stored.single_line_address, stored.version) == ("7 Their Road", 2)


async def test_a_unique_violation_becomes_a_duplicate_error(pdms_db):
    async with unit_of_work(pdms_db.sessionmaker) as session:
        session.add(Place(uprn=9, single_line_address="9 First Street"))
    with pytest.raises(Duplicate):
        async with unit_of_work(pdms_db.sessionmaker) as session:
            session.add(Place(uprn=9, single_line_address="9 Second Street"))
    assert await count_places(pdms_db) == 1


async def test_nested_fields_cost_the_same_statements_for_2_or_20_places(
    graphql, pdms_db, sql_statements
):
    # given 20 places, each with a widget
    from pdms_dummy.models import Widget

    async with unit_of_work(pdms_db.sessionmaker) as session:
        places = [Place(uprn=n, single_line_address=f"{n} Batch Street") for n in range(1, 21)]
        session.add_all(places)
        await session.flush()
        session.add_all(Widget(name=f"W{p.uprn}", place_id=p.id) for p in places)
    reader = graphql.as_actor(staff("core.places.read", "dummy.widget.read"))
    ids = [global_id("Place", p.id) for p in places]

    counts = []
    for size in (2, 20):
        sql_statements.reset()
        result = await reader.execute(PLACES_WITH_RECORDS, {"ids": ids[:size]})
        assert len(result.ok()["nodes"]) == size
        counts.append(sql_statements.count)
    # then one statement for the places and one for their widgets, whatever the count
    assert counts == [2, 2]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///var/pdms.sqlite3", "sqlite+aiosqlite:///var/pdms.sqlite3"),
        ("postgresql://u:p@db/pdms", "postgresql+asyncpg://u:p@db/pdms"),
        ("postgres://u@db/pdms", "postgresql+asyncpg://u@db/pdms"),
    ],
)
def test_plain_database_urls_get_the_async_drivers(given, expected):
    assert normalise_url(given) == expected


def test_unsupported_databases_are_refused_clearly():
    with pytest.raises(ConfigurationError, match="not 'mysql'"):
        normalise_url("mysql://root@localhost/pdms")
