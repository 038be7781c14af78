"""Logging street reports: a ticket, a case and a value demand, through GraphQL."""

from __future__ import annotations

import pytest
from env_tickets_support import COUNT, LAT, LON, OFFICER, READER, report, ticket_count
from pdms_core.testing.actors import staff

CASE = """
query($id: ID!) {
  node(id: $id) {
    ... on Case { reference module demands { nature type { code } dueOn } }
  }
}
"""
PLACE_RECORDS = """
query($id: ID!) {
  node(id: $id) {
    ... on Place { moduleRecords { module summary ... on EnvTicketsTicket { reference } } }
  }
}
"""
PERSON_RECORDS = """
query($id: ID!) {
  node(id: $id) { ... on Person { moduleRecords { module ... on EnvTicketsTicket { reference } } } }
}
"""
STANDARD = """
mutation($input: SetServiceStandardInput!) {
  setServiceStandard(input: $input) { errors { code field message } }
}
"""


async def test_a_report_at_a_place_by_uprn_is_a_ticket_a_case_and_a_value_demand(graphql, world):
    # given a 5-working-day standard for fly-tipping
    standard = await graphql.as_actor(OFFICER).execute(
        STANDARD,
        {
            "input": {
                "module": "env_tickets",
                "kind": "DEMAND_TYPE",
                "code": "fly_tipping",
                "targetDays": 5,
                "warningDays": 3,
            }
        },
    )
    assert standard.ok()["setServiceStandard"]["errors"] == []

    # when a known person reports fly-tipping at a place given by its UPRN
    payload = await report(
        graphql,
        uprn=str(world.place_uprn),
        personId=world.person,
        channel="phone",
        description=" Mattress and bags by the gate ",
        locationDescription="By the field gate",
        flyTipping={"size": "car_boot", "landType": "highway", "wasteType": "other_household"},
    )

    # then the ticket keeps the place and the place's point, and is open
    assert payload["errors"] == []
    ticket = payload["ticket"]
    assert ticket["placeId"] == world.place
    assert (ticket["latitude"], ticket["longitude"]) == (LAT, LON)
    assert ticket["personId"] == world.person
    assert ticket["description"] == "Mattress and bags by the gate"
    assert ticket["type"] == {"code": "fly_tipping"}
    assert ticket["status"] == {"code": "open"}
    assert ticket["channel"] == {"code": "phone"}
    assert ticket["isOpen"] is True
    assert ticket["flyTipping"] == {
        "size": {"code": "car_boot"},
        "landType": {"code": "highway"},
        "wasteType": {"code": "other_household"},
    }
    assert ticket["vehicle"] is None
    assert ticket["history"] == [{"kind": "created", "newValue": "open"}]
    assert ticket["dueOn"] is not None

    # and its case belongs to the module, with a value demand due by the standard
    case = (await graphql.as_actor(OFFICER).execute(CASE, {"id": ticket["caseId"]})).ok()["node"]
    assert case["module"] == "env_tickets"
    assert case["reference"] == ticket["reference"]
    assert case["demands"] == [
        {"nature": "VALUE", "type": {"code": "fly_tipping"}, "dueOn": ticket["dueOn"]}
    ]

    # and the ticket is among the place's and the person's module records
    place = (await graphql.as_actor(OFFICER).execute(PLACE_RECORDS, {"id": world.place})).ok()
    assert [r["reference"] for r in place["node"]["moduleRecords"]] == [ticket["reference"]]
    person = (await graphql.as_actor(OFFICER).execute(PERSON_RECORDS, {"id": world.person})).ok()
    assert person["node"]["moduleRecords"] == [
        {"module": "env_tickets", "reference": ticket["reference"]}
    ]


async def test_an_anonymous_report_at_a_point_keeps_contact_details(graphql, world):
    payload = await report(
        graphql,
        typeCode="abandoned_vehicle",
        latitude=LAT,
        longitude=LON,
        locationDescription="Lay-by north of the bridge",
        reporterName="A. Passer-by",
        reporterEmail="passer@example.test",
        vehicle={
            "registration": "ab12 cde",
            "make": "Fictiva",
            "colour": "Red",
            "taxStatus": "untaxed",
        },
    )
    assert payload["errors"] == []
    ticket = payload["ticket"]
    assert ticket["placeId"] is None and ticket["personId"] is None
    assert ticket["locationDescription"] == "Lay-by north of the bridge"
    assert (ticket["reporterName"], ticket["reporterEmail"]) == (
        "A. Passer-by",
        "passer@example.test",
    )
    assert ticket["vehicle"]["registration"] == "AB12CDE"
    assert ticket["vehicle"]["taxStatus"] == "untaxed"
    assert ticket["dueOn"] is None  # no standard set for the type


@pytest.mark.parametrize(
    ("given", "errors"),
    [
        ({"typeCode": "fly_tipping"}, [("VALIDATION", "location")]),
        (
            {"typeCode": "no_such_type", "latitude": LAT, "longitude": LON},
            [("NOT_FOUND", "typeCode")],
        ),
        ({"latitude": 91.0, "longitude": LON}, [("VALIDATION", "latitude")]),
        ({"latitude": LAT}, [("VALIDATION", "latitude")]),
        ({"uprn": "999999999999"}, [("NOT_FOUND", "uprn")]),
        ({"uprn": "12ab"}, [("VALIDATION", "uprn")]),
        (
            {"latitude": LAT, "longitude": LON, "flyTipping": {"size": "huge"}},
            [("NOT_FOUND", "flyTipping.size")],
        ),
        (
            {"typeCode": "graffiti", "latitude": LAT, "longitude": LON, "flyTipping": {}},
            [("VALIDATION", "flyTipping")],
        ),
        (
            {"latitude": LAT, "longitude": LON, "vehicle": {"registration": "X1"}},
            [("VALIDATION", "vehicle")],
        ),
        (
            {"latitude": LAT, "longitude": LON, "channel": "carrier_pigeon"},
            [("NOT_FOUND", "channel")],
        ),
    ],
)
async def test_a_bad_report_is_a_typed_error_and_stores_nothing(
    graphql, world, pdms_db, given, errors
):
    payload = await report(graphql, **given)
    assert payload["ticket"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == errors
    assert await ticket_count(pdms_db) == 0


async def test_each_field_needs_its_permission(graphql, world, pdms_db):
    denied = await graphql.as_actor(READER).execute(
        """mutation { envTicketsReport(input: {typeCode: "litter", latitude: 52.2,
        longitude: -1.5}) { errors { code } } }"""
    )
    assert denied.error_codes() == ["PERMISSION_DENIED"]
    assert await ticket_count(pdms_db) == 0
    assert (await graphql.as_actor(None).execute(COUNT)).error_codes() == ["UNAUTHENTICATED"]
    writer_only = staff("env_tickets.ticket.write", name="Wes Writer")
    assert (await graphql.as_actor(writer_only).execute(COUNT)).error_codes() == [
        "PERMISSION_DENIED"
    ]
