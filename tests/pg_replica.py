"""A throwaway PostgreSQL primary and streaming replica on loopback, for tests.

The servers run as the ``postgres`` OS user (PostgreSQL refuses to run as root), in a
temporary directory, on free ports; :func:`replicated_servers` tears both down.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

OS_USER = "postgres"
#: Quick, throwaway servers: durability is not what the tests are about.
SERVER_SETTINGS = """
listen_addresses = '127.0.0.1'
wal_level = replica
max_wal_senders = 4
hot_standby = on
fsync = off
full_page_writes = off
max_connections = 60
"""


def unavailable_reason() -> str | None:
    """Why the servers cannot be started here, or None."""
    try:
        bindir = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "pg_config (PostgreSQL's server binaries) is not installed"
    for tool in ("initdb", "pg_ctl", "pg_basebackup"):
        if not (Path(bindir) / tool).exists():
            return f"PostgreSQL's {tool} is not installed"
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        if shutil.which("runuser") is None:
            return "runuser is needed to run PostgreSQL as its own user"
        try:
            pwd.getpwnam(OS_USER)
        except KeyError:
            return f"there is no {OS_USER!r} OS user to run PostgreSQL as"
    return None


@dataclass
class Server:
    """One running server and how to reach and stop it."""

    data: Path
    port: int
    bindir: Path

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self, mode: str = "fast") -> None:
        _run(self.bindir / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def start(self) -> None:
        log = self.data.parent / f"{self.data.name}.log"
        _run(self.bindir / "pg_ctl", "-D", self.data, "-l", log, "-w", "start")


@contextmanager
def replicated_servers() -> Iterator[tuple[Server, Server]]:
    """A primary and a streaming replica of it, removed afterwards."""
    bindir = Path(
        subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip()
    )
    folder = Path(tempfile.mkdtemp(prefix="pdms-replica-"))
    started: list[Server] = []
    try:
        if os.geteuid() == 0:
            shutil.chown(folder, OS_USER)
        primary = Server(folder / "primary", _free_port(), bindir)
        _run(bindir / "initdb", "-D", primary.data, "-U", "postgres", "--auth=trust", "-N")
        _configure(primary, folder)
        primary.start()
        started.append(primary)
        replica = Server(folder / "replica", _free_port(), bindir)
        _run(
            *(bindir / "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port)),
            *("-U", "postgres", "-D", replica.data, "-R", "-X", "stream", "-c", "fast", "-N"),
        )
        with (replica.data / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {replica.port}\n")
        replica.start()
        started.append(replica)
        yield primary, replica
    finally:
        for server in reversed(started):
            subprocess.run(
                _as_postgres(
                    server.bindir / "pg_ctl", "-D", server.data, "-m", "immediate", "stop"
                ),
                capture_output=True,
            )
        shutil.rmtree(folder, ignore_errors=True)


def _configure(server: Server, folder: Path) -> None:
    with (server.data / "postgresql.conf").open("a") as conf:
        conf.write(SERVER_SETTINGS)
        conf.write(f"port = {server.port}\nunix_socket_directories = '{folder}'\n")
    with (server.data / "pg_hba.conf").open("a") as hba:
        hba.write("host replication all 127.0.0.1/32 trust\n")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_postgres(*command: object) -> list[str]:
    prefix = ["runuser", "-u", OS_USER, "--"] if os.geteuid() == 0 else []
    return [*prefix, *(str(part) for part in command)]


def _run(*command: object) -> None:
    result = subprocess.run(_as_postgres(*command), capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")
