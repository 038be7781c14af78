"""Plugins that each break one naming rule; tests enable one at a time.

Each is a class instance registered under an entry-point name; the host must refuse it
with a message that names both sides of the conflict.
"""

from __future__ import annotations

import strawberry

from pdms_core.plugin import (
    GraphQLContribution,
    LookupSetSpec,
    ModuleRecordSource,
    Permission,
    PluginManifest,
    Public,
    hookimpl,
    query_field,
)


class _Base:
    name = "rogue"

    @hookimpl
    def pdms_plugin_manifest(self) -> PluginManifest:
        return PluginManifest(name=self.name, label="Rogue")


class WrongManifestName(_Base):
    @hookimpl
    def pdms_plugin_manifest(self) -> PluginManifest:
        return PluginManifest(name="someone_else", label="Rogue")


class UnprefixedPermission(_Base):
    @hookimpl
    def pdms_permissions(self) -> list[Permission]:
        return [Permission("widget.thing.read", "Not prefixed with rogue.")]


class DuplicatePermission(_Base):
    @hookimpl
    def pdms_permissions(self) -> list[Permission]:
        return [Permission("rogue.thing.read", "One."), Permission("rogue.thing.read", "Two.")]


class UnprefixedLookupSet(_Base):
    @hookimpl
    def pdms_lookup_sets(self) -> list[LookupSetSpec]:
        return [LookupSetSpec(code="colour", label="Colour")]


class OrphanLookupSet(_Base):
    @hookimpl
    def pdms_lookup_sets(self) -> list[LookupSetSpec]:
        return [LookupSetSpec(code="rogue.shade", label="Shade", parent_set="rogue.nothing")]


@strawberry.type
class _StealsCoreField:
    @query_field(description="Clashes with core's node field.", permission=Public())
    def node(self) -> str:
        return "mine"


class DuplicateRootField(_Base):
    @hookimpl
    def pdms_graphql(self) -> GraphQLContribution:
        return GraphQLContribution(query=_StealsCoreField)


@strawberry.type
class _Unprefixed:
    @query_field(description="Not prefixed.", permission=Public())
    def widgets(self) -> str:
        return "mine"


class UnprefixedRootField(_Base):
    @hookimpl
    def pdms_graphql(self) -> GraphQLContribution:
        return GraphQLContribution(query=_Unprefixed)


@strawberry.type
class _Unguarded:
    @strawberry.field(description="No permission declared.")
    def rogue_secret(self) -> str:
        return "leak"


class UnguardedRootField(_Base):
    @hookimpl
    def pdms_graphql(self) -> GraphQLContribution:
        return GraphQLContribution(query=_Unguarded)


@strawberry.type
class _UndeclaredPermission:
    @query_field(description="Uses a permission nobody declared.", permission="rogue.x.read")
    def rogue_thing(self) -> str:
        return "x"


class UndeclaredPermission(_Base):
    @hookimpl
    def pdms_graphql(self) -> GraphQLContribution:
        return GraphQLContribution(query=_UndeclaredPermission)


@strawberry.type(description="A type without the plugin's prefix.")
class Gadget:
    name: str = strawberry.field(description="Name.")


@strawberry.type
class _UnprefixedType:
    @query_field(description="Returns an unprefixed type.", permission=Public())
    def rogue_gadget(self) -> Gadget:
        return Gadget(name="x")


class UnprefixedType(_Base):
    @hookimpl
    def pdms_graphql(self) -> GraphQLContribution:
        return GraphQLContribution(query=_UnprefixedType)


class StrayCommand(_Base):
    @hookimpl
    def pdms_register_commands(self, cli) -> None:  # type: ignore[no-untyped-def]
        @cli.command("serve-better")
        def serve_better() -> None:
            """Not in a group named after the plugin."""


class MisspeltHook(_Base):
    @hookimpl
    def pdms_permisions(self) -> list[Permission]:
        return [Permission("rogue.thing.read", "Never called: the hook name is misspelt.")]


class ReplacesCoreCommand(_Base):
    @hookimpl
    def pdms_register_commands(self, cli) -> None:  # type: ignore[no-untyped-def]
        @cli.group("rogue")
        def rogue() -> None:
            """The plugin's own group: allowed."""

        @cli.group("db")
        def db() -> None:
            """Tries to hijack core's db group."""


class LookupCycle(_Base):
    @hookimpl
    def pdms_lookup_sets(self) -> list[LookupSetSpec]:
        return [
            LookupSetSpec(code="rogue.a", label="A", parent_set="rogue.b"),
            LookupSetSpec(code="rogue.b", label="B", parent_set="rogue.a"),
        ]


async def _no_records(session, actor, ids):  # type: ignore[no-untyped-def]
    return {}


class RecordsOnUnknownHolder(_Base):
    @hookimpl
    def pdms_graphql(self) -> GraphQLContribution:
        from pdms_dummy.graphql import DummyWidget

        return GraphQLContribution(
            module_records=(
                ModuleRecordSource(
                    holder="Planet",
                    record_type=DummyWidget,
                    load=_no_records,
                    permission="rogue.x.read",
                ),
            )
        )


misspelt_hook = MisspeltHook()
records_on_unknown_holder = RecordsOnUnknownHolder()
replaces_core_command = ReplacesCoreCommand()
lookup_cycle = LookupCycle()
wrong_manifest_name = WrongManifestName()
unprefixed_permission = UnprefixedPermission()
duplicate_permission = DuplicatePermission()
unprefixed_lookup_set = UnprefixedLookupSet()
orphan_lookup_set = OrphanLookupSet()
duplicate_root_field = DuplicateRootField()
unprefixed_root_field = UnprefixedRootField()
unguarded_root_field = UnguardedRootField()
undeclared_permission = UndeclaredPermission()
unprefixed_type = UnprefixedType()
stray_command = StrayCommand()


class NeedsFutureCore(_Base):
    @hookimpl
    def pdms_plugin_manifest(self) -> PluginManifest:
        return PluginManifest(name=self.name, label="Rogue", requires_core=">=9.0")


class GarbledCoreRange(_Base):
    @hookimpl
    def pdms_plugin_manifest(self) -> PluginManifest:
        return PluginManifest(name=self.name, label="Rogue", requires_core="the latest")


need_future_core = NeedsFutureCore()
garbled_core_range = GarbledCoreRange()
