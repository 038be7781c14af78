"""The fast executor's planning, kept across requests for the same operation.

Planning a root field (``planned.py``) collects each object type's subfields from the
selection, following fragments and evaluating @skip/@include, finds out whether the
field can be planned at all and builds its template. All of it depends on the schema,
the operation and the values of the variables its @skip/@include directives read,
nothing else, so it is kept per operation node (``document_cache.py``: by identity,
weakly, per schema) and per those values. What depends on the request (resolve infos,
which carry the context, and arguments that carry variables) is made per request
(``plan_run.py``).
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLIncludeDirective, GraphQLSkipDirective, VariableNode, Visitor, visit

from pdms_core.graphql.compat import coerced_variables
from pdms_core.graphql.document_cache import BoundedDict, plans_for

#: Distinct @skip/@include value sets kept per operation (a caller chooses them).
MAX_DIRECTIVE_KEYS = 16
_CONDITIONS = frozenset({GraphQLSkipDirective.name, GraphQLIncludeDirective.name})


class SharedPlans:
    """Planning results for one operation and one set of @skip/@include values."""

    __slots__ = ("selections", "subfields", "templates")

    def __init__(self) -> None:
        #: (object type name, ids of the parent field nodes) -> collected subfields
        self.subfields: dict[tuple[Any, ...], Any] = {}
        #: (root type, response key, return type) -> the root field's template, or the
        #: Unplanned saying why there is none
        self.templates: dict[tuple[Any, ...], Any] = {}
        #: the look-ahead's (prefetch.py) selected fields, by object type and field nodes
        self.selections: dict[tuple[Any, ...], Any] = {}


class OperationPlans:
    """An operation's :class:`SharedPlans`, by the values of its condition variables."""

    __slots__ = ("by_conditions", "condition_variables")

    def __init__(self, condition_variables: tuple[str, ...]):
        self.condition_variables = condition_variables
        self.by_conditions: BoundedDict = BoundedDict(MAX_DIRECTIVE_KEYS)


def shared_plans(context: Any) -> SharedPlans | None:
    """The :class:`SharedPlans` for graphql-core execution context ``context``'s
    operation and variables, or None when they cannot be shared."""
    operation = context.operation
    plans = plans_for(context.schema).operations.get(operation)
    if plans is None:
        fragments = context.fragment_definitions.values()
        plans = OperationPlans(condition_variables(operation, fragments))
        plans_for(context.schema).operations.put(operation, plans)
    coerced = coerced_variables(context.variable_values)
    try:
        key = tuple(coerced.get(name) for name in plans.condition_variables)
        shared = plans.by_conditions.get(key)
    except TypeError:  # an unhashable value: validation should have refused it
        return None
    if shared is None:
        shared = plans.by_conditions.remember(key, SharedPlans())
    return shared


def condition_variables(operation: Any, fragments: Any) -> tuple[str, ...]:
    """The variables any @skip or @include of the operation or the fragments reads."""
    names: set[str] = set()

    class Used(Visitor):
        def enter_variable(self, node: VariableNode, *_: Any) -> None:
            names.add(node.name.value)

    class Conditions(Visitor):
        def enter_directive(self, node: Any, *_: Any) -> Any:
            if node.name.value in _CONDITIONS:
                visit(node, Used())
            return None

    for definition in (operation, *fragments):
        visit(definition, Conditions())
    return tuple(sorted(names))


def reusable(collected: Any) -> bool:
    """Whether collected subfields hold nothing of one request's: no fragment
    variable values (graphql-core's experimental fragment arguments)."""
    return all(
        details.fragment_variable_values is None
        for group in collected[0].values()
        for details in group
    )
