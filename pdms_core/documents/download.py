"""``GET /documents/<id>/content``: a document's bytes, through a signed link.

The link (``documents/links.py``) is checked first: altered or made with another key,
403; genuine but past its time, 410. Then the actor it was made for is established
again, now: the caller's own credentials when the request carries any (they must be
that actor's), else the actor rebuilt from the database, so a deactivated user, a
revoked key or a withdrawn role stops working links at once. That actor must still
reach the document, by its holder's rules (``documents/holders.py``), and hold
``core.document.read``. Every answer is audited: a download as two rows (the
document, and its holder), each refusal as one. Refusals say nothing about why
beyond a plain sentence.

Two exceptions keep the route from being a way to fill the audit table: each client
address may make ``PDMS_DOCUMENT_DOWNLOADS_PER_MINUTE`` requests a minute (429
beyond, with the GraphQL limits' counters, in memory or Redis), and a request with
no credentials whose link is not genuine (a guess, a scan) is not audited: it names
nobody and proves nothing, so it is counted in a warning instead (the 1st, 10th,
100th ... of the process, without the URL). A genuine link that is refused (expired,
its actor gone or no longer permitted) is audited as before, and so is a forged one
presented with credentials.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from pdms_core.auth.actor import ANONYMOUS, Actor
from pdms_core.auth.resolve import client_ip, resolve_credentials
from pdms_core.auth.tokens import now
from pdms_core.documents.links import EXPIRED, INVALID, check_link
from pdms_core.documents.lookups import READ
from pdms_core.documents.models import Document
from pdms_core.documents.services import reachable_document
from pdms_core.errors import NotFound

log = logging.getLogger("pdms.documents")

ACTION = "downloadDocument"
NOT_VALID = "This link is not valid. Ask for a new one."
GONE = "This link has expired. Ask for a new one."
NOT_FOUND = "This document is not available."
UNAVAILABLE = "Documents cannot be read just now. Try again later."
TOO_MANY = "Too many requests. Wait a minute and try again."
#: The limiter's window, in seconds (also the 429's Retry-After).
WINDOW = 60


class _Forgeries:
    """Counts anonymous requests with links that are not genuine, for the log."""

    def __init__(self) -> None:
        self.count = 0

    def seen(self) -> None:
        self.count += 1
        if _power_of_ten(self.count):
            log.warning(
                "document download refused: a link that is not genuine, without "
                "credentials (%d in this process so far; not audited)",
                self.count,
            )


def _power_of_ten(number: int) -> bool:
    while number % 10 == 0:
        number //= 10
    return number == 1


def download_endpoint(host: Any, database: Any, signins: Any = None, limiter: Any = None) -> Any:
    """The Starlette endpoint serving document content for ``host`` and ``database``;
    ``limiter`` (``ratelimit.py``) counts each client address's requests."""
    settings = host.settings
    forgeries = _Forgeries()

    async def download(request: Request) -> Response:
        if limiter is not None and not await limiter.hit(
            f"download:{client_ip(request)}", 1, settings.document_downloads_per_minute, WINDOW
        ):
            response = _plain(429, TOO_MANY)
            response.headers["retry-after"] = str(WINDOW)
            return response
        raw_id = request.path_params.get("document_id", "")
        if not (raw_id.isascii() and raw_id.isdigit()) or len(raw_id) > 18:
            return _plain(404, NOT_FOUND)
        document_id = int(raw_id)
        query = request.query_params
        actor_id = query.get("for", "")
        caller = await _caller(request, host, database, signins)
        trail = _Trail(database, request, document_id)
        verdict = check_link(
            settings, document_id, actor_id, query.get("expires", ""), query.get("sig", "")
        )
        if verdict == INVALID:
            if not caller.is_authenticated:
                forgeries.seen()
                return _plain(403, NOT_VALID)
            return await trail.refuse(caller, 403, NOT_VALID, "denied")
        if verdict == EXPIRED:
            return await trail.refuse(caller, 410, GONE, "rejected")
        if caller.is_authenticated:
            if caller.id != actor_id:  # someone else's link, presented with own credentials
                return await trail.refuse(caller, 403, NOT_VALID, "denied")
            actor = caller
        else:
            found = await actor_by_id(database, actor_id)
            if found is None:  # deactivated, revoked, or never a stored actor
                return await trail.refuse(caller, 403, NOT_VALID, "denied")
            actor = found
        async with database.readers() as session:
            exists = await session.scalar(
                select(Document.id).where(Document.id == document_id, Document.deleted_at.is_(None))
            )
            if exists is None:
                return await trail.refuse(actor, 404, NOT_FOUND, "rejected")
            if not actor.has(READ):
                return await trail.refuse(actor, 403, NOT_VALID, "denied")
            try:
                document = await reachable_document(session, actor, document_id)
            except NotFound:  # the holder is out of the actor's reach now
                return await trail.refuse(actor, 403, NOT_VALID, "denied")
        return await _serve(settings, trail, actor, document)

    return download


async def _serve(settings: Any, trail: _Trail, actor: Actor, document: Document) -> Response:
    from pdms_core.documents.storage import StoredObjectMissing, StoreUnavailable, document_store

    try:
        content = await document_store(settings).get(document.store_key)
    except StoredObjectMissing:
        log.error("document %s has no object in the store", document.id)
        return await trail.refuse(actor, 404, NOT_FOUND, "error")
    except StoreUnavailable:
        log.error("the document store failed reading document %s", document.id)
        return await trail.refuse(actor, 503, UNAVAILABLE, "error")
    await trail.write(
        actor,
        "ok",
        [("Document", str(document.id)), (document.holder_type, str(document.holder_id))],
    )
    return Response(
        content,
        media_type=document.content_type,
        headers={
            "content-disposition": content_disposition(document.file_name),
            "x-content-type-options": "nosniff",
            "cache-control": "no-store",
        },
    )


def content_disposition(file_name: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact name as RFC 6266's
    ``filename*`` (RFC 5987 encoding), so no browser shows or runs it inline."""
    fallback = (
        "".join(
            c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in file_name
        ).strip()
        or "document"
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


async def _caller(request: Request, host: Any, database: Any, signins: Any) -> Actor:
    """Who presents the link: their credentials as the GraphQL endpoint reads them."""
    resolved = await resolve_credentials(request, database, host.settings, signins)
    if resolved is not None:
        return resolved.actor
    return host.actor_from_request(request) or ANONYMOUS


async def actor_by_id(database: Any, actor_id: str) -> Actor | None:
    """The actor ``actor_id`` names as it stands now: an active staff user with their
    current grants, or a live API key with its scope; None otherwise."""
    from pdms_core.auth.apikeys import key_actor
    from pdms_core.auth.models import ApiKey, StaffUser
    from pdms_core.auth.permissions import actor_for_user, user_grants

    kind, _, number = actor_id.partition(":")
    if not (number.isascii() and number.isdigit()) or len(number) > 18:
        return None
    async with database.readers() as session:
        if kind == "user":
            user = await session.scalar(
                select(StaffUser).where(StaffUser.id == int(number), StaffUser.is_active)
            )
            if user is None:
                return None
            grants = user_grants()
            rows = await session.execute(
                select(grants.c.permission, grants.c.team_id).where(grants.c.user_id == user.id)
            )
            return actor_for_user(user.id, user.display_name, rows.all())
        if kind == "apikey":
            current = now()
            key = await session.scalar(
                select(ApiKey).where(
                    ApiKey.id == int(number),
                    ApiKey.revoked_at.is_(None),
                    (ApiKey.expires_at.is_(None)) | (ApiKey.expires_at > current),
                )
            )
            return None if key is None else await key_actor(session, key)
    return None


class _Trail:
    """The audit rows of one download attempt, written through the group writer."""

    def __init__(self, database: Any, request: Request, document_id: int):
        self.database = database
        self.ip = client_ip(request)
        self.document_id = document_id

    async def refuse(self, actor: Actor, status: int, message: str, outcome: str) -> Response:
        await self.write(actor, outcome, [("Document", str(self.document_id))])
        return _plain(status, message)

    async def write(self, actor: Actor, outcome: str, targets: list[tuple[str, str]]) -> None:
        from pdms_core.audit.routes import audit_request

        await audit_request(self.database, actor, self.ip, ACTION, outcome, targets)


def _plain(status: int, message: str) -> Response:
    return PlainTextResponse(
        message,
        status_code=status,
        headers={"cache-control": "no-store", "x-content-type-options": "nosniff"},
    )
