"""What CLI commands share: settings and the plugin host, loaded once."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

import click

from pdms_core.errors import PdmsError, PluginError
from pdms_core.settings import Settings

if TYPE_CHECKING:
    from pdms_core.db.engine import Database
    from pdms_core.host import PluginHost

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
            # Imported here: the host module pulls in pydantic and pluggy, and loading
            # it imports every enabled module's models; --help needs none of that.
            from pdms_core.host import PluginHost

            self._host = PluginHost.load(self.settings)
        return self._host

    def add_plugin_commands(self, cli: click.Group) -> None:
        """Add every enabled plugin's group to ``cli``; a broken plugin is remembered
        (and raised by the commands that need the host) rather than hiding ``--help``.

        Without a loaded host this takes the light path (the plugins' entry-point
        modules only); with one, the host's own registration.
        """
        scratch = click.Group()
        try:
            if self._host is not None:
                self._host.register_commands(scratch)
            else:
                from pdms_core.host_commands import plugin_commands

                plugin_commands(self.settings, scratch)
            taken = {*cli.commands, *getattr(cli, "lazy_commands", ())}
            for name in scratch.commands:
                if name in taken:
                    raise PluginError(
                        f"plugin {name!r} adds CLI group {name!r}, which core already has"
                    )
        except PdmsError as exc:
            self._error = exc
            return
        for name, command in scratch.commands.items():
            cli.add_command(command, name)

    def run_with_database(self, work: Callable[[Database], Awaitable[T]]) -> T:
        """Run async ``work`` against the configured database, then close it."""

        import asyncio

        from pdms_core.db.engine import Database

        results: list[T] = []

        async def runner() -> None:
            settings = self.host.settings
            database = Database.connect(
                settings.resolved_database_url,
                hide_parameters=not settings.debug,
                read_pool_size=settings.read_pool_size,
            )
            # Sign-in changes made here end the servers' cached sign-ins at once.
            from pdms_core.auth.changes import publish_changes

            publish_changes(database, settings.redis_url)
            try:
                results.append(await work(database))
            finally:
                await database.dispose()

        # The result is handed back outside the task: on leaving, asyncio.run restores
        # the SIGINT handler, and signal.getsignal formats that handler (and with it the
        # main task and its result) with repr, in full: 0.25 s for an arrears import
        # of 50,000 rows, twice.
        asyncio.run(runner())
        return results[0]


pass_state = click.make_pass_decorator(CliState)


class LazyChoice(click.Choice):
    """A ``click.Choice`` whose values come from ``load()`` on first use.

    The values of some options live in modules that import SQLAlchemy (measure buckets,
    gazetteer formats); the command's own ``--help`` and parsing load them, the group's
    ``--help`` and every other command do not.
    """

    def __init__(self, load: Callable[[], Iterable[str]], case_sensitive: bool = True) -> None:
        # click.Choice.__init__ would read the values now; set what it sets, lazily.
        self._load = load
        self.case_sensitive = case_sensitive

    @functools.cached_property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]
        return tuple(self._load())
