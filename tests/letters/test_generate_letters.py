"""Generating letters for people and cases, read back from the document store."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy import func, select
from strawberry import relay

from pdms_core.audit.models import AuditEvent
from pdms_core.documents.models import Document
from pdms_core.letters.formatting import british_date
from pdms_core.testing.actors import staff
from pdms_core.today import today
from tests.letters.conftest import OFFICER_PERMISSIONS
from tests.letters.letters_support import (
    FIELDS,
    GENERATE,
    add_officer,
    add_place,
    stored_bytes,
    upload,
    word_file,
    word_text,
)

CREATE_PERSON = """
mutation($i: PersonInput!) { createPerson(input: $i) { person { id version } errors { message } } }
"""
ADD_ADDRESS = """
mutation($i: AddPersonAddressInput!) {
  addPersonAddress(input: $i) { person { id version } errors { code message } }
}
"""
OPEN_CASE = """
mutation($i: OpenCaseInput!) { openCase(input: $i) { case { id reference } errors { message } } }
"""
PERSON_LETTER = word_file(
    [
        "{{ council_name }}",
        "{{ today }}",
        "{{ full_name }}",
        "{{ correspondence_address }}",
        "{{ salutation }},",
        "Yours sincerely, {{ officer_name }}, {{ officer_team }}",
    ],
    table=[
        ["{%tr for line in correspondence_address_lines %}"],
        ["{{ line }}"],
        ["{%tr endfor %}"],
    ],
)
ACKNOWLEDGEMENT = word_file(
    [
        "{{ full_name }}",
        "{{ correspondence_address }}",
        "Our reference: {{ case_reference }}",
        "Opened on {{ case_opened_on }} about {{ place_address_lines|join(', ') }}.",
    ]
)


async def _person(client, title, forenames, surname, *addresses):
    created = await client.execute(
        CREATE_PERSON, {"i": {"title": title, "forenames": forenames, "surname": surname}}
    )
    person = created.ok()["createPerson"]["person"]
    for place_id, role, from_date in addresses:
        added = await client.execute(
            ADD_ADDRESS,
            {
                "i": {
                    "personId": person["id"],
                    "expectedVersion": person["version"],
                    "placeId": place_id,
                    "roleCode": role,
                    "fromDate": from_date,
                }
            },
        )
        person = added.ok()["addPersonAddress"]["person"]
    return person["id"]


def person_id_number(global_id: str) -> str:
    return relay.GlobalID.from_id(global_id).node_id


async def _officer(graphql, pdms_db, *permissions):
    actor = await add_officer(pdms_db, "Sam Officer", "Housing Needs", *permissions)
    return graphql.as_actor(actor)


async def _places(db):
    home = await add_place(
        db,
        pao_start_number=14,
        street="High Street",
        town="Testville",
        postcode="TE1 1ST",
        single_line_address="14 High Street, Testville, TE1 1ST",
    )
    post = await add_place(
        db,
        sao_text="Flat 2",
        pao_text="Rose Court",
        pao_start_number=3,
        street="Mill Lane",
        locality="Upper Testing",
        town="Testville",
        postcode="TE2 9ZZ",
        single_line_address="Flat 2, Rose Court, 3 Mill Lane, Upper Testing, Testville, TE2 9ZZ",
    )
    return home, post


async def test_a_person_letter_is_filled_from_the_graph_and_stored_on_the_person(
    graphql, manager, pdms_db, pdms_settings
):
    # given a person with a home and a separate correspondence address
    officer = await _officer(graphql, pdms_db, *OFFICER_PERMISSIONS)
    home, post = await _places(pdms_db)
    person_id = await _person(
        officer, "Ms", "Alex", "Doe", (home, "home", "2020-01-01"), (post, "correspondence", None)
    )
    template = (await upload(manager, "core.person_letter", "General", PERSON_LETTER))["template"]

    # when a letter is generated
    result = await officer.execute(
        GENERATE, {"input": {"purpose": "core.person_letter", "holderId": person_id}}
    )

    # then it is a Word document on the person, whose text is merged from the graph
    payload = result.ok()["generateLetter"]
    assert payload["errors"] == []
    document = payload["document"]
    assert document["holderId"] == person_id
    assert document["category"] == {"code": "letter"}
    assert document["fileName"] == f"general-{today().isoformat()}.docx"
    assert document["title"] == f"General, {british_date(today())}"
    paragraphs, cells = word_text(await stored_bytes(pdms_db, pdms_settings, document["id"]))
    assert paragraphs == [
        "The Council",
        british_date(today()),
        "Ms Alex Doe",
        "Flat 2, Rose Court\n3 Mill Lane\nUpper Testing\nTestville\nTE2 9ZZ",
        "Dear Ms Doe,",
        "Yours sincerely, Sam Officer, Housing Needs",
    ]
    assert cells == [
        ["Flat 2, Rose Court"],
        ["3 Mill Lane"],
        ["Upper Testing"],
        ["Testville"],
        ["TE2 9ZZ"],
    ]
    assert template["id"]


async def test_british_dates_have_no_leading_zero_and_full_months():
    assert british_date(date(2026, 12, 7)) == "7 December 2026"
    assert british_date(date(2027, 3, 31)) == "31 March 2027"


async def test_without_a_correspondence_address_the_home_is_used(
    graphql, manager, pdms_db, pdms_settings
):
    officer = await _officer(graphql, pdms_db, *OFFICER_PERMISSIONS)
    home, _ = await _places(pdms_db)
    person_id = await _person(officer, None, "Jo", "Bloggs", (home, "home", None))
    await upload(manager, "core.person_letter", "General", PERSON_LETTER)

    result = await officer.execute(
        GENERATE, {"input": {"purpose": "core.person_letter", "holderId": person_id}}
    )

    document = result.ok()["generateLetter"]["document"]
    paragraphs, _ = word_text(await stored_bytes(pdms_db, pdms_settings, document["id"]))
    assert paragraphs[2:5] == ["Jo Bloggs", "14 High Street\nTestville\nTE1 1ST", "Dear Jo Bloggs,"]


async def test_a_case_acknowledgement_names_the_reference_and_the_place(
    graphql, manager, pdms_db, pdms_settings, synced
):
    officer = await _officer(graphql, pdms_db, *OFFICER_PERMISSIONS)
    home, post = await _places(pdms_db)
    reporter = await _person(officer, "Dr", "Pat", "Reporter", (post, "correspondence", None))
    subject = await _person(officer, "Mr", "Sam", "Subject", (home, "home", None))
    opened = await officer.execute(
        OPEN_CASE,
        {
            "i": {
                "summary": "Damp",
                "openedOn": "2026-12-02",
                "placeIds": [home],
                "parties": [
                    {"personId": subject, "roleCode": "subject"},
                    {"personId": reporter, "roleCode": "reporter"},
                ],
            }
        },
    )
    case = opened.ok()["openCase"]["case"]
    await upload(manager, "core.case_acknowledgement", "Acknowledgement", ACKNOWLEDGEMENT)

    result = await officer.execute(
        GENERATE, {"input": {"purpose": "core.case_acknowledgement", "holderId": case["id"]}}
    )

    document = result.ok()["generateLetter"]["document"]
    assert document["holderId"] == case["id"]
    paragraphs, _ = word_text(await stored_bytes(pdms_db, pdms_settings, document["id"]))
    assert paragraphs == [
        "Dr Pat Reporter",
        "Flat 2, Rose Court\n3 Mill Lane\nUpper Testing\nTestville\nTE2 9ZZ",
        f"Our reference: {case['reference']}",
        "Opened on 2 December 2026 about 14 High Street, Testville, TE1 1ST.",
    ]


async def test_missing_fields_are_listed_before_and_named_when_generating(
    graphql, manager, pdms_db
):
    # given a person with no address and an officer in no team
    actor = await add_officer(pdms_db, "Lone Officer", None, *OFFICER_PERMISSIONS)
    officer = graphql.as_actor(actor)
    person_id = await _person(officer, "Ms", "Alex", "Doe")
    await upload(manager, "core.person_letter", "General", PERSON_LETTER)

    # when the fields are asked for, then the missing ones are listed with why
    fields = (
        await officer.execute(FIELDS, {"purpose": "core.person_letter", "holderId": person_id})
    ).ok()["letterFields"]
    assert fields["ready"] is False
    assert fields["missing"] == [
        {"name": "correspondence_address", "missing": "Ms Alex Doe has no correspondence address"},
        {
            "name": "correspondence_address_lines",
            "missing": "Ms Alex Doe has no correspondence address",
        },
        {"name": "officer_team", "missing": "Lone Officer belongs to no team"},
    ]
    values = {f["name"]: f["value"] for f in fields["fields"]}
    assert values["salutation"] == "Dear Ms Doe" and values["full_name"] == "Ms Alex Doe"
    # (the answer shows the person's details: a read of the person, audited as one)
    async with pdms_db.sessionmaker() as session:
        reads = (
            await session.execute(
                select(AuditEvent.target_type, AuditEvent.target_id).where(
                    AuditEvent.action == "read", AuditEvent.actor_id == actor.id
                )
            )
        ).all()
    assert ("Person", person_id_number(person_id)) in reads

    # and generating names each of them, storing nothing
    result = await officer.execute(
        GENERATE, {"input": {"purpose": "core.person_letter", "holderId": person_id}}
    )
    payload = result.ok()["generateLetter"]
    assert payload["document"] is None
    assert [e["message"] for e in payload["errors"]] == [
        "correspondence_address: Ms Alex Doe has no correspondence address",
        "correspondence_address_lines: Ms Alex Doe has no correspondence address",
        "officer_team: Lone Officer belongs to no team",
    ]
    assert {e["code"] for e in payload["errors"]} == {"VALIDATION"}


async def test_generating_needs_the_permission_and_read_access_to_the_record(
    graphql, manager, pdms_db
):
    officer = await _officer(graphql, pdms_db, *OFFICER_PERMISSIONS)
    home, _ = await _places(pdms_db)
    person_id = await _person(officer, "Ms", "Alex", "Doe", (home, "home", None))
    await upload(manager, "core.person_letter", "General", PERSON_LETTER)
    variables = {"input": {"purpose": "core.person_letter", "holderId": person_id}}

    no_permission = await graphql.as_actor(staff("core.people.read")).execute(GENERATE, variables)
    no_reading = await graphql.as_actor(
        staff("core.letter.generate", "core.document.read")
    ).execute(GENERATE, variables)
    wrong_type = await officer.execute(
        GENERATE, {"input": {"purpose": "core.case_acknowledgement", "holderId": person_id}}
    )

    assert no_permission.error_codes() == ["PERMISSION_DENIED"]
    assert no_reading.ok()["generateLetter"]["errors"][0]["code"] == "PERMISSION_DENIED"
    assert wrong_type.ok()["generateLetter"]["errors"] == [
        {"code": "VALIDATION", "field": "holderId", "message": "This is not the ID of a Case."}
    ]
    async with pdms_db.sessionmaker() as session:
        rows = (
            await session.execute(
                select(AuditEvent.action, AuditEvent.outcome).where(
                    AuditEvent.action == "generateLetter"
                )
            )
        ).all()
    assert sorted(rows) == [
        ("generateLetter", "denied"),
        ("generateLetter", "rejected"),
        ("generateLetter", "rejected"),
    ]


async def test_a_generated_letter_is_audited_with_its_document(graphql, manager, pdms_db):
    officer = await _officer(graphql, pdms_db, *OFFICER_PERMISSIONS)
    home, _ = await _places(pdms_db)
    person_id = await _person(officer, "Ms", "Alex", "Doe", (home, "home", None))
    await upload(manager, "core.person_letter", "General", PERSON_LETTER)

    result = await officer.execute(
        GENERATE, {"input": {"purpose": "core.person_letter", "holderId": person_id}}
    )

    document_id = result.ok()["generateLetter"]["document"]["id"]
    async with pdms_db.sessionmaker() as session:
        row = await session.scalar(select(AuditEvent).where(AuditEvent.action == "generateLetter"))
    assert (row.outcome, row.target_type) == ("ok", "Document")
    assert document_id


async def test_values_cannot_break_the_document(graphql, manager, pdms_db, pdms_settings):
    # a name with XML's special characters, and a template calling a method of a value
    officer = await _officer(graphql, pdms_db, *OFFICER_PERMISSIONS)
    home, _ = await _places(pdms_db)
    person_id = await _person(officer, None, "Ann & <Co>", "O'Neil", (home, "home", None))
    template = word_file(["{{ full_name }}", "{{ surname.upper() }}", "{{ 'ab' * 2 }}"])
    await upload(manager, "core.person_letter", "Odd", template)

    result = await officer.execute(
        GENERATE, {"input": {"purpose": "core.person_letter", "holderId": person_id}}
    )

    document = result.ok()["generateLetter"]["document"]
    paragraphs, _ = word_text(await stored_bytes(pdms_db, pdms_settings, document["id"]))
    assert paragraphs == ["Ann & <Co> O'Neil", "O'NEIL", "abab"]


ESCAPES_UPLOAD_CANNOT_SEE = {
    "{{ '{0.__class__.__mro__}'['format'](surname) }}": "access to attribute 'format' of "
    "'str' object is unsafe.",
    "{{ surname.upper }}": "a template may print values only, not methods or functions",
    "{{ surname * 1000000000 }}": "a value longer than 100,000 is not allowed",
    "{{ 9 ** 999999 }}": "a number longer than 1,000 digits is not allowed",
}


@pytest.mark.parametrize("escape", sorted(ESCAPES_UPLOAD_CANNOT_SEE))
async def test_sandbox_escapes_that_pass_upload_fail_harmlessly(graphql, manager, pdms_db, escape):
    # given a template whose escape hides in a string or a call the upload check allows
    officer = await _officer(graphql, pdms_db, *OFFICER_PERMISSIONS)
    home, _ = await _places(pdms_db)
    person_id = await _person(officer, "Ms", "Alex", "Doe", (home, "home", None))
    uploaded = await upload(manager, "core.person_letter", "Sly", word_file([escape]))
    assert uploaded["errors"] == []

    # when a letter is generated, then the sandbox stops it and nothing is stored
    result = await officer.execute(
        GENERATE, {"input": {"purpose": "core.person_letter", "holderId": person_id}}
    )

    assert result.ok()["generateLetter"] == {
        "document": None,
        "errors": [
            {
                "code": "VALIDATION",
                "field": "templateId",
                "message": "The template could not be filled: " + ESCAPES_UPLOAD_CANNOT_SEE[escape],
            }
        ],
    }
    async with pdms_db.sessionmaker() as session:
        assert await session.scalar(select(func.count(Document.id))) == 0


async def test_with_several_active_templates_one_must_be_chosen(graphql, manager, pdms_db):
    officer = await _officer(graphql, pdms_db, *OFFICER_PERMISSIONS)
    home, _ = await _places(pdms_db)
    person_id = await _person(officer, "Ms", "Alex", "Doe", (home, "home", None))
    await upload(manager, "core.person_letter", "English", word_file(["{{ full_name }}"]))
    welsh = (await upload(manager, "core.person_letter", "Welsh", word_file(["{{ surname }}"])))[
        "template"
    ]

    unchosen = await officer.execute(
        GENERATE, {"input": {"purpose": "core.person_letter", "holderId": person_id}}
    )
    chosen = await officer.execute(
        GENERATE,
        {
            "input": {
                "purpose": "core.person_letter",
                "holderId": person_id,
                "templateId": welsh["id"],
            }
        },
    )

    assert unchosen.ok()["generateLetter"]["errors"] == [
        {
            "code": "VALIDATION",
            "field": "templateId",
            "message": "'Letter to a person' has 2 active templates ('English', 'Welsh'); "
            "choose one.",
        }
    ]
    assert chosen.ok()["generateLetter"]["document"]["title"].startswith("Welsh, ")


async def test_another_teams_case_is_out_of_reach_as_node_would_have_it(
    graphql, manager, pdms_db, synced
):
    # given an officer whose case reading is granted within the north team only
    from pdms_core.auth.models import Team
    from pdms_core.graphql.node import global_id

    caseworker = await _officer(graphql, pdms_db, *OFFICER_PERMISSIONS)
    async with pdms_db.sessionmaker() as session, session.begin():
        north, south = (
            Team(module="core", code="north", name="North"),
            Team(module="core", code="south", name="South"),
        )
        session.add_all([north, south])
    base = await add_officer(pdms_db, "Nora North", "North Desk", *OFFICER_PERMISSIONS)
    scoped = dataclasses.replace(
        base,
        global_permissions=base.permissions - {"core.cases.read"},
        team_grants=frozenset({("core.cases.read", north.id)}),
    )
    home, _ = await _places(pdms_db)
    person = await _person(caseworker, "Ms", "Alex", "Doe", (home, "home", None))
    cases = {}
    for team in (north, south):
        opened = await caseworker.execute(
            OPEN_CASE,
            {
                "i": {
                    "summary": "Noise",
                    "teamId": global_id("Team", team.id),
                    "parties": [{"personId": person, "roleCode": "reporter"}],
                }
            },
        )
        cases[team.code] = opened.ok()["openCase"]["case"]["id"]
    await upload(manager, "core.case_acknowledgement", "Ack", word_file(["{{ case_reference }}"]))
    officer = graphql.as_actor(scoped)

    # when the officer writes to both cases, then only their team's case gets a letter
    results = {
        code: (
            await officer.execute(
                GENERATE, {"input": {"purpose": "core.case_acknowledgement", "holderId": case}}
            )
        ).ok()["generateLetter"]
        for code, case in cases.items()
    }
    assert results["north"]["errors"] == [] and results["north"]["document"]
    assert results["south"] == {
        "document": None,
        "errors": [{"code": "NOT_FOUND", "field": "holderId", "message": "There is no such Case."}],
    }


async def test_a_letter_to_the_occupier_is_addressed_to_the_place(
    graphql, manager, pdms_db, pdms_settings
):
    officer = await _officer(graphql, pdms_db, *OFFICER_PERMISSIONS)
    _, post = await _places(pdms_db)
    template = ["{{ recipient }}", "{{ place_address }}", "UPRN {{ place_uprn }}"]
    await upload(manager, "core.occupier_letter", "Occupier", word_file(template))

    missing = await officer.execute(
        GENERATE, {"input": {"purpose": "core.occupier_letter", "holderId": post}}
    )
    await upload(manager, "core.occupier_letter", "Plain", word_file(template[:2]))
    listed = (await officer.execute(LIST_PLAIN)).ok()["letterTemplates"]["nodes"]
    chosen = next(node["id"] for node in listed if node["name"] == "Plain")
    result = await officer.execute(
        GENERATE,
        {"input": {"purpose": "core.occupier_letter", "holderId": post, "templateId": chosen}},
    )

    # the place has no UPRN: named; without it, the letter goes to "The Occupier"
    assert missing.ok()["generateLetter"]["errors"][0]["message"] == (
        "place_uprn: Flat 2, Rose Court, 3 Mill Lane, Upper Testing, Testville, TE2 9ZZ has no UPRN"
    )
    document = result.ok()["generateLetter"]["document"]
    assert document["holderId"] == post
    paragraphs, _ = word_text(await stored_bytes(pdms_db, pdms_settings, document["id"]))
    assert paragraphs == [
        "The Occupier",
        "Flat 2, Rose Court\n3 Mill Lane\nUpper Testing\nTestville\nTE2 9ZZ",
    ]


LIST_PLAIN = """
{ letterTemplates(purpose: "core.occupier_letter") { nodes { id name } } }
"""


async def test_a_letter_permission_granted_within_a_team_writes_only_to_its_cases(
    graphql, manager, pdms_db, synced
):
    # given an officer who reads every case but generates letters within north only
    from pdms_core.auth.models import Team
    from pdms_core.graphql.node import global_id

    caseworker = await _officer(graphql, pdms_db, *OFFICER_PERMISSIONS)
    async with pdms_db.sessionmaker() as session, session.begin():
        north, south = (
            Team(module="core", code="north", name="North"),
            Team(module="core", code="south", name="South"),
        )
        session.add_all([north, south])
    base = await add_officer(pdms_db, "Nell North", "North Desk", *OFFICER_PERMISSIONS)
    scoped = dataclasses.replace(
        base,
        global_permissions=base.permissions - {"core.letter.generate"},
        team_grants=frozenset({("core.letter.generate", north.id)}),
    )
    assert scoped.teams_for("core.cases.read") is None
    home, _ = await _places(pdms_db)
    person = await _person(caseworker, "Ms", "Alex", "Doe", (home, "home", None))
    cases = {}
    for team in (north, south):
        opened = await caseworker.execute(
            OPEN_CASE,
            {
                "i": {
                    "summary": "Noise",
                    "teamId": global_id("Team", team.id),
                    "parties": [{"personId": person, "roleCode": "reporter"}],
                }
            },
        )
        cases[team.code] = opened.ok()["openCase"]["case"]["id"]
    await upload(manager, "core.case_acknowledgement", "Ack", word_file(["{{ case_reference }}"]))
    officer = graphql.as_actor(scoped)

    # when they generate a letter on both cases, then only north's case gets one
    results = {
        code: (
            await officer.execute(
                GENERATE, {"input": {"purpose": "core.case_acknowledgement", "holderId": case}}
            )
        ).ok()["generateLetter"]
        for code, case in cases.items()
    }
    assert results["north"]["errors"] == [] and results["north"]["document"]
    assert results["south"] == {
        "document": None,
        "errors": [{"code": "NOT_FOUND", "field": "holderId", "message": "There is no such Case."}],
    }
    async with pdms_db.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Document)) == 1


async def _audit_rows(db, actor_id, after=0):
    """The actor's audit rows after row ``after``: (action, outcome, target)."""
    async with db.sessionmaker() as session:
        rows = await session.execute(
            select(
                AuditEvent.action, AuditEvent.outcome, AuditEvent.target_type, AuditEvent.target_id
            ).where(AuditEvent.actor_id == actor_id, AuditEvent.id > after)
        )
        return sorted(rows.all())


async def test_generating_audits_a_read_of_the_record_it_merges_or_quotes(
    graphql, manager, pdms_db
):
    # given a person with an address, one without, and an officer who may not read people
    actor = await add_officer(pdms_db, "Sam Officer", "Housing Needs", *OFFICER_PERMISSIONS)
    officer = graphql.as_actor(actor)
    home, _ = await _places(pdms_db)
    housed = await _person(officer, "Ms", "Alex", "Doe", (home, "home", None))
    unhoused = await _person(officer, "Mr", "Bo", "Roe")
    await upload(manager, "core.person_letter", "General", PERSON_LETTER)
    outsider = await add_officer(pdms_db, "Out Sider", None, "core.letter.generate")
    generate = {"input": {"purpose": "core.person_letter"}}
    async with pdms_db.sessionmaker() as session:
        before = await session.scalar(select(func.max(AuditEvent.id)))

    # when a letter is generated, refused for missing data, and refused out of reach
    def holder(person_id):
        return {"input": {**generate["input"], "holderId": person_id}}

    ok = await officer.execute(GENERATE, holder(housed))
    refused = await officer.execute(GENERATE, holder(unhoused))
    unreached = await graphql.as_actor(outsider).execute(GENERATE, holder(housed))

    # then the stored letter and the refusal quoting the person are each a read of them
    document = ok.ok()["generateLetter"]["document"]
    assert "Mr Bo Roe has no correspondence address" in str(refused.ok())
    assert await _audit_rows(pdms_db, actor.id, before) == sorted(
        [
            ("generateLetter", "ok", "Document", person_id_number(document["id"])),
            ("generateLetter", "rejected", "Person", person_id_number(unhoused)),
            ("read", "ok", "Document", person_id_number(document["id"])),
            ("read", "ok", "Person", person_id_number(housed)),
            ("read", "ok", "Person", person_id_number(unhoused)),
        ]
    )
    # and a refusal before the record is within reach read nothing of it
    assert unreached.ok()["generateLetter"]["errors"][0]["code"] == "PERMISSION_DENIED"
    assert await _audit_rows(pdms_db, outsider.id, before) == [
        ("generateLetter", "rejected", "Person", person_id_number(housed))
    ]


async def test_a_template_as_word_writes_it_lists_and_fills_its_fields(
    graphql, manager, pdms_db, pdms_settings
):
    # given a template whose fields Word split into runs, with spelling marks and a
    # bookmark between the pieces (even between a field's two braces)
    from tests.letters.letters_support import word_shaped_file

    officer = await _officer(graphql, pdms_db, *OFFICER_PERMISSIONS)
    home, _ = await _places(pdms_db)
    person_id = await _person(officer, "Ms", "Alex", "Doe", (home, "home", None))

    # when it is uploaded, then its fields are listed whole
    uploaded = await upload(manager, "core.person_letter", "Typed in Word", word_shaped_file())
    assert uploaded["errors"] == []
    assert sorted(uploaded["template"]["mergeFields"]) == [
        "correspondence_address",
        "full_name",
        "officer_team",
        "salutation",
    ]

    # and a letter generated from it has every field filled where it was typed
    result = await officer.execute(
        GENERATE, {"input": {"purpose": "core.person_letter", "holderId": person_id}}
    )
    document = result.ok()["generateLetter"]["document"]
    paragraphs, _ = word_text(await stored_bytes(pdms_db, pdms_settings, document["id"]))
    assert paragraphs == [
        "Dear Ms Doe,",
        "Ms Alex Doe of 14 High Street\nTestville\nTE1 1ST",
        "From Housing Needs",
    ]
