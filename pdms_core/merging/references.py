"""Every table that references a person, as core and the installed modules declare it.

Modules answer ``pdms_person_references`` with :class:`PersonReference` records; they
are checked against the shared metadata once per host (a typo in a table or column
name stops the first merge with a message naming the module, rather than leaving
references behind).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Index, Table, UniqueConstraint

from pdms_core.db.base import Base
from pdms_core.errors import PluginError
from pdms_core.merging.spec import PersonReference

_BOUND: weakref.WeakKeyDictionary[Any, tuple[BoundReference, ...]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class BoundReference:
    """A module's :class:`PersonReference`, resolved to the table it names."""

    module: str
    table: Table
    columns: tuple[Column[Any], ...]
    where: tuple[tuple[Column[Any], str], ...]
    distinct: bool

    @property
    def key(self) -> Column[Any]:
        return self.table.primary_key.columns.values()[0]

    def unique_sets(self) -> list[tuple[Column[Any], ...]]:
        """The table's unique column sets that include a person column (a move may
        break them)."""
        found = []
        for item in (*self.table.constraints, *self.table.indexes):
            unique = isinstance(item, UniqueConstraint) or (isinstance(item, Index) and item.unique)
            columns = tuple(item.columns) if unique else ()
            if any(c in self.columns for c in columns):
                found.append(columns)
        return found


def person_references(host: Any) -> tuple[BoundReference, ...]:
    """The host's references in plugin order (core first), checked once and kept."""
    if host not in _BOUND:
        _BOUND[host] = tuple(_collect(host))
    return _BOUND[host]


def _collect(host: Any) -> list[BoundReference]:
    import pdms_core.models  # noqa: F401  every core table is in the metadata

    hook = host.pm.hook.pdms_person_references
    by_module = {impl.plugin: impl for impl in hook.get_hookimpls()}
    owners = host.owned_tables()
    bound: list[BoundReference] = []
    for plugin in host.plugins:
        impl = by_module.get(plugin.module)
        for spec in (impl.function() if impl else None) or ():
            bound.append(_bind(spec, plugin.name, owners))
    return bound


def _bind(spec: PersonReference, module: str, owners: dict[str, str]) -> BoundReference:
    if not isinstance(spec, PersonReference):
        raise PluginError(
            f"plugin {module!r}: pdms_person_references() must return PersonReference records"
        )
    table = Base.metadata.tables.get(spec.table)
    if table is not None and owners.get(spec.table) != module:
        raise PluginError(
            f"plugin {module!r} declares person references in {spec.table!r}, a table it "
            "does not own"
        )
    if table is None:
        raise PluginError(
            f"plugin {module!r} declares person references in unknown table {spec.table!r}"
        )
    if len(table.primary_key.columns) != 1:
        raise PluginError(f"plugin {module!r}: table {spec.table!r} needs a one-column primary key")

    def column(name: str) -> Column[Any]:
        if name not in table.c:
            raise PluginError(f"plugin {module!r}: table {spec.table!r} has no column {name!r}")
        return table.c[name]

    if not spec.columns:
        raise PluginError(f"plugin {module!r}: person reference {spec.table!r} names no column")
    return BoundReference(
        module=module,
        table=table,
        columns=tuple(column(name) for name in spec.columns),
        where=tuple((column(name), value) for name, value in spec.where),
        distinct=spec.distinct,
    )
