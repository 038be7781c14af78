"""What an operations team watches: request ids, one log line per request, /metrics."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import subprocess
import time
from pathlib import Path

import httpx
from live_server import PDMS, core_env, free_port, pdms

from pdms_core.app import create_app
from pdms_core.host import PluginHost

LOGIN = {"query": 'mutation Login { login(input: {email: "x@y.z", password: "p"}) { ok } }'}
NAMED = {"query": "query PortalHome { __typename }", "operationName": "PortalHome"}
BROKEN = {"query": "query Broken { noSuchField }", "operationName": "Broken"}


def _client(app, client=("127.0.0.1", 5000)) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=client)
    return httpx.AsyncClient(transport=transport, base_url="http://pdms.test")


def _request_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "pdms.request"]


async def test_a_request_id_is_kept_or_made_and_every_request_is_logged(pdms_app, caplog):
    caplog.set_level(logging.INFO, logger="pdms.request")
    async with _client(pdms_app) as http:
        kept = await http.post("/graphql", json=NAMED, headers={"X-Request-ID": "lb-4f2a.9"})
        made = await http.post("/graphql", json=NAMED, headers={"X-Request-ID": "bad id; DROP"})
        broken = await http.post("/graphql", json=BROKEN)
    assert kept.headers["x-request-id"] == "lb-4f2a.9"
    assert len(made.headers["x-request-id"]) == 32 and made.headers["x-request-id"] != "bad id"
    assert broken.status_code in (200, 400)
    lines = _request_lines(caplog)
    assert [line.request_id for line in lines] == [
        "lb-4f2a.9",
        made.headers["x-request-id"],
        broken.headers["x-request-id"],
    ]
    first = lines[0]
    assert (first.route, first.method, first.status, first.operation) == (
        "/graphql",
        "POST",
        200,
        "PortalHome",
    )
    assert first.actor_kind == "anonymous" and first.duration_ms >= 0
    assert lines[2].error_codes == ["VALIDATION"]
    # nothing of the query, variables or credentials is on the line
    assert "noSuchField" not in caplog.text and "__typename" not in caplog.text


async def test_statements_are_counted_per_request(graphql, pdms_app, caplog):
    caplog.set_level(logging.INFO, logger="pdms.request")
    async with _client(pdms_app) as http:
        await http.post("/graphql", json=LOGIN)
    (line,) = _request_lines(caplog)
    assert line.operation == "Login" and line.statements >= 1
    assert "x@y.z" not in caplog.text


async def test_metrics_count_requests_errors_and_refusals_for_loopback_only(pdms_app):
    async with _client(pdms_app) as http:
        for _ in range(3):
            await http.post("/graphql", json=NAMED)
        await http.post("/graphql", json=BROKEN)
        scraped = await http.get("/metrics")
    assert scraped.status_code == 200
    text = scraped.text
    assert 'pdms_requests_total{operation="PortalHome",route="/graphql",status="200"} 3.0' in text
    assert 'pdms_graphql_errors_total{code="VALIDATION"} 1.0' in text
    assert 'pdms_request_duration_seconds_bucket{le="+Inf",operation="PortalHome"' in text
    assert "pdms_outbox_backlog 0.0" in text
    assert "pdms_rate_limit_refusals_total 0.0" in text
    async with _client(pdms_app, client=("203.0.113.9", 5000)) as outside:
        assert (await outside.get("/metrics")).status_code == 403


async def test_metrics_behind_a_token(pdms_db, pdms_host):
    settings = pdms_host.settings.with_changes(metrics_token="s3cret-metrics-token-of-the-council")
    host = PluginHost(settings, pdms_host.plugins, pdms_host.installed, pdms_host.pm)
    app = create_app(host=host, database=pdms_db)
    async with _client(app, client=("203.0.113.9", 5000)) as http:
        assert (await http.get("/metrics")).status_code == 403
        wrong = await http.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 403
        right = await http.get(
            "/metrics", headers={"Authorization": "Bearer s3cret-metrics-token-of-the-council"}
        )
        assert right.status_code == 200 and "pdms_requests_total" in right.text


async def test_pdms_serve_writes_one_json_line_per_request(tmp_path: Path):
    env = core_env(tmp_path / "data", PDMS_LOG_FORMAT="json")
    upgraded = await asyncio.to_thread(pdms, env, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    port = free_port()
    server = subprocess.Popen(
        [str(PDMS), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/health", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline
                await asyncio.sleep(0.2)
        answer = await asyncio.to_thread(
            httpx.post, f"{base}/graphql", json=NAMED, headers={"X-Request-ID": "trace-77"}
        )
        assert answer.headers["x-request-id"] == "trace-77"
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    records = [json.loads(line) for line in output.decode().splitlines() if line.startswith("{")]
    (line,) = [r for r in records if r.get("request_id") == "trace-77"]
    assert line["logger"] == "pdms.request" and line["level"] == "INFO"
    assert (line["route"], line["status"], line["operation"]) == ("/graphql", 200, "PortalHome")
    assert {"duration_ms", "statements", "actor_kind", "error_codes", "asctime"} <= set(line)
    assert all(r.get("logger") for r in records)  # uvicorn's own lines are JSON too
