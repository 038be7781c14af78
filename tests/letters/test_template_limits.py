"""The sandbox's limits on size and work: a template cannot make a letter build a huge
value, loop without end or print without end, whichever way it tries; each is refused
at upload when it shows in the template, or when the letter is generated (VALIDATION,
nothing stored) when it only shows then."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pdms_core.documents.models import Document
from tests.letters.conftest import OFFICER_PERMISSIONS
from tests.letters.letters_support import GENERATE, upload, word_file
from tests.letters.test_generate_letters import _officer, _person, _places

REFUSED_AT_UPLOAD = {
    "{{ 'x'.ljust(100000000) }}": "The template calls 'ljust'",
    "{{ full_name.center(100000000) }}": "The template calls 'center'",
    "{{ full_name.rjust(100000000) }}": "The template calls 'rjust'",
    "{{ full_name.zfill(100000000) }}": "The template calls 'zfill'",
    "{{ full_name.expandtabs(100000000) }}": "The template calls 'expandtabs'",
    "{{ ('x' * 100000).replace('x', 'y' * 1000) }}": "The template calls 'replace'",
    "{{ ('y' * 1000).join('x' * 100000) }}": "The template calls 'join'",
    "{{ '{:>100000000}'.format(1) }}": "The template calls 'format'",
    "{{ full_name|center(100000000) }}": "No filter named 'center'",
    "{{ full_name|indent(100000000) }}": "No filter named 'indent'",
    "{{ full_name|wordwrap(1) }}": "No filter named 'wordwrap'",
    "{% macro m() %}{{ full_name }}{% endmacro %}{{ m() }}": "'macro' is not allowed",
    "{% set x %}{{ full_name }}{% endset %}{{ x }}": "'set ... endset' is not allowed",
    "{% filter upper %}{{ full_name }}{% endfilter %}": "'filter' is not allowed",
    "{% for a in 'ab' recursive %}{{ loop(a) }}{% endfor %}": "recursive loops are not",
    "{% set ns = namespace(s='') %}{{ ns.s }}": "does not provide: namespace",
}

REFUSED_WHEN_GENERATING = {
    "{{ '%0100000000d'|format(1) }}": "a format wider or more precise than 100 is not allowed",
    "{{ '%*d'|format(100000000, 1) }}": "a format wider or more precise than 100 is not allowed",
    "{{ '%.100000000f'|format(1) }}": "a format wider or more precise than 100 is not allowed",
    "{{ ('%0100000000d' % 1)|length }}": "a format wider or more precise than 100 is not allowed",
    "{{ (((9 ** 100) ** 100) ** 100)|string|length }}": "a number longer than 1,000 digits "
    "is not allowed",
    "{{ (9 ** 600) * (9 ** 600) }}": "a number longer than 1,000 digits is not allowed",
    "{{ ('x' * 100000)|join('y' * 1000) }}": "a value longer than 1,000,000 is not allowed",
    "{{ (['x' * 100000] * 2)|join }}": "a value longer than 100,000 is not allowed",
    "{{ ('x' * 100000)|replace('x', 'y' * 20) }}": "a value longer than 1,000,000 is not allowed",
    "{{ [1]|batch(100000000, 'x') }}": "a count above 100,000 is not allowed",
    "{{ [1]|tojson(100000000) }}": "an indent above 100 is not allowed",
    "{% set a = 'x' * 100000 %}{{ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a }}": "a value "
    "longer than 1,000,000 is not allowed",
    "{% set a = 'x' * 100000 %}{{ a + a + a + a + a + a + a + a + a + a + a }}": "a value "
    "longer than 1,000,000 is not allowed",
    "{% for a in 'x' * 3000 %}{% for b in 'x' * 3000 %}{% endfor %}{% endfor %}done": "more "
    "than 100,000 loop steps and calls in one letter",
    "{% for a in 'x' * 100 %}{{ ('x' * 100000)|join('y' * 5)|length }}{% endfor %}": "the "
    "letter builds more than 50,000,000 characters of values",
    "{% for a in 'x' * 50000 %}{{ 'y' * 100000 }}{% endfor %}": "the letter would be longer "
    "than 20,000,000 characters",
    "{{ full_name['ljust'](100000000) }}": "access to attribute 'ljust' of 'str' object is unsafe.",
    "{{ 7['to_bytes'](100000000, 'big') }}": "access to attribute 'to_bytes' of 'int' object "
    "is unsafe.",
    # Python's own failures are the template's too: typed, and naming no value
    "{{ 1 // 0 }}": "ZeroDivisionError while filling it.",
    "{{ 2.0 ** 5000 }}": "OverflowError while filling it.",
}


@pytest.mark.parametrize("source", sorted(REFUSED_AT_UPLOAD))
async def test_templates_that_would_build_huge_values_are_refused_at_upload(
    manager, pdms_db, source
):
    uploaded = await upload(manager, "core.person_letter", "Huge", word_file([source]))

    assert uploaded["template"] is None
    [error] = uploaded["errors"]
    assert (error["code"], error["field"]) == ("VALIDATION", "file")
    assert REFUSED_AT_UPLOAD[source] in error["message"]


@pytest.mark.parametrize("source", sorted(REFUSED_WHEN_GENERATING))
async def test_limits_stop_a_letter_while_it_fills_and_store_nothing(
    graphql, manager, pdms_db, source
):
    # given a template whose growth shows only when it runs
    officer = await _officer(graphql, pdms_db, *OFFICER_PERMISSIONS)
    home, _ = await _places(pdms_db)
    person_id = await _person(officer, "Ms", "Alex", "Doe", (home, "home", None))
    uploaded = await upload(manager, "core.person_letter", "Huge", word_file([source]))
    assert uploaded["errors"] == []

    # when a letter is generated, then a typed refusal names the limit, nothing is stored
    result = await officer.execute(
        GENERATE, {"input": {"purpose": "core.person_letter", "holderId": person_id}}
    )

    assert result.ok()["generateLetter"] == {
        "document": None,
        "errors": [
            {
                "code": "VALIDATION",
                "field": "templateId",
                "message": "The template could not be filled: " + REFUSED_WHEN_GENERATING[source],
            }
        ],
    }
    async with pdms_db.sessionmaker() as session:
        assert await session.scalar(select(func.count(Document.id))) == 0


async def test_a_letter_within_the_limits_fills(graphql, manager, pdms_db, pdms_settings):
    from tests.letters.letters_support import stored_bytes, word_text

    officer = await _officer(graphql, pdms_db, *OFFICER_PERMISSIONS)
    home, _ = await _places(pdms_db)
    person_id = await _person(officer, "Ms", "Alex", "Doe", (home, "home", None))
    source = (
        "{% for a in 'x' * 300 %}{% for b in 'x' * 300 %}{% endfor %}{% endfor %}"
        "{{ '%05.2f'|format(3.14159) }} {{ (9 ** 100)|string|length }} "
        "{{ ['a', 'b']|join('-') }} {{ full_name|replace('Doe', 'D.') }} {{ '%03d' % 7 }}"
    )
    await upload(manager, "core.person_letter", "Fine", word_file([source]))

    result = await officer.execute(
        GENERATE, {"input": {"purpose": "core.person_letter", "holderId": person_id}}
    )

    document = result.ok()["generateLetter"]["document"]
    paragraphs, _ = word_text(await stored_bytes(pdms_db, pdms_settings, document["id"]))
    assert paragraphs == ["03.14 96 a-b Ms Alex D. 007"]
