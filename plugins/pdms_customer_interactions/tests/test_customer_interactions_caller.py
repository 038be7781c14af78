"""The call handler's one query and one mutation."""

from __future__ import annotations

from customer_interactions_support import HANDLER, RECORD, RULE_MAKER, contact, prepared

CALLER = """
query($person: ID, $place: ID, $type: String) {
  customerInteractionsCaller(personId: $person, placeId: $place, demandTypeCode: $type,
                             channelCode: "phone", last: 3) {
    person { surname moduleRecords { module summary } }
    place { singleLineAddress moduleRecords { module } }
    openCases { reference team { name } officer { displayName }
                demands { type { code } nature } }
    lastContacts { callerWords outcome { code } }
    suggestion { ruleCode teamName officerName explanation }
  }
}
"""
#: The caller view's statements, whatever the number of records: open cases (with the
#: teams of the person's), last contacts, the rules' facts with the rule book's head,
#: the state of the teams the matching rules can route to; then in batches the person,
#: the place, the cases' teams, officers and demands, the contacts' codes, the person's
#: and the place's contacts (moduleRecords), core's lookup values; and the audit row.
STATEMENTS = 14
SAVE = """
mutation($rules: [CustomerInteractionsRuleInput!]!) {
  customerInteractionsSaveRules(expectedVersion: 0, rules: $rules) { errors { field } }
}
"""


async def test_one_query_shows_the_caller_in_bounded_statements(
    graphql, pdms_db, pdms_host, sql_statements
):
    # given a caller with an open case from an earlier call and two more contacts
    ids = await prepared(pdms_db, pdms_host)
    g = ids["gid"]
    rules = [
        {"code": "same_team", "targetKind": "CURRENT_TEAM", "fallbackRuleCode": "street"},
        {"code": "street", "targetKind": "TEAM", "teamId": g["street"]},
    ]
    saved = await graphql.as_actor(RULE_MAKER).execute(SAVE, {"rules": rules})
    assert saved.ok()["customerInteractionsSaveRules"]["errors"] == []
    opened = await graphql.as_actor(HANDLER).execute(
        RECORD,
        {
            "input": contact(
                personId=g["person"],
                placeId=g["place"],
                outcomeCode="case_opened",
                callerWords="Bin not collected",
                demandTypeCode="repairs",
                openCase={"summary": "Missed bin"},
            )
        },
    )
    case = opened.ok()["customerInteractionsRecord"]["case"]
    for words in ("Which day is collection?", "Thanks"):
        await graphql.as_actor(HANDLER).execute(
            RECORD, {"input": contact(personId=g["person"], callerWords=words)}
        )

    # when the handler looks the caller up
    sql_statements.reset()
    seen = await graphql.as_actor(HANDLER).execute(
        CALLER, {"person": g["person"], "place": g["place"], "type": "repairs"}
    )
    view = seen.ok()["customerInteractionsCaller"]
    count = sql_statements.count

    # then everything is there
    assert view["person"]["surname"] == "Vulnerable"
    assert len(view["person"]["moduleRecords"]) == 3
    assert view["openCases"] == [
        {
            "reference": case["reference"],
            "team": {"name": "Street scene"},
            "officer": {"displayName": "Sid Street"},
            "demands": [{"type": {"code": "repairs"}, "nature": "VALUE"}],
        }
    ]
    assert [c["callerWords"] for c in view["lastContacts"]] == [
        "Thanks",
        "Which day is collection?",
        "Bin not collected",
    ]
    assert view["suggestion"]["ruleCode"] == "same_team"
    assert view["suggestion"]["teamName"] == "Street scene"
    # and the statement count does not grow with the records
    for words in ("Another", "And another"):
        await graphql.as_actor(HANDLER).execute(
            RECORD,
            {
                "input": contact(
                    personId=g["person"], callerWords=words, outcomeCode="case_opened", openCase={}
                )
            },
        )
    sql_statements.reset()
    again = await graphql.as_actor(HANDLER).execute(
        CALLER, {"person": g["person"], "place": g["place"], "type": "repairs"}
    )
    assert len(again.ok()["customerInteractionsCaller"]["openCases"]) == 3
    assert sql_statements.count == count
    assert count == STATEMENTS, sql_statements.statements


async def test_joining_an_existing_case_adds_the_demand(graphql, pdms_db, pdms_host):
    ids = await prepared(pdms_db, pdms_host)
    g = ids["gid"]
    opened = await graphql.as_actor(HANDLER).execute(
        RECORD,
        {
            "input": contact(
                personId=g["person"], outcomeCode="case_opened", openCase={"teamId": g["street"]}
            )
        },
    )
    case_id = opened.ok()["customerInteractionsRecord"]["case"]["id"]
    chaser = contact(
        personId=g["person"],
        outcomeCode="added_to_case",
        caseId=case_id,
        nature="FAILURE",
        failureReasonCode="chasing",
    )
    joined = await graphql.as_actor(HANDLER).execute(RECORD, {"input": chaser})
    payload = joined.ok()["customerInteractionsRecord"]
    assert payload["errors"] == []
    assert payload["interaction"]["caseId"] == case_id
    assert payload["interaction"]["demandId"] is not None


async def test_opening_a_case_needs_case_write(graphql, pdms_db, pdms_host):
    from customer_interactions_support import RECORDER

    await prepared(pdms_db, pdms_host)
    done = await graphql.as_actor(RECORDER).execute(
        RECORD, {"input": contact(outcomeCode="case_opened", openCase={})}
    )
    errors = done.ok()["customerInteractionsRecord"]["errors"]
    assert [e["code"] for e in errors] == ["PERMISSION_DENIED"]


async def test_a_call_just_after_midnight_bst_opens_the_case_that_day(graphql, pdms_db, pdms_host):
    await prepared(pdms_db, pdms_host)
    # 23:30 UTC on 1 July is 00:30 on 2 July in England
    done = await graphql.as_actor(HANDLER).execute(
        RECORD,
        {
            "input": contact(
                outcomeCode="case_opened", openCase={}, startedAt="2026-07-01T23:30:00+00:00"
            )
        },
    )
    case_id = done.ok()["customerInteractionsRecord"]["case"]["id"]
    opened = await graphql.as_actor(HANDLER).execute(
        "query($id: ID!) { case(id: $id) { openedOn demands { receivedOn } } }", {"id": case_id}
    )
    assert opened.ok()["case"] == {
        "openedOn": "2026-07-02",
        "demands": [{"receivedOn": "2026-07-02"}],
    }


async def test_the_caller_view_without_person_or_place_is_empty(graphql, pdms_db, pdms_host):
    await prepared(pdms_db, pdms_host)
    seen = await graphql.as_actor(HANDLER).execute(
        "{ customerInteractionsCaller { person { surname } openCases { id } lastContacts { id }"
        " suggestion { ruleCode } } }"
    )
    assert seen.ok()["customerInteractionsCaller"] == {
        "person": None,
        "openCases": [],
        "lastContacts": [],
        "suggestion": None,
    }
