"""The migration that stores place's tsvector (PostgreSQL): up, down and up again keep
place search working, and the words are the ones the expression index had."""

from __future__ import annotations

import asyncio
import os
from dataclasses import replace

import pytest
from alembic import command
from sqlalchemy import text

from pdms_core.db import migrations
from pdms_core.db.engine import Database
from pdms_core.host import PluginHost
from pdms_core.testing.database import POSTGRES_URL_VARIABLE, throwaway_database

BEFORE = "5c2f0b7d9e41"
WORD_INDEX = "SELECT indexdef FROM pg_indexes WHERE indexname = 'search_place_words'"
FIND = "SELECT uprn FROM place WHERE {} @@ to_tsquery('simple', 'kivmib & 14')"
EXPRESSION = "to_tsvector('simple', replace(single_line_address, '-', ' '))"


async def _word_index_and_matches(url: str, vector: str) -> tuple[str, list[int]]:
    database = Database.connect(url)
    try:
        async with database.engine.connect() as connection:
            index = (await connection.execute(text(WORD_INDEX))).scalar_one()
            found = (await connection.execute(text(FIND.format(vector)))).scalars().all()
    finally:
        await database.dispose()
    return index, sorted(found)


async def test_the_stored_tsvector_goes_down_and_up_again(pdms_backend, pdms_host, tmp_path):
    if pdms_backend != "postgresql":
        pytest.skip("PostgreSQL only: SQLite keeps its FTS5 index")
    postgres = os.environ[POSTGRES_URL_VARIABLE]
    async with throwaway_database("postgresql", postgres, tmp_path) as url:
        host = PluginHost.load(replace(pdms_host.settings, database_url=url))
        await asyncio.to_thread(migrations.upgrade, host, url)
        database = Database.connect(url)
        async with database.engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO place (uprn, single_line_address, version) VALUES "
                    "(990000500001, '14-16 KIVMIB ROAD, QUIVLUM, ZZ1 1AB', 1), "
                    "(990000500002, '20 KIVMIB ROAD, QUIVLUM, ZZ1 1AB', 1)"
                )
            )
        await database.dispose()
        assert await _word_index_and_matches(url, "search_vector") == (
            "CREATE INDEX search_place_words ON public.place USING gin (search_vector)",
            [990000500001],
        )

        config = migrations.alembic_config(host, url)
        await asyncio.to_thread(command.downgrade, config, BEFORE)
        index, found = await _word_index_and_matches(url, EXPRESSION)
        assert "to_tsvector" in index and found == [990000500001]

        await asyncio.to_thread(migrations.upgrade, host, url)
        assert await _word_index_and_matches(url, "search_vector") == (
            "CREATE INDEX search_place_words ON public.place USING gin (search_vector)",
            [990000500001],
        )
