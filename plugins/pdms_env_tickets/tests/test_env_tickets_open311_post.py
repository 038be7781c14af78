"""Open311 POSTs over real HTTP: an address_string given alone is geocoded against core's
gazetteer, and the key's per-minute rate limit holds on the Open311 routes too.

The `georeport` client only reads (it has no call that POSTs a request), so POSTs go
through httpx to the app under uvicorn on loopback, as the reporting sites send them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from env_tickets_support import OFFICER, ticket_count
from open311_server import serving
from pdms_core.plugin import core_tables
from pdms_core.testing.apikeys import partner_key
from sqlalchemy import insert
from test_env_tickets_open311 import SUBMIT, TICKETS, open311_audit_rows, post, report_form

NEIGHBOURS = ("2 Fictional Lane, Testbury, TB1 1AB", "Flat 3, 4 Fictional Lane, Testbury")


@pytest.fixture
async def street(pdms_db, world):
    """Two more properties on the world's lane."""
    async with pdms_db.sessionmaker() as session, session.begin():
        for n, address in enumerate(NEIGHBOURS):
            await session.execute(
                insert(core_tables.place).values(
                    uprn=100012345690 + n, single_line_address=address, version=1
                )
            )
    return world


def by_address(key: str, address: str) -> dict[str, str]:
    form = report_form(key, address_string=address)
    del form["lat"], form["long"]
    return form


def error_of(answer, fmt):
    if fmt == "json":
        [error] = answer.json()
        return error["code"], error["description"]
    document = ET.fromstring(answer.content)
    return int(document.findtext("error/code")), document.findtext("error/description")


@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_an_address_string_alone_puts_the_ticket_at_the_one_place_it_names(
    pdms_app, pdms_db, pdms_host, street, graphql, fmt
):
    key = await partner_key(pdms_db, pdms_host, SUBMIT)
    async with serving(pdms_app) as root:
        answer = await post(root, fmt, by_address(key, "1 fictional lane testbury"))
    assert answer.status_code == 200, answer.text
    edges = (await graphql.as_actor(OFFICER).execute(TICKETS)).ok()["envTicketsTickets"]["edges"]
    [ticket] = [e["node"] for e in edges]
    assert ticket["placeId"] == street.place


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("Fictional Lane, Testbury", "matches 3 known properties"),
        ("5 Fictional Lane", "matches no known property"),
        ("9 Imaginary Road, Nowhere", "matches no known property"),
        ("1 Fictional Ln", "matches no known property"),
    ],
)
async def test_an_address_string_naming_no_one_place_is_refused_saying_why(
    pdms_app, pdms_db, pdms_host, street, fmt, address, why
):
    key = await partner_key(pdms_db, pdms_host, SUBMIT)
    async with serving(pdms_app) as root:
        answer = await post(root, fmt, by_address(key, address))
    assert answer.status_code == 400
    code, description = error_of(answer, fmt)
    assert code == 400 and why in description and "lat and long" in description
    assert await ticket_count(pdms_db) == 0


async def test_the_keys_rate_limit_holds_on_open311_posts(pdms_app, pdms_db, pdms_host, world):
    key = await partner_key(pdms_db, pdms_host, SUBMIT, per_minute=2)
    answers = []
    async with serving(pdms_app) as root:
        # five posts cannot straddle two of the limiter's minute windows
        for n in range(5):
            form = report_form(key, **{"attribute[fixmystreet_id]": str(n)})
            answers.append(await post(root, "json" if n % 2 else "xml", form))
            if answers[-1].status_code == 429:
                break
    codes = [a.status_code for a in answers]
    assert codes[:2] == [200, 200] and codes[-1] == 429 and len(codes) <= 5
    refused = answers[-1]
    assert refused.headers["retry-after"] == "60"
    fmt = "json" if (len(codes) - 1) % 2 else "xml"
    code, description = error_of(refused, fmt)
    assert code == 429 and "api_key" in description
    # the refused report stored nothing, and is audited as throttled
    assert await ticket_count(pdms_db) == codes.count(200)
    assert [row[0] for row in await open311_audit_rows(pdms_db)][-1] == "throttled"
