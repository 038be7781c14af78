"""Caps on text input: every string argument or input field, and search words.

The numbers are the documented limits (docs/security.md): 2,000 characters for any
text, 20,000 for notes, descriptions and summaries; search words at most 64
characters, at most 16 words. Refusals are VALIDATION errors naming the field.
"""

from __future__ import annotations

import base64

import pytest

from pdms_core.db.words import allowed_edits, one_edit_variants
from pdms_core.testing.actors import staff
from security.conftest import bearer

PEOPLE = "query($name: String!) { people(search: {name: $name}) { nodes { id } } }"
PLACES = "query($text: String!) { places(search: {text: $text}) { nodes { id } } }"
CREATE = """mutation($input: PersonInput!) {
  createPerson(input: $input) { person { id version notes } errors { code field } } }"""
UPDATE = """mutation($person: PersonVersionInput!, $input: PersonInput!) {
  updatePerson(person: $person, input: $input) {
    person { version notes } errors { code field } } }"""
WRITER = staff("core.people.read", "core.people.write")


def distinct_characters(n: int) -> str:
    """One "word" of ``n`` different characters (CJK ideographs, 3 bytes each in UTF-8):
    the worst case for typo variants, which grow with length times distinct letters."""
    return "".join(chr(0x4E00 + i) for i in range(n))


def refused(answer, field: str, max_length: int | None = None) -> bool:
    """Nothing ran, and the one error is VALIDATION on ``field``."""
    assert answer.data is None, answer.body
    [error] = answer.errors
    extensions = error["extensions"]
    assert (extensions["code"], extensions["field"]) == ("VALIDATION", field), error
    assert max_length is None or extensions["maxLength"] == max_length
    return True


def not_capped(answer) -> bool:
    """No error of the text caps (the request ran; it may have failed for other reasons)."""
    assert all("maxLength" not in (e.get("extensions") or {}) for e in answer.errors), answer.errors
    return True


async def test_a_long_place_search_word_from_a_partner_key_is_refused(graphql, staff_users):
    key = bearer((await staff_users.api_key("core.places.read")).secret)
    word = distinct_characters(500)
    assert len(word.encode()) == 1_500  # the 48 s, 2 GB search
    assert refused(await graphql.execute(PLACES, {"text": word}, headers=key), "text")
    # Just inside the limits: a 64-character word, and 16 words, search as before.
    for text in (distinct_characters(64), " ".join(["Testtown"] * 16)):
        answer = await graphql.execute(PLACES, {"text": text}, headers=key)
        assert answer.ok()["places"]["nodes"] == []
    many = " ".join(["Testtown"] * 17)
    assert refused(await graphql.execute(PLACES, {"text": many}, headers=key), "text")


@pytest.mark.parametrize(
    "name", ["Lovelace" * 1_250, "Ada Lovelace " * 769 + "Ada"], ids=["one word", "words"]
)
async def test_a_10000_character_name_search_is_refused(graphql, name):
    assert len(name) == 10_000
    reader = graphql.as_actor(staff("core.people.read"))
    assert refused(await reader.execute(PEOPLE, {"name": name}), "name", 2_000)


async def test_name_search_words_are_capped_at_64_characters_and_16_words(graphql):
    reader = graphql.as_actor(staff("core.people.read"))
    for name in ("Lovelace" * 8, " ".join(["Ada"] * 16)):
        assert (await reader.execute(PEOPLE, {"name": name})).ok()["people"]["nodes"] == []
    for name in ("Lovelace" * 8 + "s", " ".join(["Ada"] * 17)):
        assert refused(await reader.execute(PEOPLE, {"name": name}), "name")


def test_the_typo_variant_generator_is_bounded_whatever_it_is_given():
    # Before the cap, 200 distinct characters gave 90,000 variants of 200 characters,
    # and 500 gave 527,000: the work grew with length times alphabet, unbounded.
    at_limit = one_edit_variants(distinct_characters(64))
    assert 0 < len(at_limit) <= 12_000
    for length in (65, 200):
        assert one_edit_variants(distinct_characters(length)) == set()
        assert allowed_edits(distinct_characters(length)) == 0


async def test_notes_of_900000_characters_are_refused_on_create_and_update(graphql):
    writer = graphql.as_actor(WRITER)
    person = {"forenames": "Nora", "surname": "Notewell"}
    huge = "n" * 900_000
    assert refused(await writer.execute(CREATE, {"input": {**person, "notes": huge}}), "notes")
    created = await writer.execute(CREATE, {"input": {**person, "notes": "n" * 20_000}})
    stored = created.ok()["createPerson"]["person"]
    assert len(stored["notes"]) == 20_000  # notes up to the limit are kept whole
    version = {"id": stored["id"], "expectedVersion": stored["version"]}
    over = await writer.execute(UPDATE, {"person": version, "input": {"notes": huge}})
    assert refused(over, "notes", 20_000)
    under = await writer.execute(UPDATE, {"person": version, "input": {"notes": "m" * 20_000}})
    assert under.ok()["updatePerson"]["person"]["version"] == stored["version"] + 1


async def test_names_are_capped_at_2000_characters_before_any_service_runs(graphql):
    writer = graphql.as_actor(WRITER)
    answer = await writer.execute(CREATE, {"input": {"forenames": "F" * 2_001, "surname": "X"}})
    assert refused(answer, "forenames", 2_000)
    # Under the cap the service's own rule (at most 100) answers, in the payload.
    answer = await writer.execute(CREATE, {"input": {"forenames": "F" * 2_000, "surname": "X"}})
    assert answer.ok()["createPerson"]["errors"] == [{"code": "VALIDATION", "field": "forenames"}]


@pytest.mark.parametrize(
    "document",
    [
        '{ caseByReference(reference: "%s") { id } }',
        'query($r: String! = "%s") { caseByReference(reference: $r) { id } }',
        '{ measure(name: "root_causes", filter: {wards: ["E05000001", "%s"]}) { csv } }',
    ],
    ids=["literal", "variable default", "list item in an input object"],
)
async def test_text_written_in_the_document_is_capped_too(graphql, document):
    reader = graphql.as_actor(staff("core.cases.read", "core.measures.read"))
    field = "wards" if "wards" in document else "reference"
    assert refused(await reader.execute(document % ("R" * 2_001)), field, 2_000)
    # At the limit the request runs (an unknown ward is the measure's own error).
    assert not_capped(await reader.execute(document % ("R" * 2_000)))


async def test_a_plugin_field_is_capped_and_a_base64_file_is_not(graphql):
    account = "{ rentArrearsAccount(reference: $r) { reference } }"
    reader = graphql.as_actor(staff("rent_arrears.account.read"))
    query = f"query($r: String!) {account}"
    assert refused(await reader.execute(query, {"r": "R" * 2_001}), "reference", 2_000)
    assert (await reader.execute(query, {"r": "R" * 2_000})).ok() == {"rentArrearsAccount": None}
    plan = """mutation($summary: String!) { rentArrearsOpenManagementPlan(
      accountId: "UmVudEFycmVhcnNBY2NvdW50OjE=", expectedVersion: 1, summary: $summary)
      { errors { code } } }"""
    planner = graphql.as_actor(staff("rent_arrears.plan.open"))
    answer = await planner.execute(plan, {"summary": "S" * 20_001})
    assert refused(answer, "summary", 20_000)
    # A report file is bounded by the body limit, not the 2,000 of an ordinary string.
    preview = """query($content: String!) { rentArrearsPreviewReport(fileName: "week.csv",
      contentBase64: $content, reportDate: "2025-01-06") { rowCount } }"""
    content = base64.b64encode(b"Tenancy Reference\r\n" + b"TR-1\r\n" * 1_000).decode()
    assert len(content) > 2_000
    importer = graphql.as_actor(staff("rent_arrears.report.import"))
    assert not_capped(await importer.execute(preview, {"content": content}))
