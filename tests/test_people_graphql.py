"""People through GraphQL: records, validation, history, relationships, locking, batching."""

from __future__ import annotations

import pytest

from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.graphql.node import global_id
from pdms_core.lookups.sync import sync_lookups
from pdms_core.places.models import Place
from pdms_core.testing.actors import staff

PERSON_FIELDS = """
  id version fullName forenames surname preferredName dateOfBirth isArchived
  contactDetails { id value isPreferred type { code } }
  externalReferences { id value type { code } }
  addresses { id isCurrent fromDate toDate role { code } place { uprn singleLineAddress } }
  relationships { id type { code } related { forenames } }
"""
PAYLOAD = f"person {{ {PERSON_FIELDS} }} errors {{ code field message }}"
CREATE = f"mutation($i: PersonInput!) {{ createPerson(input: $i) {{ {PAYLOAD} }} }}"
UPDATE = f"""mutation($p: PersonVersionInput!, $i: PersonInput!) {{
  updatePerson(person: $p, input: $i) {{ {PAYLOAD} }} }}"""
ARCHIVE = f"mutation($i: PersonVersionInput!) {{ archivePerson(input: $i) {{ {PAYLOAD} }} }}"
ADD_CONTACT = f"""mutation($i: AddContactDetailInput!) {{
  addContactDetail(input: $i) {{ {PAYLOAD} }} }}"""
REMOVE_CONTACT = f"""mutation($i: PersonRecordInput!) {{
  removeContactDetail(input: $i) {{ {PAYLOAD} }} }}"""
ADD_REFERENCE = f"""mutation($i: AddExternalReferenceInput!) {{
  addExternalReference(input: $i) {{ {PAYLOAD} }} }}"""
ADD_ADDRESS = f"""mutation($i: AddPersonAddressInput!) {{
  addPersonAddress(input: $i) {{ {PAYLOAD} }} }}"""
MOVE_HOME = f"""mutation($i: MovePersonHomeInput!) {{
  movePersonHome(input: $i) {{ {PAYLOAD} }} }}"""
ADD_RELATIONSHIP = f"""mutation($i: AddRelationshipInput!) {{
  addRelationship(input: $i) {{ {PAYLOAD} }} }}"""
REMOVE_RELATIONSHIP = f"""mutation($i: PersonRecordInput!) {{
  removeRelationship(input: $i) {{ {PAYLOAD} }} }}"""
PERSON = f"query($id: ID!) {{ person(id: $id) {{ {PERSON_FIELDS} }} }}"
RESIDENTS = """query($uprn: String!) { place(uprn: $uprn) {
  addressLines residents { isCurrent person { forenames } } } }"""
PEOPLE_PAGE = """query($ids: [ID!]!) { nodes(ids: $ids) { ... on Person {
  forenames contactDetails { value type { label } }
  addresses { role { code } place { singleLineAddress residents { isCurrent } } }
  relationships { type { code } related { surname } } } } }"""

OFFICER = staff("core.people.read", "core.people.write", "core.places.read")


@pytest.fixture
async def synced(pdms_db, pdms_host):
    async with unit_of_work(pdms_db.sessionmaker) as session:
        await sync_lookups(session, pdms_host.lookup_sets)
    return pdms_db


@pytest.fixture
def officer(graphql, synced):
    return graphql.as_actor(OFFICER)


async def add_place(db, uprn: int, **parts) -> str:
    async with unit_of_work(db.sessionmaker) as session:
        place = Place(
            uprn=uprn,
            single_line_address=parts.pop("address", f"{uprn} Test Row"),
            postcode="ZZ9 9ZZ",
            **parts,
        )
        session.add(place)
    return global_id("Place", place.id)


async def create(client, forenames="Ada", surname="Fictional", **more) -> dict:
    result = await client.execute(
        CREATE, {"i": {"forenames": forenames, "surname": surname, **more}}
    )
    payload = result.ok()["createPerson"]
    assert payload["errors"] == [], payload["errors"]
    return payload["person"]


async def change(client, document: str, field: str, variables: dict) -> dict:
    return (await client.execute(document, variables)).ok()[field]


async def test_create_read_update_and_archive_a_person(officer):
    person = await create(officer, title="Dr", dateOfBirth="1980-02-29", preferredName="Addy")
    assert person["fullName"] == "Dr Ada Fictional" and person["version"] == 1
    updated = await change(
        officer,
        UPDATE,
        "updatePerson",
        {"p": {"id": person["id"], "expectedVersion": 1}, "i": {"surname": "Testperson"}},
    )
    assert updated["errors"] == []
    assert (updated["person"]["surname"], updated["person"]["preferredName"]) == (
        "Testperson",
        "Addy",
    )
    archived = await change(
        officer, ARCHIVE, "archivePerson", {"i": {"id": person["id"], "expectedVersion": 2}}
    )
    assert archived["person"]["isArchived"] is True


async def test_bad_person_details_are_all_reported_and_nothing_is_stored(officer, synced):
    result = await change(
        officer,
        CREATE,
        "createPerson",
        {"i": {"forenames": " ", "surname": "", "dateOfBirth": "2999-01-01"}},
    )
    assert result["person"] is None
    assert {(e["code"], e["field"]) for e in result["errors"]} == {
        ("VALIDATION", "forenames"),
        ("VALIDATION", "surname"),
        ("VALIDATION", "dateOfBirth"),
    }
    async with synced.sessionmaker() as session:
        from sqlalchemy import func, select

        from pdms_core.people.models import Person

        assert await session.scalar(select(func.count()).select_from(Person)) == 0


async def test_a_stale_version_conflicts_and_changes_nothing(officer):
    person = await create(officer)
    await change(
        officer,
        UPDATE,
        "updatePerson",
        {"p": {"id": person["id"], "expectedVersion": 1}, "i": {"notes": "first edit"}},
    )
    stale = await change(
        officer,
        ADD_CONTACT,
        "addContactDetail",
        {
            "i": {
                "personId": person["id"],
                "expectedVersion": 1,
                "typeCode": "mobile",
                "value": "07700 900123",
            }
        },
    )
    assert [e["code"] for e in stale["errors"]] == ["CONFLICT"]
    stored = (await officer.execute(PERSON, {"id": person["id"]})).ok()["person"]
    assert stored["contactDetails"] == [] and stored["version"] == 2


@pytest.mark.parametrize(
    ("type_code", "value", "stored"),
    [
        # Phones in UK national format (phonenumbers); emails as email-validator
        # normalises them (the domain in lower case).
        ("mobile", "+44 7700 900123", "07700 900123"),
        ("landline", "(01632) 960 001", "01632 960001"),
        ("email", "Ada.Fictional@Example.org", "Ada.Fictional@example.org"),
    ],
)
async def test_contact_details_are_validated_per_kind(officer, type_code, value, stored):
    person = await create(officer)
    ok = await change(
        officer,
        ADD_CONTACT,
        "addContactDetail",
        {
            "i": {
                "personId": person["id"],
                "expectedVersion": 1,
                "typeCode": type_code,
                "value": value,
            }
        },
    )
    assert ok["person"]["contactDetails"][0]["value"] == stored
    bad = await change(
        officer,
        ADD_CONTACT,
        "addContactDetail",
        {
            "i": {
                "personId": person["id"],
                "expectedVersion": 2,
                "typeCode": type_code,
                "value": "not a contact",
            }
        },
    )
    assert [(e["code"], e["field"]) for e in bad["errors"]] == [("VALIDATION", "value")]
    assert "not a contact" not in bad["errors"][0]["message"]


async def test_one_preferred_contact_per_kind(officer):
    person = await create(officer)
    version = 1
    for type_code, value in (
        ("mobile", "07700900001"),
        ("landline", "01632960002"),
        ("email", "ada@example.org"),
    ):
        result = await change(
            officer,
            ADD_CONTACT,
            "addContactDetail",
            {
                "i": {
                    "personId": person["id"],
                    "expectedVersion": version,
                    "typeCode": type_code,
                    "value": value,
                    "preferred": True,
                }
            },
        )
        version = result["person"]["version"]
    preferred = {c["value"] for c in result["person"]["contactDetails"] if c["isPreferred"]}
    # the landline replaced the mobile as preferred phone; the email is preferred email
    assert preferred == {"01632 960002", "ada@example.org"}
    mobile = next(c for c in result["person"]["contactDetails"] if c["type"]["code"] == "mobile")
    removed = await change(
        officer,
        REMOVE_CONTACT,
        "removeContactDetail",
        {"i": {"id": mobile["id"], "expectedVersion": version}},
    )
    assert len(removed["person"]["contactDetails"]) == 2


@pytest.mark.parametrize(
    ("type_code", "good", "stored", "bad"),
    [
        ("ni_number", "jg 10 30 50 b", "JG103050B", "QQ123456C"),
        ("nhs_number", "943 476 5919", "9434765919", "9434765918"),
        ("council_tax_account", "0012 3456", "00123456", "12AB"),
    ],
)
async def test_external_references_are_checked_and_unique(officer, type_code, good, stored, bad):
    ada, bob = await create(officer), await create(officer, forenames="Bob")
    invalid = await change(
        officer,
        ADD_REFERENCE,
        "addExternalReference",
        {"i": {"personId": ada["id"], "expectedVersion": 1, "typeCode": type_code, "value": bad}},
    )
    assert [(e["code"], e["field"]) for e in invalid["errors"]] == [("VALIDATION", "value")]
    ok = await change(
        officer,
        ADD_REFERENCE,
        "addExternalReference",
        {"i": {"personId": ada["id"], "expectedVersion": 1, "typeCode": type_code, "value": good}},
    )
    assert ok["person"]["externalReferences"][0]["value"] == stored
    taken = await change(
        officer,
        ADD_REFERENCE,
        "addExternalReference",
        {"i": {"personId": bob["id"], "expectedVersion": 1, "typeCode": type_code, "value": good}},
    )
    assert [e["code"] for e in taken["errors"]] == ["DUPLICATE"]
    assert "Ada" not in taken["errors"][0]["message"]


async def test_one_current_home_and_moving_keeps_the_history(officer, synced):
    first = await add_place(synced, 990000000101, address="1 First Street, Testtown")
    second = await add_place(synced, 990000000102, address="2 Second Street, Testtown")
    person = await create(officer)
    home = await change(
        officer,
        ADD_ADDRESS,
        "addPersonAddress",
        {
            "i": {
                "personId": person["id"],
                "expectedVersion": 1,
                "placeId": first,
                "roleCode": "home",
                "fromDate": "2020-01-01",
            }
        },
    )
    assert home["errors"] == []
    # a second current home is refused and changes nothing
    refused = await change(
        officer,
        ADD_ADDRESS,
        "addPersonAddress",
        {
            "i": {
                "personId": person["id"],
                "expectedVersion": 2,
                "placeId": second,
                "roleCode": "home",
            }
        },
    )
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("VALIDATION", "roleCode")]
    moved = await change(
        officer,
        MOVE_HOME,
        "movePersonHome",
        {
            "i": {
                "personId": person["id"],
                "expectedVersion": 2,
                "placeId": second,
                "fromDate": "2024-06-01",
            }
        },
    )
    history = [
        (a["place"]["uprn"], a["isCurrent"], a["fromDate"], a["toDate"])
        for a in moved["person"]["addresses"]
    ]
    assert history == [
        ("990000000102", True, "2024-06-01", None),
        ("990000000101", False, "2020-01-01", "2024-05-31"),
    ]
    past = (await officer.execute(RESIDENTS, {"uprn": "990000000101"})).ok()["place"]
    assert past["residents"] == [{"isCurrent": False, "person": {"forenames": "Ada"}}]


async def test_relationships_are_recorded_with_their_inverse(officer):
    parent = await create(officer, forenames="Pat")
    child = await create(officer, forenames="Chris")
    added = await change(
        officer,
        ADD_RELATIONSHIP,
        "addRelationship",
        {
            "i": {
                "personId": parent["id"],
                "expectedVersion": 1,
                "relatedPersonId": child["id"],
                "typeCode": "parent",
            }
        },
    )
    assert [
        (r["type"]["code"], r["related"]["forenames"]) for r in added["person"]["relationships"]
    ] == [("parent", "Chris")]
    seen_from_child = (await officer.execute(PERSON, {"id": child["id"]})).ok()["person"]
    assert [
        (r["type"]["code"], r["related"]["forenames"]) for r in seen_from_child["relationships"]
    ] == [("child", "Pat")]
    again = await change(
        officer,
        ADD_RELATIONSHIP,
        "addRelationship",
        {
            "i": {
                "personId": parent["id"],
                "expectedVersion": 2,
                "relatedPersonId": child["id"],
                "typeCode": "parent",
            }
        },
    )
    assert [e["code"] for e in again["errors"]] == ["DUPLICATE"]
    removed = await change(
        officer,
        REMOVE_RELATIONSHIP,
        "removeRelationship",
        {"i": {"id": added["person"]["relationships"][0]["id"], "expectedVersion": 2}},
    )
    assert removed["person"]["relationships"] == []
    assert (await officer.execute(PERSON, {"id": child["id"]})).ok()["person"][
        "relationships"
    ] == []


async def test_people_need_their_permissions(graphql, synced):
    person = await create(graphql.as_actor(OFFICER))
    reader = graphql.as_actor(staff("core.people.read"))
    denied = await reader.execute(CREATE, {"i": {"forenames": "Eve", "surname": "Denied"}})
    assert denied.error_codes() == ["PERMISSION_DENIED"]
    nobody = await graphql.as_actor(staff("core.places.read")).execute(PERSON, {"id": person["id"]})
    assert nobody.error_codes() == ["PERMISSION_DENIED"] and nobody.data["person"] is None


async def test_a_page_of_people_costs_the_same_statements_for_2_or_6(
    officer, synced, sql_statements
):
    place = await add_place(synced, 990000000201)
    ids = []
    for n in range(6):
        person = await create(officer, forenames=f"P{n}")
        await change(
            officer,
            ADD_CONTACT,
            "addContactDetail",
            {
                "i": {
                    "personId": person["id"],
                    "expectedVersion": 1,
                    "typeCode": "email",
                    "value": f"p{n}@example.org",
                }
            },
        )
        await change(
            officer,
            ADD_ADDRESS,
            "addPersonAddress",
            {
                "i": {
                    "personId": person["id"],
                    "expectedVersion": 2,
                    "placeId": place,
                    "roleCode": "correspondence",
                }
            },
        )
        ids.append(person["id"])
    counts = []
    for size in (2, 6):
        sql_statements.reset()
        result = await officer.execute(PEOPLE_PAGE, {"ids": ids[:size]})
        assert len(result.ok()["nodes"]) == size
        # the request's one audit INSERT (person reads) is not a loader batch
        audit = sum("INSERT INTO audit_event" in s for s in sql_statements.statements)
        assert audit == 1
        counts.append(sql_statements.count - audit)
    # Seven loaders are involved. Batches of one loader reached from two branches
    # (lookup values under contact details and under addresses) merge or not depending
    # on which branch's rows arrive first, so the bound is 8 whatever the row count;
    # one query per person would need 12 or more for six people.
    assert max(counts) <= 8, counts
