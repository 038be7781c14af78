"""Planned completion: build a root query field's answer from a plan of its selection.

After the look-ahead (``graphql/prefetch.py``) every nested value of a portal page was
loaded before graphql-core walked it, yet graphql-core's walk still cost about half of
the request: for each of several thousand fields it builds a resolve info and a path,
looks the field up, checks for awaitables and dispatches on the return type, and the
look-ahead had walked the same selection once already.

So for a query's root field, :class:`PlannedExecutionContext` turns the selection into
a plan once per request (per object type and selection: the field to call or the
column to read, its arguments, its info, how to place its value), and completes the
field's value from the plan in one breadth-first pass. Every object of a level has its
fields filled; loader futures met on the way are awaited together, level by level,
as the look-ahead did (one statement per field, as before); the values they bring are
the next level. The answer is the same dicts and lists graphql-core would build.

The plan covers only what it can complete exactly as graphql-core would:

- fields whose resolver :func:`~pdms_core.graphql.direct_resolvers.use_direct_resolvers`
  made direct (no arguments, no field extensions), and fields marked
  :func:`~pdms_core.graphql.prefetch.prefetchable` (side-effect free by contract);
- object, list, non-null and leaf types, ``__typename``, and interfaces or unions whose
  value exactly one possible type claims; ``is_type_of`` is called for every object,
  as graphql-core calls it, and so is the type's read guard
  (``graphql/type_guards.py``: its read permission and, for personal data, the audit
  note).

Anything else in the selection (another resolver, @defer, middleware) leaves the field
to the look-ahead and graphql-core, as before. Anything unusual met while completing
(a resolver raising, a failed load, a null for a non-null field, a value that does not
serialize) abandons the plan for that root field, and graphql-core completes the same
value from the start, so errors, their paths and null propagation are graphql-core's
own. The resolvers it calls again are the side-effect-free ones above.

One difference a resolver could see: the resolve info it gets is shared by every
object of its field, and its path holds the response keys from the root but no list
positions. PDMS resolvers use the path only for its field names
(:func:`~pdms_core.graphql.node.field_path`).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable
from types import CoroutineType
from typing import Any

from graphql import (
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLUnionType,
    OperationType,
    Undefined,
    is_leaf_type,
)
from graphql.execution import get_argument_values
from graphql.pyutils import Path

from pdms_core.graphql.compat import to_nodes
from pdms_core.graphql.direct_resolvers import (
    DIRECT,
    LEAF,
    WITH_INFO,
    LeafFirstExecutionContext,
    without_middleware,
)
from pdms_core.graphql.plan_cache import reusable, shared_plans
from pdms_core.graphql.prefetch import concrete_type, prefetch, prefetchable_mark
from pdms_core.graphql.type_guards import read_guard

log = logging.getLogger(__name__)

#: What a resolver returns while its value loads: a loader future, or the coroutine
#: of an async resolver. (graphql-core asks every value whether it is awaitable at all;
#: a more exotic awaitable fails the plan's type checks and graphql-core completes it.)
_LOADING = (asyncio.Future, CoroutineType)

#: Places one value into its container: (value, container, key, run).
Placer = Callable[[Any, Any, Any, "_Run"], None]
#: Fills one field of an object into its answer: (source, answer, run).
Filler = Callable[[Any, dict, "_Run"], None]


class _Unplanned(Exception):
    """Something the plan does not cover: graphql-core completes the field instead."""


class _ObjectPlan:
    """The fields to fill for every object of one type under one selection."""

    __slots__ = ("fillers", "keys")

    def __init__(self, keys: tuple[str, ...]):
        self.keys = keys
        self.fillers: list[Filler] = []


class _Run:
    """One completion: the objects waiting for their fields, and the values loading."""

    __slots__ = ("objects", "waiting")

    def __init__(self) -> None:
        self.objects: list[tuple[Any, _ObjectPlan, dict]] = []
        # (what is loading, its placer, whether null is allowed, container, key)
        self.waiting: list[tuple[Any, Placer, bool, Any, Any]] = []

    async def complete(self, value: Any, place: Placer) -> Any:
        box = [None]
        place(value, box, 0, self)
        while True:
            while self.waiting:
                waiting, self.waiting = self.waiting, []
                loads = (item[0] for item in waiting)
                loaded = await asyncio.gather(*loads, return_exceptions=True)
                for value, (_, place, nullable, container, key) in zip(
                    loaded, waiting, strict=True
                ):
                    if isinstance(value, BaseException):
                        raise _Unplanned(f"a load failed: {type(value).__name__}") from value
                    _place_settled(value, place, nullable, container, key, self)
            if not self.objects:
                return box[0]
            level, self.objects = self.objects, []
            for source, plan, answer in level:
                for fill in plan.fillers:
                    fill(source, answer, self)


class PlannedExecutionContext(LeafFirstExecutionContext):
    """graphql-core's executor, completing root query fields from a plan (module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plannable = self.operation.operation == OperationType.QUERY and without_middleware(
            self
        )
        self._plans: dict[tuple[str, int], _ObjectPlan] = {}
        # What planning found for this operation and these @skip/@include values in
        # earlier requests (plan_cache.py): the collected subfields, and root fields
        # that cannot be planned.
        self._shared = shared_plans(self) if self._plannable else None
        # Root fields handed to graphql-core: its complete_value calls ours again for a
        # non-null root type's inner type, at the same root path.
        self._handed_over: set[str] = set()

    def build_response(self, data: dict[str, Any] | None) -> Any:
        # The plans hold placers that hold this context (an abstract type's placer
        # plans its concrete types as they appear): drop them so that the request's
        # objects are freed by reference counting, not left to the cyclic collector.
        self._plans.clear()
        response = super().build_response(data)
        # graphql-core's helpers for resolvers are bound methods of this context, held
        # by it: another cycle, through which the context kept the request's loaders,
        # futures and rows. Resolve infos hold the helpers themselves, so a resolver's
        # late work still finds them; nothing builds an info once the response is built.
        self.async_helpers = None
        return response

    def complete_value(
        self,
        return_type: Any,
        field_details_list: Any,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        arguments = (return_type, field_details_list, info, path, result, position_context)
        if (
            path.prev is not None
            or not self._plannable
            or result is None
            or isinstance(result, Exception)
            or info.field_name.startswith("__")
            or path.key in self._handed_over
        ):
            return super().complete_value(*arguments)
        return self._complete_root(arguments)

    async def _complete_root(self, arguments: tuple[Any, ...]) -> Any:
        """``complete_value``'s ``arguments``, for a root field: from the plan, or by
        graphql-core after the look-ahead."""
        return_type, field_details_list, info, path, result, _ = arguments
        shared = self._shared
        try:
            if shared is not None and path.key in shared.unplannable:
                raise _Unplanned("not plannable (found before)")
            try:
                place = self._placer(return_type, field_details_list, path, info)
            except _Unplanned:
                if shared is not None:  # the document's shape: the same next time
                    shared.unplannable.add(path.key)
                raise
            return await _Run().complete(result, place)
        except _Unplanned as unplanned:
            log.debug("%s: completed by graphql-core (%s)", info.field_name, unplanned)
        except Exception as error:  # a resolver's own error: graphql-core's to report
            # only the type: the message may hold data the log must not see
            log.debug("%s: completed by graphql-core (%s)", info.field_name, type(error).__name__)
        self._handed_over.add(path.key)
        await prefetch(info, result)
        completed = super().complete_value(*arguments)
        return await completed if self.is_awaitable(completed) else completed

    # -- planning ------------------------------------------------------------------

    def _object_plan(
        self, object_type: GraphQLObjectType, field_details_list: Any, path: Path
    ) -> _ObjectPlan:
        key = (object_type.name, id(field_details_list))
        plan = self._plans.get(key)
        if plan is not None:
            return plan
        grouped, defer_usages, forbidden = self._subfields(object_type, field_details_list)
        if defer_usages or forbidden:
            raise _Unplanned("@defer")
        plan = _ObjectPlan(tuple(grouped))
        for response_key, field_group in grouped.items():
            plan.fillers.append(self._filler(object_type, response_key, field_group, path))
        self._plans[key] = plan  # only once whole: a plan that raised _Unplanned is not kept
        return plan

    def _subfields(self, object_type: GraphQLObjectType, field_details_list: Any) -> Any:
        """graphql-core's collected subfields, kept across requests when they can be."""
        shared = self._shared
        if shared is None:
            return self.collect_subfields(object_type, field_details_list)
        key = (object_type.name, *(id(details.node) for details in field_details_list))
        collected = shared.subfields.get(key)
        if collected is None:
            collected = self.collect_subfields(object_type, field_details_list)
            if reusable(collected):
                shared.subfields[key] = collected
        return collected

    def _filler(
        self, object_type: GraphQLObjectType, key: str, field_details_list: Any, parent: Path
    ) -> Filler:
        node = field_details_list[0].node
        name = node.name.value
        if name == "__typename":
            type_name = object_type.name

            def fill_type_name(source: Any, answer: dict, run: _Run) -> None:
                answer[key] = type_name

            return fill_type_name
        field = object_type.fields.get(name)
        resolve = getattr(field, "resolve", None)
        if resolve is None or not (getattr(resolve, DIRECT, False) or prefetchable_mark(field)):
            raise _Unplanned(f"{object_type.name}.{name} is neither direct nor prefetchable")
        read = getattr(resolve, LEAF, None)
        if read is not None:
            return _column_filler(key, object_type.name, read, field.type)
        path = parent.add_key(key, object_type.name)
        info = self.build_resolve_info(field, to_nodes(field_details_list), object_type, path)
        arguments = (
            get_argument_values(
                field,
                node,
                self.variable_values,
                field_details_list[0].fragment_variable_values,
                self.hide_suggestions,
            )
            if field.args or node.arguments
            else {}
        )
        place = self._placer(field.type, field_details_list, path, info)
        with_info = getattr(resolve, WITH_INFO, None)
        if with_info is not None:  # the strawberry info, made once for every source
            function, keywords = with_info(info)

            def fill_with_info(source: Any, answer: dict, run: _Run) -> None:
                place(function(source, **keywords), answer, key, run)

            return fill_with_info

        def fill(source: Any, answer: dict, run: _Run) -> None:
            place(resolve(source, info, **arguments), answer, key, run)

        return fill

    def _placer(self, graphql_type: Any, field_details_list: Any, path: Path, info: Any) -> Placer:
        """How to place a value of ``graphql_type`` selected by these field nodes."""
        if isinstance(graphql_type, GraphQLNonNull):
            return _non_null(self._placer(graphql_type.of_type, field_details_list, path, info))
        if isinstance(graphql_type, GraphQLList):
            return _list(self._placer(graphql_type.of_type, field_details_list, path, info))
        if is_leaf_type(graphql_type):
            return _leaf(graphql_type.coerce_output_value)
        if isinstance(graphql_type, GraphQLObjectType):
            plan = self._object_plan(graphql_type, field_details_list, path)
            return _object(graphql_type, plan, info)
        if isinstance(graphql_type, GraphQLInterfaceType | GraphQLUnionType):
            return self._abstract(graphql_type, field_details_list, path, info)
        raise _Unplanned(f"no plan for {graphql_type}")

    def _abstract(self, abstract: Any, field_details_list: Any, path: Path, info: Any) -> Placer:
        placers: dict[str, Placer] = {}

        def place_concrete(value: Any, container: Any, key: Any, run: _Run) -> None:
            object_type = concrete_type(info, abstract, value)
            if object_type is None:
                raise _Unplanned(f"not one {abstract.name} type claims a value")
            place = placers.get(object_type.name)
            if place is None:
                place = placers[object_type.name] = self._placer(
                    object_type, field_details_list, path, info
                )
            place(value, container, key, run)

        return _settled(place_concrete)


# -- placing values (the closures the plan is made of) ----------------------------------


def _column_filler(key: str, type_name: str, read: Callable, graphql_type: Any) -> Filler:
    """A plain column or relay id, read and serialized without calling a resolver."""
    non_null = isinstance(graphql_type, GraphQLNonNull)
    coerce = (graphql_type.of_type if non_null else graphql_type).coerce_output_value

    def fill_column(source: Any, answer: dict, run: _Run) -> None:
        value = read(source, type_name)
        if value is None:
            if non_null:
                raise _Unplanned(f"null for {type_name}.{key}")
            return  # the answer's keys start as None
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise _Unplanned(f"{type_name}.{key} does not serialize")
        answer[key] = coerced

    return fill_column


def _settled(place_value: Placer, *, nullable: bool = True) -> Placer:
    """``place_value`` for values that have loaded and are not null. A value still
    loading waits for its level's loads; null is placed as null, or for a non-null
    field abandons the plan (graphql-core reports it and propagates the null)."""

    def place(value: Any, container: Any, key: Any, run: _Run) -> None:
        _place_settled(value, place_value, nullable, container, key, run)

    return place


def _place_settled(
    value: Any, place_value: Placer, nullable: bool, container: Any, key: Any, run: _Run
) -> None:
    # What waits is ``place_value``, not the closure calling this: a closure that held
    # itself would be a reference cycle, and every answer, row and future of the request
    # reachable from it would wait for the cyclic garbage collector instead of being
    # freed when the request ends (collecting those took up to 300 ms at a time).
    if isinstance(value, _LOADING):
        run.waiting.append((value, place_value, nullable, container, key))
    elif value is not None:
        place_value(value, container, key, run)
    elif nullable:
        container[key] = None
    else:
        raise _Unplanned("null for a non-null field")


def _non_null(inner: Placer) -> Placer:
    return _settled(inner, nullable=False)


def _list(inner: Placer) -> Placer:
    def place_items(value: Any, container: Any, key: Any, run: _Run) -> None:
        if not isinstance(value, list | tuple):
            raise _Unplanned(f"a list field gave {type(value).__name__}")
        items = container[key] = [None] * len(value)
        for index, item in enumerate(value):
            inner(item, items, index, run)

    return _settled(place_items)


def _leaf(coerce: Callable[[Any], Any]) -> Placer:
    def place_coerced(value: Any, container: Any, key: Any, run: _Run) -> None:
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise _Unplanned("a value does not serialize")
        container[key] = coerced

    return _settled(place_coerced)


def _object(object_type: GraphQLObjectType, plan: _ObjectPlan, info: Any) -> Placer:
    is_type_of = object_type.is_type_of
    keys = plan.keys
    # The type's read rule and audit note, as graphql-core's complete_object_value
    # applies them (graphql/type_guards.py). A refusal abandons the plan: graphql-core
    # then meets it again and reports it at its path.
    guard = read_guard(object_type)
    context = info.context

    def place_answer(value: Any, container: Any, key: Any, run: _Run) -> None:
        if is_type_of is not None:
            claimed = is_type_of(value, info)
            if claimed is not True:
                if asyncio.iscoroutine(claimed):  # graphql-core awaits it: leave it to that
                    claimed.close()
                if inspect.isawaitable(claimed) or not claimed:
                    raise _Unplanned(f"{object_type.name} does not claim a value")
        if guard is not None:
            guard(value, context)
        answer = container[key] = dict.fromkeys(keys)
        run.objects.append((value, plan, answer))

    return _settled(place_answer)
