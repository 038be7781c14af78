"""What one request did, gathered as it runs and read when it ends.

The HTTP middleware opens a :class:`RequestFacts` for each request in a context
variable; the GraphQL view fills in the operation, the caller's kind and the error
codes, and a database event counts the statements. Code outside a request (the CLI,
background tasks) finds no facts and records nothing.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

#: Operation names are the client's words: only plain names are logged and labelled.
OPERATION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
#: The name of a document's first operation, when the request does not say which.
FIRST_OPERATION = re.compile(r"\b(?:query|mutation|subscription)\s+([A-Za-z_][A-Za-z0-9_]*)")


@dataclass
class RequestFacts:
    request_id: str
    operation: str | None = None
    actor_kind: str | None = None
    statements: int = 0
    error_codes: list[str] = field(default_factory=list)

    def name_operation(self, name: str | None, query: str | None) -> None:
        if name is None and query is not None:
            first = FIRST_OPERATION.search(query[:2000])
            name = first.group(1) if first else None
        if name is not None:
            self.operation = name if OPERATION_NAME.match(name) else "invalid_name"

    def add_errors(self, errors: Any) -> None:
        for error in errors or ():
            extensions = getattr(error, "extensions", None) or {}
            code = extensions.get("code") if isinstance(extensions, dict) else None
            self.error_codes.append(str(code or "GRAPHQL_VALIDATION"))


current: ContextVar[RequestFacts | None] = ContextVar("pdms_request_facts", default=None)


def count_statements(engines: tuple[AsyncEngine, ...]) -> None:
    """Count each statement sent on ``engines`` against the request that sent it."""
    for engine in engines:
        if event.contains(engine.sync_engine, "before_cursor_execute", _counted):
            continue
        event.listen(engine.sync_engine, "before_cursor_execute", _counted)


def _counted(*_args: Any) -> None:
    facts = current.get()
    if facts is not None:
        facts.statements += 1
