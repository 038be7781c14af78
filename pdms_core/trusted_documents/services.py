"""Registering, listing and removing trusted documents (docs/trusted_documents.md).

A document is stored under the SHA-256 of its UTF-8 text, exactly as sent: the hash
Apollo's persisted queries and GraphQL Codegen's persisted documents (with
``hashAlgorithm: "sha256"``) compute. Registration checks every document against the
schema first and stores all of them or none.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphql import GraphQLError, parse, specified_rules, validate
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.trusted_documents.models import TrustedDocument

HEX = re.compile(r"^[0-9a-f]{64}$")
#: The documentId prefix of the GraphQL-over-HTTP trusted documents convention.
SHA256_PREFIX = "sha256:"


def document_hash(text: str) -> str:
    """The lower-case hex SHA-256 of ``text`` (UTF-8), the document's id."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalised_hash(value: Any) -> str | None:
    """``sha256:<hex>`` or ``<hex>`` as lower-case hex, or None when it is neither."""
    if not isinstance(value, str):
        return None
    value = value.strip().lower().removeprefix(SHA256_PREFIX)
    return value if HEX.match(value) else None


@dataclass(frozen=True)
class Candidate:
    """One document read from a file: where it came from, its text and its hash."""

    source: str
    text: str
    sha256: str


def read_candidates(path: Path) -> tuple[list[Candidate], list[str]]:
    """The documents in ``path`` and the problems found reading it.

    A ``.json`` file is a manifest ``{"<sha256>": "<document>"}`` (GraphQL Codegen's
    persisted documents, Relay's persisted queries); any other file is one document.
    """
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return [], [f"{path}: cannot be read ({type(error).__name__})"]
    if path.suffix.lower() != ".json":
        return [Candidate(str(path), content, document_hash(content))], []
    try:
        manifest = json.loads(content)
    except json.JSONDecodeError as error:
        return [], [f"{path}: not JSON ({error.msg}, line {error.lineno})"]
    if not isinstance(manifest, dict):
        return [], [f'{path}: a manifest is one JSON object {{"<sha256>": "<document>"}}']
    candidates, problems = [], []
    for key, text in manifest.items():
        where = f"{path} [{key}]"
        if not isinstance(text, str):
            problems.append(f"{where}: the document is not a string")
            continue
        digest = document_hash(text)
        if normalised_hash(key) != digest:
            problems.append(
                f"{where}: the key is not the document's SHA-256 ({digest}); generate the "
                "manifest with SHA-256 hashes (GraphQL Codegen: hashAlgorithm 'sha256')"
            )
            continue
        candidates.append(Candidate(where, text, digest))
    return candidates, problems


def document_problems(schema: Any, text: str, rules: Iterable[Any] = ()) -> list[str]:
    """Why ``text`` is not a valid document for the graphql-core ``schema`` (parse and
    validation errors, with ``rules`` beside the specification's), or nothing."""
    try:
        document = parse(text)
    except GraphQLError as error:
        return [error.message]
    errors = validate(schema, document, [*specified_rules, *rules])
    return [error.message for error in errors]


@dataclass(frozen=True)
class Registered:
    """What a registration did: hashes added, and those already registered."""

    added: list[str]
    existing: list[str]
    #: The one document added, for the audit row (which names one record; a
    #: registration of several names none, and the listing shows them all).
    audit_target: TrustedDocument | None = None


async def register(
    session: AsyncSession, candidates: list[Candidate], client: str | None
) -> Registered:
    """Store the candidates not yet registered (the same text under the same hash
    is registered once; the first client's name is kept)."""
    hashes = list(dict.fromkeys(candidate.sha256 for candidate in candidates))
    known = set(
        (
            await session.execute(
                select(TrustedDocument.sha256).where(TrustedDocument.sha256.in_(hashes))
            )
        ).scalars()
    )
    added: list[TrustedDocument] = []
    for candidate in candidates:
        if candidate.sha256 in known:
            continue
        known.add(candidate.sha256)
        added.append(
            TrustedDocument(sha256=candidate.sha256, document=candidate.text, client_name=client)
        )
    session.add_all(added)
    await session.flush()
    new = [document.sha256 for document in added]
    return Registered(
        added=new,
        existing=[h for h in hashes if h not in new],
        audit_target=added[0] if len(added) == 1 else None,
    )


async def list_documents(session: AsyncSession) -> list[TrustedDocument]:
    """Every registered document, oldest first."""
    rows = await session.execute(select(TrustedDocument).order_by(TrustedDocument.id))
    return list(rows.scalars())


@dataclass(frozen=True)
class Removed:
    """What a removal did: the document removed, or None when none was registered."""

    document: TrustedDocument | None

    @property
    def errors(self) -> list[str]:
        """Why nothing changed (the audit records a removal of nothing as rejected)."""
        return [] if self.document is not None else ["no document is registered as that"]

    @property
    def audit_target(self) -> TrustedDocument | None:
        return self.document


async def remove(session: AsyncSession, sha256: str) -> Removed:
    """Remove the document registered under ``sha256``, if one is."""
    document = await session.scalar(select(TrustedDocument).where(TrustedDocument.sha256 == sha256))
    if document is not None:
        await session.execute(delete(TrustedDocument).where(TrustedDocument.id == document.id))
    return Removed(document)


async def find(session: AsyncSession, sha256: str) -> str | None:
    """The text registered under ``sha256``, or None."""
    return await session.scalar(
        select(TrustedDocument.document).where(TrustedDocument.sha256 == sha256)
    )
