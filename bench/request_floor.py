"""The fixed cost of a signed-in request, ``{ __typename }``, beside a plain strawberry app.

Every request pays for what surrounds the resolvers: the HTTP layer, signing in, the
request's context and extensions (limits, audit, error masking). This prints CPU
microseconds per request for:

- PDMS: the real app, in process over ASGI, a staff user signed in through ``login``
  (a real session token, so signing in is part of every request);
- the floor: a plain strawberry + starlette app answering the same document with no
  sign-in, limits or audit (issue 26 asks for PDMS at most 1.2x this);
- the HTTP client's own share: a bare starlette route returning the same JSON body, taken
  out of both figures above before the ratio is formed.

Runs on a fresh SQLite file, or on PostgreSQL when PDMS_BENCH_POSTGRES_URL names a server
where a throwaway database may be created.

    .venv/bin/python bench/request_floor.py [--requests 3000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable

import httpx
import strawberry
from scratch_db import bench_database
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
from strawberry.asgi import GraphQL

from pdms_core.app import create_app
from pdms_core.auth.actor import SYSTEM
from pdms_core.auth.users import create_user
from pdms_core.db import migrations
from pdms_core.db.engine import Database
from pdms_core.host import PluginHost
from pdms_core.settings import Settings

PASSWORD = "bench-passphrase-2025-quiet-river"
EMAIL = "floor.officer@council.invalid"
LOGIN = "mutation($i: LoginInput!) { login(input: $i) { token errors { code } } }"
TYPENAME = {"query": "{ __typename }"}
ANSWER = b'{"data":{"__typename":"Query"}}'


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "hello"


def plain_app() -> Starlette:
    """A plain strawberry + starlette app: the framework's own floor."""
    graphql = GraphQL(strawberry.Schema(query=Query), graphql_ide=None)
    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])


def bare_app() -> Starlette:
    """A route answering the same JSON without GraphQL: the client's and ASGI's share."""

    async def answer(_request: object) -> Response:
        return Response(ANSWER, media_type="application/json")

    return Starlette(routes=[Route("/graphql", answer, methods=["POST"])])


async def cpu_per_request(http: httpx.AsyncClient, requests: int, rounds: int) -> float:
    """Median over rounds of process CPU microseconds per request."""
    for _ in range(200):  # warm caches, pools and the session
        (await http.post("/graphql", json=TYPENAME)).raise_for_status()
    figures = []
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(requests):
            response = await http.post("/graphql", json=TYPENAME)
        figures.append((time.process_time() - started) / requests * 1e6)
        assert response.json() == {"data": {"__typename": "Query"}}, response.text
    return statistics.median(figures)


async def measure(app: Starlette, requests: int, rounds: int, headers: dict | None = None):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://bench", headers=headers or {}
    ) as http:
        return await cpu_per_request(http, requests, rounds)


async def signed_in(app: Starlette) -> dict[str, str]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
        variables = {"i": {"email": EMAIL, "password": PASSWORD}}
        response = await http.post("/graphql", json={"query": LOGIN, "variables": variables})
        token = response.json()["data"]["login"]["token"]
    assert token, response.text
    return {"Authorization": f"Bearer {token}"}


async def run(url: str, requests: int, rounds: int, settings_changes: Callable) -> None:
    host = PluginHost.load(settings_changes(Settings(database_url=url)))
    await asyncio.to_thread(migrations.upgrade, host)
    database = Database.connect(url)
    try:
        async with database.sessionmaker() as session, session.begin():
            await create_user(session, SYSTEM, email=EMAIL, display_name="Floor", password=PASSWORD)
        app = create_app(host=host, database=database)
        async with app.router.lifespan_context(app):
            headers = await signed_in(app)
            ours = await measure(app, requests, rounds, headers)
        plain = await measure(plain_app(), requests, rounds)
        bare = await measure(bare_app(), requests, rounds)
    finally:
        await database.dispose()
    print(f"backend {database.backend}, {rounds} rounds of {requests} requests, CPU us/request")
    print(f"PDMS, signed in (session token):  {ours:7.0f}")
    print(f"plain strawberry + starlette:     {plain:7.0f}")
    print(f"HTTP client + bare route:         {bare:7.0f}")
    ratio = (ours - bare) / (plain - bare)
    print(f"ratio, client share taken out:    {ratio:7.2f} x  (floor 1.2 x)")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--redis-url", help="serve with this Redis (shared session cache)")
    args = parser.parse_args()

    def changes(settings: Settings) -> Settings:
        return settings.with_changes(redis_url=args.redis_url) if args.redis_url else settings

    async with bench_database() as url:
        await run(url, args.requests, args.rounds, changes)


if __name__ == "__main__":
    asyncio.run(main())
