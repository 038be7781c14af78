"""GeoReport v2 documents in JSON and XML, and its error format.

Element and field names are the specification's; dates are ISO 8601 with an offset
(``2026-11-02T10:00:00+00:00``), the form the UK reporting sites parse. Null values are
JSON ``null`` and empty XML elements.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

import orjson
from starlette.responses import Response

FORMATS = ("json", "xml")
XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"
THROTTLED = 429
#: Seconds to wait after a 429: the rate limit's window.
RETRY_AFTER = 60


class Open311Error(Exception):
    """An error answered in the specification's format with its HTTP status."""

    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


def w3_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


def parse_datetime(value: str | None, name: str) -> datetime | None:
    """A w3 date-time with ``Z`` or an offset; 400 for anything else."""
    if value is None or value == "":
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise Open311Error(
            400, f"{name} must be a date-time with an offset, e.g. 2026-01-01T00:00:00Z"
        )
    return parsed


def _xml_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(str(value))


def _xml(name: str, value: Any) -> str:
    if isinstance(value, Mapping):
        inner = "".join(_xml(key, item) for key, item in value.items())
        return f"<{name}>{inner}</{name}>"
    if isinstance(value, list):
        # A list inside an element is a list of named items: {"values": [("value", {...})]}
        inner = "".join(_xml(item_name, item) for item_name, item in value)
        return f"<{name}>{inner}</{name}>"
    return f"<{name}>{_xml_value(value)}</{name}>"


def xml_document(root: str, item: str | None, body: Any) -> bytes:
    """``<root><item>...</item>...</root>`` for a list, ``<root>...</root>`` for a mapping."""
    if item is None:
        text = _xml(root, body)
    else:
        text = f"<{root}>" + "".join(_xml(item, row) for row in body) + f"</{root}>"
    return ('<?xml version="1.0" encoding="utf-8"?>' + text).encode()


def _json_ready(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_ready(item[1] if isinstance(item, tuple) else item) for item in value]
    return value


def respond(fmt: str, root: str, item: str | None, body: Any, status: int = 200) -> Response:
    if fmt == "xml":
        return Response(xml_document(root, item, body), status, media_type=XML_TYPE)
    return Response(orjson.dumps(_json_ready(body)), status, media_type=JSON_TYPE)


def error_response(fmt: str, errors: Sequence[Open311Error]) -> Response:
    status = errors[0].status
    rows = [{"code": e.status, "description": e.description} for e in errors]
    response = respond(fmt, "errors", "error", rows, status)
    if status == THROTTLED:
        response.headers["Retry-After"] = str(RETRY_AFTER)
    return response
