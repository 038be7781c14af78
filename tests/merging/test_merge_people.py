"""Merging people and un-merging them, through GraphQL, on both databases."""

from __future__ import annotations

import asyncio

import pytest
from pdms_rent_arrears.models import Account
from sqlalchemy import select, update

from merging.world import build_world, dump
from pdms_core.audit.models import AuditEvent
from pdms_core.cases.models import CaseParty
from pdms_core.graphql.node import decode_id, global_id
from pdms_core.people.models import Person
from pdms_core.testing.actors import staff

MERGE = """mutation($i: MergePeopleInput!) { mergePeople(input: $i) {
  merge { id version survivor { id } mergedPeople { id }
          changes { id action table rowId column oldPersonId newPersonId } }
  errors { code field message } } }"""
UNMERGE = """mutation($i: UnmergePeopleInput!) { unmergePeople(input: $i) {
  merge { id version undoneAt }
  pending { problem currentPersonId change { id action table column } }
  errors { code field message } } }"""
PERSON = """query($id: ID!) { node(id: $id) { ... on Person {
  id version mergedInto { id } contactDetails { value } externalReferences { value }
  relationships { related { id } } } } }"""
SEARCH = """query { people(search: {name: "Testperson"}, first: 20) { nodes { id } } }"""
MERGES = """query($p: ID!) { personMerges(personId: $p) { id undoneAt survivor { id } } }"""

REVIEWER = staff("core.people.read", "core.people.merge", "core.cases.read")
OFFICER = staff("core.people.read", "core.people.write")


def gid(key: int) -> str:
    return global_id("Person", key)


@pytest.fixture
async def world(pdms_db, pdms_host):
    return await build_world(pdms_db, pdms_host)


@pytest.fixture
def reviewer(graphql, world):
    return graphql.as_actor(REVIEWER)


async def versions(db, *ids: int) -> list[int]:
    async with db.sessionmaker() as session:
        found = dict((await session.execute(select(Person.id, Person.version))).all())
    return [found[i] for i in ids]


async def merge(client, db, survivor: int, *merged: int, versions_of=None) -> dict:
    known = versions_of or await versions(db, survivor, *merged)
    variables = {
        "survivor": {"id": gid(survivor), "expectedVersion": known[0]},
        "merged": [
            {"id": gid(p), "expectedVersion": v} for p, v in zip(merged, known[1:], strict=True)
        ],
    }
    return (await reviewer_call(client, MERGE, {"i": variables}))["mergePeople"]


async def reviewer_call(client, document: str, variables: dict) -> dict:
    return (await client.execute(document, variables)).ok()


async def unmerge(client, merge_: dict, decisions=()) -> dict:
    variables = {
        "id": merge_["id"],
        "expectedVersion": merge_["version"],
        "decisions": list(decisions),
    }
    return (await reviewer_call(client, UNMERGE, {"i": variables}))["unmergePeople"]


async def test_merge_moves_every_reference_and_unmerge_restores_every_row(reviewer, world, pdms_db):
    before = await dump(pdms_db)
    old_versions = await versions(pdms_db, world["ann"], world["anne"], world["annie"])

    merged = await merge(reviewer, pdms_db, world["ann"], world["anne"], world["annie"])

    assert merged["errors"] == []
    record = merged["merge"]
    assert record["survivor"]["id"] == gid(world["ann"])
    assert {p["id"] for p in record["mergedPeople"]} == {gid(world["anne"]), gid(world["annie"])}
    moved = {(c["table"], c["action"]) for c in record["changes"]}
    assert {
        ("contact_detail", "MOVED"),
        ("external_reference", "MOVED"),
        ("person_address", "MOVED"),
        ("relationship", "MOVED"),  # Anne-Bob is now Ann-Bob
        ("relationship", "DROPPED"),  # Anne-Annie would be Ann-Ann
        ("case_party", "DROPPED"),  # Ann was already a subject of the case
        ("case_party", "MOVED"),  # Annie the reporter is Ann the reporter
        ("activity_person", "DROPPED"),
        ("task", "MOVED"),
        ("document", "MOVED"),
        ("rent_arrears_account", "MOVED"),  # a module's record, through the hook
    } == moved
    ann = (await reviewer.execute(PERSON, {"id": gid(world["ann"])})).ok()["node"]
    assert {c["value"] for c in ann["contactDetails"]} == {"anne@example.invalid", "07700 900123"}
    assert [r["value"] for r in ann["externalReferences"]] == ["TEN-0001"]
    assert [r["related"]["id"] for r in ann["relationships"]] == [gid(world["bob"])]
    async with pdms_db.sessionmaker() as session:
        account = await session.get(Account, world["account"])
        assert account.person_id == world["ann"]
        parties = await session.execute(
            select(CaseParty.person_id).where(CaseParty.case_id == world["both"])
        )
        assert parties.scalars().all() == [world["ann"]]
    # The merged person resolves, pointing at the survivor; searches no longer find them.
    anne = (await reviewer.execute(PERSON, {"id": gid(world["anne"])})).ok()["node"]
    assert anne["mergedInto"] == {"id": gid(world["ann"])} and anne["contactDetails"] == []
    found = (await reviewer.execute(SEARCH)).ok()["people"]["nodes"]
    assert {p["id"] for p in found} == {gid(world["ann"]), gid(world["bob"])}
    history = (await reviewer.execute(MERGES, {"p": gid(world["anne"])})).ok()["personMerges"]
    assert [m["id"] for m in history] == [record["id"]]

    undone = await unmerge(reviewer, record)

    assert undone["errors"] == [] and undone["pending"] == []
    assert undone["merge"]["undoneAt"] is not None
    assert await dump(pdms_db) == before
    new_versions = await versions(pdms_db, world["ann"], world["anne"], world["annie"])
    assert all(new > old for new, old in zip(new_versions, old_versions, strict=True))
    found = (await reviewer.execute(SEARCH)).ok()["people"]["nodes"]
    assert len(found) == 4


async def test_a_change_made_after_the_merge_is_reported_not_overwritten(reviewer, world, pdms_db):
    before = await dump(pdms_db)
    record = (await merge(reviewer, pdms_db, world["ann"], world["anne"]))["merge"]
    # Since the merge, the tenancy's account was re-linked to Bob by its module.
    async with pdms_db.sessionmaker() as session, session.begin():
        await session.execute(
            update(Account).where(Account.id == world["account"]).values(person_id=world["bob"])
        )
    after_merge = await dump(pdms_db)

    refused = await unmerge(reviewer, record)

    assert [e["code"] for e in refused["errors"]] == ["CONFLICT"]
    assert refused["merge"] is None
    assert [
        (p["problem"], p["currentPersonId"], p["change"]["table"]) for p in refused["pending"]
    ] == [("CHANGED_SINCE", gid(world["bob"]), "rent_arrears_account")]
    assert await dump(pdms_db) == after_merge  # nothing changed

    pending = refused["pending"][0]["change"]["id"]
    kept = await unmerge(reviewer, record, [{"changeId": pending, "restore": False}])

    assert kept["errors"] == [] and kept["merge"]["undoneAt"] is not None
    now = await dump(pdms_db)
    assert now["rent_arrears_account"] != before["rent_arrears_account"]
    assert {k: v for k, v in now.items() if k != "rent_arrears_account"} == {
        k: v for k, v in before.items() if k != "rent_arrears_account"
    }
    async with pdms_db.sessionmaker() as session:
        assert (await session.get(Account, world["account"])).person_id == world["bob"]


async def test_the_reviewer_may_restore_a_reference_changed_since(reviewer, world, pdms_db):
    before = await dump(pdms_db)
    record = (await merge(reviewer, pdms_db, world["ann"], world["anne"]))["merge"]
    async with pdms_db.sessionmaker() as session, session.begin():
        await session.execute(
            update(Account).where(Account.id == world["account"]).values(person_id=world["bob"])
        )
    pending = (await unmerge(reviewer, record))["pending"][0]["change"]["id"]

    restored = await unmerge(reviewer, record, [{"changeId": pending, "restore": True}])

    assert restored["errors"] == []
    assert await dump(pdms_db) == before


async def test_concurrent_merges_of_one_person_conflict(reviewer, world, pdms_db):
    known = await versions(pdms_db, world["ann"], world["anne"], world["bob"])
    first, second = await asyncio.gather(
        merge(reviewer, pdms_db, world["ann"], world["anne"], versions_of=known[:2]),
        merge(reviewer, pdms_db, world["bob"], world["anne"], versions_of=[known[2], known[1]]),
    )

    outcomes = sorted([bool(first["merge"]), bool(second["merge"])])
    assert outcomes == [False, True]
    loser = first if first["merge"] is None else second
    assert {e["code"] for e in loser["errors"]} <= {"CONFLICT", "NOT_ALLOWED"}
    async with pdms_db.sessionmaker() as session:
        anne = await session.get(Person, world["anne"])
        assert anne.merged_into_id in (world["ann"], world["bob"])
        merges = await session.scalar(select(Person.id).where(Person.merged_into_id.is_not(None)))
        assert merges == world["anne"]


async def test_a_stale_version_conflicts(reviewer, world, pdms_db):
    known = await versions(pdms_db, world["ann"], world["anne"])
    stale = await merge(
        reviewer, pdms_db, world["ann"], world["anne"], versions_of=[known[0], known[1] - 1]
    )
    assert [(e["code"], e["field"]) for e in stale["errors"]] == [
        ("CONFLICT", "merged.0.expectedVersion")
    ]


async def test_bad_merges_get_typed_errors(reviewer, world, pdms_db):
    ann, anne = world["ann"], world["anne"]
    itself = await merge(reviewer, pdms_db, ann, ann, versions_of=[1, 1])
    assert [(e["code"], e["field"]) for e in itself["errors"]] == [("VALIDATION", "merged")]
    nobody = await merge(reviewer, pdms_db, ann, 987654, versions_of=[1, 1])
    assert [(e["code"], e["field"]) for e in nobody["errors"]] == [("NOT_FOUND", "merged.0.id")]
    twice = await merge(reviewer, pdms_db, ann, anne, anne, versions_of=[1, 1, 1])
    assert [e["code"] for e in twice["errors"]] == ["VALIDATION"]
    none = await reviewer.execute(
        MERGE, {"i": {"survivor": {"id": gid(ann), "expectedVersion": 1}, "merged": []}}
    )
    assert [e["code"] for e in none.ok()["mergePeople"]["errors"]] == ["VALIDATION"]
    not_a_person = await reviewer.execute(
        MERGE,
        {
            "i": {
                "survivor": {"id": global_id("Place", 1), "expectedVersion": 1},
                "merged": [{"id": gid(anne), "expectedVersion": 1}],
            }
        },
    )
    assert [(e["code"], e["field"]) for e in not_a_person.ok()["mergePeople"]["errors"]] == [
        ("VALIDATION", "survivor.id")
    ]

    record = (await merge(reviewer, pdms_db, ann, anne))["merge"]
    again = await merge(reviewer, pdms_db, world["bob"], anne)
    assert [(e["code"], e["field"]) for e in again["errors"]] == [("NOT_ALLOWED", "merged.0.id")]
    into_merged = await merge(reviewer, pdms_db, anne, world["bob"])
    assert [(e["code"], e["field"]) for e in into_merged["errors"]] == [
        ("NOT_ALLOWED", "survivor.id")
    ]

    stale = await unmerge(reviewer, {**record, "version": record["version"] + 5})
    assert [e["code"] for e in stale["errors"]] == ["CONFLICT"] and stale["pending"] == []
    assert (await unmerge(reviewer, record))["errors"] == []
    done = await unmerge(reviewer, {**record, "version": record["version"] + 1})
    assert [e["code"] for e in done["errors"]] == ["NOT_ALLOWED"]
    unknown = await unmerge(reviewer, {"id": global_id("PersonMerge", 987654), "version": 1})
    assert [e["code"] for e in unknown["errors"]] == ["NOT_FOUND"]


async def test_merging_needs_its_own_permission(graphql, world, pdms_db):
    before = await dump(pdms_db)
    officer = graphql.as_actor(OFFICER)
    known = await versions(pdms_db, world["ann"], world["anne"])
    denied = await officer.execute(
        MERGE,
        {
            "i": {
                "survivor": {"id": gid(world["ann"]), "expectedVersion": known[0]},
                "merged": [{"id": gid(world["anne"]), "expectedVersion": known[1]}],
            }
        },
    )
    assert denied.error_codes() == ["PERMISSION_DENIED"]
    listed = await officer.execute(MERGES, {"p": gid(world["ann"])})
    assert listed.error_codes() == ["PERMISSION_DENIED"]
    assert await dump(pdms_db) == before


async def test_merges_and_unmerges_are_audited(reviewer, world, pdms_db):
    record = (await merge(reviewer, pdms_db, world["ann"], world["anne"]))["merge"]
    await merge(reviewer, pdms_db, world["ann"], world["ann"], versions_of=[1, 1])
    await unmerge(reviewer, record)

    async with pdms_db.sessionmaker() as session:
        rows = (
            await session.execute(
                select(
                    AuditEvent.action,
                    AuditEvent.outcome,
                    AuditEvent.target_type,
                    AuditEvent.target_id,
                )
                .where(AuditEvent.action.in_(["mergePeople", "unmergePeople"]))
                .order_by(AuditEvent.id)
            )
        ).all()
    merge_id = record["id"]
    number = str(decode_id(merge_id, "PersonMerge"))
    assert [tuple(r) for r in rows] == [
        ("mergePeople", "ok", "PersonMerge", number),
        # a rejected one names the person it was asked about
        ("mergePeople", "rejected", "Person", str(world["ann"])),
        ("unmergePeople", "ok", "PersonMerge", number),
    ]


REMOVE_CONTACT = """mutation($i: PersonRecordInput!) {
  removeContactDetail(input: $i) { errors { code } } }"""
CONTACTS = (
    """query($id: ID!) { node(id: $id) { ... on Person { version contactDetails { id } } } }"""
)


async def test_a_reference_deleted_since_can_only_be_kept_deleted(graphql, world, pdms_db):
    reviewer = graphql.as_actor(REVIEWER)
    record = (await merge(reviewer, pdms_db, world["ann"], world["anne"]))["merge"]
    officer = graphql.as_actor(staff("core.people.read", "core.people.write"))
    ann = (await officer.execute(CONTACTS, {"id": gid(world["ann"])})).ok()["node"]
    removed = await officer.execute(
        REMOVE_CONTACT,
        {"i": {"id": ann["contactDetails"][0]["id"], "expectedVersion": ann["version"]}},
    )
    assert removed.ok()["removeContactDetail"]["errors"] == []
    reviewer = graphql.as_actor(REVIEWER)

    refused = await unmerge(reviewer, record)
    assert [(p["problem"], p["change"]["table"]) for p in refused["pending"]] == [
        ("ROW_GONE", "contact_detail")
    ]
    change = refused["pending"][0]["change"]["id"]
    impossible = await unmerge(reviewer, record, [{"changeId": change, "restore": True}])
    assert [(e["code"], e["field"]) for e in impossible["errors"]] == [("VALIDATION", "decisions")]
    kept = await unmerge(reviewer, record, [{"changeId": change, "restore": False}])
    assert kept["errors"] == []
    anne = (await reviewer.execute(PERSON, {"id": gid(world["anne"])})).ok()["node"]
    assert anne["mergedInto"] is None and anne["contactDetails"] == []
    assert [r["value"] for r in anne["externalReferences"]] == ["TEN-0001"]


async def test_a_merge_whose_survivor_was_merged_again_waits_for_that_one(reviewer, world, pdms_db):
    first = (await merge(reviewer, pdms_db, world["ann"], world["anne"]))["merge"]
    second = (await merge(reviewer, pdms_db, world["bob"], world["ann"]))["merge"]

    waiting = await unmerge(reviewer, first)
    assert [(e["code"], e["field"]) for e in waiting["errors"]] == [("NOT_ALLOWED", "id")]

    assert (await unmerge(reviewer, second))["errors"] == []
    assert (await unmerge(reviewer, first))["errors"] == []


async def test_concurrent_unmerges_of_one_merge_conflict(reviewer, world, pdms_db):
    before = await dump(pdms_db)
    record = (await merge(reviewer, pdms_db, world["ann"], world["anne"]))["merge"]

    results = await asyncio.gather(unmerge(reviewer, record), unmerge(reviewer, record))

    assert sorted(bool(r["merge"]) for r in results) == [False, True]
    loser = next(r for r in results if r["merge"] is None)
    assert [e["code"] for e in loser["errors"]] in (["CONFLICT"], ["NOT_ALLOWED"])
    assert await dump(pdms_db) == before
