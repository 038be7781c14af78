"""Loading a page's nested rows ahead (graphql/prefetch.py) changes speed, never answers.

The look-ahead reads the query's selection itself: aliases, arguments given as
variables, fragments and @skip/@include must select exactly what graphql-core then
resolves, and a field that fails must still fail at its own path. The expected
answers here come from the database, not from the API.
"""

from __future__ import annotations

from sqlalchemy import func, select
from strawberry import relay

from pdms_core.cases.models import CaseRecord
from pdms_core.demands.models import Demand
from pdms_core.people.models import PersonAddress
from pdms_core.testing.actors import staff
from tests.problems.test_portal_statements import seed_small_council

QUERY = """
query Page($current: Boolean, $withPlaces: Boolean!, $first: Int!) {
  cases(first: $first) {
    nodes {
      id
      reference
      ...PresentingDemands
      everyone: parties {
        person {
          id
          all: addresses { toDate place { uprn } }
          home: addresses(current: $current) { toDate place { uprn } }
        }
      }
      places @include(if: $withPlaces) { place { uprn } }
      skipped: activities @skip(if: true) { id }
      ... on Case { underlying: demands(presenting: false) { isPresenting } }
    }
  }
}
fragment PresentingDemands on Case {
  demands(presenting: true) { isPresenting underlyingDemands { isPresenting } }
}
"""


async def _stored_counts(database, references):
    async with database.sessionmaker() as session:
        demands = dict(
            (
                await session.execute(
                    select(CaseRecord.reference, func.count(Demand.id))
                    .join(Demand, Demand.case_id == CaseRecord.id)
                    .where(CaseRecord.reference.in_(references), Demand.is_presenting.is_(False))
                    .group_by(CaseRecord.reference)
                )
            ).all()
        )
        addresses = dict(
            (
                await session.execute(
                    select(PersonAddress.person_id, func.count(PersonAddress.id)).group_by(
                        PersonAddress.person_id
                    )
                )
            ).all()
        )
    return demands, addresses


async def test_aliases_variables_fragments_and_directives_select_what_they_say(
    pdms_host, pdms_db, caseworker, sql_statements
):
    await seed_small_council(pdms_host)
    variables = {"current": True, "withPlaces": True, "first": 20}
    sql_statements.reset()
    cases = (await caseworker.execute(QUERY, variables)).ok()["cases"]["nodes"]
    reads = [s for s in sql_statements.statements if s.startswith("SELECT")]
    # One statement per field that reads rows, whatever the page size: the cases, both
    # demand lists, underlying demands, parties with their people, places, and the two
    # address lists (``all`` and ``home`` differ only in an argument given as a
    # variable). A look-ahead that read a selection wrongly would load a field in the
    # wrong shape and leave graphql-core to load it again.
    assert len(reads) == 8, "\n\n".join(reads)

    underlying_counts, address_counts = await _stored_counts(
        pdms_db, [case["reference"] for case in cases]
    )
    assert len(cases) == 20
    for case in cases:
        assert "skipped" not in case
        assert case["places"] and all(p["place"]["uprn"] for p in case["places"])
        assert case["demands"] and all(d["isPresenting"] for d in case["demands"])
        assert all(not d["isPresenting"] for d in case["underlying"])
        assert len(case["underlying"]) == underlying_counts.get(case["reference"], 0)
        for party in case["everyone"]:
            person = party["person"]
            person_id = int(_node_id(person["id"]))
            assert len(person["all"]) == address_counts[person_id]
            assert person["home"] and all(a["toDate"] is None for a in person["home"])
            assert {a["place"]["uprn"] for a in person["home"]} <= {
                a["place"]["uprn"] for a in person["all"]
            }

    # the same document with other variables: every address, and no places
    sql_statements.reset()
    others = (
        await caseworker.execute(QUERY, {"current": None, "withPlaces": False, "first": 5})
    ).ok()["cases"]["nodes"]
    reads = [s for s in sql_statements.statements if s.startswith("SELECT")]
    # no places, and both address lists are now the same list: one statement for it
    assert len(others) == 5 and len(reads) == 6, "\n\n".join(reads)
    for case in others:
        assert "places" not in case
        for party in case["everyone"]:
            assert party["person"]["home"] == party["person"]["all"]


async def test_a_field_the_caller_may_not_read_fails_at_its_own_path(pdms_host, graphql, synced):
    await seed_small_council(pdms_host)
    reader = graphql.as_actor(staff("core.cases.read", name="Case Reader"))
    answer = await reader.execute(
        "{ cases(first: 3) { nodes { reference parties { person { surname } } } } }"
    )

    # Person is non-null all the way up, so the null reaches the root (GraphQL spec
    # 6.4.4); graphql-core may stop at the first such error.
    assert answer.data is None
    assert answer.errors and set(answer.error_codes()) == {"PERMISSION_DENIED"}
    for error in answer.errors:
        assert error["path"][:2] == ["cases", "nodes"]
        assert error["path"][3:] == ["parties", 0, "person"]
        assert error["message"] == "This needs the permission core.people.read."


def _node_id(global_id: str) -> str:
    return relay.GlobalID.from_id(global_id).node_id
