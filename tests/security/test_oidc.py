"""Single sign-on (OpenID Connect) against a real provider on loopback: the browser's
whole journey through PDMS's routes and the provider's own login and consent pages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import select, update

from pdms_core.app import create_app
from pdms_core.audit.models import AuditEvent
from pdms_core.auth import oidc
from pdms_core.auth.models import OidcPending, StaffIdentity, StaffSession, StaffUser
from pdms_core.auth.resolve import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE
from pdms_core.auth.tokens import now
from pdms_core.host import PluginHost
from security.oidc_server import (
    CLIENT_ID,
    CLIENT_SECRET,
    RunningProvider,
    browser_sign_in,
    node_missing,
    oidc_provider,
)

PDMS = "http://pdms.test"
CALLBACK = PDMS + oidc.CALLBACK_PATH
VIEWER = {"query": "{ viewer { email } }"}
ACCOUNTS = {
    "ada": {"email": "Ada.Sso@council.invalid", "email_verified": True, "name": "Ada Sso"},
    "una": {"email": "una@council.invalid", "email_verified": False, "name": "Una Checked"},
    "nobody": {"email": "nobody@council.invalid", "email_verified": True, "name": "No Staff"},
    "dormant": {"email": "dormant@council.invalid", "email_verified": True, "name": "Dor Mant"},
}

pytestmark = pytest.mark.skipif(node_missing() is not None, reason=node_missing() or "")


@pytest.fixture(scope="module")
def provider() -> Iterator[RunningProvider]:
    with oidc_provider(CALLBACK, ACCOUNTS) as running:
        yield running


def browser_on(staff_users: Any, pdms_host: PluginHost, issuer: str) -> httpx.AsyncClient:
    """A browser on PDMS (the app in process) with single sign-on through ``issuer``."""
    settings = pdms_host.settings.with_changes(
        oidc_enabled=True,
        oidc_issuer=issuer,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
        oidc_redirect_url=CALLBACK,
        public_url=PDMS,
        secure_cookies=False,
    )
    host = PluginHost(settings, pdms_host.plugins, pdms_host.installed, pdms_host.pm)
    app = create_app(host=host, database=staff_users.database)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PDMS)


@pytest.fixture
async def browser(
    provider: RunningProvider, staff_users: Any, pdms_host: PluginHost
) -> AsyncIterator[httpx.AsyncClient]:
    async with browser_on(staff_users, pdms_host, provider.issuer) as client:
        yield client


async def start(browser: httpx.AsyncClient) -> str:
    response = await browser.get("/auth/oidc/start")
    assert response.status_code == 302
    return response.headers["location"]


async def provider_answer(browser: httpx.AsyncClient, login: str) -> str:
    """Start at PDMS and sign in at the provider: the callback URL it sends back."""
    return await browser_sign_in(await start(browser), login, stop_at=CALLBACK)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def audit_rows(database: Any) -> list[tuple[str, str, str | None, str | None]]:
    async with database.sessionmaker() as session:
        rows = await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "oidcLogin").order_by(AuditEvent.id)
        )
        return [(r.outcome, r.actor_id or "", r.target_type, r.target_id) for r in rows]


async def test_a_staff_user_signs_in_through_the_provider(browser, staff_users, provider):
    user_id = await staff_users.user("ada.sso@council.invalid")
    # starting sends the browser to the provider with PKCE, state and nonce
    authorize = await start(browser)
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(provider.issuer)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    assert query["state"] and query["nonce"] and query["client_id"] == [CLIENT_ID]
    assert "openid" in query["scope"][0].split()
    # the user signs in at the provider, which sends them back with a code
    answer = await browser_sign_in(authorize, "ada", stop_at=CALLBACK)
    back = await browser.get(path_of(answer))
    # then PDMS opens a session the way `login` does for a browser, and lands them home
    assert back.status_code == 303 and back.headers["location"] == PDMS + "/"
    assert browser.cookies.get(SESSION_COOKIE, path="/")
    csrf = browser.cookies.get(CSRF_COOKIE, path="/")
    viewer = await browser.post("/graphql", json=VIEWER, headers={CSRF_HEADER: csrf})
    assert viewer.json() == {"data": {"viewer": {"email": "ada.sso@council.invalid"}}}
    # the sign-in is the user's act in the audit trail, as a password sign-in is
    assert await audit_rows(staff_users.database) == [
        ("ok", f"user:{user_id}", "StaffUser", str(user_id))
    ]
    # and the provider account is linked to the staff user, once
    second = await provider_answer(browser, "ada")
    assert (await browser.get(path_of(second))).status_code == 303
    async with staff_users.database.sessionmaker() as session:
        links = (await session.execute(select(StaffIdentity.issuer, StaffIdentity.user_id))).all()
    assert links == [(provider.issuer, user_id)]


@pytest.mark.parametrize("login", ["nobody", "una", "dormant"])
async def test_unknown_unverified_or_inactive_emails_are_refused_alike(browser, staff_users, login):
    # una@ is a staff user, but the provider has not verified that address for her
    await staff_users.user("una@council.invalid")
    dormant = await staff_users.user("dormant@council.invalid")
    async with staff_users.database.sessionmaker() as session, session.begin():
        await session.execute(
            update(StaffUser).where(StaffUser.id == dormant).values(is_active=False)
        )
    back = await browser.get(path_of(await provider_answer(browser, login)))
    assert back.status_code == 403
    assert back.text == oidc.NOT_MATCHED  # the same words whatever the reason
    assert SESSION_COOKIE not in back.headers.get("set-cookie", "")
    assert await audit_rows(staff_users.database) == [("rejected", "", None, None)]
    async with staff_users.database.sessionmaker() as session:
        assert await session.scalar(select(StaffIdentity.id)) is None


async def test_a_wrong_state_or_another_browser_is_refused(browser, staff_users):
    await staff_users.user("ada.sso@council.invalid")
    answer = await provider_answer(browser, "ada")
    forged = answer.replace("state=", "state=x", 1)
    refused = await browser.get(path_of(forged))
    assert (refused.status_code, refused.text) == (400, oidc.EXPIRED)
    # the real answer in a browser that did not start the sign-in (no binding cookie)
    answer = await provider_answer(browser, "ada")
    browser.cookies.clear()
    refused = await browser.get(path_of(answer))
    assert (refused.status_code, refused.text) == (400, oidc.EXPIRED)
    viewer = await browser.post("/graphql", json=VIEWER)
    assert viewer.json()["data"] is None or viewer.json()["data"]["viewer"] is None


async def test_a_code_works_once(browser, staff_users):
    await staff_users.user("ada.sso@council.invalid")
    answer = await provider_answer(browser, "ada")
    assert (await browser.get(path_of(answer))).status_code == 303
    # the same answer again: its state was used up
    replayed = await browser.get(path_of(answer))
    assert (replayed.status_code, replayed.text) == (400, oidc.EXPIRED)
    # the used code under a fresh, valid state: the provider refuses it
    fresh = parse_qs(urlsplit(await start(browser)).query)["state"][0]
    code = parse_qs(urlsplit(answer).query)["code"][0]
    reused = await browser.get(oidc.CALLBACK_PATH, params={"code": code, "state": fresh})
    assert (reused.status_code, reused.text) == (400, oidc.NOT_CONFIRMED)
    outcomes = [row[0] for row in await audit_rows(staff_users.database)]
    assert outcomes == ["ok", "rejected", "rejected"]


async def test_single_sign_on_is_off_unless_enabled(graphql):
    transport = httpx.ASGITransport(app=graphql.app)
    async with httpx.AsyncClient(transport=transport, base_url=PDMS) as client:
        assert (await client.get("/auth/oidc/start")).status_code == 404


async def test_an_id_token_for_another_nonce_is_refused(browser, staff_users):
    await staff_users.user("ada.sso@council.invalid")
    answer = await provider_answer(browser, "ada")
    # as if the token had been minted for another sign-in: its nonce is not this one's
    async with staff_users.database.sessionmaker() as session, session.begin():
        await session.execute(update(OidcPending).values(nonce="another-sign-ins-nonce"))
    refused = await browser.get(path_of(answer))
    assert (refused.status_code, refused.text) == (400, oidc.NOT_CONFIRMED)
    assert SESSION_COOKIE not in refused.headers.get("set-cookie", "")


async def test_a_sign_in_left_too_long_is_refused(browser, staff_users):
    await staff_users.user("ada.sso@council.invalid")
    answer = await provider_answer(browser, "ada")
    async with staff_users.database.sessionmaker() as session, session.begin():
        await session.execute(update(OidcPending).values(expires_at=now()))
    refused = await browser.get(path_of(answer))
    assert (refused.status_code, refused.text) == (400, oidc.EXPIRED)


async def test_keep_signed_in_gives_a_long_session(browser, staff_users):
    await staff_users.user("ada.sso@council.invalid")
    authorize = (await browser.get("/auth/oidc/start?keep_signed_in=1")).headers["location"]
    answer = await browser_sign_in(authorize, "ada", stop_at=CALLBACK)
    assert (await browser.get(path_of(answer))).status_code == 303
    async with staff_users.database.sessionmaker() as session:
        assert await session.scalar(select(StaffSession.persistent)) is True


async def test_a_provider_that_names_another_issuer_is_not_used(provider, staff_users, pdms_host):
    # configured with a trailing slash the provider's discovery does not have
    async with browser_on(staff_users, pdms_host, provider.issuer + "/") as client:
        refused = await client.get("/auth/oidc/start")
    assert (refused.status_code, refused.text) == (503, oidc.UNAVAILABLE)
    async with staff_users.database.sessionmaker() as session:
        assert await session.scalar(select(OidcPending.state_hash)) is None
