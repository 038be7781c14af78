"""Static query cost: how many objects a document may make the server produce.

Every field costs one per time it can be resolved. A field with a ``first`` argument
(a connection) multiplies what is below it by ``first`` (20 when omitted), ``ids``
by the number of IDs, and any other list field by ``LIST_FACTOR``; the lists inside
a connection (``edges``, ``nodes``) are already counted by its ``first``. The cost is
computed before execution, with the request's variables (and the operation's defaults
for those not sent), so an expensive document is refused without touching the database.

Each fragment is costed once, at multiplier 1, and scaled wherever it is spread (the
cost is linear in the multiplier): following every spread instead doubles the work
per fragment that spreads the next one twice.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    Visitor,
    get_named_type,
    visit,
)
from graphql.utilities import value_from_ast_untyped

from pdms_core.db.cursors import DEFAULT_PAGE_SIZE

#: A record's child lists (demands of a case, tasks of an activity) hold a handful of
#: items in practice; connections are counted by their `first` instead.
LIST_FACTOR = 3


def query_cost(
    schema: GraphQLSchema,
    document: DocumentNode | dict[str, FragmentDefinitionNode],
    operation: OperationDefinitionNode,
    variables: dict[str, Any] | None,
) -> int:
    """The cost of ``operation`` (see the module docstring); ``document`` may be given
    as its fragments by name."""
    fragments = document if isinstance(document, dict) else fragments_of(document)
    root = schema.get_root_type(operation.operation)
    walker = _Walker(schema, fragments, variables or {})
    return walker.cost(operation.selection_set, root, 1)


def fragments_of(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    """The document's fragment definitions by name."""
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


class CostInputs:
    """What an operation's cost depends on besides the document: the values of the
    variables given to a ``first`` or ``ids`` argument anywhere in it (with the
    operation's defaults for those not sent), each reduced to what the cost reads of
    it (an integer, a list's length, or nothing). Equal keys, equal costs: the cost
    is worked out once per key (``limits.py``)."""

    def __init__(self, document: DocumentNode, operation: OperationDefinitionNode):
        self.fragments = fragments_of(document)
        self.operation = operation
        self.defaults = {
            item.variable.name.value: value_from_ast_untyped(item.default_value)
            for item in operation.variable_definitions or ()
            if item.default_value is not None
        }
        names: set[str] = set()

        class Deciding(Visitor):
            def enter_argument(self, node: ArgumentNode, *_: Any) -> Any:
                if node.name.value in _DECIDING:
                    visit(node.value, Used())
                return None

        class Used(Visitor):
            def enter_variable(self, node: VariableNode, *_: Any) -> None:
                names.add(node.name.value)

        visit(document, Deciding())
        self.names = tuple(sorted(names))

    def key(self, variables: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """(the cost's key, the variables to cost with: sent over defaults)."""
        given = {**self.defaults, **variables} if isinstance(variables, dict) else self.defaults
        return tuple(_reduced(given.get(name)) for name in self.names), given


#: The arguments whose values the cost reads.
_DECIDING = frozenset({"first", "ids"})


def _reduced(value: Any) -> Any:
    # bool is an int here as in the walker: True costs as 1, False as 0 (then 1)
    if isinstance(value, int):
        return value
    if isinstance(value, list):
        return ("list", len(value))
    return None


class _Walker:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, Any], variables: dict):
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        #: fragment name -> its cost at multiplier 1. A spread's target type is its
        #: fragment's type condition whatever the parent, so the name is the key.
        self.fragment_costs: dict[str, int] = {}

    def cost(self, selection_set: SelectionSetNode | None, parent: Any, multiplier: int) -> int:
        if selection_set is None or parent is None:
            return 0
        total = 0
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                total += self._field(node, parent, multiplier)
            elif isinstance(node, InlineFragmentNode):
                target = (
                    self.schema.get_type(node.type_condition.name.value)
                    if node.type_condition
                    else parent
                )
                total += self.cost(node.selection_set, target, multiplier)
            elif isinstance(node, FragmentSpreadNode):
                total += multiplier * self._fragment(node.name.value)
        return total

    def _fragment(self, name: str) -> int:
        cost = self.fragment_costs.get(name)
        if cost is not None:
            return cost
        fragment = self.fragments.get(name)
        if fragment is None:
            return 0
        # A spread closing a cycle costs nothing (validation refuses such documents).
        self.fragment_costs[name] = 0
        target = self.schema.get_type(fragment.type_condition.name.value)
        cost = self.fragment_costs[name] = self.cost(fragment.selection_set, target, 1)
        return cost

    def _field(self, node: FieldNode, parent: Any, multiplier: int) -> int:
        name = node.name.value
        fields = getattr(parent, "fields", None)
        if name.startswith("__") or not fields or name not in fields:
            return 0
        definition = fields[name]
        args = {
            a.name.value: value_from_ast_untyped(a.value, self.variables)
            for a in node.arguments or ()
        }
        factor = 1
        if "first" in definition.args:
            first = args.get("first")
            factor = first if isinstance(first, int) and first >= 0 else DEFAULT_PAGE_SIZE
        elif "ids" in definition.args and isinstance(args.get("ids"), list):
            factor = len(args["ids"])
        elif _is_list(definition.type) and not parent.name.endswith("Connection"):
            factor = LIST_FACTOR
        below = get_named_type(definition.type)
        return multiplier + self.cost(node.selection_set, below, multiplier * max(factor, 1))


def _is_list(graphql_type: Any) -> bool:
    if isinstance(graphql_type, GraphQLNonNull):
        graphql_type = graphql_type.of_type
    return isinstance(graphql_type, GraphQLList)
