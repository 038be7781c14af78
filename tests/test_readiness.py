"""Readiness: ``/ready`` and ``pdms serve`` hold back a database behind the code."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import httpx
from dummy_entry_point import DUMMY
from live_server import core_env, free_port, pdms, served

from pdms_core.app import create_app
from pdms_core.host import PluginHost, installed_entry_points
from pdms_core.settings import Settings
from pdms_core.testing.database import POSTGRES_URL_VARIABLE, throwaway_database

PENDING = "database migrations are not up to date for core (run 'pdms db upgrade')"


async def _get(app, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://pdms.test") as http:
        return await http.get(path)


async def test_serve_refuses_pending_migrations_and_ready_waits_for_the_upgrade(
    pdms_backend: str, tmp_path: Path
):
    server = os.environ.get(POSTGRES_URL_VARIABLE)
    async with throwaway_database(pdms_backend, server, tmp_path) as url:
        env = core_env(tmp_path / "data", PDMS_DATABASE_URL=url)
        # given a database no migration has run on, serve refuses in one line
        refused = await asyncio.to_thread(pdms, env, "serve", "--port", str(free_port()))
        assert refused.returncode == 1, refused.stdout + refused.stderr
        assert refused.stderr.splitlines() == [
            "error: database migrations are pending for core: run 'pdms db upgrade' "
            "(or start with --allow-pending-migrations)"
        ]
        # when told to start anyway (the flag on one backend, the setting on the other),
        # it is alive but not ready, and says why in plain words
        if pdms_backend == "postgresql":
            allowed, extra = env, ["--allow-pending-migrations"]
        else:
            allowed, extra = {**env, "PDMS_ALLOW_PENDING_MIGRATIONS": "1"}, []
        with served(allowed, *extra) as base:
            health = httpx.get(f"{base}/health", timeout=10)
            ready = httpx.get(f"{base}/ready", timeout=10)
        assert (health.status_code, health.json()) == (200, {"status": "ok"})
        assert ready.status_code == 503
        assert ready.json() == {"status": "not ready", "reasons": [PENDING]}
        # then after the upgrade it serves without the flag, and is ready
        upgraded = await asyncio.to_thread(pdms, env, "db", "upgrade")
        assert upgraded.returncode == 0, upgraded.stderr
        with served(env) as base:
            ready = httpx.get(f"{base}/ready", timeout=10)
        assert (ready.status_code, ready.json()) == (200, {"status": "ready"})


async def test_ready_when_every_enabled_module_is_at_head(pdms_app):
    # the suite's database is migrated for core, the dummy plugin and installed modules
    ready = await _get(pdms_app, "/ready")
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})


async def test_an_unreachable_database_is_named_but_not_located(tmp_path: Path):
    port = free_port()
    settings = Settings(
        data_dir=tmp_path,
        database_url=f"postgresql://postgres@127.0.0.1:{port}/nowhere",
        plugins=(),
    )
    app = create_app(host=PluginHost.load(settings, entry_points=[]))
    ready = await _get(app, "/ready")
    assert ready.status_code == 503
    assert ready.json() == {"status": "not ready", "reasons": ["the database is unavailable"]}
    assert str(port) not in ready.text
    assert (await _get(app, "/health")).status_code == 503


async def test_a_configured_redis_that_is_down_makes_the_process_not_ready(
    pdms_db, pdms_host: PluginHost
):
    # given a migrated database and a Redis address nobody listens on
    settings = pdms_host.settings.with_changes(redis_url=f"redis://127.0.0.1:{free_port()}/0")
    # core alone, the installed modules disabled: their revisions in the version table
    # (which may stand for core's head, see test_migration_tips.py) stay readable
    host = PluginHost.load(
        settings.with_changes(plugins=()), entry_points=[*installed_entry_points(), DUMMY]
    )
    app = create_app(host=host, database=pdms_db)
    ready = await _get(app, "/ready")
    assert ready.status_code == 503
    assert ready.json() == {
        "status": "not ready",
        "reasons": ["the rate-limit store (Redis) is unavailable"],
    }
    # while liveness keeps the process in service, degraded (unchanged behaviour)
    health = await _get(app, "/health")
    assert (health.status_code, health.json()["status"]) == (200, "degraded")


def test_serve_refuses_replicas_on_sqlite_once_before_starting_workers(tmp_path: Path):
    env = core_env(
        tmp_path / "data",
        PDMS_DATABASE_URL=f"sqlite:///{tmp_path / 'pdms.sqlite3'}",
        PDMS_DATABASE_REPLICA_URLS="postgresql://pdms@replica.invalid/pdms",
    )
    refused = pdms(env, "serve", "--port", str(free_port()), "--workers", "2")
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert len(refused.stderr.splitlines()) == 1
    assert refused.stderr.startswith("error: PDMS_DATABASE_REPLICA_URLS needs PostgreSQL")
