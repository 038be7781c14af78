"""A module whose first revision depends on core's head: the version table then keeps only
the module's row, and core's head still counts as reached (serve, /ready, pending)."""

from __future__ import annotations

import asyncio
import sys
from importlib.metadata import EntryPoint
from pathlib import Path

import httpx
from sqlalchemy import text

from pdms_core.app import create_app
from pdms_core.db import migrations
from pdms_core.db.engine import Database
from pdms_core.host import PluginHost
from pdms_core.settings import Settings
from pdms_core.testing.database import POSTGRES_URL_VARIABLE, throwaway_database

PLUGIN = """
from pathlib import Path
from pdms_core.plugin import PluginManifest, hookimpl

@hookimpl
def pdms_plugin_manifest():
    return PluginManifest(name="tipped", label="Tipped",
                          migrations_dir=Path(__file__).parent / "versions")
"""
REVISION = """
import sqlalchemy as sa
from alembic import op

revision = "7a1b2c3d4e5f"
down_revision = None
branch_labels = ("tipped",)
depends_on = "{core_head}"


def upgrade():
    op.create_table("tipped_note", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade():
    op.drop_table("tipped_note")
"""


def _host(url: str, folder: Path) -> PluginHost:
    core_head = migrations.heads(PluginHost.load(Settings(database_url=url), entry_points=[]))
    package = folder / "tipped_plugin"
    (package / "versions").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "plugin.py").write_text(PLUGIN)
    (package / "versions" / "7a1b2c3d4e5f_tipped.py").write_text(
        REVISION.format(core_head=core_head["core"])
    )
    sys.path.insert(0, str(folder))
    entry = EntryPoint(name="tipped", value="tipped_plugin.plugin", group="pdms")
    return PluginHost.load(Settings(database_url=url, data_dir=folder), entry_points=[entry])


async def test_a_module_on_cores_head_leaves_nothing_pending(pdms_backend, tmp_path):
    import os

    server = os.environ.get(POSTGRES_URL_VARIABLE)
    async with throwaway_database(pdms_backend, server, tmp_path) as url:
        host = _host(url, tmp_path)
        try:
            await asyncio.to_thread(migrations.upgrade, host)
            database = Database.connect(url)
            async with database.engine.connect() as connection:
                rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
                assert [row[0] for row in rows] == ["7a1b2c3d4e5f"]  # core's row is gone
            assert await asyncio.to_thread(migrations.pending, host) == []
            app = create_app(host=host, database=database)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                ready = await http.get("/ready")
            assert ready.json() == {"status": "ready"}
            await database.dispose()
        finally:
            sys.path.remove(str(tmp_path))
            sys.modules.pop("tipped_plugin.plugin", None)
            sys.modules.pop("tipped_plugin", None)
