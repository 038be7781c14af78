"""Load generation for bench/portal.py: wrk with a Lua POST script, and process CPU time.

wrk (a C load generator, one thread here so it takes as little of the machine's CPU
as it can) keeps ``concurrency`` connections busy for ``seconds``; the server's CPU
time is read from /proc before and after, so CPU per request is the server's alone.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

LUA = Path(__file__).with_name("wrk_post.lua")
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class LoadResult:
    concurrency: int
    requests: int
    per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    cpu_ms: float  # server CPU time per request
    failures: int  # non-2xx answers and socket errors


def wrk_missing() -> str | None:
    """Why wrk cannot run here, or None."""
    if shutil.which("wrk") is None:
        return "wrk is not installed (Debian: apt-get install wrk)"
    return None


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process, its live descendants (``pdms serve
    --workers``) and its reaped children, in seconds."""
    total = 0
    for process in [pid, *_descendants(pid)]:
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # ended meanwhile: counted in its parent's cutime
            continue
        utime, stime, cutime, cstime = (int(f) for f in fields[11:15])
        total += utime + stime + cutime + cstime
    return total / TICKS


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, pending = [], [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def drive(
    url: str, body: dict, token: str | None, pid: int, concurrency: int, seconds: float
) -> LoadResult:
    """Run wrk against ``url`` and read ``pid``'s CPU time around it."""
    with tempfile.NamedTemporaryFile("w", suffix=".json") as file:
        json.dump(body, file)
        file.flush()
        env = {**os.environ, "BENCH_BODY": file.name, "BENCH_TOKEN": token or ""}
        command = ["wrk", "-t1", f"-c{concurrency}", f"-d{seconds}s", "--timeout", "30s"]
        command += ["-s", str(LUA), url]
        before = cpu_seconds(pid)
        output = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        after = cpu_seconds(pid)
    summary = json.loads(output.stdout.strip().splitlines()[-1])
    requests = max(summary["requests"], 1)
    return LoadResult(
        concurrency=concurrency,
        requests=summary["requests"],
        per_second=summary["requests"] / (summary["duration_us"] / 1e6),
        p50_ms=summary["p50"] / 1000,
        p95_ms=summary["p95"] / 1000,
        p99_ms=summary["p99"] / 1000,
        cpu_ms=(after - before) * 1000 / requests,
        failures=summary["non_2xx"] + summary["socket_errors"],
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on just now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def wait_until_answers(
    what: str,
    process: subprocess.Popen,
    log: Path,
    answers: Callable[[httpx.AsyncClient], Awaitable[bool]],
) -> None:
    """Poll ``answers`` until it says yes; fail if ``process`` stops or a minute passes."""
    deadline = time.monotonic() + 60
    async with httpx.AsyncClient() as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{what} stopped: {log.read_text()[-2000:]}")
            try:
                if await answers(http):
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{what} did not answer within a minute")
