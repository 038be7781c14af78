"""Attributes a council sets on lookup values: a relationship type's inverse, kept by sync."""

from __future__ import annotations

import pytest

from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.lookups.sync import sync_lookups
from pdms_core.testing.actors import staff

ADMIN = staff("core.lookups.read", "core.lookups.manage", name="Lookup Admin")
OFFICER = staff("core.people.read", "core.people.write", name="People Officer")
VALUE = "lookupValue { id code version attributes { name value } } errors { code field message }"
ADD = f"mutation($i: AddLookupValueInput!) {{ addLookupValue(input: $i) {{ {VALUE} }} }}"
SET = f"""mutation($i: SetLookupValueAttributesInput!) {{
  setLookupValueAttributes(input: $i) {{ {VALUE} }} }}"""
LIST = """query($code: String!) { lookupSet(code: $code) {
  attributes { name kind description }
  values { id code version attributes { name value } } } }"""
CREATE = """mutation($i: PersonInput!) { createPerson(input: $i) {
  person { id version } errors { code } } }"""
RELATE = """mutation($i: AddRelationshipInput!) { addRelationship(input: $i) {
  person { relationships { type { code } related { forenames } } } errors { code field } } }"""
PERSON = "query($id: ID!) { person(id: $id) { relationships { type { code } } } }"


@pytest.fixture
async def synced(pdms_db, pdms_host):
    async with unit_of_work(pdms_db.sessionmaker) as session:
        await sync_lookups(session, pdms_host.lookup_sets)


async def add_type(admin, code: str, label: str, **attributes: str) -> dict:
    given = [{"name": name, "value": value} for name, value in attributes.items()]
    answer = await admin.execute(
        ADD,
        {"i": {"setCode": "relationship_type", "code": code, "label": label, "attributes": given}},
    )
    return answer.ok()["addLookupValue"]


async def values(admin, code: str = "relationship_type") -> dict:
    listed = (await admin.execute(LIST, {"code": code})).ok()["lookupSet"]
    return listed, {value["code"]: value for value in listed["values"]}


async def test_a_council_type_with_an_inverse_is_recorded_both_ways(graphql, synced):
    admin, officer = graphql.as_actor(ADMIN), graphql.as_actor(OFFICER)
    # given landlord and tenant added by the council, each the other's inverse
    landlord = await add_type(admin, "landlord", "Landlord of")
    assert landlord["errors"] == [] and landlord["lookupValue"]["attributes"] == []
    tenant = await add_type(admin, "tenant", "Tenant of", inverse="landlord")
    assert tenant["lookupValue"]["attributes"] == [{"name": "inverse", "value": "landlord"}]
    change = {"id": landlord["lookupValue"]["id"], "expectedVersion": 1}
    set_inverse = {"i": {**change, "attributes": [{"name": "inverse", "value": "tenant"}]}}
    assert (await admin.execute(SET, set_inverse)).ok()["setLookupValueAttributes"]["errors"] == []
    # when an officer records that one person is the other's landlord
    people = []
    for name in ("Lena", "Toby"):
        made = await officer.execute(CREATE, {"i": {"forenames": name, "surname": "Fictional"}})
        people.append(made.ok()["createPerson"]["person"])
    relate = {"personId": people[0]["id"], "expectedVersion": 1, "relatedPersonId": people[1]["id"]}
    recorded = await officer.execute(RELATE, {"i": {**relate, "typeCode": "landlord"}})
    assert recorded.ok()["addRelationship"]["errors"] == []
    # then the tenant sees the inverse, not a second landlord
    seen = (await officer.execute(PERSON, {"id": people[1]["id"]})).ok()["person"]
    assert seen["relationships"] == [{"type": {"code": "tenant"}}]


async def test_bad_attributes_are_typed_errors_naming_the_field(graphql, synced):
    admin = graphql.as_actor(ADMIN)
    unknown = await add_type(admin, "lodger", "Lodger with", inverse="no_such_type")
    assert unknown["lookupValue"] is None
    assert [(e["code"], e["field"]) for e in unknown["errors"]] == [("VALIDATION", "attributes")]
    assert "not a code of this list" in unknown["errors"][0]["message"]
    undeclared = await add_type(admin, "lodger", "Lodger with", colour="red")
    assert [e["field"] for e in undeclared["errors"]] == ["attributes"]
    # a list that declares no attributes takes none
    answer = await admin.execute(
        ADD,
        {
            "i": {
                "setCode": "address_role",
                "code": "holiday",
                "label": "Holiday home",
                "attributes": [{"name": "current_home", "value": "true"}],
            }
        },
    )
    assert [e["message"] for e in answer.ok()["addLookupValue"]["errors"]] == [
        "This list has no attributes to set."
    ]


async def test_the_list_describes_its_attributes(graphql, synced):
    listed, by_code = await values(graphql.as_actor(ADMIN))
    assert [(a["name"], a["kind"]) for a in listed["attributes"]] == [("inverse", "code")]
    assert by_code["parent"]["attributes"] == [{"name": "inverse", "value": "child"}]


async def test_sync_keeps_what_the_council_set_on_a_seeded_value(
    graphql, synced, pdms_db, pdms_host
):
    admin = graphql.as_actor(ADMIN)
    _, by_code = await values(admin)
    sibling = by_code["sibling"]  # seeded as its own inverse
    change = {"id": sibling["id"], "expectedVersion": sibling["version"]}
    given = [{"name": "inverse", "value": "partner"}]
    done = await admin.execute(SET, {"i": {**change, "attributes": given}})
    assert done.ok()["setLookupValueAttributes"]["errors"] == []
    async with unit_of_work(pdms_db.sessionmaker) as session:
        await sync_lookups(session, pdms_host.lookup_sets)
    _, by_code = await values(admin)
    assert by_code["sibling"]["attributes"] == [{"name": "inverse", "value": "partner"}]
    assert by_code["parent"]["attributes"] == [{"name": "inverse", "value": "child"}]


async def test_setting_attributes_needs_the_manage_permission_and_the_version(graphql, synced):
    admin = graphql.as_actor(ADMIN)
    _, by_code = await values(admin)
    change = {
        "id": by_code["partner"]["id"],
        "attributes": [{"name": "inverse", "value": "partner"}],
    }
    reader = graphql.as_actor(staff("core.lookups.read"))
    denied = await reader.execute(SET, {"i": {**change, "expectedVersion": 1}})
    assert denied.error_codes() == ["PERMISSION_DENIED"]
    stale = await admin.execute(SET, {"i": {**change, "expectedVersion": 99}})
    assert [e["code"] for e in stale.ok()["setLookupValueAttributes"]["errors"]] == ["CONFLICT"]
