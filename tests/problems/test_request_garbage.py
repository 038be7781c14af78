"""A request's rows, loads and executor are freed when it ends, by reference counting.

If anything a request builds sits in a reference cycle, everything reachable from the
cycle (the answer's rows, the loaders' futures, the executor) outlives the request
until the cyclic garbage collector finds it. Under load that made the collector's
older generations walk and free whole pages at once: pauses of up to 300 ms at
concurrency 4 (bench/RESULTS.md). Here the collector is switched off while pages are
served, and then asked what it would have had to free.

An answer with errors is not covered: an error keeps its traceback, whose frames refer
back to the executor that collected it, and the error log reads that traceback after
the response is built.

This is the fast executor's property (``PDMS_EXECUTOR=fast``: it breaks the cycles its
plans and graphql-core's resolver helpers make), so the pages go to a fast app whatever
``PDMS_TEST_EXECUTOR`` says; the stock one is graphql-core's own, cycles included.
"""

from __future__ import annotations

import asyncio
import gc
from collections import Counter
from pathlib import Path

import pytest
from graphql.execution.executor import Executor

from pdms_core.db.base import Base
from tests.problems.conftest import CASEWORKER
from tests.problems.test_portal_statements import seed_small_council

QUERIES = Path(__file__).parents[2] / "bench" / "queries"
#: What a page's cycles held: the rows it read, the loads and the executor around them.
REQUEST_OBJECTS = (Base, asyncio.Future, Executor)


@pytest.fixture
def caseworker(graphql_under, synced):
    return graphql_under("fast").as_actor(CASEWORKER)


async def _cyclic_garbage_after(serve_pages) -> list:
    """What the cyclic collector would free of the objects ``serve_pages`` made."""
    gc.collect()
    gc.disable()
    try:
        await serve_pages()
        gc.set_debug(gc.DEBUG_SAVEALL)  # keep what it finds, to be named in the failure
        gc.collect()
        return [o for o in gc.garbage if isinstance(o, REQUEST_OBJECTS)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


async def test_portal_pages_leave_nothing_for_the_cyclic_collector(pdms_host, caseworker):
    await seed_small_council(pdms_host)
    portal_list = (QUERIES / "portal_list.graphql").read_text()
    person_page = (QUERIES / "person_page.graphql").read_text()
    cases = (await caseworker.execute(portal_list, {"first": 20})).ok()["cases"]["nodes"]
    person_id = cases[0]["parties"][0]["person"]["id"]

    async def serve_pages() -> None:
        for _ in range(3):
            listed = (await caseworker.execute(portal_list, {"first": 20})).ok()
            assert len(listed["cases"]["nodes"]) == 20
            page = (await caseworker.execute(person_page, {"id": person_id})).ok()
            assert page["node"]["timeline"]["edges"]

    left = await _cyclic_garbage_after(serve_pages)
    assert not left, Counter(type(o).__name__ for o in left).most_common(8)
