"""Plugins that each declare person references wrongly; tests enable one at a time."""

from __future__ import annotations

from pdms_core.plugin import PersonReference, PluginManifest, hookimpl


class _Base:
    @hookimpl
    def pdms_plugin_manifest(self) -> PluginManifest:
        return PluginManifest(name="rogue", label="Rogue")


class UnknownTable(_Base):
    @hookimpl
    def pdms_person_references(self) -> list[PersonReference]:
        return [PersonReference("rogue_nothing")]


class SomeoneElsesTable(_Base):
    @hookimpl
    def pdms_person_references(self) -> list[PersonReference]:
        return [PersonReference("rent_arrears_account")]


class NotARecord(_Base):
    @hookimpl
    def pdms_person_references(self) -> list[object]:
        return [("rogue_thing", "person_id")]


unknown_table = UnknownTable()
someone_elses_table = SomeoneElsesTable()
not_a_record = NotARecord()
