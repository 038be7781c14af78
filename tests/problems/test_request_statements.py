"""What each canonical query (bench/queries) costs in SQL statements, signed in for real.

The portal benchmark's documents, sent with a real staff session token (signed in
through ``login``), once to warm the caches and then counted. Signing in, the audit of
personal reads and the query's own reads are all in the count, so a change that adds
a round trip to every request fails here, not only in a benchmark.
"""

from __future__ import annotations

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

#: Statements per warm request: signing in is one (the session), the audit row of a
#: person read one INSERT.
EXPECTED = {
    "typename": 1,
    "node_by_id": 2,
    "node_person": 3,
    "search": 4,
    "person_page": 12,
    "portal_list": 11,
}


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


async def test_each_canonical_query_costs_a_fixed_number_of_statements(
    pdms_db, graphql, signed_in, sql_statements
):
    given = await variables(pdms_db)
    counted = {}
    for name, values in given.items():
        document = "{ __typename }" if name == "typename" else (QUERIES / f"{name}.graphql")
        query = document if isinstance(document, str) else document.read_text()
        (await graphql.execute(query, values, headers=signed_in)).ok()  # warm
        sql_statements.reset()
        (await graphql.execute(query, values, headers=signed_in)).ok()
        counted[name] = sql_statements.count
    assert counted == EXPECTED, f"{counted}\n\n" + "\n\n".join(sql_statements.statements)
