"""Profile one canonical query in process with pyinstrument (``pip install pyinstrument``).

Runs the real ASGI app over a database already built with ``pdms demo seed`` and
prints where the server's time goes, so the biggest costs can be found and fixed
(bench/RESULTS.md records the before and after).

    PDMS_DATABASE_URL=postgresql://.../db .venv/bin/python bench/profile_portal.py \
        [--query portal_list] [--requests 30]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

import httpx
from pyinstrument import Profiler

from pdms_core.app import create_app
from pdms_core.host import PluginHost
from pdms_core.settings import Settings
from pdms_core.testing.actors import HEADER, TestActors, staff

QUERIES = Path(__file__).with_name("queries")
READER = staff(
    "core.cases.read", "core.people.read", "core.places.read", "core.lookups.read", name="Bench"
)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--query", default="portal_list")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--first", type=int, default=50)
    args = parser.parse_args()
    actors = TestActors()
    settings = Settings.from_env().with_changes(cost_per_minute=10**9)
    app = create_app(host=PluginHost.load(settings, extra_hooks=[actors]))
    body = {"query": (QUERIES / f"{args.query}.graphql").read_text()}
    body["variables"] = {"first": args.first}
    headers = {HEADER: actors.token_for(READER)}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
        answer = await http.post("/graphql", json=body, headers=headers)
        assert "errors" not in answer.json(), answer.text[:500]
        cpu = time.process_time()
        for _ in range(args.requests):
            await http.post("/graphql", json=body, headers=headers)
        cpu = (time.process_time() - cpu) / args.requests * 1000
        profiler = Profiler(async_mode="enabled")
        with profiler:
            for _ in range(args.requests):
                await http.post("/graphql", json=body, headers=headers)
    print(f"{args.query}: {cpu:.1f} ms CPU per request, in process, before profiling")
    print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    asyncio.run(main())
