"""``pdms serve``: run the API with uvicorn."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from pdms_core.cli.context import CliState, pass_state
from pdms_core.errors import ConfigurationError

if TYPE_CHECKING:
    from pdms_core.host import PluginHost


@click.command()
@click.option("--host", default=None, help="Interface to bind (default PDMS_HOST or 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default PDMS_PORT or 8000).")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes to serve with (default PDMS_WORKERS, else one per core; one in debug).",
)
@click.option(
    "--allow-pending-migrations",
    is_flag=True,
    help="Start even when 'pdms db upgrade' has not run (PDMS_ALLOW_PENDING_MIGRATIONS).",
)
@pass_state
def serve(
    state: CliState,
    host: str | None,
    port: int | None,
    workers: int | None,
    allow_pending_migrations: bool,
) -> None:
    """Start the GraphQL API (http://HOST:PORT/graphql)."""
    import uvicorn

    from pdms_core.app import create_app
    from pdms_core.db.replicas import check_replica_settings
    from pdms_core.observability.logs import configure_logging
    from pdms_core.serving import tune_garbage_collector

    settings = state.settings
    # Once, here: a worker process that refuses its settings is restarted forever.
    check_replica_settings(settings)
    if not (allow_pending_migrations or settings.allow_pending_migrations):
        _refuse_pending_migrations(state.host)
    workers = workers or settings.served_workers
    where = f"http://{host or settings.host}:{port or settings.port}/graphql"
    click.echo(
        f"PDMS API on {where}"
        + (f" ({workers} worker processes)" if workers > 1 else "")
        + (" (GraphiQL enabled: debug mode)" if settings.debug else "")
    )
    configure_logging(settings)
    options = {
        "host": host or settings.host,
        "port": port or settings.port,
        "log_level": "info",
        # PDMS logs each request itself (pdms.request), with what uvicorn cannot know.
        "access_log": False,
        "log_config": None,
    }
    if workers == 1:
        app = create_app(host=state.host)
        tune_garbage_collector()
        uvicorn.run(app, **options)
        return
    # One Python process runs one request's Python work at a time, however many
    # requests it has in flight; a second core needs a second process. Each worker
    # builds the app from the same settings (the environment and PDMS_CONFIG).
    _checked = state.host  # a broken configuration fails here, once, not in every worker
    uvicorn.run("pdms_core.serving:create_served_app", factory=True, workers=workers, **options)


def _refuse_pending_migrations(host: PluginHost) -> None:
    """Stop before serving a database older than the code: its first query of a new
    column would fail, request after request, instead of once, here."""
    from pdms_core.db import migrations

    try:
        behind = migrations.pending(host)
    except Exception as exc:  # unreachable: /health and /ready say so once it serves
        click.echo(
            f"warning: could not check migrations: the database is unavailable "
            f"({type(exc).__name__})",
            err=True,
        )
        return
    if behind:
        raise ConfigurationError(
            f"database migrations are pending for {', '.join(behind)}: run 'pdms db upgrade' "
            "(or start with --allow-pending-migrations)"
        )
