"""Arrears in the strategic measures: three imported weeks read back through `measure`."""

from __future__ import annotations

from rent_arrears_support import (
    HEADERS,
    IMPORT,
    OFFICER,
    WEEKS,
    Tenancy,
    prepared_database,
    report_rows,
    upload,
    write_csv,
)
from sqlalchemy import update

from pdms_core.plugin import Base
from pdms_core.testing.actors import staff

TENANCIES = [
    Tenancy(
        "RA1",
        "Tilly Tenantson",
        "1 Fictional Row",
        "100000000001",
        100,
        (0, 150, 250),
        patch="north",
    ),
    Tenancy("RA2", "Percy Payer", "2 Fictional Row", "", 100, (300, 200, 0), patch="north"),
    Tenancy("RA3", "Una Credit", "3 Fictional Row", "", 100, (900, 950, 950), True, "south"),
    Tenancy("RA4", "Carl Credit", "4 Fictional Row", "", 100, (-20, -20, -20)),
]
MEASURE = """query($name: String!, $f: MeasureFilterInput) {
  measure(name: $name, filter: $f) { columns { name } rows } }"""
MEASURES = "{ measures { name module } }"
W0, W1, W2 = (day.isoformat() for day in WEEKS[:3])


async def _three_weeks(graphql, pdms_db, pdms_host, tmp_path):
    await prepared_database(pdms_db, pdms_host)
    officer = graphql.as_actor(OFFICER)
    for week, day in enumerate(WEEKS[:3]):
        path = write_csv(tmp_path / f"arrears-{day}.csv", HEADERS, report_rows(TENANCIES, week))
        imported = (await officer.execute(IMPORT, upload(path, day))).ok()
        assert imported["rentArrearsImportReport"]["errors"] == []
    return graphql.as_actor(staff("core.measures.read"))


async def _rows(reader, name, **criteria):
    result = await reader.execute(MEASURE, {"name": f"rent_arrears.{name}", "f": criteria})
    return result.ok()["measure"]["rows"]


async def test_arrears_week_by_week_with_the_universal_credit_share(
    graphql, pdms_db, pdms_host, tmp_path
):
    reader = await _three_weeks(graphql, pdms_db, pdms_host, tmp_path)
    names = {m["name"]: m["module"] for m in (await reader.execute(MEASURES)).ok()["measures"]}
    assert {n for n, module in names.items() if module == "rent_arrears"} == {
        "rent_arrears.weekly_totals",
        "rent_arrears.by_segment",
        "rent_arrears.by_band",
        "rent_arrears.by_patch",
    }
    assert await _rows(reader, "weekly_totals") == [
        [W0, "4", "2", "1200.0", "1", "0.5", "900.0"],
        [W1, "4", "3", "1300.0", "1", "0.3333", "950.0"],
        [W2, "4", "2", "1200.0", "1", "0.5", "950.0"],
    ]
    assert await _rows(reader, "weekly_totals", **{"from": W1, "to": W1}) == [
        [W1, "4", "3", "1300.0", "1", "0.3333", "950.0"]
    ]
    assert await _rows(reader, "weekly_totals", modules=["core"]) == []


async def test_arrears_by_segment_band_and_patch(graphql, pdms_db, pdms_host, tmp_path):
    reader = await _three_weeks(graphql, pdms_db, pdms_host, tmp_path)
    assert await _rows(reader, "by_segment") == [
        [W0, "new", "2", "1200.0"],
        [W1, "new", "1", "150.0"],
        [W1, "increasing", "1", "950.0"],
        [W1, "decreasing", "1", "200.0"],
        [W2, "increasing", "1", "250.0"],
        [W2, "static", "1", "950.0"],
        [W2, "cleared", "1", "0.0"],
    ]
    assert await _rows(reader, "by_band", **{"from": W1}) == [
        [W1, "1_to_2", "1 to 2 weeks", "1", "150.0"],
        [W1, "2_to_4", "2 to 4 weeks", "1", "200.0"],
        [W1, "8_plus", "8 weeks or more", "1", "950.0"],
        [W2, "2_to_4", "2 to 4 weeks", "1", "250.0"],
        [W2, "8_plus", "8 weeks or more", "1", "950.0"],
    ]
    assert await _rows(reader, "by_patch", **{"from": W2}) == [
        [W2, "north", "North", "1", "250.0"],
        [W2, "south", "South", "1", "950.0"],
    ]


async def test_ward_criteria_follow_the_accounts_place(graphql, pdms_db, pdms_host, tmp_path):
    reader = await _three_weeks(graphql, pdms_db, pdms_host, tmp_path)
    place = Base.metadata.tables["place"]
    async with pdms_db.sessionmaker() as session, session.begin():
        await session.execute(
            update(place).where(place.c.uprn == 100000000001).values(ward_code="E05000009")
        )
    # only RA1 is linked to a place (by its UPRN); unlinked accounts drop out
    assert await _rows(reader, "weekly_totals", wards=["E05000009"]) == [
        [W0, "1", "0", "0.0", "0", None, "0.0"],
        [W1, "1", "1", "150.0", "0", "0.0", "0.0"],
        [W2, "1", "1", "250.0", "0", "0.0", "0.0"],
    ]
    assert await _rows(reader, "by_segment", wards=["E05000001"]) == []
