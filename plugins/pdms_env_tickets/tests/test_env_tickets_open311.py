"""Open311 GeoReport v2 over real HTTP: the `georeport` client (JSON and XML) for reads,
form POSTs as the reporting sites send them, and the specification's errors."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET
from typing import Any

import httpx
import pytest
from env_tickets_support import LAT, LON, OFFICER, ticket_count
from georeport import GeoReport
from open311_server import serving
from pdms_core.testing.apikeys import partner_key
from sqlalchemy import column, select, table

from pdms_env_tickets.models import Ticket

SUBMIT = "env_tickets.ticket.submit"
SET_STATUS = """
mutation($id: ID!, $v: Int!, $status: String!, $note: String!) {
  envTicketsSetStatus(id: $id, expectedVersion: $v, status: $status, note: $note) {
    errors { code }
  }
}
"""
TICKETS = """
{ envTicketsTickets(first: 10) { edges { node {
  id reference version reporterEmail caseId channel { code } type { code } placeId
  flyTipping { size { code } landType { code } wasteType { code } }
} } } }
"""
CASE = "query($id: ID!) { node(id: $id) { ... on Case { module demands { nature } } } }"


@pytest.fixture
async def site(pdms_app, pdms_db, pdms_host, world):
    """(root address, a key that may submit)."""
    key = await partner_key(pdms_db, pdms_host, SUBMIT, "env_tickets.ticket.read")
    async with serving(pdms_app) as root:
        yield root, key


def report_form(key: str, **extra: str) -> dict[str, str]:
    form = {
        "api_key": key,
        "service_code": "fly_tipping",
        "lat": str(LAT),
        "long": str(LON),
        "description": "Sofa and bags dumped in the lane",
        "email": "resident@example.test",
        "first_name": "Rae",
        "last_name": "Resident",
        "phone": "01632 960002",
        "attribute[size]": "small_van",
        "attribute[land_type]": "",
        "attribute[waste_type]": "other_household",
        "attribute[fixmystreet_id]": "4242",
        "attribute[report_url]": "https://reports.example.test/report/4242",
        "attribute[title]": "Sofa in the lane",
    }
    return {**form, **extra}


async def post(root: str, fmt: str, data: dict[str, str]) -> httpx.Response:
    async with httpx.AsyncClient(timeout=30) as http:
        return await http.post(f"{root}/requests.{fmt}", data=data)


async def get(root: str, path: str, **params: str) -> httpx.Response:
    async with httpx.AsyncClient(timeout=30) as http:
        return await http.get(f"{root}/{path}", params=params)


@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_services_and_definitions_through_the_georeport_client(site, fmt):
    root, _ = site
    client = GeoReport(root, output_format=fmt)
    services = await asyncio.to_thread(client.get_service_list)
    by_code = {s["service_code"]: s for s in services}
    assert set(by_code) >= {"fly_tipping", "abandoned_vehicle", "graffiti", "missed_bin"}
    fly = by_code["fly_tipping"]
    assert fly["service_name"] == "Fly-tipping" and fly["group"] == "Rubbish"
    assert fly["metadata"] in (True, "true") and fly["type"] == "realtime"
    assert by_code["graffiti"]["metadata"] in (False, "false")

    definition = await asyncio.to_thread(client.get_service_definition, "fly_tipping")
    assert definition["service_code"] == "fly_tipping"
    attributes = definition["attributes"]
    if fmt == "xml":
        attributes = attributes["attribute"]
    size = attributes[0]
    assert size["code"] == "size" and size["datatype"] == "singlevaluelist"
    assert size["order"] in (1, "1")
    values = size["values"] if fmt == "json" else size["values"]["value"]
    assert values[0] == {"key": "single_item", "name": "Single item"}
    assert [a["code"] for a in attributes] == ["size", "land_type", "waste_type"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_a_report_becomes_a_ticket_a_case_and_a_demand(site, graphql, pdms_db, fmt):
    root, key = site
    # when a reporting site posts a fly-tipping report
    answer = await post(root, fmt, report_form(key))
    assert answer.status_code == 200, answer.text
    if fmt == "json":
        request_id = answer.json()[0]["service_request_id"]
    else:
        request_id = ET.fromstring(answer.content).findtext("request/service_request_id")
    assert request_id

    # then it is a ticket with the answers, a case of the module and a value demand
    edges = (await graphql.as_actor(OFFICER).execute(TICKETS)).ok()["envTicketsTickets"]["edges"]
    [ticket] = [e["node"] for e in edges]
    assert ticket["reference"] == request_id
    assert ticket["reporterEmail"] == "resident@example.test"
    assert ticket["channel"] == {"code": "web"} and ticket["type"] == {"code": "fly_tipping"}
    assert ticket["flyTipping"] == {
        "size": {"code": "small_van"},
        "landType": None,
        "wasteType": {"code": "other_household"},
    }
    case = (await graphql.as_actor(OFFICER).execute(CASE, {"id": ticket["caseId"]})).ok()["node"]
    assert case == {"module": "env_tickets", "demands": [{"nature": "VALUE"}]}

    # and the georeport client reads it back, without the reporter's contact details
    client = GeoReport(root, output_format=fmt)
    read = await asyncio.to_thread(client.get_service_request, request_id)
    assert read["service_request_id"] == request_id
    assert read["status"] == "open" and read["service_code"] == "fly_tipping"
    assert read["description"] == "Sofa and bags dumped in the lane"
    assert read["requested_datetime"].endswith("+00:00")
    assert float(read["lat"]) == LAT and float(read["long"]) == LON
    raw = await get(root, f"requests/{request_id}.{fmt}")
    assert "resident@example.test" not in raw.text and "01632" not in raw.text
    assert "Rae" not in raw.text

    # when an officer fixes it with a public note
    changed = await graphql.as_actor(OFFICER).execute(
        SET_STATUS,
        {"id": ticket["id"], "v": ticket["version"], "status": "fixed", "note": "Cleared today"},
    )
    assert changed.ok()["envTicketsSetStatus"]["errors"] == []

    # then the request is closed with the note, and the change is an update
    listed = await asyncio.to_thread(client.get_service_requests, service_request_id=request_id)
    if fmt == "xml":
        listed = [listed]
    assert [(r["status"], r["status_notes"]) for r in listed] == [("closed", "Cleared today")]
    updates = await get(root, f"servicerequestupdates.{fmt}")
    assert updates.status_code == 200
    if fmt == "json":
        [update] = updates.json()
    else:
        root_element = ET.fromstring(updates.content)
        assert root_element.tag == "service_requests_updates"
        [element] = root_element.findall("request_update")
        update = {child.tag: child.text for child in element}
    assert update["service_request_id"] == request_id
    assert update["status"] == "FIXED"
    assert update["description"] == "Cleared today"
    assert update["update_id"]
    assert update["updated_datetime"].endswith("+00:00")


async def test_a_resent_report_gets_the_same_request_id(site, pdms_db):
    root, key = site
    first = await post(root, "json", report_form(key))
    again = await post(root, "json", report_form(key))
    assert first.json() == again.json()
    assert await ticket_count(pdms_db) == 1
    other = await post(root, "json", report_form(key, **{"attribute[fixmystreet_id]": "4243"}))
    assert other.json()[0]["service_request_id"] != first.json()[0]["service_request_id"]


async def test_a_uprn_attribute_places_the_report(site, graphql, world):
    root, key = site
    form = report_form(key, **{"attribute[uprn]": str(world.place_uprn)})
    del form["lat"], form["long"]
    answer = await post(root, "json", form)
    assert answer.status_code == 200, answer.text
    edges = (await graphql.as_actor(OFFICER).execute(TICKETS)).ok()["envTicketsTickets"]["edges"]
    assert edges[0]["node"]["placeId"] == world.place
    read = await get(root, f"requests/{answer.json()[0]['service_request_id']}.json")
    assert read.json()[0]["address_id"] == str(world.place_uprn)


BAD_POSTS = [
    ({"service_code": "no_such_service"}, 404, "no_such_service"),
    ({"service_code": ""}, 400, "service_code"),
    ({"lat": "", "long": ""}, 400, "lat and long"),
    ({"lat": "north"}, 400, "lat"),
    ({"attribute[size]": "mountain"}, 400, "attribute[size]"),
    ({"api_key": ""}, 403, "api_key"),
    ({"api_key": "pdms_key_00000000.wrong"}, 403, "api_key"),
]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(("change", "status", "mentions"), BAD_POSTS)
async def test_a_bad_post_gets_the_specifications_error_and_creates_nothing(
    site, pdms_db, fmt, change, status, mentions
):
    root, key = site
    answer = await post(root, fmt, report_form(key, **change))
    assert answer.status_code == status
    if fmt == "json":
        [error] = answer.json()
        code, description = error["code"], error["description"]
    else:
        document = ET.fromstring(answer.content)
        assert document.tag == "errors"
        code = int(document.findtext("error/code"))
        description = document.findtext("error/description")
    assert code == status and mentions in description
    assert await ticket_count(pdms_db) == 0


async def test_a_key_without_the_submit_permission_is_refused(site, pdms_db, pdms_host):
    root, _ = site
    reader = await partner_key(pdms_db, pdms_host, "env_tickets.ticket.read", name="Reader")
    answer = await post(root, "json", report_form(reader))
    assert answer.status_code == 403
    assert answer.json()[0]["code"] == 403
    assert await ticket_count(pdms_db) == 0


async def test_request_filters_tokens_and_unknown_ids(site):
    root, key = site
    fly = (await post(root, "json", report_form(key))).json()[0]["service_request_id"]
    graffiti = (
        await post(
            root,
            "json",
            report_form(key, service_code="graffiti", **{"attribute[fixmystreet_id]": "9"}),
        )
    ).json()[0]["service_request_id"]
    client = GeoReport(root)
    both = await asyncio.to_thread(
        client.get_service_requests, service_request_id=f"{fly},NOPE-1,{graffiti}"
    )
    assert sorted(r["service_request_id"] for r in both) == sorted([fly, graffiti])
    only = await asyncio.to_thread(client.get_service_requests, service_code="graffiti")
    assert [r["service_request_id"] for r in only] == [graffiti]
    closed = await asyncio.to_thread(client.get_service_requests, status="closed")
    assert closed == []
    past = await asyncio.to_thread(
        client.get_service_requests,
        start_date="2020-01-01T00:00:00Z",
        end_date="2020-02-01T00:00:00+01:00",
    )
    assert past == []
    too_long = await get(
        root, "requests.json", start_date="2020-01-01T00:00:00Z", end_date="2020-06-01T00:00:00Z"
    )
    assert too_long.status_code == 400 and too_long.json()[0]["code"] == 400
    naive = await get(root, "requests.json", start_date="2020-01-01")
    assert naive.status_code == 400
    missing = await get(root, "requests/NOPE-1.xml")
    assert missing.status_code == 404
    assert ET.fromstring(missing.content).findtext("error/code") == "404"
    unknown_service = await get(root, "services/nothing.json")
    assert unknown_service.status_code == 404
    bad_format = await get(root, "services.html")
    assert bad_format.status_code == 404


async def test_a_token_answers_with_its_request(site, pdms_db):
    root, key = site
    request_id = (await post(root, "json", report_form(key))).json()[0]["service_request_id"]
    from sqlalchemy import select

    from pdms_env_tickets.models import Ticket

    async with pdms_db.sessionmaker() as session:
        token = await session.scalar(select(Ticket.open311_token))
    answer = await get(root, f"tokens/{token}.json")
    assert answer.json() == [{"service_request_id": request_id, "token": token}]
    assert (await get(root, "tokens/nothing.json")).status_code == 404


async def open311_audit_rows(db: Any) -> list[tuple[Any, ...]]:
    trail = table(
        "audit_event",
        *(column(name) for name in ("id", "action", "outcome", "actor_id", "ip")),
        *(column(name) for name in ("target_type", "target_id")),
    )
    statement = (
        select(
            trail.c.outcome, trail.c.actor_id, trail.c.ip, trail.c.target_type, trail.c.target_id
        )
        .where(trail.c.action == "open311CreateRequest")
        .order_by(trail.c.id)
    )
    async with db.sessionmaker() as session:
        return [tuple(row) for row in await session.execute(statement)]


async def key_actor_id(db: Any, name: str) -> str:
    keys = table("api_key", column("id"), column("name"))
    async with db.sessionmaker() as session:
        number = await session.scalar(select(keys.c.id).where(keys.c.name == name))
    return f"apikey:{number}"


async def test_a_post_is_audited_naming_the_ticket_and_the_key(site, pdms_db):
    root, key = site
    answer = await post(root, "json", report_form(key))
    assert answer.status_code == 200, answer.text
    async with pdms_db.sessionmaker() as session:
        ticket_id = await session.scalar(select(Ticket.id))
    assert await open311_audit_rows(pdms_db) == [
        ("ok", await key_actor_id(pdms_db, "Test feed"), "127.0.0.1", "Ticket", str(ticket_id))
    ]


@pytest.mark.parametrize(
    ("change", "status", "outcome", "signed"),
    [
        ({"api_key": "pdms_key_00000000.wrong"}, 403, "denied", False),
        ({"api_key": ""}, 403, "denied", False),
        ({"attribute[size]": "mountain"}, 400, "rejected", True),
        ({"service_code": "no_such_service"}, 404, "rejected", True),
    ],
)
async def test_a_refused_post_is_audited_naming_no_record(
    site, pdms_db, change, status, outcome, signed
):
    root, key = site
    answer = await post(root, "json", report_form(key, **change))
    assert answer.status_code == status
    actor = await key_actor_id(pdms_db, "Test feed") if signed else None
    assert await open311_audit_rows(pdms_db) == [(outcome, actor, "127.0.0.1", None, None)]
    assert await ticket_count(pdms_db) == 0


async def test_a_key_without_the_submit_permission_is_audited_as_denied(site, pdms_db, pdms_host):
    root, _ = site
    reader = await partner_key(pdms_db, pdms_host, "env_tickets.ticket.read", name="Reader")
    answer = await post(root, "json", report_form(reader))
    assert answer.status_code == 403
    assert await open311_audit_rows(pdms_db) == [
        ("denied", await key_actor_id(pdms_db, "Reader"), "127.0.0.1", None, None)
    ]
