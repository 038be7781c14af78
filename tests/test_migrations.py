"""Migrations: one branch per module, upgrade from empty, no drift, on both backends."""

from __future__ import annotations

import asyncio

from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from pdms_core.db import migrations
from pdms_core.host import installed_entry_points

#: First-party modules installed beside core (e.g. rent_arrears) have branches too.
INSTALLED = {entry_point.name for entry_point in installed_entry_points()}


def script_directory(host) -> ScriptDirectory:
    return ScriptDirectory.from_config(migrations.alembic_config(host))


def test_each_module_has_exactly_one_head_and_its_own_branch_label(pdms_host):
    script = script_directory(pdms_host)
    for label in ("core", "dummy", *INSTALLED):
        assert len(script.get_revisions(f"{label}@head")) == 1
    assert set(migrations.heads(pdms_host)) == {"core", "dummy", *INSTALLED}


def test_each_plugin_branch_starts_from_nothing_and_depends_on_core(pdms_host):
    script = script_directory(pdms_host)
    core_revisions = {r.revision for r in script.iterate_revisions("core@head", "base")}
    bases = [script.get_revision(r) for r in script.get_bases()]
    assert {tuple(base.branch_labels) for base in bases} == {
        ("core",),
        ("dummy",),
        *((name,) for name in INSTALLED),
    }
    for plugin_base in (base for base in bases if "core" not in base.branch_labels):
        dependencies = plugin_base.dependencies
        assert dependencies, plugin_base.branch_labels
        assert (
            set(dependencies if isinstance(dependencies, tuple) else [dependencies])
            <= core_revisions
        )


async def test_upgrade_from_empty_creates_every_enabled_table(pdms_database, pdms_host):
    # pdms_database upgraded an empty database; every owned table must now exist
    async with pdms_database.engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    assert set(pdms_host.owned_tables()) <= tables
    assert "alembic_version" in tables


async def test_models_and_migrations_agree(pdms_database, pdms_host):
    # alembic check raises when autogenerate would write anything
    await asyncio.to_thread(migrations.check, pdms_host)


async def test_upgrade_is_idempotent(pdms_database, pdms_host):
    await asyncio.to_thread(migrations.upgrade, pdms_host)
    async with pdms_database.engine.connect() as connection:
        rows = await connection.exec_driver_sql("SELECT version_num FROM alembic_version")
        versions = {row[0] for row in rows}
    # alembic records a revision another one depends on only through that dependant
    heads = script_directory(pdms_host).get_revisions("heads")
    assert versions == {revision.revision for revision in heads}


async def test_disabling_a_migrated_plugin_keeps_the_database_commands_working(
    pdms_database, pdms_host
):
    # given the dummy's branch is applied, and then a council disables the module
    from dummy_entry_point import DUMMY

    from pdms_core.host import PluginHost, installed_entry_points

    settings = pdms_host.settings.with_changes(disabled_plugins=("dummy",))
    host = PluginHost.load(settings, entry_points=[*installed_entry_points(), DUMMY])

    # then upgrade and check still work, and touch only the enabled branches
    await asyncio.to_thread(migrations.upgrade, host)
    await asyncio.to_thread(migrations.check, host)
    assert set(migrations.heads(host)) == {"core", *INSTALLED}
    async with pdms_database.engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    assert "dummy_widget" in tables  # its data is kept, not dropped
