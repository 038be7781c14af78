"""Naming and consistency rules the host applies to what plugins declare.

Each rule raises :class:`PluginError` with a message naming both sides of a conflict.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pdms_core.errors import PluginError
from pdms_core.records import (
    CORE,
    DocumentHolder,
    LetterField,
    LetterPurpose,
    LookupSetSpec,
    MeasureSpec,
    TimelineSource,
)

_MEASURE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def check_owned_name(kind: str, code: str, owner: str, seen: dict[str, str], *, dot: bool) -> None:
    if code in seen:
        raise PluginError(f"{kind} {code!r} is declared by both {seen[code]!r} and {owner!r}")
    seen[code] = owner
    if owner == CORE and not dot:
        if "." in code:
            raise PluginError(f"core {kind} {code!r} must not carry a module prefix")
        return
    if not code.startswith(f"{owner}."):
        raise PluginError(
            f"plugin {owner!r} declares {kind} {code!r}; it must start with {owner + '.'!r}"
        )


def check_measure(spec: MeasureSpec, owner: str, seen: dict[str, str]) -> None:
    if not isinstance(spec, MeasureSpec):
        raise PluginError(f"plugin {owner!r}: pdms_measures() must return MeasureSpec records")
    check_owned_name("measure", spec.name, owner, seen, dot=owner != CORE)
    local = spec.name if owner == CORE else spec.name[len(owner) + 1 :]
    if not _MEASURE_NAME.match(local):
        raise PluginError(
            f"plugin {owner!r} declares measure {spec.name!r}; after the prefix, names are "
            "lower_snake_case"
        )
    if not callable(spec.compute):
        raise PluginError(f"plugin {owner!r}: measure {spec.name!r} has no compute function")


def check_document_holder(
    holder: DocumentHolder, owner: str, seen: dict[str, str], declared: set[str]
) -> None:
    """A holder is a record, a type of the module's own, and read by a known permission."""
    if not isinstance(holder, DocumentHolder):
        raise PluginError(
            f"plugin {owner!r}: pdms_document_holders() must return DocumentHolder records"
        )
    name = holder.type_name
    if name in seen:
        raise PluginError(
            f"document holder {name!r} is declared by both {seen[name]!r} and {owner!r}"
        )
    seen[name] = owner
    prefix = "".join(part.capitalize() for part in owner.split("_"))
    if owner != CORE and not (name == prefix or re.match(rf"^{prefix}[A-Z]", name)):
        raise PluginError(
            f"plugin {owner!r} declares document holder {name!r}; it must be one of its own "
            f"types, starting with {prefix!r}"
        )
    if getattr(holder.model, "__table__", None) is None or not hasattr(holder.model, "id"):
        raise PluginError(
            f"plugin {owner!r}: document holder {name!r} needs an ORM model with an id"
        )
    if holder.read_permission not in declared:
        raise PluginError(
            f"plugin {owner!r}: document holder {name!r} is read with permission "
            f"{holder.read_permission!r}, which no enabled module declares"
        )


def check_lookup_parents(sets: list[tuple[str, LookupSetSpec]]) -> None:
    specs = {spec.code: spec for _, spec in sets}
    _check_no_parent_cycle(specs)
    for owner, spec in sets:
        codes = [seed.code for seed in spec.seeds]
        if len(codes) != len(set(codes)):
            raise PluginError(f"plugin {owner!r}: lookup set {spec.code!r} repeats a seed code")
        _check_attributes(owner, spec)
        if spec.parent_set is None:
            if any(seed.parent for seed in spec.seeds):
                raise PluginError(
                    f"plugin {owner!r}: lookup set {spec.code!r} has seeds with a "
                    "parent but no parent_set"
                )
            continue
        parent = specs.get(spec.parent_set)
        if parent is None:
            raise PluginError(
                f"plugin {owner!r}: lookup set {spec.code!r} names parent set "
                f"{spec.parent_set!r}, which no enabled module declares"
            )
        parent_codes = {seed.code for seed in parent.seeds}
        for seed in spec.seeds:
            if seed.parent not in parent_codes:
                raise PluginError(
                    f"plugin {owner!r}: seed {seed.code!r} of {spec.code!r} needs "
                    f"a parent from the seeds of {spec.parent_set!r}"
                )


def _check_no_parent_cycle(specs: dict[str, LookupSetSpec]) -> None:
    for code in specs:
        seen = [code]
        parent = specs[code].parent_set
        while parent is not None and parent in specs:
            if parent in seen:
                raise PluginError(
                    f"lookup sets {' -> '.join([*seen, parent])} form a parent "
                    "cycle; a list cannot be its own ancestor"
                )
            seen.append(parent)
            parent = specs[parent].parent_set


ATTRIBUTE_KINDS = frozenset({"integer", "number", "boolean", "text", "code"})


def _check_attributes(owner: str, spec: LookupSetSpec) -> None:
    names = [attribute.name for attribute in spec.attributes]
    if len(names) != len(set(names)):
        raise PluginError(f"plugin {owner!r}: lookup set {spec.code!r} repeats an attribute")
    for attribute in spec.attributes:
        if attribute.kind not in ATTRIBUTE_KINDS:
            raise PluginError(
                f"plugin {owner!r}: attribute {attribute.name!r} of {spec.code!r} has kind "
                f"{attribute.kind!r}; kinds are {', '.join(sorted(ATTRIBUTE_KINDS))}"
            )


#: Field names core fills for every letter purpose (``letters/fields.py``).
COMMON_LETTER_FIELD_NAMES = frozenset({"today", "council_name", "officer_name", "officer_team"})
_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def check_letter_purpose(
    purpose: LetterPurpose, owner: str, seen: dict[str, str], holders: Mapping[str, object]
) -> None:
    """A purpose is ``<module>.<use>``, held by a document holder, with a sound field
    dictionary and a provider."""
    if not isinstance(purpose, LetterPurpose):
        raise PluginError(
            f"plugin {owner!r}: pdms_letter_purposes() must return LetterPurpose records"
        )
    check_owned_name("letter purpose", purpose.code, owner, seen, dot=True)
    use = purpose.code[len(owner) + 1 :]
    if not _MEASURE_NAME.match(use):
        raise PluginError(
            f"plugin {owner!r} declares letter purpose {purpose.code!r}; after the prefix, "
            "names are lower_snake_case"
        )
    if purpose.holder not in holders:
        raise PluginError(
            f"plugin {owner!r}: letter purpose {purpose.code!r} is held by {purpose.holder!r}, "
            "which no enabled module declares as a document holder"
        )
    if not callable(purpose.provide):
        raise PluginError(f"plugin {owner!r}: letter purpose {purpose.code!r} has no provider")
    _check_letter_fields(purpose.fields, f"plugin {owner!r}: letter purpose {purpose.code!r}")
    clash = COMMON_LETTER_FIELD_NAMES & {field.name for field in purpose.fields}
    if clash:
        raise PluginError(
            f"plugin {owner!r}: letter purpose {purpose.code!r} declares {sorted(clash)}, "
            "which core fills for every letter"
        )


def _check_letter_fields(fields: tuple[LetterField, ...], where: str) -> None:
    names = [field.name for field in fields]
    if len(names) != len(set(names)):
        raise PluginError(f"{where} repeats a field name")
    for field in fields:
        if not isinstance(field, LetterField) or not _FIELD_NAME.match(field.name):
            raise PluginError(
                f"{where}: field {getattr(field, 'name', field)!r} must be a LetterField "
                "named in lower_snake_case"
            )
        _check_letter_fields(field.items, f"{where}, field {field.name!r}")


#: The core types that have a timeline.
TIMELINE_HOLDERS = ("Person", "Place")


def check_timeline_source(
    source: TimelineSource, owner: str, seen: set[tuple[str, str]], declared: set[str]
) -> None:
    if not isinstance(source, TimelineSource):
        raise PluginError(
            f"plugin {owner!r}: pdms_timeline_sources() must return TimelineSource records"
        )
    if source.holder not in TIMELINE_HOLDERS:
        raise PluginError(
            f"plugin {owner!r} puts {source.kind!r} on {source.holder!r}; timelines are on "
            f"{' and '.join(TIMELINE_HOLDERS)}"
        )
    if not source.kind.startswith(f"{owner}."):
        raise PluginError(
            f"plugin {owner!r} declares timeline kind {source.kind!r}; it must start with "
            f"{owner + '.'!r}"
        )
    if (source.holder, source.kind) in seen:
        raise PluginError(
            f"plugin {owner!r} declares timeline kind {source.kind!r} on {source.holder!r} twice"
        )
    seen.add((source.holder, source.kind))
    if source.permission not in declared:
        raise PluginError(
            f"plugin {owner!r}: timeline kind {source.kind!r} needs permission "
            f"{source.permission!r}, which no enabled module declares"
        )
    if not callable(source.rows):
        raise PluginError(f"plugin {owner!r}: timeline kind {source.kind!r} has no rows builder")
