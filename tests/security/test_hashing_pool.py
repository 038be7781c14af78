"""Argon2 runs in a worker pool, off the event loop, with a bound on hashes in flight."""

from __future__ import annotations

import asyncio
import functools
import sys
import threading

from argon2 import PasswordHasher
from sqlalchemy import update

from pdms_core.app import create_app
from pdms_core.auth.models import StaffUser
from pdms_core.host import PluginHost
from pdms_core.testing.client import GraphQLClient
from security.conftest import LOGIN, PASSWORD, bearer

VIEWER = "{ viewer { email } }"


@functools.cache
def slow_hash() -> str:
    # A real Argon2id hash whose parameters make checking it take seconds rather than
    # milliseconds (verification uses the parameters stored in the hash), so a sign-in
    # is observably in the middle of its password check while the test acts.
    return PasswordHasher(time_cost=600, memory_cost=8192, parallelism=1).hash(PASSWORD)


async def _with_slow_hash(staff_users, email: str) -> None:
    user_id = await staff_users.user(email)
    stored = await asyncio.to_thread(slow_hash)
    async with staff_users.database.sessionmaker() as session, session.begin():
        await session.execute(
            update(StaffUser).where(StaffUser.id == user_id).values(password_hash=stored)
        )


def _checking_elsewhere() -> bool:
    """Whether a thread other than this one (the event loop's) is inside argon2's
    PasswordHasher.verify right now."""
    target = PasswordHasher.verify.__code__
    here = threading.get_ident()
    for ident, frame in sys._current_frames().items():
        while ident != here and frame is not None:
            if frame.f_code is target:
                return True
            frame = frame.f_back
    return False


async def _until_checking(task: asyncio.Task) -> bool:
    # Yields to the loop until the sign-in's check is seen in another thread. Were
    # the check run on the loop's own thread, this could never see it: the task would
    # finish first.
    while not task.done():
        if _checking_elsewhere():
            return True
        await asyncio.sleep(0.005)
    return False


async def test_signed_in_requests_complete_while_a_password_is_checked(staff_users, graphql):
    # given a signed-in officer, and a colleague whose password takes seconds to check
    token = await staff_users.token("ora.officer@council.invalid")
    await _with_slow_hash(staff_users, "pat.officer@council.invalid")
    signing_in = asyncio.create_task(staff_users.login("pat.officer@council.invalid"))
    # when the colleague's password is being checked, in a worker thread
    assert await _until_checking(signing_in), "the password was not checked off the loop"
    # then the officer's request is answered meanwhile: it does not wait for the hash
    viewer = await graphql.execute(VIEWER, headers=bearer(token))
    assert viewer.ok()["viewer"]["email"] == "ora.officer@council.invalid"
    assert _checking_elsewhere() and not signing_in.done()
    # and the sign-in completes normally
    assert (await signing_in).ok()["login"]["token"]


async def test_hashes_over_the_bound_are_refused_with_throttled(
    staff_users, pdms_db, pdms_host, pdms_test_actors
):
    # given a server that runs or queues at most one hash at a time
    settings = pdms_host.settings.with_changes(max_password_hashes=1)
    app = create_app(host=PluginHost.load(settings, entry_points=[]), database=pdms_db)
    client = GraphQLClient(app, pdms_test_actors)
    await _with_slow_hash(staff_users, "quin.officer@council.invalid")
    await staff_users.user("rex.officer@council.invalid")

    async def login(email: str):
        return await client.execute(LOGIN, {"input": {"email": email, "password": PASSWORD}})

    first = asyncio.create_task(login("quin.officer@council.invalid"))
    assert await _until_checking(first)
    # when another sign-in arrives while that hash runs, it is refused at once
    second = (await login("rex.officer@council.invalid")).ok()["login"]
    assert second["token"] is None and second["errors"][0]["code"] == "THROTTLED"
    assert not first.done()
    assert (await first).ok()["login"]["token"]
    # and once that hash is done the bound frees: the same sign-in now works
    assert (await login("rex.officer@council.invalid")).ok()["login"]["token"]
