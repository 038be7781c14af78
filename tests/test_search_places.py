"""Place search through the service function and the database's own text indexes."""

from __future__ import annotations

import pytest

from pdms_core.errors import ValidationFailed
from pdms_core.places.address import AddressParts, single_line
from pdms_core.places.models import Place
from pdms_core.places.search import PlaceSearch, search_places

# (uprn, sao text, pao number, pao text, street, town, postcode)
ADDRESSES = [
    (100000000001, None, 14, None, "High Street", "Testtown", "AB1 2CD"),
    (100000000002, "Flat 1", 14, None, "High Street", "Testtown", "AB1 2CD"),
    (100000000003, "Flat 2", 14, None, "High Street", "Testtown", "AB1 2CD"),
    (100000000004, None, 41, None, "High Street", "Testtown", "AB1 2CE"),
    (100000000005, None, 14, None, "Mill Lane", "Testtown", "AB1 3XY"),
    (100000000006, None, 3, "Rose Cottage", "Mill Lane", "Otherby", "EF3 4GH"),
    (100000000007, None, 14, None, "High Street", "Otherby", "EF3 4GJ"),
    (None, None, None, "Bus shelter opposite the church", "Church Road", "Otherby", None),
]


async def add_places(db, rows=ADDRESSES) -> list[int]:
    async with db.sessionmaker() as session, session.begin():
        places = []
        for uprn, sao, number, pao, street, town, postcode in rows:
            parts = AddressParts(
                sao_text=sao,
                pao_start_number=number,
                pao_text=pao,
                street=street,
                town=town,
                postcode=postcode,
            )
            places.append(
                Place(
                    uprn=uprn,
                    sao_text=sao,
                    pao_start_number=number,
                    pao_text=pao,
                    street=street,
                    town=town,
                    postcode=postcode,
                    single_line_address=single_line(parts),
                )
            )
        session.add_all(places)
        await session.flush()
        return [place.id for place in places]


async def search(db, first=20, after=None, **criteria):
    async with db.sessionmaker() as session:
        return await search_places(session, PlaceSearch(**criteria), first=first, after=after)


def addresses(page) -> list[str]:
    return [place.single_line_address for place in page.rows]


async def test_free_text_tolerates_typos_and_abbreviations_and_ranks_the_building_first(
    pdms_db,
):
    await add_places(pdms_db)

    found = addresses(await search(pdms_db, text="14 hihg st testtown"))

    assert found == [
        "14 High Street, Testtown, AB1 2CD",
        "Flat 1, 14 High Street, Testtown, AB1 2CD",
        "Flat 2, 14 High Street, Testtown, AB1 2CD",
        # then three words of four: another town, then another number
        "14 High Street, Otherby, EF3 4GJ",
        "41 High Street, Testtown, AB1 2CE",
    ]


async def test_words_match_in_any_order_and_house_names_are_words_too(pdms_db):
    await add_places(pdms_db)

    assert addresses(await search(pdms_db, text="rose cotage, otherby")) == [
        "Rose Cottage, 3 Mill Lane, Otherby, EF3 4GH"
    ]
    # from three words up, all but one must match; rows holding all of them come first
    assert addresses(await search(pdms_db, text="mill lane otherby")) == [
        "Rose Cottage, 3 Mill Lane, Otherby, EF3 4GH",
        "14 Mill Lane, Testtown, AB1 3XY",
    ]
    assert addresses(await search(pdms_db, text="shelter church road")) == [
        "Bus shelter opposite the church, Church Road, Otherby"
    ]


async def test_postcode_and_uprn_are_exact_and_normalised(pdms_db):
    ids = await add_places(pdms_db)

    by_postcode = await search(pdms_db, postcode=" ab12cd")
    assert [place.id for place in by_postcode.rows] == ids[:3]
    assert addresses(await search(pdms_db, postcode="AB1 2C")) == []
    assert [p.id for p in (await search(pdms_db, uprn="100000000004")).rows] == [ids[3]]
    assert [p.id for p in (await search(pdms_db, uprn=100000000006)).rows] == [ids[5]]
    with pytest.raises(ValidationFailed) as error:
        await search(pdms_db, uprn="10000000000A")
    assert error.value.field == "uprn"


async def test_criteria_combine(pdms_db):
    ids = await add_places(pdms_db)

    assert [p.id for p in (await search(pdms_db, text="high street", postcode="EF3 4GJ")).rows] == [
        ids[6]
    ]
    assert (await search(pdms_db, text="mill lane", uprn="100000000001")).rows == []
    assert [p.id for p in (await search(pdms_db, text="flat 2", uprn=100000000003)).rows] == [
        ids[2]
    ]


async def test_the_index_follows_address_changes(pdms_db):
    [place_id] = await add_places(pdms_db, ADDRESSES[:1])
    async with pdms_db.sessionmaker() as session, session.begin():
        place = await session.get(Place, place_id)
        place.single_line_address = "14 Market Square, Testtown, AB1 2CD"

    assert addresses(await search(pdms_db, text="market square")) == [
        "14 Market Square, Testtown, AB1 2CD"
    ]
    assert addresses(await search(pdms_db, text="high street")) == []


async def test_pages_are_stable_and_complete(pdms_db):
    rows = [(None, f"Flat {n}", 7, None, "Long Row", "Testtown", "AB9 9ZZ") for n in range(1, 24)]
    await add_places(pdms_db, rows)
    whole = await search(pdms_db, first=100, text="7 long row")

    seen, after = [], None
    while True:
        page = await search(pdms_db, first=6, after=after, text="7 long row")
        seen += [place.id for place in page.rows]
        if not page.has_next_page:
            break
        after = page.end_cursor

    assert seen == [place.id for place in whole.rows] and len(seen) == 23
    # equal matches: shorter addresses first ("Flat 9" before "Flat 10"), then by id
    assert addresses(whole)[:2] == [
        "Flat 1, 7 Long Row, Testtown, AB9 9ZZ",
        "Flat 2, 7 Long Row, Testtown, AB9 9ZZ",
    ]


async def test_a_search_needs_something_to_look_for(pdms_db):
    with pytest.raises(ValidationFailed):
        await search(pdms_db, text=" , ")


async def test_a_search_costs_the_same_statements_for_few_or_many_places(pdms_db, sql_statements):
    await add_places(pdms_db)
    sql_statements.reset()
    await search(pdms_db, text="14 hihg st")
    few = sql_statements.count

    await add_places(pdms_db, [(None, *address[1:]) for address in ADDRESSES * 10])
    sql_statements.reset()
    page = await search(pdms_db, text="14 hihg st", first=100)

    assert len(page.rows) > 40
    assert sql_statements.count == few == 2  # vocabulary, then the page
    sql_statements.reset()
    await search(pdms_db, postcode="AB1 2CD")
    assert sql_statements.count == 1
