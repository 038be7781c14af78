"""The people and places connections: search through GraphQL, paged, permission-checked."""

from __future__ import annotations

import pytest

from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.people.models import Person
from pdms_core.places.models import Place
from pdms_core.testing.actors import staff

PEOPLE = """query($s: PersonSearchInput!, $first: Int, $after: String) {
  people(search: $s, first: $first, after: $after) {
    edges { cursor node { forenames surname } } pageInfo { hasNextPage endCursor } } }"""
PLACES = """query($s: PlaceSearchInput!) {
  places(search: $s) { nodes { uprn singleLineAddress } } }"""
READER = staff("core.people.read", "core.places.read")


@pytest.fixture
async def population(pdms_db):
    async with unit_of_work(pdms_db.sessionmaker) as session:
        session.add_all(
            [
                Person(forenames="Robert", surname="Fictionalson"),
                Person(forenames="Roberta", surname="Testwell"),
                Person(forenames="Ada", surname="Fictionalson"),
            ]
        )
        session.add_all(
            [
                Place(
                    uprn=990000000301,
                    single_line_address="3 Mill Lane, Testtown, ZZ1 3AB",
                    postcode="ZZ1 3AB",
                    street="Mill Lane",
                    town="Testtown",
                    pao_start_number=3,
                ),
                Place(
                    uprn=990000000302,
                    single_line_address="5 Quarry Road, Testtown, ZZ1 5CD",
                    postcode="ZZ1 5CD",
                    street="Quarry Road",
                    town="Testtown",
                    pao_start_number=5,
                ),
            ]
        )
    return pdms_db


async def test_people_are_found_by_a_typoed_nickname_best_first(graphql, population):
    result = await graphql.as_actor(READER).execute(PEOPLE, {"s": {"name": "Bob Fictionlson"}})
    names = [(e["node"]["forenames"], e["node"]["surname"]) for e in result.ok()["people"]["edges"]]
    assert names[0] == ("Robert", "Fictionalson")


async def test_people_pages_follow_their_cursors(graphql, population):
    reader = graphql.as_actor(READER)
    search = {"s": {"name": "Fictionalson"}, "first": 1}
    first = (await reader.execute(PEOPLE, search)).ok()["people"]
    assert len(first["edges"]) == 1 and first["pageInfo"]["hasNextPage"] is True
    after = first["pageInfo"]["endCursor"]
    rest = (await reader.execute(PEOPLE, {**search, "after": after})).ok()["people"]
    seen = [e["node"]["forenames"] for e in first["edges"] + rest["edges"]]
    assert sorted(seen) == ["Ada", "Robert"]
    assert rest["pageInfo"]["hasNextPage"] is False


async def test_places_by_postcode_and_by_typoed_text(graphql, population):
    reader = graphql.as_actor(READER)
    by_postcode = (await reader.execute(PLACES, {"s": {"postcode": "zz15cd"}})).ok()
    assert [p["uprn"] for p in by_postcode["places"]["nodes"]] == ["990000000302"]
    by_text = (await reader.execute(PLACES, {"s": {"text": "3 Mil Lane"}})).ok()
    assert by_text["places"]["nodes"][0]["uprn"] == "990000000301"


async def test_searching_people_needs_the_read_permission(graphql, population):
    denied = await graphql.as_actor(staff("core.places.read")).execute(
        PEOPLE, {"s": {"name": "Ada"}}
    )
    assert denied.error_codes() == ["PERMISSION_DENIED"]
