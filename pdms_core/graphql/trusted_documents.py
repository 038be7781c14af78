"""Trusted documents at request time: documents by hash, and the registered-only modes.

Two conventions name a registered document by its SHA-256 (docs/trusted_documents.md):

- Apollo's automatic persisted queries: ``extensions.persistedQuery = {"version": 1,
  "sha256Hash": "<hex>"}``, with or without ``query``. An unknown hash without the
  query answers ``PERSISTED_QUERY_NOT_FOUND`` (message ``PersistedQueryNotFound``, as
  Apollo's clients expect), and the client sends it again with the query.
- GraphQL over HTTP's trusted documents: ``"documentId": "sha256:<hex>"`` (or the bare
  hex) in the body instead of ``query``.

``PDMS_TRUSTED_DOCUMENTS`` says who must send a registered document: ``off`` nobody
(any document runs; a hash sent with its query is remembered by this process only,
for Apollo clients' automatic persisting), ``api_keys`` callers with an API key,
``all`` everyone, signed in or not. There, a registered document may be sent by hash or
as its exact text; any other is refused with ``TRUSTED_DOCUMENT_REQUIRED``, and
nothing is remembered at run time. Refusals are GraphQL errors in a 200 response, as
for every error found before execution.

Registered documents are read from the database once and kept for ``KNOWN_SECONDS``
(a document removed with ``pdms trusted-documents remove`` stops being served within that
time); a hash found missing is looked up again after ``MISSING_SECONDS``, so a document
registered while the server runs is served within that time.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError

from pdms_core.auth.actor import ActorKind
from pdms_core.trusted_documents.services import document_hash, find, normalised_hash

NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
REQUIRED = "TRUSTED_DOCUMENT_REQUIRED"
BAD_REQUEST = "BAD_REQUEST"
#: How long a hash found missing is answered from memory before the database is asked
#: again.
MISSING_SECONDS = 5.0
#: How long a registered document is served from memory before it is looked up again.
KNOWN_SECONDS = 60.0
#: Registered documents kept in memory (a front end registers tens to hundreds).
MAX_KNOWN = 2_000
#: Hashes remembered as missing (a caller can send any number of made-up ones).
MAX_MISSING = 2_000
#: Documents remembered at run time in mode ``off``, and the longest one remembered.
MAX_REMEMBERED = 1_000
MAX_REMEMBERED_LENGTH = 20_000
#: Registry look-ups that reach the database one caller (user, key, or address) may
#: cause a minute: unknown hashes and unregistered texts each cost one, so made-up
#: ones are throttled like any other work. Known documents are answered from memory.
MAX_LOOKUPS_PER_MINUTE = 120
THROTTLED = "THROTTLED"


@dataclass(frozen=True)
class Outcome:
    """The document text to execute (None: the request names none), or the refusal."""

    query: str | None = None
    error: GraphQLError | None = None


class TrustedDocuments:
    """One application's registered documents and its mode (module docstring)."""

    def __init__(
        self,
        mode: str,
        database: Any,
        limiter: Any = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.mode = mode
        self.database = database
        self.limiter = limiter
        self.clock = clock
        self._known: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self._missing: dict[str, float] = {}
        self._remembered: OrderedDict[str, str] = OrderedDict()

    async def resolve(
        self,
        query: str | None,
        extensions: Any,
        document_id: Any,
        actor: Any,
        client_ip: str | None = None,
    ) -> Outcome:
        """What to execute for a request sending ``query``, ``extensions`` and
        ``documentId`` on behalf of ``actor`` (from ``client_ip``)."""
        caller = actor.id if actor.is_authenticated and actor.id else f"ip:{client_ip}"
        try:
            return await self._resolve(query, extensions, document_id, actor, caller)
        except _TooManyLookups:
            return Outcome(
                error=_error(
                    "Too many unknown documents sent this minute; wait and retry.", THROTTLED
                )
            )

    async def _resolve(
        self, query: str | None, extensions: Any, document_id: Any, actor: Any, caller: str
    ) -> Outcome:
        sha, refusal = _requested_hash(extensions, document_id)
        if refusal is not None:
            return Outcome(error=refusal)
        trusted_only = self.mode == "all" or (
            self.mode == "api_keys" and actor.kind is ActorKind.API_KEY
        )
        if query is not None:
            return await self._with_text(query, sha, trusted_only, caller)
        if sha is None:
            return Outcome()  # strawberry answers: no GraphQL query found
        text = await self.registered(sha, caller)
        if text is None and self.mode == "off":
            text = self._remembered.get(sha)
        if text is None:
            return Outcome(error=_not_found(extensions))
        return Outcome(query=text)

    async def _with_text(
        self, query: str, sha: str | None, trusted_only: bool, caller: str
    ) -> Outcome:
        digest = document_hash(query) if sha is not None or trusted_only else None
        if sha is not None and digest != sha:
            return Outcome(
                error=_error(
                    "The hash sent is not the SHA-256 of the document sent with it.",
                    BAD_REQUEST,
                )
            )
        if trusted_only:
            if digest is None or await self.registered(digest, caller) is None:
                return Outcome(
                    error=_error(
                        "Only registered documents are accepted from this caller: send "
                        "the hash of a document registered with `pdms trusted-documents register`.",
                        REQUIRED,
                    )
                )
        elif sha is not None and self.mode == "off":
            self._remember(sha, query)
        return Outcome(query=query)

    async def registered(self, sha: str, caller: str | None = None) -> str | None:
        """The registered text for ``sha``: from memory, else from the database (a
        miss is remembered for ``MISSING_SECONDS``); a look-up that reaches the
        database counts against ``caller``'s budget (:data:`MAX_LOOKUPS_PER_MINUTE`)."""
        now = self.clock()
        known = self._known.get(sha)
        if known is not None and now < known[1]:
            self._known.move_to_end(sha)
            return known[0]
        missing_until = self._missing.get(sha)
        if missing_until is not None and now < missing_until:
            return None
        if await self._over_budget(caller):
            raise _TooManyLookups
        async with self.database.readers() as session:
            text = await find(session, sha)
        if text is None:
            self._known.pop(sha, None)
            if len(self._missing) >= MAX_MISSING:
                self._missing.clear()
            self._missing[sha] = now + MISSING_SECONDS
            return None
        self._missing.pop(sha, None)
        self._known[sha] = (text, now + KNOWN_SECONDS)
        self._known.move_to_end(sha)
        while len(self._known) > MAX_KNOWN:
            self._known.popitem(last=False)
        return text

    async def _over_budget(self, caller: str | None) -> bool:
        if self.limiter is None or caller is None:
            return False
        return not await self.limiter.hit(f"docs:{caller}", 1, MAX_LOOKUPS_PER_MINUTE)

    def _remember(self, sha: str, query: str) -> None:
        if len(query) > MAX_REMEMBERED_LENGTH:
            return
        self._remembered[sha] = query
        self._remembered.move_to_end(sha)
        while len(self._remembered) > MAX_REMEMBERED:
            self._remembered.popitem(last=False)


class _TooManyLookups(Exception):
    pass


def _requested_hash(extensions: Any, document_id: Any) -> tuple[str | None, GraphQLError | None]:
    """The hash the request names (Apollo's extension or documentId), or its refusal."""
    persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
    if persisted is not None:
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            return None, _error("Only persistedQuery version 1 is supported.", BAD_REQUEST)
        sha = normalised_hash(persisted.get("sha256Hash"))
        if sha is None:
            return None, _error(
                "persistedQuery.sha256Hash must be 64 hexadecimal digits.", BAD_REQUEST
            )
        return sha, None
    if document_id is None:
        return None, None
    sha = normalised_hash(document_id)
    if sha is None:
        return None, _error(
            'documentId must be "sha256:" followed by 64 hexadecimal digits.', BAD_REQUEST
        )
    return sha, None


def _not_found(extensions: Any) -> GraphQLError:
    if isinstance(extensions, dict) and "persistedQuery" in extensions:
        # Apollo's clients look for this message or code, then send the query
        return _error("PersistedQueryNotFound", NOT_FOUND)
    return _error("No document is registered with this documentId.", NOT_FOUND)


def _error(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})
