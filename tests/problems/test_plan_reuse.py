"""A plan kept for a document answers each later request as that request asks.

The fast executor's plans are made once per operation and @skip/@include values and
kept (``graphql/plan_cache.py``); the resolve infos, arguments given as variables and
the caller are the request's own. Here one document is sent again and again with
other variables and by other callers, and every answer must be the stock executor's.
"""

from __future__ import annotations

import logging

import pytest

from pdms_core.testing.actors import staff
from tests.problems.conftest import CASEWORKER
from tests.problems.test_look_ahead import QUERY as ALIASES_FRAGMENTS_DIRECTIVES
from tests.problems.test_portal_statements import seed_small_council

PLANNED = "pdms_core.graphql.planned"
#: Cases without people: a person's read guard refuses every person it meets.
CASES_ONLY = staff("core.cases.read", "core.places.read", name="Cass Only")
VARIABLES = (
    {"current": True, "withPlaces": True, "first": 3},
    {"current": False, "withPlaces": False, "first": 5},
    {"current": None, "withPlaces": True, "first": 2},
    {"current": True, "withPlaces": True, "first": 3},
)


@pytest.fixture
async def executors(graphql_under, synced, pdms_host):
    await seed_small_council(pdms_host)
    return graphql_under("fast"), graphql_under("stock")


async def test_variables_change_arguments_and_directives_of_a_kept_plan(executors, caplog):
    fast, stock = executors
    answers = []
    with caplog.at_level(logging.DEBUG, logger=PLANNED):
        for variables in VARIABLES:
            planned = await fast.as_actor(CASEWORKER).execute(
                ALIASES_FRAGMENTS_DIRECTIVES, variables
            )
            reference = await stock.as_actor(CASEWORKER).execute(
                ALIASES_FRAGMENTS_DIRECTIVES, variables
            )
            assert planned.body == reference.body, variables
            answers.append(planned.body)
    # the plan covered every request (nothing was handed to graphql-core) ...
    assert not [r for r in caplog.records if r.name == PLANNED]
    # ... and the variables did change the answers
    assert answers[0] != answers[1] != answers[2] and answers[0] == answers[3]


async def test_each_caller_meets_the_read_guards_of_a_kept_plan(executors):
    fast, stock = executors
    variables = VARIABLES[0]
    for actor in (CASEWORKER, CASES_ONLY, CASEWORKER, CASES_ONLY):
        planned = await fast.as_actor(actor).execute(ALIASES_FRAGMENTS_DIRECTIVES, variables)
        reference = await stock.as_actor(actor).execute(ALIASES_FRAGMENTS_DIRECTIVES, variables)
        assert planned.body == reference.body, actor.name
        if actor is CASES_ONLY:
            assert planned.errors and planned.error_codes()[0] == "PERMISSION_DENIED"
        else:
            assert not planned.errors
