"""Alembic driven from the host: one version table, one branch label per plugin."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import inspect
from sqlalchemy.pool import NullPool

import pdms_core.migrations
from pdms_core.db.engine import create_engine
from pdms_core.errors import ConfigurationError
from pdms_core.host import PluginHost


def alembic_config(host: PluginHost, url: str | None = None) -> Config:
    """An alembic Config for core and every enabled plugin, plus dormant branches.

    A dormant branch belongs to an installed plugin that settings now disable but whose
    migrations already ran: alembic must still find those revisions (they are in the
    version table) or it refuses to work at all. Its code is never imported; only its
    revision scripts are read, from the conventional ``<package>/migrations/versions``.
    """
    url = url or host.settings.resolved_database_url
    folders = [path for _, path in host.migration_dirs()] + _dormant_dirs(host, url)
    config = Config()
    config.set_main_option("script_location", str(Path(pdms_core.migrations.__file__).parent))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(str(p) for p in folders))
    config.attributes["host"] = host
    config.attributes["url"] = url
    return config


def upgrade(host: PluginHost, url: str | None = None) -> list[tuple[str, str]]:
    """Upgrade core and every enabled plugin to their latest revisions (never dormant ones).

    Returns what this run applied, oldest first, as (branch label, revision) pairs.
    """
    config = alembic_config(host, url)
    url = config.attributes["url"]
    before = _run_coroutine(_applied_revisions(url))
    latest = heads(host)
    for name in latest:
        command.upgrade(config, f"{name}@head")
    after = _run_coroutine(_applied_revisions(url))
    script = ScriptDirectory.from_config(config)
    done = _with_ancestors(script, after) - _with_ancestors(script, before)
    applied: list[tuple[str, str]] = []
    for head in latest.values():  # core first, so what a plugin depends on comes first
        for revision in reversed(list(script.iterate_revisions(head, "base"))):
            if revision.revision in done:
                done.discard(revision.revision)
                applied.append((min(revision.branch_labels or {"?"}), revision.revision))
    return applied


def pending(host: PluginHost) -> list[str]:
    """Labels of the enabled branches whose head the database has not reached."""
    applied = _run_coroutine(_applied_revisions(host.settings.resolved_database_url))
    return [label for label, marks in head_markers(host).items() if not marks & applied]


def head_markers(host: PluginHost) -> dict[str, frozenset[str]]:
    """Branch label -> the revisions whose row in the version table shows that branch's
    head has run: the head itself and every revision descending from it.

    The version table keeps only the tips: once a module's revision that ``depends_on``
    core's head is applied, alembic drops core's row, and core's head is reached through
    the module's row alone."""
    script = ScriptDirectory.from_config(alembic_config(host))
    ancestry = {
        revision.revision: _with_ancestors(script, {revision.revision})
        for revision in script.walk_revisions()
    }
    return {
        label: frozenset(rev for rev, ancestors in ancestry.items() if head in ancestors)
        for label, head in heads(host).items()
    }


def _with_ancestors(script: ScriptDirectory, revisions: set[str]) -> set[str]:
    # The version table holds one row per branch; what ran is each row and what it
    # descends from (a plugin's rows reach core's through ``depends_on``).
    found: set[str] = set()
    for revision in revisions:
        if revision not in found:
            found.update(r.revision for r in script.iterate_revisions(revision, "base"))
    return found


def check(host: PluginHost, url: str | None = None) -> None:
    """Raise when the models differ from what the migrations create."""
    command.check(alembic_config(host, url))


def _dormant_dirs(host: PluginHost, url: str) -> list[Path]:
    candidates = []
    for info in host.installed:
        if info.enabled:
            continue
        spec = importlib.util.find_spec(info.module.split(":")[0].split(".")[0])
        for location in (spec.submodule_search_locations or []) if spec else []:
            folder = Path(location) / "migrations" / "versions"
            if folder.is_dir():
                candidates.append(folder)
    if not candidates:
        return []
    applied = _run_coroutine(_applied_revisions(url))
    return [folder for folder in candidates if applied & _revision_ids(folder)]


def _run_coroutine(coroutine: Any) -> Any:
    # Callers may be sync code inside a running loop (an async test, a server);
    # asyncio.run refuses that, so such calls get a loop of their own in a thread.
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _revision_ids(folder: Path) -> set[str]:
    found = set()
    for script in folder.glob("*.py"):
        match = re.search(
            r"^revision(?::[^=]*)? = ['\"]([0-9a-f]+)['\"]",
            script.read_text(encoding="utf-8"),
            re.MULTILINE,
        )
        if match:
            found.add(match.group(1))
    return found


async def _applied_revisions(url: str) -> set[str]:
    engine = create_engine(url, poolclass=NullPool, hide_parameters=True)
    try:
        async with engine.connect() as connection:
            if not await connection.run_sync(lambda c: inspect(c).has_table("alembic_version")):
                return set()
            rows = await connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            return {row[0] for row in rows}
    finally:
        await engine.dispose()


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
