"""Uploading, listing, replacing and deactivating the council's Word templates."""

from __future__ import annotations

import hashlib
import io
import zipfile

from pdms_core.testing.actors import staff
from tests.letters.conftest import MANAGER
from tests.letters.letters_support import upload, word_file

ACKNOWLEDGEMENT = word_file(
    ["{{ today }}", "{{ full_name }}", "{{ salutation }},", "Your reference: {{ case_reference }}"],
    table=[
        ["{%tr for line in correspondence_address_lines %}"],
        ["{{ line }}"],
        ["{%tr endfor %}"],
    ],
)
LIST = """
query($purpose: String, $inactive: Boolean!) {
  letterTemplates(purpose: $purpose, includeInactive: $inactive) {
    nodes { name purpose isActive version mergeFields }
  }
}
"""
PURPOSES = "{ letterPurposes { code module label holderType fields { name items { name } } } }"
SET_ACTIVE = """
mutation($input: SetLetterTemplateActiveInput!) {
  setLetterTemplateActive(input: $input) {
    template { name isActive version } errors { code field message }
  }
}
"""
REPLACE = """
mutation($input: ReplaceLetterTemplateInput!) {
  replaceLetterTemplate(input: $input) {
    template { version sha256 mergeFields } errors { code field message }
  }
}
"""


async def test_a_template_is_kept_with_its_merge_fields_and_listed(manager):
    payload = await upload(
        manager, "core.case_acknowledgement", " Acknowledgement ", ACKNOWLEDGEMENT
    )

    assert payload["errors"] == []
    template = payload["template"]
    assert template["name"] == "Acknowledgement"
    assert template["sha256"] == hashlib.sha256(ACKNOWLEDGEMENT).hexdigest()
    assert template["sizeBytes"] == len(ACKNOWLEDGEMENT)
    assert template["mergeFields"] == [
        "case_reference",
        "correspondence_address_lines",
        "full_name",
        "salutation",
        "today",
    ]
    assert template["uploadedBy"] == "Tam Plate" and template["isActive"]
    listed = await manager.execute(
        LIST, {"purpose": "core.case_acknowledgement", "inactive": False}
    )
    assert [n["name"] for n in listed.ok()["letterTemplates"]["nodes"]] == ["Acknowledgement"]


async def test_purposes_list_core_and_module_purposes_with_their_fields(manager):
    purposes = {p["code"]: p for p in (await manager.execute(PURPOSES)).ok()["letterPurposes"]}

    assert {"core.person_letter", "core.case_acknowledgement", "dummy.widget_notice"} <= set(
        purposes
    )
    acknowledgement = purposes["core.case_acknowledgement"]
    assert acknowledgement["holderType"] == "Case" and acknowledgement["module"] == "core"
    names = [f["name"] for f in acknowledgement["fields"]]
    assert names[:4] == ["today", "council_name", "officer_name", "officer_team"]
    assert {"case_reference", "correspondence_address", "salutation"} <= set(names)
    assert purposes["dummy.widget_notice"]["holderType"] == "DummyWidget"


async def test_a_field_the_purpose_does_not_provide_is_refused_by_name(manager):
    content = word_file(["{{ full_name }}", "{{ shoe_size }} {{ favourite_colour }}"])

    payload = await upload(manager, "core.person_letter", "Odd", content)

    assert payload["template"] is None
    (error,) = payload["errors"]
    assert error["code"] == "VALIDATION" and error["field"] == "file"
    assert "favourite_colour, shoe_size" in error["message"]
    assert "'Letter to a person' does not provide" in error["message"]


async def test_a_template_that_does_not_parse_says_where(manager):
    content = word_file(["Hello", "Dear {{ salutation }", "Regards"])

    payload = await upload(manager, "core.person_letter", "Broken", content)

    (error,) = payload["errors"]
    assert error["code"] == "VALIDATION"
    # Word's paragraph, its text as far as the mistake runs, and what Jinja expected
    assert error["message"].startswith(
        'The template has a mistake in the body, paragraph 2 ("Dear {{ salutation }'
    )
    assert error["message"].endswith("unexpected '}'")


async def test_a_mistake_in_a_header_is_placed_there(manager):
    content = word_file(["{{ full_name }}"], header="{% if today %}Dated {{ today }}")

    payload = await upload(manager, "core.person_letter", "Header", content)

    assert "in a header" in payload["errors"][0]["message"]
    assert "'endif'" in payload["errors"][0]["message"]


async def test_sandbox_escapes_are_refused_at_upload(manager):
    attempts = [
        "{{ ''.__class__.__mro__ }}",
        "{{ full_name.__class__ }}",
        "{{ full_name['__class__'] }}",
        "{{ full_name|attr('__class__') }}",
        "{% include 'other.docx' %}",
        "{{ full_name|center(1000000000) }}",
        "{% for i in range(100000) %}{{ i }}{% endfor %}",
    ]
    for attempt in attempts:
        payload = await upload(manager, "core.person_letter", "Escape", word_file([attempt]))
        assert payload["template"] is None, attempt
        assert payload["errors"][0]["code"] == "VALIDATION", attempt
    listed = await manager.execute(LIST, {"purpose": None, "inactive": True})
    assert listed.ok()["letterTemplates"]["nodes"] == []


async def test_a_file_that_is_not_word_is_refused(manager):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

    payload = await upload(
        manager, "core.person_letter", "Pdf", pdf, "letter.pdf", "application/pdf"
    )

    assert payload["template"] is None
    assert payload["errors"][0]["code"] == "VALIDATION"


async def test_an_unknown_purpose_and_a_repeated_name_are_refused(manager):
    content = word_file(["{{ full_name }}"])
    unknown = await upload(manager, "gas.appointment", "One", content)
    first = await upload(manager, "core.person_letter", "One", content)
    again = await upload(manager, "core.person_letter", "One", content)

    assert unknown["errors"][0]["field"] == "purpose"
    assert first["errors"] == []
    assert again["errors"][0]["code"] == "DUPLICATE"


async def test_replacing_checks_the_new_file_and_bumps_the_version(manager):
    first = await upload(manager, "core.person_letter", "General", word_file(["{{ full_name }}"]))
    template = first["template"]
    better = word_file(["{{ salutation }}", "{{ correspondence_address }}"])

    replaced = await manager.post(**_replace(template["id"], 1, better))
    stale = await manager.post(**_replace(template["id"], 1, better))
    refused = await manager.post(**_replace(template["id"], 2, word_file(["{{ nonsense }}"])))

    payload = replaced.json()["data"]["replaceLetterTemplate"]
    assert payload["errors"] == []
    assert payload["template"]["version"] == 2
    assert payload["template"]["mergeFields"] == ["correspondence_address", "salutation"]
    assert stale.json()["data"]["replaceLetterTemplate"]["errors"][0]["code"] == "CONFLICT"
    assert refused.json()["data"]["replaceLetterTemplate"]["errors"][0]["code"] == "VALIDATION"


def _replace(template_id, version, content):
    import json

    operations = {
        "query": REPLACE,
        "variables": {"input": {"id": template_id, "expectedVersion": version, "file": None}},
    }
    return {
        "data": {
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        "files": {"0": ("new.docx", content, "application/octet-stream")},
    }


async def test_a_deactivated_template_is_listed_only_on_request(manager):
    template = (await upload(manager, "core.person_letter", "Old", word_file(["{{ today }}"])))[
        "template"
    ]

    result = await manager.execute(
        SET_ACTIVE, {"input": {"id": template["id"], "expectedVersion": 1, "active": False}}
    )

    assert result.ok()["setLetterTemplateActive"]["template"] == {
        "name": "Old",
        "isActive": False,
        "version": 2,
    }
    active = await manager.execute(LIST, {"purpose": None, "inactive": False})
    everything = await manager.execute(LIST, {"purpose": None, "inactive": True})
    assert active.ok()["letterTemplates"]["nodes"] == []
    assert [n["name"] for n in everything.ok()["letterTemplates"]["nodes"]] == ["Old"]


async def test_managing_templates_needs_its_permission(graphql, synced):
    reader = graphql.as_actor(staff("core.letter_template.read"))

    body = (
        await reader.post(
            data={
                "operations": '{"query": "mutation($input: UploadLetterTemplateInput!) '
                '{ uploadLetterTemplate(input: $input) { errors { code } } }", '
                '"variables": {"input": {"purpose": "core.person_letter", "name": "x", '
                '"file": null}}}',
                "map": '{"0": ["variables.input.file"]}',
            },
            files={"0": ("t.docx", word_file(["{{ today }}"]), "application/octet-stream")},
        )
    ).json()
    anonymous = await graphql.execute(PURPOSES)

    assert body["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    assert anonymous.error_codes() == ["UNAUTHENTICATED"]
    assert MANAGER.has("core.letter_template.manage")


async def test_a_document_that_unpacks_to_a_huge_size_is_refused(manager):
    buffer = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(word_file(["{{ today }}"])))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            bomb.writestr(item, source.read(item), zipfile.ZIP_DEFLATED)
        bomb.writestr("word/media/padding.bin", b"\0" * 60_000_000)
    assert len(buffer.getvalue()) < 1_000_000

    payload = await upload(manager, "core.person_letter", "Bomb", buffer.getvalue())

    (error,) = payload["errors"]
    assert error["code"] == "VALIDATION"
    assert (
        "unpacks to" in error["message"] and "more than a letter template may" in error["message"]
    )
