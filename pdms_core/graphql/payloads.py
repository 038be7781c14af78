"""Mutation payloads: the object as stored, or the typed errors that stopped the change.

Most mutations answer with one object and ``errors``; ``payload_type`` declares such a
payload in one line instead of a class each, with the same SDL a hand-written class
gives::

    PersonPayload = payload_type(
        "PersonPayload",
        "person",
        PersonNode,
        description="Result of changing a person or their records.",
    )
    ...
    return PersonPayload(person=person, errors=errors)

Payloads with more than one object (a secret shown once, counts) stay classes.
"""

from __future__ import annotations

import inspect
from typing import Any

import strawberry

from pdms_core.graphql.errors import UserErrorType

NOTHING_CHANGED = "Why nothing was changed."


def payload_type(
    name: str,
    field: str,
    node: Any,
    *,
    description: str,
    field_description: str | None = None,
    errors_description: str = NOTHING_CHANGED,
    many: bool = False,
) -> Any:
    """A strawberry type ``name`` with ``field`` (``node``, null when nothing changed;
    a list of them with ``many``) and ``errors``. ``field_description`` defaults to
    "The <field> as stored."."""
    graphql_type = list[node] if many else node | None
    words = field.replace("_", " ")
    namespace = {
        "__annotations__": {field: graphql_type, "errors": list[UserErrorType]},
        # The module that declares the payload owns it: the host attributes GraphQL
        # types to a module by where they are defined.
        "__module__": _caller_module(),
        field: strawberry.field(description=field_description or f"The {words} as stored."),
        "errors": strawberry.field(description=errors_description),
    }
    return strawberry.type(type(name, (), namespace), description=description)


def _caller_module() -> str:
    frame = inspect.currentframe()
    caller = frame.f_back.f_back if frame and frame.f_back else None
    return caller.f_globals.get("__name__", __name__) if caller else __name__
