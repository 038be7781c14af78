"""Plugins with HTTP routes (``PluginManifest.routes``): one that follows the rules and
some that break one each."""

from __future__ import annotations

from typing import Any

from starlette.responses import PlainTextResponse
from starlette.routing import Route

from pdms_core.plugin import PluginManifest, hookimpl


def _hello_routes(context: Any) -> list[Any]:
    async def hello(request: Any) -> PlainTextResponse:
        caller = await context.caller(request)
        keyed = await context.api_key_actor(request.query_params.get("api_key"))
        return PlainTextResponse(f"hello {caller.kind.value} {keyed.kind.value}")

    return [Route("/routed/v1/hello", hello, methods=["GET"])]


class _Routed:
    def __init__(self, name: str, routes: Any):
        self.name, self.routes = name, routes

    @hookimpl
    def pdms_plugin_manifest(self) -> PluginManifest:
        return PluginManifest(name=self.name, label="Routed", routes=self.routes)


routed = _Routed("routed", _hello_routes)
#: claims the same first segment as `routed`
clashing = _Routed("clashing", lambda context: [Route("/routed/other", lambda r: None)])
under_core = _Routed("under_core", lambda context: [Route("/graphql/extra", lambda r: None)])
not_a_route = _Routed("not_a_route", lambda context: ["/somewhere"])
