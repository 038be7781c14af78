"""Every graphql-core and strawberry internal PDMS reaches (graphql/compat.py), checked
against the installed libraries, so that an upgrade that renames or reshapes one fails
here, loudly, instead of the fast executor quietly falling back or skipping a guard.

The pins (strawberry-graphql 0.341, graphql-core 3.3) stay: these tests are what to
run against a candidate release before widening them.
"""

from __future__ import annotations

import dataclasses
import inspect

import pytest
import strawberry
from graphql import (
    GraphQLField,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLString,
)
from graphql.execution import Executor
from graphql.execution.collect_fields import FieldDetails
from graphql.execution.executor import to_nodes
from strawberry import relay
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types import Info

from pdms_core.audit.recorder import RootFieldsNoted
from pdms_core.errors import ConfigurationError
from pdms_core.graphql import compat
from pdms_core.graphql.direct_resolvers import DIRECT
from pdms_core.graphql.executors import StockExecutionContext, execution_context_class
from pdms_core.graphql.planned import PlannedExecutionContext
from pdms_core.graphql.schema import build_schema
from pdms_core.graphql.type_guards import GuardedExecutionContext
from pdms_core.host import PluginHost
from pdms_core.settings import Settings


@pytest.mark.parametrize("name", sorted(compat.EXECUTOR_METHODS))
def test_each_executor_method_pdms_overrides_or_calls_has_its_parameters(name):
    method = getattr(Executor, name)
    assert tuple(inspect.signature(method).parameters) == compat.EXECUTOR_METHODS[name]


def test_the_executor_attributes_and_field_details_pdms_reads_exist():
    assert set(compat.EXECUTOR_ATTRIBUTES) <= set(inspect.get_annotations(Executor))
    assert set(compat.FIELD_DETAILS) <= set(FieldDetails._fields)
    assert tuple(inspect.signature(to_nodes).parameters) == ("field_details_list",)
    compat.check_executor(fast=True)
    compat.check_executor(fast=False)
    compat.check_strawberry(fast=True)


def test_coerced_variable_values_are_where_plan_sharing_reads_them():
    from graphql import parse

    schema = GraphQLSchema(
        GraphQLObjectType("Query", {"hello": GraphQLField(GraphQLString)}),
    )
    document = parse("query($skip: Boolean!) { hello @skip(if: $skip) }")
    context = Executor.build(schema, document, raw_variable_values={"skip": True})
    assert compat.coerced_variables(context.variable_values) == {"skip": True}


def test_a_changed_executor_method_stops_the_fast_executor_but_not_the_stock_one(monkeypatch):
    def complete_value(self, return_type, field_details_list, info, path, result):
        """A release that dropped a parameter PDMS passes."""

    monkeypatch.setattr(Executor, "complete_value", complete_value)
    with pytest.raises(compat.CompatError, match=r"complete_value.*graphql-core 3\.3"):
        compat.check_executor(fast=True)
    compat.check_executor(fast=False)  # the stock executor only needs the guards' methods


def test_strawberry_keeps_its_definitions_schema_and_info_where_pdms_reads_them():
    assert GraphQLCoreConverter.DEFINITION_BACKREF == compat.DEFINITION
    assert {"_raw_info", "_field"} <= {field.name for field in dataclasses.fields(Info)}
    assert hasattr(GraphQLCoreConverter, "_get_field_exception_handlers")
    with pytest.raises(compat.CompatError, match="_schema"):
        compat.graphql_schema(object())


@strawberry.type
class Thing(relay.Node):
    """A fictional node, for the resolve infos and fields of a tiny schema."""

    code: relay.NodeID[str]
    label: str

    @strawberry.field
    def shout(self, info: strawberry.Info) -> str:
        SEEN.append(info)
        return self.label.upper()


SEEN: list[Info] = []


@strawberry.type
class Query:
    @strawberry.field
    def thing(self) -> Thing:
        return Thing(code="T1", label="sprocket")


def test_resolve_infos_fields_and_relay_ids_are_shaped_as_pdms_builds_and_reads_them():
    schema = strawberry.Schema(query=Query, execution_context_class=compat.ExecutionContextBase)
    SEEN.clear()
    assert schema.execute_sync("{ thing { id shout } }").data["thing"]["shout"] == "SPROCKET"
    built = compat.graphql_schema(schema)
    assert isinstance(built, GraphQLSchema)

    # the info strawberry hands a resolver, and graphql-core's behind it
    raw = compat.raw_info(SEEN[0])
    assert compat.raw_info(raw) is raw
    assert isinstance(raw, tuple) and raw._fields[:5] == compat.RESOLVE_INFO_HEAD
    assert GraphQLResolveInfo._fields[:5] == compat.RESOLVE_INFO_HEAD
    made = compat.resolve_info_maker(raw)("label", raw.field_nodes, None, raw.parent_type, None)
    assert type(made) is type(raw) and made.field_name == "label"
    assert made[5:] == raw[5:]  # schema, fragments, ... context: the same request

    thing = built.type_map["Thing"]
    assert compat.definition_of(thing).origin is Thing
    assert compat.definition_of(built.type_map["__Schema"]) is None
    shout = compat.definition_of(thing.fields["shout"])
    info = compat.strawberry_info(schema.config.info_class, raw, shout)
    assert info.field_name == raw.field_name and compat.raw_info(info) is raw
    assert compat.field_exception_handlers(schema, shout) == ()

    # what direct_resolvers.py reads of a field and its resolver
    label = compat.definition_of(thing.fields["label"])
    assert label.base_resolver is None and label.default_resolver is getattr
    assert label.python_name == "label" and label.extensions == [] and label.arguments == []
    resolver = shout.base_resolver
    assert resolver.wrapped_func.__name__ == "shout" and resolver.self_parameter is not None
    assert resolver.info_parameter.name == "info"
    assert resolver.root_parameter is None and resolver.parent_parameter is None
    node_id = compat.definition_of(thing.fields["id"])
    assert node_id.base_resolver.name == compat.RELAY_ID_RESOLVER
    assert Thing.resolve_id_attr() == "code"


def _schema_for(pdms_host: PluginHost, executor: str):
    settings = pdms_host.settings.with_changes(executor=executor)
    return build_schema(PluginHost(settings, pdms_host.plugins, pdms_host.installed, pdms_host.pm))


def _direct_fields(schema) -> int:
    built = compat.graphql_schema(schema)
    return sum(
        getattr(field.resolve, DIRECT, False)
        for graphql_type in built.type_map.values()
        if isinstance(graphql_type, GraphQLObjectType)
        for field in graphql_type.fields.values()
    )


def test_one_switch_turns_every_part_of_the_fast_executor_on_or_off(pdms_host):
    fast = _schema_for(pdms_host, "fast")
    assert fast.execution_context_class is PlannedExecutionContext
    assert _direct_fields(fast) > 100
    stock = _schema_for(pdms_host, "stock")
    assert stock.execution_context_class is StockExecutionContext
    # strawberry's own, with the read guards and the audit's root fields, nothing else
    assert StockExecutionContext.__mro__[1:4] == (
        RootFieldsNoted,
        GuardedExecutionContext,
        compat.ExecutionContextBase,
    )
    assert not [name for name, value in vars(StockExecutionContext).items() if callable(value)]
    assert _direct_fields(stock) == 0
    with pytest.raises(ValueError, match="fast, stock"):
        execution_context_class("turbo")


def test_the_setting_is_read_from_the_environment_with_the_old_switch_as_an_alias():
    assert Settings.from_env({}).executor == "fast"
    assert Settings.from_env({"PDMS_EXECUTOR": "stock"}).executor == "stock"
    assert Settings.from_env({"PDMS_PLANNED_COMPLETION": "false"}).executor == "stock"
    with pytest.raises(ConfigurationError, match="PDMS_EXECUTOR must be one of fast, stock"):
        Settings.from_env({"PDMS_EXECUTOR": "turbo"})
