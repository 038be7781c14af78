"""PostGraphile v4 over the same PostgreSQL tables, driven exactly like our server.

PostGraphile generates a GraphQL API from the tables (one SQL statement per request,
built with json functions), so it is what a council could run instead. It is
installed with npm into bench/.peer (git-ignored) on first use, runs on the machine's
Node.js, and answers the queries in queries/postgraphile/, which ask for the same
data under its generated names.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path

import httpx
from load import drive, free_port, wait_until_answers
from strawberry import relay

PEER_DIR = Path(__file__).with_name(".peer")
CLI = PEER_DIR / "node_modules" / ".bin" / "postgraphile"
QUERIES = Path(__file__).with_name("queries") / "postgraphile"
QUIET = ("--disable-query-log", "--disable-graphiql")
NOT_COMPARED = {
    "person_page": "its generated API has no timeline across cases, demands and activities",
    "search": "its generated API has no fuzzy (typo-tolerant) name search",
}


def install() -> str | None:
    """Install PostGraphile 4 when missing; why it cannot run, or None."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "Node.js and npm are not installed"
    if not CLI.exists():
        PEER_DIR.mkdir(exist_ok=True)
        done = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--prefix", PEER_DIR, "postgraphile@4"],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            return f"npm install postgraphile@4 failed: {done.stderr.strip()[-500:]}"
    return None


def variables_for(name: str, ours: dict) -> dict:
    if name in ("node_by_id", "node_person"):
        return {"id": relay.GlobalID.from_id(ours["id"]).node_id}
    return ours


async def compare(url: str, args, variables: dict, results: dict) -> None:
    print("\n== peer: PostGraphile 4 over the same tables (same wrk settings)")
    why = install()
    if why:
        print(f"   not run: {why}")
        return
    port = free_port()
    log = PEER_DIR / "server.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [*("node", CLI, "-c", url, "--schema", "public", "--port", str(port)), *QUIET],
            stdout=output,
            stderr=output,
        )
    endpoint = f"http://127.0.0.1:{port}/graphql"
    try:
        await wait_until_answers(
            "PostGraphile", process, log, lambda http: _answers(http, endpoint)
        )
        print(f"   PostGraphile {_version()} on Node.js, one process")
        for name, ours in results.items():
            if name in NOT_COMPARED:
                print(f"   {name}: not compared: {NOT_COMPARED[name]}")
                continue
            body = {
                "query": (QUERIES / f"{name}.graphql").read_text(),
                "variables": variables_for(name, variables[name]),
            }
            size = await _check(endpoint, body)
            print(f"   {name}: {size:,} response bytes")
            print(
                f"   {'conc':>4} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'CPU ms/req':>10}"
                f" {'failed':>6}   ours/theirs: {'req/s':>6} {'p95':>6} {'CPU':>6}"
            )
            for mine in ours:
                theirs = await asyncio.to_thread(
                    drive, endpoint, body, None, process.pid, mine.concurrency, args.seconds
                )
                print(
                    f"   {theirs.concurrency:>4} {theirs.per_second:8.1f} {theirs.p50_ms:8.1f} "
                    f"{theirs.p95_ms:8.1f} {theirs.cpu_ms:10.2f} {theirs.failures:>6}"
                    f"   {' ' * 12}{mine.per_second / theirs.per_second:6.2f} "
                    f"{mine.p95_ms / theirs.p95_ms:6.2f} {mine.cpu_ms / theirs.cpu_ms:6.2f}"
                )
    finally:
        process.terminate()
        process.wait(timeout=10)


async def _check(endpoint: str, body: dict) -> int:
    async with httpx.AsyncClient() as http:
        answer = await http.post(endpoint, json=body)
    if answer.status_code != 200 or "errors" in answer.json():
        raise RuntimeError(f"PostGraphile refused the query: {answer.text[:500]}")
    return len(answer.content)


async def _answers(http: httpx.AsyncClient, endpoint: str) -> bool:
    answer = await http.post(endpoint, json={"query": "{ __typename }"})
    return answer.status_code == 200


def _version() -> str:
    package = PEER_DIR / "node_modules" / "postgraphile" / "package.json"
    return json.loads(package.read_text())["version"]
