"""A document store in S3-compatible object storage (AWS S3, MinIO, Ceph ...), via boto3.

One boto3 client per store, made once: boto3's clients are thread-safe (its sessions are
not), and each blocking call runs on a worker thread so the event loop never waits on the
network. Every failure is raised as :class:`StoreUnavailable` with the operation and the
server's error code, never the credentials.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
from collections.abc import AsyncIterator, Callable
from datetime import UTC
from typing import Any, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionError,
    HTTPClientError,
    NoCredentialsError,
    PartialCredentialsError,
)
from urllib3.exceptions import HTTPError as Urllib3Error

from pdms_core.documents.storage import (
    InvalidKey,
    StoredObject,
    StoredObjectMissing,
    StoreUnavailable,
    check_key,
)

T = TypeVar("T")
#: list_objects_v2 returns at most 1,000 keys a page whatever is asked.
MAX_PAGE_SIZE = 1000
_MISSING_CODES = {"NoSuchKey", "404", "NotFound"}
_SAFE_CODE = re.compile(r"[A-Za-z0-9._-]{1,64}")


class S3Store:
    """Objects in one bucket, under an optional key prefix."""

    name = "s3"

    def __init__(
        self,
        *,
        bucket: str,
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        prefix: str = "",
        page_size: int = MAX_PAGE_SIZE,
        connect_timeout: float = 10,
        read_timeout: float = 60,
        max_attempts: int = 3,
    ):
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1 to {MAX_PAGE_SIZE}")
        self.bucket = bucket
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        self.page_size = page_size
        options: dict[str, Any] = {
            "connect_timeout": connect_timeout,
            "read_timeout": read_timeout,
            "retries": {"max_attempts": max_attempts, "mode": "standard"},
        }
        if endpoint_url:
            # Stores other than AWS want bucket-in-path URLs, and not all of them know
            # the newer flexible checksums; Content-MD5 (below) still guards each upload.
            options["s3"] = {"addressing_style": "path"}
            options["request_checksum_calculation"] = "when_required"
            options["response_checksum_validation"] = "when_required"
        self._client = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region or None,
            aws_access_key_id=access_key_id or None,
            aws_secret_access_key=secret_access_key or None,
            config=Config(**options),
        )

    def __repr__(self) -> str:
        return f"S3Store(bucket={self.bucket!r}, prefix={self.prefix!r})"

    async def put(self, key: str, content: bytes, *, content_type: str) -> None:
        digest = hashlib.md5(content, usedforsecurity=False).digest()
        await self._call(
            "store a file",
            self._client.put_object,
            Bucket=self.bucket,
            Key=self._object_key(key),
            Body=content,
            ContentType=content_type,
            ContentMD5=base64.b64encode(digest).decode("ascii"),
        )

    async def get(self, key: str) -> bytes:
        object_key = self._object_key(key)

        def read() -> bytes:
            answer = self._client.get_object(Bucket=self.bucket, Key=object_key)
            with answer["Body"] as body:
                return body.read()

        try:
            return await self._call("read a file", read, reading=True)
        except _Missing:
            raise StoredObjectMissing(key) from None

    async def delete(self, key: str) -> None:
        # S3 answers 204 for a key that is not there: deleting twice is not an error.
        object_key = self._object_key(key)
        await self._call(
            "delete a file", self._client.delete_object, Bucket=self.bucket, Key=object_key
        )

    async def objects(self) -> AsyncIterator[StoredObject]:
        """Every object under the prefix whose key has the store's shape, a page at a time."""
        token: str | None = None
        while True:
            page = await self._call("list its files", self._list_page, token)
            for entry in page.get("Contents", ()):
                key = entry["Key"][len(self.prefix) :]
                if _is_key(key):
                    modified = entry["LastModified"].astimezone(UTC)
                    yield StoredObject(key=key, size=int(entry["Size"]), modified=modified)
            token = page.get("NextContinuationToken")
            if not page.get("IsTruncated") or not token:
                return

    async def check(self) -> None:
        """Fail with :class:`StoreUnavailable` unless the bucket answers to these credentials."""
        await self._call("reach its bucket", self._client.head_bucket, Bucket=self.bucket)

    def _list_page(self, token: str | None) -> dict[str, Any]:
        arguments: dict[str, Any] = {
            "Bucket": self.bucket,
            "Prefix": self.prefix,
            "MaxKeys": self.page_size,
        }
        if token:
            arguments["ContinuationToken"] = token
        return self._client.list_objects_v2(**arguments)

    def _object_key(self, key: str) -> str:
        return self.prefix + check_key(key)

    async def _call(
        self,
        action: str,
        function: Callable[..., T],
        *args: Any,
        reading: bool = False,
        **kwargs: Any,
    ) -> T:
        """``function`` on a worker thread; a missing object raises ``_Missing`` when
        ``reading`` one, every other failure :class:`StoreUnavailable`."""
        try:
            return await asyncio.to_thread(function, *args, **kwargs)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if reading and code in _MISSING_CODES:
                raise _Missing from None
            raise StoreUnavailable(self._message(action, _server_said(code))) from exc
        except (BotoCoreError, Urllib3Error, OSError) as exc:
            raise StoreUnavailable(self._message(action, _reason(exc))) from exc

    def _message(self, action: str, reason: str) -> str:
        return f"The S3 document store could not {action} (bucket {self.bucket!r}): {reason}"


class _Missing(Exception):
    """The server answered that the object is not there (turned into StoredObjectMissing)."""


def _is_key(key: str) -> bool:
    try:
        check_key(key)
    except InvalidKey:
        return False
    return True


def _server_said(code: str) -> str:
    if code in {"NoSuchBucket", "404", "NotFound"}:
        return "the bucket does not exist"
    if code in {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403"}:
        return f"the server refused the credentials or their rights ({code})"
    return f"the server answered {code if _SAFE_CODE.fullmatch(code) else 'an error'}"


def _reason(exc: Exception) -> str:
    # Only our own words and the exception's class: botocore's messages name the endpoint
    # URL, which an admin may have written with a secret in it.
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return (
            "no credentials (set PDMS_S3_ACCESS_KEY_ID and PDMS_S3_SECRET_ACCESS_KEY, "
            "or give the server a role)"
        )
    if isinstance(exc, ConnectionError):
        return "the server could not be reached"
    if isinstance(exc, HTTPClientError | Urllib3Error | OSError):
        return "the connection to the server failed"
    return type(exc).__name__
