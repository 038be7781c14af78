"""Short-lived signed download links, served by the API itself.

A link names the document, the actor it was made for and when it stops working, and
carries an HMAC-SHA256 of the three under the server's secret key::

    /documents/12/content?for=user%3A7&expires=1796700000&sig=9f86d0...

Anyone holding the link within its lifetime (``PDMS_DOCUMENT_LINK_SECONDS``, five
minutes by default) gets past the signature check, so the route checks more:
the actor it was made for must still exist and still be able to read the document's
holder (``documents/download.py``). The key is ``PDMS_SECRET_KEY`` or, when that is
unset, a random key kept in the data directory (mode 0600) that every worker on the
machine reads; a cluster of machines sets ``PDMS_SECRET_KEY`` (or shares the
directory). Links are signed with a key derived from it for this use only.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from pdms_core.settings import Settings

SECRET_FILE = "secret_key"
_PURPOSE = b"pdms document download link v1"
#: Keys read from data directories, by resolved path (read once per process).
_FILE_KEYS: dict[Path, bytes] = {}

_HEX = frozenset("0123456789abcdef")

VALID = "valid"
INVALID = "invalid"
EXPIRED = "expired"


def secret_key(settings: Settings) -> bytes:
    """``PDMS_SECRET_KEY``, or the key kept in the data directory (made on first use)."""
    if settings.secret_key:
        return settings.secret_key.encode()
    path = (Path(settings.data_dir) / SECRET_FILE).resolve()
    key = _FILE_KEYS.get(path)
    if key is None:
        key = _FILE_KEYS[path] = _read_or_create(path)
    return key


def _read_or_create(path: Path) -> bytes:
    """The key in ``path``, written first if there is none.

    Written under a temporary name and linked into place, which fails if another
    worker got there first: every worker ends up reading the same whole key.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                handle.write(secrets.token_hex(32) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(FileExistsError):  # another worker's key won
                os.link(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise RuntimeError(f"the secret key file {path} is too short; delete it to make another")
    return key.encode()


def _signature(settings: Settings, document_id: int, actor_id: str, expires: int) -> str:
    link_key = hmac.new(secret_key(settings), _PURPOSE, hashlib.sha256).digest()
    message = f"{document_id}\n{actor_id}\n{expires}".encode()
    return hmac.new(link_key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Link:
    """A minted link: the path (and query) to GET on the API's server, and its expiry."""

    url: str
    expires: int


def mint_link(
    settings: Settings, document_id: int, actor_id: str, *, at: float | None = None
) -> Link:
    """A link to download ``document_id`` as ``actor_id``, working for
    ``settings.document_link_seconds`` from ``at`` (now)."""
    expires = int(at if at is not None else time.time()) + settings.document_link_seconds
    query = urlencode(
        {
            "for": actor_id,
            "expires": expires,
            "sig": _signature(settings, document_id, actor_id, expires),
        }
    )
    return Link(url=f"/documents/{document_id}/content?{query}", expires=expires)


def check_link(
    settings: Settings,
    document_id: int,
    actor_id: str,
    expires: str,
    signature: str,
    *,
    at: float | None = None,
) -> str:
    """:data:`VALID`, :data:`EXPIRED` (a genuine link past its time) or
    :data:`INVALID` (anything else: altered, truncated, made with another key)."""
    if not (expires.isdigit() and expires.isascii()) or len(expires) > 12:
        return INVALID
    if len(signature) != 64 or not all(c in _HEX for c in signature):
        return INVALID
    expected = _signature(settings, document_id, actor_id, int(expires))
    if not hmac.compare_digest(expected, signature):
        return INVALID
    if int(expires) < (at if at is not None else time.time()):
        return EXPIRED
    return VALID
