"""Call plain resolvers directly instead of through strawberry's general wrapper.

For every field, strawberry builds a resolver that converts the arguments, works out
which of ``self``, ``root`` and ``info`` the function asks for, chains the field's
extensions and only then calls the function: about ten Python calls around what is
often ``return self.id``. A portal list resolves several thousand such fields per
request, and that wrapper was the largest single cost left after the look-ahead
loading (``graphql/prefetch.py``).

Most fields need none of it. A field without a resolver just reads an attribute; a
resolver with no GraphQL arguments and no field extensions (no permission rule: those
sit on root fields) needs only its source object and perhaps ``info``. For exactly
those fields, :func:`use_direct_resolvers` gives graphql-core a resolver that makes
the same call strawberry would make, with nothing around it. Every other field
(arguments, extensions, exception handlers, a non-default attribute resolver) keeps
strawberry's resolver untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLNonNull, GraphQLObjectType, Undefined, is_leaf_type
from strawberry import relay
from strawberry.relay import to_base64

from pdms_core.audit.recorder import RootFieldsNoted
from pdms_core.db.read_rows import attribute
from pdms_core.graphql.compat import (
    RELAY_ID_RESOLVER,
    definition_of,
    field_exception_handlers,
    graphql_schema,
    strawberry_info,
)
from pdms_core.graphql.type_guards import GuardedExecutionContext

#: Set on every resolver :func:`use_direct_resolvers` swapped in.
DIRECT = "_pdms_direct"
#: On a direct resolver that calls ``function(source, **{name: info})``: a function of
#: graphql-core's resolve info giving ``(function, {name: strawberry info})``, so that
#: a caller resolving many sources with one info (``graphql/planned.py``) wraps it once.
WITH_INFO = "_pdms_with_info"
#: On a direct resolver whose leaf value can be read without calling anything: a
#: function of (source, parent type name) giving the value to serialize.
LEAF = "_pdms_leaf"


def use_direct_resolvers(schema: Any) -> int:
    """Swap in direct resolvers where they are equivalent; how many were swapped."""
    swapped = 0
    for graphql_type in graphql_schema(schema).type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for graphql_field in graphql_type.fields.values():
            field = definition_of(graphql_field)
            if field is None or not _plain(schema, field):
                continue
            direct = _direct(field, schema.config.info_class)
            if direct is not None:
                graphql_field.resolve = direct
                setattr(direct, DIRECT, True)
                swapped += 1
                read = _leaf_reader(graphql_type, graphql_field, field)
                if read is not None:
                    setattr(direct, LEAF, read)
    return swapped


def _leaf_reader(graphql_type: Any, graphql_field: Any, field: Any) -> Callable | None:
    """How :class:`LeafFirstExecutionContext` may read this field without graphql-core's
    per-field machinery: a scalar or enum attribute, or a relay ``id``."""
    named = graphql_field.type
    if isinstance(named, GraphQLNonNull):
        named = named.of_type
    if not is_leaf_type(named):
        return None
    if field.base_resolver is None:
        return _read_column(field.python_name)
    origin = definition_of(graphql_type).origin
    if not _default_relay_id(field, origin):
        return None
    id_attribute = origin.resolve_id_attr()

    def read_global_id(source: Any, type_name: str) -> Any:
        # what relay.Node's id resolver returns for a row of this type, already as the
        # string the ID scalar makes of it (str(GlobalID) is this base64 of the two)
        return to_base64(type_name, str(attribute(source, id_attribute)))

    return read_global_id


def _read_column(name: str) -> Callable[[Any, str], Any]:
    def read_column(source: Any, type_name: str) -> Any:
        return attribute(source, name)

    return read_column


def _default_relay_id(field: Any, origin: Any) -> bool:
    """Whether the field is relay.Node's own ``id``, with the default id and type name."""
    return (
        isinstance(origin, type)
        and issubclass(origin, relay.Node)
        and field.base_resolver.name == RELAY_ID_RESOLVER
        and getattr(origin.resolve_id, "__func__", None) is relay.Node.resolve_id.__func__
        and getattr(origin.resolve_typename, "__func__", None)
        is relay.Node.resolve_typename.__func__
    )


class LeafFirstExecutionContext(RootFieldsNoted, GuardedExecutionContext):
    """graphql-core's executor, with a short path for plain scalar and enum columns.

    (Its bases apply the types' read guards to every object it completes and name the
    mutation root fields it runs to the audit trail.)

    For each field graphql-core builds a resolve info, calls the resolver, checks for
    an awaitable and dispatches on the return type, about ten calls to read
    ``case.reference``. Most of a portal list's fields are such reads, or a relay
    ``id``. When a field is one of those (marked by :func:`use_direct_resolvers`) and
    no middleware is installed, this reads and serializes the value directly; anything
    unusual (no value, an error, a value that does not serialize) goes through
    graphql-core's own path, which reads the attribute again and reports what it finds.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._without_middleware = without_middleware(self)

    def execute_field(
        self,
        parent_type: Any,
        source: Any,
        field_details_list: Any,
        path: Any,
        position_context: Any,
    ) -> Any:
        if self._without_middleware:
            field = parent_type.fields.get(field_details_list[0].node.name.value)
            read = getattr(field.resolve, LEAF, None) if field is not None else None
            if read is not None:
                try:
                    value = read(source, parent_type.name)
                    serialized = None if value is None else coerced_leaf(field.type, value)
                except Exception:  # graphql-core's path reports it at the right place
                    serialized = None
                if serialized is not None and serialized is not Undefined:
                    return serialized
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )


def coerced_leaf(graphql_type: Any, value: Any) -> Any:
    """``value`` serialized as the (possibly non-null) leaf type says."""
    if isinstance(graphql_type, GraphQLNonNull):
        graphql_type = graphql_type.of_type
    return graphql_type.coerce_output_value(value)


def without_middleware(context: Any) -> bool:
    """Whether graphql-core's execution context ``context`` wraps resolvers in middleware
    (then every field must go through graphql-core, where the middleware sees it)."""
    manager = context.middleware_manager
    return manager is None or manager.get_field_resolver(_probe) is _probe


def _probe(source: Any, info: Any) -> None:
    """A resolver to ask the middleware manager whether it wraps anything."""


def _plain(schema: Any, field: Any) -> bool:
    """No arguments, no extensions, no exception handlers: nothing to do but call."""
    if field.extensions or field.arguments:
        return False
    return not field_exception_handlers(schema, field)


def _direct(field: Any, info_class: Any) -> Callable[..., Any] | None:
    resolver = field.base_resolver
    if resolver is None:
        if field.default_resolver is not getattr:
            return None
        name = field.python_name

        def read_attribute(source: Any, info: Any, **_: Any) -> Any:
            return getattr(source, name)

        return read_attribute
    function = resolver.wrapped_func
    if not callable(function):
        return None
    takes_self = resolver.self_parameter is not None
    source_parameter = resolver.root_parameter or resolver.parent_parameter
    source_name = source_parameter.name if source_parameter is not None else None
    info_name = resolver.info_parameter.name if resolver.info_parameter is not None else None

    if takes_self and source_name is None:
        if info_name is None:

            def call_with_self(source: Any, info: Any, **_: Any) -> Any:
                return function(source)

            return call_with_self

        def call_with_self_and_info(source: Any, info: Any, **_: Any) -> Any:
            return function(source, **{info_name: strawberry_info(info_class, info, field)})

        def with_info(info: Any) -> tuple[Callable[..., Any], dict[str, Any]]:
            return function, {info_name: strawberry_info(info_class, info, field)}

        setattr(call_with_self_and_info, WITH_INFO, with_info)
        return call_with_self_and_info

    def call(source: Any, info: Any, **_: Any) -> Any:
        keywords = {}
        if source_name is not None:
            keywords[source_name] = source
        if info_name is not None:
            keywords[info_name] = strawberry_info(info_class, info, field)
        return function(source, **keywords) if takes_self else function(**keywords)

    return call
