"""HTTP-level guards: request body size limit and ``Cache-Control: no-store``.

Pure ASGI middleware (no per-request objects) so the cost on the hot path is a few
dictionary look-ups. A body over the limit is refused with 413 before the GraphQL
view parses it, whether or not the client sent a Content-Length. A JSON body nested
too deeply for the parser is refused with 400 (a ``VALIDATION`` error), not a 500.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.responses import JSONResponse

log = logging.getLogger("pdms.http")

Scope = dict[str, Any]


class SecurityMiddleware:
    """Adds no-store/nosniff headers to every response and caps request bodies.

    A multipart request (a file upload) may be as large as ``max_upload_bytes``; any
    other body, ``max_body_bytes``.
    """

    def __init__(self, app: Any, *, max_body_bytes: int, max_upload_bytes: int | None = None):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes or max_body_bytes

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, length = self.max_body_bytes, None
        for name, value in scope.get("headers", []):
            if name == b"content-type" and value.lower().startswith(b"multipart/form-data"):
                limit = self.max_upload_bytes
            elif name == b"content-length" and value.isdigit():
                length = int(value)
        if length is not None and length > limit:
            await _too_large(send)
            return
        received = 0

        async def limited_receive() -> Any:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge
            return message

        started = False

        async def guarded_send(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() not in (b"cache-control", b"x-content-type-options")
                ]
                headers += [
                    (b"cache-control", b"no-store"),
                    (b"x-content-type-options", b"nosniff"),
                ]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except _BodyTooLarge:
            if not started:
                await _too_large(send)
        except RecursionError:
            # The view's json.loads recurses once per level: a body of 5,000 nested
            # lists (10 KB) exhausts the stack before any GraphQL limit applies. Errors
            # inside GraphQL execution never reach here (they become GraphQL errors).
            if started:
                raise
            log.warning("refused a request body nested too deeply to parse")
            await _error(send, 400, "The request body is nested too deeply.", "VALIDATION")


class _BodyTooLarge(Exception):
    pass


async def _too_large(send: Any) -> None:
    await _error(send, 413, "The request body is too large.", "BODY_TOO_LARGE")


async def _error(send: Any, status: int, message: str, code: str) -> None:
    body = json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                (b"x-content-type-options", b"nosniff"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


#: Codes of requests refused before GraphQL runs, by HTTP status.
REFUSAL_CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


def http_refusal(message: str, status: int) -> JSONResponse:
    """A refusal in the GraphQL-over-HTTP error shape, with a code like every error."""
    code = REFUSAL_CODES.get(status, "BAD_REQUEST")
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status)
