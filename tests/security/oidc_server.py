"""A real OpenID Connect provider on loopback: the certified ``oidc-provider`` package on
Node (tests/oidc_provider), installed from its lock file with ``npm ci`` on first use.

``browser_sign_in`` plays the user's browser at the provider: it follows the redirects
and fills in the provider's own login and consent forms, as a person would.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import httpx

FOLDER = Path(__file__).resolve().parent.parent / "oidc_provider"
CLIENT_ID = "pdms-test"
#: A throwaway secret for a provider that lives as long as the test module.
CLIENT_SECRET = "loopback-only-client-secret-0123456789"


@dataclass(frozen=True)
class RunningProvider:
    issuer: str


def node_missing() -> str | None:
    """Why the provider cannot run here, or None."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "single sign-on tests need Node.js and npm (the OpenID provider runs on Node)"
    return None


def _install() -> None:
    stamp = FOLDER / "node_modules" / ".package-lock.json"
    lock = FOLDER / "package-lock.json"
    if stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime:
        return
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=FOLDER,
        check=True,
        timeout=300,
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def oidc_provider(redirect_uri: str, accounts: dict[str, dict]) -> Iterator[RunningProvider]:
    """Run the provider until the block ends."""
    _install()
    port = _free_port()
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_CLIENT": json.dumps(
            {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uri": redirect_uri}
        ),
        "OIDC_ACCOUNTS": json.dumps(accounts),
    }
    process = subprocess.Popen(
        ["node", "server.mjs"],
        cwd=FOLDER,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        if not line.startswith("ready "):
            raise RuntimeError(f"the OpenID provider did not start: {line!r}")
        issuer = line.split()[1]
        _wait_for(issuer)
        yield RunningProvider(issuer)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_for(issuer: str) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=2).raise_for_status()
            return
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


class _Form(HTMLParser):
    """The first form of a page: its action and its inputs' names and values."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = values.get("action") or ""
        elif tag == "input" and values.get("name"):
            self.fields[values["name"] or ""] = values.get("value") or ""


async def browser_sign_in(authorize_url: str, login: str, stop_at: str) -> str:
    """Open ``authorize_url`` at the provider as ``login`` and go through its login and
    consent pages; the URL it finally sends the browser to (starting with ``stop_at``)."""
    async with httpx.AsyncClient(timeout=10) as browser:
        response = await browser.get(authorize_url)
        for _ in range(12):
            if response.is_redirect:
                target = urljoin(str(response.url), response.headers["location"])
                if target.startswith(stop_at):
                    return target
                response = await browser.get(target)
                continue
            assert response.status_code == 200, response.text[:500]
            form = _Form()
            form.feed(response.text)
            assert form.action is not None, response.text[:500]
            fields = dict(form.fields)
            if "login" in fields:
                fields.update(login=login, password="any-password-the-provider-accepts")
            response = await browser.post(urljoin(str(response.url), form.action), data=fields)
    raise AssertionError("the provider never sent the browser back")
