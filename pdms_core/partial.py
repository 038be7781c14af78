"""Partial updates for services: fields left ``UNSET`` keep their stored value."""

from __future__ import annotations

from typing import Any

#: "Not given" (as opposed to ``None``, which clears a field).
UNSET: Any = object()


class PartialFields:
    """Base of the ``<Thing>Fields`` dataclasses that services take for create/update."""

    def given(self) -> dict[str, object]:
        """The fields the caller set, by name."""
        return {k: v for k, v in self.__dict__.items() if v is not UNSET}
