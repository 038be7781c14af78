"""One log line and one metrics observation per HTTP request, with its request id.

A request id the caller sends (``X-Request-ID``, e.g. from the load balancer) is kept
when it is a plain token, else a new one is made; either way it is returned in the
response's ``X-Request-ID`` and is on the log line, so one request can be followed
from the load balancer to the database. The line holds no query text, variables,
tokens or addresses: the route, the operation's name, the caller's kind, the status,
the time taken, the statements sent and the error codes.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from pdms_core.observability import facts as request_facts
from pdms_core.observability.metrics import Metrics

log = logging.getLogger("pdms.request")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
HEADER = b"x-request-id"
#: Routes counted under their own name; any other path under its first segment.
ROUTES = ("/graphql", "/health", "/ready", "/metrics")


def route_of(path: str) -> str:
    if path in ROUTES:
        return path
    first = path.strip("/").split("/", 1)[0]
    return f"/{first}" if first else "/"


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == HEADER:
            given = value.decode("latin-1")
            if REQUEST_ID.match(given):
                return given
    return uuid.uuid4().hex


class RequestLogMiddleware:
    def __init__(self, app: Any, *, metrics: Metrics | None):
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        facts = request_facts.RequestFacts(request_id=_request_id(scope))
        token = request_facts.current.set(facts)
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k != HEADER]
                message = {**message, "headers": [*headers, (HEADER, facts.request_id.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_facts.current.reset(token)
            self._record(scope, facts, status, time.perf_counter() - started)

    def _record(
        self, scope: Scope, facts: request_facts.RequestFacts, status: int, seconds: float
    ) -> None:
        route = route_of(scope.get("path", "/"))
        if self.metrics is not None and route != "/metrics":
            self.metrics.observe(route, facts.operation, status, seconds, facts.error_codes)
        log.info(
            "%s %s %s",
            scope.get("method", ""),
            route,
            status,
            extra={
                "request_id": facts.request_id,
                "route": route,
                "method": scope.get("method", ""),
                "status": status,
                "duration_ms": round(seconds * 1000, 1),
                "operation": facts.operation,
                "actor_kind": facts.actor_kind,
                "statements": facts.statements,
                "error_codes": facts.error_codes,
            },
        )
