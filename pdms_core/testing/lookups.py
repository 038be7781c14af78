"""Seeding the declared lookup lists in a test database (what `pdms lookups sync` does)."""

from __future__ import annotations

from pdms_core.db.engine import Database
from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.host import PluginHost
from pdms_core.lookups.sync import sync_lookups


async def sync_declared_lookups(database: Database, host: PluginHost) -> None:
    """Create every enabled module's lookup lists and seeds, as the CLI command would."""
    async with unit_of_work(database.sessionmaker) as session:
        await sync_lookups(session, host.lookup_sets)
