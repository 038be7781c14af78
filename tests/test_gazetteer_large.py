"""Large gazetteer imports, which build place's indexes and search vocabulary once at the
end instead of keeping them up row by row, on SQLite and PostgreSQL.

What must hold: the deferral is all-or-nothing with the import (a rejected file leaves
place, its indexes, its triggers and the vocabulary exactly as they were), and search
finds the same places, in the same order, as after an import that kept them up.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from pdms_core.app import create_app
from pdms_core.cli import build_cli
from pdms_core.cli.context import CliState
from pdms_core.db import migrations
from pdms_core.db.engine import Database
from pdms_core.gazetteer import import_gazetteer
from pdms_core.gazetteer.generate import generate
from pdms_core.host import PluginHost, installed_entry_points
from pdms_core.places.models import Place
from pdms_core.places.search import PlaceSearch, search_places
from pdms_core.settings import Settings
from pdms_core.testing.actors import staff
from pdms_core.testing.client import GraphQLClient
from pdms_core.testing.database import POSTGRES_URL_VARIABLE, empty_tables, throwaway_database

FIXTURES = Path(__file__).parent / "fixtures" / "gazetteer"
PLACES = """query($s: PlaceSearchInput!) {
  places(search: $s) { nodes { uprn singleLineAddress } } }"""
READER = staff("core.places.read")
#: place's schema objects that a deferred import drops or switches off, per backend
SCHEMA = {
    "sqlite": """
        SELECT type || ' ' || name, sql FROM sqlite_master
        WHERE tbl_name = 'place' AND type IN ('index', 'trigger') ORDER BY 1
    """,
    "postgresql": """
        SELECT 'index ' || indexname, indexdef FROM pg_indexes WHERE tablename = 'place'
        UNION ALL
        SELECT 'trigger ' || tgname, tgenabled::text FROM pg_trigger
        WHERE tgrelid = 'place'::regclass AND NOT tgisinternal
        ORDER BY 1
    """,
}


async def state_of_place(database: Database) -> dict:
    """place's rows, indexes, triggers and search vocabulary, as comparable values."""
    async with database.engine.connect() as connection:
        schema = (await connection.execute(text(SCHEMA[database.backend]))).all()
        rows = (
            await connection.execute(
                text("SELECT uprn, single_line_address, version FROM place ORDER BY uprn")
            )
        ).all()
        words = (await connection.execute(text("SELECT term FROM search_address_term"))).all()
    return {"schema": schema, "rows": rows, "vocabulary": sorted(words)}


@pytest.mark.parametrize("background", [None, True], ids=["parsed in process", "parser process"])
async def test_a_rejected_large_import_leaves_place_its_indexes_and_search_as_they_were(
    pdms_db, tmp_path, background
):
    # given some places stored, and a large file whose last row is bad, read after a
    # first batch of 20,000 rows (or, from a parser process, four batches of 5,000)
    # has been written with the indexes dropped
    await import_gazetteer(pdms_db, FIXTURES / "addressbase_plus.csv", "addressbase-plus")
    before = await state_of_place(pdms_db)
    large = tmp_path / "large.csv"
    generate(large, 25_000, seed=3)
    bad_row = (FIXTURES / "addressbase_plus_bad.csv").read_text(encoding="utf-8").splitlines()[1]
    with large.open("a", encoding="utf-8") as out:
        out.write(bad_row + "\r\n")

    report = await import_gazetteer(pdms_db, large, "addressbase-plus", background=background)

    assert report.upkeep_deferred
    assert report.parsed_in_background == bool(background)
    assert [str(error) for error in report.errors] == [
        "line 25001, UPRN: a UPRN must be digits, not '99000010000X'"
    ]
    assert await state_of_place(pdms_db) == before
    assert len(before["schema"]) >= 7  # four B-trees and the search objects, at least


async def test_a_large_import_leaves_the_search_index_complete_and_maintained(
    pdms_db, pdms_backend, tmp_path
):
    # big enough to build the indexes once instead of row by row
    large = tmp_path / "large.csv"
    generate(large, 12_000)
    schema = (await state_of_place(pdms_db))["schema"]
    report = await import_gazetteer(pdms_db, large, "addressbase-plus")
    assert report.ok and report.upkeep_deferred
    # and a small one after it, kept up by the search triggers as usual
    small = await import_gazetteer(pdms_db, FIXTURES / "addressbase_plus.csv", "addressbase-plus")
    assert small.ok and not small.upkeep_deferred

    async with pdms_db.sessionmaker() as session:
        some = await session.scalar(select(Place).where(Place.uprn == 990000011999))
        range_ = await session.scalar(select(Place).where(Place.uprn == 990000100004))
        for place in (some, range_):
            page = await search_places(
                session, PlaceSearch(text=place.single_line_address), first=5, after=None
            )
            assert place.uprn in [found.uprn for found in page.rows]
    # the indexes dropped and the triggers switched off for the load are back as they were
    assert (await state_of_place(pdms_db))["schema"] == schema


async def test_the_command_says_when_it_built_the_indexes_and_can_be_told_not_to(
    pdms_db, pdms_host, tmp_path
):
    cli = build_cli(CliState.for_host(pdms_host))
    large = tmp_path / "large.csv"
    generate(large, 12_000, seed=6)
    note = "place's indexes and search words were built once, at the end"

    kept = await asyncio.to_thread(
        CliRunner().invoke,
        cli,
        ["gazetteer", "import", str(large), "--format", "addressbase-plus", "--keep-indexes"],
    )
    assert kept.exit_code == 0, kept.output
    assert "12000 inserted" in kept.stdout and note not in kept.stdout

    await empty_tables(pdms_db, {"place"})
    deferred = await asyncio.to_thread(
        CliRunner().invoke, cli, ["gazetteer", "import", str(large), "--format", "addressbase-plus"]
    )
    assert deferred.exit_code == 0, deferred.output
    assert "12000 inserted" in deferred.stdout and note in deferred.stdout


async def test_a_full_supply_imported_again_keeps_the_indexes(pdms_db, tmp_path):
    # its rows are stored already, so none is written and there is nothing to rebuild
    large = tmp_path / "large.csv"
    generate(large, 12_000, seed=4)
    assert (await import_gazetteer(pdms_db, large, "addressbase-plus")).upkeep_deferred
    again = await import_gazetteer(pdms_db, large, "addressbase-plus")
    assert again.unchanged == again.rows == 12_000
    assert not again.upkeep_deferred


async def test_a_file_from_a_parser_process_is_written_in_batches_with_the_same_outcome(
    pdms_db, tmp_path
):
    # more rows than one batch from a parser process holds; the same file parsed in
    # process is the reference
    large = tmp_path / "large.csv"
    generate(large, 12_000, seed=7)
    await import_gazetteer(pdms_db, large, "addressbase-plus", background=False)
    expected = await state_of_place(pdms_db)
    await empty_tables(pdms_db, {"place"})

    first = await import_gazetteer(pdms_db, large, "addressbase-plus", background=True)
    again = await import_gazetteer(pdms_db, large, "addressbase-plus", background=True)

    assert (first.parsed_in_background, first.upkeep_deferred) == (True, True)
    assert (first.rows, first.inserted) == (12_000, 12_000)
    assert (again.rows, again.unchanged, again.written) == (12_000, 12_000, 0)
    assert await state_of_place(pdms_db) == expected


@asynccontextmanager
async def fresh_places_api(
    backend: str, folder: Path, entry_points: list, actors
) -> AsyncIterator[tuple[Database, GraphQLClient]]:
    """A newly migrated database of its own, and a GraphQL client for an app over it."""
    folder.mkdir()
    async with throwaway_database(backend, os.environ.get(POSTGRES_URL_VARIABLE), folder) as url:
        host = PluginHost.load(
            Settings(database_url=url, data_dir=folder),
            entry_points=installed_entry_points() + entry_points,
            extra_hooks=[actors],
        )
        await asyncio.to_thread(migrations.upgrade, host)
        database = Database.connect(url)
        try:
            client = GraphQLClient(create_app(host=host, database=database), actors)
            yield database, client.as_actor(READER)
        finally:
            await database.dispose()


def _typo(address: str) -> str:
    """The address with its longest word missing its second letter."""
    longest = max(address.replace(",", " ").split(), key=len)
    return address.replace(longest, longest[0] + longest[2:], 1)


async def test_search_finds_the_same_places_after_a_deferred_import_as_after_a_kept_one(
    pdms_backend, pdms_extra_entry_points, pdms_test_actors, tmp_path
):
    # given the same file imported into two new databases, one with the indexes built
    # at the end and one with them kept up row by row
    file = tmp_path / "places.csv"
    generate(file, 3000, seed=5)
    results = []
    for deferred in (True, False):
        async with fresh_places_api(
            pdms_backend,
            tmp_path / f"deferred-{deferred}",
            pdms_extra_entry_points,
            pdms_test_actors,
        ) as (database, reader):
            report = await import_gazetteer(
                database, file, "addressbase-plus", defer_upkeep=deferred
            )
            assert report.upkeep_deferred is deferred and report.inserted == 3000
            async with database.sessionmaker() as session:
                sample = (await session.scalars(select(Place).where(Place.id % 300 == 7))).all()
            searches = []
            for place in sample:
                address = place.single_line_address
                street_and_postcode = f"{place.street} {place.postcode}"
                for query in (address, _typo(address), street_and_postcode):
                    found = (await reader.execute(PLACES, {"s": {"text": query}})).ok()
                    searches.append([node["uprn"] for node in found["places"]["nodes"]])
                assert searches[-3][:1] == [str(place.uprn)]  # the place itself comes first
                assert str(place.uprn) in searches[-2]  # its typo'd address finds it too
            async with database.engine.connect() as connection:
                words = await connection.scalars(text("SELECT term FROM search_address_term"))
                vocabulary = sorted(words)
            results.append((len(sample), searches, vocabulary))

    # then every search gives the same places in the same order, from the same words
    deferred, kept = results
    assert deferred[0] == 10
    assert deferred == kept
