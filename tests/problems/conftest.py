"""Fixtures for the problem graph: a synced database, a caseworker, officers, teams."""

from __future__ import annotations

import pytest

from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.lookups.sync import sync_lookups
from pdms_core.testing.actors import staff

CASEWORKER = staff(
    "core.cases.read",
    "core.cases.write",
    "core.people.read",
    "core.people.write",
    "core.places.read",
    "core.conditions.read",
    "core.conditions.write",
    "core.standards.manage",
    "core.staff.read",
    name="Casey Worker",
)


@pytest.fixture
async def synced(pdms_db, pdms_host):
    async with unit_of_work(pdms_db.sessionmaker) as session:
        await sync_lookups(session, pdms_host.lookup_sets)
    return pdms_db


@pytest.fixture
def caseworker(graphql, synced):
    return graphql.as_actor(CASEWORKER)
