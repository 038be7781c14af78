"""HTTP routes of single sign-on (auth/oidc.py), mounted only when it is enabled:

- ``GET /auth/oidc/start`` (``?keep_signed_in=1`` to stay signed in longer) sends the
  browser to the provider, with a cookie that binds the sign-in to this browser;
- ``GET /auth/oidc/callback`` is where the provider sends it back: on success it sets
  the same session and CSRF cookies as ``login`` with ``useCookie`` and redirects to
  the landing page; otherwise it answers with a plain message and nothing set.

Both are audited as ``oidcLogin`` (the start only when refused).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from pdms_core.audit.routes import audit_request
from pdms_core.auth import oidc
from pdms_core.auth.actor import ANONYMOUS
from pdms_core.auth.cookies import set_session_cookies
from pdms_core.auth.permissions import actor_for_user
from pdms_core.auth.resolve import client_ip

BINDING_COOKIE = "pdms_oidc"
ACTION = "oidcLogin"


def oidc_routes(settings: Any, database: Any) -> list[Route]:
    """The two routes, or none while single sign-on is off."""
    if not settings.oidc_enabled:
        return []
    provider = oidc.Provider(settings)

    async def start(request: Request) -> Response:
        ip = client_ip(request)
        keep = request.query_params.get("keep_signed_in") in ("1", "true")
        try:
            started = await oidc.begin(database.sessionmaker, provider, ip=ip, keep_signed_in=keep)
        except oidc.SsoRefused as refused:
            await audit_request(database, ANONYMOUS, ip, ACTION, refused.outcome)
            return PlainTextResponse(refused.message, status_code=refused.status)
        response = RedirectResponse(started.url, status_code=302)
        # Lax, not Strict: the provider's redirect back is a cross-site navigation,
        # which must carry it. Scoped to the callback's path and gone after the window.
        response.set_cookie(
            BINDING_COOKIE,
            started.browser_secret,
            max_age=int(oidc.PENDING_FOR.total_seconds()),
            path=oidc.CALLBACK_PATH,
            httponly=True,
            secure=settings.secure_cookies,
            samesite="lax",
        )
        return response

    async def callback(request: Request) -> Response:
        ip = client_ip(request)
        try:
            signed = await oidc.finish(
                database.sessionmaker,
                provider,
                params=dict(request.query_params),
                browser_secret=request.cookies.get(BINDING_COOKIE),
                ip=ip,
                user_agent=request.headers.get("user-agent"),
            )
        except oidc.SsoRefused as refused:
            await audit_request(database, ANONYMOUS, ip, ACTION, refused.outcome)
            response: Response = PlainTextResponse(refused.message, status_code=refused.status)
        else:
            user = signed.user
            actor = actor_for_user(user.id, user.display_name, ())
            await audit_request(database, actor, ip, ACTION, "ok", [("StaffUser", str(user.id))])
            response = RedirectResponse(oidc.landing_url(settings), status_code=303)
            set_session_cookies(response, settings, signed)
        response.delete_cookie(BINDING_COOKIE, path=oidc.CALLBACK_PATH)
        return response

    return [
        Route("/auth/oidc/start", start, methods=["GET"]),
        Route(oidc.CALLBACK_PATH, callback, methods=["GET"]),
    ]
