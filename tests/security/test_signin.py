"""Sign-in: sessions, expiry, throttling, batching, cookies, password hashes."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner
from sqlalchemy import select, update

from pdms_core.auth.models import Role, StaffSession, StaffUser
from pdms_core.auth.passwords import check_policy
from pdms_core.auth.tokens import now
from pdms_core.cli import build_cli
from pdms_core.cli.context import CliState
from pdms_core.errors import ValidationFailed
from security.conftest import LOGIN, PASSWORD, bearer, got_nothing

VIEWER = "{ viewer { email displayName } }"
LOGOUT = "mutation { logout { ok errors { code } } }"
SESSIONS = "{ mySessions { id current persistent } }"
REVOKE = "mutation($id: ID!) { revokeMySession(id: $id) { ok errors { code } } }"
TWO_LOGINS = """
mutation {
  a: login(input: {email: "a@council.invalid", password: "one-guess-000001"}) { token }
  b: login(input: {email: "a@council.invalid", password: "one-guess-000002"}) { token }
}
"""


async def test_a_user_signs_in_uses_the_token_and_signs_out(staff_users, graphql):
    # given a user with a password
    await staff_users.user("Ada.Officer@Council.invalid")
    # when they sign in with their email in another case
    result = await staff_users.login("ada.officer@council.invalid")
    login = result.ok()["login"]
    token = login["token"]
    # then the opaque token (>= 256 bits) identifies them
    assert login["errors"] == [] and len(token) > 40
    viewer = await graphql.execute(VIEWER, headers=bearer(token))
    assert viewer.ok()["viewer"]["email"] == "Ada.Officer@Council.invalid"
    # and only its hash is stored
    async with staff_users.database.sessionmaker() as session:
        stored = await session.scalar(select(StaffSession.token_hash))
    assert token not in stored
    # when they sign out, the token stops working
    assert (await graphql.execute(LOGOUT, headers=bearer(token))).ok()["logout"]["ok"]
    after = await graphql.execute(VIEWER, headers=bearer(token))
    assert got_nothing(after) and after.error_codes() == ["UNAUTHENTICATED"]


async def test_unauthenticated_callers_get_nothing(staff_users, graphql):
    for document in (VIEWER, SESSIONS, "{ staffUsers { edges { node { email } } } }"):
        result = await graphql.execute(document)
        assert got_nothing(result)


async def test_a_wrong_password_and_an_unknown_email_look_the_same(staff_users):
    await staff_users.user("bo@council.invalid")
    wrong = await staff_users.login("bo@council.invalid", "not-the-password-1")
    unknown = await staff_users.login("nobody@council.invalid", "not-the-password-1")
    assert wrong.ok()["login"]["errors"] == unknown.ok()["login"]["errors"]
    assert wrong.ok()["login"]["errors"][0]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("email", ["cy@council.invalid", "ghost@council.invalid"])
async def test_ten_wrong_passwords_throttle_the_account(staff_users, email):
    await staff_users.user("cy@council.invalid")
    for attempt in range(10):
        result = await staff_users.login(email, f"wrong-password-{attempt:04}")
        assert result.ok()["login"]["errors"][0]["code"] == "UNAUTHENTICATED"
    # the 11th attempt is throttled even with the right password, existing or not
    result = await staff_users.login(email, PASSWORD)
    payload = result.ok()["login"]
    assert payload["token"] is None and payload["errors"][0]["code"] == "THROTTLED"


async def test_sessions_expire_when_idle_and_at_their_absolute_end(staff_users, graphql):
    idle = await staff_users.token("idle@council.invalid")
    old = await staff_users.token("old@council.invalid")
    async with staff_users.database.sessionmaker() as session, session.begin():
        users = {u.email: u.id for u in await session.scalars(select(StaffUser))}
        await session.execute(
            update(StaffSession)
            .where(StaffSession.user_id == users["idle@council.invalid"])
            .values(last_seen_at=now() - timedelta(minutes=31))
        )
        await session.execute(
            update(StaffSession)
            .where(StaffSession.user_id == users["old@council.invalid"])
            .values(expires_at=now() - timedelta(seconds=1))
        )
    for token in (idle, old):
        result = await graphql.execute(VIEWER, headers=bearer(token))
        assert result.error_codes() == ["UNAUTHENTICATED"]


async def test_keep_me_signed_in_lasts_longer(staff_users):
    await staff_users.user("kim@council.invalid")
    short = (await staff_users.login("kim@council.invalid")).ok()["login"]["expiresAt"]
    long = (await staff_users.login("kim@council.invalid", keepSignedIn=True)).ok()["login"]
    assert long["expiresAt"] > short


async def test_users_list_and_revoke_their_own_sessions(staff_users, graphql):
    first = await staff_users.token("dee@council.invalid")
    second = (await staff_users.login("dee@council.invalid")).ok()["login"]["token"]
    sessions = (await graphql.execute(SESSIONS, headers=bearer(first))).ok()["mySessions"]
    assert len(sessions) == 2 and sum(s["current"] for s in sessions) == 1
    other = next(s for s in sessions if not s["current"])
    revoked = await graphql.execute(REVOKE, {"id": other["id"]}, headers=bearer(first))
    assert revoked.ok()["revokeMySession"]["ok"]
    assert got_nothing(await graphql.execute(VIEWER, headers=bearer(second)))
    assert (await graphql.execute(VIEWER, headers=bearer(first))).ok()["viewer"]


async def test_sign_in_mutations_cannot_be_batched_or_aliased(staff_users, graphql):
    result = await graphql.execute(TWO_LOGINS)
    assert result.data is None and result.error_codes() == ["BAD_REQUEST"]
    with_other = await graphql.execute(
        'mutation { login(input: {email: "x@y.invalid", password: "abcdefghijkl"}) { token }'
        " logout { ok } }"
    )
    assert with_other.error_codes() == ["BAD_REQUEST"]


@pytest.mark.parametrize(
    "password", ["short-pass", "x" * 129, "Password1234", "correcthorsebatterystaple"]
)
def test_the_password_policy_refuses_short_long_and_common_passwords(password):
    with pytest.raises(ValidationFailed):
        check_policy(password)


def test_long_passphrases_without_composition_rules_are_fine():
    check_policy("a quiet walk by the river at dusk")
    check_policy("x" * 128)


async def test_outdated_hashes_are_upgraded_on_sign_in(staff_users):
    user_id = await staff_users.user("eve@council.invalid")
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    async with staff_users.database.sessionmaker() as session, session.begin():
        await session.execute(
            update(StaffUser).where(StaffUser.id == user_id).values(password_hash=weak)
        )
    assert (await staff_users.login("eve@council.invalid")).ok()["login"]["token"]
    async with staff_users.database.sessionmaker() as session:
        stored = await session.scalar(select(StaffUser.password_hash))
    assert stored != weak and stored.startswith("$argon2id$")
    assert not PasswordHasher().check_needs_rehash(stored)


async def test_a_cookie_session_needs_the_csrf_header(staff_users, pdms_app):
    await staff_users.user("fay@council.invalid")
    transport = httpx.ASGITransport(app=pdms_app)
    async with httpx.AsyncClient(transport=transport, base_url="https://pdms.test") as http:
        variables = {
            "input": {"email": "fay@council.invalid", "password": PASSWORD, "useCookie": True}
        }
        login = await http.post("/graphql", json={"query": LOGIN, "variables": variables})
        payload = login.json()["data"]["login"]
        assert payload["token"] is None and payload["csrfToken"]
        assert "httponly" in login.headers["set-cookie"].lower()
        without = await http.post("/graphql", json={"query": VIEWER})
        assert without.json()["data"]["viewer"] is None
        with_header = await http.post(
            "/graphql", json={"query": VIEWER}, headers={"X-CSRF-Token": payload["csrfToken"]}
        )
        assert with_header.json()["data"]["viewer"]["email"] == "fay@council.invalid"


async def test_create_admin_bootstraps_an_administrator(staff_users, pdms_host, graphql):
    cli = build_cli(CliState.for_host(pdms_host))
    result = await asyncio.to_thread(
        CliRunner().invoke,
        cli,
        ["users", "create-admin", "--email", "Root@Council.invalid", "--generate-password"],
    )
    assert result.exit_code == 0, result.output
    password = result.output.split("Password: ")[1].strip()
    token = (await staff_users.login("root@council.invalid", password)).ok()["login"]["token"]
    listed = await graphql.execute("{ permissions { code } }", headers=bearer(token))
    assert "core.audit.read" in {p["code"] for p in listed.ok()["permissions"]}


async def test_a_signed_in_user_holds_the_permissions_of_their_active_roles(staff_users, graphql):
    # one role within no team gives people, a second (council-wide) gives places
    token = await staff_users.token(
        "rae.officer@council.invalid", "core.people.read", council_wide=("core.places.read",)
    )
    person = '{ person(id: "UGVyc29uOjk5OTk5") { id } }'
    place = '{ place(uprn: "990000000001") { uprn } }'
    assert (await graphql.execute(person, headers=bearer(token))).ok() == {"person": None}
    assert (await graphql.execute(place, headers=bearer(token))).ok() == {"place": None}
    # when the first role is switched off, its permission goes with it at once
    async with staff_users.database.sessionmaker() as session, session.begin():
        await session.execute(update(Role).where(Role.code == "role_1").values(is_active=False))
    refused = await graphql.execute(person, headers=bearer(token))
    assert refused.error_codes() == ["PERMISSION_DENIED"]
    assert (await graphql.execute(place, headers=bearer(token))).ok() == {"place": None}
