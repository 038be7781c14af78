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

from graphql import GraphQLObjectType

DEFINITION = "strawberry-definition"


def use_direct_resolvers(schema: Any) -> int:
    """Swap in direct resolvers where they are equivalent; how many were swapped."""
    swapped = 0
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for graphql_field in graphql_type.fields.values():
            field = (graphql_field.extensions or {}).get(DEFINITION)
            if field is None or not _plain(schema, field):
                continue
            direct = _direct(field, schema.config.info_class)
            if direct is not None:
                graphql_field.resolve = direct
                swapped += 1
    return swapped


def _plain(schema: Any, field: Any) -> bool:
    """No arguments, no extensions, no exception handlers: nothing to do but call."""
    if field.extensions or field.arguments:
        return False
    handlers = getattr(schema.schema_converter, "_get_field_exception_handlers", None)
    return handlers is None or not handlers(field)


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
            return function(source, **{info_name: info_class(_raw_info=info, _field=field)})

        return call_with_self_and_info

    def call(source: Any, info: Any, **_: Any) -> Any:
        keywords = {}
        if source_name is not None:
            keywords[source_name] = source
        if info_name is not None:
            keywords[info_name] = info_class(_raw_info=info, _field=field)
        return function(source, **keywords) if takes_self else function(**keywords)

    return call
