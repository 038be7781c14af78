"""The pdms_person_references hook: every column naming a person is declared, and
wrong declarations stop the first merge with a message naming the module."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest
from dummy_entry_point import DUMMY

from pdms_core.db.base import Base
from pdms_core.errors import PluginError
from pdms_core.host import PluginHost, installed_entry_points
from pdms_core.merging.references import person_references
from pdms_core.settings import Settings

#: Columns naming a person that a merge must leave alone, and why.
NOT_MOVED = {
    ("person", "merged_into_id"): "the merge history itself",
    ("person_merge", "survivor_id"): "the merge history itself",
    ("person_merge_member", "person_id"): "the merge history itself",
    # A reviewer's decision about a pair stays about that pair.
    ("duplicate_review", "person_id"): "duplicate review decisions",
    ("duplicate_review", "other_person_id"): "duplicate review decisions",
}


def host(*extra: EntryPoint) -> PluginHost:
    return PluginHost.load(Settings(), entry_points=[*installed_entry_points(), DUMMY, *extra])


def rogue(attribute: str) -> EntryPoint:
    return EntryPoint(name="rogue", value=f"merging.rogue_references:{attribute}", group="pdms")


def test_every_column_naming_a_person_is_declared_by_its_module():
    everything = host()
    declared = {
        (ref.table.name, column.name): ref.module
        for ref in person_references(everything)
        for column in ref.columns
    }
    naming_a_person = {
        (table.name, column.name)
        for table in Base.metadata.tables.values()
        for column in table.columns
        if any(fk.column.table.name == "person" for fk in column.foreign_keys)
    }
    undeclared = naming_a_person - set(NOT_MOVED) - set(declared)
    assert not undeclared, (
        f"{sorted(undeclared)} name a person but no module declares them: add a "
        "PersonReference to the owner's pdms_person_references (core's are in "
        "pdms_core/merging/core_references.py), or to NOT_MOVED here with the reason"
    )
    owners = everything.owned_tables()
    assert all(owners[table] == module for (table, _), module in declared.items())
    # documents name their holder by type and id, without a foreign key
    assert declared[("document", "holder_id")] == "core"


@pytest.mark.parametrize(
    ("attribute", "message"),
    [
        (
            "unknown_table",
            "plugin 'rogue' declares person references in unknown table 'rogue_nothing'",
        ),
        (
            "someone_elses_table",
            "plugin 'rogue' declares person references in 'rent_arrears_account', a table it "
            "does not own",
        ),
        ("not_a_record", "plugin 'rogue': pdms_person_references() must return PersonReference"),
    ],
)
def test_a_wrong_declaration_names_the_module(attribute: str, message: str):
    with pytest.raises(PluginError, match=message.replace("(", r"\(").replace(")", r"\)")):
        person_references(host(rogue(attribute)))
