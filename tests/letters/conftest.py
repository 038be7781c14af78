"""Letters: a synced database, and officers who may manage templates and generate."""

from __future__ import annotations

import pytest

from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.lookups.sync import sync_lookups
from pdms_core.testing.actors import staff

MANAGER = staff("core.letter_template.read", "core.letter_template.manage", name="Tam Plate")
#: What an officer writing letters holds (besides generating, reading the records).
OFFICER_PERMISSIONS = (
    "core.letter.generate",
    "core.letter_template.read",
    "core.document.read",
    "core.people.read",
    "core.people.write",
    "core.places.read",
    "core.cases.read",
    "core.cases.write",
)


@pytest.fixture
async def synced(pdms_db, pdms_host):
    async with unit_of_work(pdms_db.sessionmaker) as session:
        await sync_lookups(session, pdms_host.lookup_sets)
    return pdms_db


@pytest.fixture
def manager(graphql, synced):
    return graphql.as_actor(MANAGER)
