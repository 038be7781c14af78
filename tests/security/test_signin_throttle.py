"""Sign-in throttling under concurrency, and password changes counted like sign-ins."""

from __future__ import annotations

import asyncio
from collections import Counter

from security.conftest import PASSWORD, bearer

CHANGE = """mutation($c: String!, $p: String!) { changePassword(currentPassword: $c,
  newPassword: $p) { ok errors { code field } } }"""
NEW_PASSWORD = "a brand new passphrase 77"


def _code(result, field: str) -> str:
    return result.ok()[field]["errors"][0]["code"]


async def test_forty_concurrent_guesses_reach_the_password_check_ten_times(staff_users):
    # given an account, and 40 wrong passwords for it sent at once
    await staff_users.user("lin.officer@council.invalid")
    guesses = [
        staff_users.login("lin.officer@council.invalid", f"wrong-guess-{n:04}") for n in range(40)
    ]
    results = await asyncio.gather(*guesses)
    # then the attempt is counted before the password is checked, atomically: exactly
    # ten are checked (and fail), the other thirty are refused unchecked
    codes = Counter(_code(result, "login") for result in results)
    assert codes == {"UNAUTHENTICATED": 10, "THROTTLED": 30}
    # and the right password is refused too, while the window lasts
    right = (await staff_users.login("lin.officer@council.invalid")).ok()["login"]
    assert right["token"] is None and right["errors"][0]["code"] == "THROTTLED"


async def test_concurrent_guesses_at_an_unknown_address_are_limited_alike(staff_users):
    # the count is per address whether or not an account has it, so the answers match
    guesses = [
        staff_users.login("nobody.here@council.invalid", f"wrong-guess-{n:04}") for n in range(15)
    ]
    codes = Counter(_code(result, "login") for result in await asyncio.gather(*guesses))
    assert codes == {"UNAUTHENTICATED": 10, "THROTTLED": 5}


async def test_wrong_current_passwords_count_like_failed_sign_ins(staff_users, graphql):
    # given a signed-in user whose account has five failed sign-ins
    token = await staff_users.token("mo.officer@council.invalid")
    for n in range(5):
        await staff_users.login("mo.officer@council.invalid", f"wrong-guess-{n:04}")
    # when five wrong current passwords are given to changePassword, concurrently
    changes = [
        graphql.execute(CHANGE, {"c": f"wrong-current-{n:04}", "p": NEW_PASSWORD}, bearer(token))
        for n in range(5)
    ]
    results = await asyncio.gather(*changes)
    assert [r.ok()["changePassword"]["errors"] for r in results] == [
        [{"code": "VALIDATION", "field": "currentPassword"}]
    ] * 5
    # then the account's limit of ten is used up: the right current password is refused
    right = await graphql.execute(CHANGE, {"c": PASSWORD, "p": NEW_PASSWORD}, bearer(token))
    assert right.ok()["changePassword"] == {
        "ok": False,
        "errors": [{"code": "THROTTLED", "field": None}],
    }
    # and so is signing in with it
    assert _code(await staff_users.login("mo.officer@council.invalid"), "login") == "THROTTLED"


async def test_more_than_ten_wrong_current_passwords_are_throttled(staff_users, graphql):
    token = await staff_users.token("nia.officer@council.invalid")
    changes = [
        graphql.execute(CHANGE, {"c": f"wrong-current-{n:04}", "p": NEW_PASSWORD}, bearer(token))
        for n in range(14)
    ]
    results = await asyncio.gather(*changes)
    codes = Counter(_code(result, "changePassword") for result in results)
    assert codes == {"VALIDATION": 10, "THROTTLED": 4}
