"""Rows for the read path, built without the ORM's unit-of-work bookkeeping.

The per-request loaders (``db/loaders.py``) read rows only to hand them to resolvers:
they are never changed, flushed or refreshed, and each batch's session closes as soon
as the rows are read. Loading them as ORM entities still gave each one an instance
state, a weak reference, an identity-map entry and a per-attribute population pass: a
portal list reads about 1,250 rows, and building them was the largest cost left after
planned completion (bench/RESULTS.md).

So the loaders select the mapped columns and build each row as an instance of its
mapped class with the values in its ``__dict__`` and no instance state. Column
attributes read straight from ``__dict__`` (SQLAlchemy's own fast path), ``isinstance``
and everything defined on the class (properties, methods) work as on an entity, so
``is_type_of`` and resolvers cannot tell the difference. What they cannot do is what a
read-only row must not do anyway: join a session (``session.add`` raises
``UnmappedInstanceError``), lazy-load a relationship (which async code never may), or
be inspected with ``sqlalchemy.inspect``. Code that changes rows loads them in its own
unit of work, as it always has.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import aliased


@cache
def _attributes(model: type) -> tuple[str, ...]:
    """The mapped class's column attribute names, in mapper order."""
    return tuple(attribute.key for attribute in inspect(model).column_attrs)


@cache
def read_columns(model: Any) -> tuple[Any, ...]:
    """What to select for :func:`read_rows` of ``model`` (a mapped class, or an
    ``aliased()`` one for a joined row): its column attributes, in mapper order.

    Kept per model (and per alias: see :func:`joined_alias`): an aliased class adapts
    each attribute on first access, which cost more than the rows it read."""
    return tuple(getattr(model, name) for name in _attributes(inspect(model).mapper.class_))


@cache
def joined_alias(model: type, name: str) -> Any:
    """The one ``aliased(model, name=name)`` for joining ``model`` under ``name``."""
    return aliased(model, name=name)


def read_rows(model: type, results: Iterable[Sequence[Any]]) -> list[Any]:
    """An instance of ``model`` for each result row of :func:`read_columns`."""
    attributes = _attributes(model)
    return [_row(model, attributes, values) for values in results]


def split_rows(models: Sequence[type], results: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """For a statement selecting :func:`read_columns` of each of ``models`` in turn (the
    later ones outer-joined): per result row, one instance per model, or None where the
    outer join found nothing (its id is null)."""
    layout = []
    start = 0
    for model in models:
        attributes = _attributes(model)
        layout.append((model, attributes, start, start + len(attributes), attributes.index("id")))
        start += len(attributes)
    return [
        tuple(
            None if values[begin + id_at] is None else _row(model, names, values[begin:end])
            for model, names, begin, end, id_at in layout
        )
        for values in results
    ]


def _row(model: type, attributes: tuple[str, ...], values: Sequence[Any]) -> Any:
    row = model.__new__(model)
    row.__dict__.update(zip(attributes, values, strict=True))
    return row


def attribute(source: Any, name: str) -> Any:
    """``getattr(source, name)``, read from the instance's ``__dict__`` when it is there.

    A loaded column of an entity, and every column of a read-only row, sits in the
    instance's ``__dict__``, where SQLAlchemy's attribute descriptor would look it up
    too, with a few Python calls around it: those calls were about 4% of a portal
    list. Anything else (an unloaded column, a property, an object without a
    ``__dict__``) is left to ``getattr``.
    """
    try:
        return source.__dict__[name]
    except (KeyError, AttributeError):
        return getattr(source, name)
