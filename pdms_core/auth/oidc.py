"""Single sign-on with OpenID Connect: the authorization code flow with PKCE, state and
nonce, through Authlib (docs/security.md, "Single sign-on").

:func:`begin` keeps what the callback must check (state, nonce, PKCE verifier) in
``oidc_pending``, bound to the browser by a cookie, and sends the browser to the
provider. :func:`finish` takes that row away in a transaction of its own before it
does anything else, so a state (and the code that came with it) works once even when
two callbacks race; then it exchanges the code with the verifier, and Authlib checks
the ID token's signature against the provider's published keys (JWKS), its issuer,
audience, nonce and expiry.

The provider's user becomes a PDMS session only as an existing, active staff user:
found by the (issuer, subject) link made at their first single sign-on, or else by an
email address the provider says it has verified. Nobody is ever created here: a
council decides who is staff, the provider only proves who is at the keyboard.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from authlib.integrations.starlette_client import OAuth, OAuthError
from joserfc.errors import JoseError
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdms_core.auth import throttle
from pdms_core.auth.models import OidcPending, StaffIdentity, StaffUser
from pdms_core.auth.sessions import SignedIn, email_key, open_session
from pdms_core.auth.tokens import aware, digest, now
from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.settings import Settings

log = logging.getLogger("pdms.auth.oidc")

CALLBACK_PATH = "/auth/oidc/callback"
#: Time from leaving for the provider to coming back, password and MFA included.
PENDING_FOR = timedelta(minutes=10)
#: Sign-ins one address may begin per window: each writes a row, before anyone is known.
STARTS_PER_IP = 60
START_WINDOW = timedelta(minutes=5)
#: Seconds to wait for the provider's discovery, token and key endpoints.
PROVIDER_TIMEOUT = 10

NOT_MATCHED = (
    "Single sign-on could not sign you in: your identity provider account does not "
    "match an active PDMS staff user by a verified email address. Ask your PDMS "
    "administrator to check your account."
)
EXPIRED = "This sign-in has expired or was already used. Start signing in again."
NOT_CONFIRMED = "The identity provider did not confirm your sign-in. Start signing in again."
UNAVAILABLE = "Single sign-on is unavailable just now. Try again later."
TOO_MANY = "Too many sign-ins were started from your address. Wait a few minutes."


class SsoRefused(Exception):
    """Why single sign-on stopped: a message safe to show, an HTTP status, and the
    audit outcome."""

    def __init__(self, message: str, status: int, outcome: str = "rejected"):
        super().__init__(message)
        self.message, self.status, self.outcome = message, status, outcome


@dataclass(frozen=True)
class Started:
    """Where to send the browser, and the secret for its binding cookie."""

    url: str
    browser_secret: str


def redirect_url(settings: Settings) -> str:
    return settings.oidc_redirect_url or settings.public_url.rstrip("/") + CALLBACK_PATH


def landing_url(settings: Settings) -> str:
    return settings.oidc_landing_url or settings.public_url.rstrip("/") + "/"


class Provider:
    """The configured provider, through Authlib; its discovery document and keys are
    fetched on first use and kept (keys are fetched again for an unknown key id)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        issuer = settings.oidc_issuer or ""
        self.client = OAuth().register(
            name="pdms",
            client_id=settings.oidc_client_id,
            client_secret=settings.oidc_client_secret,
            server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={
                "scope": settings.oidc_scopes,
                "code_challenge_method": "S256",
                "timeout": PROVIDER_TIMEOUT,
            },
        )

    async def metadata(self) -> dict[str, Any]:
        try:
            metadata = await self.client.load_server_metadata()
        except Exception as exc:  # network, HTTP status or JSON: all mean "not now"
            log.warning("OIDC discovery failed: %s", type(exc).__name__)
            self.client.server_metadata.pop("_loaded_at", None)
            raise SsoRefused(UNAVAILABLE, 503, "failed") from None
        # OpenID Connect Discovery 1.0 §4.3: the document must name the issuer we were
        # configured with, or tokens from another issuer could pass as this one's.
        if metadata.get("issuer") != self.settings.oidc_issuer:
            log.error("OIDC discovery names another issuer than PDMS_OIDC_ISSUER")
            self.client.server_metadata.clear()
            raise SsoRefused(UNAVAILABLE, 503, "failed")
        return metadata


async def begin(
    sessionmaker: async_sessionmaker[AsyncSession],
    provider: Provider,
    *,
    ip: str,
    keep_signed_in: bool,
) -> Started:
    """Record a new sign-in and build the provider's authorization URL."""
    if not await throttle.take(
        sessionmaker, [throttle.Limit(f"oidc:ip:{ip}", STARTS_PER_IP, START_WINDOW)]
    ):
        raise SsoRefused(TOO_MANY, 429, "throttled")
    await provider.metadata()
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    # Authlib makes the PKCE verifier (S256 challenge) and puts state and nonce in the URL.
    made = await provider.client.create_authorization_url(
        redirect_url(provider.settings), state=state, nonce=nonce
    )
    browser = secrets.token_urlsafe(32)
    async with unit_of_work(sessionmaker) as session:
        await session.execute(delete(OidcPending).where(OidcPending.expires_at < now()))
        session.add(
            OidcPending(
                state_hash=digest(state),
                browser_hash=digest(browser),
                nonce=nonce,
                code_verifier=made["code_verifier"],
                keep_signed_in=keep_signed_in,
                expires_at=now() + PENDING_FOR,
            )
        )
    return Started(made["url"], browser)


async def finish(
    sessionmaker: async_sessionmaker[AsyncSession],
    provider: Provider,
    *,
    params: dict[str, str],
    browser_secret: str | None,
    ip: str,
    user_agent: str | None,
) -> SignedIn:
    """Check the provider's answer and open a session for the matching staff user."""
    pending = await _take_pending(sessionmaker, params.get("state"), browser_secret)
    settings = provider.settings
    metadata = await provider.metadata()
    # RFC 9207: where the provider names itself in the answer, it must be ours.
    if "iss" in params and params["iss"] != metadata["issuer"]:
        raise SsoRefused(NOT_CONFIRMED, 400)
    if "error" in params or not params.get("code"):
        raise SsoRefused(NOT_CONFIRMED, 400)
    claims = await _verified_claims(provider, params["code"], pending)
    async with unit_of_work(sessionmaker) as session:
        user = await _match(session, metadata["issuer"], claims)
        return await open_session(
            session,
            settings,
            user,
            ip=ip,
            user_agent=user_agent,
            keep_signed_in=pending.keep_signed_in,
        )


async def _take_pending(
    sessionmaker: async_sessionmaker[AsyncSession], state: str | None, browser: str | None
) -> Any:
    if not state or not browser or len(state) > 200 or len(browser) > 200:
        raise SsoRefused(EXPIRED, 400)
    table = OidcPending.__table__
    async with sessionmaker() as session, session.begin():
        # Deleted and read in one statement: of two callbacks with one state, one wins.
        row = (
            await session.execute(
                delete(table).where(table.c.state_hash == digest(state)).returning(*table.c)
            )
        ).first()
    if (
        row is None
        or aware(row.expires_at) <= now()
        or not hmac.compare_digest(row.browser_hash, digest(browser))
    ):
        raise SsoRefused(EXPIRED, 400)
    return row


async def _verified_claims(provider: Provider, code: str, pending: Any) -> dict[str, Any]:
    client = provider.client
    try:
        token = await client.fetch_access_token(
            redirect_uri=redirect_url(provider.settings),
            code=code,
            code_verifier=pending.code_verifier,
        )
        # Signature (the provider's JWKS), iss, aud, exp, iat, nonce and at_hash.
        claims = dict(await client.parse_id_token(token, nonce=pending.nonce))
        if "email" not in claims or "email_verified" not in claims:
            # Providers that follow OpenID Connect Core §5.4 strictly give the email
            # claims from the userinfo endpoint only, for the access token.
            info = await client.userinfo(token=token)
            if info.get("sub") != claims.get("sub"):
                raise SsoRefused(NOT_CONFIRMED, 400)
            claims.update({k: info[k] for k in ("email", "email_verified") if k in info})
    except OAuthError as exc:  # the provider refused the code (used, expired, PKCE)
        log.info("OIDC token request refused: %s", exc.error)
        raise SsoRefused(NOT_CONFIRMED, 400) from None
    except (JoseError, ValueError, KeyError) as exc:
        log.warning("OIDC ID token refused: %s", type(exc).__name__)
        raise SsoRefused(NOT_CONFIRMED, 400) from None
    except SsoRefused:
        raise
    except Exception as exc:  # network and HTTP errors reaching the provider
        log.warning("OIDC provider unreachable: %s", type(exc).__name__)
        raise SsoRefused(UNAVAILABLE, 503, "failed") from None
    return claims


async def _match(session: AsyncSession, issuer: str, claims: dict[str, Any]) -> StaffUser:
    """The active staff user this provider account is; SsoRefused otherwise (one
    message for every reason, so the answer never tells whether an address is staff)."""
    subject = str(claims.get("sub") or "")
    if not subject or len(subject) > 255:
        raise SsoRefused(NOT_CONFIRMED, 400)
    link = await session.scalar(
        select(StaffIdentity).where(
            StaffIdentity.issuer == issuer, StaffIdentity.subject == subject
        )
    )
    if link is None:
        email = claims.get("email")
        # Only a JSON true: some providers send the string "false".
        if claims.get("email_verified") is not True or not isinstance(email, str):
            raise SsoRefused(NOT_MATCHED, 403)
        found = select(StaffUser).where(StaffUser.email_key == email_key(email))
        user = await session.scalar(found)
        if user is None or not user.is_active:
            raise SsoRefused(NOT_MATCHED, 403)
        if await session.scalar(
            select(StaffIdentity.id).where(
                StaffIdentity.issuer == issuer, StaffIdentity.user_id == user.id
            )
        ):
            # The address now belongs to another account at the provider (a reused
            # mailbox, say): the link made first stands until an administrator ends it.
            log.warning("OIDC: staff user %s is linked to another subject", user.id)
            raise SsoRefused(NOT_MATCHED, 403)
        link = StaffIdentity(
            issuer=issuer, subject=subject, user_id=user.id, created_at=now(), last_used_at=now()
        )
        session.add(link)
    else:
        user = await session.get(StaffUser, link.user_id)
        if user is None or not user.is_active:
            raise SsoRefused(NOT_MATCHED, 403)
        link.last_used_at = now()
    await session.flush()
    return user
