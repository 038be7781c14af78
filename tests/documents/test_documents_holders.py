"""The ``pdms_document_holders`` hook: what a module may declare, checked at startup."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

from pdms_core.documents.types import check_holder_types
from pdms_core.errors import PluginError
from pdms_core.graphql.schema import build_schema
from pdms_core.host import PluginHost
from pdms_core.plugin import DocumentHolder, Permission, PluginManifest, hookimpl
from pdms_core.settings import Settings
from pdms_dummy.models import Widget


class Rogue:
    """A plugin object declaring the holders it is given."""

    def __init__(self, *holders: DocumentHolder):
        self.holders = holders

    @hookimpl
    def pdms_plugin_manifest(self) -> PluginManifest:
        return PluginManifest(name="rogue", label="Rogue")

    @hookimpl
    def pdms_permissions(self) -> list[Permission]:
        return [Permission("rogue.thing.read", "See things.")]

    @hookimpl
    def pdms_document_holders(self) -> list[DocumentHolder]:
        return list(self.holders)


other_module = Rogue(DocumentHolder("DummyWidget", Widget, "rogue.thing.read"))
undeclared_permission = Rogue(DocumentHolder("RogueThing", Widget, "rogue.thing.write"))
twice = Rogue(
    DocumentHolder("RogueThing", Widget, "rogue.thing.read"),
    DocumentHolder("RogueThing", Widget, "rogue.thing.read"),
)
no_model = Rogue(DocumentHolder("RogueThing", object, "rogue.thing.read"))
not_a_record = Rogue(("RogueThing", Widget, "rogue.thing.read"))  # type: ignore[arg-type]
no_such_type = Rogue(DocumentHolder("RogueThing", Widget, "rogue.thing.read"))


def load(factory: str) -> PluginHost:
    point = EntryPoint(
        name="rogue", value=f"documents.test_documents_holders:{factory}", group="pdms"
    )
    return PluginHost.load(Settings(), entry_points=[point])


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (
            "other_module",
            "plugin 'rogue' declares document holder 'DummyWidget'; it must be one "
            "of its own types, starting with 'Rogue'",
        ),
        (
            "undeclared_permission",
            "document holder 'RogueThing' is read with permission "
            "'rogue.thing.write', which no enabled module declares",
        ),
        ("twice", "document holder 'RogueThing' is declared by both 'rogue' and 'rogue'"),
        ("no_model", "document holder 'RogueThing' needs an ORM model with an id"),
        ("not_a_record", "pdms_document_holders() must return DocumentHolder records"),
    ],
)
def test_a_holder_that_breaks_a_rule_stops_startup(factory, message):
    with pytest.raises(PluginError) as failure:
        load(factory)
    assert message in str(failure.value)


def test_a_holder_must_match_its_graphql_type():
    host = load("no_such_type")
    with pytest.raises(PluginError, match="'RogueThing' does not match its GraphQL type"):
        check_holder_types(build_schema(host), host.document_holders)


def test_core_holders_match_their_types(pdms_host):
    assert list(pdms_host.document_holders)[:5] == ["Person", "Place", "Case", "Demand", "Activity"]
    assert "DummyWidget" in pdms_host.document_holders
    check_holder_types(build_schema(pdms_host), pdms_host.document_holders)
