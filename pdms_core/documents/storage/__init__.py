"""Where document files are kept: a local directory or S3-compatible object storage.

Services hold a :class:`DocumentStore` (from :func:`document_store`) and name each file by
a key from :func:`new_key`; the database row holds the key. The store knows nothing of rows:
:func:`orphaned` lists what it holds that no row names, for the cleanup command.

Every failure of the store itself (disk, network, credentials, a missing bucket) is raised as
:class:`StoreUnavailable`, whose message names no secret and no file content.
"""

from __future__ import annotations

import re
import threading
import uuid
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from pdms_core.errors import ConfigurationError, PdmsError
from pdms_core.settings import Settings

#: A key is slash-separated segments of letters, digits, ``.``, ``_`` and ``-``, none
#: starting with a dot: so no ``..``, no absolute path, no backslash, no hidden file.
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}(/[A-Za-z0-9][A-Za-z0-9._-]{0,127}){0,7}")
MAX_KEY_LENGTH = 512
#: What :func:`new_key` makes (``2026/12/<32 hex digits>``), and the local store's
#: temporary file for one (``<key>.<random>.partial``): the only objects PDMS writes,
#: so the only ones the orphan cleanup may take. Anything else in a shared, unprefixed
#: bucket (a backup, another system's files) is not ours, whatever its name.
_OWN_KEY = re.compile(r"[0-9]{4}/(?:0[1-9]|1[0-2])/[0-9a-f]{32}(?:\.[A-Za-z0-9_]{1,32}\.partial)?")


@dataclass(frozen=True)
class StoredObject:
    """One file as the store sees it (for listing and orphan cleanup)."""

    key: str
    size: int
    #: When it was last written, timezone-aware UTC.
    modified: datetime


class StoredObjectMissing(PdmsError):
    """``get`` of a key the store does not hold."""

    def __init__(self, key: str):
        super().__init__(f"The document store holds no object {key!r}")
        self.key = key


class StoreUnavailable(PdmsError):
    """The store could not do what was asked (disk, network, credentials, bucket).

    The message says which store and what failed, never a secret or file content."""


class InvalidKey(ValueError):
    """A key that is not of the store's shape (a programming error, never user input)."""


class DocumentStore(Protocol):
    """What the documents service needs from a store."""

    #: ``"local"`` or ``"s3"``.
    name: str

    async def put(self, key: str, content: bytes, *, content_type: str) -> None:
        """Store ``content`` under ``key``, whole or not at all (replaces an existing one)."""
        ...

    async def get(self, key: str) -> bytes:
        """The content under ``key``; :class:`StoredObjectMissing` when there is none."""
        ...

    async def delete(self, key: str) -> None:
        """Remove ``key``; a key that is not there is not an error."""
        ...

    def objects(self) -> AsyncIterator[StoredObject]:
        """Every object the store holds (under its prefix), for orphan cleanup."""
        ...


def check_key(key: str) -> str:
    """``key`` if it has the store's shape, else :class:`InvalidKey` (names no path)."""
    if not isinstance(key, str) or len(key) > MAX_KEY_LENGTH or not _KEY.fullmatch(key):
        raise InvalidKey("not a document store key (letters, digits, '.', '_', '-', '/')")
    return key


def new_key(now: datetime | None = None) -> str:
    """A fresh, unguessable key such as ``2026/12/3f9c...`` (year/month keeps listings of
    a local store's directories small). Never derived from a file name."""
    now = now or datetime.now(UTC)
    return f"{now:%Y/%m}/{uuid.uuid4().hex}"


def is_own_key(key: str) -> bool:
    """Whether ``key`` has the shape of a key PDMS made (:func:`new_key`, or the local
    store's ``.partial`` temporary file for one)."""
    return _OWN_KEY.fullmatch(key) is not None


async def orphaned(
    store: DocumentStore,
    known_keys: set[str],
    older_than: timedelta,
    *,
    now: datetime | None = None,
) -> list[StoredObject]:
    """Objects no row names that were last written more than ``older_than`` before
    ``now`` (default: the current time), in key order; only objects whose keys PDMS
    could have made (:func:`is_own_key`), so a bucket shared without a prefix loses
    nothing of anyone else's.

    The grace period keeps an upload in flight (stored, its row not yet committed) from
    being taken: make it longer than any upload's transaction. Whether ``known_keys`` is
    read before or after the listing does not matter then: an object newer than the grace
    period is always left.
    """
    cutoff = (now or datetime.now(UTC)) - older_than
    found = [
        item
        async for item in store.objects()
        if item.key not in known_keys and item.modified < cutoff and is_own_key(item.key)
    ]
    return sorted(found, key=lambda item: item.key)


_STORES: dict[int, DocumentStore] = {}
_STORES_LOCK = threading.Lock()


def document_store(settings: Settings) -> DocumentStore:
    """The store the settings describe; one instance per settings object.

    :class:`~pdms_core.errors.ConfigurationError` names the setting that is missing or
    wrong (call it at startup to fail fast)."""
    with _STORES_LOCK:
        store = _STORES.get(id(settings))
        if store is None:
            store = _build(settings)
            _STORES[id(settings)] = store
            # Settings are unhashable (plugin sections are dicts): key on identity, and
            # forget the store when the settings go, before their id can be reused.
            weakref.finalize(settings, _STORES.pop, id(settings), None)
        return store


def _build(settings: Settings) -> DocumentStore:
    if settings.document_store == "local":
        from pdms_core.documents.storage.local import LocalStore

        return LocalStore(Path(settings.data_dir) / "documents")
    return _s3_store(settings)


def _s3_store(settings: Settings) -> DocumentStore:
    if not settings.s3_bucket:
        raise ConfigurationError("PDMS_S3_BUCKET must be set when PDMS_DOCUMENT_STORE is s3")
    if bool(settings.s3_access_key_id) != bool(settings.s3_secret_access_key):
        raise ConfigurationError(
            "PDMS_S3_ACCESS_KEY_ID and PDMS_S3_SECRET_ACCESS_KEY must be set together "
            "(or neither, to use the SDK's own credentials: environment, instance role)"
        )
    if settings.s3_endpoint_url:
        _check_endpoint(settings.s3_endpoint_url)
    from pdms_core.documents.storage.s3 import S3Store

    return S3Store(
        bucket=settings.s3_bucket,
        endpoint_url=settings.s3_endpoint_url,
        region=settings.s3_region,
        access_key_id=settings.s3_access_key_id,
        secret_access_key=settings.s3_secret_access_key,
        prefix=settings.s3_prefix,
    )


def _check_endpoint(url: str) -> None:
    """An http(s) URL with a host and no credentials in it (the value is not echoed: a
    mistyped one may hold a secret)."""
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        parts, port_ok = None, False
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:
        raise ConfigurationError(
            "PDMS_S3_ENDPOINT_URL must be an http:// or https:// URL with a host, "
            "e.g. https://minio.council.internal:9000"
        )
    if parts.username or parts.password:
        raise ConfigurationError(
            "PDMS_S3_ENDPOINT_URL must not hold credentials: set PDMS_S3_ACCESS_KEY_ID "
            "and PDMS_S3_SECRET_ACCESS_KEY instead"
        )
