"""Delegation: nobody hands out (to others, to a key or to themselves) more than they hold.

Every test signs in for real and goes through GraphQL; the roles and keys it starts
with are made the way the CLI makes them (no actor, no checks).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from pdms_core.auth.models import Role, StaffUser, UserRole
from pdms_core.auth.users import RoleFields, create_admin, create_role, grant_role
from pdms_core.graphql.node import global_id
from security.case_world import build_world
from security.conftest import PASSWORD, bearer, got_nothing

GRANT = """mutation($i: RoleGrantInput!) {
  grantRole(input: $i) { errors { code field } } }"""
REVOKE = """mutation($i: RoleGrantInput!) {
  revokeRole(input: $i) { errors { code field } } }"""
CREATE_ROLE = """mutation($i: CreateRoleInput!) {
  createRole(input: $i) { errors { code field } } }"""
SET_PERMISSIONS = """mutation($i: SetRolePermissionsInput!) {
  setRolePermissions(input: $i) { errors { code field } } }"""
UPDATE_USER = """mutation($i: UpdateStaffUserInput!) {
  updateStaffUser(input: $i) { errors { code field } } }"""
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


# -- item 4: roles -------------------------------------------------------------------


async def test_a_team_user_manager_cannot_make_anyone_admin(graphql, pdms_db, staff_users):
    await _admin(staff_users)
    north, _ = await _teams(pdms_db)
    me = await staff_users.user("max.manager@council.invalid", USERS, team_id=_team_id(north))
    other = await staff_users.user("oli.other@council.invalid")
    token = (await staff_users.login("max.manager@council.invalid")).ok()["login"]["token"]

    for who, team, field in (
        (me, None, "teamId"),
        (me, north, "roleCode"),
        (other, north, "roleCode"),
    ):
        result = await graphql.execute(
            GRANT, _grant_input(who, "admin", team), headers=bearer(token)
        )
        assert _errors(result, "grantRole") == [("PERMISSION_DENIED", field)]

    async with staff_users.database.sessionmaker() as session:
        admin_role = await session.scalar(select(Role.id).where(Role.code == "admin"))
        holders = set(
            await session.scalars(select(UserRole.user_id).where(UserRole.role_id == admin_role))
        )
    assert me not in holders and other not in holders
    again = (await staff_users.login("max.manager@council.invalid")).ok()["login"]["token"]
    refused = await graphql.execute(API_KEYS, headers=bearer(again))
    assert refused.error_codes() == ["PERMISSION_DENIED"]


async def test_a_role_manager_cannot_add_what_they_lack(graphql, staff_users):
    await staff_users.user("rue.roles@council.invalid", ROLES)
    token = bearer((await staff_users.login("rue.roles@council.invalid")).ok()["login"]["token"])
    async with staff_users.database.sessionmaker() as session:
        own = await session.scalar(select(Role).where(Role.code == "role_1"))

    widened = await graphql.execute(
        SET_PERMISSIONS,
        {
            "i": {
                "id": global_id("Role", own.id),
                "expectedVersion": own.version,
                "permissions": [ROLES, CASES_READ],
            }
        },
        headers=token,
    )
    assert _errors(widened, "setRolePermissions") == [("PERMISSION_DENIED", "permissions")]
    new = {"code": "case_reader", "name": "Case reader", "permissions": [CASES_READ]}
    created = await graphql.execute(CREATE_ROLE, {"i": new}, headers=token)
    assert _errors(created, "createRole") == [("PERMISSION_DENIED", "permissions")]
    # the admin role is the CLI's: made here, `pdms users create-admin` would fill it
    reserved = await graphql.execute(
        CREATE_ROLE,
        {"i": {"code": "admin", "name": "Admin", "permissions": [ROLES]}},
        headers=token,
    )
    assert _errors(reserved, "createRole") == [("PERMISSION_DENIED", "code")]
    # codes they hold council-wide are fine
    allowed = await graphql.execute(
        CREATE_ROLE, {"i": {**new, "code": "role_admin", "permissions": [ROLES]}}, headers=token
    )
    assert _errors(allowed, "createRole") == []


async def test_a_team_manager_grants_and_revokes_only_within_their_teams(
    graphql, pdms_db, staff_users
):
    north, south = await _teams(pdms_db)
    await _role(staff_users, "case_reader", CASES_READ)
    await staff_users.user("tess.team@council.invalid", USERS, CASES_READ, team_id=_team_id(north))
    colleague = await staff_users.user("cal.colleague@council.invalid")
    await _grant(staff_users, colleague, "case_reader")  # council-wide, by the CLI
    token = bearer((await staff_users.login("tess.team@council.invalid")).ok()["login"]["token"])

    for document, name, team, expected in (
        (GRANT, "grantRole", north, []),
        (GRANT, "grantRole", south, [("PERMISSION_DENIED", "teamId")]),
        (GRANT, "grantRole", None, [("PERMISSION_DENIED", "teamId")]),
        (REVOKE, "revokeRole", None, [("PERMISSION_DENIED", "teamId")]),
        (REVOKE, "revokeRole", north, []),
    ):
        result = await graphql.execute(
            document, _grant_input(colleague, "case_reader", team), headers=token
        )
        assert _errors(result, name) == expected, (name, team)


async def test_nobody_gives_themselves_a_new_grant(graphql, pdms_db, staff_users):
    north, _ = await _teams(pdms_db)
    admin_id, admin = await _admin(staff_users)

    added = await graphql.execute(
        GRANT, _grant_input(admin_id, "admin", north), headers=bearer(admin)
    )
    assert _errors(added, "grantRole") == [("PERMISSION_DENIED", "userId")]
    # granting what they already have changes nothing, so it is allowed
    same = await graphql.execute(GRANT, _grant_input(admin_id, "admin"), headers=bearer(admin))
    assert _errors(same, "grantRole") == []


async def test_a_manager_cannot_take_over_someone_who_holds_more(graphql, pdms_db, staff_users):
    north, _ = await _teams(pdms_db)
    admin_id, _ = await _admin(staff_users)
    await staff_users.user(
        "mo.manager@council.invalid", USERS, PEOPLE_READ, team_id=_team_id(north)
    )
    peer = await staff_users.user("pat.peer@council.invalid", PEOPLE_READ, team_id=_team_id(north))
    token = bearer((await staff_users.login("mo.manager@council.invalid")).ok()["login"]["token"])

    # the admin's email redirected to the manager's inbox, then a password reset: no
    hijack = {
        "id": global_id("StaffUser", admin_id),
        "expectedVersion": 1,
        "email": "mo.inbox@council.invalid",
    }
    result = await graphql.execute(UPDATE_USER, {"i": hijack}, headers=token)
    assert _errors(result, "updateStaffUser") == [("PERMISSION_DENIED", "id")]
    fine = {"id": global_id("StaffUser", peer), "expectedVersion": 1, "displayName": "Pat"}
    result = await graphql.execute(UPDATE_USER, {"i": fine}, headers=token)
    assert _errors(result, "updateStaffUser") == []


async def test_delegating_what_you_hold_still_works(graphql, staff_users):
    _, admin = await _admin(staff_users)
    await _role(staff_users, "people_reader", PEOPLE_READ)
    colleague = await staff_users.user("bo.colleague@council.invalid")

    result = await graphql.execute(
        GRANT, _grant_input(colleague, "people_reader"), headers=bearer(admin)
    )

    assert _errors(result, "grantRole") == []
    token = (await staff_users.login("bo.colleague@council.invalid")).ok()["login"]["token"]
    assert (await graphql.execute(PERSON, headers=bearer(token))).ok() == {"person": None}
