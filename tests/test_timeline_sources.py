"""The host's checks on modules' timeline sources (pdms_timeline_sources)."""

from __future__ import annotations

import re
from importlib.metadata import EntryPoint

import pytest
from sqlalchemy import select

from pdms_core.errors import PluginError
from pdms_core.host import PluginHost
from pdms_core.plugin import Permission, PluginManifest, TimelineSource, hookimpl
from pdms_core.settings import Settings


def _rows(actor, place_id):
    return select()


class _Rogue:
    holder, kind, permission, times = "Place", "rogue.widget", "rogue.widget.read", 1

    @hookimpl
    def pdms_plugin_manifest(self) -> PluginManifest:
        return PluginManifest(name="rogue", label="Rogue")

    @hookimpl
    def pdms_permissions(self) -> list[Permission]:
        return [Permission("rogue.widget.read", "See widgets.")]

    @hookimpl
    def pdms_timeline_sources(self) -> list[TimelineSource]:
        source = TimelineSource(self.holder, self.kind, object, _rows, self.permission)
        return [source] * self.times


class KindWithoutPrefix(_Rogue):
    kind = "widget"


class OnACase(_Rogue):
    holder = "Case"


class UnknownPermission(_Rogue):
    permission = "rogue.x.read"


class Twice(_Rogue):
    times = 2


kind_without_prefix, on_a_case = KindWithoutPrefix(), OnACase()
unknown_permission, twice, fine = UnknownPermission(), Twice(), _Rogue()


def load(attribute: str) -> PluginHost:
    entry = EntryPoint(name="rogue", value=f"test_timeline_sources:{attribute}", group="pdms")
    return PluginHost.load(Settings(), entry_points=[entry])


@pytest.mark.parametrize(
    ("attribute", "message"),
    [
        (
            "kind_without_prefix",
            "plugin 'rogue' declares timeline kind 'widget'; it must start with 'rogue.'",
        ),
        (
            "on_a_case",
            "plugin 'rogue' puts 'rogue.widget' on 'Case'; timelines are on Person and Place",
        ),
        (
            "unknown_permission",
            "plugin 'rogue': timeline kind 'rogue.widget' needs permission 'rogue.x.read', "
            "which no enabled module declares",
        ),
        ("twice", "plugin 'rogue' declares timeline kind 'rogue.widget' on 'Place' twice"),
    ],
)
def test_the_host_refuses_a_rule_breaking_source(attribute: str, message: str):
    host = load(attribute)
    with pytest.raises(PluginError, match=re.escape(message)):
        host.timeline_sources  # noqa: B018 - collected on first use


def test_sources_are_listed_with_their_module():
    (only,) = load("fine").timeline_sources
    assert only[0] == "rogue" and only[1].kind == "rogue.widget"
