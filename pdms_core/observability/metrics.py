"""Prometheus metrics through the official client, served at ``/metrics``.

Each app has its own registry (tests build many apps in one process). With several
worker processes, set ``PROMETHEUS_MULTIPROC_DIR`` to a directory the workers share:
the client then keeps counters and histograms in files there and ``/metrics`` adds up
every worker's; the pool and outbox gauges are the scraped worker's own reading.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pdms_core.db.engine import Database
from pdms_core.notifications.models import QUEUED, SENDING, OutboxMessage
from pdms_core.settings import Settings

#: Distinct operation names labelled per process; later ones count as ``other``, so a
#: client inventing names cannot grow the metrics without bound.
MAX_OPERATIONS = 200
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class Metrics:
    def __init__(self, database: Database):
        self.database = database
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "pdms_requests",
            "HTTP requests answered, by route, GraphQL operation and status.",
            ["route", "operation", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "pdms_request_duration_seconds",
            "Time to answer, by route and GraphQL operation.",
            ["route", "operation"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "pdms_graphql_errors",
            "GraphQL errors answered, by extensions.code.",
            ["code"],
            registry=self.registry,
        )
        self.refusals = Counter(
            "pdms_rate_limit_refusals",
            "Requests refused by a rate limit (THROTTLED, or HTTP 429).",
            registry=self.registry,
        )
        self.registry.register(_PoolCollector(database))
        self.outbox_backlog = 0
        self.registry.register(_OutboxCollector(self))
        self._operations: set[str] = set()

    def operation_label(self, operation: str | None) -> str:
        if operation is None:
            return ""
        if operation in self._operations:
            return operation
        if len(self._operations) >= MAX_OPERATIONS:
            return "other"
        self._operations.add(operation)
        return operation

    def observe(
        self, route: str, operation: str | None, status: int, seconds: float, codes: list[str]
    ) -> None:
        label = self.operation_label(operation)
        self.requests.labels(route, label, str(status)).inc()
        self.latency.labels(route, label).observe(seconds)
        for code in codes:
            self.errors.labels(code).inc()
        if status == 429 or "THROTTLED" in codes:
            self.refusals.inc()

    async def refresh_outbox_backlog(self) -> None:
        async with self.database.sessionmaker() as session:
            self.outbox_backlog = await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status.in_((QUEUED, SENDING)))
            )

    def exposition(self) -> bytes:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            combined = CollectorRegistry()
            MultiProcessCollector(combined)
            combined.register(_PoolCollector(self.database))
            combined.register(_OutboxCollector(self))
            return generate_latest(combined)
        return generate_latest(self.registry)


class _PoolCollector:
    """Connections each pool has handed out now (SQLite's file pool has no count)."""

    def __init__(self, database: Database):
        self.database = database

    def collect(self) -> Iterator[Any]:
        family = GaugeMetricFamily(
            "pdms_db_pool_connections_in_use",
            "Database connections checked out of each pool.",
            labels=["pool"],
        )
        for n, engine in enumerate(self.database.engines):
            checked_out = getattr(engine.sync_engine.pool, "checkedout", None)
            if checked_out is not None:
                family.add_metric(["primary" if n == 0 else f"pool{n}"], checked_out())
        yield family


class _OutboxCollector:
    def __init__(self, metrics: Metrics):
        self.metrics = metrics

    def collect(self) -> Iterator[Any]:
        family = GaugeMetricFamily(
            "pdms_outbox_backlog", "Emails, texts and letters queued and not yet sent."
        )
        family.add_metric([], self.metrics.outbox_backlog)
        yield family


def metrics_endpoint(metrics: Metrics, settings: Settings) -> Any:
    """``/metrics``: with ``PDMS_METRICS_TOKEN``, for ``Authorization: Bearer <token>``
    only; without, for loopback clients only (a scraper on the same host or a sidecar)."""

    async def endpoint(request: Request) -> Response:
        if not _allowed(request, settings.metrics_token):
            return JSONResponse({"error": "Not allowed."}, status_code=403)
        await metrics.refresh_outbox_backlog()
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return endpoint


def _allowed(request: Request, token: str | None) -> bool:
    if token:
        given = request.headers.get("authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    return request.client is not None and request.client.host in LOOPBACK
