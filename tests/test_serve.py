"""``pdms serve`` as an operator runs it: a real process answering over HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

PDMS = Path(sys.executable).parent / "pdms"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _workers_of(pid: int) -> list[int]:
    """Child processes started by multiprocessing's spawn (uvicorn's workers)."""
    workers = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if parent == pid and b"spawn_main" in command:
            workers.append(int(entry.name))
    return workers


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert process.poll() is None, "the server exited"
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.2)


def test_serve_with_two_workers_answers_from_two_processes_and_stops_cleanly(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PDMS_")}
    env.update(PDMS_DATA_DIR=str(tmp_path / "data"), PDMS_PLUGINS="")
    upgrade = subprocess.run([str(PDMS), "db", "upgrade"], env=env, capture_output=True)
    assert upgrade.returncode == 0, upgrade.stderr
    port = _free_port()
    process = subprocess.Popen(
        [str(PDMS), "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/health", process)
        workers = _workers_of(process.pid)
        assert len(workers) == 2

        def ask(_: int) -> httpx.Response:
            return httpx.post(
                f"http://127.0.0.1:{port}/graphql",
                json={"query": "{ modules { name } }"},
                timeout=30,
            )

        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(ask, range(40)))
        assert {answer.status_code for answer in answers} == {200}
        assert all(answer.json()["data"]["modules"] for answer in answers)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output.decode(errors="replace")
    assert b"2 worker processes" in output
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]


def test_a_served_process_freezes_what_startup_built_and_collects_less_often():
    import gc

    from pdms_core.serving import YOUNG_THRESHOLD, tune_garbage_collector

    before = gc.get_threshold()
    try:
        tune_garbage_collector()
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
