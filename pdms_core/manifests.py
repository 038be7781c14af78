"""What the host fills in and checks on a plugin's manifest before anything else loads."""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from pdms_core.errors import PluginError
from pdms_core.records import PluginManifest


def with_conventional_paths(manifest: PluginManifest, package: str) -> PluginManifest:
    """``manifest`` with the models module and migrations folder a package has by
    convention (``<package>.models``, ``<package>/migrations/versions``) filled in
    where the plugin names none."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return manifest
    root = Path(next(iter(spec.submodule_search_locations)))
    changes: dict[str, object] = {}
    if manifest.models_module is None and (root / "models.py").is_file():
        changes["models_module"] = f"{package}.models"
    if manifest.migrations_dir is None and (root / "migrations" / "versions").is_dir():
        changes["migrations_dir"] = root / "migrations" / "versions"
    return dataclasses.replace(manifest, **changes) if changes else manifest


def check_core_version(manifest: PluginManifest, core_version: str) -> None:
    """Refuse a plugin built for another pdms-core, naming both versions."""
    if manifest.requires_core is None:
        return
    try:
        wanted = SpecifierSet(manifest.requires_core)
    except InvalidSpecifier:
        raise PluginError(
            f"plugin {manifest.name!r}: requires_core {manifest.requires_core!r} is not "
            "a version specifier such as '>=0.1,<0.2'"
        ) from None
    if not wanted.contains(Version(core_version), prereleases=True):
        raise PluginError(
            f"plugin {manifest.name!r} needs pdms-core {manifest.requires_core}, but "
            f"pdms-core {core_version} is installed: upgrade one or the other"
        )
