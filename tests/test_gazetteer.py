"""Gazetteer import through ``pdms gazetteer`` and the database, on SQLite and PostgreSQL.

The fixtures in tests/fixtures/gazetteer/ describe the same fictional street in every
format (see the README there): a building with two flats, a number range with
suffixes, a named house without a number, plain houses. Each format also has a
change-only file (an update, two deletes, a new place and, where the format can say
so, a successor) and a file of bad rows.

The CLI runs in a worker thread because it starts its own event loop, as the real
``pdms`` command does.
"""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from pdms_core.cli import build_cli
from pdms_core.cli.context import CliState
from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.gazetteer import import_gazetteer
from pdms_core.gazetteer.importer import MAX_ERRORS
from pdms_core.lookups.models import LookupSet, LookupValue
from pdms_core.lookups.sync import sync_lookups
from pdms_core.people.models import Person, PersonAddress
from pdms_core.places.address import AddressParts, single_line
from pdms_core.places.models import APPROVED, HISTORICAL, Place

FIXTURES = Path(__file__).parent / "fixtures" / "gazetteer"
#: Pages in the GIN pending lists of place's search indexes (PostgreSQL).
PENDING_PLACE_PAGES = """SELECT coalesce(sum(gin_clean_pending_list(i.indexrelid)), 0)
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
  WHERE a.amname = 'gin' AND (c.relname LIKE 'search_place%' OR c.relname LIKE 'search_address%')"""
#: format -> fixture file stem
FORMATS = {
    "addressbase-plus": "addressbase_plus",
    "addressbase-premium": "addressbase_premium",
    "dtf73": "dtf73",
    "simple": "simple",
}
WITH_SUCCESSORS = ("addressbase-premium", "dtf73", "simple")

BUILDING, FLAT_1, FLAT_2, RANGE, NAMED, HOUSE, RETIRED, SUCCESSOR = range(
    990000100001, 990000100009
)
EXPECTED = {
    BUILDING: "QUILLMOOR COURT, 12 ZORVEX LANE, QUIVLUM, ZZ1 1AB",
    FLAT_1: "FLAT 1, QUILLMOOR COURT, 12 ZORVEX LANE, QUIVLUM, ZZ1 1AB",
    FLAT_2: "FLAT 2, QUILLMOOR COURT, 12 ZORVEX LANE, QUIVLUM, ZZ1 1AB",
    RANGE: "14A-14C ZORVEX LANE, QUIVLUM, ZZ1 1AD",
    NAMED: "DRANFEL HOUSE, DRANFEL ROAD, KIVMIB, QUIVLUM, ZZ1 2AE",
    HOUSE: "20 ZORVEX LANE, QUIVLUM, ZZ1 1AF",
    RETIRED: "3 DRANFEL ROAD, KIVMIB, QUIVLUM, ZZ1 2AG",
}
BAD_ROWS = {
    "addressbase-plus": [
        "line 2, UPRN: a UPRN must be digits, not '99000010000X'",
        "line 3, X_COORDINATE: not a number: 'east'",
        "line 4: expected 77 columns, found 40",
        "line 5, CHANGE_TYPE: change type must be I, U or D, not 'X'",
        "line 6, STREET_DESCRIPTION: a street description is required",
        "line 7, UPRN: a UPRN has more than 12 digits: '9900001000071'",
    ],
    "addressbase-premium": [
        "line 3, Y_COORDINATE: -5 is outside 0 to 1300000",
        "line 5: record 24 has 26 columns, found 25",
        "line 6, UPRN: no BLPU (record 21) for UPRN 990000100009 in this file, "
        "and the place is not in the database",
    ],
    "dtf73": [
        "line 3, Y_COORDINATE: -5 is outside 0 to 1300000",
        "line 5: record 24 has 30 columns, found 29",
        "line 6, UPRN: no BLPU (record 21) for UPRN 990000100009 in this file, "
        "and the place is not in the database",
    ],
    "simple": [
        "line 2, postcode: not a postcode: 'NOT A POSTCODE'",
        "line 4, logical_status: '7' is not one of 1, 3, 5, 6, 8, 9",
        "line 5, usrn: a USRN has more than 8 digits: '990001011'",
        "line 7, pao_start_number: a PAO start number or PAO text is required",
    ],
}
SIMPLE_HEADER = "uprn,pao_start_number,street,town,postcode,change_type,successor_uprn\n"


# -- helpers -----------------------------------------------------------------------


@pytest.fixture
def cli(pdms_host):
    return build_cli(CliState.for_host(pdms_host))


async def pdms(cli, *args: str) -> Result:
    """Run ``pdms ARGS`` in a thread (it runs its own event loop)."""
    return await asyncio.to_thread(CliRunner().invoke, cli, list(args))


async def imported(cli, fmt: str, name: str | Path) -> Result:
    path = name if isinstance(name, Path) else FIXTURES / name
    result = await pdms(cli, "gazetteer", "import", str(path), "--format", fmt)
    assert result.exit_code == 0, result.output
    return result


async def stored(db) -> dict[int, Place]:
    async with db.sessionmaker() as session:
        return {p.uprn: p for p in await session.scalars(select(Place))}


@pytest.fixture
async def home_role(pdms_db, pdms_host) -> int:
    async with unit_of_work(pdms_db.sessionmaker) as session:
        await sync_lookups(session, pdms_host.lookup_sets)
        return await session.scalar(
            select(LookupValue.id)
            .join(LookupSet, LookupValue.set_id == LookupSet.id)
            .where(LookupSet.code == "address_role", LookupValue.code == "home")
        )


async def live_at(db, role: int, uprn: int, *, ended: bool = False, note: str = "") -> int:
    """A fictional person whose home is (or was, when ``ended``) at ``uprn``."""
    async with unit_of_work(db.sessionmaker) as session:
        person = Person(forenames="Tessa", surname="Testperson", notes="")
        session.add(person)
        await session.flush()
        place = await session.scalar(select(Place.id).where(Place.uprn == uprn))
        address = PersonAddress(
            person_id=person.id,
            place_id=place,
            role_id=role,
            from_date=date(2020, 1, 1),
            to_date=date(2023, 6, 30) if ended else None,
            note=note,
        )
        session.add(address)
        await session.flush()
        return address.id


async def address_of(db, address_id: int) -> tuple[int, str, int]:
    """(UPRN, note, person version) of a person address."""
    async with db.sessionmaker() as session:
        address = await session.get(PersonAddress, address_id)
        place = await session.get(Place, address.place_id)
        person = await session.get(Person, address.person_id)
        return place.uprn, address.note, person.version


# -- full supplies -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
async def test_each_format_imports_the_places_with_bs7666_addresses(cli, pdms_db, fmt):
    result = await imported(cli, fmt, f"{FORMATS[fmt]}.csv")

    assert "7 rows" in result.stdout and "7 inserted, 0 updated, 0 unchanged" in result.stdout
    places = await stored(pdms_db)
    assert {uprn: p.single_line_address for uprn, p in places.items()} == EXPECTED
    # flats point at their building; everything is approved and on its street
    assert [places[u].parent_uprn for u in (FLAT_1, FLAT_2, BUILDING)] == [BUILDING, BUILDING, None]
    assert {p.logical_status for p in places.values()} == {APPROVED}
    assert (places[RANGE].pao_start_suffix, places[RANGE].pao_end_suffix) == ("A", "C")
    assert (places[NAMED].street, places[NAMED].locality, places[NAMED].usrn) == (
        "DRANFEL ROAD",
        "KIVMIB",
        99000102,
    )
    assert places[HOUSE].classification_code == "RD04"
    assert places[HOUSE].easting == 412340.0


async def test_an_import_leaves_place_search_indexes_settled(cli, pdms_db):
    await imported(cli, "addressbase-plus", "addressbase_plus.csv")
    if pdms_db.backend == "postgresql":
        # The import vacuumed what it wrote: nothing left in the GIN pending lists
        # (every lookup scans them, and a fresh vocabulary held only there misleads
        # the planner; see db/settle.py).
        async with pdms_db.engine.begin() as connection:
            pending = await connection.exec_driver_sql(PENDING_PLACE_PAGES)
            assert pending.scalar_one() == 0


@pytest.mark.parametrize("fmt", FORMATS)
async def test_importing_the_same_file_again_changes_nothing(cli, pdms_db, fmt):
    await imported(cli, fmt, f"{FORMATS[fmt]}.csv")
    before = await stored(pdms_db)

    again = await imported(cli, fmt, f"{FORMATS[fmt]}.csv")

    assert "0 inserted, 0 updated, 7 unchanged, 0 deleted" in again.stdout
    after = await stored(pdms_db)
    assert {u: (p.id, p.version) for u, p in after.items()} == {
        u: (p.id, 1) for u, p in before.items()
    }


async def test_addressbase_plus_accepts_a_header_row(cli, pdms_db, tmp_path):
    from pdms_core.gazetteer.addressbase_plus import COLUMNS

    with_header = tmp_path / "with-header.csv"
    with_header.write_bytes(
        (",".join(COLUMNS) + "\r\n").encode() + (FIXTURES / "addressbase_plus.csv").read_bytes()
    )
    await imported(cli, "addressbase-plus", with_header)
    assert len(await stored(pdms_db)) == 7


# -- bad rows ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
async def test_a_file_with_bad_rows_writes_nothing_and_lists_each_bad_row(cli, pdms_db, fmt):
    result = await pdms(
        cli, "gazetteer", "import", str(FIXTURES / f"{FORMATS[fmt]}_bad.csv"), "--format", fmt
    )

    assert result.exit_code == 1
    listed = [line.strip() for line in result.stderr.splitlines() if line.startswith("  ")]
    assert listed == BAD_ROWS[fmt]
    assert result.stderr.splitlines()[-1] == (
        f"Error: {FORMATS[fmt]}_bad.csv: {len(BAD_ROWS[fmt])} bad rows; nothing was written."
    )
    assert await stored(pdms_db) == {}


async def test_many_bad_rows_are_capped_in_the_report_and_counted(cli, pdms_db, tmp_path):
    bad = tmp_path / "many-bad.csv"
    rows = [f"99000020{n:04d},{n},ZORVEX LANE,QUIVLUM,ZZ1 1AB,I,\n" for n in range(1, 20)]
    rows += [f"X{n},{n},ZORVEX LANE,QUIVLUM,ZZ1 1AB,I,\n" for n in range(MAX_ERRORS + 60)]
    bad.write_text(SIMPLE_HEADER + "".join(rows), encoding="utf-8")

    report = await import_gazetteer(pdms_db, bad, "simple")
    assert (len(report.errors), report.more_errors) == (MAX_ERRORS, 60)
    assert report.errors[0].line == 21 and report.errors[0].column == "uprn"

    result = await pdms(cli, "gazetteer", "import", str(bad), "--format", "simple")
    assert result.exit_code == 1
    assert "  ... and 1010 more bad rows" in result.stderr.splitlines()
    assert await stored(pdms_db) == {}


# -- change-only updates -------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
async def test_updates_and_deletes_and_a_referenced_place_becomes_historical(
    cli, pdms_db, home_role, fmt
):
    await imported(cli, fmt, f"{FORMATS[fmt]}.csv")
    # someone used to live at the named house: it cannot simply disappear
    ended = await live_at(pdms_db, home_role, NAMED, ended=True)

    result = await imported(cli, fmt, f"{FORMATS[fmt]}_changes.csv")

    places = await stored(pdms_db)
    assert RANGE not in places  # deleted, nothing pointed at it
    assert places[NAMED].logical_status == HISTORICAL and places[NAMED].version == 2
    assert (await address_of(pdms_db, ended))[0] == NAMED
    assert (places[HOUSE].single_line_address, places[HOUSE].version) == (
        "20 ZORVEX LANE, QUIVLUM, ZZ1 1AH",
        2,
    )
    assert places[SUCCESSOR].single_line_address == "3A DRANFEL ROAD, KIVMIB, QUIVLUM, ZZ1 2AG"
    assert "1 inserted" in result.stdout
    assert "1 deleted, 1 marked historical" in result.stdout
    # a change-only file applies once: the second time there is nothing left to do
    again = await imported(cli, fmt, f"{FORMATS[fmt]}_changes.csv")
    assert "0 inserted, 0 updated" in again.stdout and "0 deleted" in again.stdout


@pytest.mark.parametrize("fmt", WITH_SUCCESSORS)
async def test_a_successor_moves_current_homes_and_leaves_a_note(cli, pdms_db, home_role, fmt):
    await imported(cli, fmt, f"{FORMATS[fmt]}.csv")
    current = await live_at(pdms_db, home_role, RETIRED, note="Keys with neighbour.")
    ended = await live_at(pdms_db, home_role, RETIRED, ended=True)
    name = f"{FORMATS[fmt]}_changes.csv"

    result = await imported(cli, fmt, name)

    places = await stored(pdms_db)
    assert places[RETIRED].logical_status == HISTORICAL
    uprn, note, person_version = await address_of(pdms_db, current)
    assert uprn == SUCCESSOR
    assert note == (
        "Keys with neighbour.\nRe-pointed from UPRN 990000100007 to 990000100008 "
        f"by gazetteer import of {name} on {date.today().isoformat()}"
    )
    assert person_version == 2  # the person aggregate changed
    assert (await address_of(pdms_db, ended))[:2] == (RETIRED, "")
    assert "1 current addresses re-pointed" in result.stdout
    assert f"re-pointed from UPRN {RETIRED} to {SUCCESSOR}" in result.stdout


async def test_addressbase_plus_has_no_successors_so_nobody_moves(cli, pdms_db, home_role):
    await imported(cli, "addressbase-plus", "addressbase_plus.csv")
    current = await live_at(pdms_db, home_role, RETIRED)
    await imported(cli, "addressbase-plus", "addressbase_plus_changes.csv")
    assert (await address_of(pdms_db, current))[0] == RETIRED


async def test_a_successor_that_is_not_in_the_database_is_reported_not_followed(
    cli, pdms_db, home_role, tmp_path
):
    await imported(cli, "simple", "simple.csv")
    current = await live_at(pdms_db, home_role, HOUSE)
    changes = tmp_path / "retire.csv"
    changes.write_text(
        "uprn,logical_status,change_type,successor_uprn\n990000100006,8,U,990000199999\n",
        encoding="utf-8",
    )

    result = await imported(cli, "simple", changes)

    assert "successor UPRN 990000199999 of UPRN 990000100006 is not in the database" in (
        result.stdout
    )
    places = await stored(pdms_db)
    # columns the file leaves out keep their stored values
    assert places[HOUSE].single_line_address == EXPECTED[HOUSE]
    assert places[HOUSE].logical_status == HISTORICAL
    assert (await address_of(pdms_db, current))[0] == HOUSE


async def test_a_deleted_uprn_with_a_successor_moves_its_residents_then_goes(
    cli, pdms_db, home_role, tmp_path
):
    await imported(cli, "simple", "simple.csv")
    current = await live_at(pdms_db, home_role, RETIRED)
    changes = tmp_path / "replace.csv"
    changes.write_text(
        SIMPLE_HEADER + "990000100008,3,DRANFEL ROAD,QUIVLUM,ZZ1 2AG,I,\n"
        "990000100007,,,,,D,990000100008\n",
        encoding="utf-8",
    )

    result = await imported(cli, "simple", changes)

    # moved first, so nothing points at the old place any more and it is deleted
    assert "1 deleted, 0 marked historical, 1 current addresses re-pointed" in result.stdout
    assert RETIRED not in await stored(pdms_db)
    assert (await address_of(pdms_db, current))[0] == SUCCESSOR


async def test_an_address_too_long_for_its_column_is_a_bad_row(cli, pdms_db, tmp_path):
    long = tmp_path / "long.csv"
    long.write_text(
        "uprn,organisation,sao_text,pao_text,street,locality,town,change_type\n"
        f"990000100001,{'O' * 100},{'S' * 90},{'P' * 90},{'T' * 100},{'L' * 100},{'W' * 100},I\n",
        encoding="utf-8",
    )
    result = await pdms(cli, "gazetteer", "import", str(long), "--format", "simple")
    assert result.exit_code == 1
    assert "  line 2: the address is longer than 500 characters" in result.stderr.splitlines()


async def test_a_delete_then_insert_of_one_uprn_in_one_file_keeps_the_place(cli, pdms_db, tmp_path):
    await imported(cli, "simple", "simple.csv")
    changes = tmp_path / "again.csv"
    changes.write_text(
        SIMPLE_HEADER + "990000100006,,,,,D,\n990000100006,22,ZORVEX LANE,QUIVLUM,ZZ1 1AF,I,\n",
        encoding="utf-8",
    )
    result = await imported(cli, "simple", changes)
    assert "0 deleted" in result.stdout
    assert (await stored(pdms_db))[HOUSE].single_line_address == (
        "22 ZORVEX LANE, QUIVLUM, ZZ1 1AF"
    )


async def test_a_uprn_twice_in_one_file_ends_up_as_its_last_row(cli, pdms_db, tmp_path):
    twice = tmp_path / "twice.csv"
    twice.write_text(
        SIMPLE_HEADER + "990000100006,20,ZORVEX LANE,QUIVLUM,ZZ1 1AF,I,\n"
        "990000100005,7,ZORVEX LANE,QUIVLUM,ZZ1 1AF,I,\n"
        "990000100006,22,ZORVEX LANE,QUIVLUM,ZZ1 1AF,U,\n",
        encoding="utf-8",
    )
    await imported(cli, "simple", twice)
    places = await stored(pdms_db)
    assert {u: p.single_line_address for u, p in places.items()} == {
        NAMED: "7 ZORVEX LANE, QUIVLUM, ZZ1 1AF",
        HOUSE: "22 ZORVEX LANE, QUIVLUM, ZZ1 1AF",
    }


def _addressbase_plus_row(**fields: str) -> str:
    """A row of the fixture's building, UPRN 990000100001, with ``fields`` replaced."""
    from pdms_core.gazetteer.addressbase_plus import COLUMNS

    first = (FIXTURES / "addressbase_plus.csv").read_text(encoding="utf-8").splitlines()[0]
    row = next(csv.reader([first]))
    for name, value in fields.items():
        row[COLUMNS.index(name)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(row)
    return out.getvalue()


async def test_unusual_but_valid_rows_are_read_as_the_documentation_says(cli, pdms_db, tmp_path):
    # Rows that are valid but not the common shape: empty coordinates, lower-case
    # suffixes, padded text, the Royal Mail postcode and organisation standing in for
    # the council's own, text with doubled spaces that BS 7666 formatting squeezes.
    rows = [
        _addressbase_plus_row(UPRN="990000300001", X_COORDINATE="", Y_COORDINATE=""),
        _addressbase_plus_row(
            UPRN="990000300002", PAO_TEXT="", PAO_START_NUMBER="0014", PAO_START_SUFFIX="a",
            PAO_END_NUMBER="16", PAO_END_SUFFIX="c", POSTCODE_LOCATOR="", POSTCODE="zz11ab",
        ),
        _addressbase_plus_row(
            UPRN="990000300003", PAO_TEXT="  ROSE   COTTAGE ", RM_ORGANISATION_NAME="KIVMIB LTD",
            LATITUDE="", LONGITUDE="",
        ),
        _addressbase_plus_row(UPRN="990000300004", CHANGE_TYPE=" u", SAO_TEXT="FLAT  A"),
    ]  # fmt: skip
    path = tmp_path / "unusual.csv"
    path.write_text("".join(rows), encoding="utf-8")

    await imported(cli, "addressbase-plus", path)

    places = await stored(pdms_db)
    assert {u: p.single_line_address for u, p in places.items()} == {
        990000300001: "QUILLMOOR COURT, 12 ZORVEX LANE, QUIVLUM, ZZ1 1AB",
        990000300002: "14A-16C ZORVEX LANE, QUIVLUM, ZZ1 1AB",
        990000300003: "KIVMIB LTD, ROSE COTTAGE, 12 ZORVEX LANE, QUIVLUM, ZZ1 1AB",
        990000300004: "FLAT A, QUILLMOOR COURT, 12 ZORVEX LANE, QUIVLUM, ZZ1 1AB",
    }
    assert (places[990000300001].easting, places[990000300001].northing) == (None, None)
    assert places[990000300003].pao_text == "ROSE   COTTAGE"  # stored as given, trimmed
    assert places[990000300003].latitude is None and places[990000300003].easting == 412301.5
    for place in places.values():  # the same rules as the API's own formatting
        assert place.single_line_address == single_line(AddressParts.of(place))


def _varied_rows(count: int, **bad: dict[str, str]) -> list[str]:
    """``count`` AddressBase Plus rows, UPRNs 990000400001 on, with the valid variations
    every few rows; ``bad`` maps a row number (from 1, as "n1500") to fields to replace."""
    rows = []
    for n in range(1, count + 1):
        fields = {"UPRN": f"9900004{n:05d}", "PAO_START_NUMBER": str(n % 9000 + 1)}
        if n % 5 == 0:  # the Royal Mail postcode stands in, in lower case
            fields.update(POSTCODE_LOCATOR="", POSTCODE="zz11ab")
        if n % 7 == 0:  # Royal Mail's organisation name stands in
            fields.update(LA_ORGANISATION="", RM_ORGANISATION_NAME="KIVMIB LTD")
        if n % 11 == 0:  # padded text, and spaces that BS 7666 formatting squeezes
            fields.update(PAO_TEXT="  ROSE   COTTAGE ")
        fields.update(bad.get(f"n{n}", {}))
        rows.append(_addressbase_plus_row(**fields))
    return rows


async def test_rows_read_a_run_at_a_time_are_read_as_one_at_a_time(cli, pdms_db, tmp_path):
    # A full supply is converted a run of rows at a time, column by column; a run with
    # a bad row in it is read again row by row, so the report says where, as ever.
    path = tmp_path / "varied.csv"
    bad = {"n1500": {"LATITUDE": "99"}, "n2400": {"UPRN": "0"}}
    path.write_text("".join(_varied_rows(2500, **bad)), encoding="utf-8")
    report = await import_gazetteer(pdms_db, path, "addressbase-plus", background=False)
    assert [str(error) for error in report.errors] == [
        "line 1500, LATITUDE: 99 is outside 49 to 61.5",
        "line 2400, UPRN: a UPRN cannot be 0",
    ]
    assert await stored(pdms_db) == {}

    path.write_text("".join(_varied_rows(2500)), encoding="utf-8")
    await imported(cli, "addressbase-plus", path)

    places = await stored(pdms_db)
    assert len(places) == 2500
    for n, uprn in enumerate(sorted(places), start=1):
        place = places[uprn]
        assert uprn == int(f"9900004{n:05d}")
        assert place.postcode == "ZZ1 1AB"
        assert place.organisation == ("KIVMIB LTD" if n % 7 == 0 else None)
        assert place.pao_text == ("ROSE   COTTAGE" if n % 11 == 0 else "QUILLMOOR COURT")
        assert (place.pao_start_number, place.easting, place.latitude) == (
            n % 9000 + 1,
            412301.5,
            52.3523422,
        )
        assert place.single_line_address == single_line(AddressParts.of(place))
    assert places[990000400077].single_line_address == (
        "KIVMIB LTD, ROSE COTTAGE, 78 ZORVEX LANE, QUIVLUM, ZZ1 1AB"
    )


@pytest.mark.parametrize("fmt", FORMATS)
async def test_a_file_parsed_in_the_background_gives_the_same_outcome(pdms_db, home_role, fmt):
    # Large files are parsed by a second process; small ones can be asked to be.
    bad = await import_gazetteer(
        pdms_db, FIXTURES / f"{FORMATS[fmt]}_bad.csv", fmt, background=True
    )
    assert [str(error) for error in bad.errors] == BAD_ROWS[fmt]
    assert await stored(pdms_db) == {}

    seen: list[int] = []
    path = FIXTURES / f"{FORMATS[fmt]}.csv"
    report = await import_gazetteer(pdms_db, path, fmt, background=True, progress=seen.append)
    assert (report.rows, report.inserted, report.parsed_in_background) == (7, 7, True)
    assert seen[-1] == path.stat().st_size
    places = await stored(pdms_db)
    assert {uprn: p.single_line_address for uprn, p in places.items()} == EXPECTED

    current = await live_at(pdms_db, home_role, RETIRED)
    await live_at(pdms_db, home_role, NAMED, ended=True)
    changes = await import_gazetteer(
        pdms_db, FIXTURES / f"{FORMATS[fmt]}_changes.csv", fmt, background=True
    )
    assert (changes.inserted, changes.deleted, changes.marked_historical) == (1, 1, 1)
    moved = [(r.from_uprn, r.to_uprn) for r in changes.repointed]
    assert moved == ([(RETIRED, SUCCESSOR)] if fmt in WITH_SUCCESSORS else [])
    assert (await address_of(pdms_db, current))[0] == (
        SUCCESSOR if fmt in WITH_SUCCESSORS else RETIRED
    )


# -- the library call and the generator ----------------------------------------------


async def test_progress_is_reported_in_bytes_up_to_the_file_size(pdms_db):
    path = FIXTURES / "addressbase_plus.csv"
    seen: list[int] = []
    report = await import_gazetteer(pdms_db, path, "addressbase-plus", progress=seen.append)
    assert report.ok and report.inserted == 7
    assert not report.parsed_in_background  # a small file is parsed in process
    assert seen and seen[-1] == path.stat().st_size


async def test_generated_files_are_fictional_reproducible_and_importable(cli, pdms_db, tmp_path):
    first, second, other = (tmp_path / f"{name}.csv" for name in ("a", "b", "c"))
    for path, seed in ((first, "7"), (second, "7"), (other, "8")):
        result = await pdms(
            cli, "gazetteer", "generate", str(path), "--rows", "300", "--seed", seed
        )
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes() != other.read_bytes()

    result = await imported(cli, "addressbase-plus", first)

    assert "300 inserted" in result.stdout
    places = (await stored(pdms_db)).values()
    assert all(str(p.uprn).startswith("9900") for p in places)
    assert all(p.postcode.startswith("ZZ") for p in places)
    assert any(p.parent_uprn for p in places)  # flats in buildings
