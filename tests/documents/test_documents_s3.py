"""Documents kept in S3-compatible object storage, end to end through the API, against a
real S3 server on loopback; and what a store that fails leaves behind (nothing)."""

from __future__ import annotations

from datetime import timedelta

from problems.problem_steps import given_person
from sqlalchemy import func, select

from documents.conftest import OFFICER, pdf_bytes, world_for
from documents.s3_server import S3Server
from pdms_core.documents.models import Document
from pdms_core.documents.storage import document_store, new_key
from pdms_core.testing.cli import run_pdms

PERSON_DOCUMENTS = (
    "query($id: ID!) { node(id: $id) { ... on Person { documents { nodes { id } } } } }"
)


def s3(server: S3Server, bucket: str, data_dir) -> dict:
    """The settings that point the app's document store at ``bucket`` on the server."""
    return {
        "data_dir": data_dir,
        "document_store": "s3",
        "s3_bucket": bucket,
        "s3_endpoint_url": server.endpoint_url,
        "s3_region": server.region,
        "s3_access_key_id": server.access_key_id,
        "s3_secret_access_key": server.secret_access_key,
    }


async def count(db) -> int:
    async with db.sessionmaker() as session:
        return await session.scalar(select(func.count(Document.id)))


async def test_a_document_round_trips_through_s3(
    s3_server: S3Server, pdms_host, synced, pdms_test_actors, tmp_path
):
    bucket = s3_server.new_bucket()
    world = world_for(pdms_host, synced, pdms_test_actors, **s3(s3_server, bucket, tmp_path))
    person = await given_person(world.as_actor(OFFICER), "Harper")

    payload = await world.upload(OFFICER, person, pdf_bytes("s3"), "report.pdf")
    assert payload["errors"] == []
    document = payload["document"]

    # the object is in the bucket under the row's key, with the detected type
    async with synced.sessionmaker() as session:
        key = await session.scalar(select(Document.store_key))
    stored = s3_server.client().get_object(Bucket=bucket, Key=key)
    assert stored["Body"].read() == pdf_bytes("s3")
    assert stored["ContentType"] == "application/pdf"

    # and the signed link serves it back from there
    answer = await world.get(await world.link(OFFICER, document["id"]), OFFICER)
    assert answer.status_code == 200 and answer.content == pdf_bytes("s3")

    # a server whose store cannot be reached says so plainly, without details
    lost = world_for(
        pdms_host, synced, pdms_test_actors, **s3(s3_server, "pdms-test-gone", tmp_path)
    )
    failed = await lost.get(await world.link(OFFICER, document["id"]), OFFICER)
    assert (failed.status_code, failed.text) == (
        503,
        "Documents cannot be read just now. Try again later.",
    )
    pdms_test_actors.reset()


async def test_a_store_that_fails_leaves_no_row(
    s3_server: S3Server, pdms_host, synced, pdms_test_actors, tmp_path
):
    # a bucket that does not exist: the S3 server refuses the write
    world = world_for(
        pdms_host, synced, pdms_test_actors, **s3(s3_server, "pdms-test-no-such-bucket", tmp_path)
    )
    person = await given_person(world.as_actor(OFFICER), "Indigo")

    body = await world.upload(OFFICER, person, pdf_bytes(), "lost.pdf", raw=True)

    assert [e["extensions"]["code"] for e in body["errors"]] == ["INTERNAL"]
    assert s3_server.secret_access_key not in str(body)
    assert await count(synced) == 0
    listed = await world.as_actor(OFFICER).execute(PERSON_DOCUMENTS, {"id": person})
    assert listed.ok()["node"]["documents"]["nodes"] == []
    pdms_test_actors.reset()


def backdate(bucket: str, hours: int) -> None:
    """Make every object in ``bucket`` look written ``hours`` earlier (the server runs in
    this process; S3 itself offers no way to change an object's time)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    for key in s3_backends[DEFAULT_ACCOUNT_ID]["global"].buckets[bucket].keys.values():
        key.last_modified -= timedelta(hours=hours)


async def test_the_orphan_cleanup_leaves_other_objects_in_an_unprefixed_bucket(
    s3_server: S3Server, pdms_host, synced, pdms_test_actors, tmp_path
):
    # given a bucket shared without a prefix: other systems' objects, and one of ours
    # whose row was lost, all old
    bucket = s3_server.new_bucket()
    world = world_for(pdms_host, synced, pdms_test_actors, **s3(s3_server, bucket, tmp_path))
    ours = new_key()
    foreign = ["backups/pdms.sql.gz", "2026/12/invoice-0042.pdf", "2026/12/" + "a" * 32 + "x"]
    await document_store(world.host.settings).put(ours, pdf_bytes(), content_type="text/plain")
    for key in foreign:
        s3_server.client().put_object(Bucket=bucket, Key=key, Body=b"not PDMS's")
    backdate(bucket, 48)

    result = await run_pdms(world.host, "documents", "orphans", "--delete")

    # then only ours goes
    assert result.output.splitlines()[-1] == "1 orphaned object(s) deleted."
    listed = s3_server.client().list_objects_v2(Bucket=bucket)["Contents"]
    assert sorted(item["Key"] for item in listed) == sorted(foreign)
