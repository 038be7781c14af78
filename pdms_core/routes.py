"""HTTP routes that modules add beside ``/graphql`` (``PluginManifest.routes``).

Most of a module lives in the GraphQL schema, but some standards are plain HTTP: the
Open311 GeoReport v2 API that street-reporting sites call, say. A module names a factory
in its manifest; the app calls it once, when it is built, with a :class:`RouteContext`,
and mounts what it returns. Routes exist only while the module is enabled.

Rules, checked when the app is built (``PluginError`` naming the module): a factory
returns Starlette routes (``Route``/``Mount``) whose paths start with ``/``; a path may
not fall under one of core's (``/graphql``, ``/health``, ``/ready``, ``/documents``,
``/graphiql``) and two modules may not claim the same first path segment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from starlette.routing import BaseRoute, Mount, Route

from pdms_core.auth.actor import ANONYMOUS, Actor, ActorKind
from pdms_core.errors import PluginError

#: First path segments core keeps for itself.
CORE_SEGMENTS = frozenset({"graphql", "health", "ready", "documents", "graphiql"})
MAX_KEY_LENGTH = 200


@dataclass(frozen=True)
class RouteContext:
    """What a module's route factory is given: the host, the database, and sign-in.

    ``host.plugin("<name>").settings`` are the module's settings; ``database.sessionmaker``
    opens sessions for its services, as the GraphQL resolvers do.
    """

    host: Any
    database: Any
    signins: Any = None

    async def caller(self, request: Any) -> Actor:
        """Who sends ``request``: its bearer token or session cookie as ``/graphql``
        resolves them (staff sessions, partner API keys), else the actor hook's answer."""
        from pdms_core.auth.resolve import resolve_credentials

        resolved = await resolve_credentials(
            request, self.database, self.host.settings, self.signins
        )
        if resolved is not None:
            return resolved.actor
        return self.host.actor_from_request(request) or ANONYMOUS

    async def api_key_actor(self, token: str | None) -> Actor:
        """The holder of a partner API key given in a form or query parameter (as
        Open311's ``api_key``), resolved exactly as a bearer token is (the sign-in cache,
        the key's scope narrowed to its creator, its use noted): ``ANONYMOUS`` for a
        missing, unknown, revoked or expired key, or any other kind of token."""
        from pdms_core.auth.resolve import resolve_credentials
        from pdms_core.auth.tokens import API_KEY_PREFIX

        if not token or len(token) > MAX_KEY_LENGTH or not token.startswith(API_KEY_PREFIX):
            return ANONYMOUS
        presented = _Presented({"authorization": f"Bearer {token}"}, {})
        resolved = await resolve_credentials(
            presented, self.database, self.host.settings, self.signins
        )
        return ANONYMOUS if resolved is None else resolved.actor

    async def within_rate_limit(self, request: Any, actor: Actor) -> bool:
        """Count one request of a partner API key against its per-minute limit, on the
        same counter (and limiter: memory, or Redis when configured) as the key's
        GraphQL requests; False once the key has used up this minute. Callers other
        than API keys are not counted here."""
        per_minute = actor.rate_limit_per_minute
        if actor.kind is not ActorKind.API_KEY or not per_minute or not actor.id:
            return True
        limiter = getattr(request.app.state, "limiter", None)
        if limiter is None:
            return True
        return await limiter.hit(f"req:{actor.id}", 1, per_minute)


@dataclass(frozen=True)
class _Presented:
    """Just what sign-in reads from a request: a key given as a parameter, as a header."""

    headers: dict[str, str]
    cookies: dict[str, str]


def _segment(route: BaseRoute) -> str:
    path = getattr(route, "path", None)
    if not isinstance(path, str) or not path.startswith("/"):
        raise ValueError(path)
    return path.strip("/").split("/")[0]


def plugin_routes(host: Any, context: RouteContext) -> list[BaseRoute]:
    """The routes of every enabled module, checked; core's rules in the module docstring."""
    claimed: dict[str, str] = {}
    routes: list[BaseRoute] = []
    for plugin in host.plugins:
        factory = plugin.manifest.routes
        if factory is None:
            continue
        made: Sequence[Any] = factory(context)
        for route in made:
            if not isinstance(route, (Route, Mount)):
                raise PluginError(
                    f"plugin {plugin.name!r}: manifest routes must be Starlette Route or "
                    "Mount objects"
                )
            try:
                segment = _segment(route)
            except ValueError:
                raise PluginError(
                    f"plugin {plugin.name!r} adds a route without a path starting with '/'"
                ) from None
            if segment in CORE_SEGMENTS or not segment:
                raise PluginError(
                    f"plugin {plugin.name!r} adds route {route.path!r}, under core's '/{segment}'"
                )
            owner = claimed.setdefault(segment, plugin.name)
            if owner != plugin.name:
                raise PluginError(
                    f"route path '/{segment}' is claimed by both {owner!r} and {plugin.name!r}"
                )
            routes.append(route)
    return routes
