"""The plugin kit: what `pdms_core.plugin` gives a module so it copies no core code."""

from __future__ import annotations

from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from sqlalchemy import select

import pdms_core
from pdms_core.errors import PluginError
from pdms_core.host import PluginHost
from pdms_core.plugin import (
    core_tables,
    insert_rows,
    lookup_id,
    lookup_values,
    upsert_rows,
)
from pdms_core.settings import Settings
from pdms_core.testing.lookups import sync_declared_lookups
from pdms_dummy.models import Widget

WIDGET = Widget.__table__


def load(value: str) -> PluginHost:
    entry = EntryPoint(name="rogue", value=value, group="pdms")
    return PluginHost.load(Settings(), entry_points=[entry])


def test_a_plugin_built_for_another_core_is_refused_naming_both_versions():
    with pytest.raises(PluginError) as refused:
        load("rogue_plugins.rogue:need_future_core")
    assert "needs pdms-core >=9.0" in str(refused.value)
    assert f"pdms-core {pdms_core.__version__} is installed" in str(refused.value)


def test_a_garbled_core_range_is_refused_with_an_example():
    with pytest.raises(PluginError, match=r"'the latest' is not a version specifier"):
        load("rogue_plugins.rogue:garbled_core_range")


def test_models_and_migrations_default_to_the_package_conventions():
    host = PluginHost.load(Settings())
    arrears = next(p for p in host.plugins if p.name == "rent_arrears")
    package = Path(arrears.module.__file__).parent
    assert arrears.manifest.models_module == "pdms_rent_arrears.models"
    assert arrears.manifest.migrations_dir == package / "migrations" / "versions"
    assert arrears.manifest.requires_core is not None


async def test_insert_rows_writes_every_row_in_the_callers_transaction(pdms_db):
    # The COPY is the transaction's first statement: it must not commit on its own.
    rows = [(f"widget {n}", 1) for n in range(3)]
    async with pdms_db.sessionmaker() as session, session.begin():
        await insert_rows(session, WIDGET, ("name", "version"), rows)
        await session.rollback()
    assert await widget_names(pdms_db) == []
    async with pdms_db.sessionmaker() as session, session.begin():
        await insert_rows(session, WIDGET, ("name", "version"), rows)
    # PostgreSQL does not give back the ids the rolled-back insert drew.
    assert [name for _, name in await widget_names(pdms_db)] == ["widget 0", "widget 1", "widget 2"]


async def widget_names(database) -> list[tuple[int, str]]:
    async with database.sessionmaker() as session:
        rows = await session.execute(select(WIDGET.c.id, WIDGET.c.name).order_by(WIDGET.c.id))
        return [tuple(row) for row in rows]


async def test_bulk_writes_refuse_columns_the_table_does_not_have(pdms_db):
    async with pdms_db.sessionmaker() as session, session.begin():
        with pytest.raises(ValueError, match="dummy_widget has no column"):
            await insert_rows(session, WIDGET, ("name; DROP TABLE place",), [("x",)])


async def test_upsert_rows_updates_rows_whose_key_exists(pdms_db):
    async with pdms_db.sessionmaker() as session, session.begin():
        await insert_rows(session, WIDGET, ("id", "name", "version"), [(1, "old", 1)])
    changes = [{"id": 1, "name": "renamed", "version": 2}, {"id": 2, "name": "new", "version": 1}]
    async with pdms_db.sessionmaker() as session, session.begin():
        await upsert_rows(session, WIDGET, changes, key=("id",))
    assert await widget_names(pdms_db) == [(1, "renamed"), (2, "new")]
    async with pdms_db.sessionmaker() as session, session.begin():
        kept = [{"id": 1, "name": "kept", "version": 3}]
        await upsert_rows(session, WIDGET, kept, key=("id",), update=())
    assert await widget_names(pdms_db) == [(1, "renamed"), (2, "new")]


async def test_lookup_reads_and_core_table_handles(pdms_db, pdms_host):
    await sync_declared_lookups(pdms_db, pdms_host)
    async with pdms_db.sessionmaker() as session:
        values = await lookup_values(session, "dummy.colour")
        assert values, "the dummy plugin seeds its colour list"
        first = values[0]
        assert await lookup_id(session, "dummy.colour", first.code) == first.id
        assert await lookup_id(session, "dummy.colour", "no-such-code") is None
        label = await session.scalar(
            select(core_tables.lookup_value.c.label).where(
                core_tables.lookup_value.c.id == first.id
            )
        )
    assert label == first.label
