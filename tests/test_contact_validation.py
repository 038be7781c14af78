"""Emails (email-validator) and UK phone numbers (phonenumbers) through GraphQL.

Phones are stored in UK national format (``07700 900123``) and searched on their
digits; emails as email-validator normalises them, without DNS look-ups.
"""

from __future__ import annotations

import pytest

from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.lookups.sync import sync_lookups
from pdms_core.testing.actors import staff

CREATE = """mutation($i: PersonInput!) { createPerson(input: $i) { person { id } } }"""
ADD_CONTACT = """mutation($i: AddContactDetailInput!) { addContactDetail(input: $i) {
  person { contactDetails { value type { code } } } errors { code field message } } }"""
FIND = """query($c: String!) { people(search: {contact: $c}) { nodes { forenames } } }"""
CREATE_STAFF = """mutation($i: CreateStaffUserInput!) { createStaffUser(input: $i) {
  user { email } errors { code field message } } }"""
OFFICER = staff("core.people.read", "core.people.write")


@pytest.fixture
async def officer(graphql, pdms_db, pdms_host):
    async with unit_of_work(pdms_db.sessionmaker) as session:
        await sync_lookups(session, pdms_host.lookup_sets)
    return graphql.as_actor(OFFICER)


async def _add(client, type_code: str, value: str) -> dict:
    person = (
        await client.execute(CREATE, {"i": {"forenames": "Tamsin", "surname": "Fictional"}})
    ).ok()["createPerson"]["person"]
    given = {"personId": person["id"], "expectedVersion": 1, "typeCode": type_code}
    return (await client.execute(ADD_CONTACT, {"i": {**given, "value": value}})).ok()[
        "addContactDetail"
    ]


@pytest.mark.parametrize(
    ("type_code", "given", "stored", "search"),
    [
        ("mobile", "+44 (0)7700 900461", "07700 900461", "07700900461"),
        ("mobile", "+447700900462", "07700 900462", "+44 7700 900 462"),
        ("landline", "01632-960-463", "01632 960463", "01632960463"),
        ("landline", "020 7946 0464", "020 7946 0464", "02079460464"),
        (
            "email",
            "  Tamsin.Fictional@EXAMPLE.org ",
            "Tamsin.Fictional@example.org",
            "tamsin.fictional@example.org",
        ),
    ],
)
async def test_valid_contacts_are_stored_normalised_and_found(
    officer, type_code, given, stored, search
):
    payload = await _add(officer, type_code, given)
    assert payload["errors"] == []
    assert payload["person"]["contactDetails"] == [{"value": stored, "type": {"code": type_code}}]
    found = (await officer.execute(FIND, {"c": search})).ok()["people"]["nodes"]
    assert found == [{"forenames": "Tamsin"}]


@pytest.mark.parametrize(
    ("type_code", "value"),
    [
        ("mobile", "07700 9004"),  # too short for a UK number
        ("mobile", "+1 202 555 0100"),  # not a UK number
        ("landline", "0161 496 0000 0000"),  # too long
        ("landline", "phone me"),
        ("email", "tamsin@example"),  # no top-level domain
        ("email", "tamsin..fictional@example.org"),
        ("email", "tamsin@localhost"),
        ("email", "Tamsin Fictional <tamsin@example.org>"),
    ],
)
async def test_invalid_contacts_are_refused_without_repeating_them(officer, type_code, value):
    payload = await _add(officer, type_code, value)
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("VALIDATION", "value")]
    assert value not in payload["errors"][0]["message"]


@pytest.mark.parametrize(
    ("email", "accepted"),
    [
        ("Tamsin.Admin@Council.example", True),
        ("tamsin@council.invalid", True),
        ("tamsin@council", False),
        ("tamsin@@council.example", False),
        ("tamsin@[127.0.0.1]", False),
    ],
)
async def test_staff_emails_are_checked_by_email_validator(graphql, email, accepted):
    admin = graphql.as_actor(staff("core.users.manage", "core.staff.read"))
    result = await admin.execute(
        CREATE_STAFF,
        {"i": {"email": email, "displayName": "Tamsin", "password": "correct-horse-battery-2025"}},
    )
    payload = result.ok()["createStaffUser"]
    if accepted:
        assert payload["errors"] == [] and payload["user"]["email"] == email
    else:
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [("VALIDATION", "email")]
