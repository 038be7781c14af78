"""Alembic driven from the host: one version table, one branch label per plugin."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

import pdms_core.migrations
from pdms_core.errors import ConfigurationError
from pdms_core.host import PluginHost
from pdms_core.records import CORE


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
    """Branch label -> head revision, one per enabled plugin with migrations."""
    script = ScriptDirectory.from_config(alembic_config(host))
    result: dict[str, str] = {}
    for revision in script.get_revisions("heads"):
        for label in _branch_of(script, revision.revision):
            result.setdefault(label, revision.revision)
    return dict(sorted(result.items(), key=lambda item: (item[0] != CORE, item[0])))


def _branch_of(script: ScriptDirectory, revision_id: str) -> set[str]:
    revision = script.get_revision(revision_id)
    labels = set(revision.branch_labels)
    while not labels and revision.down_revision:
        down = revision.down_revision
        revision = script.get_revision(down if isinstance(down, str) else down[0])
        labels = set(revision.branch_labels)
    return labels


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
            depends_on=existing.get(CORE) if plugin_name != CORE else None,
        )
    return script.path if script else ""
