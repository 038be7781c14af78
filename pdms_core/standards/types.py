"""GraphQL type for service standards."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from pdms_core.graphql.node import ModelNode, lookup_value
from pdms_core.lookups.graphql import LookupValueNode
from pdms_core.standards.models import ServiceStandard


@strawberry.type(
    name="ServiceStandard",
    description="A module's target, in England and Wales working days, for a demand or "
    "intention type.",
)
class ServiceStandardNode(ModelNode):
    model = ServiceStandard
    read_permission = "core.cases.read"

    id: relay.NodeID[int]
    module: str = strawberry.field(description="The module the target applies in.")
    target_days: int = strawberry.field(description="Due this many working days after arrival.")
    warning_days: int = strawberry.field(
        description="At risk (due soon) this many working days after arrival."
    )
    version: int = strawberry.field(
        description="Optimistic-lock version; send it back as `expectedVersion` when editing."
    )

    @strawberry.field(description="The demand type or intention type.")
    def applies_to(self, info: Info) -> LookupValueNode:
        return lookup_value(info, self.lookup_value_id)
