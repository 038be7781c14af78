"""Rate limits when Redis is unreachable: served from memory, logged once, reported."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time

import httpx
import pytest

from pdms_core.app import create_app
from pdms_core.graphql.cost import LIST_FACTOR
from pdms_core.host import PluginHost
from pdms_core.testing.actors import staff
from pdms_core.testing.client import GraphQLClient

MODULES = "{ modules { name } }"
#: Each `{ modules { name } }` costs 1 + LIST_FACTOR.
COST = 1 + LIST_FACTOR
REDIS = os.environ.get("PDMS_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _app(pdms_db, pdms_host, pdms_test_actors, **changes):
    settings = pdms_host.settings.with_changes(**changes)
    app = create_app(
        host=PluginHost.load(settings, entry_points=[], extra_hooks=[pdms_test_actors]),
        database=pdms_db,
    )
    return app, GraphQLClient(app, pdms_test_actors)


async def _health(app) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://pdms.test") as http:
        return await http.get("/health")


async def test_a_closed_redis_port_serves_from_memory_logs_once_and_reports_degraded(
    pdms_db, pdms_host, pdms_test_actors, caplog
):
    # given a server whose Redis address has nothing listening
    port = _unused_port()
    app, client = _app(
        pdms_db,
        pdms_host,
        pdms_test_actors,
        redis_url=f"redis://127.0.0.1:{port}/0",
        cost_per_minute=3 * COST,
    )
    officer = client.as_actor(staff(name=f"Officer {secrets.token_hex(4)}"))
    caplog.set_level(logging.INFO, logger="pdms.ratelimit")
    # when requests arrive, they are answered, and the limit still holds (per process)
    responses = [await officer.post(json={"query": MODULES}) for _ in range(4)]
    assert [r.status_code for r in responses] == [200] * 4
    assert all(r.json()["data"]["modules"] for r in responses[:3])
    assert [e["extensions"]["code"] for e in responses[3].json()["errors"]] == ["THROTTLED"]
    # and nothing says where Redis is
    for text in [r.text for r in responses]:
        assert str(port) not in text and "127.0.0.1" not in text and "Error" not in text
    # then /health answers 200 "degraded", naming the failed part but no address
    health = await _health(app)
    assert health.status_code == 200
    assert health.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "redis": "unavailable"},
    }
    # and the outage is logged once, without the address, however many requests saw it
    # (other loggers' records of the whole session may reach caplog; only ours count)
    warnings = [
        r for r in caplog.records if r.levelno >= logging.WARNING and r.name == "pdms.ratelimit"
    ]
    assert len(warnings) == 1
    assert not any(str(port) in record.getMessage() for record in caplog.records)
    await app.state.limiter.close()


class RedisDoor:
    """A TCP relay in front of the real Redis that the test can close and reopen, so
    the outage and the recovery are real network failures."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = _unused_port()
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()

    async def open(self) -> None:
        self.server = await asyncio.start_server(self._relay, "127.0.0.1", self.port)

    async def close(self) -> None:
        self.server.close()
        for writer in list(self.writers):  # cut the client's pooled connections too
            writer.close()
        await self.server.wait_closed()
        self.writers.clear()

    async def _relay(self, reader, writer) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self.writers |= {writer, up_writer}

        async def pipe(source, sink) -> None:
            with contextlib.suppress(OSError):
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            sink.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


@pytest.fixture
def redis_target():
    redis = pytest.importorskip("redis")
    url = redis.connection.parse_url(REDIS)
    try:
        redis.Redis.from_url(REDIS).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS} (set PDMS_TEST_REDIS_URL)")
    return url.get("host", "127.0.0.1"), url.get("port", 6379), url.get("db", 0)


async def test_processes_share_counts_through_redis_and_again_after_an_outage(
    pdms_backend, pdms_db, pdms_host, pdms_test_actors, redis_target
):
    if pdms_backend != "sqlite":
        pytest.skip("the rate-limit store does not depend on the database backend")
    host, port, db = redis_target
    door = RedisDoor((host, port))
    await door.open()
    # given two server processes (two apps, two limiters) sharing Redis, 6 requests' budget
    url = f"redis://127.0.0.1:{door.port}/{db}"
    apps = [
        _app(pdms_db, pdms_host, pdms_test_actors, redis_url=url, cost_per_minute=6 * COST)
        for _ in range(2)
    ]
    officer = staff(name=f"Officer {secrets.token_hex(4)}")
    one, two = (client.as_actor(officer) for _, client in apps)
    # Counts live in fixed one-minute windows of the clock: start early in one, so the
    # whole story (a 5 s back-off included) is counted in the same window.
    into_window = time.time() % 60
    if into_window > 20:
        await asyncio.sleep(60 - into_window)
    # when the officer spends 3 + 2 through the two processes, both count in Redis
    for client in (one, one, one, two, two):
        assert (await client.execute(MODULES)).ok()
    # when Redis goes away, requests are still answered, from memory
    await door.close()
    assert (await one.execute(MODULES)).ok()
    assert (await _health(apps[0][0])).json()["status"] == "degraded"
    # when it comes back, the process uses it again after its back-off
    await door.open()
    for _ in range(240):  # the back-off is 5 s; give up after a minute
        if (await _health(apps[0][0])).json()["status"] == "ok":
            break
        await asyncio.sleep(0.25)
    assert (await _health(apps[0][0])).json() == {"status": "ok"}
    # then the shared count holds again: the sixth request fits, the seventh does not
    assert (await two.execute(MODULES)).ok()
    assert (await one.execute(MODULES)).error_codes() == ["THROTTLED"]
    for app, _ in apps:
        await app.state.limiter.close()
    await door.close()
