"""Person search through the service function and the database's own text indexes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert, select, update

from pdms_core.db.search_bulk import search_indexing_deferred
from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.errors import ValidationFailed
from pdms_core.lookups.models import LookupSet, LookupValue
from pdms_core.lookups.sync import sync_lookups
from pdms_core.people.models import ContactDetail, ExternalReference, Person, PersonAddress
from pdms_core.people.search import PersonSearch, search_people
from pdms_core.places.models import Place

NAMES = [
    ("John", "Smith"),
    ("Jon", "Smith"),
    ("Joan", "Smith"),
    ("Jonah", "Smith"),
    ("Jane", "Smith"),
    ("John", "Smithson"),
    ("Smith", "Johnson"),
    ("Robert", "Smith"),
    ("Elizabeth", "Taylor"),
    ("Beth", "Taylor"),
    ("William Henry", "Jones"),
    ("Mary-Jane", "O'Neil"),
]


@pytest.fixture
async def lookups(pdms_db, pdms_host):
    async with unit_of_work(pdms_db.sessionmaker) as session:
        await sync_lookups(session, pdms_host.lookup_sets)
        rows = await session.execute(
            select(LookupSet.code, LookupValue.code, LookupValue.id).join(
                LookupValue, LookupValue.set_id == LookupSet.id
            )
        )
        return {(list_code, code): value_id for list_code, code, value_id in rows}


async def add_people(db, names, **fields) -> list[int]:
    async with db.sessionmaker() as session, session.begin():
        people = [Person(forenames=f, surname=s, **fields) for f, s in names]
        session.add_all(people)
        await session.flush()
        return [person.id for person in people]


async def search(db, first=20, after=None, **criteria):
    async with db.sessionmaker() as session:
        return await search_people(session, PersonSearch(**criteria), first=first, after=after)


def names(page) -> list[str]:
    return [f"{p.forenames} {p.surname}" for p in page.rows]


async def test_a_typo_in_each_name_still_finds_the_person_first(pdms_db):
    # given John Smith among people with nearby names
    await add_people(pdms_db, NAMES)

    # when an officer mistypes both names
    page = await search(pdms_db, name="Jonh Smiht")

    # then John Smith comes first, and only near matches follow
    assert names(page) == ["John Smith", "Jonah Smith", "Jon Smith"]


async def test_names_match_in_either_order_and_exact_matches_rank_first(pdms_db):
    await add_people(pdms_db, NAMES)

    forwards = names(await search(pdms_db, name="john smith"))
    backwards = names(await search(pdms_db, name="Smith, John"))

    # the exact name, then Jon (a variant of John, and one letter away), then Joan
    assert forwards == backwards == ["John Smith", "Jon Smith", "Joan Smith"]


async def test_nicknames_find_the_formal_name_and_back(pdms_db):
    await add_people(pdms_db, NAMES)

    assert names(await search(pdms_db, name="Bob Smith")) == ["Robert Smith"]
    assert names(await search(pdms_db, name="Bill Jones")) == ["William Henry Jones"]
    # Liz is Elizabeth and Beth; the exact name ranks above the nickname
    assert names(await search(pdms_db, name="Elizabeth Taylor")) == [
        "Elizabeth Taylor",
        "Beth Taylor",
    ]
    assert set(names(await search(pdms_db, name="liz taylor"))) == {
        "Elizabeth Taylor",
        "Beth Taylor",
    }


async def test_preferred_names_initials_and_hyphens_are_searchable(pdms_db):
    await add_people(pdms_db, NAMES)
    await add_people(pdms_db, [("Theodore", "Grant")], preferred_name="Teddy")

    assert names(await search(pdms_db, name="teddy grant")) == ["Theodore Grant"]
    # an initial matches the start of any name; shorter names first among equals
    assert names(await search(pdms_db, name="J Smith")) == [
        "Jon Smith",
        "John Smith",
        "Joan Smith",
        "Jane Smith",
        "Jonah Smith",
        "Smith Johnson",
    ]
    assert names(await search(pdms_db, name="mary jane oneil")) == ["Mary-Jane O'Neil"]


async def test_a_stray_middle_name_does_not_hide_the_person(pdms_db):
    await add_people(pdms_db, NAMES)

    assert names(await search(pdms_db, name="John Paul Smith"))[0] == "John Smith"


async def test_a_word_that_matches_nothing_is_not_required(pdms_db):
    await add_people(pdms_db, [("Leo", "Aberling"), ("Ann", "Aberling"), ("Leo", "Stone")])

    # "Lo" is too short to correct and matches no one, so the surname decides
    assert names(await search(pdms_db, name="Lo Aberling")) == ["Leo Aberling", "Ann Aberling"]
    assert names(await search(pdms_db, name="Xqzt Vvrw")) == []


async def test_a_changed_or_deleted_name_is_searched_as_it_now_is(pdms_db):
    [person_id] = await add_people(pdms_db, [("Alfred", "Wainwright")])
    async with pdms_db.sessionmaker() as session, session.begin():
        person = await session.get(Person, person_id)
        person.surname = "Whitworth"

    assert names(await search(pdms_db, name="alfred whitworth")) == ["Alfred Whitworth"]
    assert names(await search(pdms_db, name="alfred wainwright")) == []

    async with pdms_db.sessionmaker() as session, session.begin():
        await session.delete(await session.get(Person, person_id))
    assert names(await search(pdms_db, name="alfred whitworth")) == []


async def test_a_bulk_load_with_deferred_indexing_is_searchable_and_upkeep_resumes(pdms_db):
    # given a bulk insert with the search index rebuilt once at the end
    rows = [{"forenames": f, "surname": s, "notes": "", "version": 1} for f, s in NAMES]
    async with (
        pdms_db.engine.begin() as connection,
        search_indexing_deferred(connection, "person"),
    ):
        await connection.execute(insert(Person), rows)

    # then the loaded people are found, typos and all, and later writes are indexed again
    assert names(await search(pdms_db, name="jonh smiht"))[0] == "John Smith"
    await add_people(pdms_db, [("Jonh", "Smiht")])
    assert names(await search(pdms_db, name="jonh smiht"))[0] == "Jonh Smiht"


async def test_each_other_criterion_finds_people_on_its_own(pdms_db, lookups):
    # given three people with a birth date, addresses, a reference and contacts
    ids = await add_people(pdms_db, [("Ann", "Lee"), ("Bea", "Lee"), ("Cat", "Lee")])
    async with pdms_db.sessionmaker() as session, session.begin():
        await session.execute(
            update(Person).where(Person.id == ids[0]).values(date_of_birth=date(1980, 2, 29))
        )
        old, new = (
            Place(single_line_address="1 Old Road", postcode="AB1 2CD"),
            Place(single_line_address="2 New Road", postcode="EF3 4GH"),
        )
        session.add_all([old, new])
        await session.flush()
        home = lookups[("address_role", "home")]
        session.add_all(
            [
                PersonAddress(
                    person_id=ids[1], place_id=old.id, role_id=home, to_date=date(2020, 1, 1)
                ),
                PersonAddress(person_id=ids[2], place_id=new.id, role_id=home),
                ExternalReference(
                    person_id=ids[2],
                    value="QQ123456C",
                    type_id=lookups[("external_reference_type", "ni_number")],
                ),
                ContactDetail(
                    person_id=ids[0],
                    value="07700 900123",
                    search_value="07700900123",
                    type_id=lookups[("contact_detail_type", "mobile")],
                ),
                ContactDetail(
                    person_id=ids[1],
                    value="Bea@Example.org",
                    search_value="bea@example.org",
                    type_id=lookups[("contact_detail_type", "email")],
                ),
            ]
        )

    async def found(**criteria) -> list[str]:
        return [p.forenames for p in (await search(pdms_db, **criteria)).rows]

    assert await found(date_of_birth=date(1980, 2, 29)) == ["Ann"]
    assert await found(postcode="ab12cd") == ["Bea"]  # a past address counts
    assert await found(postcode=" ef3  4gh ") == ["Cat"]
    assert await found(reference="qq 12 34 56 c") == ["Cat"]
    assert await found(contact="+44 7700 900 123") == ["Ann"]
    assert await found(contact=" BEA@example.ORG") == ["Bea"]
    assert await found(contact="0800 000000") == []
    # combined, every criterion must hold
    assert await found(name="lee", postcode="AB1 2CD") == ["Bea"]
    assert await found(name="lee", postcode="AB1 2CD", contact="07700900123") == []
    assert await found(name="ann lee", date_of_birth=date(1980, 2, 29)) == ["Ann"]
    assert await found(name="ann lee", date_of_birth=date(1980, 3, 1)) == []


async def test_archived_people_are_left_out_unless_asked_for(pdms_db):
    [_, archived] = await add_people(pdms_db, [("Olive", "Hart"), ("Oliver", "Hart")])
    async with pdms_db.sessionmaker() as session, session.begin():
        await session.execute(
            update(Person).where(Person.id == archived).values(archived_at=datetime.now(UTC))
        )

    assert names(await search(pdms_db, name="olive hart")) == ["Olive Hart"]
    assert names(await search(pdms_db, name="olive hart", include_archived=True)) == [
        "Olive Hart",
        "Oliver Hart",
    ]


async def test_pages_follow_the_ranking_without_gaps_or_repeats(pdms_db):
    # given many people whose names match equally or nearly
    await add_people(pdms_db, [("Sam", "Green")] * 9 + [("Sal", "Green")] * 8 + NAMES)
    whole = await search(pdms_db, first=100, name="sam green")
    assert len(whole.rows) == 17 and not whole.has_next_page

    # when the same search is read five at a time
    seen, after, pages = [], None, 0
    while True:
        page = await search(pdms_db, first=5, after=after, name="sam green")
        seen += page.rows
        pages += 1
        assert page.has_previous_page == (after is not None)
        if not page.has_next_page:
            break
        after = page.end_cursor

    # then the pages join up into exactly the single-page result
    assert [p.id for p in seen] == [p.id for p in whole.rows]
    assert pages == 4
    assert [p.forenames for p in whole.rows] == ["Sam"] * 9 + ["Sal"] * 8
    assert [p.id for p in whole.rows[:9]] == sorted(p.id for p in whole.rows[:9])


async def test_filter_only_searches_page_by_id(pdms_db):
    ids = await add_people(pdms_db, [("Ann", "Lee")] * 7, date_of_birth=date(1990, 1, 1))
    first = await search(pdms_db, first=4, date_of_birth=date(1990, 1, 1))
    rest = await search(pdms_db, first=4, after=first.end_cursor, date_of_birth=date(1990, 1, 1))
    assert [p.id for p in first.rows + rest.rows] == ids
    assert first.has_next_page and not rest.has_next_page


async def test_bad_input_is_a_validation_error(pdms_db):
    with pytest.raises(ValidationFailed) as error:
        await search(pdms_db, first=101, name="smith")
    assert error.value.field == "first"
    with pytest.raises(ValidationFailed) as error:
        await search(pdms_db, after="not-a-cursor", name="smith")
    assert error.value.field == "after"
    with pytest.raises(ValidationFailed):
        await search(pdms_db, name=" ?! ")


async def test_a_search_costs_the_same_statements_for_few_or_many_people(pdms_db, sql_statements):
    await add_people(pdms_db, [("Kim", "Stone")] * 3)
    sql_statements.reset()
    await search(pdms_db, name="kim stnoe", postcode="AB1 2CD")
    await search(pdms_db, name="kim stnoe")
    few = sql_statements.count

    await add_people(pdms_db, [("Kim", "Stone")] * 40)
    sql_statements.reset()
    await search(pdms_db, name="kim stnoe", postcode="AB1 2CD")
    page = await search(pdms_db, name="kim stnoe", first=50)

    assert len(page.rows) == 43
    assert sql_statements.count == few == 4  # vocabulary, then the page, per search
    sql_statements.reset()
    await search(pdms_db, date_of_birth=date(1990, 1, 1))
    assert sql_statements.count == 1
