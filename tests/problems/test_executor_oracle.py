"""The oracle: the fast executor answers every query exactly as stock strawberry does.

Queries are generated from the test schema (core, rent arrears and the dummy plugin)
by hypothesis-graphql and reshaped with aliases, named fragments, ``@skip``/``@include``
and variables (``oracle_documents.py``), with arguments drawn from a seeded council
(``oracle_world.py``). Each goes to two apps over the same database, one running
``PDMS_EXECUTOR=fast`` and one ``stock``, as the same staff actor: one holding every
permission, or one holding a random part of them, so that refused reads (and the nulls
they propagate) are compared too. The status, the data (to the byte, key order
included) and the errors (message, path and code; in any order, as the executors may
meet them in different orders) must be the same.

``make test`` runs 30 examples with a fixed seed. ``PDMS_ORACLE_EXAMPLES=2000`` runs
that many with a random seed; a failure prints the example and how to reproduce it.
"""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from pdms_core.graphql.compat import graphql_schema
from pdms_core.graphql.schema import build_schema
from pdms_core.testing.actors import staff
from tests.problems.oracle_documents import documents
from tests.problems.oracle_world import OracleWorld, build_oracle_world

LONG = "PDMS_ORACLE_EXAMPLES"
EXAMPLES = int(os.environ.get(LONG) or 30)
#: The cost-based rate limit counts per caller and minute; the oracle is one caller
#: sending hundreds of queries a minute to each app.
COST_PER_MINUTE = 10**12


@pytest.fixture
async def world(graphql, pdms_db, pdms_host, synced) -> OracleWorld:
    return await build_oracle_world(graphql, pdms_db, pdms_host)


@pytest.fixture
def executors(graphql_under, world):
    return {
        name: graphql_under(name, cost_per_minute=COST_PER_MINUTE) for name in ("fast", "stock")
    }


@pytest.fixture
def schema(pdms_host):
    return graphql_schema(build_schema(pdms_host))


def _compared(response) -> tuple:
    errors = sorted(
        (
            error.get("message"),
            json.dumps(error.get("path")),
            (error.get("extensions") or {}).get("code"),
        )
        for error in response.errors
    )
    return response.status_code, json.dumps(response.data), errors


def _outcome(response) -> str:
    if response.data is None:
        return "refused or null at the root"
    return "answered with errors" if response.errors else "answered"


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get(LONG),
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), everything=st.booleans())
async def test_the_fast_executor_answers_as_stock_strawberry(
    data, everything, executors, schema, world
):
    document, variables = data.draw(documents(schema, world), label="query")
    held = (
        world.permissions
        if everything
        else data.draw(st.sets(st.sampled_from(world.permissions)), label="permissions")
    )
    actor = staff(*held, name="Oracle Reader")
    note(f"variables: {json.dumps(variables)}")
    fast = await executors["fast"].as_actor(actor).execute(document, variables)
    stock = await executors["stock"].as_actor(actor).execute(document, variables)
    event(_outcome(stock))
    for error in stock.errors:
        event(f"error: {(error.get('extensions') or {}).get('code')}")
    assert _compared(fast) == _compared(stock)
