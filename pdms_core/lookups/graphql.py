"""GraphQL types, queries and admin mutations for lookup lists."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import select
from strawberry import relay
from strawberry.types import Info

from pdms_core.graphql.arguments import After, First, described
from pdms_core.graphql.errors import UserErrorType, run_mutation
from pdms_core.graphql.node import ModelNode, decode_id, load_row
from pdms_core.graphql.pagination import Connection, keyset_page
from pdms_core.graphql.payloads import payload_type
from pdms_core.graphql.permissions import mutation_field, query_field
from pdms_core.graphql.prefetch import prefetchable
from pdms_core.lookups import services
from pdms_core.lookups.attribute_types import (
    LookupAttributeDefinition,
    LookupAttributeInput,
    LookupAttributeValue,
    SetLookupValueAttributesInput,
    declared_attributes,
    definitions,
    given,
    values_of,
)
from pdms_core.lookups.loaders import LookupValuesBySetLoader
from pdms_core.lookups.models import LookupSet, LookupValue

READ = "core.lookups.read"
MANAGE = "core.lookups.manage"


@strawberry.type(
    name="LookupSet",
    description="A configurable list, such as contact-detail "
    "types or a module's demand categories.",
)
class LookupSetNode(ModelNode):
    model = LookupSet
    read_permission = READ

    id: relay.NodeID[int]
    code: str = strawberry.field(description="Stable code, `<module>.<list>` for modules.")
    module: str = strawberry.field(
        description="The module that declares the list (`core` for core lists)."
    )
    label: str = strawberry.field(description="Name of the list, for admin screens.")
    description: str = strawberry.field(description="What the list is for.")

    @strawberry.field(
        description="The parent list, when each value belongs to a value of "
        "another list (for example demand categories under types)."
    )
    async def parent_set(self, info: Info) -> LookupSetNode | None:
        if self.parent_set_id is None:
            return None
        return await load_row(info, LookupSet, self.parent_set_id)

    @strawberry.field(description="Attributes the list's values carry and admins may set.")
    @prefetchable
    def attributes(self, info: Info) -> list[LookupAttributeDefinition]:
        return definitions(declared_attributes(info, self.code))

    @strawberry.field(description="The list's values in their configured order.")
    @prefetchable
    async def values(
        self,
        info: Info,
        include_inactive: Annotated[
            bool,
            strawberry.argument(description="Also return deactivated values (for admin screens)."),
        ] = False,
    ) -> list[LookupValueNode]:
        loader = info.context.loaders.get(
            LookupValuesBySetLoader, include_inactive=include_inactive
        )
        return await loader.load(self.id)


@strawberry.type(
    name="LookupValue",
    description="One value of a configurable list. Values are "
    "object types, not enums, so the schema does not change with configuration.",
)
class LookupValueNode(ModelNode):
    model = LookupValue
    read_permission = READ
    # A case's status or a task's category is read with the record that shows it;
    # core.lookups.read guards the lists themselves (lookupSets, node, nodes).
    read_on_every_path = False

    id: relay.NodeID[int]
    code: str = strawberry.field(description="Stable code; never changes once created.")
    label: str = strawberry.field(description="What users see; admins may rename it.")
    sort_order: int = strawberry.field(description="Position in the list, from 1.")
    is_active: bool = strawberry.field(
        description="False once deactivated: kept for existing records, not offered for new ones."
    )
    version: int = strawberry.field(
        description="Optimistic-lock version; send it back as `expectedVersion` when editing."
    )

    @strawberry.field(
        description="Attributes the value carries (a relationship type's inverse, a rule's "
        "thresholds ...), by name."
    )
    @prefetchable
    def attributes(self) -> list[LookupAttributeValue]:
        return values_of(self.data)

    @strawberry.field(description="The list this value belongs to.")
    async def lookup_set(self, info: Info) -> LookupSetNode:
        return await load_row(info, LookupSet, self.set_id)

    @strawberry.field(description="The value of the parent list this value belongs to.")
    async def parent(self, info: Info) -> LookupValueNode | None:
        if self.parent_id is None:
            return None
        return await load_row(info, LookupValue, self.parent_id)


LookupValuePayload = payload_type(
    "LookupValuePayload",
    "lookup_value",
    LookupValueNode,
    description="Result of changing a lookup value.",
    field_description="The value as stored.",
)


LookupSetPayload = payload_type(
    "LookupSetPayload",
    "lookup_set",
    LookupSetNode,
    description="Result of reordering a list.",
    field_description="The list as stored.",
)


@strawberry.input(description="A new value at the end of a list.")
class AddLookupValueInput:
    set_code: str = strawberry.field(description="Code of the list.")
    code: str = strawberry.field(description="Stable code: lower case, digits, underscores.")
    label: str = strawberry.field(description="What users see.")
    parent_code: str | None = strawberry.field(
        default=None,
        description="Code of the parent value, required when the list has a parent list.",
    )
    attributes: list[LookupAttributeInput] | None = strawberry.field(
        default=None, description="Attributes, where the list declares them."
    )


@strawberry.input(description="A new label for a value.")
class RenameLookupValueInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the value.")
    label: str = strawberry.field(description="The new label.")
    expected_version: int = strawberry.field(description="The version you read.")


@strawberry.input(description="A value to deactivate or reactivate.")
class LookupValueStateInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the value.")
    expected_version: int = strawberry.field(description="The version you read.")


@strawberry.input(description="The new order of a list's values.")
class ReorderLookupValuesInput:
    set_code: str = strawberry.field(description="Code of the list.")
    value_ids: list[strawberry.ID] = strawberry.field(
        description="Every value's global ID, in the new order."
    )


@strawberry.type
class LookupQuery:
    @query_field(description="Configurable lists, optionally of one module.", permission=READ)
    async def lookup_sets(
        self,
        info: Info,
        module: Annotated[
            str | None, described("Only this module's lists (`core` for core's).")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[LookupSetNode]:
        statement = select(LookupSet)
        if module is not None:
            statement = statement.where(LookupSet.module == module)
        async with info.context.session() as session:
            page = await keyset_page(session, statement, [LookupSet.code], first=first, after=after)
        return page.connection()

    @query_field(description="One configurable list by its code.", permission=READ)
    async def lookup_set(
        self, info: Info, code: Annotated[str, described("The list's code.")]
    ) -> LookupSetNode | None:
        async with info.context.session() as session:
            return await session.scalar(select(LookupSet).where(LookupSet.code == code))


def _value_payload(value: LookupValue | None, errors: list[UserErrorType]) -> LookupValuePayload:
    return LookupValuePayload(lookup_value=value, errors=errors)


@strawberry.type
class LookupMutation:
    @mutation_field(description="Add a council-defined value to a list.", permission=MANAGE)
    async def add_lookup_value(
        self, info: Info, input: Annotated[AddLookupValueInput, described("What to change.")]
    ) -> LookupValuePayload:
        return _value_payload(
            *await run_mutation(
                info,
                lambda s: services.add_value(
                    s,
                    info.context.actor,
                    set_code=input.set_code,
                    code=input.code,
                    label=input.label,
                    parent_code=input.parent_code,
                    attributes=given(input.attributes),
                    declared=declared_attributes(info, input.set_code),
                ),
            )
        )

    @mutation_field(
        description="Set or clear attributes of a value (where its list declares them); "
        "`pdms lookups sync` keeps the council's values.",
        permission=MANAGE,
    )
    async def set_lookup_value_attributes(
        self,
        info: Info,
        input: Annotated[SetLookupValueAttributesInput, described("What to change.")],
    ) -> LookupValuePayload:
        async def action(session):  # type: ignore[no-untyped-def]
            value = await services.get_value(
                session, decode_id(input.id, "LookupValue"), field="id"
            )
            lookup_set = await session.get(LookupSet, value.set_id)
            return await services.set_value_attributes(
                session,
                info.context.actor,
                value_id=value.id,
                attributes=given(input.attributes),
                expected_version=input.expected_version,
                declared=declared_attributes(info, lookup_set.code),
            )

        return _value_payload(*await run_mutation(info, action))

    @mutation_field(description="Rename a value; its code stays the same.", permission=MANAGE)
    async def rename_lookup_value(
        self, info: Info, input: Annotated[RenameLookupValueInput, described("What to change.")]
    ) -> LookupValuePayload:
        async def action(session):  # type: ignore[no-untyped-def]
            return await services.rename_value(
                session,
                info.context.actor,
                value_id=decode_id(input.id, "LookupValue"),
                label=input.label,
                expected_version=input.expected_version,
            )

        return _value_payload(*await run_mutation(info, action))

    @mutation_field(
        description="Stop offering a value for new records; existing records keep it.",
        permission=MANAGE,
    )
    async def deactivate_lookup_value(
        self, info: Info, input: Annotated[LookupValueStateInput, described("What to change.")]
    ) -> LookupValuePayload:
        return await _set_active(info, input, active=False)

    @mutation_field(description="Offer a deactivated value again.", permission=MANAGE)
    async def reactivate_lookup_value(
        self, info: Info, input: Annotated[LookupValueStateInput, described("What to change.")]
    ) -> LookupValuePayload:
        return await _set_active(info, input, active=True)

    @mutation_field(description="Put a list's values in a new order.", permission=MANAGE)
    async def reorder_lookup_values(
        self, info: Info, input: Annotated[ReorderLookupValuesInput, described("What to change.")]
    ) -> LookupSetPayload:
        async def action(session):  # type: ignore[no-untyped-def]
            ids = [decode_id(value, "LookupValue", field="valueIds") for value in input.value_ids]
            await services.reorder_values(
                session, info.context.actor, set_code=input.set_code, value_ids=ids
            )
            return await services.get_set(session, input.set_code)

        lookup_set, errors = await run_mutation(info, action)
        return LookupSetPayload(lookup_set=lookup_set, errors=errors)


async def _set_active(
    info: Info,
    input: Annotated[LookupValueStateInput, described("What to change.")],
    *,
    active: bool,
) -> LookupValuePayload:
    async def action(session):  # type: ignore[no-untyped-def]
        return await services.set_value_active(
            session,
            info.context.actor,
            value_id=decode_id(input.id, "LookupValue"),
            active=active,
            expected_version=input.expected_version,
        )

    return _value_payload(*await run_mutation(info, action))
