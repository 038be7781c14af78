"""Acting as any actor in tests, through the real ``pdms_actor_from_request`` hook.

Registered only by the test fixtures (never through an entry point), so production
servers can never honour the header.
"""

from __future__ import annotations

import secrets
from typing import Any

from pdms_core.auth.actor import Actor, ActorKind
from pdms_core.hookspecs import hookimpl

HEADER = "x-pdms-test-actor"


class TestActors:
    """Maps opaque per-test tokens to actors."""

    __test__ = False  # not a pytest test class

    def __init__(self) -> None:
        self._actors: dict[str, Actor] = {}

    def token_for(self, actor: Actor) -> str:
        token = secrets.token_hex(8)
        self._actors[token] = actor
        return token

    def reset(self) -> None:
        self._actors.clear()

    @hookimpl(tryfirst=True)
    def pdms_actor_from_request(self, request: Any, settings: Any) -> Actor | None:
        token = request.headers.get(HEADER)
        return self._actors.get(token) if token else None


def staff(*permissions: str, name: str = "Test Officer") -> Actor:
    """A staff user holding exactly ``permissions``."""
    return Actor(
        kind=ActorKind.USER,
        id=f"user:{name}",
        display_name=name,
        permissions=frozenset(permissions),
    )
