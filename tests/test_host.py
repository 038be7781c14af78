"""The plugin host: discovery, enable/disable, ordering and fail-fast validation."""

from __future__ import annotations

import os
import re
import sys
from importlib.metadata import EntryPoint

import click
import pytest
from dummy_entry_point import DUMMY

from pdms_core.errors import ConfigurationError, PluginError
from pdms_core.graphql.schema import build_schema
from pdms_core.host import PluginHost
from pdms_core.settings import Settings


def entry(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group="pdms")


def rogue(attribute: str) -> EntryPoint:
    return entry("rogue", f"rogue_plugins.rogue:{attribute}")


def load(*entry_points: EntryPoint, **settings: object) -> PluginHost:
    return PluginHost.load(Settings(**settings), entry_points=list(entry_points))


def test_core_comes_first_then_plugins_by_name():
    host = load(entry("zeta", "pdms_dummy.plugin"), DUMMY, plugins=("dummy",))
    assert [p.name for p in host.plugins] == ["core", "dummy"]
    assert [(i.name, i.enabled) for i in host.installed] == [("dummy", True), ("zeta", False)]


def test_a_disabled_plugin_is_listed_but_never_imported():
    host = load(
        DUMMY, entry("exploding", "rogue_plugins.exploding"), disabled_plugins=("exploding",)
    )
    assert "rogue_plugins.exploding" not in sys.modules
    assert [(i.name, i.enabled) for i in host.installed] == [("dummy", True), ("exploding", False)]


def test_a_plugin_that_fails_to_import_is_named():
    with pytest.raises(PluginError, match=r"'exploding'.*failed to import"):
        load(entry("exploding", "rogue_plugins.exploding"))


def test_enabling_a_plugin_that_is_not_installed_is_an_error():
    with pytest.raises(ConfigurationError, match=r"enables \['gas_electric'\]"):
        load(DUMMY, plugins=("gas_electric",))


def test_only_the_enabled_plugins_contribute():
    host = load(DUMMY, plugins=())
    assert [p.name for p in host.plugins] == ["core"]
    assert all(not p.code.startswith("dummy.") for p in host.permissions)
    assert "dummy_widget" not in host.owned_tables()


def test_two_distributions_with_one_name_are_refused():
    with pytest.raises(PluginError, match="both called 'dummy'"):
        load(DUMMY, entry("dummy", "rogue_plugins.rogue:stray_command"))


@pytest.mark.parametrize("name", ["core", "Rent-Arrears", "9lives"])
def test_reserved_or_malformed_names_are_refused(name: str):
    with pytest.raises(PluginError, match="lower_snake_case"):
        load(entry(name, "pdms_dummy.plugin"))


@pytest.mark.parametrize(
    ("attribute", "message"),
    [
        (
            "wrong_manifest_name",
            "entry point 'rogue' loads a plugin whose manifest is named 'someone_else'",
        ),
        (
            "unprefixed_permission",
            "'rogue' declares permission 'widget.thing.read'; it must start with 'rogue.'",
        ),
        (
            "duplicate_permission",
            "permission 'rogue.thing.read' is declared by both 'rogue' and 'rogue'",
        ),
        (
            "unprefixed_lookup_set",
            "'rogue' declares lookup set 'colour'; it must start with 'rogue.'",
        ),
        ("orphan_lookup_set", "names parent set 'rogue.nothing'"),
        ("lookup_cycle", "lookup sets rogue.a -> rogue.b -> rogue.a form a parent cycle"),
        ("misspelt_hook", "plugin 'rogue' implements an unknown hook"),
    ],
)
def test_startup_checks_name_both_sides(attribute: str, message: str):
    with pytest.raises(PluginError, match=re.escape(message)):
        load(rogue(attribute))


@pytest.mark.parametrize(
    ("attribute", "command"), [("stray_command", "serve-better"), ("replaces_core_command", "db")]
)
def test_a_plugin_may_add_only_a_command_group_of_its_own_name(attribute: str, command: str):
    core_db = click.Group("db")
    cli = click.Group("pdms", commands={"db": core_db})
    host = load(rogue(attribute))
    with pytest.raises(PluginError, match=re.escape(f"added CLI command(s) ['{command}']")):
        host.register_commands(cli)
    assert cli.commands == {"db": core_db}


@pytest.mark.parametrize(
    ("attribute", "message"),
    [
        ("duplicate_root_field", "query field 'node' is defined by both 'core' and 'rogue'"),
        (
            "unprefixed_root_field",
            "'rogue' adds query field 'widgets'; its root fields must start with 'rogue'",
        ),
        ("unguarded_root_field", "query field 'rogueSecret' of 'rogue' declares no permission"),
        (
            "undeclared_permission",
            "requires permission 'rogue.x.read', which no enabled module declares",
        ),
        (
            "unprefixed_type",
            "'rogue' defines GraphQL type 'Gadget'; its types must start with 'Rogue'",
        ),
        ("records_on_unknown_holder", "attaches records to 'Planet', which is not a core type"),
    ],
)
def test_schema_composition_refuses_rule_breakers(attribute: str, message: str):
    host = load(rogue(attribute))
    with pytest.raises(PluginError, match=re.escape(message)):
        build_schema(host)


def test_plugin_settings_are_validated_by_the_plugin_model():
    host = load(DUMMY, plugin_sections={"dummy": {"greeting": "hiya", "max_widgets": "3"}})
    settings = host.plugin("dummy").settings
    assert (settings.greeting, settings.max_widgets) == ("hiya", 3)
    with pytest.raises(
        ConfigurationError, match="settings for plugin 'dummy' are invalid: max_widgets"
    ):
        load(DUMMY, plugin_sections={"dummy": {"max_widgets": "lots"}})


def test_settings_come_from_the_environment_and_a_toml_file(tmp_path):
    config = tmp_path / "pdms.toml"
    config.write_text(
        '[pdms]\nport = 9000\nplugins = ["dummy"]\n[plugins.dummy]\ngreeting = "from file"\n'
    )
    settings = Settings.from_env(
        {"PDMS_CONFIG": str(config), "PDMS_DEBUG": "yes", "PDMS_DUMMY__MAX_WIDGETS": "7"}
    )
    assert settings.port == 9000 and settings.debug and settings.plugins == ("dummy",)
    assert settings.plugin_sections["dummy"] == {"greeting": "from file", "max_widgets": "7"}
    with pytest.raises(ConfigurationError, match="PDMS_DEBUG must be true or false"):
        Settings.from_env({"PDMS_DEBUG": "perhaps"})


def test_scaling_settings_are_read_and_checked():
    settings = Settings.from_env(
        {
            "PDMS_DATABASE_REPLICA_URLS": "postgresql://r1/pdms, postgresql://r2/pdms",
            "PDMS_SESSION_CACHE_SECONDS": "0",
            "PDMS_TRUSTED_DOCUMENTS": "api_keys",
            "PDMS_WORKERS": "3",
        }
    )
    assert settings.database_replica_urls == ("postgresql://r1/pdms", "postgresql://r2/pdms")
    assert (settings.session_cache_seconds, settings.trusted_documents) == (0, "api_keys")
    assert settings.served_workers == 3
    assert Settings(debug=True).served_workers == 1
    # read-your-writes outlasts the lag a replica in use may have, unless set
    assert Settings(replica_max_lag_seconds=10).read_your_writes_window == 11
    assert Settings(read_your_writes_seconds=3).read_your_writes_window == 3
    assert Settings().served_workers == max(1, os.cpu_count() or 1)
    with pytest.raises(ConfigurationError, match="PDMS_TRUSTED_DOCUMENTS must be one of"):
        Settings.from_env({"PDMS_TRUSTED_DOCUMENTS": "sometimes"})
    with pytest.raises(ConfigurationError, match="PDMS_SESSION_CACHE_SECONDS must be at least 0"):
        Settings.from_env({"PDMS_SESSION_CACHE_SECONDS": "-1"})


def test_published_hookspecs_are_callable_by_other_plugins():
    calls: list[str] = []

    class Listener:
        from pdms_core.plugin import hookimpl

        @hookimpl
        def pdms_dummy_widget_created(self, name: str) -> None:
            calls.append(name)

    host = PluginHost.load(Settings(), entry_points=[DUMMY], extra_hooks=[Listener()])
    host.pm.hook.pdms_dummy_widget_created(name="Sprocket")
    assert calls == ["Sprocket"]
