"""A GraphQL client that talks HTTP to the real ASGI app, in process."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from pdms_core.auth.actor import Actor
from pdms_core.testing.actors import HEADER, TestActors


@dataclass
class GraphQLResponse:
    """The decoded body of one GraphQL response."""

    status_code: int
    body: dict[str, Any]

    @property
    def data(self) -> Any:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        return self.body.get("errors") or []

    def ok(self) -> Any:
        """The data, after asserting there were no errors."""
        assert not self.errors, self.errors
        return self.data

    def error_codes(self) -> list[str | None]:
        return [(e.get("extensions") or {}).get("code") for e in self.errors]


class GraphQLClient:
    """POSTs documents to ``/graphql`` as a chosen actor (anonymous by default)."""

    def __init__(self, app: Any, actors: TestActors):
        self.app = app
        self.actors = actors
        self.actor: Actor | None = None

    def as_actor(self, actor: Actor | None) -> GraphQLClient:
        """A client for the same app acting as ``actor`` (None: anonymous)."""
        other = GraphQLClient(self.app, self.actors)
        other.actor = actor
        return other

    async def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> GraphQLResponse:
        response = await self.post(
            json={"query": query, "variables": variables or {}}, headers=headers
        )
        return GraphQLResponse(response.status_code, response.json())

    async def post(self, headers: dict[str, str] | None = None, **request: Any) -> httpx.Response:
        """POST any body to ``/graphql`` as the actor (``json=``, or ``data=`` and
        ``files=`` for a multipart upload); the raw HTTP response."""
        sent = dict(headers or {})
        if self.actor is not None:
            sent[HEADER] = self.actors.token_for(self.actor)
        transport = httpx.ASGITransport(app=self.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://pdms.test") as http:
            return await http.post("/graphql", headers=sent, timeout=120, **request)
