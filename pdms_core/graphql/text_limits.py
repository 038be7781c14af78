"""A length cap on every text a request passes in, checked before execution.

A person's notes took 900,000 characters and a name search 10,000 (11.7 GB of work):
nothing capped what a caller may send short of the 1 MB body. This extension measures
every string given to an argument or input field, as a literal in the document or
through a variable, at any depth of input objects and lists, against the limit of the
argument or field it is given for. The limit is looked up by that field's camelCase
name, so every present and future field, plugins' included, is capped without being
listed; ``MAX_LENGTHS`` names the few that need more (or their own bound). A refusal
is a ``VALIDATION`` error naming the field, for queries and mutations alike, like the
NUL-character refusal in ``limits.py``: nothing has run, so there is no payload yet.

Services still apply their own, tighter rules (a surname is at most 100 characters, a
search word 64); this is the ceiling under which they work.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    Visitor,
    value_from_ast_untyped,
    visit,
)
from strawberry.extensions import SchemaExtension

from pdms_core.errors import ErrorCode
from pdms_core.graphql.compat import graphql_schema
from pdms_core.graphql.document_cache import document_facts

#: Any name, code, label, title, reference or search text: generous for a single line
#: (an address is at most 500 characters, an email 254), small enough that a request
#: cannot make the services and the database work on megabytes of it.
DEFAULT_MAX_LENGTH = 2_000
#: Free-text prose (notes, descriptions, summaries): about 3,000 words, several pages;
#: anything longer is a document to attach, not a note.
LONG_TEXT_MAX_LENGTH = 20_000
#: Fields (camelCase argument or input-field names) whose limit is not the default.
#: None: no cap of its own, for a whole file sent as base64, which the request body
#: limit (PDMS_MAX_BODY_BYTES) and the importer's own checks bound instead.
MAX_LENGTHS: dict[str, int | None] = {
    "notes": LONG_TEXT_MAX_LENGTH,
    "note": LONG_TEXT_MAX_LENGTH,
    "description": LONG_TEXT_MAX_LENGTH,
    "summary": LONG_TEXT_MAX_LENGTH,
    "whatMatters": LONG_TEXT_MAX_LENGTH,
    "contentBase64": None,
}
#: Below this no string can be over any limit: most requests are let through at once.
_FLOOR = min([DEFAULT_MAX_LENGTH, *(n for n in MAX_LENGTHS.values() if n is not None)])


def max_length(field: str) -> int | None:
    """The most characters a string given for ``field`` may have (None: no cap)."""
    return MAX_LENGTHS.get(field, DEFAULT_MAX_LENGTH)


class TextLimits(SchemaExtension):
    """Refuses a request carrying a string longer than its field's limit."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if context.result is None and document is not None:
            facts = document_facts(graphql_schema(context.schema), document)
            texts = facts.get(DocumentTexts)
            if texts is None:
                texts = facts[DocumentTexts] = DocumentTexts(document)
            refusal = texts.too_long(context.variables)
            if refusal is not None:
                context.result = ExecutionResult(data=None, errors=[refusal])
        yield


class DocumentTexts:
    """A document's arguments in the order they are checked, and its longest string
    literal, worked out once per document (``document_cache.py``)."""

    __slots__ = ("arguments", "longest_literal")

    def __init__(self, document: Any):
        #: per operation or fragment: (its variables' defaults, [(argument, value node)])
        self.arguments = [
            (_defaults(definition), list(_argument_nodes(definition.selection_set)))
            for definition in document.definitions
            if isinstance(definition, OperationDefinitionNode | FragmentDefinitionNode)
        ]
        longest = 0

        class Longest(Visitor):
            def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
                nonlocal longest
                longest = max(longest, len(node.value))

        visit(document, Longest())
        self.longest_literal = longest

    def too_long(self, variables: Any) -> GraphQLError | None:
        """The error for the first string over its field's limit, or None."""
        variables = variables if isinstance(variables, dict) else {}
        if self.longest_literal <= _FLOOR and _longest(variables) <= _FLOOR:
            return None
        for defaults, arguments in self.arguments:
            given = {**defaults, **variables}
            for name, node in arguments:
                refusal = _check(name, _value(node, given))
                if refusal is not None:
                    return refusal
        return None


def strings_in(value: Any) -> Iterator[str]:
    """Every string inside a JSON value (the request's variables), without recursion."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)


def _longest(value: Any) -> int:
    return max(map(len, strings_in(value)), default=0)


def _defaults(definition: Any) -> dict[str, Any]:
    """Default values of an operation's variables, used when a variable is not sent."""
    return {
        item.variable.name.value: value_from_ast_untyped(item.default_value)
        for item in getattr(definition, "variable_definitions", None) or ()
        if item.default_value is not None
    }


def _argument_nodes(selection_set: Any) -> Iterator[tuple[str, ValueNode]]:
    """(argument name, value node) for every field argument in the selection set, at
    any depth. (Directive arguments are left out: the executable directives, @include
    and @skip, take only a Boolean.)"""
    for selection in (selection_set.selections or ()) if selection_set else ():
        if isinstance(selection, FieldNode):
            for argument in selection.arguments or ():
                yield argument.name.value, argument.value
        if isinstance(selection, FieldNode | InlineFragmentNode):
            yield from _argument_nodes(selection.selection_set)


def _value(node: ValueNode, given: dict[str, Any]) -> Any:
    """The plain value of an argument, as JSON would give it; only text matters here."""
    if isinstance(node, VariableNode):
        return given.get(node.name.value)
    if isinstance(node, StringValueNode):
        return node.value
    if isinstance(node, ListValueNode):
        return [_value(item, given) for item in node.values or ()]
    if isinstance(node, ObjectValueNode):
        return {field.name.value: _value(field.value, given) for field in node.fields or ()}
    return None


def _check(field: str, value: Any) -> GraphQLError | None:
    """The first string in ``value`` (given for ``field``) over its limit.

    In an input object each value is measured against its own field's limit; items of
    a list against the list field's.
    """
    if isinstance(value, str):
        limit = max_length(field)
        return None if limit is None or len(value) <= limit else _refusal(field, limit)
    if isinstance(value, dict):
        return _first(_check(name, item) for name, item in value.items())
    if isinstance(value, list | tuple):
        return _first(_check(field, item) for item in value)
    return None


def _first(errors: Iterable[GraphQLError | None]) -> GraphQLError | None:
    return next((error for error in errors if error is not None), None)


def _refusal(field: str, limit: int) -> GraphQLError:
    return GraphQLError(
        f"`{field}` is at most {limit:,} characters.",
        extensions={"code": ErrorCode.VALIDATION.value, "field": field, "maxLength": limit},
    )
