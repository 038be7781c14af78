"""GraphQL shapes of lookup attributes: every value as text, so the schema never
changes with what a module declares (see ``lookups/attributes.py``)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from pdms_core.lookups.attributes import as_text
from pdms_core.records import LookupAttribute


@strawberry.type(description="One attribute of a lookup value, as text.")
class LookupAttributeValue:
    name: str = strawberry.field(description="The attribute's name, as the list declares it.")
    value: str = strawberry.field(
        description="Its value as text: numbers in digits, booleans as true or false."
    )


@strawberry.type(description="An attribute a list's values carry, that admins may set.")
class LookupAttributeDefinition:
    name: str = strawberry.field(description="Name to use in setLookupValueAttributes.")
    description: str = strawberry.field(description="What the attribute means.")
    kind: str = strawberry.field(
        description="integer, number, boolean, text, or code (a code of the same list)."
    )
    choices: list[str] = strawberry.field(description="Allowed values of a text attribute.")
    minimum: float | None = strawberry.field(description="Smallest allowed number, if any.")


@strawberry.input(description="An attribute to set; a null or empty value clears it.")
class LookupAttributeInput:
    name: str = strawberry.field(description="The attribute's name.")
    value: str | None = strawberry.field(description="The value as text.")


@strawberry.input(description="Attributes to set on a value of a list that declares them.")
class SetLookupValueAttributesInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the value.")
    attributes: list[LookupAttributeInput] = strawberry.field(
        description="The attributes to set or clear; others stay as they are."
    )
    expected_version: int = strawberry.field(description="The version you read.")


def values_of(data: dict[str, Any] | None) -> list[LookupAttributeValue]:
    return [LookupAttributeValue(name=k, value=as_text(v)) for k, v in sorted((data or {}).items())]


def definitions(declared: tuple[LookupAttribute, ...]) -> list[LookupAttributeDefinition]:
    return [
        LookupAttributeDefinition(
            name=a.name,
            description=a.description,
            kind=a.kind,
            choices=list(a.choices),
            minimum=a.minimum,
        )
        for a in declared
    ]


def declared_attributes(info: Info, set_code: str) -> tuple[LookupAttribute, ...]:
    """What the enabled module that owns ``set_code`` declares for it."""
    for _plugin, spec in info.context.host.lookup_sets:
        if spec.code == set_code:
            return spec.attributes
    return ()


def given(attributes: list[LookupAttributeInput] | None) -> dict[str, str | None]:
    return {item.name: item.value for item in attributes or ()}
