"""Look-ahead loading: read a page's nested rows level by level, then resolve synchronously.

graphql-core walks a result depth-first and awaits each awaitable field on its own:
for a portal list that is about a thousand coroutines, futures and tasks per request,
each costing more than the field's own work. The dataloaders already batch the SQL,
so the waiting buys nothing but overhead.

So a root query field, once it has its value, walks the query's selection ahead of
graphql-core, one level at a time: it calls every *prefetchable* resolver of the
level for every object of the level, awaits all their loader futures together (the
loaders batch them into one statement per field, as before), and moves on to the
values that came back. When graphql-core then executes the query, those resolvers
find their futures done and return plain values through :func:`settled`, and almost
nothing is awaited.

A resolver is prefetchable when it is marked with :func:`prefetchable`: it must have
no side effects, so that calling it ahead (or again) changes nothing. A sync one
returns a value or a loader future, which the look-ahead awaits with the level's
others; an async one the look-ahead leaves alone (a coroutine can be awaited once
only, and graphql-core must await its own), but the planned completion
(``graphql/planned.py``) awaits it. Anything else (unmarked resolvers, interfaces
whose concrete type cannot be told, errors) stops the walk on that branch, and
graphql-core resolves it the ordinary way, so the look-ahead changes speed only,
never results or errors.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLIncludeDirective,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSkipDirective,
    GraphQLUnionType,
    InlineFragmentNode,
)
from graphql.execution import VariableValues, get_argument_values, get_directive_values
from graphql.pyutils import Path

from pdms_core.graphql.compat import definition_of, resolve_info_maker

F = TypeVar("F", bound=Callable[..., Any])

#: The attribute :func:`prefetchable` sets on a resolver function.
MARK = "_pdms_prefetchable"
#: Its value for a resolver that only needs calling once per level (see ``once``).
ONCE = "once"


def prefetchable(resolver: F | None = None, *, once: bool = False) -> Any:
    """Mark a resolver as safe to call ahead of execution (see the module docstring).

    ``once=True`` is for resolvers whose first call loads what all the others need
    (lookup values: the request reads every value at once): the look-ahead calls it
    for the first object of a level only, and does not walk into what it returns.
    """

    def mark(function: F) -> F:
        setattr(function, MARK, ONCE if once else True)
        return function

    return mark if resolver is None else mark(resolver)


def settled(value: Any) -> Any:
    """A future's result when it is already done, else the value unchanged.

    Resolvers return ``settled(loader.load(key))``: after the look-ahead that is the
    row itself, which graphql-core completes without awaiting; without it, the
    future, which graphql-core awaits as usual.
    """
    if (
        isinstance(value, asyncio.Future)
        and value.done()
        and not value.cancelled()
        and value.exception() is None
    ):
        return value.result()
    return value


async def prefetch(raw_info: Any, value: Any, selections: dict | None = None) -> None:
    """Load ahead what the selection of the field described by ``raw_info`` will need.

    ``raw_info`` is graphql-core's resolve info of a root field and ``value`` what its
    resolver returned. ``selections``, when given, keeps the fields each selection
    picks across requests: only for requests with the same operation and the same
    @skip/@include values (``plan_cache.py``). Never raises: a failure is left for
    graphql-core to meet (and report at the right path) when it resolves the same field.
    """
    level = [(value, raw_info.return_type, raw_info.field_nodes, raw_info.path)]
    planner = _Planner(raw_info, selections)
    while level:
        pending: list[tuple[Any, Any, list[FieldNode], Path]] = []
        following: list[tuple[Any, Any, list[FieldNode], Path]] = []
        called_once: set[tuple[str, str]] = set()
        for item in _objects(level, raw_info):
            for call, walk_on in _calls(raw_info, planner, called_once, *item):
                if isinstance(call[0], asyncio.Future):
                    pending.append(call)
                if walk_on:
                    following.append(call)
        if pending:
            await asyncio.gather(*(result for result, *_ in pending), return_exceptions=True)
        # A failed future stays a future: its branch is left for graphql-core to report.
        settled_level = ((settled(result), *rest) for result, *rest in following)
        level = [item for item in settled_level if not isinstance(item[0], asyncio.Future)]


def _objects(
    level: Iterable[tuple[Any, Any, list[FieldNode], Path]], raw_info: Any
) -> Iterable[tuple[Any, GraphQLObjectType, list[FieldNode], Path]]:
    """The objects of a level with their concrete types, lists unrolled."""
    for value, graphql_type, nodes, path in level:
        if value is None:
            continue
        if isinstance(graphql_type, GraphQLNonNull):
            graphql_type = graphql_type.of_type
        if isinstance(graphql_type, GraphQLList):
            if isinstance(value, list | tuple):
                inner = [
                    (item, graphql_type.of_type, nodes, path.add_key(index, None))
                    for index, item in enumerate(value)
                ]
                yield from _objects(inner, raw_info)
            continue
        if isinstance(graphql_type, GraphQLInterfaceType | GraphQLUnionType):
            graphql_type = concrete_type(raw_info, graphql_type, value)
        if isinstance(graphql_type, GraphQLObjectType):
            yield value, graphql_type, nodes, path


def concrete_type(raw_info: Any, abstract: Any, value: Any) -> GraphQLObjectType | None:
    """The object type of ``value`` when exactly one possible type claims it."""
    claiming = []
    for candidate in raw_info.schema.get_possible_types(abstract):
        is_type_of = candidate.is_type_of
        if is_type_of is None:
            return None
        try:
            if is_type_of(value, raw_info):
                claiming.append(candidate)
        except Exception:
            return None
    return claiming[0] if len(claiming) == 1 else None


@dataclass(frozen=True)
class _Step:
    """One prefetchable field of an object type's selection, worked out once per level."""

    response_key: str
    field: Any
    field_nodes: list[FieldNode]
    arguments: dict[str, Any]
    once: bool


class _Planner:
    """Works out, once per (object type, field nodes), which fields to call ahead.

    Siblings share their parent's field node list, so one plan serves every object
    of a level: the selection is read once per level, not once per object.
    """

    def __init__(self, raw_info: Any, selections: dict | None = None):
        self.raw_info = raw_info
        # (object type name, ids of the field nodes) -> the fields they select
        self.selections = selections
        # The rest of the resolve info is the same for every field.
        self.make_info = resolve_info_maker(raw_info)
        self.fragments = raw_info.fragments
        variables = raw_info.variable_values
        # strawberry hands resolvers the coerced values as a plain dict; graphql-core's
        # argument coercion wants its own container.
        if isinstance(variables, dict):
            variables = VariableValues(sources={}, coerced=variables)
        self.variables = variables
        self.plans: dict[tuple[str, int], list[_Step]] = {}

    def info_for(self, step: _Step, object_type: GraphQLObjectType, path: Path) -> Any:
        """graphql-core's resolve info for calling ``step``'s field at ``path``."""
        nodes = step.field_nodes
        return self.make_info(nodes[0].name.value, nodes, step.field.type, object_type, path)

    def plan(self, object_type: GraphQLObjectType, nodes: list[FieldNode]) -> list[_Step]:
        """The prefetchable composite fields the nodes select on ``object_type``."""
        key = (object_type.name, id(nodes))
        plan = self.plans.get(key)
        if plan is None:
            plan = self.plans[key] = list(self._steps(object_type, nodes))
        return plan

    def _steps(self, object_type: GraphQLObjectType, nodes: list[FieldNode]) -> Iterable[_Step]:
        if self.selections is None:
            selected = self._selected_fields(object_type, nodes)
        else:
            key = (object_type.name, *map(id, nodes))
            selected = self.selections.get(key)
            if selected is None:
                selected = self.selections[key] = self._selected_fields(object_type, nodes)
        for response_key, field_nodes in selected.items():
            field = object_type.fields.get(field_nodes[0].name.value)
            mark = prefetchable_mark(field) if field is not None else None
            if not mark or _is_leaf(field.type):
                continue
            try:
                arguments = get_argument_values(field, field_nodes[0], self.variables)
            except Exception:  # bad arguments: graphql-core reports them
                continue
            yield _Step(response_key, field, field_nodes, arguments, mark == ONCE)

    def _selected_fields(
        self, object_type: GraphQLObjectType, nodes: list[FieldNode]
    ) -> dict[str, list[FieldNode]]:
        """The fields the nodes select on ``object_type``, by response key.

        Each named fragment is followed once, as graphql-core's ``collect_fields``
        does: a second spread of it adds no field, and following every spread is
        exponential in fragments that spread fragments.
        """
        fields: dict[str, list[FieldNode]] = {}
        pending = [node.selection_set for node in reversed(nodes) if node.selection_set]
        type_names = {object_type.name, *(interface.name for interface in object_type.interfaces)}
        spread: set[str] = set()
        while pending:
            selection_set = pending.pop()
            for selection in selection_set.selections:
                if not self._included(selection):
                    continue
                if isinstance(selection, FieldNode):
                    key = selection.alias.value if selection.alias else selection.name.value
                    fields.setdefault(key, []).append(selection)
                    continue
                if isinstance(selection, FragmentSpreadNode):
                    if selection.name.value in spread:
                        continue
                    spread.add(selection.name.value)
                    fragment = self.fragments.get(selection.name.value)
                elif isinstance(selection, InlineFragmentNode):
                    fragment = selection
                else:
                    continue
                condition = getattr(fragment, "type_condition", None)
                if fragment is not None and (
                    condition is None or condition.name.value in type_names
                ):
                    pending.append(fragment.selection_set)
        return fields

    def _included(self, node: Any) -> bool:
        if not node.directives:
            return True
        skip = get_directive_values(GraphQLSkipDirective, node, self.variables)
        if skip and skip.get("if"):
            return False
        include = get_directive_values(GraphQLIncludeDirective, node, self.variables)
        return not (include and not include.get("if"))


def _calls(
    raw_info: Any,
    planner: _Planner,
    called_once: set[tuple[str, str]],
    value: Any,
    object_type: GraphQLObjectType,
    nodes: list[FieldNode],
    path: Path,
) -> Iterable[tuple[tuple[Any, Any, list[FieldNode], Path], bool]]:
    """Call the object's prefetchable composite fields.

    Yields ((result, type, nodes, path), whether to walk into the result).
    """
    for step in planner.plan(object_type, nodes):
        if step.once:
            if (object_type.name, step.response_key) in called_once:
                continue
            called_once.add((object_type.name, step.response_key))
        field = step.field
        field_path = path.add_key(step.response_key, object_type.name)
        info = planner.info_for(step, object_type, field_path)
        try:
            result = field.resolve(value, info, **step.arguments)
        except Exception:  # left for graphql-core to report
            continue
        if asyncio.iscoroutine(result):  # an async resolver: graphql-core awaits its own
            result.close()
            continue
        yield (result, field.type, step.field_nodes, field_path), not step.once


def prefetchable_mark(field: Any) -> Any:
    """The :func:`prefetchable` mark of a strawberry field's resolver, if any."""
    definition = definition_of(field)
    resolver = definition.base_resolver if definition is not None else None
    return getattr(resolver.wrapped_func, MARK, None) if resolver is not None else None


def _is_leaf(graphql_type: Any) -> bool:
    while isinstance(graphql_type, GraphQLNonNull | GraphQLList):
        graphql_type = graphql_type.of_type
    return not isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType)
