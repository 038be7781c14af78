"""Reading the audit trail: by person, by actor, by date."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from sqlalchemy import select
from strawberry.types import Info

from pdms_core.audit.models import AuditEvent
from pdms_core.graphql.arguments import After, First, described
from pdms_core.graphql.node import decode_id
from pdms_core.graphql.pagination import Connection, keyset_page
from pdms_core.graphql.permissions import query_field

AUDIT_READ = "core.audit.read"


@strawberry.type(
    name="AuditEvent",
    description="Who did what to which record, when and from where (never the values).",
)
class AuditEventType:
    @strawberry.field(description="The event's number; events are never changed or removed.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.id))

    at: datetime = strawberry.field(description="When (UTC).")
    actor_kind: str = strawberry.field(description="`user`, `api_key`, `anonymous` or `system`.")
    actor_id: str | None = strawberry.field(description="`user:<id>` or `apikey:<id>`.")
    action: str = strawberry.field(description="`read`, or the mutation's name.")
    outcome: str = strawberry.field(
        description="`ok`, `rejected` (typed errors), `denied`, `throttled` or `error`."
    )
    target_type: str | None = strawberry.field(description="The record's type, e.g. `Person`.")
    target_id: str | None = strawberry.field(description="The record's database id.")
    ip: str | None = strawberry.field(description="The caller's IP address.")


@strawberry.input(description="Which audit events; every criterion given must hold.")
class AuditFilter:
    person_id: strawberry.ID | None = strawberry.field(
        default=None, description="Events about this person (their access history)."
    )
    actor_id: str | None = strawberry.field(
        default=None, description="Events by this actor, e.g. `user:12` or `apikey:3`."
    )
    since: datetime | None = strawberry.field(default=None, description="At or after.")
    until: datetime | None = strawberry.field(default=None, description="Before.")


@strawberry.type
class AuditQuery:
    @query_field(description="The audit trail, oldest first.", permission=AUDIT_READ)
    async def audit_events(
        self,
        info: Info,
        filter: Annotated[AuditFilter | None, described("Which events.")] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[AuditEventType]:
        statement = select(AuditEvent)
        if filter is not None:
            if filter.person_id is not None:
                person = decode_id(filter.person_id, "Person", field="personId")
                statement = statement.where(
                    AuditEvent.target_type == "Person", AuditEvent.target_id == str(person)
                )
            if filter.actor_id is not None:
                statement = statement.where(AuditEvent.actor_id == filter.actor_id)
            if filter.since is not None:
                statement = statement.where(AuditEvent.at >= filter.since)
            if filter.until is not None:
                statement = statement.where(AuditEvent.at < filter.until)
        async with info.context.session() as session:
            page = await keyset_page(session, statement, [AuditEvent.id], first=first, after=after)
        return page.connection()
