"""The framework's own ceiling over HTTP: a plain strawberry app under uvicorn, beside ours.

``node(id:)`` answered by a plain strawberry + starlette app from a dict in memory (no
database, no sign-in, no limits, no audit), served by uvicorn in one process exactly as
``pdms serve`` serves, driven by the same wrk settings as bench/portal.py. What it
reaches is the most any one PDMS worker could reach on this machine for the same
response, so it puts the PostGraphile ratios in bench/RESULTS.md in proportion: a
Node.js server answering in a quarter of a millisecond of CPU is beyond what this
stack can do per request, whatever PDMS does.

    .venv/bin/python bench/framework_floor.py [--seconds 10] [--concurrency 1 4]
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
from pathlib import Path

import strawberry
from load import drive, free_port, wait_until_answers, wrk_missing
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL

QUERY = "query($id: ID!) { node(id: $id) { ... on Place { id uprn singleLineAddress } } }"
PLACE_ID = "UGxhY2U6MQ=="


@strawberry.type
class Place:
    id: strawberry.ID
    uprn: str
    single_line_address: str


PLACES = {PLACE_ID: Place(id=PLACE_ID, uprn="100000001", single_line_address="1 Floor Row")}


@strawberry.type
class Query:
    @strawberry.field
    def node(self, id: strawberry.ID) -> Place | None:
        return PLACES.get(id)


def app() -> Starlette:
    """The plain app (uvicorn's factory)."""
    graphql = GraphQL(strawberry.Schema(query=Query), graphql_ide=None)
    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])


async def answers(http, url: str) -> bool:
    response = await http.post(url, json={"query": QUERY, "variables": {"id": PLACE_ID}})
    return response.status_code == 200 and response.json()["data"]["node"] is not None


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4])
    args = parser.parse_args()
    missing = wrk_missing()
    if missing:
        sys.exit(f"bench/framework_floor.py needs wrk: {missing}")
    port = free_port()
    log = Path("/dev/null")
    command = [sys.executable, "-m", "uvicorn", "framework_floor:app", "--factory"]
    command += ["--port", str(port), "--log-level", "warning", "--no-access-log"]
    process = subprocess.Popen(command, cwd=Path(__file__).parent)
    url = f"http://127.0.0.1:{port}/graphql"
    body = {"query": QUERY, "variables": {"id": PLACE_ID}}
    try:
        await wait_until_answers("the plain app", process, log, lambda h: answers(h, url))
        print("plain strawberry + starlette under uvicorn, one process, node(id:) from memory")
        print(f"   {'conc':>4} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'CPU ms/req':>10}")
        for concurrency in args.concurrency:
            result = await asyncio.to_thread(
                drive, url, body, None, process.pid, concurrency, args.seconds
            )
            print(
                f"   {concurrency:>4} {result.per_second:8.1f} {result.p50_ms:8.1f} "
                f"{result.p95_ms:8.1f} {result.cpu_ms:10.2f}"
            )
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    asyncio.run(main())
