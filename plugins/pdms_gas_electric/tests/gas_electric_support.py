"""Test support: places in a database with the declared lists, officers, GraphQL documents."""

from __future__ import annotations

from typing import Any

from pdms_core.plugin import core_tables, global_id
from pdms_core.testing.actors import staff
from sqlalchemy import insert

READ = "gas_electric.home.read"
WRITE = "gas_electric.home.write"
RECORD = "gas_electric.check.record"
OFFICER = staff(READ, WRITE, RECORD, "core.places.read", name="Gail Gasworth")
READER = staff(READ, "core.places.read", name="Rory Reader")

SET_HOME = """
mutation($input: GasElectricSetHomeInput!) {
  gasElectricSetHome(input: $input) {
    home { id placeId gasSupply propertyReference needsGasCheck gasDueOn version }
    errors { code field message }
  }
}
"""
ADD_APPLIANCE = """
mutation($input: GasElectricAddApplianceInput!) {
  gasElectricAddAppliance(input: $input) {
    appliance { id make model landlordOwned removedOn version type { code label }
                location { code } }
    errors { code field message }
  }
}
"""
REMOVE_APPLIANCE = """
mutation($id: ID!, $version: Int!, $on: Date!) {
  gasElectricRemoveAppliance(id: $id, expectedVersion: $version, removedOn: $on) {
    appliance { id removedOn } errors { code field message }
  }
}
"""
ADD_ALARM = """
mutation($home: ID!, $kind: String!, $location: String) {
  gasElectricAddAlarm(homeId: $home, kind: $kind, locationCode: $location) {
    alarm { id kind location { code } } errors { code field message }
  }
}
"""
RECORD_CHECK = """
mutation($input: GasElectricRecordGasCheckInput!) {
  gasElectricRecordGasCheck(input: $input) {
    gasCheck { id checkedOn certificateNumber deadlineBefore nextDueOn breaches
               results { outcome appliance defect { code } remedialAction } }
    errors { code field message }
  }
}
"""
SET_COPY = """
mutation($id: ID!, $on: Date!) {
  gasElectricSetCopyGiven(checkId: $id, copyGivenOn: $on) {
    gasCheck { id copyGivenOn breaches } errors { code field message }
  }
}
"""
HOME = """
query($place: ID!) {
  gasElectricHome(placeId: $place) {
    id gasSupply needsGasCheck lastGasCheckOn gasDueOn breaches
    appliances { id type { code } removedOn }
    alarms { kind }
    gasChecks { certificateNumber checkedOn deadlineBefore nextDueOn breaches }
  }
}
"""


async def add_place(db: Any, address: str, uprn: int | None = None) -> str:
    async with db.sessionmaker() as session, session.begin():
        result = await session.execute(
            insert(core_tables.place).values(single_line_address=address, uprn=uprn)
        )
        return global_id("Place", result.inserted_primary_key[0])


def ok(response: Any, field: str) -> dict[str, Any]:
    payload = response.ok()[field]
    assert payload["errors"] == [], payload["errors"]
    return payload


async def gas_home(
    graphql: Any,
    db: Any,
    address: str = "1 Fictional Row, Testville",
    uprn: int | None = None,
    reference: str | None = None,
) -> dict[str, Any]:
    """A home with a live supply and one landlord boiler: it needs a gas check."""
    place = await add_place(db, address, uprn)
    client = graphql.as_actor(OFFICER)
    home = ok(
        await client.execute(
            SET_HOME,
            {"input": {"placeId": place, "gasSupply": "live", "propertyReference": reference}},
        ),
        "gasElectricSetHome",
    )["home"]
    appliance = ok(
        await client.execute(
            ADD_APPLIANCE,
            {
                "input": {
                    "homeId": home["id"],
                    "typeCode": "combi_boiler",
                    "locationCode": "kitchen",
                    "make": "Fictitherm",
                    "model": "C30",
                }
            },
        ),
        "gasElectricAddAppliance",
    )["appliance"]
    return {"place": place, "home": home["id"], "appliance": appliance["id"]}


def check_input(home: str, checked_on: str, number: str, **extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "homeId": home,
            "checkedOn": checked_on,
            "certificateNumber": number,
            "engineerName": "Ellis Engineer",
            "gasSafeNumber": "123456",
            "copyGivenOn": extra.pop("copyGivenOn", checked_on),
            **extra,
        }
    }


async def record(graphql: Any, home: str, checked_on: str, number: str, **extra: Any) -> Any:
    return await graphql.as_actor(OFFICER).execute(
        RECORD_CHECK, check_input(home, checked_on, number, **extra)
    )
