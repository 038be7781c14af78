"""GraphiQL for debug mode, served from the package itself.

Strawberry's own GraphiQL page loads React and GraphiQL from a public CDN, and a
council's server often has no internet: the page stayed at "Loading...". The files in
``assets/`` are the browser builds shipped in the npm packages named in ``VENDORED``,
copied unchanged, each package's licence beside them (``<package>.LICENSE``).
``graphiql.min.js`` bundles GraphiQL's own dependencies (graphql, codemirror,
@graphiql/react, ...), all MIT licensed.

To move to another version: ``npm pack graphiql@<version>`` (and react, react-dom) in a
temporary folder, copy the same files over, update ``VENDORED`` and run
tests/test_graphiql.py, which loads the page in a real browser.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

#: npm package -> version the files in ``assets/`` come from.
VENDORED = {"graphiql": "3.8.3", "react": "18.2.0", "react-dom": "18.2.0"}
#: Where the assets are served; page.html refers to them relative to /graphql.
ASSETS_PATH = "/graphiql"
ASSETS = Path(__file__).parent / "assets"


@cache
def page_html() -> str:
    """The GraphiQL page, which loads only this server's assets."""
    return (Path(__file__).parent / "page.html").read_text(encoding="utf-8")


def routes() -> list[BaseRoute]:
    """The assets' routes; the app adds them in debug mode only."""
    return [Mount(ASSETS_PATH, app=StaticFiles(directory=ASSETS), name="graphiql")]
