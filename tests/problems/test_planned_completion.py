"""Planned completion (graphql/planned.py) answers exactly as stock strawberry does.

Every document here goes to two apps over the same database: one running the fast
executor (``PDMS_EXECUTOR=fast``) and one running strawberry's own (``stock``: no plan,
no direct resolvers, no look-ahead). Data and errors must be identical, to the byte.
For the documents that succeed, the fast app must also have used its plan (it logs
when it hands a root field to graphql-core), or this test would compare graphql-core
with itself. Generated documents: tests/problems/test_executor_oracle.py.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from pdms_core.testing.actors import staff
from tests.problems.conftest import CASEWORKER
from tests.problems.test_look_ahead import QUERY as ALIASES_FRAGMENTS_DIRECTIVES
from tests.problems.test_portal_statements import seed_small_council
from tests.test_module_records import CREATE_WIDGET, PLACE_WITH_RECORDS, add_place

QUERIES = Path(__file__).parents[2] / "bench" / "queries"
PLANNED = "pdms_core.graphql.planned"

PLACE_PAGE = """
query Place($uprn: String!) {
  place(uprn: $uprn) {
    __typename
    id uprn singleLineAddress addressLines postcode hasUprn parentUprn
    residents(current: true) { __typename fromDate toDate person { id fullName dateOfDeath } }
    cases(open: true) { reference status { code } }
    timeline(first: 5) { edges { cursor node { kind item { __typename } } } }
  }
}
"""


@pytest.fixture
def unplanned(graphql_under, synced):
    """A client of an app running strawberry's own executor."""
    return graphql_under("stock")


@pytest.fixture
def caseworker(graphql_under, synced):
    """The caseworker, on an app running the fast executor (whatever the suite runs)."""
    return graphql_under("fast").as_actor(CASEWORKER)


async def _both(caseworker, unplanned, caplog, document, variables=None, *, actor=CASEWORKER):
    """The planned answer, after checking it is graphql-core's, and what the plan logged."""
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger=PLANNED):
        planned = await caseworker.as_actor(actor).execute(document, variables)
    handed_over = [r.getMessage() for r in caplog.records if r.name == PLANNED]
    reference = await unplanned.as_actor(actor).execute(document, variables)
    assert planned.status_code == reference.status_code
    assert json.dumps(planned.body) == json.dumps(reference.body)
    return planned, handed_over


async def test_the_canonical_portal_pages_answer_as_graphql_core_does_and_use_the_plan(
    pdms_host, caseworker, unplanned, caplog
):
    await seed_small_council(pdms_host)
    portal, handed_over = await _both(
        caseworker, unplanned, caplog, (QUERIES / "portal_list.graphql").read_text(), {"first": 20}
    )
    cases = portal.ok()["cases"]["nodes"]
    assert len(cases) == 20 and not handed_over
    person = cases[0]["parties"][0]["person"]
    uprn = person["addresses"][0]["place"]["uprn"]

    # an interface at the root (node), a union of timeline items, arguments
    page, handed_over = await _both(
        caseworker,
        unplanned,
        caplog,
        (QUERIES / "person_page.graphql").read_text(),
        {"id": person["id"]},
    )
    assert page.ok()["node"]["timeline"]["edges"] and not handed_over

    place, handed_over = await _both(caseworker, unplanned, caplog, PLACE_PAGE, {"uprn": uprn})
    assert place.ok()["place"]["residents"] and not handed_over

    surname = person["fullName"].split()[-1]
    search, handed_over = await _both(
        caseworker, unplanned, caplog, (QUERIES / "search.graphql").read_text(), {"name": surname}
    )
    assert search.ok()["people"]["nodes"] and not handed_over


async def test_aliases_fragments_and_directives_answer_as_graphql_core_does(
    pdms_host, caseworker, unplanned, caplog
):
    await seed_small_council(pdms_host)
    for variables in (
        {"current": True, "withPlaces": True, "first": 7},
        {"current": None, "withPlaces": False, "first": 3},
    ):
        answer, handed_over = await _both(
            caseworker, unplanned, caplog, ALIASES_FRAGMENTS_DIRECTIVES, variables
        )
        assert answer.ok()["cases"]["nodes"] and not handed_over


async def test_an_error_deep_in_the_page_is_graphql_cores_to_report(
    pdms_host, caseworker, unplanned, caplog
):
    await seed_small_council(pdms_host)
    # Person's read permission is checked as each person is completed: the plan meets
    # the refusal, hands the field to graphql-core, and the answer (null propagated to
    # the root, the error at its own path) is graphql-core's.
    reader = staff("core.cases.read", "core.lookups.read", name="Case Reader")
    answer, handed_over = await _both(
        caseworker,
        unplanned,
        caplog,
        "{ cases(first: 3) { nodes { reference parties { person { surname } } } } }",
        actor=reader,
    )
    assert answer.data is None and set(answer.error_codes()) == {"PERMISSION_DENIED"}
    assert handed_over == ["cases: completed by graphql-core (PermissionDenied)"]
    # nothing of the refused person reaches the log
    assert all("surname" not in message for message in handed_over)


async def test_a_field_the_plan_cannot_cover_leaves_its_root_field_to_graphql_core(
    caseworker, pdms_db, unplanned, caplog
):
    graphql = caseworker
    # DummyWidget.label takes an argument and is not marked @prefetchable
    await add_place(pdms_db, 990000000001, "1 Fictional Street, Testtown")
    reader = staff("core.places.read", "dummy.widget.read", "dummy.widget.write")
    found = await graphql.as_actor(reader).execute(PLACE_WITH_RECORDS, {"uprn": "990000000001"})
    place_id = found.ok()["place"]["id"]
    created = await graphql.as_actor(reader).execute(
        CREATE_WIDGET, {"name": "Sprocket", "placeId": place_id}
    )
    assert created.ok()["dummyCreateWidget"]["errors"] == []

    document = """
    query($uprn: String!) {
      place(uprn: $uprn) {
        uprn
        moduleRecords { module ... on DummyWidget { quiet: label loud: label(shout: true) } }
      }
      dummyGreeting
    }"""
    answer, handed_over = await _both(
        graphql, unplanned, caplog, document, {"uprn": "990000000001"}, actor=reader
    )
    assert answer.ok()["place"]["moduleRecords"] == [
        {"module": "dummy", "quiet": "Sprocket", "loud": "SPROCKET"}
    ]
    assert handed_over == [
        "place: completed by graphql-core (DummyWidget.label is neither direct nor prefetchable)"
    ]
