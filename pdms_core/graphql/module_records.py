"""How the graph crosses modules: ``<CoreNode>.moduleRecords``.

Core node types (Place, and later Person and Case) expose ``moduleRecords``, a list of
the ``ModuleRecord`` interface. Each enabled module registers a ``ModuleRecordSource``
per holder type; its records implement the interface, so a portal asks for a place and
sees, in one query, what every installed module holds about it::

    place(uprn: "990000000001") { moduleRecords { module summary
                                   ... on RentArrearsAccount { balance } } }

With a module disabled its types are simply not in the schema: the field is the same,
the interface has fewer implementations. The sources come from the request's host,
never from a global, so two schemas in one process stay independent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay
from strawberry.types import Info

from pdms_core.db.loaders import SessionLoader
from pdms_core.records import ModuleRecordSource


@strawberry.interface(
    description="A record that a department module holds about a core object (a place, a "
    "person, a case). Use inline fragments on the module's types for detail."
)
class ModuleRecord(relay.Node):
    @strawberry.field(description="Name of the module holding the record, e.g. `rent_arrears`.")
    def module(self, info: Info) -> str:
        plugin = info.context.host.plugin_for_module(type(self).__module__)
        return plugin.name if plugin else ""

    summary: str = strawberry.field(
        description="One line describing the record, for lists and timelines."
    )


class ModuleRecordLoader(SessionLoader[int, list[Any]]):
    """Records of one source for many holders; one statement per batch."""

    missing: list[Any] = []

    async def load_many_from(
        self, session: AsyncSession, keys: Sequence[int]
    ) -> Mapping[int, Sequence[Any]]:
        source: ModuleRecordSource = self.params["source"]
        return await source.load(session, self.actor, list(keys))


async def module_records(
    info: Info, holder: str, holder_id: int, modules: list[str] | None
) -> list[Any]:
    """The records every enabled module (or the named ones) holds about one object.

    Sources the caller has no permission for are left out rather than failing the
    whole object: a partner key scoped to one module still sees that module's records.
    """
    context = info.context
    loads = [
        context.loaders.get(ModuleRecordLoader, source=source).load(holder_id)
        for module, source in context.host.record_sources(holder)
        if (modules is None or module in modules) and context.actor.has(source.permission)
    ]
    results = await asyncio.gather(*loads)
    return [record for records in results for record in records]
