"""The planned completion's moving parts (``planned.py``): plans and their runs.

A plan (:class:`Template`) is made of closures that place values into the answer. It
holds nothing of one request: what a resolver needs from the request (its resolve
info, which carries the context, and arguments that carry variables) sits in a
numbered *slot* the template describes and each :class:`Run` fills on first use. So a
template is built once per operation (``plan_cache.py``) and run by every request.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from types import CoroutineType
from typing import Any

from graphql import GraphQLNonNull, GraphQLObjectType, Undefined
from graphql.execution import get_argument_values

from pdms_core.graphql.prefetch import concrete_type
from pdms_core.graphql.type_guards import read_guard

#: What a resolver returns while its value loads: a loader future, or the coroutine
#: of an async resolver. (graphql-core asks every value whether it is awaitable at all;
#: a more exotic awaitable fails the plan's type checks and graphql-core completes it.)
_LOADING = (asyncio.Future, CoroutineType)

#: Places one value into its container: (value, container, key, run).
Placer = Callable[[Any, Any, Any, "Run"], None]
#: Fills one field of an object into its answer: (source, answer, run).
Filler = Callable[[Any, dict, "Run"], None]


class Unplanned(Exception):
    """Something the plan does not cover: graphql-core completes the field instead."""


class ObjectPlan:
    """The fields to fill for every object of one type under one selection."""

    __slots__ = ("fillers", "keys")

    def __init__(self, keys: tuple[str, ...]):
        self.keys = keys
        self.fillers: list[Filler] = []


class Slot:
    """What a request needs to call one field: how to build its resolve info, and its
    arguments when they are the same for every request (else None)."""

    __slots__ = ("arguments", "field", "fragment_values", "info", "node", "resolve", "with_info")

    def __init__(self, info: Any, field: Any = None, details: Any = None):
        self.info = info  # (field, field nodes, parent type, path), for build_resolve_info
        self.field = field
        self.node = details.node if details is not None else None
        self.fragment_values = details.fragment_variable_values if details is not None else None
        self.resolve = getattr(field, "resolve", None)
        self.with_info: Any = None
        self.arguments: dict[str, Any] | None = None


class Template:
    """A root field's plan: its placer, the slots its closures read per request, and
    its object plans by object type and field nodes."""

    __slots__ = ("place", "plans", "slots")

    def __init__(self) -> None:
        self.slots: list[Slot] = []
        self.place: Placer | None = None
        self.plans: dict[tuple[Any, ...], ObjectPlan] = {}

    def slot(self, slot: Slot) -> int:
        self.slots.append(slot)
        return len(self.slots) - 1


class Run:
    """One completion: the objects waiting for their fields, the values loading, and
    this request's resolve infos and calls by slot."""

    __slots__ = ("calls", "context", "executor", "infos", "objects", "template", "waiting")

    def __init__(self, executor: Any, template: Template, root_info: Any) -> None:
        self.executor = executor
        self.template = template
        self.context = root_info.context
        self.infos: dict[int, Any] = {0: root_info}
        self.calls: dict[int, Callable[[Any], Any]] = {}
        self.objects: list[tuple[Any, ObjectPlan, dict]] = []
        # (what is loading, its placer, whether null is allowed, container, key)
        self.waiting: list[tuple[Any, Placer, bool, Any, Any]] = []

    def info(self, slot: int) -> Any:
        info = self.infos.get(slot)
        if info is None:
            info = self.infos[slot] = self.executor.build_resolve_info(
                *self.template.slots[slot].info
            )
        return info

    def call(self, slot: int) -> Callable[[Any], Any]:
        """``call(source)``: the slot's resolver with this request's info and arguments."""
        call = self.calls.get(slot)
        if call is None:
            call = self.calls[slot] = self._bind(slot)
        return call

    def _bind(self, slot: int) -> Callable[[Any], Any]:
        spec = self.template.slots[slot]
        info = self.info(slot)
        if spec.with_info is not None:  # the strawberry info, made once for every source
            function, keywords = spec.with_info(info)
            return lambda source: function(source, **keywords)
        arguments = spec.arguments
        if arguments is None:
            executor = self.executor
            arguments = get_argument_values(
                spec.field,
                spec.node,
                executor.variable_values,
                spec.fragment_values,
                executor.hide_suggestions,
            )
        resolve = spec.resolve
        return lambda source: resolve(source, info, **arguments)

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
                        raise Unplanned(f"a load failed: {type(value).__name__}") from value
                    place_settled(value, place, nullable, container, key, self)
            if not self.objects:
                return box[0]
            level, self.objects = self.objects, []
            for source, plan, answer in level:
                for fill in plan.fillers:
                    fill(source, answer, self)


# -- placing values (the closures a template is made of) ----------------------------------


def type_name_filler(key: str, type_name: str) -> Filler:
    def fill_type_name(source: Any, answer: dict, run: Run) -> None:
        answer[key] = type_name

    return fill_type_name


def call_filler(key: str, slot: int, place: Placer) -> Filler:
    def fill(source: Any, answer: dict, run: Run) -> None:
        place(run.call(slot)(source), answer, key, run)

    return fill


def column_filler(key: str, type_name: str, read: Callable, graphql_type: Any) -> Filler:
    """A plain column or relay id, read and serialized without calling a resolver."""
    non_null = isinstance(graphql_type, GraphQLNonNull)
    coerce = (graphql_type.of_type if non_null else graphql_type).coerce_output_value

    def fill_column(source: Any, answer: dict, run: Run) -> None:
        value = read(source, type_name)
        if value is None:
            if non_null:
                raise Unplanned(f"null for {type_name}.{key}")
            return  # the answer's keys start as None
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise Unplanned(f"{type_name}.{key} does not serialize")
        answer[key] = coerced

    return fill_column


def settled(place_value: Placer, *, nullable: bool = True) -> Placer:
    """``place_value`` for values that have loaded and are not null. A value still
    loading waits for its level's loads; null is placed as null, or for a non-null
    field abandons the plan (graphql-core reports it and propagates the null)."""

    def place(value: Any, container: Any, key: Any, run: Run) -> None:
        place_settled(value, place_value, nullable, container, key, run)

    return place


def place_settled(
    value: Any, place_value: Placer, nullable: bool, container: Any, key: Any, run: Run
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
        raise Unplanned("null for a non-null field")


def non_null(inner: Placer) -> Placer:
    return settled(inner, nullable=False)


def list_of(inner: Placer) -> Placer:
    def place_items(value: Any, container: Any, key: Any, run: Run) -> None:
        if not isinstance(value, list | tuple):
            raise Unplanned(f"a list field gave {type(value).__name__}")
        items = container[key] = [None] * len(value)
        for index, item in enumerate(value):
            inner(item, items, index, run)

    return settled(place_items)


def leaf(coerce: Callable[[Any], Any]) -> Placer:
    def place_coerced(value: Any, container: Any, key: Any, run: Run) -> None:
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise Unplanned("a value does not serialize")
        container[key] = coerced

    return settled(place_coerced)


def object_of(object_type: GraphQLObjectType, plan: ObjectPlan, slot: int) -> Placer:
    """Objects of ``object_type``, selected by the field whose info is in ``slot``."""
    is_type_of = object_type.is_type_of
    keys = plan.keys
    # The type's read rule and audit note, as graphql-core's complete_object_value
    # applies them (graphql/type_guards.py). A refusal abandons the plan: graphql-core
    # then meets it again and reports it at its path.
    guard = read_guard(object_type)

    def place_answer(value: Any, container: Any, key: Any, run: Run) -> None:
        if is_type_of is not None:
            claimed = is_type_of(value, run.info(slot))
            if claimed is not True:
                if asyncio.iscoroutine(claimed):  # graphql-core awaits it: leave it to that
                    claimed.close()
                if inspect.isawaitable(claimed) or not claimed:
                    raise Unplanned(f"{object_type.name} does not claim a value")
        if guard is not None:
            guard(value, run.context)
        answer = container[key] = dict.fromkeys(keys)
        run.objects.append((value, plan, answer))

    return settled(place_answer)


def abstract_of(abstract: Any, slot: int, plan_concrete: Callable[[Any, Run], Placer]) -> Placer:
    """Values of an interface or union: each placed as the one type claiming it, whose
    placer ``plan_concrete(object_type, run)`` makes on first sight (then kept)."""
    placers: dict[str, Placer | Unplanned] = {}

    def place_concrete(value: Any, container: Any, key: Any, run: Run) -> None:
        object_type = concrete_type(run.info(slot), abstract, value)
        if object_type is None:
            raise Unplanned(f"not one {abstract.name} type claims a value")
        place = placers.get(object_type.name)
        if place is None:
            try:
                place = plan_concrete(object_type, run)
            except Unplanned as unplanned:  # the type's selection: the same next time
                place = Unplanned(str(unplanned))  # not the raised one: see planned.py
            placers[object_type.name] = place
        if isinstance(place, Unplanned):
            raise Unplanned(str(place))
        place(value, container, key, run)

    return settled(place_concrete)
