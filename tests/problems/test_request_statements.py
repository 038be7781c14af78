"""What each canonical query (bench/queries) costs in SQL statements, signed in for real.

The portal benchmark's documents, sent with a real staff session token (signed in
through ``login``), once to warm the caches and then counted. Signing in, the audit of
personal reads and the query's own reads are all in the count, so a change that adds
a round trip to every request fails here, not only in a benchmark.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pdms_core.auth.users import create_admin
from pdms_core.cases.models import CaseParty, CaseRecord
from pdms_core.demo.names import typo
from pdms_core.graphql.node import global_id
from pdms_core.people.models import Person
from pdms_core.places.models import Place
from tests.problems.test_portal_statements import seed_small_council

QUERIES = Path(__file__).parents[2] / "bench" / "queries"
EMAIL = "statements.officer@council.invalid"
PASSWORD = "counting-statements-2025-river"
LOGIN = "mutation($i: LoginInput!) { login(input: $i) { token errors { code } } }"

#: Statements per warm request with the sign-in cache (Redis configured): signing in
#: costs none; the audit row of a person read is one INSERT, shared with concurrent
#: requests' rows (tests/security/test_audit_group_commit.py).
EXPECTED = {
    "typename": 0,
    "node_by_id": 1,
    "node_person": 2,
    "search": 3,
    "person_page": 11,
    "portal_list": 10,
}
#: Without Redis there is no sign-in cache: one more statement each, the session.
WITHOUT_CACHE = {name: count + 1 for name, count in EXPECTED.items()}
REDIS_URL = os.environ.get("PDMS_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


async def variables(database) -> dict[str, dict]:
    async with database.sessionmaker() as session:
        newest_case = await session.scalar(select(func.max(CaseRecord.id)))
        subject = await session.scalar(
            select(CaseParty.person_id).where(CaseParty.case_id == newest_case)
        )
        place = await session.scalar(select(func.min(Place.id)).where(Place.uprn.is_not(None)))
        person = await session.get(Person, subject)
    name = f"{person.forenames.split()[0]} {typo(person.surname, random.Random(7))}"
    return {
        "typename": {},
        "node_by_id": {"id": global_id("Place", place)},
        "node_person": {"id": global_id("Person", subject)},
        "search": {"name": name},
        "person_page": {"id": global_id("Person", subject)},
        "portal_list": {"first": 50},
    }


@pytest.fixture
async def signed_in(pdms_host, pdms_db, graphql) -> dict[str, str]:
    await seed_small_council(pdms_host)
    declared = {permission.code for permission in pdms_host.permissions}
    async with pdms_db.sessionmaker() as session, session.begin():
        await create_admin(
            session, email=EMAIL, display_name="Counter", password=PASSWORD, permissions=declared
        )
    result = await graphql.execute(LOGIN, {"i": {"email": EMAIL, "password": PASSWORD}})
    return {"Authorization": f"Bearer {result.ok()['login']['token']}"}


async def count_statements(client, database, headers, sql_statements) -> dict[str, int]:
    counted = {}
    for name, values in (await variables(database)).items():
        document = "{ __typename }" if name == "typename" else (QUERIES / f"{name}.graphql")
        query = document if isinstance(document, str) else document.read_text()
        for _ in range(2):  # warm: caches, and the sign-in cache learns the token
            (await client.execute(query, values, headers=headers)).ok()
        sql_statements.reset()
        (await client.execute(query, values, headers=headers)).ok()
        counted[name] = sql_statements.count
    return counted


async def test_each_canonical_query_costs_a_fixed_number_of_statements(
    pdms_db, pdms_host, graphql_under, signed_in, sql_statements
):
    cached = graphql_under(pdms_host.settings.executor, redis_url=REDIS_URL)
    counted = await count_statements(cached, pdms_db, signed_in, sql_statements)
    assert counted == EXPECTED, f"{counted}\n\n" + "\n\n".join(sql_statements.statements)


async def test_without_redis_signing_in_costs_one_statement_more(
    pdms_db, graphql, signed_in, sql_statements
):
    counted = await count_statements(graphql, pdms_db, signed_in, sql_statements)
    assert counted == WITHOUT_CACHE, f"{counted}\n\n" + "\n\n".join(sql_statements.statements)
