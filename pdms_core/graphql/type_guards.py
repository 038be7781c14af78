"""Type-level read rules, held on every path to a type, under both executors.

A type's ``read_permission`` (``ModelNode``) is a rule about the *type*: a caller
without ``core.places.read`` may not read a place, whether it asked ``node(id)``, or
``case { places { place } }``, or ``person { addresses { place } }``. Checking it in
each field that can return a place would leave the rule to every resolver's memory,
and the root fields' permission extensions only guard the root.

So :func:`guard_type_reads`, run when the schema is built, attaches a
:class:`ReadGuard` to every object type that has a read permission, and the executor
applies it to every object of that type it puts into an answer. There are exactly two
places where an object value enters an answer, and both call the guard:

- graphql-core's ``complete_object_value``, overridden in
  :class:`GuardedExecutionContext`, the base of both execution contexts PDMS runs
  (``PlannedExecutionContext`` for ``PDMS_EXECUTOR=fast``, ``StockExecutionContext``
  for ``stock``: ``graphql/executors.py``). Every object
  graphql-core completes passes there, whether its field's type is the object type,
  a list of it, or an interface or union it implements (after ``resolve_type``).
- the planned completion's object placer (``graphql/planned.py``), which builds the
  objects of the root query fields it completes itself. A refusal there abandons the
  plan, and graphql-core completes the field from the start, reaching the refusal in
  ``complete_object_value`` and reporting it the ordinary way.

The guard sees each value after it has loaded (graphql-core awaits a field's value
before completing it; the plan places only settled values), so no future or coroutine
needs wrapping, and a null reaches no guard: a case without an officer is not an
error. A refused object is a ``PERMISSION_DENIED`` error at its own path, and null
there, propagated by the GraphQL rules like any field error. The look-ahead
(``graphql/prefetch.py``) only loads: it puts nothing into an answer.

A type that holds personal data (``personal_data = True``) has each object noted in
the request's audit collector as it is placed; ``AuditTrail`` writes the rows after
the operation. ``is_type_of`` therefore stays a pure type test: the executors also
call it for types a value turns out not to be.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLObjectType

from pdms_core.errors import PermissionDenied
from pdms_core.graphql.compat import ExecutionContextBase, definition_of, graphql_schema
from pdms_core.graphql.node import ModelNode

#: The key of a guarded type's :class:`ReadGuard` in its GraphQL type's ``extensions``.
READ_GUARD = "pdms_read_guard"


class ReadGuard:
    """What reading an object of one GraphQL type takes, and what it leaves noted."""

    __slots__ = ("audited", "message", "own_record", "permission", "type_name")

    def __init__(
        self,
        type_name: str,
        permission: str,
        *,
        audited: bool = False,
        own_record: Callable[[Any, Any], bool] | None = None,
    ):
        self.type_name = type_name
        self.permission = permission
        self.audited = audited
        self.own_record = own_record
        self.message = f"This needs the permission {permission}."

    def __call__(self, value: Any, context: Any) -> None:
        """Refuse ``value`` unless the caller may read it; note it if it is personal."""
        if not context.actor.has(self.permission) and not (
            self.own_record is not None and self.own_record(value, context)
        ):
            raise PermissionDenied(self.message)
        if self.audited:
            context.audit.note_read(self.type_name, value.id)

    def __repr__(self) -> str:
        return f"ReadGuard({self.type_name!r}, {self.permission!r}, audited={self.audited})"


def read_guard(graphql_type: Any) -> ReadGuard | None:
    """The guard :func:`guard_type_reads` attached to an object type, if any."""
    extensions = graphql_type.extensions
    return extensions.get(READ_GUARD) if extensions else None


def guard_type_reads(schema: Any) -> dict[str, ReadGuard]:
    """Attach a :class:`ReadGuard` to every object type with a read permission.

    Refuses a schema whose execution context would not apply them. Returns the guards
    by type name.
    """
    if not issubclass(schema.execution_context_class, GuardedExecutionContext):
        raise TypeError("type read rules need an execution context that applies them")
    guards: dict[str, ReadGuard] = {}
    for name, graphql_type in graphql_schema(schema).type_map.items():
        definition = definition_of(graphql_type)
        if not isinstance(graphql_type, GraphQLObjectType) or definition is None:
            continue  # introspection types have no strawberry definition
        guard = _guard_for(name, definition.origin)
        if guard is not None:
            graphql_type.extensions = {**graphql_type.extensions, READ_GUARD: guard}
            guards[name] = guard
    return guards


def _guard_for(type_name: str, origin: Any) -> ReadGuard | None:
    permission = getattr(origin, "read_permission", None)
    if not permission or not getattr(origin, "read_on_every_path", True):
        return None
    own = getattr(origin, "readable_without_permission", None)
    # Only an override is worth calling on a refusal: ModelNode's own answers False.
    if getattr(own, "__func__", None) is ModelNode.readable_without_permission.__func__:
        own = None
    return ReadGuard(
        type_name,
        permission,
        audited=bool(getattr(origin, "personal_data", False)),
        own_record=own,
    )


class GuardedExecutionContext(ExecutionContextBase):
    """graphql-core's executor, applying each object type's :class:`ReadGuard` to every
    object it completes (see the module docstring)."""

    def complete_object_value(
        self,
        return_type: Any,
        field_details_list: Any,
        info: Any,
        path: Any,
        result: Any,
        position_context: Any,
    ) -> Any:
        guard = read_guard(return_type)
        if guard is not None:
            guard(result, info.context)
        return super().complete_object_value(
            return_type, field_details_list, info, path, result, position_context
        )
