"""Debug mode's GraphiQL works without internet: page and assets come from the app."""

from __future__ import annotations

import asyncio
import re
import tomllib
from pathlib import Path
from urllib.parse import quote, urljoin

import httpx
import pytest
from headless_browser import Chromium, find_chromium
from live_server import core_env, pdms, served

from pdms_core.app import create_app
from pdms_core.host import PluginHost
from pdms_core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
HTML = {"accept": "text/html"}
ASSET = "/graphiql/graphiql.min.js"
QUERY = "query FromTheLink { modules { name } }"


def _app(tmp_path: Path, *, debug: bool):
    settings = Settings(data_dir=tmp_path, plugins=(), debug=debug)
    return create_app(host=PluginHost.load(settings, entry_points=[]))


async def _client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://pdms.test")


async def test_the_page_and_every_asset_it_loads_come_from_the_app(tmp_path: Path):
    async with await _client(_app(tmp_path, debug=True)) as http:
        page = await http.get("/graphql", headers=HTML)
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        # nothing on the page names another host
        assert not re.search(r"https?:|//[a-z]", page.text, re.IGNORECASE)
        references = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assets = [ref for ref in references if not ref.startswith("data:")]
        assert len(assets) == 4  # react, react-dom, graphiql and its stylesheet
        for reference in assets:
            asset = await http.get(urljoin("http://pdms.test/graphql", reference))
            assert asset.status_code == 200, reference
            if reference.endswith(".css"):
                # a stylesheet's url(...) would be fetched too: only inline data
                assert set(re.findall(r"url\((\w+):", asset.text)) == {"data"}


async def test_outside_debug_there_is_no_graphiql(tmp_path: Path):
    async with await _client(_app(tmp_path, debug=False)) as http:
        page = await http.get("/graphql", headers=HTML)
        asset = await http.get(ASSET)
    assert "GraphiQL" not in page.text
    assert asset.status_code == 404


def test_the_assets_and_their_licences_are_package_data():
    # tests/test_wheels.py checks the built wheel; this checks the pattern, quickly
    with open(ROOT / "pyproject.toml", "rb") as handle:
        patterns = tomllib.load(handle)["tool"]["setuptools"]["package-data"]["pdms_core.graphiql"]
    folder = ROOT / "pdms_core" / "graphiql"
    shipped = {path for pattern in patterns for path in folder.glob(pattern)}
    files = {path for path in folder.rglob("*") if path.is_file() and path.suffix != ".py"}
    files = {path for path in files if "__pycache__" not in path.parts}
    assert files <= shipped
    for package in ("graphiql", "react", "react-dom"):
        assert (folder / "assets" / f"{package}.LICENSE").exists()


async def test_a_browser_runs_a_query_from_a_served_page_without_internet(tmp_path: Path):
    binary = find_chromium()
    if binary is None:
        pytest.skip("no chromium binary (Debian: apt-get install chromium)")
    env = core_env(tmp_path / "data", PDMS_DEBUG="1")
    upgraded = await asyncio.to_thread(pdms, env, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    with served(env) as base, Chromium(binary, tmp_path / "profile") as browser:
        # given the page opened on a link carrying a query
        requested = browser.open(f"{base}/graphql?q={quote(QUERY)}")
        # when the execute button is pressed, the answer shows in the result pane
        answer = browser.evaluate(RUN_THE_QUERY)
    assert '"name": "core"' in answer, answer
    # and every request the page made went to this server
    # (inline data, the stylesheet's fonts, has no host)
    elsewhere = [url for url in requested if not url.startswith((f"{base}/", "data:"))]
    assert requested and not elsewhere, elsewhere


#: Waits (bounded) for GraphiQL to render, presses its execute button and waits for
#: the response pane to show data; returns the pane's text or what went wrong.
RUN_THE_QUERY = """
(async () => {
  const until = async (found) => {
    for (let tries = 0; tries < 300; tries++) {
      const value = found();
      if (value) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return null;
  };
  const button = await until(() => document.querySelector(".graphiql-execute-button"));
  if (!button) return "GraphiQL did not render: " + document.body.innerText.slice(0, 300);
  await until(() => document.querySelector(".graphiql-query-editor")
    ?.innerText.includes("FromTheLink"));
  button.click();
  const pane = () => document.querySelector(".graphiql-response")?.innerText || "";
  return (await until(() => pane().includes('"data"') && pane())) || "no answer: " + pane();
})()
"""
