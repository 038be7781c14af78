"""Relay object identification: opaque global IDs, ``node(id:)`` and ``nodes(ids:)``."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from strawberry import relay
from strawberry.types import Info

from pdms_core.db.cursors import within_database_range
from pdms_core.db.loaders import RowsByIdLoader, joined_row
from pdms_core.errors import PermissionDenied, ValidationFailed
from pdms_core.graphql.prefetch import settled
from pdms_core.lookups.loaders import AllLookupValuesLoader
from pdms_core.lookups.models import LookupValue

MAX_NODES = 100


def decode_id(value: str, expected_type: str, *, field: str = "id") -> int:
    """The database id inside a global ID of ``expected_type``; VALIDATION error if not."""
    try:
        gid = relay.GlobalID.from_id(value)
        # beyond 64 bits no row can have it, and the driver would fail the statement
        if gid.type_name == expected_type and within_database_range(int(gid.node_id)):
            return int(gid.node_id)
    except (relay.GlobalIDValueError, ValueError):
        pass
    raise ValidationFailed(f"This is not the ID of a {expected_type}.", field=field)


def global_id(type_name: str, node_id: int) -> str:
    """The opaque global ID of a record."""
    return str(relay.GlobalID(type_name, str(node_id)))


async def resolve_nodes(info: Info, ids: list[str]) -> list[Any]:
    """Fetch nodes of any types, checking each type's read permission."""
    if len(ids) > MAX_NODES:
        raise ValidationFailed(f"Ask for at most {MAX_NODES} nodes at once.", field="ids")
    by_type: dict[type, list[tuple[int, str]]] = {}
    for position, value in enumerate(ids):
        origin, node_id = _node_type(info, value)
        if origin is not None:
            by_type.setdefault(origin, []).append((position, node_id))
    found: list[Any] = [None] * len(ids)
    for origin, wanted in by_type.items():
        permission = getattr(origin, "read_permission", None)
        if permission is None or not info.context.actor.has(permission):
            raise PermissionDenied(f"This needs the permission {permission}.")
        nodes = await origin.resolve_nodes(
            info=info, node_ids=[n for _, n in wanted], required=False
        )
        for (position, _), node in zip(wanted, nodes, strict=True):
            found[position] = node
    return found


def _node_type(info: Info, value: str) -> tuple[type | None, str]:
    try:
        gid = relay.GlobalID.from_id(value)
    except relay.GlobalIDValueError:
        raise ValidationFailed("That is not a valid ID.", field="id") from None
    if not _in_database_range(gid.node_id):
        raise ValidationFailed("That is not a valid ID.", field="id")
    definition = info.schema.get_type_by_name(gid.type_name)
    origin = getattr(definition, "origin", None)
    if not (isinstance(origin, type) and issubclass(origin, relay.Node)):
        return None, gid.node_id
    return origin, gid.node_id


def _in_database_range(node_id: str) -> bool:
    """False for a number no id column can hold (the driver would fail on it); other
    text is left to the type's ``resolve_nodes`` (which finds nothing for it)."""
    try:
        return within_database_range(int(node_id))
    except ValueError:
        return True


def row_of(info: Info, model: Any, row_id: int | None) -> Any:
    """The ``model`` row with this id (None for None), batched with its field's others.

    Returns the row itself once it is loaded (see ``graphql/prefetch.py``), else the
    loader's future, for a *sync* resolver to return.

    Rows are batched per field path (``cases.nodes.places.place``), not per model: all
    the rows of one field arrive in the same tick (their parents came from one batch),
    so the statement count is fixed by the query's shape. Batching per model would
    merge or split two fields' loads depending on which parent query finished first.
    Lookup values come from one per-request read of every value.
    """
    if row_id is None:
        return None
    if model is LookupValue:
        return settled(info.context.loaders.get(AllLookupValuesLoader).load(row_id))
    loader = info.context.loaders.get(RowsByIdLoader, model=model, path=field_path(info))
    return settled(loader.load(row_id))


async def load_row(info: Info, model: Any, row_id: int | None) -> Any:
    """:func:`row_of`, awaited: for async resolvers."""
    found = row_of(info, model, row_id)
    return await found if isinstance(found, asyncio.Future) else found


def lookup_value(info: Info, value_id: int | None) -> Any:
    """The lookup value with this id, for a *sync* resolver to return.

    The request reads every lookup value once; after that the value is returned
    directly, not awaited. A portal list shows a thousand lookup values (statuses,
    types, task categories ...), and resolving each through a future and an awaited
    task cost about a quarter of its CPU time. Before the read (the first batch),
    this returns the awaitable, which graphql-core awaits as usual.
    """
    if value_id is None:
        return None
    loader = info.context.loaders.get(AllLookupValuesLoader)
    everything = loader.ready()
    if everything is not None:
        return everything.get(value_id)
    return loader.load(value_id)


def joined_or_row(info: Info, row: Any, name: str, model: Any, row_id: int | None) -> Any:
    """The ``name`` row that came joined to ``row`` (see ``ChildrenLoader.joins``), or
    else the ``model`` row with this id through :func:`row_of`."""
    found, joined = joined_row(row, name)
    return joined if found else row_of(info, model, row_id)


def field_path(info: Info) -> tuple[str, ...]:
    """The field names from the root to this field, without list positions."""
    names = []
    path = info.path
    while path is not None:
        if isinstance(path.key, str):
            names.append(path.key)
        path = path.prev
    return tuple(names)


class ModelNode(relay.Node):
    """A Node whose objects are ORM rows of ``model``, loaded by id in batches.

    Subclasses set ``model`` and ``read_permission``. Resolvers return ORM rows
    directly; ``is_type_of`` lets interfaces (Node, ModuleRecord) find the concrete
    type of such a row. It only tells types apart: it must have no side effects,
    because the executors also ask it about types a value turns out not to be.

    ``read_permission`` holds on every path to the type, not only for ``node``: the
    read guard (``graphql/type_guards.py``) checks it for every object of the type an
    answer carries, whichever field returned it. A type whose objects are personal
    data sets ``personal_data = True``: every one an answer carries is then noted in
    the audit trail (its type name and id, action ``read``), like people::

        class RentArrearsAccount(ModelNode, ModuleRecord):
            model = Account
            read_permission = "rent_arrears.account.read"
            personal_data = True  # names the tenant
    """

    model: Any = None
    read_permission: str = ""
    #: Objects of this type are personal data: each read is audited.
    personal_data: ClassVar[bool] = False
    #: False only for vocabulary read as part of the record that shows it (a lookup
    #: value: a case's status label is read with the case); then ``read_permission``
    #: guards ``node``/``nodes`` only.
    read_on_every_path: ClassVar[bool] = True

    @classmethod
    def is_type_of(cls, obj: Any, info: Info) -> bool:
        return isinstance(obj, (cls.model, cls))

    @classmethod
    def readable_without_permission(cls, row: Any, context: Any) -> bool:
        """Whether the caller may read ``row`` without ``read_permission`` (their own
        record, say). Asked only when the permission is missing."""
        return False

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Any, required: bool = False) -> list[Any]:
        keys = []
        for node_id in node_ids:
            try:
                keys.append(int(node_id))
            except ValueError:
                keys.append(-1)
        return await info.context.loaders.get(RowsByIdLoader, model=cls.model).load_many(keys)
