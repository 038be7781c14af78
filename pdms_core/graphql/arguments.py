"""Described argument types shared by every connection and mutation."""

from __future__ import annotations

from typing import Annotated

import strawberry

First = Annotated[
    int | None, strawberry.argument(description="How many items to return: 0 to 100, default 20.")
]
After = Annotated[
    str | None,
    strawberry.argument(
        description="Return the items after this cursor (a previous page's `endCursor`)."
    ),
]


def described(description: str) -> object:
    """``Annotated[T, described("...")]`` gives an argument its SDL description."""
    return strawberry.argument(description=description)
