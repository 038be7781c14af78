"""Property: a record is returned exactly when the policy allows it.

Random actors (staff with random permissions, council-wide or team-scoped, partner
keys, anonymous) ask for a person and for staff users; the answer must match an
independent statement of the policy.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from pdms_core.auth.actor import ANONYMOUS, Actor, ActorKind
from pdms_core.auth.models import StaffUser, Team, TeamMembership
from pdms_core.graphql.node import global_id
from pdms_core.people.models import Person

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
