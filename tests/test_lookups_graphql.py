"""Reading and administering configurable lists through GraphQL."""

from __future__ import annotations

import pytest

from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.graphql.node import decode_id, global_id
from pdms_core.lookups.sync import sync_lookups
from pdms_core.records import LookupSeed, LookupSetSpec
from pdms_core.testing.actors import staff

LOOKUP_SETS = """
query($module: String, $first: Int, $after: String) {
  lookupSets(module: $module, first: $first, after: $after) {
    edges { cursor node { code module label } }
    nodes { code }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

LOOKUP_SET = """
query($code: String!, $includeInactive: Boolean! = false) {
  lookupSet(code: $code) {
    id code module label description
    parentSet { code module }
    values(includeInactive: $includeInactive) {
      id code label sortOrder isActive version
      parent { code lookupSet { code } }
      lookupSet { code }
    }
  }
}
"""

VALUE_FIELDS = "id code label sortOrder isActive version parent { code } lookupSet { code }"

ADD_VALUE = f"""
mutation($input: AddLookupValueInput!) {{
  addLookupValue(input: $input) {{
    lookupValue {{ {VALUE_FIELDS} }}
    errors {{ code field message }}
  }}
}}
"""

RENAME_VALUE = f"""
mutation($input: RenameLookupValueInput!) {{
  renameLookupValue(input: $input) {{
    lookupValue {{ {VALUE_FIELDS} }}
    errors {{ code field message }}
  }}
}}
"""

DEACTIVATE_VALUE = f"""
mutation($input: LookupValueStateInput!) {{
  deactivateLookupValue(input: $input) {{
    lookupValue {{ {VALUE_FIELDS} }}
    errors {{ code field message }}
  }}
}}
"""

REACTIVATE_VALUE = f"""
mutation($input: LookupValueStateInput!) {{
  reactivateLookupValue(input: $input) {{
    lookupValue {{ {VALUE_FIELDS} }}
    errors {{ code field message }}
  }}
}}
"""

REORDER_VALUES = """
mutation($input: ReorderLookupValuesInput!) {
  reorderLookupValues(input: $input) {
    lookupSet { code values(includeInactive: true) { code sortOrder } }
    errors { code field message }
  }
}
"""

NODE = """
query($id: ID!) {
  node(id: $id) {
    __typename id
    ... on LookupValue { code label lookupSet { code } }
    ... on LookupSet { code label }
  }
}
"""

NESTED_VALUES = """
query {
  lookupSets(first: 100) { edges { node { values { parent { code } } } } }
}
"""

READ = "core.lookups.read"
MANAGE = "core.lookups.manage"
READER = staff(READ, name="Lookup Reader")
ADMIN = staff(READ, MANAGE, name="Lookup Admin")


def denial(actor) -> str:
    """What a refused caller is told: to sign in without credentials, else which
    permission is missing."""
    return "UNAUTHENTICATED" if actor is None else "PERMISSION_DENIED"


# -- helpers ---------------------------------------------------------------------------


async def sync(pdms_db, pdms_host, declared=None):
    """What `pdms lookups sync` does."""
    async with unit_of_work(pdms_db.sessionmaker) as session:
        return await sync_lookups(
            session,
            pdms_host.lookup_sets if declared is None else declared,
        )


@pytest.fixture
async def synced(pdms_db, pdms_host):
    """The dummy lists as `pdms lookups sync` creates them."""
    await sync(pdms_db, pdms_host)


async def read_set(graphql, code: str, *, include_inactive: bool = True) -> dict:
    result = await graphql.as_actor(ADMIN).execute(
        LOOKUP_SET, {"code": code, "includeInactive": include_inactive}
    )
    return result.ok()["lookupSet"]


async def value(graphql, set_code: str, code: str) -> dict:
    values = (await read_set(graphql, set_code))["values"]
    return next(v for v in values if v["code"] == code)


async def add(graphql, actor=ADMIN, **input) -> dict:
    return (await graphql.as_actor(actor).execute(ADD_VALUE, {"input": input})).ok()[
        "addLookupValue"
    ]


def codes_and_fields(errors: list[dict]) -> list[tuple[str, str | None]]:
    return [(error["code"], error["field"]) for error in errors]


# -- reading ---------------------------------------------------------------------------


async def test_lookup_sets_lists_the_module_lists_in_code_order(graphql, synced):
    # when a reader asks for the dummy module's lists
    result = await graphql.as_actor(READER).execute(LOOKUP_SETS, {"module": "dummy"})

    # then all come back, ordered by code, on one page (its own problem lists too)
    connection = result.ok()["lookupSets"]
    assert [edge["node"] for edge in connection["edges"]] == [
        {"code": "dummy.case_status", "module": "dummy", "label": "Case statuses"},
        {"code": "dummy.colour", "module": "dummy", "label": "Widget colours"},
        {"code": "dummy.demand_type", "module": "dummy", "label": "Demand types"},
        {"code": "dummy.intention_type", "module": "dummy", "label": "Intention types"},
        {"code": "dummy.shade", "module": "dummy", "label": "Widget shades"},
    ]
    assert connection["nodes"][1:2] == [{"code": "dummy.colour"}]
    assert connection["pageInfo"]["hasNextPage"] is False
    assert connection["pageInfo"]["hasPreviousPage"] is False


async def test_lookup_sets_filters_by_module(graphql, synced):
    # when a reader asks for the lists of every module, and of a module with none
    everything = await graphql.as_actor(READER).execute(LOOKUP_SETS, {"first": 100})
    nobody = await graphql.as_actor(READER).execute(LOOKUP_SETS, {"module": "no_such_module"})

    # then the unfiltered list includes the dummy lists, the other nothing
    codes = [edge["node"]["code"] for edge in everything.ok()["lookupSets"]["edges"]]
    assert {"dummy.colour", "dummy.shade"} <= set(codes)
    assert codes == sorted(codes)
    assert nobody.ok()["lookupSets"]["edges"] == []
    assert nobody.ok()["lookupSets"]["pageInfo"]["endCursor"] is None


async def test_lookup_sets_pages_with_first_and_after(graphql, synced):
    # given the first page of one list
    reader = graphql.as_actor(READER)
    first = (await reader.execute(LOOKUP_SETS, {"module": "dummy", "first": 3})).ok()
    page = first["lookupSets"]
    assert [edge["node"]["code"] for edge in page["edges"]] == [
        "dummy.case_status",
        "dummy.colour",
        "dummy.demand_type",
    ]
    assert page["pageInfo"]["hasNextPage"] is True
    assert page["pageInfo"]["hasPreviousPage"] is False
    assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]

    # when the caller asks for the page after it
    second = await reader.execute(
        LOOKUP_SETS, {"module": "dummy", "first": 3, "after": page["pageInfo"]["endCursor"]}
    )

    # then it holds the next lists and says it is the last
    page = second.ok()["lookupSets"]
    assert [edge["node"]["code"] for edge in page["edges"]] == [
        "dummy.intention_type",
        "dummy.shade",
    ]
    assert page["pageInfo"]["hasNextPage"] is False
    assert page["pageInfo"]["hasPreviousPage"] is True


@pytest.mark.parametrize("first", [101, -1])
async def test_lookup_sets_rejects_a_page_size_outside_0_to_100(graphql, synced, first):
    result = await graphql.as_actor(READER).execute(LOOKUP_SETS, {"first": first})

    assert result.error_codes() == ["VALIDATION"]
    assert result.errors[0]["extensions"]["field"] == "first"
    assert result.data is None


async def test_lookup_sets_rejects_a_tampered_cursor(graphql, synced):
    result = await graphql.as_actor(READER).execute(LOOKUP_SETS, {"after": "not-a-cursor"})

    assert result.error_codes() == ["VALIDATION"]
    assert result.errors[0]["extensions"]["field"] == "after"


async def test_lookup_set_shows_its_values_in_order_with_parents(graphql, synced):
    # when a reader asks for the hierarchical list
    result = await graphql.as_actor(READER).execute(LOOKUP_SET, {"code": "dummy.shade"})

    # then it names its parent list and each value its parent value
    shade = result.ok()["lookupSet"]
    assert (shade["code"], shade["module"], shade["label"]) == (
        "dummy.shade",
        "dummy",
        "Widget shades",
    )
    assert shade["parentSet"] == {"code": "dummy.colour", "module": "dummy"}
    assert [
        (v["code"], v["label"], v["sortOrder"], v["isActive"], v["parent"], v["lookupSet"])
        for v in shade["values"]
    ] == [
        (
            "crimson",
            "Crimson",
            1,
            True,
            {"code": "red", "lookupSet": {"code": "dummy.colour"}},
            {"code": "dummy.shade"},
        ),
        (
            "lime",
            "Lime",
            2,
            True,
            {"code": "green", "lookupSet": {"code": "dummy.colour"}},
            {"code": "dummy.shade"},
        ),
    ]
    assert all(v["version"] == 1 for v in shade["values"])


async def test_lookup_set_without_a_parent_list_has_no_parents(graphql, synced):
    result = await graphql.as_actor(READER).execute(LOOKUP_SET, {"code": "dummy.colour"})

    colour = result.ok()["lookupSet"]
    assert colour["parentSet"] is None
    assert [(v["code"], v["parent"]) for v in colour["values"]] == [("red", None), ("green", None)]


async def test_unknown_lookup_set_is_null(graphql, synced):
    result = await graphql.as_actor(READER).execute(LOOKUP_SET, {"code": "dummy.nothing"})

    assert result.ok() == {"lookupSet": None}


async def test_inactive_values_are_hidden_unless_asked_for(graphql, synced):
    # given a deactivated colour
    red = await value(graphql, "dummy.colour", "red")
    result = await graphql.as_actor(ADMIN).execute(
        DEACTIVATE_VALUE, {"input": {"id": red["id"], "expectedVersion": red["version"]}}
    )
    assert result.ok()["deactivateLookupValue"]["errors"] == []

    # when a reader asks for the list with and without inactive values
    reader = graphql.as_actor(READER)
    default = await reader.execute(LOOKUP_SET, {"code": "dummy.colour"})
    everything = await reader.execute(LOOKUP_SET, {"code": "dummy.colour", "includeInactive": True})

    # then only the admin view shows it, marked inactive, in its place
    assert [v["code"] for v in default.ok()["lookupSet"]["values"]] == ["green"]
    assert [(v["code"], v["isActive"]) for v in everything.ok()["lookupSet"]["values"]] == [
        ("red", False),
        ("green", True),
    ]


# -- addLookupValue --------------------------------------------------------------------


async def test_add_value_appends_it_to_the_list(graphql, synced):
    # when an admin adds a colour
    payload = await add(graphql, setCode="dummy.colour", code="blue", label="  Sky   blue ")

    # then it is stored at the end of the list, active, with a tidied label
    assert payload["errors"] == []
    added = payload["lookupValue"]
    assert (added["code"], added["label"], added["sortOrder"], added["isActive"]) == (
        "blue",
        "Sky blue",
        3,
        True,
    )
    assert (added["version"], added["parent"], added["lookupSet"]) == (
        1,
        None,
        {"code": "dummy.colour"},
    )
    colours = (await read_set(graphql, "dummy.colour"))["values"]
    assert [v["code"] for v in colours] == ["red", "green", "blue"]
    assert colours[-1]["id"] == added["id"]


async def test_add_value_to_a_hierarchical_list_links_the_parent(graphql, synced):
    payload = await add(
        graphql, setCode="dummy.shade", code="olive", label="Olive", parentCode="green"
    )

    assert payload["errors"] == []
    assert payload["lookupValue"]["parent"] == {"code": "green"}
    shades = (await read_set(graphql, "dummy.shade"))["values"]
    assert [(v["code"], v["parent"]["code"]) for v in shades] == [
        ("crimson", "red"),
        ("lime", "green"),
        ("olive", "green"),
    ]


async def test_the_same_code_may_be_used_in_different_lists(graphql, synced):
    # "red" is a colour; a shade may also be called "red"
    payload = await add(graphql, setCode="dummy.shade", code="red", label="Red", parentCode="red")

    assert payload["errors"] == []
    assert payload["lookupValue"]["lookupSet"] == {"code": "dummy.shade"}


@pytest.mark.parametrize(
    ("input", "expected"),
    [
        pytest.param(
            {"setCode": "dummy.nothing", "code": "blue", "label": "Blue"},
            [("NOT_FOUND", "setCode")],
            id="unknown-list",
        ),
        pytest.param(
            {"setCode": "dummy.colour", "code": "Blue Sky", "label": "Blue"},
            [("VALIDATION", "code")],
            id="bad-code",
        ),
        pytest.param(
            {"setCode": "dummy.colour", "code": "", "label": "Blue"},
            [("VALIDATION", "code")],
            id="empty-code",
        ),
        pytest.param(
            {"setCode": "dummy.colour", "code": "_blue", "label": "Blue"},
            [("VALIDATION", "code")],
            id="code-starting-with-underscore",
        ),
        pytest.param(
            {"setCode": "dummy.colour", "code": "b" * 101, "label": "Blue"},
            [("VALIDATION", "code")],
            id="code-too-long",
        ),
        pytest.param(
            {"setCode": "dummy.colour", "code": "blue", "label": "   "},
            [("VALIDATION", "label")],
            id="blank-label",
        ),
        pytest.param(
            {"setCode": "dummy.colour", "code": "blue", "label": "x" * 201},
            [("VALIDATION", "label")],
            id="label-too-long",
        ),
        pytest.param(
            {"setCode": "dummy.colour", "code": "red", "label": "Another red"},
            [("DUPLICATE", "code")],
            id="duplicate-code",
        ),
        pytest.param(
            {"setCode": "dummy.shade", "code": "olive", "label": "Olive"},
            [("VALIDATION", "parentCode")],
            id="parent-missing",
        ),
        pytest.param(
            {"setCode": "dummy.shade", "code": "olive", "label": "Olive", "parentCode": "blue"},
            [("VALIDATION", "parentCode")],
            id="parent-unknown",
        ),
        pytest.param(
            {"setCode": "dummy.shade", "code": "olive", "label": "Olive", "parentCode": "lime"},
            [("VALIDATION", "parentCode")],
            id="parent-from-the-wrong-list",
        ),
        pytest.param(
            {"setCode": "dummy.colour", "code": "blue", "label": "Blue", "parentCode": "red"},
            [("VALIDATION", "parentCode")],
            id="parent-on-a-flat-list",
        ),
        pytest.param(
            {"setCode": "dummy.shade", "code": "Bad Code", "label": " "},
            [("VALIDATION", "code"), ("VALIDATION", "label"), ("VALIDATION", "parentCode")],
            id="several-problems-together",
        ),
    ],
)
async def test_add_value_rejects_bad_input_and_stores_nothing(graphql, synced, input, expected):
    # given the lists as synced
    before = [await read_set(graphql, code) for code in ("dummy.colour", "dummy.shade")]

    # when an admin sends a value with problems
    payload = await add(graphql, **input)

    # then every problem is reported with its field, and nothing is stored
    assert payload["lookupValue"] is None
    assert codes_and_fields(payload["errors"]) == expected
    assert all(error["message"] for error in payload["errors"])
    after = [await read_set(graphql, code) for code in ("dummy.colour", "dummy.shade")]
    assert after == before


async def test_add_value_refuses_an_inactive_parent(graphql, synced):
    # given a deactivated colour
    green = await value(graphql, "dummy.colour", "green")
    deactivated = await graphql.as_actor(ADMIN).execute(
        DEACTIVATE_VALUE, {"input": {"id": green["id"], "expectedVersion": green["version"]}}
    )
    assert deactivated.ok()["deactivateLookupValue"]["errors"] == []

    # when an admin adds a shade under it
    payload = await add(
        graphql, setCode="dummy.shade", code="olive", label="Olive", parentCode="green"
    )

    # then it is refused
    assert codes_and_fields(payload["errors"]) == [("VALIDATION", "parentCode")]


# -- renameLookupValue -----------------------------------------------------------------


async def test_rename_value_changes_the_label_and_bumps_the_version(graphql, synced):
    # given a colour as read by an admin
    red = await value(graphql, "dummy.colour", "red")

    # when they rename it, sending the version they read
    result = await graphql.as_actor(ADMIN).execute(
        RENAME_VALUE,
        {"input": {"id": red["id"], "label": "Pillar-box red", "expectedVersion": red["version"]}},
    )

    # then the label changes, the code does not, and the version moves on
    payload = result.ok()["renameLookupValue"]
    assert payload["errors"] == []
    renamed = payload["lookupValue"]
    assert (renamed["id"], renamed["code"], renamed["label"]) == (
        red["id"],
        "red",
        "Pillar-box red",
    )
    assert renamed["version"] == red["version"] + 1
    assert await value(graphql, "dummy.colour", "red") == renamed | {
        "parent": None,
        "lookupSet": {"code": "dummy.colour"},
    }


async def test_rename_with_a_stale_version_is_a_conflict_and_changes_nothing(graphql, synced):
    # given an admin read a colour, then a colleague renamed it
    red = await value(graphql, "dummy.colour", "red")
    first = await graphql.as_actor(ADMIN).execute(
        RENAME_VALUE,
        {"input": {"id": red["id"], "label": "Scarlet", "expectedVersion": red["version"]}},
    )
    assert first.ok()["renameLookupValue"]["errors"] == []
    current = await value(graphql, "dummy.colour", "red")

    # when the first admin renames it from their stale copy
    result = await graphql.as_actor(ADMIN).execute(
        RENAME_VALUE,
        {"input": {"id": red["id"], "label": "Ruby", "expectedVersion": red["version"]}},
    )

    # then they get a CONFLICT and the colleague's label stands
    payload = result.ok()["renameLookupValue"]
    assert payload["lookupValue"] is None
    assert codes_and_fields(payload["errors"]) == [("CONFLICT", "expectedVersion")]
    assert await value(graphql, "dummy.colour", "red") == current
    assert current["label"] == "Scarlet"


async def test_rename_rejects_a_blank_label(graphql, synced):
    red = await value(graphql, "dummy.colour", "red")

    result = await graphql.as_actor(ADMIN).execute(
        RENAME_VALUE, {"input": {"id": red["id"], "label": " ", "expectedVersion": 1}}
    )

    assert codes_and_fields(result.ok()["renameLookupValue"]["errors"]) == [("VALIDATION", "label")]
    assert await value(graphql, "dummy.colour", "red") == red


async def test_rename_of_something_that_is_not_a_lookup_value_is_refused(graphql, synced):
    # given the global ID of a list (not a value) and of a value that was never stored
    colour = await read_set(graphql, "dummy.colour")
    red = await value(graphql, "dummy.colour", "red")
    missing = global_id("LookupValue", decode_id(red["id"], "LookupValue") + 10_000)

    # when an admin tries to rename them
    admin = graphql.as_actor(ADMIN)
    not_a_value = await admin.execute(
        RENAME_VALUE, {"input": {"id": colour["id"], "label": "X", "expectedVersion": 1}}
    )
    not_there = await admin.execute(
        RENAME_VALUE, {"input": {"id": missing, "label": "X", "expectedVersion": 1}}
    )

    # then the first is a VALIDATION error and the second NOT_FOUND, both on `id`
    assert codes_and_fields(not_a_value.ok()["renameLookupValue"]["errors"]) == [
        ("VALIDATION", "id")
    ]
    assert codes_and_fields(not_there.ok()["renameLookupValue"]["errors"]) == [("NOT_FOUND", "id")]


# -- deactivateLookupValue / reactivateLookupValue -------------------------------------


async def test_deactivate_then_reactivate_a_value(graphql, synced):
    # given an active colour
    green = await value(graphql, "dummy.colour", "green")
    admin = graphql.as_actor(ADMIN)

    # when an admin deactivates it
    result = await admin.execute(
        DEACTIVATE_VALUE, {"input": {"id": green["id"], "expectedVersion": green["version"]}}
    )

    # then it is inactive, a version on, and no longer offered
    payload = result.ok()["deactivateLookupValue"]
    assert payload["errors"] == []
    assert (payload["lookupValue"]["isActive"], payload["lookupValue"]["version"]) == (
        False,
        green["version"] + 1,
    )
    offered = await read_set(graphql, "dummy.colour", include_inactive=False)
    assert [v["code"] for v in offered["values"]] == ["red"]

    # when they reactivate it with the new version
    result = await admin.execute(
        REACTIVATE_VALUE,
        {"input": {"id": green["id"], "expectedVersion": payload["lookupValue"]["version"]}},
    )

    # then it is offered again in its old place
    payload = result.ok()["reactivateLookupValue"]
    assert payload["errors"] == []
    assert (payload["lookupValue"]["isActive"], payload["lookupValue"]["version"]) == (
        True,
        green["version"] + 2,
    )
    offered = await read_set(graphql, "dummy.colour", include_inactive=False)
    assert [(v["code"], v["sortOrder"]) for v in offered["values"]] == [("red", 1), ("green", 2)]


@pytest.mark.parametrize(
    ("document", "field", "active"),
    [
        (DEACTIVATE_VALUE, "deactivateLookupValue", True),
        (REACTIVATE_VALUE, "reactivateLookupValue", False),
    ],
)
async def test_changing_state_with_a_stale_version_is_a_conflict(
    graphql, synced, document, field, active
):
    # given a colour whose version has moved on since the admin read it
    green = await value(graphql, "dummy.colour", "green")
    admin = graphql.as_actor(ADMIN)
    renamed = await admin.execute(
        RENAME_VALUE,
        {"input": {"id": green["id"], "label": "Emerald", "expectedVersion": green["version"]}},
    )
    assert renamed.ok()["renameLookupValue"]["errors"] == []
    if not active:
        current = await value(graphql, "dummy.colour", "green")
        done = await admin.execute(
            DEACTIVATE_VALUE,
            {"input": {"id": green["id"], "expectedVersion": current["version"]}},
        )
        assert done.ok()["deactivateLookupValue"]["errors"] == []
    before = await value(graphql, "dummy.colour", "green")
    assert before["isActive"] is active

    # when they change its state from the stale copy
    result = await admin.execute(
        document, {"input": {"id": green["id"], "expectedVersion": green["version"]}}
    )

    # then it is a CONFLICT and the value is unchanged
    payload = result.ok()[field]
    assert payload["lookupValue"] is None
    assert codes_and_fields(payload["errors"]) == [("CONFLICT", "expectedVersion")]
    assert await value(graphql, "dummy.colour", "green") == before


# -- reorderLookupValues ---------------------------------------------------------------


async def test_reorder_puts_the_values_in_the_new_order(graphql, synced):
    # given a colour list with an admin-added, inactive value
    added = await add(graphql, setCode="dummy.colour", code="blue", label="Blue")
    blue = added["lookupValue"]
    await graphql.as_actor(ADMIN).execute(
        DEACTIVATE_VALUE, {"input": {"id": blue["id"], "expectedVersion": blue["version"]}}
    )
    by_code = {v["code"]: v for v in (await read_set(graphql, "dummy.colour"))["values"]}

    # when an admin puts them in a new order
    order = ["blue", "green", "red"]
    result = await graphql.as_actor(ADMIN).execute(
        REORDER_VALUES,
        {
            "input": {
                "setCode": "dummy.colour",
                "valueIds": [by_code[code]["id"] for code in order],
            }
        },
    )

    # then the payload and every later read show that order, numbered from 1
    payload = result.ok()["reorderLookupValues"]
    assert payload["errors"] == []
    expected = [{"code": "blue", "sortOrder": 1}, {"code": "green", "sortOrder": 2}]
    expected.append({"code": "red", "sortOrder": 3})
    assert payload["lookupSet"] == {"code": "dummy.colour", "values": expected}
    stored = (await read_set(graphql, "dummy.colour"))["values"]
    assert [(v["code"], v["sortOrder"]) for v in stored] == [
        ("blue", 1),
        ("green", 2),
        ("red", 3),
    ]
    offered = await read_set(graphql, "dummy.colour", include_inactive=False)
    assert [v["code"] for v in offered["values"]] == ["green", "red"]


async def reorder_ids(graphql, set_code: str) -> dict[str, str]:
    return {v["code"]: v["id"] for v in (await read_set(graphql, set_code))["values"]}


@pytest.mark.parametrize(
    ("make_ids", "field"),
    [
        pytest.param(lambda colours, shades: [colours["red"]], "valueIds", id="missing-value"),
        pytest.param(
            lambda colours, shades: [colours["red"], colours["green"], colours["green"]],
            "valueIds",
            id="repeated-value",
        ),
        pytest.param(
            lambda colours, shades: [colours["red"], shades["lime"]],
            "valueIds",
            id="value-of-another-list",
        ),
        pytest.param(
            lambda colours, shades: [colours["red"], colours["green"], shades["lime"]],
            "valueIds",
            id="extra-value-of-another-list",
        ),
        pytest.param(
            lambda colours, shades: [colours["red"], "not-an-id"],
            "valueIds",
            id="not-an-id",
        ),
    ],
)
async def test_reorder_must_list_every_value_of_the_list_once(graphql, synced, make_ids, field):
    # given the lists as synced
    colours = await reorder_ids(graphql, "dummy.colour")
    shades = await reorder_ids(graphql, "dummy.shade")
    before = await read_set(graphql, "dummy.colour")

    # when an admin sends an order that is not a permutation of the list
    result = await graphql.as_actor(ADMIN).execute(
        REORDER_VALUES,
        {"input": {"setCode": "dummy.colour", "valueIds": make_ids(colours, shades)}},
    )

    # then it is refused and the order is unchanged
    payload = result.ok()["reorderLookupValues"]
    assert payload["lookupSet"] is None
    assert codes_and_fields(payload["errors"]) == [("VALIDATION", field)]
    assert await read_set(graphql, "dummy.colour") == before


async def test_reorder_of_an_unknown_list_is_not_found(graphql, synced):
    result = await graphql.as_actor(ADMIN).execute(
        REORDER_VALUES, {"input": {"setCode": "dummy.nothing", "valueIds": []}}
    )

    assert codes_and_fields(result.ok()["reorderLookupValues"]["errors"]) == [
        ("NOT_FOUND", "setCode")
    ]


# -- permissions -----------------------------------------------------------------------


async def mutation_requests(graphql) -> dict[str, tuple[str, dict]]:
    """One valid request per admin mutation, as an admin would send it."""
    red = await value(graphql, "dummy.colour", "red")
    green = await value(graphql, "dummy.colour", "green")
    state = {"id": red["id"], "expectedVersion": red["version"]}
    return {
        "addLookupValue": (
            ADD_VALUE,
            {"input": {"setCode": "dummy.colour", "code": "blue", "label": "Blue"}},
        ),
        "renameLookupValue": (RENAME_VALUE, {"input": {**state, "label": "Scarlet"}}),
        "deactivateLookupValue": (DEACTIVATE_VALUE, {"input": state}),
        "reactivateLookupValue": (REACTIVATE_VALUE, {"input": state}),
        "reorderLookupValues": (
            REORDER_VALUES,
            {"input": {"setCode": "dummy.colour", "valueIds": [green["id"], red["id"]]}},
        ),
    }


MUTATIONS = [
    "addLookupValue",
    "renameLookupValue",
    "deactivateLookupValue",
    "reactivateLookupValue",
    "reorderLookupValues",
]


@pytest.mark.parametrize("mutation", MUTATIONS)
@pytest.mark.parametrize(
    "actor",
    [
        pytest.param(None, id="anonymous"),
        pytest.param(READER, id="reader"),
        pytest.param(staff("dummy.widget.write", name="Widget Maker"), id="other-permission"),
    ],
)
async def test_mutations_need_the_manage_permission(graphql, synced, mutation, actor):
    # given the lists as synced, and a request an admin could make
    document, variables = (await mutation_requests(graphql))[mutation]
    before = [await read_set(graphql, code) for code in ("dummy.colour", "dummy.shade")]

    # when someone without core.lookups.manage sends it
    result = await graphql.as_actor(actor).execute(document, variables)

    # then it is denied (a caller without credentials is told to sign in) and nothing changes
    assert result.error_codes() == [denial(actor)]
    assert result.errors[0]["path"] == [mutation]
    assert result.data is None
    after = [await read_set(graphql, code) for code in ("dummy.colour", "dummy.shade")]
    assert after == before


@pytest.mark.parametrize("mutation", MUTATIONS)
async def test_the_same_requests_succeed_for_an_admin(graphql, synced, mutation):
    # the permission tests above only prove something if these requests are otherwise valid
    document, variables = (await mutation_requests(graphql))[mutation]

    result = await graphql.as_actor(ADMIN).execute(document, variables)

    assert result.ok()[mutation]["errors"] == []


@pytest.mark.parametrize(
    ("document", "variables", "field"),
    [
        (LOOKUP_SETS, {}, "lookupSets"),
        (LOOKUP_SET, {"code": "dummy.colour"}, "lookupSet"),
    ],
)
@pytest.mark.parametrize(
    "actor",
    [
        pytest.param(None, id="anonymous"),
        pytest.param(staff(MANAGE, "dummy.widget.read", name="Not A Reader"), id="no-read"),
    ],
)
async def test_reading_lists_needs_the_read_permission(
    graphql, synced, document, variables, field, actor
):
    # when someone without core.lookups.read asks for lists
    denied = await graphql.as_actor(actor).execute(document, variables)
    # and someone with it asks the same
    allowed = await graphql.as_actor(READER).execute(document, variables)

    # then only the reader gets an answer
    assert denied.error_codes() == [denial(actor)]
    assert denied.errors[0]["path"] == [field]
    assert not (denied.data or {}).get(field)
    assert allowed.ok()[field]


# -- node(id:) -------------------------------------------------------------------------


async def test_node_returns_a_lookup_value_to_a_reader(graphql, synced):
    lime = await value(graphql, "dummy.shade", "lime")

    result = await graphql.as_actor(READER).execute(NODE, {"id": lime["id"]})

    assert result.ok()["node"] == {
        "__typename": "LookupValue",
        "id": lime["id"],
        "code": "lime",
        "label": "Lime",
        "lookupSet": {"code": "dummy.shade"},
    }


async def test_node_returns_a_lookup_set_to_a_reader(graphql, synced):
    colour = await read_set(graphql, "dummy.colour")

    result = await graphql.as_actor(READER).execute(NODE, {"id": colour["id"]})

    assert result.ok()["node"] == {
        "__typename": "LookupSet",
        "id": colour["id"],
        "code": "dummy.colour",
        "label": "Widget colours",
    }


@pytest.mark.parametrize(
    "actor",
    [
        pytest.param(None, id="anonymous"),
        pytest.param(staff(MANAGE, "dummy.widget.read", name="Not A Reader"), id="no-read"),
    ],
)
async def test_node_refuses_lookup_values_without_the_read_permission(graphql, synced, actor):
    lime = await value(graphql, "dummy.shade", "lime")

    result = await graphql.as_actor(actor).execute(NODE, {"id": lime["id"]})

    assert result.error_codes() == [denial(actor)]
    assert not (result.data or {}).get("node")
    assert "lime" not in str(result.body)


# -- performance shape -----------------------------------------------------------------


def extra_lists(count: int) -> tuple[tuple[str, LookupSetSpec], ...]:
    """``count`` more pairs of lists: a flat one and one hanging under it, three values each."""
    declared = []
    for n in range(count):
        parent = f"dummy.extra{n:02d}"
        seeds = tuple(LookupSeed(f"v{i}", f"Value {i}") for i in range(3))
        children = tuple(LookupSeed(f"c{i}", f"Child {i}", parent=f"v{i}") for i in range(3))
        declared.append(("dummy", LookupSetSpec(code=parent, label=parent, seeds=seeds)))
        declared.append(
            (
                "dummy",
                LookupSetSpec(
                    code=f"{parent}_child", label=parent, parent_set=parent, seeds=children
                ),
            )
        )
    return tuple(declared)


async def test_nested_values_cost_the_same_statements_for_more_lists(
    graphql, pdms_db, pdms_host, sql_statements
):
    # given the two dummy lists
    await sync(pdms_db, pdms_host)
    reader = graphql.as_actor(READER)
    sql_statements.reset()
    few = await reader.execute(NESTED_VALUES)
    few_count = sql_statements.count
    few_lists = few.ok()["lookupSets"]["edges"]

    # when there are four more lists, half of them hierarchical
    await sync(pdms_db, pdms_host, (*pdms_host.lookup_sets, *extra_lists(2)))
    sql_statements.reset()
    many = await reader.execute(NESTED_VALUES)
    many_count = sql_statements.count

    # then the same query returns more rows for the same number of statements
    many_lists = many.ok()["lookupSets"]["edges"]
    assert len(many_lists) == len(few_lists) + 4
    parents = [v["parent"] for e in many_lists for v in e["node"]["values"] if v["parent"]]
    assert len(parents) >= 2 + 6
    # one page of lists, one batch of values, one batch of parents
    assert few_count == 3, sql_statements.statements
    assert many_count == few_count, sql_statements.statements
