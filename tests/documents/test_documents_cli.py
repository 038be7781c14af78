"""``pdms documents purge`` (retention and deleted documents) and ``pdms documents
orphans``, run through the real command line against the test database and store."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from problems.problem_steps import given_person
from sqlalchemy import func, select, update

from documents.conftest import DELETE, OFFICER, pdf_bytes, png_bytes
from pdms_core.audit.models import AuditEvent
from pdms_core.auth.actor import SYSTEM
from pdms_core.cli import build_cli
from pdms_core.cli.context import CliState
from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.documents.models import Document
from pdms_core.documents.purge import years_before
from pdms_core.documents.services import add_document
from pdms_core.documents.storage import document_store, new_key
from pdms_core.graphql.node import decode_id


def pdms(world, *args: str) -> str:
    result = CliRunner().invoke(build_cli(CliState.for_host(world.host)), list(args))
    assert result.exit_code == 0, result.output
    return result.output


async def stored_keys(world) -> set[str]:
    return {item.key async for item in document_store(world.host.settings).objects()}


async def rows(db) -> dict[int, str]:
    async with db.sessionmaker() as session:
        return dict((await session.execute(select(Document.id, Document.title))).all())


async def test_purge_honours_retention_and_the_grace_period_for_deleted(world, pdms_db):
    officer = world.as_actor(OFFICER)
    person = await given_person(officer, "Frances")
    person_number = decode_id(person, "Person")

    async def upload(title, retention):
        payload = await world.upload(
            OFFICER, person, pdf_bytes(title), f"{title}.pdf", title=title, retention=retention
        )
        return payload["document"]

    # given documents of each kind
    recent = await upload("recent", "short")  # 2 years: kept
    expired = await upload("expired", "short")  # uploaded 3 years ago: gone
    long_kept = await upload("long kept", "standard")  # 6 years, uploaded 3 years ago: kept
    forever = await upload("forever", "permanent")  # no years: kept
    deleted_late = await upload("deleted long ago", "permanent")  # deleted 40 days ago: gone
    deleted_now = await upload("deleted today", "permanent")  # within 30 days: kept
    ids = {
        d["title"]: decode_id(d["id"], "Document")
        for d in (recent, expired, long_kept, forever, deleted_late, deleted_now)
    }
    for document in (deleted_late, deleted_now):
        deleted = await officer.execute(DELETE, {"id": document["id"]})
        assert deleted.ok()["deleteDocument"]["errors"] == []
    now = datetime.now(UTC)
    async with pdms_db.sessionmaker() as session, session.begin():
        three_years = years_before(now, 3)
        for title in ("expired", "long kept", "forever"):
            await session.execute(
                update(Document).where(Document.id == ids[title]).values(uploaded_at=three_years)
            )
        await session.execute(
            update(Document)
            .where(Document.id == ids["deleted long ago"])
            .values(deleted_at=now - timedelta(days=40))
        )
    keys_before = await stored_keys(world)
    assert len(keys_before) == 6

    # a dry run lists what would go and changes nothing
    listed = await asyncio.to_thread(pdms, world, "documents", "purge", "--dry-run")
    assert listed.splitlines() == [
        f"Document {ids['expired']} (Person {person_number}): expired",
        f"Document {ids['deleted long ago']} (Person {person_number}): deleted",
        "2 document(s) would be purged.",
    ]
    assert len(await rows(pdms_db)) == 6 and await stored_keys(world) == keys_before

    # the purge removes rows and objects, and says so in the audit trail
    purged = await asyncio.to_thread(pdms, world, "documents", "purge")
    assert purged.splitlines()[-1] == "2 document(s) purged."
    assert sorted((await rows(pdms_db)).values()) == [
        "deleted today",
        "forever",
        "long kept",
        "recent",
    ]
    assert len(await stored_keys(world)) == 4
    async with pdms_db.sessionmaker() as session:
        audit = (
            await session.execute(
                select(AuditEvent.actor_kind, AuditEvent.target_type, AuditEvent.target_id)
                .where(AuditEvent.action == "purgeDocument")
                .order_by(AuditEvent.id)
            )
        ).all()
    assert sorted(audit) == sorted(
        [
            ("system", "Document", str(ids["expired"])),
            ("system", "Document", str(ids["deleted long ago"])),
        ]
        + [("system", "Person", str(person_number))] * 2
    )

    # run again, nothing more goes; a shorter grace period takes today's deletion too
    again = await asyncio.to_thread(pdms, world, "documents", "purge")
    assert again.splitlines() == ["0 document(s) purged."]
    shorter = await asyncio.to_thread(pdms, world, "documents", "purge", "--deleted-days", "0")
    assert shorter.splitlines()[-1] == "1 document(s) purged."


def aged(world, key: str, hours: float) -> None:
    """Make the local store's object ``key`` look written ``hours`` ago."""
    past = (datetime.now(UTC) - timedelta(hours=hours)).timestamp()
    os.utime(world.host.settings.data_dir / "documents" / key, (past, past))


async def test_orphans_are_found_and_deleted_but_young_ones_are_left(world, pdms_db):
    person = await given_person(world.as_actor(OFFICER), "Gale")
    kept = (await world.upload(OFFICER, person, pdf_bytes(), "kept.pdf"))["document"]
    store = document_store(world.host.settings)
    # given objects no row names: one whose row was lost, one two hours old, one just
    # written (an upload may still be committing)
    old, recent, young = (new_key(datetime(2020, 1, 5, tzinfo=UTC)), new_key(), new_key())
    for key in (old, recent, young):
        await store.put(key, png_bytes(), content_type="image/png")
    aged(world, old, 72)
    aged(world, recent, 2)

    listed = await asyncio.to_thread(pdms, world, "documents", "orphans")
    lines = listed.splitlines()
    assert lines[-1] == "1 orphaned object(s)."
    assert lines[0].startswith(f"{old}\t{len(png_bytes())} bytes\t")
    shorter = await asyncio.to_thread(
        pdms, world, "documents", "orphans", "--older-than-hours", "1"
    )
    assert shorter.splitlines()[-1] == "2 orphaned object(s)."

    deleted = await asyncio.to_thread(pdms, world, "documents", "orphans", "--delete")
    assert deleted.splitlines()[-1] == "1 orphaned object(s) deleted."
    keys = await stored_keys(world)
    assert old not in keys and {recent, young} <= keys
    assert len(keys) == 3  # the younger orphans and the document's own object
    async with pdms_db.sessionmaker() as session:
        assert await session.scalar(select(func.count(Document.id))) == 1
        audited = await session.scalar(
            select(AuditEvent.target_id).where(AuditEvent.action == "deleteOrphanObject")
        )
    assert audited == old
    assert kept["id"]


async def test_the_orphan_cleanup_takes_only_objects_of_the_shape_pdms_makes(world):
    # given a store shared with other files (a bucket without a prefix, say), some with
    # names that look like ours, all old and named by no row
    store = document_store(world.host.settings)
    ours = new_key(datetime(2020, 1, 5, tzinfo=UTC))
    foreign = [
        "backups/2020-01-05.sql",
        "2020/01/payroll.csv",
        "2020/01/" + "f" * 31,
        "2020/13/" + "a" * 32,
        ours + ".bak",
        "index.html",
    ]
    for key in (ours, *foreign):
        await store.put(key, b"data", content_type="application/octet-stream")
        aged(world, key, 72)

    deleted = await asyncio.to_thread(pdms, world, "documents", "orphans", "--delete")

    # then only our own orphan went
    lines = deleted.splitlines()
    assert len(lines) == 2 and lines[0].startswith(f"{ours}\t")
    assert lines[1] == "1 orphaned object(s) deleted."
    assert await stored_keys(world) == set(foreign)


def test_the_orphan_grace_period_is_at_least_an_hour(world):
    cli = build_cli(CliState.for_host(world.host))
    refused = CliRunner().invoke(cli, ["documents", "orphans", "--older-than-hours", "0"])
    assert refused.exit_code == 2
    assert "0 is not in the range x>=1" in refused.output


async def test_a_transaction_that_fails_after_the_upload_leaves_an_orphan_to_clean(world, pdms_db):
    # given a service storing a document (as letter generation does) whose transaction
    # then fails: the object reached the store first, so it outlives the row
    person = await given_person(world.as_actor(OFFICER), "Harley")

    class Interrupted(Exception):
        pass

    with pytest.raises(Interrupted):
        async with unit_of_work(pdms_db.sessionmaker) as session:
            await add_document(
                session,
                actor=SYSTEM,
                holder_type="Person",
                holder_id=decode_id(person, "Person"),
                filename="letter.pdf",
                content=pdf_bytes(),
                category="letter",
                settings=world.host.settings,
            )
            raise Interrupted
    async with pdms_db.sessionmaker() as session:
        assert await session.scalar(select(func.count(Document.id))) == 0
    orphan = (await stored_keys(world)).pop()

    # then, once past the grace period, the cleanup finds it, and removes it
    aged(world, orphan, 2)
    listed = await asyncio.to_thread(pdms, world, "documents", "orphans", "--older-than-hours", "1")
    assert listed.splitlines()[0].startswith(f"{orphan}\t")
    await asyncio.to_thread(
        pdms, world, "documents", "orphans", "--older-than-hours", "1", "--delete"
    )
    assert await stored_keys(world) == set()
