"""Decoding optional global IDs in inputs, and the modules a request can name."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from pdms_core.graphql.node import decode_id


def optional_id(value: strawberry.ID | None, type_name: str, field: str) -> int | None:
    """The database id of an optional global ID (None stays None)."""
    return None if value is None else decode_id(value, type_name, field=field)


def given_id(value: Any, type_name: str, field: str) -> Any:
    """Like :func:`optional_id`, but an omitted (UNSET) input field stays UNSET."""
    if value is strawberry.UNSET:
        return value
    return optional_id(value, type_name, field)


def known_modules(info: Info) -> set[str]:
    """The names of core and the enabled modules: what a case's ``module`` may be."""
    return {plugin.name for plugin in info.context.host.plugins}
