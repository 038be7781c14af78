"""Recording contacts: standalone, classified, on Person and Place, typed errors."""

from __future__ import annotations

import pytest
from customer_interactions_support import HANDLER, READER, RECORD, RECORDER, contact, prepared

MODULE_RECORDS = """
query($person: ID!, $place: ID!) {
  person(id: $person) { moduleRecords { module summary
    ... on CustomerInteractionsInteraction { callerWords outcome { code } } } }
  place(id: $place) { moduleRecords { module ... on CustomerInteractionsInteraction {
    channel { code label } } } }
}
"""
CONTACTS = """
query($person: ID) { customerInteractionsContacts(personId: $person) {
  nodes { callerWords nature failureReason { code label } } } }
"""


async def test_a_contact_resolved_at_first_point_shows_on_person_and_place(
    graphql, pdms_db, pdms_host
):
    # given a caller at a place
    ids = await prepared(pdms_db, pdms_host)
    # when the handler records the contact
    done = await graphql.as_actor(RECORDER).execute(
        RECORD, {"input": contact(personId=ids["gid"]["person"], placeId=ids["gid"]["place"])}
    )
    payload = done.ok()["customerInteractionsRecord"]
    # then it is stored alone, and shows on the person and the place
    assert payload["errors"] == []
    assert payload["interaction"]["outcome"] == {"code": "resolved_first_contact"}
    assert payload["interaction"]["caseId"] is None and payload["case"] is None
    records = await graphql.as_actor(HANDLER).execute(
        MODULE_RECORDS, {"person": ids["gid"]["person"], "place": ids["gid"]["place"]}
    )
    data = records.ok()
    assert data["person"]["moduleRecords"] == [
        {
            "module": "customer_interactions",
            "summary": "Contact 01/12/2026 10:15: When is my bin collected?",
            "callerWords": "When is my bin collected?",
            "outcome": {"code": "resolved_first_contact"},
        }
    ]
    assert data["place"]["moduleRecords"] == [
        {"module": "customer_interactions", "channel": {"code": "phone", "label": "Phone"}}
    ]


async def test_a_chaser_is_failure_demand_with_its_reason(graphql, pdms_db, pdms_host):
    await prepared(pdms_db, pdms_host)
    chaser = contact(nature="FAILURE", failureReasonCode="chasing", callerWords="Still waiting")
    assert (await graphql.as_actor(RECORDER).execute(RECORD, {"input": chaser})).ok()[
        "customerInteractionsRecord"
    ]["errors"] == []
    listed = await graphql.as_actor(READER).execute(CONTACTS, {"person": None})
    assert listed.ok()["customerInteractionsContacts"]["nodes"] == [
        {
            "callerWords": "Still waiting",
            "nature": "FAILURE",
            "failureReason": {"code": "chasing", "label": "Chasing progress"},
        }
    ]


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"channelCode": "carrier_pigeon"}, "channelCode", "VALIDATION"),
        ({"demandTypeCode": "no_such_type"}, "demandTypeCode", "VALIDATION"),
        ({"nature": "FAILURE"}, "failureReasonCode", "VALIDATION"),
        ({"failureReasonCode": "chasing"}, "failureReasonCode", "VALIDATION"),
        ({"outcomeCode": "case_opened"}, "caseId", "VALIDATION"),
        ({"endedAt": "2026-12-01T10:00:00+00:00"}, "endedAt", "VALIDATION"),
        ({"startedAt": "2999-01-01T10:00:00+00:00"}, "startedAt", "VALIDATION"),
        ({"demandModule": "no_such_module"}, "demandModule", "VALIDATION"),
    ],
)
async def test_bad_contacts_are_typed_errors_and_store_nothing(
    graphql, pdms_db, pdms_host, overrides, field, code
):
    await prepared(pdms_db, pdms_host)
    done = await graphql.as_actor(RECORDER).execute(RECORD, {"input": contact(**overrides)})
    payload = done.ok()["customerInteractionsRecord"]
    assert payload["interaction"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)]
    listed = await graphql.as_actor(READER).execute(CONTACTS, {"person": None})
    assert listed.ok()["customerInteractionsContacts"]["nodes"] == []


async def test_an_unknown_person_is_not_found(graphql, pdms_db, pdms_host):
    await prepared(pdms_db, pdms_host)
    done = await graphql.as_actor(RECORDER).execute(
        RECORD,
        {"input": contact(personId="UGVyc29uOjk5OTk5")},  # Person:99999
    )
    errors = done.ok()["customerInteractionsRecord"]["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [("NOT_FOUND", "personId")]


async def test_each_field_needs_its_permission(graphql, pdms_db, pdms_host):
    await prepared(pdms_db, pdms_host)
    denied = await graphql.as_actor(READER).execute(RECORD, {"input": contact()})
    assert denied.error_codes() == ["PERMISSION_DENIED"]
    # a caller without credentials is told to sign in
    anonymous = await graphql.as_actor(None).execute(CONTACTS, {"person": None})
    assert anonymous.error_codes() == ["UNAUTHENTICATED"]
