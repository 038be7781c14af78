"""PDF letters: converted by LibreOffice where the server has it, refused clearly where not.

LibreOffice is not installed on every machine that runs the suite, so the conversion
is tested three ways: a stand-in program with LibreOffice's command line (a real
executable, run as a real process: what is passed and what is stored), a program that
hangs (the timeout), and LibreOffice itself, skipped with the reason when absent.
"""

from __future__ import annotations

import stat
import textwrap

import pytest

from pdms_core.letters.pdf import find_converter
from pdms_core.settings import Settings
from tests.letters.conftest import OFFICER_PERMISSIONS
from tests.letters.letters_support import (
    GENERATE,
    add_officer,
    stored_bytes,
    upload,
    word_file,
)

CREATE_PERSON = """
mutation($i: PersonInput!) { createPerson(input: $i) { person { id } errors { message } } }
"""
FAKE_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
LETTER = word_file(["{{ full_name }}", "{{ today }}"])


async def _letter_for(graphql, pdms_db, manager):
    actor = await add_officer(pdms_db, "Pat Pdf", "Housing Needs", *OFFICER_PERMISSIONS)
    created = await graphql.as_actor(actor).execute(
        CREATE_PERSON, {"i": {"title": "Mx", "forenames": "Robin", "surname": "Page"}}
    )
    await upload(manager, "core.person_letter", "General", LETTER)
    return actor, created.ok()["createPerson"]["person"]["id"]


def _variables(person_id):
    return {"input": {"purpose": "core.person_letter", "holderId": person_id, "format": "PDF"}}


def _program(folder, body: str):
    path = folder / "soffice"
    path.write_text("#!/bin/sh\n" + textwrap.dedent(body))
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


async def test_without_libreoffice_a_pdf_is_refused_saying_so(
    graphql_under, manager, pdms_db, tmp_path
):
    actor, person_id = await _letter_for(graphql_under("fast"), pdms_db, manager)
    client = graphql_under("fast", letter_converter=str(tmp_path / "no-such-soffice"))

    result = await client.as_actor(actor).execute(GENERATE, _variables(person_id))

    payload = result.ok()["generateLetter"]
    assert payload["document"] is None
    assert payload["errors"] == [
        {
            "code": "NOT_ALLOWED",
            "field": "format",
            "message": "PDF letters need LibreOffice on the server (soffice or libreoffice "
            "on its PATH, or PDMS_LETTER_CONVERTER naming it); generate a Word letter instead.",
        }
    ]


async def test_the_converter_is_run_headless_in_a_folder_of_its_own(
    graphql_under, manager, pdms_db, pdms_settings, tmp_path
):
    record = tmp_path / "arguments.txt"
    pdf = tmp_path / "made.pdf"
    pdf.write_bytes(FAKE_PDF)
    program = _program(
        tmp_path,
        f"""
        printf '%s\\n' "$@" > {record}
        for last; do :; done
        outdir=""
        while [ $# -gt 0 ]; do
          if [ "$1" = "--outdir" ]; then outdir="$2"; fi
          shift
        done
        test -s "$last" || exit 3
        cp {pdf} "$outdir/letter.pdf"
        """,
    )
    actor, person_id = await _letter_for(graphql_under("fast"), pdms_db, manager)
    client = graphql_under("fast", letter_converter=str(program)).as_actor(actor)

    result = await client.execute(GENERATE, _variables(person_id))

    document = result.ok()["generateLetter"]["document"]
    assert document["contentType"] == "application/pdf"
    assert document["fileName"].endswith(".pdf")
    assert await stored_bytes(pdms_db, pdms_settings, document["id"]) == FAKE_PDF
    arguments = record.read_text().splitlines()
    assert arguments[0].startswith("-env:UserInstallation=file://")
    assert arguments[1:5] == ["--headless", "--convert-to", "pdf", "--outdir"]
    assert arguments[-1] == f"{arguments[5]}/letter.docx"
    assert not (tmp_path / arguments[5]).exists()  # the temporary folder is gone


async def test_a_converter_that_hangs_is_stopped(graphql_under, manager, pdms_db, tmp_path):
    program = _program(tmp_path, "exec sleep 30\n")
    actor, person_id = await _letter_for(graphql_under("fast"), pdms_db, manager)
    client = graphql_under(
        "fast", letter_converter=str(program), letter_converter_timeout_seconds=1
    ).as_actor(actor)

    result = await client.execute(GENERATE, _variables(person_id))

    (error,) = result.ok()["generateLetter"]["errors"]
    assert error["code"] == "NOT_ALLOWED"
    assert error["message"].startswith("LibreOffice did not finish the PDF within 1 seconds")


@pytest.mark.skipif(
    find_converter(Settings()) is None,
    reason="LibreOffice (soffice or libreoffice) is not installed on this machine; PDF "
    "letters are converted only where it is",
)
async def test_libreoffice_makes_a_pdf_of_the_letter(graphql, manager, pdms_db, pdms_settings):
    actor, person_id = await _letter_for(graphql, pdms_db, manager)

    result = await graphql.as_actor(actor).execute(GENERATE, _variables(person_id))

    document = result.ok()["generateLetter"]["document"]
    assert document["contentType"] == "application/pdf"
    content = await stored_bytes(pdms_db, pdms_settings, document["id"])
    assert content.startswith(b"%PDF-") and b"%%EOF" in content[-1024:]
