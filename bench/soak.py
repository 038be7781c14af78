"""A long run at concurrency 8 with mixed queries: does a worker's memory stay flat?

Serves a database already built with ``pdms demo seed`` (the county, see
bench/README.md) with the real server, signs in as a staff user, then runs one wrk per
canonical query in bench/queries at once (two connections each: concurrency 8 for four
queries) for ``--minutes``. Every ``--every`` seconds it prints the server processes'
resident memory; at the end, requests, HTTP failures, answers carrying GraphQL errors
and RSS at the start (after a warm-up) and the end.

    .venv/bin/python bench/soak.py --database-url URL [--minutes 10] [--workers 1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import portal
from load import _descendants, wrk_missing

from pdms_core.db.engine import Database
from pdms_core.settings import Settings

LUA = Path(__file__).with_name("wrk_soak.lua")
MIXED = ("portal_list", "person_page", "node_person", "search")


def rss_mb(pid: int) -> float:
    """Resident memory of the server and its worker processes, in MB."""
    total = 0
    for process in [pid, *_descendants(pid)]:
        try:
            status = Path(f"/proc/{process}/status").read_text()
        except FileNotFoundError:
            continue
        kb = next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))
        total += int(kb)
    return total / 1024


def start_wrk(base: str, body_file: Path, token: str, seconds: int) -> subprocess.Popen:
    env = {**os.environ, "BENCH_BODY": str(body_file), "BENCH_TOKEN": token}
    command = ["wrk", "-t1", "-c2", f"-d{seconds}s", "--timeout", "30s", "-s", str(LUA)]
    return subprocess.Popen(
        [*command, f"{base}/graphql"], env=env, stdout=subprocess.PIPE, text=True
    )


async def soak(url: str, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**portal.server_env(url, data_dir), "BENCH_WORKERS": str(args.workers)}
        if args.redis_url:
            env["PDMS_REDIS_URL"] = args.redis_url
        settings = Settings.from_env(env)
        database = Database.connect(settings.resolved_database_url, hide_parameters=True)
        try:
            password = await asyncio.to_thread(portal.create_staff_user, env)
            variables = await portal.variables_for(database)
        finally:
            await database.dispose()
        async with portal.running_server(env) as (base, pid):
            token = await portal.sign_in(base, password)
            bodies = {}
            for name in MIXED:
                document = (portal.QUERIES / f"{name}.graphql").read_text()
                bodies[name] = Path(data_dir) / f"{name}.json"
                bodies[name].write_text(
                    json.dumps({"query": document, "variables": variables[name]})
                )
            for body in bodies.values():  # warm-up: caches, pools, first allocations
                start_wrk(base, body, token, 5).wait()
            start = rss_mb(pid)
            print(f"{args.workers} worker process(es); RSS after warm-up {start:.0f} MB")
            seconds = int(args.minutes * 60)
            loads = {name: start_wrk(base, bodies[name], token, seconds) for name in MIXED}
            began = time.monotonic()
            while any(process.poll() is None for process in loads.values()):
                await asyncio.sleep(min(args.every, max(1, seconds - (time.monotonic() - began))))
                print(f"  {time.monotonic() - began:6.0f} s  RSS {rss_mb(pid):6.0f} MB", flush=True)
            end = rss_mb(pid)
    report(loads, start, end, args)


def report(loads: dict, start: float, end: float, args: argparse.Namespace) -> None:
    total = failed = errors = 0
    for name, process in loads.items():
        summary = json.loads(process.stdout.read().strip().splitlines()[-1])
        total += summary["requests"]
        failed += summary["non_2xx"] + summary["socket_errors"]
        errors += summary["graphql_errors"]
        rate = summary["requests"] / (summary["duration_us"] / 1e6)
        print(
            f"  {name:12} {summary['requests']:8d} requests {rate:7.1f}/s "
            f"p50 {summary['p50'] / 1000:7.1f} ms p99 {summary['p99'] / 1000:7.1f} ms"
        )
    print(
        f"{args.minutes:g} min at concurrency {2 * len(loads)}: {total} requests, "
        f"{failed} HTTP failures, {errors} answers with GraphQL errors; "
        f"RSS {start:.0f} MB at the start, {end:.0f} MB at the end ({end - start:+.0f} MB)"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a database seeded by the demo")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--every", type=int, default=60, help="seconds between RSS readings")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--redis-url", help="serve with this Redis: the sign-in cache on")
    args = parser.parse_args()
    missing = wrk_missing()
    if missing:
        sys.exit(f"bench/soak.py needs wrk: {missing}")
    await soak(args.database_url, args)


if __name__ == "__main__":
    asyncio.run(main())
