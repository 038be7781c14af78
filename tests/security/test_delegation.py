"""Delegation: nobody hands out (to others, to a key or to themselves) more than they hold.

Every test signs in for real and goes through GraphQL; the roles and keys it starts
with are made the way the CLI makes them (no actor, no checks).
"""

from __future__ import annotations

from typing import Any

from pdms_core.auth.models import StaffUser
from pdms_core.auth.users import RoleFields, create_admin, create_role, grant_role
from pdms_core.graphql.node import global_id
from security.case_world import build_world
from security.conftest import PASSWORD, bearer, got_nothing

GRANT = """mutation($i: RoleGrantInput!) {
  grantRole(input: $i) { user { id } errors { code field } } }"""
REVOKE = """mutation($i: RoleGrantInput!) {
  revokeRole(input: $i) { user { id } errors { code field } } }"""
CREATE_ROLE = """mutation($i: CreateRoleInput!) {
  createRole(input: $i) { role { code } errors { code field } } }"""
SET_PERMISSIONS = """mutation($i: SetRolePermissionsInput!) {
  setRolePermissions(input: $i) { role { permissions } errors { code field } } }"""
UPDATE_USER = """mutation($i: UpdateStaffUserInput!) {
  updateStaffUser(input: $i) { user { email } errors { code field } } }"""
CREATE_KEY = """mutation($i: CreateApiKeyInput!) {
  createApiKey(input: $i) { secret errors { code field } } }"""
CASES = "{ cases(first: 100) { nodes { reference } } }"
PERSON = 'query { person(id: "UGVyc29uOjk5OTk5") { id } }'
API_KEYS = "{ apiKeys { edges { node { prefix } } } }"
USERS, ROLES, KEYS = "core.users.manage", "core.roles.manage", "core.apikeys.manage"
CASES_READ, PEOPLE_READ = "core.cases.read", "core.people.read"


def _errors(result: Any, mutation: str) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in result.ok()[mutation]["errors"]]


async def _role(staff_users: Any, code: str, *permissions: str) -> None:
    async with staff_users.database.sessionmaker() as session, session.begin():
        await create_role(
            session, RoleFields(code, code, "", list(permissions)), staff_users.declared
        )


async def _grant(staff_users: Any, user_id: int, code: str, team_id: int | None = None) -> None:
    async with staff_users.database.sessionmaker() as session, session.begin():
        await grant_role(session, user_id=user_id, role_code=code, team_id=team_id)


async def _admin(staff_users: Any) -> tuple[int, str]:
    """The CLI's administrator (every declared permission, council-wide), signed in."""
    async with staff_users.database.sessionmaker() as session, session.begin():
        admin = await create_admin(
            session,
            email="ada.admin@council.invalid",
            display_name="Ada",
            password=PASSWORD,
            permissions=staff_users.declared,
        )
    login = await staff_users.login("ada.admin@council.invalid")
    return admin.id, login.ok()["login"]["token"]


def _grant_input(user_id: int, role: str, team: str | None = None) -> dict[str, Any]:
    return {"i": {"userId": global_id("StaffUser", user_id), "roleCode": role, "teamId": team}}


async def _teams(database: Any) -> tuple[str, str]:
    from problems.problem_steps import given_team

    return await given_team(database, "North"), await given_team(database, "South")


def _team_id(gid: str) -> int:
    from pdms_core.graphql.node import decode_id

    return decode_id(gid, "Team")


# -- item 3: API keys ----------------------------------------------------------------


async def test_a_key_keeps_its_creators_team_limits(graphql, pdms_db, staff_users):
    world = await build_world(graphql, pdms_db)
    token = await staff_users.token(
        "nia.north@council.invalid", CASES_READ, KEYS, team_id=world.team_id("north")
    )
    created = await graphql.execute(
        CREATE_KEY,
        {"i": {"name": "North feed", "agencyCode": "police", "permissions": [CASES_READ]}},
        headers=bearer(token),
    )
    secret = created.ok()["createApiKey"]["secret"]

    listed = await graphql.execute(CASES, headers=bearer(secret))

    assert [c["reference"] for c in listed.ok()["cases"]["nodes"]] == [
        world.cases["north"].reference
    ]
    south = await graphql.execute(
        "query($id: ID!) { case(id: $id) { id } }",
        {"id": world.cases["south"].case},
        headers=bearer(secret),
    )
    assert south.ok() == {"case": None}


async def test_a_key_holds_no_more_than_its_creator_holds_now(graphql, staff_users):
    _, admin = await _admin(staff_users)
    officer = await staff_users.user("kit.keys@council.invalid", PEOPLE_READ, KEYS)
    login = await staff_users.login("kit.keys@council.invalid")
    created = await graphql.execute(
        CREATE_KEY,
        {"i": {"name": "Feed", "agencyCode": "police", "permissions": [PEOPLE_READ]}},
        headers=bearer(login.ok()["login"]["token"]),
    )
    key = bearer(created.ok()["createApiKey"]["secret"])
    assert (await graphql.execute(PERSON, headers=key)).ok() == {"person": None}

    # the officer's role is taken away: the key loses it with them, at once
    taken = await graphql.execute(REVOKE, _grant_input(officer, "role_1"), headers=bearer(admin))
    assert _errors(taken, "revokeRole") == []
    refused = await graphql.execute(PERSON, headers=key)
    assert got_nothing(refused) and refused.error_codes() == ["PERMISSION_DENIED"]

    # given back, and then the officer leaves: a deactivated creator's keys hold nothing
    await _grant(staff_users, officer, "role_1")
    assert (await graphql.execute(PERSON, headers=key)).ok() == {"person": None}
    async with staff_users.database.sessionmaker() as session, session.begin():
        (await session.get(StaffUser, officer)).is_active = False
    assert got_nothing(await graphql.execute(PERSON, headers=key))


async def test_a_key_cannot_mint_keys(graphql, staff_users):
    writer = await staff_users.api_key(PEOPLE_READ, KEYS, read_only=False)

    minted = await graphql.execute(
        CREATE_KEY,
        {"i": {"name": "Copy", "agencyCode": "police", "permissions": [PEOPLE_READ]}},
        headers=bearer(writer.secret),
    )

    assert _errors(minted, "createApiKey") == [("PERMISSION_DENIED", None)]
