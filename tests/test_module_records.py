"""The graph crosses modules: a place shows what every enabled module holds about it."""

from __future__ import annotations

from pdms_core.places.models import Place
from pdms_core.testing.actors import staff

CREATE_WIDGET = """
mutation($name: String!, $placeId: ID) {
  dummyCreateWidget(name: $name, placeId: $placeId) {
    widget { id name }
    errors { code field message }
  }
}
"""

PLACE_WITH_RECORDS = """
query($uprn: String!) {
  place(uprn: $uprn) {
    id uprn singleLineAddress hasUprn
    moduleRecords { __typename module summary ... on DummyWidget { name } }
  }
}
"""

READER = staff("core.places.read", "dummy.widget.read", "dummy.widget.write")


async def add_place(db, uprn: int, address: str) -> int:
    async with db.sessionmaker() as session, session.begin():
        place = Place(uprn=uprn, single_line_address=address, postcode="ZZ1 1ZZ")
        session.add(place)
        await session.flush()
        return place.id


async def test_place_shows_widgets_from_the_dummy_module_in_one_query(graphql, pdms_db):
    # given a place with two widgets
    await add_place(pdms_db, 990000000001, "1 Fictional Street, Testtown")
    place = await graphql.as_actor(READER).execute(PLACE_WITH_RECORDS, {"uprn": "990000000001"})
    place_id = place.ok()["place"]["id"]
    for name in ("Sprocket", "Flange"):
        created = await graphql.as_actor(READER).execute(
            CREATE_WIDGET, {"name": name, "placeId": place_id}
        )
        assert created.ok()["dummyCreateWidget"]["errors"] == []

    # when the portal asks for the place
    result = await graphql.as_actor(READER).execute(PLACE_WITH_RECORDS, {"uprn": "990000000001"})

    # then both widgets come back as module records of the dummy module
    records = result.ok()["place"]["moduleRecords"]
    assert [(r["__typename"], r["module"], r["name"]) for r in records] == [
        ("DummyWidget", "dummy", "Sprocket"),
        ("DummyWidget", "dummy", "Flange"),
    ]
    assert records[0]["summary"] == "Widget Sprocket"


async def test_records_the_caller_may_not_read_are_left_out(graphql, pdms_db):
    await add_place(pdms_db, 200001, "2 Fictional Street, Testtown")
    writer = graphql.as_actor(READER)
    place_id = (await writer.execute(PLACE_WITH_RECORDS, {"uprn": "200001"})).ok()["place"]["id"]
    await writer.execute(CREATE_WIDGET, {"name": "Cog", "placeId": place_id})

    result = await graphql.as_actor(staff("core.places.read")).execute(
        PLACE_WITH_RECORDS, {"uprn": "200001"}
    )

    assert result.ok()["place"]["moduleRecords"] == []
