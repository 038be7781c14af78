"""Every graphql-core and strawberry internal PDMS relies on, and nowhere else.

The fast executor (``planned.py``, ``prefetch.py``, ``direct_resolvers.py``) and the
security guards under both executors (``type_guards.py``, ``audit/recorder.py``)
extend graphql-core's ``Executor`` and read strawberry's private state. A library
release may rename or reshape any of it; when code guessed with ``getattr(x, "_y",
None)`` and carried on, a rename made it silently slower, or silently skipped a
check. So every such name is reached through this module, which raises
:class:`CompatError` naming the installed versions instead of guessing, and
``tests/test_executor_compat.py`` checks each one against the installed libraries.
:func:`check_executor` and :func:`check_strawberry` run when the schema is built, so a
server never starts on a release whose internals changed shape under PDMS's overrides.

Public API (``graphql.execution.Executor`` and its documented subclassing,
``strawberry.types.Info``, ``strawberry.relay``) is imported where it is used.
"""

from __future__ import annotations

import dataclasses
import inspect
from importlib.metadata import version
from typing import Any

from graphql import GraphQLSchema
from graphql.execution import Executor
from graphql.execution.collect_fields import FieldDetails
from graphql.execution.executor import to_nodes as _to_nodes
from graphql.execution.values import VariableValues
from strawberry import relay
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types import Info

VERSIONS = (
    f"strawberry-graphql {version('strawberry-graphql')}, graphql-core {version('graphql-core')}"
)


class CompatError(RuntimeError):
    """An installed graphql-core or strawberry no longer has what PDMS relies on."""

    def __init__(self, what: str):
        super().__init__(
            f"{what} ({VERSIONS}); PDMS supports the versions pinned in pyproject.toml: "
            "check pdms_core/graphql/compat.py against the new release, or run with "
            "PDMS_EXECUTOR=stock until it is"
        )


# -- graphql-core ------------------------------------------------------------------------

#: strawberry's execution context: graphql-core's ``Executor`` giving resolvers
#: strawberry's resolve info. The base of every PDMS execution context.
ExecutionContextBase = StrawberryGraphQLCoreExecutionContext

#: The ``Executor`` methods PDMS overrides or calls, with the parameters it passes.
EXECUTOR_METHODS: dict[str, tuple[str, ...]] = {
    # type_guards.GuardedExecutionContext: the read guard
    "complete_object_value": (
        "self",
        "return_type",
        "field_details_list",
        "info",
        "path",
        "result",
        "position_context",
    ),
    # audit.recorder.RootFieldsNoted: the root fields of a mutation, as run
    "execute_collected_root_fields": (
        "self",
        "root_type",
        "root_value",
        "grouped_field_set",
        "serially",
        "new_defer_usages",
    ),
    # fast executor only (direct_resolvers.LeafFirstExecutionContext, planned.py)
    "execute_field": (
        "self",
        "parent_type",
        "source",
        "field_details_list",
        "path",
        "position_context",
    ),
    "complete_value": (
        "self",
        "return_type",
        "field_details_list",
        "info",
        "path",
        "result",
        "position_context",
    ),
    "collect_subfields": ("self", "return_type", "field_details_list"),
    "build_resolve_info": ("self", "field_def", "field_nodes", "parent_type", "path"),
    "build_response": ("self", "data"),
}
#: Attributes of an ``Executor`` instance PDMS reads (or, ``async_helpers``, clears).
EXECUTOR_ATTRIBUTES = (
    "schema",
    "fragment_definitions",
    "operation",
    "variable_values",
    "hide_suggestions",
    "middleware_manager",
    "is_awaitable",
    "async_helpers",
    "context_value",
)
#: The fields of graphql-core's ``FieldDetails`` PDMS reads.
FIELD_DETAILS = ("node", "fragment_variable_values")
#: The leading fields of a resolve info, in order (``prefetch.py`` builds infos from
#: them); graphql-core's and strawberry's resolve infos are named tuples.
RESOLVE_INFO_HEAD = ("field_name", "field_nodes", "return_type", "parent_type", "path")


#: What the stock executor needs of them: the read guard and the audit's root fields.
STOCK_METHODS = ("complete_object_value", "execute_collected_root_fields")


def check_executor(*, fast: bool) -> None:
    """Raise :class:`CompatError` unless graphql-core's ``Executor`` has the methods
    and attributes PDMS overrides or uses (only the guards' ones for ``fast=False``),
    with the parameters PDMS passes."""
    for name, expected in EXECUTOR_METHODS.items():
        if not fast and name not in STOCK_METHODS:
            continue
        method = getattr(Executor, name, None)
        if method is None:
            raise CompatError(f"graphql-core's Executor has no method {name}")
        parameters = tuple(inspect.signature(method).parameters)
        if parameters != expected:
            raise CompatError(f"Executor.{name}{parameters} is not {name}{expected}")
    if not fast:
        return
    missing = set(EXECUTOR_ATTRIBUTES) - set(inspect.get_annotations(Executor))
    if missing:
        raise CompatError(f"graphql-core's Executor has no attributes {sorted(missing)}")
    if not set(FIELD_DETAILS) <= set(getattr(FieldDetails, "_fields", ())):
        raise CompatError(f"graphql-core's FieldDetails has no {FIELD_DETAILS}")
    if "coerced" not in getattr(VariableValues, "_fields", ()):
        raise CompatError("graphql-core's VariableValues has no coerced values")


def coerced_variables(variable_values: Any) -> dict[str, Any]:
    """The runtime values of an executor's variables (graphql-core's ``VariableValues``
    holds them beside their sources)."""
    return variable_values.coerced


def to_nodes(field_details_list: Any) -> list[Any]:
    """The field nodes of a field group (graphql-core's internal ``to_nodes``)."""
    return _to_nodes(field_details_list)


def resolve_info_maker(raw_info: Any) -> Any:
    """A function making resolve infos like ``raw_info`` (same type, same request) for
    other fields: ``make(field_name, field_nodes, return_type, parent_type, path)``.

    Builds the named tuple directly: ``_replace`` makes a dict per call, and the
    look-ahead makes one info per object and field.
    """
    kind = type(raw_info)
    if tuple(getattr(kind, "_fields", ())[: len(RESOLVE_INFO_HEAD)]) != RESOLVE_INFO_HEAD:
        raise CompatError(f"{kind.__name__} is not a named tuple starting {RESOLVE_INFO_HEAD}")
    rest = tuple(raw_info)[len(RESOLVE_INFO_HEAD) :]
    new = tuple.__new__

    def make(*head: Any) -> Any:
        return new(kind, head + rest)

    return make


# -- strawberry -----------------------------------------------------------------------------

#: The key of a graphql-core type's or field's strawberry definition in its extensions.
DEFINITION = "strawberry-definition"


def graphql_schema(schema: Any) -> GraphQLSchema:
    """The graphql-core schema a strawberry schema built (its private ``_schema``)."""
    built = getattr(schema, "_schema", None)
    if not isinstance(built, GraphQLSchema):
        raise CompatError("strawberry.Schema no longer keeps its GraphQLSchema in _schema")
    return built


def definition_of(graphql_thing: Any) -> Any:
    """The strawberry definition behind a graphql-core type or field, or None for
    those strawberry did not make (introspection types)."""
    extensions = graphql_thing.extensions
    return extensions.get(DEFINITION) if extensions else None


def field_exception_handlers(schema: Any, field: Any) -> tuple[Any, ...]:
    """The exception handlers strawberry would apply to ``field``'s resolver."""
    handlers = getattr(schema.schema_converter, "_get_field_exception_handlers", None)
    if handlers is None:
        raise CompatError("strawberry's schema converter has no _get_field_exception_handlers")
    return tuple(handlers(field))


def strawberry_info(info_class: Any, raw_info: Any, field: Any) -> Any:
    """The strawberry ``Info`` a resolver of ``field`` is given for ``raw_info``."""
    return info_class(_raw_info=raw_info, _field=field)


def raw_info(info: Any) -> Any:
    """graphql-core's resolve info behind a strawberry ``Info`` (or ``info`` itself)."""
    return info._raw_info if isinstance(info, Info) else info


#: The name of ``relay.Node``'s own resolver for ``id``.
RELAY_ID_RESOLVER = "_id"


def check_strawberry(*, fast: bool) -> None:
    """Raise :class:`CompatError` unless strawberry has the private names above (the
    guards' ones only for ``fast=False``)."""
    if GraphQLCoreConverter.DEFINITION_BACKREF != DEFINITION:
        raise CompatError(f"strawberry's definitions are no longer under {DEFINITION!r}")
    if not {"_raw_info", "_field"} <= {field.name for field in dataclasses.fields(Info)}:
        raise CompatError("strawberry's Info is no longer made of _raw_info and _field")
    if not fast:
        return
    if not hasattr(GraphQLCoreConverter, "_get_field_exception_handlers"):
        raise CompatError("strawberry's schema converter has no _get_field_exception_handlers")
    if getattr(relay.Node, RELAY_ID_RESOLVER, None) is None:
        raise CompatError(f"strawberry's relay.Node has no {RELAY_ID_RESOLVER} resolver")


# -- strawberry's HTTP view ---------------------------------------------------------------

#: ``AsyncBaseHTTPView.execute_single``'s parameters: ``app.PdmsGraphQL`` overrides it
#: to fill in a document sent by hash (trusted documents) once the context (the actor)
#: is known and before strawberry refuses a request without ``query``.
VIEW_EXECUTE_SINGLE = (
    "self",
    "request",
    "request_adapter",
    "sub_response",
    "context",
    "root_value",
    "request_data",
)


def check_view() -> None:
    """Raise :class:`CompatError` unless strawberry's HTTP view still executes one
    request through ``execute_single`` with the parameters PDMS passes on."""
    from strawberry.http.async_base_view import AsyncBaseHTTPView

    method = getattr(AsyncBaseHTTPView, "execute_single", None)
    if method is None:
        raise CompatError("strawberry's AsyncBaseHTTPView has no execute_single")
    parameters = tuple(inspect.signature(method).parameters)
    if parameters != VIEW_EXECUTE_SINGLE:
        raise CompatError(
            f"AsyncBaseHTTPView.execute_single{parameters} is not {VIEW_EXECUTE_SINGLE}"
        )
