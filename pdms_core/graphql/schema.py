"""Compose the schema from the enabled plugins: a pure function of the host.

Root fields are merged strictly (strawberry's ``merge_types`` only warns on clashes):
a duplicate field, a plugin field without the plugin's prefix, a plugin type without
its prefix, or a permission nobody declared stops startup with a message naming both
sides. Order is fixed (core first, then plugins by name), so the exported SDL is
reproducible.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

import strawberry
from graphql import GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ParserCache
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import create_type
from strawberry.types import get_object_definition

from pdms_core.audit.recorder import AuditTrail
from pdms_core.db.cursors import MAX_PAGE_SIZE
from pdms_core.errors import PluginError
from pdms_core.graphql.compat import graphql_schema
from pdms_core.graphql.document_rules import BudgetedValidationCache, document_limits
from pdms_core.graphql.errors import ExtensionFailures, extension_factory
from pdms_core.graphql.executors import execution_context_class, install
from pdms_core.graphql.limits import RequestLimits
from pdms_core.graphql.module_records import ModuleRecord
from pdms_core.graphql.permissions import Requires, permission_of
from pdms_core.graphql.text_limits import TextLimits
from pdms_core.host import LoadedPlugin, PluginHost, camel_prefix, pascal_prefix
from pdms_core.ratelimit import make_limiter
from pdms_core.records import CORE

MAX_QUERY_DEPTH = 15
MAX_ALIASES = 15
MAX_TOKENS = 2_000
_NAMES = StrawberryConfig().name_converter


class PdmsSchema(strawberry.Schema):
    """A strawberry schema that remembers the host it was built from."""

    host: PluginHost
    limiter: Any

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        # ErrorPresentation already logged unexpected errors without their messages;
        # strawberry's default would log full messages, which may carry personal data.
        return None


def build_schema(host: PluginHost) -> PdmsSchema:
    """The GraphQL schema for exactly the plugins ``host`` has enabled."""
    query_fields = _merge_root(host, "query")
    mutation_fields = _merge_root(host, "mutation")
    extra_types: list[Any] = [ModuleRecord]
    for _plugin, contribution in host.graphql:
        extra_types.extend(contribution.types)
        extra_types.extend(source.record_type for source in contribution.module_records)
    extra_types.extend(source.record_type for _module, source in host.timeline_sources)
    settings = host.settings
    limiter = make_limiter(settings.redis_url)
    # Production hides the schema: no introspection (debug keeps it for GraphiQL).
    hide_schema = [] if settings.debug else [NoSchemaIntrospectionCustomRule]
    # The rule class is made once per schema: validation results are cached by
    # (schema, document, rules), so a class made per request (as strawberry's
    # QueryDepthLimiter does) never hits and every request pays for a full validation.
    # It measures each fragment once (strawberry's depth and alias validators followed
    # every spread: exponential in fragments spreading fragments).
    rules = (
        document_limits(max_depth=MAX_QUERY_DEPTH, max_aliases=MAX_ALIASES),
        *hide_schema,
    )
    schema = PdmsSchema(
        query=create_type("Query", query_fields, description="Everything that can be read."),
        mutation=create_type(
            "Mutation",
            mutation_fields,
            description="Everything that can be changed; one unit of work per field.",
        )
        if mutation_fields
        else None,
        types=list(dict.fromkeys(extra_types)),
        extensions=[
            # Factories: strawberry builds extensions per request; the caches below
            # live at module level (keyed by size, and by schema for validation).
            # First, so it is the last to exit: it masks what the others raise.
            lambda: ExtensionFailures(debug=settings.debug),
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            lambda: AddValidationRules(rules),
            lambda: ParserCache(maxsize=256),
            # the fragment and selection budget, checked before validation walks anything
            lambda: BudgetedValidationCache(maxsize=256),
            lambda: RequestLimits(
                limiter=limiter,
                max_cost=settings.max_query_cost,
                cost_per_minute=settings.cost_per_minute,
                debug=settings.debug,
            ),
            TextLimits,
            AuditTrail,
            extension_factory(host.settings.debug),
        ],
        config=StrawberryConfig(relay_max_results=MAX_PAGE_SIZE),
        execution_context_class=execution_context_class(settings.executor),
    )
    schema.host = host
    schema.limiter = limiter
    install(schema, settings.executor)  # graphql/executors.py: PDMS_EXECUTOR
    _check_type_names(schema, host)
    _check_record_sources(schema, host)
    return schema


def _merge_root(host: PluginHost, kind: str) -> list[Any]:
    fields: list[Any] = []
    owners: dict[str, str] = {}
    declared = {permission.code for permission in host.permissions}
    for plugin, contribution in host.graphql:
        root = getattr(contribution, kind)
        if root is None:
            continue
        definition = get_object_definition(root, strict=True)
        for field in definition.fields:
            name = _NAMES.from_field(field)
            _check_root_field(plugin, kind, name, owners, field, declared)
            owners[name] = plugin.name
            fields.append(copy.copy(field))
    return fields


def _check_root_field(
    plugin: LoadedPlugin,
    kind: str,
    name: str,
    owners: dict[str, str],
    field: Any,
    declared: set[str],
) -> None:
    if name in owners:
        raise PluginError(
            f"{kind} field {name!r} is defined by both {owners[name]!r} and {plugin.name!r}"
        )
    prefix = camel_prefix(plugin.name)
    if plugin.name != CORE and not _has_prefix(name, prefix):
        raise PluginError(
            f"plugin {plugin.name!r} adds {kind} field {name!r}; its root fields "
            f"must start with {prefix!r}"
        )
    rule = permission_of(field)
    if rule is None:
        raise PluginError(
            f"{kind} field {name!r} of {plugin.name!r} declares no permission; "
            "use query_field/mutation_field"
        )
    if isinstance(rule, Requires) and rule.code not in declared:
        raise PluginError(
            f"{kind} field {name!r} of {plugin.name!r} requires permission "
            f"{rule.code!r}, which no enabled module declares"
        )


def _has_prefix(name: str, prefix: str) -> bool:
    rest = name[len(prefix) :]
    return name.startswith(prefix) and (rest == "" or rest[0].isupper())


def _check_type_names(schema: PdmsSchema, host: PluginHost) -> None:
    owners: dict[str, str] = {}
    for name in sorted(graphql_schema(schema).type_map):
        if name.startswith("__"):
            continue
        definition = schema.get_type_by_name(name)
        origin = getattr(definition, "origin", None)
        plugin = host.plugin_for_module(getattr(origin, "__module__", "") or "")
        if plugin is None or plugin.name == CORE:
            continue
        owners[name] = plugin.name
        if not _has_prefix(name, pascal_prefix(plugin.name)):
            raise PluginError(
                f"plugin {plugin.name!r} defines GraphQL type {name!r}; its types "
                f"must start with {pascal_prefix(plugin.name)!r}"
            )
    logging.getLogger("pdms.schema").debug("plugin types: %s", owners)


def _check_record_sources(schema: PdmsSchema, host: PluginHost) -> None:
    declared = {permission.code for permission in host.permissions}
    for plugin, contribution in host.graphql:
        for source in contribution.module_records:
            holder = graphql_schema(schema).type_map.get(source.holder)
            if holder is None or "moduleRecords" not in getattr(holder, "fields", {}):
                raise PluginError(
                    f"plugin {plugin.name!r} attaches records to {source.holder!r}, "
                    "which is not a core type with moduleRecords"
                )
            if source.permission not in declared:
                raise PluginError(
                    f"plugin {plugin.name!r}: records on {source.holder!r} need "
                    f"permission {source.permission!r}, which no enabled module "
                    "declares"
                )


def export_sdl(schema: PdmsSchema) -> str:
    """The schema as SDL text, ending with one newline."""
    return schema.as_str().rstrip() + "\n"
