"""A document store in a local directory (the default: ``<data dir>/documents``).

Each key is a relative path under the root. A write goes to a temporary file beside its
target, is flushed to disk, then renamed over it, so a reader sees the old content or the
new, never part of it; the directory is flushed too so the rename survives a power cut.
Files are mode 0600 and directories 0700: only the server's own user reads them.

A temporary file left by a crash is named ``<key>.<random>.partial``: a valid key that no
row names, so the orphan cleanup removes it once it is older than the grace period.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

from pdms_core.documents.storage import (
    InvalidKey,
    StoredObject,
    StoredObjectMissing,
    StoreUnavailable,
    check_key,
)

_FILE_MODE = 0o600
_DIR_MODE = 0o700


class LocalStore:
    """Files under one directory; blocking file work runs on worker threads."""

    name = "local"

    def __init__(self, root: Path):
        self.root = Path(root).resolve()

    def path_of(self, key: str) -> Path:
        """Where ``key`` lives; :class:`InvalidKey` for anything that could leave the root."""
        return self.root.joinpath(*check_key(key).split("/"))

    async def put(self, key: str, content: bytes, *, content_type: str) -> None:
        path = self.path_of(key)
        try:
            await asyncio.to_thread(self._write, path, content)
        except OSError as exc:
            raise StoreUnavailable(_failure("write a file", exc)) from exc

    async def get(self, key: str) -> bytes:
        path = self.path_of(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise StoredObjectMissing(key) from None
        except OSError as exc:
            raise StoreUnavailable(_failure("read a file", exc)) from exc

    async def delete(self, key: str) -> None:
        path = self.path_of(key)
        try:
            await asyncio.to_thread(_unlink, path)
        except OSError as exc:
            raise StoreUnavailable(_failure("delete a file", exc)) from exc

    async def objects(self) -> AsyncIterator[StoredObject]:
        """Every file under the root with a key's shape, one folder read per thread hop."""
        pending = [""]
        while pending:
            prefix = pending.pop()
            try:
                files, folders = await asyncio.to_thread(self._scan, prefix)
            except OSError as exc:
                raise StoreUnavailable(_failure("list its files", exc)) from exc
            for item in files:
                yield item
            pending.extend(reversed(folders))

    async def check(self) -> None:
        """Fail with :class:`StoreUnavailable` unless the root can be created and written."""
        try:
            await asyncio.to_thread(self._check)
        except OSError as exc:
            raise StoreUnavailable(_failure("use its directory", exc)) from exc

    def _check(self) -> None:
        self._make_dirs(self.root)
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise PermissionError(13, "Permission denied")

    def _make_dirs(self, folder: Path) -> None:
        # Path.mkdir(parents=True) ignores ``mode`` for the parents it creates; the root
        # and everything below it get 0700 (the data directory itself is the admin's).
        if folder.is_dir():
            return
        if folder != self.root:
            self._make_dirs(folder.parent)
        else:
            folder.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=_DIR_MODE)

    def _write(self, path: Path, content: bytes) -> None:
        self._make_dirs(path.parent)
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f"{path.name}.", suffix=".partial"
        )
        try:
            with os.fdopen(handle, "wb") as stream:
                os.fchmod(stream.fileno(), _FILE_MODE)
                stream.write(content)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        _fsync_directory(path.parent)

    def _scan(self, prefix: str) -> tuple[list[StoredObject], list[str]]:
        """The files and sub-folders of one folder (``prefix`` is its key, '' for the root)."""
        folder = self.root.joinpath(*prefix.split("/")) if prefix else self.root
        files: list[StoredObject] = []
        folders: list[str] = []
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except FileNotFoundError:
            return files, folders
        for entry in entries:
            key = f"{prefix}/{entry.name}" if prefix else entry.name
            if entry.is_symlink() or not _is_key(key):
                continue  # not written by the store (a link is never followed out of the root)
            if entry.is_dir():
                folders.append(key)
            elif entry.is_file():
                stat = entry.stat()
                modified = datetime.fromtimestamp(stat.st_mtime, UTC)
                files.append(StoredObject(key=key, size=stat.st_size, modified=modified))
        return files, folders


def _is_key(key: str) -> bool:
    try:
        check_key(key)
    except InvalidKey:
        return False
    return True


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return


def _fsync_directory(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _failure(action: str, exc: OSError) -> str:
    reason = exc.strerror or type(exc).__name__
    return f"The local document store could not {action}: {reason}"
