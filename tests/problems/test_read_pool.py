"""Pages read at the same time keep the readers' connections instead of reconnecting."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event

from tests.problems.test_portal_statements import PORTAL_LIST, seed_small_council


async def test_four_portal_lists_at_once_reuse_the_readers_connections(
    pdms_host, pdms_db, caseworker
):
    if pdms_db.backend != "postgresql":
        pytest.skip("only PostgreSQL reads through a pool of its own (Database.readers)")
    await seed_small_council(pdms_host)
    readers = pdms_db.engines[-1].sync_engine
    closed: list[object] = []

    def count(*_: object) -> None:
        closed.append(object())

    event.listen(readers, "close", count)
    try:
        for _ in range(3):
            answers = await asyncio.gather(
                *(caseworker.execute(PORTAL_LIST, {"first": 20}) for _ in range(4))
            )
            assert all(answer.ok()["cases"]["nodes"] for answer in answers)
    finally:
        event.remove(readers, "close", count)
    # Four pages at once (up to five loader batches each) keep every connection they
    # open: a pool smaller than that closed a connection after each overflowing batch
    # and opened another for the next.
    assert closed == []
