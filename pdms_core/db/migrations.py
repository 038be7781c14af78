"""Alembic driven from the host: one version table, one branch label per plugin."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util import CommandError

import pdms_core.migrations
from pdms_core.errors import ConfigurationError
from pdms_core.host import PluginHost


def alembic_config(host: PluginHost, url: str | None = None) -> Config:
    """An alembic Config covering core and every enabled plugin's revisions."""
    config = Config()
    config.set_main_option("script_location", str(Path(pdms_core.migrations.__file__).parent))
    config.set_main_option("path_separator", "os")
    config.set_main_option(
        "version_locations", os.pathsep.join(str(path) for _, path in host.migration_dirs())
    )
    config.attributes["host"] = host
    config.attributes["url"] = url or host.settings.resolved_database_url
    return config


def upgrade(host: PluginHost, url: str | None = None) -> None:
    """Upgrade core and every enabled plugin to their latest revisions."""
    command.upgrade(alembic_config(host, url), "heads")


def check(host: PluginHost, url: str | None = None) -> None:
    """Raise when the models differ from what the migrations create."""
    command.check(alembic_config(host, url))


def heads(host: PluginHost) -> dict[str, str]:
    """Branch label -> head revision, for every enabled plugin with revisions.

    Asked per label because alembic's plain "heads" omits a revision that another
    branch ``depends_on`` (core's latest, while a plugin's first revision needs it).
    """
    script = ScriptDirectory.from_config(alembic_config(host))
    result: dict[str, str] = {}
    for name, _folder in host.migration_dirs():
        try:
            revisions = script.get_revisions(f"{name}@head")
        except CommandError:
            continue  # no revisions yet: the plugin's first one will start its branch
        if len(revisions) != 1:
            raise ConfigurationError(
                f"migration branch {name!r} has {len(revisions)} heads; merge them with "
                "'alembic merge' before upgrading"
            )
        result[name] = revisions[0].revision
    return result


def new_revision(
    host: PluginHost, plugin_name: str, message: str, *, autogenerate: bool = True
) -> str:
    """Write a new revision for one plugin; its first one starts the plugin's branch."""
    plugin = host.plugin(plugin_name)
    folder = plugin.manifest.migrations_dir
    if folder is None:
        raise ConfigurationError(f"plugin {plugin_name!r} has no migrations_dir in its manifest")
    config = alembic_config(host)
    Path(folder).mkdir(parents=True, exist_ok=True)
    existing = heads(host)
    if plugin_name in existing:
        script = command.revision(
            config,
            message,
            autogenerate=autogenerate,
            head=f"{plugin_name}@head",
            version_path=str(folder),
        )
    else:
        script = command.revision(
            config,
            message,
            autogenerate=autogenerate,
            head="base",
            branch_label=plugin_name,
            version_path=str(folder),
            depends_on=existing.get("core") if plugin_name != "core" else None,
        )
    return script.path if script else ""
