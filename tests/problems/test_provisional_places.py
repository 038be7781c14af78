"""Places made by hand before the gazetteer knows them, and matching them to their UPRN."""

from __future__ import annotations

from pdms_core.testing.actors import staff
from problems.problem_steps import first_error, given_place, ok_payload, open_case

PLACE_FIELDS = """id version uprn hasUprn logicalStatus singleLineAddress postcode wardCode
  latitude longitude"""
PAYLOAD = f"place {{ {PLACE_FIELDS} }} errors {{ code field message }}"
CREATE = f"mutation($i: PlaceInput!) {{ createPlace(input: $i) {{ {PAYLOAD} }} }}"
UPDATE = f"""mutation($p: PlaceVersionInput!, $i: PlaceInput!) {{
  updatePlace(place: $p, input: $i) {{ {PAYLOAD} }} }}"""
MATCH = f"""mutation($p: PlaceVersionInput!, $uprn: String!) {{
  matchPlaceToUprn(place: $p, uprn: $uprn) {{ {PAYLOAD} }} }}"""
CASE_PLACES = "query($id: ID!) { case(id: $id) { places { place { id uprn } } } }"
NODE = "query($id: ID!) { node(id: $id) { id } }"
CREATE_WIDGET = """mutation($p: ID) { dummyCreateWidget(name: "Bench", placeId: $p) {
  widget { id } errors { code } } }"""
WIDGETS = """query($id: ID!) { node(id: $id) { ... on Place {
  moduleRecords { ... on DummyWidget { id } } } } }"""

PLACE_OFFICER = staff(
    "core.places.read",
    "core.places.write",
    "core.cases.read",
    "core.cases.write",
    "dummy.widget.read",
    "dummy.widget.write",
)


async def test_a_place_made_by_hand_is_provisional_and_editable(graphql, synced):
    officer = graphql.as_actor(PLACE_OFFICER)
    park = ok_payload(
        await officer.execute(
            CREATE,
            {
                "i": {
                    "paoText": "Riverside play area",
                    "street": "Mill Lane",
                    "town": "Testtown",
                    "postcode": "zz99zz",
                    "wardCode": "e05000001",
                }
            },
        ),
        "createPlace",
    )["place"]
    assert park["uprn"] is None and park["hasUprn"] is False and park["logicalStatus"] == 6
    assert park["singleLineAddress"] == "Riverside play area, Mill Lane, Testtown, ZZ9 9ZZ"
    assert park["wardCode"] == "E05000001"
    layby = ok_payload(
        await officer.execute(CREATE, {"i": {"latitude": 51.5012, "longitude": -0.1419}}),
        "createPlace",
    )["place"]
    assert layby["singleLineAddress"] == "Near 51.50120, -0.14190"

    moved = ok_payload(
        await officer.execute(
            UPDATE,
            {"p": {"id": park["id"], "expectedVersion": 1}, "i": {"paoText": "Riverside park"}},
        ),
        "updatePlace",
    )["place"]
    assert moved["version"] == 2 and moved["singleLineAddress"].startswith("Riverside park,")
    stale = await officer.execute(
        UPDATE, {"p": {"id": park["id"], "expectedVersion": 1}, "i": {"town": "Elsewhere"}}
    )
    assert first_error(stale, "updatePlace")[0] == "CONFLICT"

    gazetteer = await given_place(synced, 990000000201)
    refused = await officer.execute(
        UPDATE, {"p": {"id": gazetteer, "expectedVersion": 1}, "i": {"town": "Elsewhere"}}
    )
    assert first_error(refused, "updatePlace") == ("NOT_ALLOWED", "placeId")
    for given, field in (
        ({}, "paoText"),
        ({"postcode": "NOT A POSTCODE"}, "postcode"),
        ({"latitude": 51.5}, "latitude"),
        ({"latitude": 40.0, "longitude": -0.1}, "latitude"),
        ({"street": "x" * 101}, "street"),
        ({"wardCode": "ward 5"}, "wardCode"),
    ):
        assert first_error(await officer.execute(CREATE, {"i": given}), "createPlace") == (
            "VALIDATION",
            field,
        )

    reader = graphql.as_actor(staff("core.places.read"))
    denied = await reader.execute(CREATE, {"i": {"paoText": "Somewhere"}})
    assert denied.errors[0]["extensions"]["code"] == "PERMISSION_DENIED"


async def test_matching_takes_the_uprn_or_moves_everything_to_the_gazetteer_place(graphql, synced):
    officer = graphql.as_actor(PLACE_OFFICER)
    new_build = ok_payload(
        await officer.execute(CREATE, {"i": {"paoStartNumber": 7, "street": "New Row"}}),
        "createPlace",
    )["place"]
    # the gazetteer does not have it yet: the place takes the UPRN
    matched = ok_payload(
        await officer.execute(
            MATCH, {"p": {"id": new_build["id"], "expectedVersion": 1}, "uprn": "990000000301"}
        ),
        "matchPlaceToUprn",
    )["place"]
    assert (matched["id"], matched["uprn"]) == (new_build["id"], "990000000301")

    # the gazetteer already has it: cases and module records move, the provisional goes
    gazetteer = await given_place(synced, 990000000302)
    site = ok_payload(
        await officer.execute(CREATE, {"i": {"paoText": "Plot 4", "street": "New Row"}}),
        "createPlace",
    )["place"]
    on_both = await open_case(officer, placeIds=[site["id"], gazetteer])
    on_site = await open_case(officer, placeIds=[site["id"]])
    widget = (await officer.execute(CREATE_WIDGET, {"p": site["id"]})).ok()["dummyCreateWidget"]
    bad = await officer.execute(
        MATCH, {"p": {"id": site["id"], "expectedVersion": 1}, "uprn": "12345678901234"}
    )
    assert first_error(bad, "matchPlaceToUprn") == ("VALIDATION", "uprn")
    done = ok_payload(
        await officer.execute(
            MATCH, {"p": {"id": site["id"], "expectedVersion": 1}, "uprn": "990000000302"}
        ),
        "matchPlaceToUprn",
    )["place"]
    assert done["id"] == gazetteer
    for case, expected in ((on_both, [gazetteer]), (on_site, [gazetteer])):
        places = (await officer.execute(CASE_PLACES, {"id": case["id"]})).ok()["case"]["places"]
        assert [p["place"]["id"] for p in places] == expected
    moved = (await officer.execute(WIDGETS, {"id": gazetteer})).ok()["node"]
    assert moved["moduleRecords"] == [{"id": widget["widget"]["id"]}]
    assert (await officer.execute(NODE, {"id": site["id"]})).ok()["node"] is None
    again = await officer.execute(
        MATCH, {"p": {"id": gazetteer, "expectedVersion": 1}, "uprn": "990000000302"}
    )
    assert first_error(again, "matchPlaceToUprn") == ("NOT_ALLOWED", "placeId")
