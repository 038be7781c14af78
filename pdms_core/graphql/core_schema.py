"""Core's own root fields: object identification and the installed modules."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from pdms_core.graphql.node import resolve_nodes
from pdms_core.graphql.permissions import PerNodeType, Public, query_field


@strawberry.type(description="A department module installed and enabled on this server.")
class Module:
    name: str = strawberry.field(
        description="The module's name, e.g. `rent_arrears`; also its "
        "GraphQL and permission prefix."
    )
    label: str = strawberry.field(description="Human-friendly name.")
    description: str = strawberry.field(description="What the module does.")
    version: str | None = strawberry.field(description="Installed version.")


@strawberry.type
class NodeQuery:
    @query_field(description="Fetch any object by its global ID.", permission=PerNodeType())
    async def node(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID, strawberry.argument(description="A global ID returned by this API.")
        ],
    ) -> relay.Node | None:
        return (await resolve_nodes(info, [id]))[0]

    @query_field(
        description="Fetch up to 100 objects by their global IDs, in order.",
        permission=PerNodeType(),
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID], strawberry.argument(description="Global IDs returned by this API.")
        ],
    ) -> list[relay.Node | None]:
        return await resolve_nodes(info, ids)

    @query_field(description="The modules enabled on this server, core first.", permission=Public())
    def modules(self, info: Info) -> list[Module]:
        return [
            Module(
                name=p.name,
                label=p.manifest.label,
                description=p.manifest.description,
                version=p.version,
            )
            for p in info.context.host.plugins
        ]
