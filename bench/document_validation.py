"""Refusing fragment fan-out documents: time per request, beside a 50 ms floor.

Each fragment spreads the next twice (F0 -> F1 twice -> F2 twice ...), so 20 fragments
stand for 2^19 copies of the last one; before the linear limits (graphql/
document_rules.py) such a 1 KB anonymous document took seconds and 180 fragments hung a
worker. Sent anonymously to the real ASGI app in process (no socket), each request
with its own operation name so neither the parser nor the validation cache (which
compares documents by structure) helps. Also timed: the worst
document the budget lets graphql-core validate (its OverlappingFieldsCanBeMerged rule
is quadratic in fields sharing a response key) and, for scale, the portal list.

    .venv/bin/python bench/document_validation.py [--requests 20]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from pdms_core.app import create_app
from pdms_core.db import migrations
from pdms_core.db.engine import Database
from pdms_core.graphql.document_rules import MAX_SELECTIONS
from pdms_core.host import PluginHost
from pdms_core.settings import Settings
from pdms_core.testing.database import throwaway_database
from pdms_core.testing.documents import fan_out

FLOOR_MS = 50.0
PORTAL_LIST = (Path(__file__).parent / "queries" / "portal_list.graphql").read_text()


DOCUMENTS = {
    "20 fragments, aliased fields": (fan_out(20, "aliases"), "QUERY_TOO_COMPLEX"),
    "20 fragments, spreads side by side": (fan_out(20, "spreads"), "QUERY_TOO_COMPLEX"),
    "200 fragments, aliased fields": (fan_out(200, "aliases"), "DOCUMENT_TOO_LARGE"),
    "200 fragments, spreads side by side": (fan_out(200, "spreads"), "DOCUMENT_TOO_LARGE"),
    f"{MAX_SELECTIONS // 2} x `modules {{ name }}` (budget's worst)": (
        "{ " + "modules { name } " * (MAX_SELECTIONS // 2) + "}",
        None,
    ),
    "portal list (validated, then refused: anonymous)": (PORTAL_LIST, "PERMISSION_DENIED"),
}


async def time_document(http: httpx.AsyncClient, text: str, code: str | None, n: int) -> float:
    timings = []
    for run in range(n):
        named = re.sub(r"\bquery\s*\w*|^(?=\{)", f"query Run{run} ", text, count=1)
        body = {"query": named, "variables": {"first": 50}}
        started = time.perf_counter()
        response = await http.post("/graphql", json=body)
        timings.append(time.perf_counter() - started)
        errors = response.json().get("errors") or []
        codes = {(e.get("extensions") or {}).get("code") for e in errors}
        assert (code in codes) if code else not errors, response.text[:300]
    return statistics.median(timings) * 1000


async def run(url: str, requests: int) -> None:
    host = PluginHost.load(Settings(database_url=url))
    await asyncio.to_thread(migrations.upgrade, host)
    database = Database.connect(url)
    try:
        transport = httpx.ASGITransport(app=create_app(host=host, database=database))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            await time_document(http, "{ modules { name } }", None, 20)  # warm up
            print(f"{requests} requests each, anonymous, median ms per request")
            print(f"{'document':<52} {'ms':>8} {'floor':>8} {'ratio':>7}")
            for name, (text, code) in DOCUMENTS.items():
                median = await time_document(http, text, code, requests)
                print(f"{name:<52} {median:8.1f} {FLOOR_MS:8.1f} {median / FLOOR_MS:6.2f}x")
    finally:
        await database.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        async with throwaway_database("sqlite", None, Path(folder)) as url:
            await run(url, args.requests)


if __name__ == "__main__":
    asyncio.run(main())
