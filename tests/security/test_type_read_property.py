"""Property: a type's read permission holds on every path to it, under both executors.

Random staff, holding a random set of read permissions, ask for guarded types through
every path that reaches them: the root field or ``node``, and through cases,
activities, intentions, demands, people and places. Each document ends at a value
only its last guarded type carries (an address, a name, an email, a case summary).
The value is in the answer exactly when the caller holds every read permission along
the path; otherwise the answer carries a ``PERMISSION_DENIED`` error and not the
value. Each document goes to the app with planned completion and to one where
graphql-core completes every field: the answers must be identical to the byte. Every
answer that carries the person leaves an audit row for them; a caller without
``core.people.read`` leaves none.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from pdms_core.audit.models import AuditEvent
from pdms_core.testing.actors import staff
from security.guarded_world import OFFICER_EMAIL, guarded_world, unplanned_client

CASES, PEOPLE, PLACES = "core.cases.read", "core.people.read", "core.places.read"
STAFF, CONDITIONS = "core.staff.read", "core.conditions.read"
ADDRESS, PERSON, OFFICER = "990001 Example Row", "Morgan", "Olive Officer"
SUMMARY, CONDITION = "Leaking roof (north)", "awaiting_benefit_decision"

# name: (document, the permissions along the path, the value at its end)
PATHS = {
    "node(Place)": ("node(id: $place) { ... on Place { singleLineAddress } }", {PLACES}, ADDRESS),
    "case.places.place": (
        "case(id: $case) { places { place { singleLineAddress } } }",
        {CASES, PLACES},
        ADDRESS,
    ),
    "node(Person)": ("node(id: $person) { ... on Person { forenames } }", {PEOPLE}, PERSON),
    "case.parties.person": (
        "case(id: $case) { parties { person { forenames } } }",
        {CASES, PEOPLE},
        PERSON,
    ),
    "activity.people": (
        "node(id: $activity) { ... on Activity { people { forenames } } }",
        {CASES, PEOPLE},
        PERSON,
    ),
    "case.officer": (
        "case(id: $case) { officer { displayName teams { name } } team { name } }",
        {CASES},
        OFFICER,
    ),
    "activity.officer": (
        "node(id: $activity) { ... on Activity { officer { displayName } } }",
        {CASES},
        OFFICER,
    ),
    "intention.officer": (
        "node(id: $intention) { ... on Intention { officer { displayName } team { name } } }",
        {CASES},
        OFFICER,
    ),
    "node(StaffUser)": (
        "node(id: $officer) { ... on StaffUser { email roles { role { permissions } } } }",
        {STAFF},
        OFFICER_EMAIL,
    ),
    "staffUsers": ("staffUsers(first: 100) { nodes { email } }", {STAFF}, OFFICER_EMAIL),
    "node(Team)": ("node(id: $team) { ... on Team { name } }", {STAFF}, "North"),
    "node(Case)": ("node(id: $case) { ... on Case { summary } }", {CASES}, SUMMARY),
    "demand.case": ("node(id: $demand) { ... on Demand { case { summary } } }", {CASES}, SUMMARY),
    "person.cases": ("person(id: $person) { cases { summary } }", {PEOPLE, CASES}, SUMMARY),
    "place.cases": ("place(id: $place) { cases { summary } }", {PLACES, CASES}, SUMMARY),
    "person.timeline.item": (
        "person(id: $person) { timeline(first: 20) { edges { node { "
        "item { ... on Case { summary } } } } } }",
        {PEOPLE, CASES},
        SUMMARY,
    ),
    "case.systemConditions.condition": (
        "case(id: $case) { systemConditions { condition { type { code } } } }",
        {CASES, CONDITIONS},
        CONDITION,
    ),
}


def _document(path: str) -> str:
    body = PATHS[path][0]
    used = dict.fromkeys(re.findall(r"\$(\w+)", body))
    declared = ", ".join(f"${name}: ID!" for name in used)
    return f"query({declared}) {{ {body} }}" if used else f"{{ {body} }}"


async def _person_reads(database) -> int:
    async with database.sessionmaker() as session:
        return await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "read", AuditEvent.target_type == "Person")
        )


@settings(
    max_examples=24, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(held=st.sets(st.sampled_from([CASES, PEOPLE, PLACES, STAFF, CONDITIONS])))
async def test_a_guarded_type_is_read_exactly_when_its_permission_is_held(
    held, graphql, pdms_db, pdms_host, pdms_test_actors, staff_users, built_once
):
    if "world" not in built_once:
        built_once["world"] = await guarded_world(graphql, pdms_db)
        built_once["unplanned"] = unplanned_client(pdms_host, pdms_db, pdms_test_actors)
    ids = built_once["world"]
    actor = staff(*held, name="Property Reader")
    planned, unplanned = graphql.as_actor(actor), built_once["unplanned"].as_actor(actor)
    reads_before, answers_with_the_person = await _person_reads(pdms_db), 0

    for path, (_, needed, value) in PATHS.items():
        document = _document(path)
        variables = {name: ids[name] for name in re.findall(r"\$(\w+)", PATHS[path][0])}
        answers = [await client.execute(document, variables) for client in (planned, unplanned)]
        body = json.dumps(answers[0].body)
        assert body == json.dumps(answers[1].body), path
        carried = value in json.dumps(answers[0].data)
        assert carried == (needed <= held), (path, sorted(held), answers[0].errors)
        if not carried:
            assert value not in body, path
            assert "PERMISSION_DENIED" in answers[0].error_codes(), path
        answers_with_the_person += sum(PERSON in json.dumps(a.data) for a in answers)

    # Each answer carrying the person wrote a row for them (one per request, in its
    # batch); a person reached and then refused a field below writes one too.
    added = await _person_reads(pdms_db) - reads_before
    assert added >= answers_with_the_person
    assert added == 0 if PEOPLE not in held else added > 0


@pytest.fixture
def built_once() -> dict:
    return {}
