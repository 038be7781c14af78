"""Decoding optional global IDs in inputs, and the modules a request can name."""

from __future__ import annotations

from enum import Enum
from typing import Any, TypeVar

import strawberry
from strawberry.types import Info

from pdms_core.graphql.node import decode_id

T = TypeVar("T")


def optional_id(value: strawberry.ID | None, type_name: str, field: str) -> int | None:
    """The database id of an optional global ID (None stays None)."""
    return None if value is None else decode_id(value, type_name, field=field)


def known_modules(info: Info) -> set[str]:
    """The names of core and the enabled modules: what a case's ``module`` may be."""
    return {plugin.name for plugin in info.context.host.plugins}


def partial_fields(given: Any, fields_class: type[T], ids: dict[str, str] | None = None) -> T:
    """A service's ``<Thing>Fields`` from a GraphQL input: omitted fields stay unset,
    ``ids`` maps ID fields to their node type (decoded, null kept), enums become values."""
    values: dict[str, Any] = {}
    for name, value in vars(given).items():
        if value is strawberry.UNSET:
            continue
        if ids and name in ids:
            value = optional_id(value, ids[name], _camel(name))
        elif isinstance(value, Enum):
            value = value.value
        values[name] = value
    return fields_class(**values)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)
