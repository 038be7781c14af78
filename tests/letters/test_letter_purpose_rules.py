"""What the host refuses of a module's letter purposes, at startup, naming the module."""

from __future__ import annotations

import re
from importlib.metadata import EntryPoint

import pytest

from pdms_core.errors import PluginError
from pdms_core.host import PluginHost
from pdms_core.plugin import (
    LetterField,
    LetterPurpose,
    Permission,
    PluginManifest,
    hookimpl,
)
from pdms_core.settings import Settings


async def _provide(session, holder_id, actor, settings):
    return {}


def _purpose(**changes) -> LetterPurpose:
    values = {
        "code": "scribe.notice",
        "label": "Notice",
        "holder": "Person",
        "fields": (LetterField("notice_text", "What the notice says."),),
        "provide": _provide,
        **changes,
    }
    return LetterPurpose(**values)


class Scribe:
    """A module declaring one letter purpose; each test breaks one rule."""

    def __init__(self, *purposes: object):
        self.purposes = purposes

    @hookimpl
    def pdms_plugin_manifest(self) -> PluginManifest:
        return PluginManifest(name="scribe", label="Scribe")

    @hookimpl
    def pdms_permissions(self) -> list[Permission]:
        return [Permission("scribe.scroll.read", "See scrolls.")]

    @hookimpl
    def pdms_letter_purposes(self) -> list[object]:
        return list(self.purposes)


#: The plugin the entry point loads, set per test.
SCRIBE: Scribe | None = None


def _load(*purposes: object) -> PluginHost:
    global SCRIBE
    SCRIBE = Scribe(*purposes)
    entry = EntryPoint(name="scribe", value=f"{__name__}:SCRIBE", group="pdms")
    return PluginHost.load(Settings(), entry_points=[entry])


def test_a_sound_purpose_is_collected_after_cores():
    host = _load(_purpose())

    assert list(host.letter_purposes)[-1] == "scribe.notice"
    assert next(iter(host.letter_purposes)).startswith("core.")
    assert host.letter_purposes["scribe.notice"][0] == "scribe"


@pytest.mark.parametrize(
    ("purpose", "message"),
    [
        ("not a purpose", "plugin 'scribe': pdms_letter_purposes() must return LetterPurpose"),
        (
            _purpose(code="notice"),
            "plugin 'scribe' declares letter purpose 'notice'; it must start with 'scribe.'",
        ),
        (
            _purpose(code="core.notice"),
            "plugin 'scribe' declares letter purpose 'core.notice'; it must start with 'scribe.'",
        ),
        (_purpose(code="scribe.Notice"), "after the prefix, names are lower_snake_case"),
        (
            _purpose(holder="Scroll"),
            "letter purpose 'scribe.notice' is held by 'Scroll', which no enabled module "
            "declares as a document holder",
        ),
        (
            _purpose(fields=(LetterField("a", "A."), LetterField("a", "Again."))),
            "letter purpose 'scribe.notice' repeats a field name",
        ),
        (
            _purpose(fields=(LetterField("Notice Text", "Spaced."),)),
            "field 'Notice Text' must be a LetterField named in lower_snake_case",
        ),
        (
            _purpose(fields=(LetterField("today", "Clashes."),)),
            "declares ['today'], which core fills for every letter",
        ),
        (_purpose(provide=None), "letter purpose 'scribe.notice' has no provider"),
    ],
)
def test_a_broken_purpose_stops_startup_naming_the_module(purpose: object, message: str):
    with pytest.raises(PluginError, match=re.escape(message)):
        _load(purpose)


def test_a_purpose_declared_twice_names_both_sides():
    with pytest.raises(
        PluginError, match=re.escape("letter purpose 'scribe.notice' is declared by both")
    ):
        _load(_purpose(), _purpose())
