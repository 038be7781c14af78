"""Homes, appliances and alarms through GraphQL; records on Place.moduleRecords."""

from __future__ import annotations

from gas_electric_support import (
    ADD_ALARM,
    ADD_APPLIANCE,
    HOME,
    OFFICER,
    READ,
    READER,
    REMOVE_APPLIANCE,
    SET_HOME,
    add_place,
    gas_home,
    ok,
    record,
)
from pdms_core.plugin import core_tables, global_id
from pdms_core.testing.actors import staff
from sqlalchemy import insert, select
from strawberry import relay

PLACE_RECORDS = """
query($id: ID!) {
  place(id: $id) {
    moduleRecords { module summary ... on GasElectricHome { gasSupply } }
  }
}
"""


async def test_a_live_supply_with_a_landlord_appliance_needs_a_check(graphql, pdms_db, lookups):
    # given a home with a live supply and a landlord boiler
    home = await gas_home(graphql, pdms_db)
    # when it is read
    found = (await graphql.as_actor(READER).execute(HOME, {"place": home["place"]})).ok()
    # then it needs a check, has none, and is overdue
    data = found["gasElectricHome"]
    assert data["needsGasCheck"] is True
    assert data["gasDueOn"] is None
    assert data["breaches"] == ["overdue"]
    assert data["appliances"] == [
        {"id": home["appliance"], "type": {"code": "combi_boiler"}, "removedOn": None}
    ]


async def test_tenant_owned_removed_and_capped_do_not_count(graphql, pdms_db, lookups):
    home = await gas_home(graphql, pdms_db)
    client = graphql.as_actor(OFFICER)
    # a tenant's own cooker does not make the home need a check once the boiler is gone
    ok(
        await client.execute(
            ADD_APPLIANCE,
            {"input": {"homeId": home["home"], "typeCode": "cooker", "landlordOwned": False}},
        ),
        "gasElectricAddAppliance",
    )
    ok(
        await client.execute(
            REMOVE_APPLIANCE, {"id": home["appliance"], "version": 1, "on": "2025-01-10"}
        ),
        "gasElectricRemoveAppliance",
    )
    data = (await client.execute(HOME, {"place": home["place"]})).ok()["gasElectricHome"]
    assert (data["needsGasCheck"], data["breaches"]) == (False, [])
    # a capped supply with a landlord appliance needs none either
    ok(
        await client.execute(
            ADD_APPLIANCE, {"input": {"homeId": home["home"], "typeCode": "gas_fire"}}
        ),
        "gasElectricAddAppliance",
    )
    data = (await client.execute(HOME, {"place": home["place"]})).ok()["gasElectricHome"]
    assert data["needsGasCheck"] is True
    capped = await client.execute(
        SET_HOME, {"input": {"placeId": home["place"], "gasSupply": "capped"}}
    )
    assert ok(capped, "gasElectricSetHome")["home"]["needsGasCheck"] is False


async def test_bad_asset_input_is_a_typed_error(graphql, pdms_db, lookups):
    place = await add_place(pdms_db, "3 Fictional Row, Testville")
    client = graphql.as_actor(OFFICER)
    bad = await client.execute(SET_HOME, {"input": {"placeId": place, "gasSupply": "bottled"}})
    assert bad.ok()["gasElectricSetHome"]["errors"][0]["field"] == "gasSupply"
    home = await gas_home(graphql, pdms_db, "4 Fictional Row, Testville")
    unknown = await client.execute(
        ADD_APPLIANCE, {"input": {"homeId": home["home"], "typeCode": "jet_engine"}}
    )
    assert unknown.ok()["gasElectricAddAppliance"]["errors"][0]["field"] == "typeCode"
    alarm = await client.execute(ADD_ALARM, {"home": home["home"], "kind": "burglar"})
    assert alarm.ok()["gasElectricAddAlarm"]["errors"][0]["field"] == "kind"
    fitted = await client.execute(
        ADD_ALARM, {"home": home["home"], "kind": "carbon_monoxide", "location": "kitchen"}
    )
    assert ok(fitted, "gasElectricAddAlarm")["alarm"]["location"] == {"code": "kitchen"}


async def test_one_reference_per_home(graphql, pdms_db, lookups):
    await gas_home(graphql, pdms_db, "5 Fictional Row", reference="gx-1")
    place = await add_place(pdms_db, "6 Fictional Row")
    clash = await graphql.as_actor(OFFICER).execute(
        SET_HOME, {"input": {"placeId": place, "gasSupply": "none", "propertyReference": "GX-1"}}
    )
    assert [e["field"] for e in clash.ok()["gasElectricSetHome"]["errors"]] == ["propertyReference"]


async def test_home_and_records_on_the_place_in_fixed_statements(
    graphql, pdms_db, lookups, sql_statements
):
    home = await gas_home(graphql, pdms_db)
    ok(await record(graphql, home["home"], "2025-03-04", "CP-1"), "gasElectricRecordGasCheck")
    sql_statements.reset()
    result = await graphql.as_actor(READER).execute(PLACE_RECORDS, {"id": home["place"]})
    records = result.ok()["place"]["moduleRecords"]
    assert {
        "module": "gas_electric",
        "summary": "Gas supply live; gas check due 2026-03-04",
        "gasSupply": "live",
    } in records
    assert {"module": "gas_electric", "summary": "Gas safety record CP-1 of 2025-03-04"} in records
    first = sql_statements.count
    # a second place costs no more statements
    other = await gas_home(graphql, pdms_db, "9 Fictional Row")
    sql_statements.reset()
    await graphql.as_actor(READER).execute(PLACE_RECORDS, {"id": other["place"]})
    assert sql_statements.count == first


async def test_each_field_needs_its_permission(graphql, pdms_db, lookups):
    place = await add_place(pdms_db, "7 Fictional Row")
    denied = await graphql.as_actor(READER).execute(
        SET_HOME, {"input": {"placeId": place, "gasSupply": "live"}}
    )
    assert denied.error_codes() == ["PERMISSION_DENIED"]
    anonymous = await graphql.as_actor(None).execute(HOME, {"place": place})
    assert anonymous.error_codes() == ["UNAUTHENTICATED"]
    hidden = await graphql.as_actor(staff("core.places.read")).execute(PLACE_RECORDS, {"id": place})
    assert hidden.ok()["place"]["moduleRecords"] == []


PERSON_RECORDS = """
query($id: ID!) {
  person(id: $id) {
    moduleRecords { module summary ... on GasElectricHome { gasSupply address } }
  }
}
"""


async def test_the_tenants_home_is_on_the_person(graphql, pdms_db, lookups):
    home = await gas_home(graphql, pdms_db, "8 Tenant Row")
    place_id = int(relay.GlobalID.from_id(home["place"]).node_id)
    async with pdms_db.sessionmaker() as session, session.begin():
        person = await session.execute(
            insert(core_tables.person).values(forenames="Tess", surname="Tenant", version=1)
        )
        person_id = person.inserted_primary_key[0]
        role = await session.scalar(
            select(core_tables.lookup_value.c.id)
            .join(
                core_tables.lookup_set,
                core_tables.lookup_set.c.id == core_tables.lookup_value.c.set_id,
            )
            .where(
                core_tables.lookup_set.c.code == "address_role",
                core_tables.lookup_value.c.code == "home",
            )
        )
        await session.execute(
            insert(core_tables.person_address).values(
                person_id=person_id, place_id=place_id, role_id=role, note=""
            )
        )
    reader = staff(READ, "core.people.read", name="Rita Reader")
    found = await graphql.as_actor(reader).execute(
        PERSON_RECORDS, {"id": global_id("Person", person_id)}
    )
    assert found.ok()["person"]["moduleRecords"] == [
        {
            "module": "gas_electric",
            "summary": "Gas supply live; no gas check recorded",
            "gasSupply": "live",
            "address": "8 Tenant Row",
        }
    ]
