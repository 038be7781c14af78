"""A bounded schemathesis campaign in the suite: one generated document per root
query and mutation, per role, against the real server (see ``schemathesis_roles.py``;
run that script for a longer campaign). On SQLite, and on PostgreSQL when a server is
given: PostgreSQL refuses text and numbers SQLite lets through (a NUL character, an
integer out of range), so server errors differ between them."""

from __future__ import annotations

import asyncio
import os

import pytest

from fuzz.schemathesis_roles import SKIPPED, fuzzed_operations, run
from pdms_core.testing.database import POSTGRES_URL_VARIABLE, throwaway_database

ROLES = ("anonymous", "read-only staff", "team-scoped officer", "admin", "partner key")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_no_role_gets_a_server_error_or_data_it_may_not_see(backend, tmp_path):
    server = os.environ.get(POSTGRES_URL_VARIABLE)
    if backend == "postgresql" and not server:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_URL_VARIABLE}; .ci/run sets it")
    async with throwaway_database(backend, server, tmp_path) as url:
        # run() drives its own event loop (the server, schemathesis): in a thread
        report = await asyncio.to_thread(run, 1, False, url if backend == "postgresql" else None)

    assert report.failures == [], report.summary()
    # every operation ran for every role (nothing silently skipped)
    operations = len(fuzzed_operations())
    assert operations > 90 and not SKIPPED & {f"Query.{n}" for n in ("cases", "node")}
    assert {role: report.cases[role] >= operations for role in ROLES} == dict.fromkeys(ROLES, True)
