"""The plugin host: finds, loads, validates and orders the enabled modules.

Discovery uses the ``pdms`` entry-point group. A disabled plugin's entry point is
listed but never loaded, so its code is never imported. Core registers through the
same hooks as any plugin and always comes first; plugins follow in name order.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy
from pydantic import BaseModel, ValidationError

from pdms_core import hookspecs
from pdms_core.auth.actor import Actor
from pdms_core.errors import ConfigurationError, PluginError
from pdms_core.host_rules import (
    check_document_holder,
    check_letter_purpose,
    check_lookup_parents,
    check_measure,
    check_owned_name,
    check_timeline_source,
)
from pdms_core.manifests import check_core_version, with_conventional_paths
from pdms_core.records import (
    CORE,
    DocumentHolder,
    GraphQLContribution,
    LetterPurpose,
    LookupSetSpec,
    MeasureSpec,
    Permission,
    PluginManifest,
    TimelineSource,
)
from pdms_core.settings import ALL_PLUGINS, Settings

ENTRY_POINT_GROUP = "pdms"
PLUGIN_NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
PERMISSION_CODE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class InstalledPlugin:
    """An entry point in the ``pdms`` group, whether or not settings enable it."""

    name: str
    module: str
    distribution: str | None
    version: str | None
    enabled: bool


@dataclass(frozen=True)
class LoadedPlugin:
    """An enabled, imported and validated plugin (core included)."""

    manifest: PluginManifest
    module: Any
    package: str
    distribution: str | None
    version: str | None
    settings: BaseModel | None

    @property
    def name(self) -> str:
        return self.manifest.name


def installed_entry_points() -> list[EntryPoint]:
    """The ``pdms`` entry points of every installed distribution."""
    return list(entry_points(group=ENTRY_POINT_GROUP))


def camel_prefix(name: str) -> str:
    """GraphQL field prefix for a plugin name: ``rent_arrears`` -> ``rentArrears``."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def pascal_prefix(name: str) -> str:
    """GraphQL type prefix for a plugin name: ``rent_arrears`` -> ``RentArrears``."""
    return "".join(part.capitalize() for part in name.split("_"))


class PluginHost:
    """The enabled plugins of one application, in their fixed order.

    Build one with :meth:`load`. Two hosts in one process are independent: nothing is
    registered globally, so a core-only and a core+plugins schema can coexist.
    """

    def __init__(
        self,
        settings: Settings,
        plugins: Sequence[LoadedPlugin],
        installed: Sequence[InstalledPlugin],
        pm: pluggy.PluginManager,
    ):
        self.settings = settings
        self.plugins = tuple(plugins)
        self.installed = tuple(installed)
        self.pm = pm
        self._by_name = {plugin.name: plugin for plugin in self.plugins}
        self.permissions: tuple[Permission, ...] = self._collect_permissions()
        self.lookup_sets: tuple[tuple[str, LookupSetSpec], ...] = self._collect_lookup_sets()
        #: (module, spec) for every measure, core's first; looked up by name.
        self.measures: tuple[tuple[str, MeasureSpec], ...] = self._collect_measures()
        #: Record types that may hold documents, by GraphQL type name, core's first.
        self.document_holders: dict[str, DocumentHolder] = self._collect_document_holders()
        #: Letters councils may write templates for, by code, core's first.
        self.letter_purposes: dict[str, tuple[str, LetterPurpose]] = self._collect_letter_purposes()

    @functools.cached_property
    def graphql(self) -> tuple[tuple[LoadedPlugin, GraphQLContribution], ...]:
        """(plugin, contribution) for every plugin with GraphQL, core's first.

        Collected on first use, not at load: the contributions import strawberry and
        every GraphQL module, which CLI commands other than serving and schema export
        never need.
        """
        return tuple(
            (plugin, contribution)
            for plugin in self.plugins
            if (contribution := self._call_one("pdms_graphql", plugin)) is not None
        )

    @functools.cached_property
    def timeline_sources(self) -> tuple[tuple[str, TimelineSource], ...]:
        """(module, source) for every module's timeline entries, in plugin order.

        Collected on first use, like ``graphql``: the sources carry GraphQL types.
        """
        declared = {permission.code for permission in self.permissions}
        seen: set[tuple[str, str]] = set()
        result = []
        for plugin in self.plugins:
            for source in self._call_one("pdms_timeline_sources", plugin) or ():
                check_timeline_source(source, plugin.name, seen, declared)
                result.append((plugin.name, source))
        return tuple(result)

    # -- loading ---------------------------------------------------------------------

    @classmethod
    def load(
        cls,
        settings: Settings,
        *,
        entry_points: Iterable[EntryPoint] | None = None,
        extra_hooks: Iterable[object] = (),
    ) -> PluginHost:
        """Discover, import and validate the plugins that ``settings`` enable.

        ``entry_points`` defaults to the installed ones. ``extra_hooks`` are objects that
        implement runtime hooks only (such as ``pdms_actor_from_request`` in tests).
        """
        eps = installed_entry_points() if entry_points is None else list(entry_points)
        installed = _describe_installed(eps, settings)
        pm = pluggy.PluginManager(hookspecs.PROJECT)
        pm.add_hookspecs(hookspecs)
        pm.hook.pdms_add_hookspecs.call_historic(kwargs={"pluginmanager": pm})
        from pdms_core import core_plugin

        modules = [(CORE, core_plugin, None)]
        by_name = {ep.name: ep for ep in eps}
        for info in installed:
            if info.enabled:
                modules.append((info.name, _import_entry_point(by_name[info.name]), info))
        loaded = [_register(pm, name, module, info, settings) for name, module, info in modules]
        for hook_object in extra_hooks:
            pm.register(hook_object)
        host = cls(settings, loaded, installed, pm)
        try:
            # A hook implementation whose name matches no specification is a typo
            # (pdms_permisions) that would otherwise be silently never called.
            pm.check_pending()
        except pluggy.PluginValidationError as exc:
            raise PluginError(
                f"plugin {pm.get_name(exc.plugin)!r} implements an unknown hook: {exc}"
            ) from None
        host.check_tables()
        return host

    # -- declarative contributions ------------------------------------------------------

    def plugin(self, name: str) -> LoadedPlugin:
        """The enabled plugin called ``name`` (``core`` included)."""
        try:
            return self._by_name[name]
        except KeyError:
            raise ConfigurationError(f"plugin {name!r} is not enabled") from None

    def plugin_for_module(self, module_name: str) -> LoadedPlugin | None:
        """The enabled plugin whose package contains the Python module ``module_name``."""
        root = module_name.split(".")[0]
        return next((p for p in self.plugins if p.package == root), None)

    def measure(self, name: str) -> tuple[str, MeasureSpec] | None:
        """(module, spec) of the measure called ``name``, if an enabled module has it."""
        return next(((m, spec) for m, spec in self.measures if spec.name == name), None)

    def record_sources(self, holder: str) -> list[tuple[str, Any]]:
        """(module, ModuleRecordSource) pairs that attach records to the core type ``holder``."""
        return [
            (plugin.name, source)
            for plugin, contribution in self.graphql
            for source in contribution.module_records
            if source.holder == holder
        ]

    def migration_dirs(self) -> list[tuple[str, Path]]:
        """(plugin name, revisions folder) for every enabled plugin that has migrations."""
        return [
            (p.name, Path(p.manifest.migrations_dir))
            for p in self.plugins
            if p.manifest.migrations_dir is not None
        ]

    def owned_tables(self) -> dict[str, str]:
        """Table name -> owning plugin, for the models of the enabled plugins only."""
        from pdms_core.db.base import Base

        owned: dict[str, str] = {}
        for mapper in Base.registry.mappers:
            plugin = self.plugin_for_module(mapper.class_.__module__)
            if plugin is not None and mapper.local_table is not None:
                owned[mapper.local_table.name] = plugin.name
        return owned

    def check_tables(self) -> None:
        """Fail fast when a plugin's table does not carry its ``<name>_`` prefix."""
        for table, owner in sorted(self.owned_tables().items()):
            if owner != CORE and not table.startswith(f"{owner}_"):
                raise PluginError(
                    f"plugin {owner!r} defines table {table!r}; its tables must start "
                    f"with {owner + '_'!r}"
                )

    def register_commands(self, cli: Any) -> None:
        """Add each plugin's command group; a plugin may add one group, named after it."""
        from pdms_core.host_commands import add_plugin_group

        for plugin in self.plugins:
            add_plugin_group(cli, plugin.name, self._call_one, plugin)

    def actor_from_request(self, request: Any) -> Actor:
        """Who is calling: the first plugin that answers wins, core answers last."""
        return self.pm.hook.pdms_actor_from_request(request=request, settings=self.settings)

    async def startup(self, app: Any) -> None:
        """Run every plugin's startup hook, awaiting those that return awaitables."""
        for result in self.pm.hook.pdms_startup(app=app, settings=self.settings):
            if inspect.isawaitable(result):
                await result

    async def seed_demo(self, database: Any, size: str, seed: int) -> list[str]:
        """Let every enabled module add to the demo council; the lines they report."""
        lines = []
        for result in self.pm.hook.pdms_demo_seed(
            database=database, settings=self.settings, size=size, seed=seed
        ):
            line = await result if inspect.isawaitable(result) else result
            if line:
                lines.append(line)
        return sorted(lines)

    # -- internals ------------------------------------------------------------------

    def _call_one(self, hook_name: str, plugin: LoadedPlugin, **kwargs: Any) -> Any:
        hook = getattr(self.pm.hook, hook_name)
        for impl in hook.get_hookimpls():
            if impl.plugin is plugin.module:
                return impl.function(**kwargs)
        return None

    def _collect_permissions(self) -> tuple[Permission, ...]:
        seen: dict[str, str] = {}
        result = []
        for plugin in self.plugins:
            for permission in self._call_one("pdms_permissions", plugin) or ():
                check_owned_name("permission", permission.code, plugin.name, seen, dot=True)
                if not PERMISSION_CODE.match(permission.code):
                    raise PluginError(
                        f"plugin {plugin.name!r} declares permission {permission.code!r}; codes "
                        "look like '<module>.<resource>.<action>' in lower case"
                    )
                result.append(permission)
        return tuple(result)

    def _collect_measures(self) -> tuple[tuple[str, MeasureSpec], ...]:
        seen: dict[str, str] = {}
        result = []
        for plugin in self.plugins:
            for spec in self._call_one("pdms_measures", plugin) or ():
                check_measure(spec, plugin.name, seen)
                result.append((plugin.name, spec))
        return tuple(result)

    def _collect_letter_purposes(self) -> dict[str, tuple[str, LetterPurpose]]:
        seen: dict[str, str] = {}
        purposes: dict[str, tuple[str, LetterPurpose]] = {}
        for plugin in self.plugins:
            for purpose in self._call_one("pdms_letter_purposes", plugin) or ():
                check_letter_purpose(purpose, plugin.name, seen, self.document_holders)
                purposes[purpose.code] = (plugin.name, purpose)
        return purposes

    def _collect_document_holders(self) -> dict[str, DocumentHolder]:
        from pdms_core.documents.holders import register_holders

        declared = {permission.code for permission in self.permissions}
        seen: dict[str, str] = {}
        holders: dict[str, DocumentHolder] = {}
        for plugin in self.plugins:
            for holder in self._call_one("pdms_document_holders", plugin) or ():
                check_document_holder(holder, plugin.name, seen, declared)
                holders[holder.type_name] = holder
        register_holders(holders.values())
        return holders

    def _collect_lookup_sets(self) -> tuple[tuple[str, LookupSetSpec], ...]:
        seen: dict[str, str] = {}
        result = []
        for plugin in self.plugins:
            for spec in self._call_one("pdms_lookup_sets", plugin) or ():
                check_owned_name(
                    "lookup set", spec.code, plugin.name, seen, dot=plugin.name != CORE
                )
                result.append((plugin.name, spec))
        check_lookup_parents(result)
        return tuple(result)


def _describe_installed(eps: list[EntryPoint], settings: Settings) -> list[InstalledPlugin]:
    seen: dict[str, EntryPoint] = {}
    for ep in eps:
        if ep.name in seen and seen[ep.name].value != ep.value:
            raise PluginError(
                f"two installed plugins are both called {ep.name!r}: "
                f"{_origin(seen[ep.name])} and {_origin(ep)}"
            )
        seen[ep.name] = ep
    for name in seen:
        if name == CORE or not PLUGIN_NAME.match(name):
            raise PluginError(
                f"installed plugin {_origin(seen[name])} uses the name {name!r}; "
                "names are lower_snake_case and 'core' is reserved"
            )
    missing = sorted(set(settings.plugins) - set(seen) - {ALL_PLUGINS})
    if missing:
        raise ConfigurationError(
            f"PDMS_PLUGINS enables {missing}, which no installed "
            f"distribution provides; installed: {sorted(seen) or 'none'}"
        )
    return [
        InstalledPlugin(
            name=name,
            module=ep.value,
            distribution=ep.dist.name if ep.dist else None,
            version=ep.dist.version if ep.dist else None,
            enabled=settings.is_enabled(name),
        )
        for name, ep in sorted(seen.items())
    ]


def _origin(ep: EntryPoint) -> str:
    return f"{ep.dist.name if ep.dist else 'an unnamed distribution'} ({ep.value})"


def _import_entry_point(ep: EntryPoint) -> Any:
    try:
        return ep.load()
    except Exception as exc:
        raise PluginError(
            f"plugin {ep.name!r} ({ep.value}) failed to import: {type(exc).__name__}: {exc}"
        ) from exc


def _register(
    pm: pluggy.PluginManager,
    name: str,
    module: Any,
    info: InstalledPlugin | None,
    settings: Settings,
) -> LoadedPlugin:
    try:
        pm.register(module, name=name)
    except (ValueError, pluggy.PluginValidationError) as exc:
        raise PluginError(f"plugin {name!r} does not fit the hook specifications: {exc}") from exc
    package = _package_of(module)
    manifest = with_conventional_paths(_manifest_of(pm, module, name), package)
    check_core_version(manifest, _core_version())
    if manifest.models_module:
        importlib.import_module(manifest.models_module)
    return LoadedPlugin(
        manifest=manifest,
        module=module,
        package=package,
        distribution=info.distribution if info else "pdms-core",
        version=info.version if info else _core_version(),
        settings=_validate_settings(manifest, settings),
    )


def _package_of(plugin: Any) -> str:
    # Entry points usually load a module; they may also load an object with hooks.
    name = plugin.__name__ if isinstance(plugin, ModuleType) else type(plugin).__module__
    return name.split(".")[0]


def _manifest_of(pm: pluggy.PluginManager, module: Any, name: str) -> PluginManifest:
    impls = [i for i in pm.hook.pdms_plugin_manifest.get_hookimpls() if i.plugin is module]
    if not impls:
        raise PluginError(f"plugin {name!r} does not implement pdms_plugin_manifest()")
    manifest = impls[0].function()
    if not isinstance(manifest, PluginManifest):
        raise PluginError(f"plugin {name!r}: pdms_plugin_manifest() must return a PluginManifest")
    if manifest.name != name:
        raise PluginError(
            f"entry point {name!r} loads a plugin whose manifest is named "
            f"{manifest.name!r}; the two must match"
        )
    return manifest


def _validate_settings(manifest: PluginManifest, settings: Settings) -> BaseModel | None:
    section = settings.plugin_sections.get(manifest.name, {})
    if manifest.settings_model is None:
        return None
    try:
        return manifest.settings_model(**section)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigurationError(
            f"settings for plugin {manifest.name!r} are invalid: {problems}"
        ) from None


def _core_version() -> str:
    from pdms_core import __version__

    return __version__
