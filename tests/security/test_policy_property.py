"""Property: a record is returned exactly when the policy allows it.

Random actors (staff with random permissions, council-wide or team-scoped, partner
keys, anonymous) ask for a person, for staff users and for cases (listed, by id,
through a demand, and edited); the answer must match an independent statement of
the policy.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from pdms_core.auth.actor import ANONYMOUS, Actor, ActorKind
from pdms_core.auth.models import StaffUser, Team, TeamMembership
from pdms_core.graphql.node import global_id
from pdms_core.people.models import Person
from security.case_world import build_world

PERMISSIONS = ["core.people.read", "core.staff.read", "core.places.read", "dummy.widget.read"]
PERSON = "query($p: ID!) { person(id: $p) { forenames } }"
STAFF = "{ staffUsers(first: 100) { edges { node { email } } } }"

actors = st.one_of(
    st.just(ANONYMOUS),
    st.builds(
        lambda kind, perms, scoped: _actor(kind, perms, scoped),
        st.sampled_from([ActorKind.USER, ActorKind.API_KEY]),
        st.sets(st.sampled_from(PERMISSIONS)),
        st.booleans(),
    ),
)


def _actor(kind: ActorKind, perms: set[str], team_scoped: bool) -> Actor:
    team_grants = frozenset()
    global_perms = frozenset(perms)
    if team_scoped and kind is ActorKind.USER and "core.staff.read" in perms:
        team_grants = frozenset({("core.staff.read", -1)})  # team id filled in per test
        global_perms = global_perms - {"core.staff.read"}
    return Actor(
        kind=kind,
        id=f"{kind.value}:prop",
        permissions=frozenset(perms),
        global_permissions=global_perms,
        team_grants=team_grants,
    )


async def _world(database) -> tuple[int, int, set[str], set[str]]:
    async with database.sessionmaker() as session, session.begin():
        person = Person(forenames="Sam", surname="Fictional", notes="")
        team = Team(module="core", code="north", name="North")
        inside = StaffUser(
            email="in@council.invalid", email_key="in@council.invalid", display_name="In"
        )
        outside = StaffUser(
            email="out@council.invalid", email_key="out@council.invalid", display_name="Out"
        )
        session.add_all([person, team, inside, outside])
        await session.flush()
        session.add(TeamMembership(team_id=team.id, user_id=inside.id))
        return (
            person.id,
            team.id,
            {"in@council.invalid"},
            {"in@council.invalid", "out@council.invalid"},
        )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actor=actors)
async def test_records_are_returned_exactly_when_the_policy_allows(actor, pdms_db, graphql):
    async with pdms_db.sessionmaker() as session:
        existing = await session.scalar(select(Person.id))
    if existing is None:
        await _world(pdms_db)
    async with pdms_db.sessionmaker() as session:
        person_id = await session.scalar(select(Person.id))
        team_id = await session.scalar(select(Team.id))
    if actor.team_grants:
        actor = Actor(
            **{**actor.__dict__, "team_grants": frozenset({("core.staff.read", team_id)})}
        )
    client = graphql.as_actor(actor)

    person = await client.execute(PERSON, {"p": global_id("Person", person_id)})
    may_read_people = actor.has("core.people.read")
    assert ((person.data or {}).get("person") is not None) == may_read_people

    listed = await client.execute(STAFF)
    emails = {
        e["node"]["email"] for e in ((listed.data or {}).get("staffUsers") or {}).get("edges", [])
    }
    if not actor.has("core.staff.read"):
        expected = set()
    elif actor.teams_for("core.staff.read") is None:
        expected = {"in@council.invalid", "out@council.invalid"}
    else:
        expected = {"in@council.invalid"}
    assert emails == expected


# -- cases: team-scoped grants reach only their teams' cases --------------------------

CASE_CODES = ["core.cases.read", "core.cases.write", "core.people.read"]
TEAMS = ["north", "south"]
CASES = "{ cases(first: 100) { nodes { id } } }"
ONE_CASE = """query($id: ID!, $demand: ID!) {
  case(id: $id) { id } node(id: $demand) { ... on Demand { case { id } } } }"""
STALE_EDIT = """mutation($id: ID!) {
  updateCase(case: {id: $id, expectedVersion: -1}, input: {summary: "x"}) {
    case { id } errors { code } } }"""

# (kind, {code: None for council-wide, or the team names it is granted in})
case_actors = st.one_of(
    st.just(None),
    st.tuples(
        st.sampled_from([ActorKind.USER, ActorKind.API_KEY]),
        st.dictionaries(
            st.sampled_from(CASE_CODES),
            st.one_of(st.none(), st.frozensets(st.sampled_from(TEAMS), min_size=1)),
        ),
    ),
)


def _case_actor(drawn, world) -> Actor:
    if drawn is None:
        return ANONYMOUS
    kind, grants = drawn
    if kind is ActorKind.API_KEY:  # keys hold their scope everywhere
        grants = dict.fromkeys(grants)
    return Actor(
        kind=kind,
        id=f"{kind.value}:prop",
        permissions=frozenset(grants),
        global_permissions=frozenset(code for code, teams in grants.items() if teams is None),
        team_grants=frozenset(
            (code, world.team_id(team)) for code, teams in grants.items() for team in teams or ()
        ),
    )


def _reaches(drawn, code: str, owner: str | None) -> bool:
    """The policy, stated on its own: who may read or change the case ``owner`` owns."""
    if drawn is None:
        return False
    kind, grants = drawn
    if code not in grants:
        return False
    teams = grants[code]
    return kind is ActorKind.API_KEY or teams is None or owner in teams


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(drawn=case_actors)
async def test_a_case_is_returned_exactly_when_the_policy_allows(
    drawn, pdms_db, graphql, staff_users, built_once
):
    # The fixtures live for the whole test, across hypothesis' examples: build once.
    if "world" not in built_once:
        built_once["world"] = await build_world(graphql, pdms_db)
    world = built_once["world"]
    client = graphql.as_actor(_case_actor(drawn, world))

    listed = await client.execute(CASES)
    got = {n["id"] for n in ((listed.data or {}).get("cases") or {}).get("nodes", [])}
    expected = {r.case for owner, r in world.cases.items() if _reaches(drawn, READ, owner)}
    assert got == expected
    assert bool(listed.errors) == (drawn is None or READ not in drawn[1])

    for owner, records in world.cases.items():
        one = await client.execute(ONE_CASE, {"id": records.case, "demand": records.demand})
        data = one.data or {}
        may_read = _reaches(drawn, READ, owner)
        assert (data.get("case") is not None) == may_read
        assert (data.get("node") is not None) == may_read

        edit = await client.execute(STALE_EDIT, {"id": records.case})
        if drawn is None or WRITE not in drawn[1]:
            assert edit.errors and not (edit.data or {}).get("updateCase")
        else:
            code = edit.ok()["updateCase"]["errors"][0]["code"]
            assert code == ("CONFLICT" if _reaches(drawn, WRITE, owner) else "NOT_FOUND")


READ, WRITE = "core.cases.read", "core.cases.write"


@pytest.fixture
def built_once() -> dict:
    return {}
