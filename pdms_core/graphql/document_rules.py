"""Document limits whose work stays linear in the document, however fragments spread.

A fragment spread twice, spreading another twice, and so on, stands for 2^n copies of
the last one: 19 such fragments are a 1 KB document. strawberry's depth and alias
validators followed every spread, so that document held a worker for seconds (and 180
fragments for ever), anonymously, before anything checked who was asking. Here:

- :class:`BudgetedValidationCache` checks a budget on the document as written (how
  many fragment definitions and selections) before graphql-core or any rule walks it.
  The parser's token limit comes first. graphql-core's own rules are linear in
  fragments but quadratic in fields sharing a response key (OverlappingFieldsCanBeMerged:
  330 copies of ``modules { name }`` take about a second), which the selection budget
  bounds.
- :func:`document_limits` measures each fragment once (its depth, aliases and
  selections with its own spreads expanded) and reuses that wherever it is spread, so
  every selection of the document is visited once. It refuses the depth and alias
  limits strawberry's validators did, with their messages, and caps the selections a
  document stands for once expanded: the executor's look-ahead follows spreads
  without memory too (``prefetch.py``, ``db/loaders.py``).

Spreads that close a cycle count as nothing here; graphql-core's NoFragmentCycles rule
refuses the document.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    OperationDefinitionNode,
    SelectionSetNode,
)
from graphql.validation import ValidationContext, ValidationRule
from strawberry.extensions import ValidationCache

from pdms_core.graphql.compat import graphql_schema
from pdms_core.graphql.document_cache import document_facts

#: Fragment definitions in one document (the portal's documents use none or one).
MAX_FRAGMENTS = 30
#: Fields, inline fragments and spreads as written. The largest documents here have
#: 58 (bench/queries: portal list 48, person page 52); graphql-core validates the worst
#: 150-selection document (one response key repeated) in about 20 ms, 250 in 50-130.
MAX_SELECTIONS = 150
#: Selections once every spread is replaced by its fragment.
MAX_EXPANDED_SELECTIONS = 5_000
#: A document too big to validate; the request changes nothing.
TOO_LARGE = "DOCUMENT_TOO_LARGE"
#: A document asking for too much work (also the query cost's code).
TOO_COMPLEX = "QUERY_TOO_COMPLEX"


@dataclass(frozen=True, slots=True)
class Shape:
    """What a selection set stands for with its spreads expanded."""

    depth: int = 0  # fields nested below, as strawberry counted: a leaf field is 0
    aliases: int = 0
    selections: int = 0


NOTHING = Shape()


def budget_refusal(
    document: DocumentNode, *, max_fragments: int, max_selections: int
) -> GraphQLError | None:
    """Why ``document`` is too big to validate, or None; follows no spread."""
    fragments = sum(isinstance(d, FragmentDefinitionNode) for d in document.definitions)
    if fragments > max_fragments:
        return _error(
            f"This document defines {fragments} fragments; the limit is {max_fragments}.",
            TOO_LARGE,
        )
    selections = sum(
        1
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode | FragmentDefinitionNode)
        for _ in _selections(definition.selection_set)
    )
    if selections > max_selections:
        return _error(
            f"This document has {selections} selections; the limit is {max_selections}.",
            TOO_LARGE,
        )
    return None


class BudgetedValidationCache(ValidationCache):
    """strawberry's ValidationCache, refusing a document over the budget unvalidated.

    The budget and the validation result are kept with the document
    (``document_cache.py``, by identity): strawberry's own cache hashes the whole
    document on every request, which cost more than the check.
    """

    def __init__(
        self,
        maxsize: int,
        *,
        max_fragments: int = MAX_FRAGMENTS,
        max_selections: int = MAX_SELECTIONS,
    ):
        super().__init__(maxsize=maxsize)
        self.max_fragments = max_fragments
        self.max_selections = max_selections

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        facts = document_facts(graphql_schema(context.schema), context.graphql_document)
        budget_key = ("budget", self.max_fragments, self.max_selections)
        if budget_key not in facts:
            facts[budget_key] = budget_refusal(
                context.graphql_document,
                max_fragments=self.max_fragments,
                max_selections=self.max_selections,
            )
        refusal = facts[budget_key]
        if refusal is not None:
            # strawberry validates only while no errors are set: none of its rules run.
            context.pre_execution_errors = [refusal]
            yield
            return
        validated_key = ("validated", tuple(context.validation_rules))
        errors = facts.get(validated_key)
        if errors is not None:
            context.pre_execution_errors = errors
            yield
            return
        yield from super().on_validate()
        if context.pre_execution_errors is not None:
            facts[validated_key] = context.pre_execution_errors


class DocumentShape:
    """Each operation's :class:`Shape`, every fragment measured once."""

    def __init__(self, document: DocumentNode):
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        #: Selections measured: each selection of the document once, however often
        #: its fragment is spread.
        self.visited = 0
        self._shapes: dict[str, Shape] = {}
        for name in self._spread_order():
            self._shapes[name] = self._measure(self.fragments[name].selection_set)
        self.operations = [
            (definition, self._measure(definition.selection_set))
            for definition in document.definitions
            if isinstance(definition, OperationDefinitionNode)
        ]

    def fragment(self, name: str) -> Shape:
        return self._shapes.get(name, NOTHING)

    def _spread_order(self) -> list[str]:
        """Fragment names, each after the fragments it spreads (without recursion: a
        chain of fragments could outgrow the interpreter's stack)."""
        spreads = {
            name: list(
                dict.fromkeys(
                    node.name.value
                    for node in _selections(fragment.selection_set)
                    if isinstance(node, FragmentSpreadNode) and node.name.value in self.fragments
                )
            )
            for name, fragment in self.fragments.items()
        }
        order: list[str] = []
        done: set[str] = set()
        for root in spreads:
            if root in done:
                continue
            path = [(root, iter(spreads[root]))]
            on_path = {root}
            while path:
                name, pending = path[-1]
                for spread in pending:
                    if spread not in done and spread not in on_path:  # on_path: a cycle
                        path.append((spread, iter(spreads[spread])))
                        on_path.add(spread)
                        break
                else:
                    path.pop()
                    on_path.discard(name)
                    done.add(name)
                    order.append(name)
        return order

    def _measure(self, selection_set: SelectionSetNode) -> Shape:
        # Children follow their parent in ``nodes``, so in reverse each node finds its
        # children measured; a spread takes its fragment's measure.
        nodes = list(_selections(selection_set))
        self.visited += len(nodes)
        shapes: dict[int, Shape] = {}
        for node in reversed(nodes):
            shapes[id(node)] = self._node(node, shapes)
        return _merge(shapes[id(node)] for node in selection_set.selections)

    def _node(self, node: Any, shapes: dict[int, Shape]) -> Shape:
        if isinstance(node, FragmentSpreadNode):
            inner = self.fragment(node.name.value)
            return Shape(inner.depth, inner.aliases, inner.selections + 1)
        selection_set = node.selection_set
        inner = (
            _merge(shapes[id(child)] for child in selection_set.selections)
            if selection_set
            else NOTHING
        )
        depth = inner.depth
        aliases = inner.aliases
        if isinstance(node, FieldNode):
            # introspection fields do not count towards depth (as in strawberry)
            leaf = selection_set is None or node.name.value.startswith("__")
            depth = 0 if leaf else depth + 1
            aliases += node.alias is not None
        return Shape(depth, aliases, inner.selections + 1)


def document_limits(
    *, max_depth: int, max_aliases: int, max_expanded: int = MAX_EXPANDED_SELECTIONS
) -> type[ValidationRule]:
    """A validation rule refusing documents too deep, with too many aliases, or standing
    for too many selections once fragments are expanded (one class per schema, so
    graphql-core's validation cache, keyed by the rules, keeps hitting)."""

    class DocumentLimits(ValidationRule):
        def __init__(self, context: ValidationContext):
            super().__init__(context)
            shape = DocumentShape(context.document)
            for operation, measured in shape.operations:
                if measured.depth > max_depth:
                    name = operation.name.value if operation.name else "anonymous"
                    context.report_error(
                        _error(
                            f"'{name}' exceeds maximum operation depth of {max_depth}",
                            TOO_COMPLEX,
                            operation,
                        )
                    )
            aliases = sum(measured.aliases for _, measured in shape.operations)
            if aliases > max_aliases:
                context.report_error(
                    _error(f"{aliases} aliases found. Allowed: {max_aliases}", TOO_COMPLEX)
                )
            expanded = sum(measured.selections for _, measured in shape.operations)
            if expanded > max_expanded:
                context.report_error(
                    _error(
                        f"This document stands for {expanded} selections once its fragments "
                        f"are expanded; the limit is {max_expanded}.",
                        TOO_COMPLEX,
                    )
                )

    return DocumentLimits


def _selections(selection_set: SelectionSetNode | None) -> Iterator[Any]:
    """Every selection below ``selection_set`` as written (spreads not followed),
    each after its parent."""
    pending = [selection_set] if selection_set is not None else []
    while pending:
        for node in pending.pop().selections:
            yield node
            inner = getattr(node, "selection_set", None)
            if inner is not None:
                pending.append(inner)


def _merge(shapes: Iterable[Shape]) -> Shape:
    depth = aliases = selections = 0
    for shape in shapes:
        depth = max(depth, shape.depth)
        aliases += shape.aliases
        selections += shape.selections
    return Shape(depth, aliases, selections)


def _error(message: str, code: str, node: Any = None) -> GraphQLError:
    return GraphQLError(message, node, extensions={"code": code})
