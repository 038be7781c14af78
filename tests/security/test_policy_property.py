"""Property: a record is returned exactly when the policy allows it.

Random actors (staff with random permissions, council-wide or team-scoped, partner
keys, anonymous) ask for a person, for staff users and for cases (listed, by id,
through a demand, and edited); the answer must match an independent statement of
the policy. Then officers with random grants run random sequences of grants, role
edits and API keys: each is allowed exactly when the delegation rules say, and
nobody (the officer, a colleague, a key) ends up reaching more than the officer
started with.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from problems.problem_steps import given_team
from sqlalchemy import select
from starlette.requests import Request

from pdms_core.auth.actor import ANONYMOUS, Actor, ActorKind
from pdms_core.auth.models import Role, RolePermission, StaffUser, Team, TeamMembership, UserRole
from pdms_core.auth.resolve import resolve_credentials
from pdms_core.auth.users import RoleFields, create_role
from pdms_core.graphql.node import decode_id, global_id
from pdms_core.people.models import Person
from security.case_world import build_world
from security.conftest import bearer

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
    kind, grants = drawn  # keys too: a key keeps its creator's team limits
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
    _, grants = drawn
    if code not in grants:
        return False
    teams = grants[code]
    return teams is None or owner in teams


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


# -- delegation: grants, role edits and keys never reach beyond where one started ----

USERS, ROLES, KEYS = "core.users.manage", "core.roles.manage", "core.apikeys.manage"
DELEGABLE = [USERS, ROLES, KEYS, "core.cases.read", "core.people.read"]
INPUTS = {
    "grantRole": "RoleGrantInput",
    "revokeRole": "RoleGrantInput",
    "setRolePermissions": "SetRolePermissionsInput",
    "createRole": "CreateRoleInput",
    "createApiKey": "CreateApiKeyInput",
}
Reach = frozenset[tuple[str, int | None]]  # (code, team id, or None: council-wide)

codes = st.frozensets(st.sampled_from(DELEGABLE))
# (codes within the teams, the teams, codes council-wide)
holdings = st.tuples(codes, st.frozensets(st.sampled_from(TEAMS), min_size=1), codes)
steps = st.tuples(
    st.integers(0, 2),  # who acts: the officer's session, or their first or second key
    st.one_of(
        st.tuples(
            st.sampled_from(["grantRole", "revokeRole"]),
            st.booleans(),  # to the officer themselves, or to a colleague
            st.integers(0, 20),  # which role (modulo the roles there are)
            st.sampled_from([None, *TEAMS]),
        ),
        st.tuples(st.just("setRolePermissions"), st.integers(0, 20), codes),
        st.tuples(st.just("createRole"), codes),
        st.tuples(
            st.just("createApiKey"),
            st.frozensets(st.sampled_from(DELEGABLE), min_size=1),
            st.booleans(),
        ),
    ),
)


def _covered(reach: Reach, code: str, team: int | None) -> bool:
    """The delegation rule, stated on its own: held council-wide, or in that team."""
    return (code, None) in reach or (team is not None and (code, team) in reach)


async def _reach(database, host, secret: str) -> Reach:
    # What the server makes of the credentials, exactly as for a request: asking
    # GraphQL code by code and team by team would only repeat it less completely.
    headers = [(b"authorization", f"Bearer {secret}".encode())]
    actor = (
        await resolve_credentials(
            Request({"type": "http", "headers": headers}), database, host.settings
        )
    ).actor
    return frozenset({(c, None) for c in actor.global_permissions or ()} | actor.team_grants)


async def _role(database, code: str) -> tuple[int, int, set[str]]:
    async with database.sessionmaker() as session:
        role = await session.scalar(select(Role).where(Role.code == code))
        granted = await session.scalars(
            select(RolePermission.permission).where(RolePermission.role_id == role.id)
        )
        return role.id, role.version, set(granted)


async def _grants(database, user_id: int) -> set[tuple[str, int | None]]:
    async with database.sessionmaker() as session:
        rows = await session.execute(
            select(Role.code, UserRole.team_id)
            .join(Role, Role.id == UserRole.role_id)
            .where(UserRole.user_id == user_id)
        )
        return {(code, team) for code, team in rows}


async def _expect(world, performer, step) -> tuple[bool, dict]:
    """Whether ``step`` is allowed to ``performer`` (reach, is a key, read-only), and
    its variables."""
    reach, is_key, read_only = performer
    op, *args = step
    writes = not read_only
    if op in ("grantRole", "revokeRole"):
        to_self, index, team_name = args
        user = world["officer"] if to_self else world["colleague"]
        code = world["roles"][index % len(world["roles"])]
        team = world["teams"][team_name] if team_name else None
        _, _, granted = await _role(world["db"], code)
        allowed = writes and all(_covered(reach, c, team) for c in {USERS, *granted})
        if op == "grantRole" and to_self and not is_key:  # only a repeat, adding nothing
            allowed = allowed and (code, team) in await _grants(world["db"], user)
        given = {"userId": global_id("StaffUser", user), "roleCode": code}
        return allowed, {**given, "teamId": global_id("Team", team) if team else None}
    if op == "setRolePermissions":
        index, wanted = args
        role_id, version, granted = await _role(
            world["db"], world["roles"][index % len(world["roles"])]
        )
        changed = {ROLES} | (set(wanted) ^ granted)
        allowed = writes and all(_covered(reach, c, None) for c in changed)
        return allowed, {
            "id": global_id("Role", role_id),
            "expectedVersion": version,
            "permissions": sorted(wanted),
        }
    if op == "createRole":
        (wanted,) = args
        allowed = writes and all(_covered(reach, c, None) for c in {ROLES, *wanted})
        code = f"made_{world['n']}_{len(world['roles'])}"
        return allowed, {"code": code, "name": code, "permissions": sorted(wanted)}
    wanted, key_read_only = args
    held = {c for c, _ in reach}
    wanted = (wanted & held) or wanted  # mostly what they hold: keys get made, and act
    allowed = not is_key and {KEYS, *wanted} <= held
    if key_read_only:
        allowed = allowed and all(c.endswith(".read") for c in wanted)
    variables = {
        "name": "Feed",
        "agencyCode": "police",
        "permissions": sorted(wanted),
        "readOnly": key_read_only,
    }
    return allowed, variables


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(officer=holdings, colleague=holdings, sequence=st.lists(steps, max_size=6))
async def test_no_grant_role_edit_or_key_reaches_beyond_the_start(
    officer, colleague, sequence, pdms_db, pdms_host, graphql, staff_users, built_once
):
    if "teams" not in built_once:
        built_once["teams"] = {
            name: decode_id(await given_team(pdms_db, name.title()), "Team") for name in TEAMS
        }
        async with pdms_db.sessionmaker() as session, session.begin():  # as the CLI makes it
            fields = RoleFields("admin", "Administrator", "", sorted(staff_users.declared))
            await create_role(session, fields, staff_users.declared)
        built_once["n"] = 0
    built_once["n"] += 1
    world = {"db": pdms_db, "teams": built_once["teams"], "n": built_once["n"], "roles": ["admin"]}
    tokens = {}
    for who, (within, where, everywhere) in (("officer", officer), ("colleague", colleague)):
        email = f"{who}.{world['n']}@council.invalid"
        teams = tuple(world["teams"][t] for t in sorted(where))
        world[who] = await staff_users.user(
            email, *within, team_id=teams, council_wide=tuple(everywhere)
        )
        tokens[who] = (await staff_users.login(email)).ok()["login"]["token"]
    for who in tokens:
        world["roles"] += sorted({code for code, _ in await _grants(pdms_db, world[who])})
    async with pdms_db.sessionmaker() as session, session.begin():
        for i, bundle in enumerate((DELEGABLE[3:], DELEGABLE[:3], DELEGABLE)):
            fields = RoleFields(f"bundle_{world['n']}_{i}", "Bundle", "", bundle)
            world["roles"].append((await create_role(session, fields, staff_users.declared)).code)
    before = {who: await _reach(pdms_db, pdms_host, token) for who, token in tokens.items()}
    start = before["officer"]
    keys: list[tuple[str, bool]] = []

    # first a writable key with all the officer may give it, so later steps can act as it
    for by, step in [(0, ("createApiKey", frozenset(DELEGABLE), False)), *sequence]:
        secret, read_only = keys[by - 1] if 0 < by <= len(keys) else (tokens["officer"], False)
        performer = (
            await _reach(pdms_db, pdms_host, secret),
            secret != tokens["officer"],
            read_only,
        )
        allowed, variables = await _expect(world, performer, step)
        op = step[0]
        by_whom = "a key" if performer[1] else "the officer"  # --hypothesis-show-statistics
        event(f"{op} by {by_whom} {'allowed' if allowed else 'refused'}")
        extra = "secret" if op == "createApiKey" else ""
        document = (
            f"mutation($i: {INPUTS[op]}!) {{ {op}(input: $i) {{ errors {{ code }} {extra} }} }}"
        )
        result = await graphql.execute(document, {"i": variables}, headers=bearer(secret))
        assert set(result.error_codes()) <= {"PERMISSION_DENIED"}, result.errors
        payload = (result.data or {}).get(op)
        assert (payload is not None and payload["errors"] == []) == allowed, (step, performer)
        if allowed and op == "createApiKey":
            keys.append((payload["secret"], step[2]))
        if allowed and op == "createRole":
            world["roles"].append(variables["code"])

    subjects = {**tokens, **{f"key {i}": secret for i, (secret, _) in enumerate(keys)}}
    for who, secret in subjects.items():
        gained = await _reach(pdms_db, pdms_host, secret) - before.get(who, frozenset())
        beyond = {(code, team) for code, team in gained if not _covered(start, code, team)}
        assert not beyond, (who, beyond)
