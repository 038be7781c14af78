"""A real ``pdms`` process for tests that need one: the console script, a free port."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

PDMS = Path(sys.executable).parent / "pdms"


def core_env(data_dir: Path, **settings: str) -> dict[str, str]:
    """This process's environment without its PDMS_* settings: core only, in data_dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PDMS_")}
    return {**env, "PDMS_DATA_DIR": str(data_dir), "PDMS_PLUGINS": "", **settings}


def pdms(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PDMS), *args], env=env, capture_output=True, text=True, timeout=180, check=False
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def served(env: dict[str, str], *args: str) -> Iterator[str]:
    """``pdms serve`` on a free port until the block ends; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [str(PDMS), "serve", "--port", str(port), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # Liveness, not readiness: some tests serve a database that is not ready.
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/health", timeout=2).status_code in (200, 503):
                    break
            if process.poll() is not None:
                output = process.stdout.read().decode(errors="replace") if process.stdout else ""
                raise AssertionError(f"the server exited:\n{output}")
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
