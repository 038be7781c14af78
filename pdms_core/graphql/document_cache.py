"""What depends only on (schema, document, operation), worked out once and reused.

strawberry's parser cache hands every request with the same text the same parsed
document, so a document's facts can be kept beside it: its budget and validation
result (``document_rules.py``), the operation a name picks, whether a sign-in mutation
shares its document, whether a literal holds NUL, the query cost for the variables
that decide it (``limits.py``), the arguments to measure for text limits
(``text_limits.py``) and the fast executor's plans (``planned.py``). Only variables,
the caller and its permissions are looked at per request.

Entries are keyed by the identity of the document (or operation) node, held weakly,
so a document that leaves the parser cache takes its facts with it, and the cache is
also bounded (least recently used first out). Each graphql-core schema has its own
cache, so two schemas built in one process never share an entry.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from graphql import DocumentNode, GraphQLSchema, OperationDefinitionNode

K = TypeVar("K")
V = TypeVar("V")

#: Documents (and operations) whose facts are kept per schema: more than the parser
#: cache holds (256), so a document it keeps never loses its facts here first.
MAX_ENTRIES = 512


class IdentityCache(Generic[K, V]):
    """A bounded LRU keyed by object identity; an entry goes when its key dies.

    (graphql-core's AST nodes are frozen dataclasses hashed by value: hashing the
    portal list's document took 36 microseconds, on every request, in strawberry's
    validation cache.) Values must not refer to their key, or it never dies.
    """

    def __init__(self, maxsize: int = MAX_ENTRIES):
        self.maxsize = maxsize
        self._entries: OrderedDict[int, tuple[weakref.ref, V]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: K) -> V | None:
        entry = self._entries.get(id(key))
        if entry is None or entry[0]() is not key:
            return None
        self._entries.move_to_end(id(key))
        return entry[1]

    def get_or_make(self, key: K, make: Callable[[K], V]) -> V:
        value = self.get(key)
        if value is None:
            value = make(key)
            self.put(key, value)
        return value

    def put(self, key: K, value: V) -> None:
        identity = id(key)
        entries = self._entries

        def forget(ref: weakref.ref, entries: Any = entries) -> None:
            entry = entries.get(identity)
            if entry is not None and entry[0] is ref:
                del entries[identity]

        entries[identity] = (weakref.ref(key, forget), value)
        entries.move_to_end(identity)
        while len(entries) > self.maxsize:
            entries.popitem(last=False)


class SchemaPlans:
    """One schema's caches: document facts and the executor's operation plans."""

    def __init__(self) -> None:
        self.documents: IdentityCache[DocumentNode, Any] = IdentityCache()
        self.operations: IdentityCache[OperationDefinitionNode, Any] = IdentityCache()


_BY_SCHEMA: weakref.WeakKeyDictionary[GraphQLSchema, SchemaPlans] = weakref.WeakKeyDictionary()


def plans_for(schema: GraphQLSchema) -> SchemaPlans:
    """The caches of the graphql-core schema ``schema`` (made on first use)."""
    plans = _BY_SCHEMA.get(schema)
    if plans is None:
        plans = _BY_SCHEMA[schema] = SchemaPlans()
    return plans


class BoundedDict(dict):
    """A dict that starts again when full: for values keyed by a request's variables,
    whose variety a caller controls."""

    def __init__(self, maxsize: int):
        super().__init__()
        self.maxsize = maxsize

    def remember(self, key: Any, value: Any) -> Any:
        if len(self) >= self.maxsize:
            self.clear()
        self[key] = value
        return value


def document_facts(schema: GraphQLSchema, document: DocumentNode) -> dict[Any, Any]:
    """The facts kept for ``document`` under ``schema``: a dict each user fills under
    its own keys (values must not refer to the document node itself)."""
    return plans_for(schema).documents.get_or_make(document, _new_facts)


def _new_facts(_document: DocumentNode) -> dict[Any, Any]:
    return {}
