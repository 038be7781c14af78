"""Request limits checked before execution (OWASP GraphQL cheat sheet).

The token limit is the parser's, the document budget, depth and alias limits are
validation (``document_rules.py``, wired in ``schema.py``). This extension adds, in
order: variables nested at most ``MAX_VARIABLE_DEPTH`` deep; sign-in mutations alone
in their document (no batching guesses through aliases); no NUL characters; no
mutations for read-only API keys; the query cost limit; and the cost-based rate limit
per caller (plus each API key's own request limit). A refusal becomes the request's
only error; nothing executes. It gives the parser's size refusals the budget's code,
and outside debug it removes "Did you mean ...?" suggestions from every error message
(wherever they stand in it), which would otherwise reveal the schema with
introspection off.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    Visitor,
    visit,
)
from strawberry.extensions import SchemaExtension

from pdms_core.auth.actor import ActorKind
from pdms_core.errors import ErrorCode
from pdms_core.graphql.compat import graphql_schema
from pdms_core.graphql.cost import CostInputs, query_cost
from pdms_core.graphql.document_cache import BoundedDict, document_facts
from pdms_core.graphql.document_rules import TOO_LARGE
from pdms_core.graphql.text_limits import strings_in
from pdms_core.ratelimit import Limiter

#: Mutations that guess or spend secrets: each must be the only field of its document.
AUTH_FIELDS = frozenset({"login", "requestPasswordReset", "resetPassword", "changePassword"})
#: Variables nested deeper are refused before anything walks them: input types here
#: nest a few levels, and graphql-core's coercion (and any walk of the values) recurses
#: once per level, so 500 levels ran out of stack ("maximum recursion depth exceeded").
MAX_VARIABLE_DEPTH = 32
#: graphql-core's suggestions: " Did you mean 'a'?", "... 'a' or 'b'?", "... 'a', 'b',
#: or 'c'?", "... the enum value 'A'?", "... to use an inline fragment on 'T'?". In
#: variable coercion errors they stand mid-message ("... Did you mean 'email'? Found:
#: ..."). Names never contain quotes.
_SUGGESTION = re.compile(r" ?Did you mean [^'?]*'[^']*'(?:,? (?:or )?'[^']*')*\?")
#: Coercion errors quote the caller's input back ("..., found: {'password': ...}.",
#: "... cannot represent a non string value: <value>"): a password or a resident's
#: details would then travel in an error message, which clients log freely.
_ECHOED_INPUT = (
    (re.compile(r"[,.] [Ff]ound: .*$", re.DOTALL), "."),
    (re.compile(r"(cannot represent [\w -]*value): .*$", re.DOTALL), r"\1."),
)
#: The parser's refusals of a document too big to parse.
_PARSER_LIMIT = re.compile(r"^Syntax Error: Document (contains more than|is nested too deeply)")


class RequestLimits(SchemaExtension):
    """Refuses abusive documents before they execute."""

    def __init__(self, *, limiter: Limiter, max_cost: int, cost_per_minute: int, debug: bool):
        self.limiter = limiter
        self.max_cost = max_cost
        self.cost_per_minute = cost_per_minute
        self.debug = debug

    def on_operation(self) -> Iterator[None]:
        try:
            yield
        except GraphQLError as error:
            # strawberry's parser cache raises parse errors through the operation
            if _PARSER_LIMIT.match(error.message):
                error.extensions = {**(error.extensions or {}), "code": TOO_LARGE}
            raise
        if self.debug:
            return
        result = self.execution_context.result
        for error in getattr(result, "errors", None) or []:
            # (errors may be cached with their document: the change is idempotent)
            error.message = _without_echoes(_SUGGESTION.sub("", error.message))

    async def on_execute(self) -> Any:  # type: ignore[override]
        refusal = await self._refusal()
        if refusal is not None:
            self.execution_context.result = ExecutionResult(data=None, errors=[refusal])
        yield

    async def _refusal(self) -> GraphQLError | None:
        context = self.execution_context
        document = context.graphql_document
        if document is None:
            return None
        schema = graphql_schema(context.schema)
        facts = operation_facts(schema, document, context.operation_name)
        if facts is None:
            return None
        if isinstance(context.variables, dict) and _nested_deeper_than(
            context.variables.values(), MAX_VARIABLE_DEPTH
        ):
            return _error(
                f"Variables may be nested at most {MAX_VARIABLE_DEPTH} levels deep.",
                ErrorCode.VALIDATION.value,
            )
        if facts.batched_auth:
            return _error(
                "Sign-in and password mutations must be the only field in their document.",
                "BAD_REQUEST",
            )
        if facts.nul_in_literals or any("\x00" in text for text in strings_in(context.variables)):
            return _error(
                "Text may not contain the NUL character (U+0000).", ErrorCode.VALIDATION.value
            )
        actor = context.context.actor
        if facts.operation.operation is OperationType.MUTATION and actor.read_only:
            return _error("This API key is read-only.", "PERMISSION_DENIED")
        cost = facts.cost(schema, context.variables)
        if cost > self.max_cost:
            return _error(
                f"This query costs {cost}; the limit is {self.max_cost}. Ask for fewer "
                "items (smaller `first`) or fewer nested lists.",
                "QUERY_TOO_COMPLEX",
                cost=cost,
                maxCost=self.max_cost,
            )
        who = actor.id if actor.is_authenticated and actor.id else f"ip:{context.context.client_ip}"
        per_key = actor.rate_limit_per_minute if actor.kind is ActorKind.API_KEY else None
        if per_key is not None and not await self.limiter.hit(f"req:{who}", 1, per_key):
            return _error("Too many requests for this API key; wait a minute.", "THROTTLED")
        if not await self.limiter.hit(f"cost:{who}", max(cost, 1), self.cost_per_minute):
            return _error("Too much work requested this minute; wait and retry.", "THROTTLED")
        return None


class OperationFacts:
    """What the checks above need of one operation of one document, worked out once
    (``document_cache.py``): only the variables are looked at per request. (Nothing
    here refers to the document node or the schema, which key the cache.)"""

    __slots__ = ("_costs", "batched_auth", "cost_inputs", "nul_in_literals", "operation")

    def __init__(self, document: Any, operation: OperationDefinitionNode):
        self.operation = operation
        self.batched_auth = _has_batched_auth_field(document, operation)
        self.nul_in_literals = _literal_has_nul(document)
        self.cost_inputs = CostInputs(document, operation)
        self._costs = BoundedDict(64)

    def cost(self, schema: Any, variables: Any) -> int:
        """The query cost with these (raw, uncoerced) variables."""
        key, given = self.cost_inputs.key(variables)
        cost = self._costs.get(key)
        if cost is None:
            inputs = self.cost_inputs
            cost = query_cost(schema, inputs.fragments, self.operation, given)
            self._costs.remember(key, cost)
        return cost


def operation_facts(schema: Any, document: Any, name: str | None) -> OperationFacts | None:
    """The :class:`OperationFacts` of the operation ``name`` picks, or None when it
    picks none (graphql-core then refuses the request)."""
    facts = document_facts(schema, document)
    key = ("operation", name)
    found = facts.get(key)
    if found is None:
        operation = _operation(document, name)
        if operation is None:
            return None  # not kept: a caller could send any number of names
        found = facts[key] = OperationFacts(document, operation)
    return found


def _nested_deeper_than(values: Any, limit: int) -> bool:
    """Whether any of ``values`` nests lists and objects more than ``limit`` deep
    (without recursion, which is what this guards against)."""
    pending = [(value, 1) for value in values]  # a list or object here is level 1
    while pending:
        value, level = pending.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if level > limit:
            return True
        pending.extend((child, level + 1) for child in children)
    return False


def _literal_has_nul(document: Any) -> bool:
    """Whether a string literal of the document holds U+0000 (through an escape).

    PostgreSQL cannot store it in a text column and fails the whole statement, and no
    name, note or reference of a council's needs it; refused here, once, it is a clear
    VALIDATION error on every backend instead of a server error on one. The variables'
    strings are searched per request.
    """
    found = False

    class NulFinder(Visitor):
        def enter_string_value(self, node: Any, *_: Any) -> None:
            nonlocal found
            found = found or "\x00" in node.value

    visit(document, NulFinder())
    return found


def _error(message: str, code: str, **extra: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, **extra})


def _operation(document: Any, name: str | None) -> OperationDefinitionNode | None:
    if document is None:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    for operation in operations:
        if name is None or (operation.name and operation.name.value == name):
            return operation
    return None


def _has_batched_auth_field(document: Any, operation: OperationDefinitionNode) -> bool:
    """Whether an auth mutation shares its document with anything else."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    names = _root_field_names(operation.selection_set, fragments, set())
    if not names & AUTH_FIELDS:
        return False
    selections = operation.selection_set.selections
    alone = len(selections) == 1 and isinstance(selections[0], FieldNode)
    return not (alone and len(document.definitions) == 1)


def _root_field_names(selection_set: Any, fragments: dict[str, Any], seen: set[str]) -> set[str]:
    names: set[str] = set()
    for node in selection_set.selections:
        if isinstance(node, FieldNode):
            names.add(node.name.value)
        elif isinstance(node, InlineFragmentNode):
            names |= _root_field_names(node.selection_set, fragments, seen)
        elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
            seen.add(node.name.value)
            fragment = fragments.get(node.name.value)
            if fragment is not None:
                names |= _root_field_names(fragment.selection_set, fragments, seen)
    return names


def _without_echoes(message: str) -> str:
    for pattern, replacement in _ECHOED_INPUT:
        message = pattern.sub(replacement, message)
    return message
