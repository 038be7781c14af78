"""Type-level read rules on every path: staff behind a case, places behind a case.

Each document goes to the app with planned completion and to one where graphql-core
completes every field; the answers must be the same, so the rule holds under both
executors. The property over random permission sets is test_type_read_property.py.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

from sqlalchemy import select

from pdms_core.audit.recorder import AuditCollector
from pdms_core.auth.actor import ANONYMOUS
from pdms_core.graphql.schema import build_schema
from pdms_core.graphql.type_guards import read_guard
from pdms_core.people.models import Person
from pdms_core.people.types import PersonNode
from pdms_core.testing.actors import staff
from security.guarded_world import OFFICER_EMAIL, guarded_world, unplanned_client

CASE_READER = staff("core.cases.read", name="Case Reader")
OFFICERS = """query($case: ID!) { case(id: $case) {
  officer { id displayName teams { name } } team { id name }
  activities { officer { displayName } }
  intentions { officer { displayName } team { name } } } }"""
STAFF_THROUGH_A_CASE = """query($case: ID!) { case(id: $case) {
  officer { email roles { role { permissions } } } } }"""
PLACE_THROUGH_A_CASE = """query($case: ID!) { case(id: $case) {
  reference places { place { singleLineAddress } } } }"""
PLACE_BY_NODE = "query($place: ID!) { node(id: $place) { ... on Place { singleLineAddress } } }"


async def _both(planned, unplanned, document, variables):
    """The answer, after checking that graphql-core alone gives the same one."""
    answer = await planned.execute(document, variables)
    reference = await unplanned.execute(document, variables)
    assert json.dumps(answer.body) == json.dumps(reference.body)
    return answer


async def test_a_case_reader_sees_officers_names_never_their_accounts(
    graphql, pdms_db, pdms_host, pdms_test_actors, staff_users
):
    ids = await guarded_world(graphql, pdms_db)
    planned = graphql.as_actor(CASE_READER)
    unplanned = unplanned_client(pdms_host, pdms_db, pdms_test_actors).as_actor(CASE_READER)

    case = (await _both(planned, unplanned, OFFICERS, {"case": ids["case"]})).ok()["case"]
    olive = {"id": ids["officer"], "displayName": "Olive Officer", "teams": [{"name": "North"}]}
    assert case["officer"] == olive
    assert case["team"] == {"id": ids["team"], "name": "North"}
    assert case["activities"] == [{"officer": {"displayName": "Olive Officer"}}]
    assert case["intentions"] == [
        {"officer": {"displayName": "Olive Officer"}, "team": {"name": "North"}}
    ]

    # email, roles and permissions are not on a case's officer at all ...
    asked = await _both(planned, unplanned, STAFF_THROUGH_A_CASE, {"case": ids["case"]})
    assert asked.data is None and OFFICER_EMAIL not in json.dumps(asked.body)
    # ... and the account itself needs core.staff.read
    account = "query($id: ID!) { node(id: $id) { ... on StaffUser { email } } }"
    refused = await _both(planned, unplanned, account, {"id": ids["officer"]})
    assert refused.error_codes() == ["PERMISSION_DENIED"]
    assert OFFICER_EMAIL not in json.dumps(refused.body)


async def test_a_place_through_a_case_is_refused_as_node_refuses_it(
    graphql, pdms_db, pdms_host, pdms_test_actors, staff_users
):
    ids = await guarded_world(graphql, pdms_db)
    unplanned = unplanned_client(pdms_host, pdms_db, pdms_test_actors)
    place_reader = staff("core.cases.read", "core.places.read", name="Place Reader")
    for reader, may_read in ((CASE_READER, False), (place_reader, True)):
        planned, other = graphql.as_actor(reader), unplanned.as_actor(reader)
        by_node = await _both(planned, other, PLACE_BY_NODE, {"place": ids["place"]})
        by_case = await _both(planned, other, PLACE_THROUGH_A_CASE, {"case": ids["case"]})
        for answer in (by_node, by_case):
            assert ("990001 Example Row" in json.dumps(answer.body)) is may_read
            assert answer.error_codes() == ([] if may_read else ["PERMISSION_DENIED"])
        if not may_read:
            # CasePlace.place is non-null: the refusal nulls the case, by the GraphQL rules
            assert by_case.data == {"case": None}
            assert by_case.errors[0]["path"] == ["case", "places", 0, "place"]


def test_every_type_with_a_read_permission_is_guarded_on_every_path(pdms_host):
    schema = build_schema(pdms_host)
    for name, graphql_type in schema._schema.type_map.items():
        origin = getattr(
            (graphql_type.extensions or {}).get("strawberry-definition"), "origin", None
        )
        permission = getattr(origin, "read_permission", None)
        if not permission or name.startswith("__"):
            continue
        guard = read_guard(graphql_type)
        if getattr(origin, "read_on_every_path", True):
            assert guard is not None and guard.permission == permission, name
            assert guard.audited == bool(getattr(origin, "personal_data", False)), name
        else:
            assert guard is None, name
    assert read_guard(schema._schema.type_map["Person"]).audited
    assert read_guard(schema._schema.type_map["RentArrearsAccount"]).audited
    assert read_guard(schema._schema.type_map["LookupValue"]) is None


async def test_is_type_of_only_tells_types_apart(pdms_db, staff_users):
    # The executors ask is_type_of about types a value turns out not to be: it must
    # neither refuse nor note anything; the read guard does both.
    async with pdms_db.sessionmaker() as session, session.begin():
        session.add(Person(forenames="Ivy", surname="Fictional", notes=""))
    async with pdms_db.sessionmaker() as session:
        ivy = await session.scalar(select(Person))
    audit = AuditCollector()
    info = SimpleNamespace(context=SimpleNamespace(actor=ANONYMOUS, audit=audit))
    assert PersonNode.is_type_of(ivy, info) is True
    assert audit.reads == set()
