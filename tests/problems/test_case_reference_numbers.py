"""Case numbers under concurrency: PostgreSQL openings don't wait on each other's commit."""

from __future__ import annotations

from sqlalchemy import text

from pdms_core.auth.actor import SYSTEM
from pdms_core.cases.services import open_case
from problems.problem_steps import open_case as open_case_over_graphql

MODULES = {"core", "dummy"}


async def _open(session):
    return await open_case(session, SYSTEM, module="core", known_modules=MODULES)


async def test_an_uncommitted_opening_does_not_hold_up_the_next(synced, caseworker, pdms_backend):
    first = int((await open_case_over_graphql(caseworker))["reference"].split("-")[1])
    slow = synced.sessionmaker()
    await slow.begin()
    try:
        # given an opening whose transaction has not committed yet
        held = await _open(slow)
        if pdms_backend == "postgresql":
            # when another opening runs meanwhile, refusing to wait for any lock
            async with synced.sessionmaker() as quick, quick.begin():
                await quick.execute(text("SET LOCAL lock_timeout = '2s'"))
                other = await _open(quick)
            # then it gets the next number without waiting for the first to commit
            assert {held.reference, other.reference} == {
                f"CASE-{first + 1:06d}",
                f"CASE-{first + 2:06d}",
            }
    finally:
        await slow.rollback()
        await slow.close()

    # a rolled-back opening leaves a gap on PostgreSQL and gives its number back on SQLite
    after = (await open_case_over_graphql(caseworker))["reference"]
    expected = first + 3 if pdms_backend == "postgresql" else first + 1
    assert after == f"CASE-{expected:06d}"
