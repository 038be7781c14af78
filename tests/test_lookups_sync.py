"""`pdms lookups sync`: declared lists reach the database idempotently, councils' edits survive."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import delete, select

from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.lookups.models import LookupSet, LookupValue
from pdms_core.lookups.sync import SyncReport, sync_lookups
from pdms_core.records import LookupSeed, LookupSetSpec
from pdms_core.testing.actors import staff
from pdms_dummy.models import Widget

LOOKUP_SET = """
query($code: String!) {
  lookupSet(code: $code) {
    code module label description
    parentSet { code }
    values(includeInactive: true) {
      code label sortOrder isActive version
      parent { code lookupSet { code } }
    }
  }
}
"""

RENAME_VALUE = """
mutation($input: RenameLookupValueInput!) {
  renameLookupValue(input: $input) {
    lookupValue { id label version }
    errors { code field message }
  }
}
"""

ADD_VALUE = """
mutation($input: AddLookupValueInput!) {
  addLookupValue(input: $input) {
    lookupValue { id code }
    errors { code field message }
  }
}
"""

VALUE_IDS = """
query($code: String!) {
  lookupSet(code: $code) { values(includeInactive: true) { id code version } }
}
"""

ADMIN = staff("core.lookups.read", "core.lookups.manage", name="Lookup Admin")
DUMMY_SETS = ("dummy.colour", "dummy.shade")


# -- helpers ---------------------------------------------------------------------------


async def sync(pdms_db, pdms_host, declared=None) -> SyncReport:
    """What `pdms lookups sync` does, optionally with a changed set of declarations."""
    async with unit_of_work(pdms_db.sessionmaker) as session:
        return await sync_lookups(
            session,
            pdms_host.lookup_sets if declared is None else declared,
        )


def changed_set(declared, code: str, **changes):
    """The declarations with the list ``code`` changed, as a new module release would."""
    assert code in {spec.code for _, spec in declared}
    return tuple(
        (module, replace(spec, **changes) if spec.code == code else spec)
        for module, spec in declared
    )


def seeds_of(declared, code: str) -> tuple[LookupSeed, ...]:
    return next(spec.seeds for _, spec in declared if spec.code == code)


def without_seeds(declared, code: str, *seed_codes: str):
    """The declarations with ``seed_codes`` no longer declared in the list ``code``."""
    kept = tuple(s for s in seeds_of(declared, code) if s.code not in seed_codes)
    return changed_set(declared, code, seeds=kept)


def with_seeds(declared, code: str, *seeds: LookupSeed):
    return changed_set(declared, code, seeds=seeds_of(declared, code) + seeds)


async def read_set(graphql, code: str):
    return (await graphql.as_actor(ADMIN).execute(LOOKUP_SET, {"code": code})).ok()["lookupSet"]


async def values_by_code(graphql, code: str) -> dict[str, dict]:
    found = await read_set(graphql, code)
    return {value["code"]: value for value in found["values"]}


async def dummy_state(graphql) -> list[dict]:
    return [await read_set(graphql, code) for code in DUMMY_SETS]


async def value_id(pdms_db, set_code: str, code: str) -> int:
    async with pdms_db.sessionmaker() as session:
        found = await session.scalar(
            select(LookupValue.id)
            .join(LookupSet, LookupSet.id == LookupValue.set_id)
            .where(LookupSet.code == set_code, LookupValue.code == code)
        )
    assert found is not None
    return found


async def add_widget(pdms_db, name: str, colour_id: int) -> int:
    async with pdms_db.sessionmaker() as session, session.begin():
        widget = Widget(name=name, colour_id=colour_id)
        session.add(widget)
        await session.flush()
        return widget.id


async def remove_widget(pdms_db, widget_id: int) -> None:
    async with pdms_db.sessionmaker() as session, session.begin():
        await session.execute(delete(Widget).where(Widget.id == widget_id))


# -- creating and re-running -----------------------------------------------------------


async def test_sync_creates_the_declared_lists_with_their_seeds_in_order(
    graphql, pdms_db, pdms_host
):
    # given an empty database
    # when sync runs
    report = await sync(pdms_db, pdms_host)

    # then both dummy lists exist, owned by the dummy module, with their seeds in order
    assert {"dummy.colour", "dummy.shade"} <= set(report.sets_created)
    assert {
        "dummy.colour:red",
        "dummy.colour:green",
        "dummy.shade:crimson",
        "dummy.shade:lime",
    } <= set(report.values_created)
    colour, shade = await dummy_state(graphql)
    assert (colour["module"], colour["label"], colour["parentSet"]) == (
        "dummy",
        "Widget colours",
        None,
    )
    assert [(v["code"], v["label"], v["sortOrder"], v["isActive"]) for v in colour["values"]] == [
        ("red", "Red", 1, True),
        ("green", "Green", 2, True),
    ]
    assert all(v["parent"] is None for v in colour["values"])

    # and the shade list hangs under the colour list, each shade under its colour
    assert (shade["module"], shade["label"], shade["parentSet"]) == (
        "dummy",
        "Widget shades",
        {"code": "dummy.colour"},
    )
    assert [(v["code"], v["sortOrder"], v["parent"]) for v in shade["values"]] == [
        ("crimson", 1, {"code": "red", "lookupSet": {"code": "dummy.colour"}}),
        ("lime", 2, {"code": "green", "lookupSet": {"code": "dummy.colour"}}),
    ]


async def test_a_second_sync_changes_nothing(graphql, pdms_db, pdms_host):
    # given a synced database
    first = await sync(pdms_db, pdms_host)
    assert first.changed
    before = await dummy_state(graphql)

    # when sync runs again
    second = await sync(pdms_db, pdms_host)

    # then it reports no change, and nothing (not even a version) moved
    assert not second.changed, second
    assert await dummy_state(graphql) == before


async def test_a_new_seed_is_added_at_the_end_of_the_list(graphql, pdms_db, pdms_host):
    # given a synced database
    await sync(pdms_db, pdms_host)

    # when the module's next release declares one more colour and sync runs
    declared = with_seeds(pdms_host.lookup_sets, "dummy.colour", LookupSeed("blue", "Blue"))
    report = await sync(pdms_db, pdms_host, declared)

    # then only that value is created, after the existing ones
    assert report.values_created == ["dummy.colour:blue"]
    assert not (report.sets_created or report.values_updated or report.values_deleted)
    colours = await values_by_code(graphql, "dummy.colour")
    assert [(code, v["sortOrder"]) for code, v in colours.items()] == [
        ("red", 1),
        ("green", 2),
        ("blue", 3),
    ]


async def test_a_changed_seed_label_and_parent_are_updated(graphql, pdms_db, pdms_host):
    # given a synced database
    await sync(pdms_db, pdms_host)
    lime_before = (await values_by_code(graphql, "dummy.shade"))["lime"]

    # when the module relabels a colour and moves a shade under another colour
    declared = changed_set(
        pdms_host.lookup_sets,
        "dummy.colour",
        seeds=(LookupSeed("red", "Scarlet"), LookupSeed("green", "Green")),
    )
    declared = changed_set(
        declared,
        "dummy.shade",
        seeds=(
            LookupSeed("crimson", "Crimson", parent="red"),
            LookupSeed("lime", "Lime", parent="red"),
        ),
    )
    report = await sync(pdms_db, pdms_host, declared)

    # then both values are updated in place (same code, newer version)
    assert sorted(report.values_updated) == ["dummy.colour:red", "dummy.shade:lime"]
    assert (await values_by_code(graphql, "dummy.colour"))["red"]["label"] == "Scarlet"
    lime = (await values_by_code(graphql, "dummy.shade"))["lime"]
    assert lime["parent"]["code"] == "red"
    assert lime["version"] > lime_before["version"]

    # and running the new release's sync again changes nothing
    assert not (await sync(pdms_db, pdms_host, declared)).changed


# -- the council's edits ---------------------------------------------------------------


async def rename(graphql, set_code: str, code: str, label: str) -> dict:
    value = (await values_by_code(graphql, set_code))[code]
    ids = (await graphql.as_actor(ADMIN).execute(VALUE_IDS, {"code": set_code})).ok()
    gid = next(v["id"] for v in ids["lookupSet"]["values"] if v["code"] == code)
    result = await graphql.as_actor(ADMIN).execute(
        RENAME_VALUE,
        {"input": {"id": gid, "label": label, "expectedVersion": value["version"]}},
    )
    payload = result.ok()["renameLookupValue"]
    assert payload["errors"] == []
    return payload["lookupValue"]


async def test_sync_keeps_a_label_the_council_changed(graphql, pdms_db, pdms_host):
    # given a seeded colour an admin renamed through the API
    await sync(pdms_db, pdms_host)
    await rename(graphql, "dummy.colour", "red", "Pillar-box red")
    renamed = (await values_by_code(graphql, "dummy.colour"))["red"]

    # when sync runs again, with the module's own label unchanged
    report = await sync(pdms_db, pdms_host)

    # then the council's label stays and nothing is reported
    assert not report.changed, report
    assert (await values_by_code(graphql, "dummy.colour"))["red"] == renamed
    assert renamed["label"] == "Pillar-box red"


async def test_sync_keeps_a_renamed_label_even_when_the_module_relabels_the_seed(
    graphql, pdms_db, pdms_host
):
    # given a seeded colour an admin renamed, and one they did not
    await sync(pdms_db, pdms_host)
    await rename(graphql, "dummy.colour", "red", "Pillar-box red")

    # when the module's next release relabels both
    declared = changed_set(
        pdms_host.lookup_sets,
        "dummy.colour",
        seeds=(LookupSeed("red", "Scarlet"), LookupSeed("green", "Emerald")),
    )
    report = await sync(pdms_db, pdms_host, declared)

    # then the renamed one keeps the council's label; the other follows the module
    colours = await values_by_code(graphql, "dummy.colour")
    assert colours["red"]["label"] == "Pillar-box red"
    assert colours["green"]["label"] == "Emerald"
    assert report.values_updated == ["dummy.colour:green"]


async def test_sync_leaves_values_the_council_added_alone(graphql, pdms_db, pdms_host):
    # given an admin-added colour and an admin-added shade under it
    await sync(pdms_db, pdms_host)
    for input in (
        {"setCode": "dummy.colour", "code": "teal", "label": "Teal"},
        {"setCode": "dummy.shade", "code": "petrol", "label": "Petrol", "parentCode": "teal"},
    ):
        added = await graphql.as_actor(ADMIN).execute(ADD_VALUE, {"input": input})
        assert added.ok()["addLookupValue"]["errors"] == []
    before = await dummy_state(graphql)

    # when sync runs with the unchanged declarations
    same = await sync(pdms_db, pdms_host)
    # and with a release that relabels a seed (so sync does write to the list)
    relabelled = changed_set(
        pdms_host.lookup_sets,
        "dummy.colour",
        seeds=(LookupSeed("red", "Scarlet"), LookupSeed("green", "Green")),
    )
    report = await sync(pdms_db, pdms_host, relabelled)

    # then the council's values were neither deleted, deactivated, renamed nor moved
    assert not same.changed, same
    assert report.values_updated == ["dummy.colour:red"]
    assert not (report.values_deleted or report.values_deactivated or report.values_created)
    after = await dummy_state(graphql)
    colours_before = {v["code"]: v for v in before[0]["values"]}
    colours_after = {v["code"]: v for v in after[0]["values"]}
    assert colours_after["teal"] == colours_before["teal"]
    assert colours_after["teal"]["isActive"] is True
    assert after[1]["values"] == before[1]["values"]


# -- seeds a module stops declaring ----------------------------------------------------


async def test_an_unused_seed_no_longer_declared_is_deleted(graphql, pdms_db, pdms_host):
    # given a synced database where nothing uses the shade "lime"
    await sync(pdms_db, pdms_host)

    # when the module stops declaring it
    declared = without_seeds(pdms_host.lookup_sets, "dummy.shade", "lime")
    report = await sync(pdms_db, pdms_host, declared)

    # then it is deleted, even from the admin view that shows inactive values
    assert report.values_deleted == ["dummy.shade:lime"]
    assert report.values_deactivated == []
    assert list(await values_by_code(graphql, "dummy.shade")) == ["crimson"]
    assert not (await sync(pdms_db, pdms_host, declared)).changed


async def test_a_seed_in_use_is_deactivated_not_deleted(graphql, pdms_db, pdms_host):
    # given two extra colours, one of them used by a widget
    extra = with_seeds(
        pdms_host.lookup_sets,
        "dummy.colour",
        LookupSeed("blue", "Blue"),
        LookupSeed("yellow", "Yellow"),
    )
    await sync(pdms_db, pdms_host, extra)
    await add_widget(pdms_db, "Sprocket", await value_id(pdms_db, "dummy.colour", "blue"))

    # when the module stops declaring both
    report = await sync(pdms_db, pdms_host)

    # then the used one is kept but deactivated, and the unused one is deleted
    assert report.values_deactivated == ["dummy.colour:blue"]
    assert report.values_deleted == ["dummy.colour:yellow"]
    colours = await values_by_code(graphql, "dummy.colour")
    assert [(code, v["isActive"]) for code, v in colours.items()] == [
        ("red", True),
        ("green", True),
        ("blue", False),
    ]
    assert colours["blue"]["label"] == "Blue"

    # and a further sync leaves it as it is
    assert not (await sync(pdms_db, pdms_host)).changed


async def test_a_deactivated_seed_is_deleted_once_nothing_uses_it(graphql, pdms_db, pdms_host):
    # given an undeclared colour kept (inactive) because a widget used it
    extra = with_seeds(pdms_host.lookup_sets, "dummy.colour", LookupSeed("blue", "Blue"))
    await sync(pdms_db, pdms_host, extra)
    widget = await add_widget(pdms_db, "Cog", await value_id(pdms_db, "dummy.colour", "blue"))
    assert (await sync(pdms_db, pdms_host)).values_deactivated == ["dummy.colour:blue"]

    # when the widget goes and sync runs again
    await remove_widget(pdms_db, widget)
    report = await sync(pdms_db, pdms_host)

    # then the value goes too
    assert report.values_deleted == ["dummy.colour:blue"]
    assert "blue" not in await values_by_code(graphql, "dummy.colour")


async def test_a_seed_undeclared_with_its_children_is_deleted_in_one_sync(
    graphql, pdms_db, pdms_host
):
    # given a synced database where nothing uses "green" except its own seeded shade
    await sync(pdms_db, pdms_host)

    # when the module stops declaring green and the shade under it
    declared = without_seeds(pdms_host.lookup_sets, "dummy.colour", "green")
    declared = without_seeds(declared, "dummy.shade", "lime")
    report = await sync(pdms_db, pdms_host, declared)

    # then both are deleted in this one run (the retired child does not keep its parent)
    assert sorted(report.values_deleted) == ["dummy.colour:green", "dummy.shade:lime"]
    assert report.values_deactivated == []
    assert list(await values_by_code(graphql, "dummy.colour")) == ["red"]
    assert list(await values_by_code(graphql, "dummy.shade")) == ["crimson"]

    # and the next run has nothing left to do
    assert not (await sync(pdms_db, pdms_host, declared)).changed


async def test_a_seed_with_a_council_added_child_is_deactivated(graphql, pdms_db, pdms_host):
    # given an admin-added shade under the seeded colour green
    await sync(pdms_db, pdms_host)
    added = await graphql.as_actor(ADMIN).execute(
        ADD_VALUE,
        {
            "input": {
                "setCode": "dummy.shade",
                "code": "olive",
                "label": "Olive",
                "parentCode": "green",
            }
        },
    )
    assert added.ok()["addLookupValue"]["errors"] == []

    # when the module stops declaring green and its seeded shade
    declared = without_seeds(pdms_host.lookup_sets, "dummy.colour", "green")
    declared = without_seeds(declared, "dummy.shade", "lime")
    report = await sync(pdms_db, pdms_host, declared)

    # then green is only deactivated (olive still points at it) and olive is untouched
    assert report.values_deactivated == ["dummy.colour:green"]
    assert report.values_deleted == ["dummy.shade:lime"]
    assert (await values_by_code(graphql, "dummy.colour"))["green"]["isActive"] is False
    olive = (await values_by_code(graphql, "dummy.shade"))["olive"]
    assert (olive["isActive"], olive["parent"]["code"]) == (True, "green")


async def test_lists_a_module_stops_declaring_are_kept(graphql, pdms_db, pdms_host):
    # given synced lists
    await sync(pdms_db, pdms_host)
    before = await dummy_state(graphql)

    # when sync runs without the shade list (for example the module was disabled)
    declared = tuple((m, s) for m, s in pdms_host.lookup_sets if s.code != "dummy.shade")
    report = await sync(pdms_db, pdms_host, declared)

    # then the list and its values stay as they were: data is never dropped by omission
    assert not report.changed, report
    assert await dummy_state(graphql) == before


async def test_a_new_hierarchical_list_is_created_even_when_declared_before_its_parent(
    graphql, pdms_db, pdms_host
):
    # given declarations where a child list comes before the list it hangs under
    tone = LookupSetSpec(
        code="dummy.tone",
        label="Widget tones",
        parent_set="dummy.finish",
        seeds=(LookupSeed("satin", "Satin", parent="matt"),),
    )
    finish = LookupSetSpec(
        code="dummy.finish", label="Widget finishes", seeds=(LookupSeed("matt", "Matt"),)
    )
    declared = (*pdms_host.lookup_sets, ("dummy", tone), ("dummy", finish))

    # when sync runs
    report = await sync(pdms_db, pdms_host, declared)

    # then both lists exist and the child value points at its parent
    assert {"dummy.tone", "dummy.finish"} <= set(report.sets_created)
    created = await read_set(graphql, "dummy.tone")
    assert created["parentSet"] == {"code": "dummy.finish"}
    assert created["values"][0]["parent"] == {
        "code": "matt",
        "lookupSet": {"code": "dummy.finish"},
    }


async def test_a_changed_list_label_is_applied_and_reported(graphql, pdms_db, pdms_host):
    # given synced lists
    await sync(pdms_db, pdms_host)

    # when the module's next release renames a list and describes it
    declared = changed_set(
        pdms_host.lookup_sets,
        "dummy.colour",
        label="Widget paint colours",
        description="Colours a widget can be painted.",
    )
    report = await sync(pdms_db, pdms_host, declared)

    # then the list shows the new wording, and the run says it changed something
    colour = await read_set(graphql, "dummy.colour")
    assert (colour["label"], colour["description"]) == (
        "Widget paint colours",
        "Colours a widget can be painted.",
    )
    assert report.changed, report
    assert report.sets_updated == ["dummy.colour"]
    assert not (await sync(pdms_db, pdms_host, declared)).changed
