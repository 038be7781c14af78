"""Signing in by username as well as by email, with one throttle per account."""

from __future__ import annotations

import pytest

from security.conftest import LOGIN, PASSWORD, bearer

VIEWER = "{ viewer { email username } }"
CREATE = """mutation($i: CreateStaffUserInput!) { createStaffUser(input: $i) {
  user { id email username version } errors { code field message } } }"""
UPDATE = """mutation($i: UpdateStaffUserInput!) { updateStaffUser(input: $i) {
  user { username } errors { code field message } } }"""
MANAGER = ("core.users.manage", "core.staff.read")


async def login(staff_users, password: str = PASSWORD, **names: str) -> dict:
    result = await staff_users.graphql.execute(LOGIN, {"input": {"password": password, **names}})
    return result.ok()["login"]


async def admin(staff_users) -> str:
    return await staff_users.token("admin@council.invalid", *MANAGER)


async def create(staff_users, token: str, email: str, username: str) -> dict:
    user = {"email": email, "displayName": "Fen", "password": PASSWORD, "username": username}
    result = await staff_users.graphql.execute(CREATE, {"i": user}, headers=bearer(token))
    return result.ok()["createStaffUser"]


async def test_a_user_signs_in_with_their_username_or_their_email(staff_users):
    token = await admin(staff_users)
    made = await create(staff_users, token, "fen.officer@council.invalid", "Fen.Officer")
    # usernames are kept lower-cased, and match whatever the case typed
    assert made["errors"] == [] and made["user"]["username"] == "fen.officer"
    for names in ({"username": "FEN.officer"}, {"email": "Fen.Officer@council.invalid"}):
        signed = await login(staff_users, **names)
        assert signed["errors"] == [], names
        viewer = await staff_users.graphql.execute(VIEWER, headers=bearer(signed["token"]))
        assert viewer.ok()["viewer"] == {
            "email": "fen.officer@council.invalid",
            "username": "fen.officer",
        }


async def test_alternating_username_and_email_gives_no_extra_guesses(staff_users):
    token = await admin(staff_users)
    await create(staff_users, token, "gil@council.invalid", "gil_k")
    for attempt in range(10):
        names = {"username": "gil_k"} if attempt % 2 else {"email": "GIL@council.invalid"}
        wrong = await login(staff_users, f"wrong-password-{attempt:04}", **names)
        assert wrong["errors"][0]["code"] == "UNAUTHENTICATED"
    # ten failures in all, by either name: the account is throttled by both
    for names in ({"username": "gil_k"}, {"email": "gil@council.invalid"}):
        refused = await login(staff_users, **names)
        assert refused["token"] is None and refused["errors"][0]["code"] == "THROTTLED"


async def test_an_unknown_username_looks_like_a_wrong_password(staff_users):
    token = await admin(staff_users)
    await create(staff_users, token, "hal@council.invalid", "hal")
    wrong = await login(staff_users, "not-the-password-1", username="hal")
    unknown = await login(staff_users, "not-the-password-1", username="nobody-here")
    assert wrong["errors"] == unknown["errors"]
    assert wrong["errors"][0]["code"] == "UNAUTHENTICATED"
    # an email given as a username never reaches the email column
    as_username = await login(staff_users, username="hal@council.invalid")
    assert as_username["errors"] == wrong["errors"]


@pytest.mark.parametrize("names", [{}, {"email": "a@council.invalid", "username": "abc"}])
async def test_exactly_one_of_email_and_username(staff_users, names):
    refused = await login(staff_users, **names)
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("VALIDATION", "email")]


async def test_usernames_are_checked_unique_and_can_be_removed(staff_users, graphql):
    token = await admin(staff_users)
    first = (await create(staff_users, token, "ivy@council.invalid", "ivy"))["user"]
    taken = await create(staff_users, token, "ivy.two@council.invalid", "IVY")
    assert [(e["code"], e["field"]) for e in taken["errors"]] == [("DUPLICATE", "username")]
    for bad in ("iv", "ivy@council", "-ivy", "ivy two"):
        refused = await create(staff_users, token, "ivy.three@council.invalid", bad)
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [("VALIDATION", "username")]
    change = {"id": first["id"], "expectedVersion": first["version"], "username": ""}
    result = await graphql.execute(UPDATE, {"i": change}, headers=bearer(token))
    assert result.ok()["updateStaffUser"] == {"user": {"username": None}, "errors": []}
    gone = await login(staff_users, username="ivy")
    assert gone["errors"][0]["code"] == "UNAUTHENTICATED"
