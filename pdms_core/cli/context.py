"""What CLI commands share: settings and the plugin host, loaded once."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click

from pdms_core.db.engine import Database
from pdms_core.errors import PdmsError
from pdms_core.host import PluginHost
from pdms_core.settings import Settings

T = TypeVar("T")


class CliState:
    """Settings and host for one CLI run.

    A broken configuration must not hide ``--help``: the host error is kept and raised
    only when a command needs the host.
    """

    def __init__(
        self,
        settings: Settings | None,
        error: PdmsError | None = None,
        *,
        host: PluginHost | None = None,
    ):
        self._settings = settings if host is None else host.settings
        self._error = error
        self._host = host

    @classmethod
    def for_host(cls, host: PluginHost) -> CliState:
        """A state around an already loaded host (for embedding and tests)."""
        return cls(None, host=host)

    @classmethod
    def from_env(cls) -> CliState:
        try:
            return cls(Settings.from_env())
        except PdmsError as exc:
            return cls(None, exc)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            raise self._error or PdmsError("settings are not available")
        return self._settings

    @property
    def host(self) -> PluginHost:
        if self._host is None:
            if self._error is not None:
                raise self._error
            self._host = PluginHost.load(self.settings)
        return self._host

    def add_plugin_commands(self, cli: click.Group) -> None:
        try:
            self.host.register_commands(cli)
        except PdmsError as exc:
            self._error = exc

    def run_with_database(self, work: Callable[[Database], Awaitable[T]]) -> T:
        """Run async ``work`` against the configured database, then close it."""

        async def runner() -> T:
            settings = self.host.settings
            database = Database.connect(
                settings.resolved_database_url,
                hide_parameters=not settings.debug,
                read_pool_size=settings.read_pool_size,
            )
            try:
                return await work(database)
            finally:
                await database.dispose()

        return asyncio.run(runner())


pass_state = click.make_pass_decorator(CliState)
