"""``pdms serve``: run the API with uvicorn."""

from __future__ import annotations

import click

from pdms_core.cli.context import CliState, pass_state


@click.command()
@click.option("--host", default=None, help="Interface to bind (default PDMS_HOST or 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default PDMS_PORT or 8000).")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes to serve with (default PDMS_WORKERS or 1); about one per core.",
)
@pass_state
def serve(state: CliState, host: str | None, port: int | None, workers: int | None) -> None:
    """Start the GraphQL API (http://HOST:PORT/graphql)."""
    import uvicorn

    from pdms_core.app import create_app
    from pdms_core.serving import tune_garbage_collector

    settings = state.settings
    workers = workers or settings.workers
    where = f"http://{host or settings.host}:{port or settings.port}/graphql"
    click.echo(
        f"PDMS API on {where}"
        + (f" ({workers} worker processes)" if workers > 1 else "")
        + (" (GraphiQL enabled: debug mode)" if settings.debug else "")
    )
    options = {
        "host": host or settings.host,
        "port": port or settings.port,
        "log_level": "info",
        "access_log": settings.debug,
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
