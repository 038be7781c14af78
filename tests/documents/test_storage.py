"""The document stores: one contract, run against the local directory store and against
S3 served by a real S3-compatible server on loopback (documents/s3_server.py)."""

from __future__ import annotations

import os
import re
import stat
import traceback
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from live_server import free_port

from documents.s3_server import S3Server, s3_server  # noqa: F401 (the fixture)
from pdms_core.documents.storage import (
    DocumentStore,
    InvalidKey,
    StoredObjectMissing,
    StoreUnavailable,
    check_key,
    document_store,
    new_key,
    orphaned,
)
from pdms_core.documents.storage.local import LocalStore
from pdms_core.documents.storage.s3 import S3Store
from pdms_core.errors import ConfigurationError
from pdms_core.settings import Settings

ESCAPING_KEYS = [
    "../outside",
    "2026/../../outside",
    "/etc/passwd",
    "2026\\12\\x",
    ".hidden",
    "2026/12/.hidden",
    "",
    "2026//x",
    "2026/12/x/",
    "a b",
]


@pytest.fixture(params=["local", "s3"])
async def store(request, tmp_path: Path) -> AsyncIterator[DocumentStore]:
    """Each store, empty. S3 lists two objects a page, so every listing pages."""
    if request.param == "local":
        yield document_store(Settings(data_dir=tmp_path))
        return
    server: S3Server = request.getfixturevalue("s3_server")
    yield S3Store(
        bucket=server.new_bucket(),
        endpoint_url=server.endpoint_url,
        region=server.region,
        access_key_id=server.access_key_id,
        secret_access_key=server.secret_access_key,
        prefix="pdms",
        page_size=2,
    )


# --- the contract, for both stores -------------------------------------------------------


async def test_put_then_get_returns_the_same_bytes(store: DocumentStore):
    key = new_key()
    content = bytes(range(256)) * 40

    await store.put(key, content, content_type="application/pdf")

    assert await store.get(key) == content


async def test_put_again_replaces_the_content(store: DocumentStore):
    key = new_key()
    await store.put(key, b"first version", content_type="text/plain")

    await store.put(key, b"second", content_type="text/plain")

    assert await store.get(key) == b"second"


async def test_getting_a_missing_key_raises_stored_object_missing(store: DocumentStore):
    key = new_key()

    with pytest.raises(StoredObjectMissing) as caught:
        await store.get(key)

    assert caught.value.key == key


async def test_delete_removes_and_deleting_again_is_not_an_error(store: DocumentStore):
    key, kept = new_key(), new_key()
    await store.put(key, b"to go", content_type="text/plain")
    await store.put(kept, b"to stay", content_type="text/plain")

    await store.delete(key)
    await store.delete(key)
    await store.delete(new_key())

    with pytest.raises(StoredObjectMissing):
        await store.get(key)
    assert await store.get(kept) == b"to stay"


async def test_objects_lists_every_object_across_pages(store: DocumentStore):
    written = {
        new_key(datetime(2025, 11, 3, tzinfo=UTC)): b"a",
        new_key(datetime(2026, 12, 1, tzinfo=UTC)): b"bb",
        new_key(datetime(2026, 12, 1, tzinfo=UTC)): b"ccc",
        new_key(datetime(2026, 12, 1, tzinfo=UTC)): b"dddd",
        new_key(datetime(2027, 1, 1, tzinfo=UTC)): b"",
    }
    before = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=1)
    for key, content in written.items():
        await store.put(key, content, content_type="text/plain")

    listed = [item async for item in store.objects()]

    assert {item.key: item.size for item in listed} == {k: len(v) for k, v in written.items()}
    assert len(listed) == len(written)  # each once, though S3 returns them in three pages
    for item in listed:
        assert item.modified.tzinfo is not None and item.modified.utcoffset() == timedelta(0)
        assert before <= item.modified <= datetime.now(UTC)


async def test_orphaned_lists_unnamed_objects_only_after_the_grace_period(store: DocumentStore):
    named, stray, other_stray = new_key(), new_key(), new_key()
    for key in (named, stray, other_stray):
        await store.put(key, b"x", content_type="text/plain")
    grace = timedelta(minutes=10)

    in_flight = await orphaned(store, {named}, grace)
    later = await orphaned(store, {named}, grace, now=datetime.now(UTC) + grace * 2)

    assert in_flight == []
    assert [item.key for item in later] == sorted([stray, other_stray])


@pytest.mark.parametrize("key", ESCAPING_KEYS)
async def test_keys_that_are_not_of_the_stores_shape_are_refused(store: DocumentStore, key):
    with pytest.raises(InvalidKey):
        await store.put(key, b"x", content_type="text/plain")
    with pytest.raises(InvalidKey):
        await store.get(key)
    with pytest.raises(InvalidKey):
        await store.delete(key)
    assert [item async for item in store.objects()] == []


def test_new_keys_are_unguessable_and_of_the_stores_shape():
    keys = {new_key(datetime(2026, 12, 7, tzinfo=UTC)) for _ in range(1000)}

    assert len(keys) == 1000
    for key in keys:
        assert re.fullmatch(r"2026/12/[0-9a-f]{32}", key)
        assert check_key(key) == key


# --- the local store ----------------------------------------------------------------------


async def test_local_store_writes_private_files_under_the_data_directory(tmp_path: Path):
    store = document_store(Settings(data_dir=tmp_path / "data"))
    key = new_key()

    await store.put(key, b"private", content_type="text/plain")

    root = tmp_path / "data" / "documents"
    path = root.joinpath(*key.split("/"))
    assert path.read_bytes() == b"private"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for folder in (root, path.parent, path.parent.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no temporary left


@pytest.mark.parametrize("key", ESCAPING_KEYS)
async def test_local_store_writes_nothing_outside_its_root(tmp_path: Path, key):
    store = LocalStore(tmp_path / "root")

    with pytest.raises(InvalidKey):
        await store.put(key, b"escaped", content_type="text/plain")

    assert not (tmp_path / "outside").exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


async def test_a_failed_local_write_raises_store_unavailable_and_leaves_nothing(tmp_path: Path):
    store = LocalStore(tmp_path)
    (tmp_path / "2026").write_bytes(b"a file where a folder should be")

    with pytest.raises(StoreUnavailable, match="local document store could not write"):
        await store.put("2026/12/abc", b"x", content_type="text/plain")

    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026"]


async def test_a_crash_left_temporary_file_is_an_orphan_and_foreign_files_are_not_listed(
    tmp_path: Path,
):
    store = LocalStore(tmp_path)
    key = new_key()
    await store.put(key, b"kept", content_type="text/plain")
    left = store.path_of(f"{key}.k2j9x_1q.partial")
    left.write_bytes(b"half a fil")
    old = (datetime.now(UTC) - timedelta(days=2)).timestamp()
    os.utime(left, (old, old))
    (tmp_path / ".DS_Store").write_bytes(b"finder")
    (tmp_path / "not a key.txt").write_bytes(b"copied in by hand")
    (tmp_path / "link").symlink_to(tmp_path.parent)

    stray = await orphaned(store, {key}, timedelta(hours=1))
    for item in stray:
        await store.delete(item.key)

    assert [item.key for item in stray] == [f"{key}.k2j9x_1q.partial"]
    assert not left.exists()
    assert await store.get(key) == b"kept"
    assert (tmp_path / ".DS_Store").exists()


# --- the S3 store -------------------------------------------------------------------------


async def test_s3_store_from_settings_keeps_content_type_and_prefix(
    s3_server: S3Server,  # noqa: F811 (the fixture)
    tmp_path: Path,
):
    bucket = s3_server.new_bucket()
    settings = s3_server.settings(Settings(data_dir=tmp_path), bucket, s3_prefix="/council-a/")
    store = document_store(settings)
    key = new_key()

    await store.put(key, b"%PDF-1.7 ...", content_type="application/pdf")
    await store.check()

    raw = s3_server.client()
    head = raw.head_object(Bucket=bucket, Key=f"council-a/{key}")
    assert store.name == "s3"
    assert head["ContentType"] == "application/pdf"
    assert head["ContentLength"] == len(b"%PDF-1.7 ...")
    assert not (tmp_path / "documents").exists()


async def test_s3_listing_skips_objects_outside_the_prefix_or_not_of_a_keys_shape(
    s3_server: S3Server,  # noqa: F811 (the fixture)
    tmp_path: Path,
):
    bucket = s3_server.new_bucket()
    store = document_store(s3_server.settings(Settings(data_dir=tmp_path), bucket, s3_prefix="p"))
    key = new_key()
    await store.put(key, b"ours", content_type="text/plain")
    raw = s3_server.client()
    raw.put_object(Bucket=bucket, Key="other-system/2026/12/abc", Body=b"theirs")
    raw.put_object(Bucket=bucket, Key="p/by hand/report final.pdf", Body=b"theirs")

    listed = [item.key async for item in store.objects()]

    assert listed == [key]


async def test_a_missing_bucket_is_store_unavailable_naming_the_bucket(
    s3_server: S3Server,  # noqa: F811 (the fixture)
    tmp_path: Path,
):
    settings = s3_server.settings(Settings(data_dir=tmp_path), "pdms-no-such-bucket")
    store = document_store(settings)

    with pytest.raises(StoreUnavailable, match=r"pdms-no-such-bucket.*does not exist"):
        await store.put(new_key(), b"x", content_type="text/plain")
    with pytest.raises(StoreUnavailable, match="does not exist"):
        await store.get(new_key())
    with pytest.raises(StoreUnavailable, match="does not exist"):
        await store.check()


async def test_an_unreachable_endpoint_is_store_unavailable_without_the_secret(
    s3_server: S3Server,  # noqa: F811 (the fixture)
    tmp_path: Path,
):
    nobody = f"http://127.0.0.1:{free_port()}"
    settings = s3_server.settings(
        Settings(data_dir=tmp_path), "pdms-documents", s3_endpoint_url=nobody
    )
    store = document_store(settings)

    for attempt in (
        store.put(new_key(), b"x", content_type="text/plain"),
        store.get(new_key()),
        store.delete(new_key()),
        _first(store.objects()),
    ):
        with pytest.raises(StoreUnavailable, match="could not be reached") as caught:
            await attempt
        told = "".join(traceback.format_exception(caught.value))  # with botocore's cause
        assert s3_server.secret_access_key not in told
        assert s3_server.secret_access_key not in repr(caught.value)
    assert s3_server.secret_access_key not in repr(store)
    assert s3_server.secret_access_key not in repr(settings)


async def _first(items: AsyncIterator[object]) -> object:
    async for item in items:
        return item
    return None


# --- settings -----------------------------------------------------------------------------


def test_an_unknown_store_is_a_configuration_error_naming_the_setting():
    with pytest.raises(ConfigurationError, match="PDMS_DOCUMENT_STORE must be one of local, s3"):
        Settings.from_env({"PDMS_DOCUMENT_STORE": "ftp"})


def test_s3_settings_are_read_from_the_environment():
    settings = Settings.from_env(
        {
            "PDMS_DOCUMENT_STORE": "s3",
            "PDMS_S3_BUCKET": "council-documents",
            "PDMS_S3_ENDPOINT_URL": "https://minio.council.invalid:9000",
            "PDMS_S3_REGION": "eu-west-2",
            "PDMS_S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
            "PDMS_S3_SECRET_ACCESS_KEY": "example-secret",
            "PDMS_S3_PREFIX": "pdms/",
        }
    )

    assert (settings.document_store, settings.s3_bucket, settings.s3_prefix) == (
        "s3",
        "council-documents",
        "pdms/",
    )
    assert settings.s3_endpoint_url == "https://minio.council.invalid:9000"
    assert (settings.s3_access_key_id, settings.s3_secret_access_key) == (
        "AKIAEXAMPLE",
        "example-secret",
    )
    assert Settings.from_env({}).document_store == "local"


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({}, "PDMS_S3_BUCKET must be set"),
        ({"s3_bucket": "b", "s3_access_key_id": "AKIAONLY"}, "must be set together"),
        ({"s3_bucket": "b", "s3_secret_access_key": "hunter2-secret"}, "must be set together"),
        ({"s3_bucket": "b", "s3_endpoint_url": "minio:9000"}, "PDMS_S3_ENDPOINT_URL must be"),
        ({"s3_bucket": "b", "s3_endpoint_url": "ftp://minio"}, "PDMS_S3_ENDPOINT_URL must be"),
        ({"s3_bucket": "b", "s3_endpoint_url": "https://:9000"}, "PDMS_S3_ENDPOINT_URL must be"),
        (
            {"s3_bucket": "b", "s3_endpoint_url": "https://AKIAX:hunter2-secret@minio"},
            "must not hold credentials",
        ),
    ],
)
def test_incomplete_s3_settings_are_a_configuration_error(tmp_path: Path, changes, named):
    settings = Settings(data_dir=tmp_path, document_store="s3", **changes)

    with pytest.raises(ConfigurationError, match=named) as caught:
        document_store(settings)

    assert "hunter2-secret" not in str(caught.value)
    assert "AKIA" not in str(caught.value)


def test_one_store_per_settings_object(tmp_path: Path):
    settings = Settings(data_dir=tmp_path)

    first, again = document_store(settings), document_store(settings)
    other = document_store(Settings(data_dir=tmp_path / "elsewhere"))

    assert first is again
    assert other is not first
    assert isinstance(first, LocalStore) and first.root == (tmp_path / "documents").resolve()
