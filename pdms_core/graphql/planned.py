"""Planned completion: build a root query field's answer from a plan of its selection.

After the look-ahead (``graphql/prefetch.py``) every nested value of a portal page was
loaded before graphql-core walked it, yet graphql-core's walk still cost about half of
the request: for each of several thousand fields it builds a resolve info and a path,
looks the field up, checks for awaitables and dispatches on the return type, and the
look-ahead had walked the same selection once already.

So for a query's root field, :class:`PlannedExecutionContext` turns the selection into
a plan (per object type and selection: the field to call or the column to read, how to
place its value), and completes the field's value from the plan in one breadth-first
pass. The plan holds nothing of one request (``plan_run.py``: resolve infos and
arguments are made per request, on first use), so it is made once per operation and
@skip/@include values and kept (``plan_cache.py``). Every object of a level has its
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

import logging
from typing import Any

from graphql import (
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLUnionType,
    OperationType,
    VariableNode,
    Visitor,
    is_leaf_type,
    visit,
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
from pdms_core.graphql.plan_run import (
    Filler,
    ObjectPlan,
    Placer,
    Run,
    Slot,
    Template,
    Unplanned,
    abstract_of,
    call_filler,
    column_filler,
    leaf,
    list_of,
    non_null,
    object_of,
    type_name_filler,
)
from pdms_core.graphql.prefetch import prefetch, prefetchable_mark

log = logging.getLogger(__name__)
#: Argument values a plan may keep for every request: immutable ones.
_IMMUTABLE = (str, int, float, bool, type(None), tuple, frozenset)


class PlannedExecutionContext(LeafFirstExecutionContext):
    """graphql-core's executor, completing root query fields from a plan (module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plannable = self.operation.operation == OperationType.QUERY and without_middleware(
            self
        )
        # What planning found for this operation and these @skip/@include values in
        # earlier requests (plan_cache.py): templates and collected subfields.
        # None: plans are made for this request only.
        self._shared = shared_plans(self) if self._plannable else None
        # Root fields handed to graphql-core: its complete_value calls ours again for a
        # non-null root type's inner type, at the same root path.
        self._handed_over: set[str] = set()

    def build_response(self, data: dict[str, Any] | None) -> Any:
        response = super().build_response(data)
        # graphql-core's helpers for resolvers are bound methods of this context, held
        # by it: a cycle, through which the context kept the request's loaders,
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
        try:
            template = self._template(return_type, field_details_list, path)
            run = Run(self, template, info)
            return await run.complete(result, template.place)
        except Unplanned as unplanned:
            log.debug("%s: completed by graphql-core (%s)", info.field_name, unplanned)
        except Exception as error:  # a resolver's own error: graphql-core's to report
            # only the type: the message may hold data the log must not see
            log.debug("%s: completed by graphql-core (%s)", info.field_name, type(error).__name__)
        self._handed_over.add(path.key)
        shared = self._shared
        await prefetch(info, result, shared.selections if shared is not None else None)
        completed = super().complete_value(*arguments)
        return await completed if self.is_awaitable(completed) else completed

    # -- planning ------------------------------------------------------------------

    def _template(self, return_type: Any, field_details_list: Any, path: Path) -> Template:
        """The root field's template: kept, or made now (raises Unplanned, also kept)."""
        shared = self._shared
        key = (path.typename, path.key, str(return_type))
        found = shared.templates.get(key) if shared is not None else None
        if found is None:
            found = Template()
            try:
                found.slot(Slot(None))  # slot 0: the root field, whose info graphql-core made
                found.place = self._placer(found, return_type, field_details_list, path, 0)
            except Unplanned as unplanned:  # the document's shape: the same next time
                # A fresh one, never raised: the raised one's traceback holds this
                # request's frames (its context, caller and rows) for the cache's life.
                found = Unplanned(str(unplanned))
            if shared is not None:
                shared.templates[key] = found
        if isinstance(found, Unplanned):
            raise Unplanned(str(found))
        return found

    def _placer(
        self, template: Template, graphql_type: Any, field_details_list: Any, path: Path, slot: int
    ) -> Placer:
        """How to place a value of ``graphql_type`` selected by these field nodes (the
        field's resolve info is in ``slot``)."""
        if isinstance(graphql_type, GraphQLNonNull):
            inner = graphql_type.of_type
            return non_null(self._placer(template, inner, field_details_list, path, slot))
        if isinstance(graphql_type, GraphQLList):
            inner = graphql_type.of_type
            return list_of(self._placer(template, inner, field_details_list, path, slot))
        if is_leaf_type(graphql_type):
            return leaf(graphql_type.coerce_output_value)
        if isinstance(graphql_type, GraphQLObjectType):
            plan = self._object_plan(template, graphql_type, field_details_list, path)
            return object_of(graphql_type, plan, slot)
        if isinstance(graphql_type, GraphQLInterfaceType | GraphQLUnionType):

            def plan_concrete(object_type: GraphQLObjectType, run: Run) -> Placer:
                return run.executor._placer(template, object_type, field_details_list, path, slot)

            return abstract_of(graphql_type, slot, plan_concrete)
        raise Unplanned(f"no plan for {graphql_type}")

    def _object_plan(
        self,
        template: Template,
        object_type: GraphQLObjectType,
        field_details_list: Any,
        path: Path,
    ) -> ObjectPlan:
        # keyed by the field nodes (the document's, alive while the plans are kept),
        # not by the list graphql-core made for this request
        key = (object_type.name, *(id(d.node) for d in field_details_list))
        plan = template.plans.get(key)
        if plan is not None:
            return plan
        grouped, defer_usages, forbidden = self._subfields(object_type, field_details_list)
        if defer_usages or forbidden:
            raise Unplanned("@defer")
        plan = ObjectPlan(tuple(grouped))
        for response_key, field_group in grouped.items():
            plan.fillers.append(
                self._filler(template, object_type, response_key, field_group, path)
            )
        template.plans[key] = plan  # only once whole: a plan that raised Unplanned is not kept
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
            if not reusable(collected):
                raise Unplanned("fragment arguments")
            shared.subfields[key] = collected
        return collected

    def _filler(
        self,
        template: Template,
        object_type: GraphQLObjectType,
        key: str,
        field_details_list: Any,
        parent: Path,
    ) -> Filler:
        node = field_details_list[0].node
        name = node.name.value
        if name == "__typename":
            return type_name_filler(key, object_type.name)
        field = object_type.fields.get(name)
        resolve = getattr(field, "resolve", None)
        if resolve is None or not (getattr(resolve, DIRECT, False) or prefetchable_mark(field)):
            raise Unplanned(f"{object_type.name}.{name} is neither direct nor prefetchable")
        read = getattr(resolve, LEAF, None)
        if read is not None:
            return column_filler(key, object_type.name, read, field.type)
        path = parent.add_key(key, object_type.name)
        spec = Slot(
            (field, to_nodes(field_details_list), object_type, path), field, field_details_list[0]
        )
        spec.with_info = getattr(resolve, WITH_INFO, None)
        if spec.with_info is None:
            spec.arguments = self._fixed_arguments(field, field_details_list[0])
        slot = template.slot(spec)
        place = self._placer(template, field.type, field_details_list, path, slot)
        return call_filler(key, slot, place)

    def _fixed_arguments(self, field: Any, details: Any) -> dict[str, Any] | None:
        """The field's arguments when no request can change them (no variable in them,
        only immutable values), else None: made per request then."""
        node = details.node
        if not (field.args or node.arguments):
            return {}
        if details.fragment_variable_values is not None or _uses_variables(node.arguments):
            return None
        arguments = get_argument_values(
            field, node, self.variable_values, None, self.hide_suggestions
        )
        return arguments if all(isinstance(v, _IMMUTABLE) for v in arguments.values()) else None


def _uses_variables(arguments: Any) -> bool:
    found = False

    class Finder(Visitor):
        def enter_variable(self, node: VariableNode, *_: Any) -> None:
            nonlocal found
            found = True

    for argument in arguments or ():
        visit(argument, Finder())
    return found
