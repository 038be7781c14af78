"""``pdms serve``: run the API with uvicorn."""

from __future__ import annotations

import click

from pdms_core.cli.context import CliState, pass_state


@click.command()
@click.option("--host", default=None, help="Interface to bind (default PDMS_HOST or 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default PDMS_PORT or 8000).")
@pass_state
def serve(state: CliState, host: str | None, port: int | None) -> None:
    """Start the GraphQL API (http://HOST:PORT/graphql)."""
    import uvicorn

    from pdms_core.app import create_app

    settings = state.settings
    app = create_app(host=state.host)
    where = f"http://{host or settings.host}:{port or settings.port}/graphql"
    click.echo(
        f"PDMS API on {where}" + (" (GraphiQL enabled: debug mode)" if settings.debug else "")
    )
    uvicorn.run(
        app,
        host=host or settings.host,
        port=port or settings.port,
        log_level="info",
        access_log=settings.debug,
    )
