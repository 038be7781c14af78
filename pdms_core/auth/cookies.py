"""The session and CSRF cookies of a browser sign-in, set alike by the ``login``
mutation (``useCookie``) and by single sign-on's callback."""

from __future__ import annotations

import secrets
from typing import Any

from pdms_core.auth.resolve import CSRF_COOKIE, SESSION_COOKIE
from pdms_core.auth.sessions import SignedIn
from pdms_core.settings import Settings


def set_session_cookies(response: Any, settings: Settings, signed: SignedIn) -> str:
    """Set the HttpOnly session cookie and the readable CSRF cookie; the CSRF token,
    which every request sends back in ``X-CSRF-Token`` (auth/resolve.py)."""
    csrf = secrets.token_urlsafe(32)
    secure = settings.secure_cookies
    max_age = int((signed.session.expires_at - signed.session.created_at).total_seconds())
    response.set_cookie(
        SESSION_COOKIE,
        signed.token,
        max_age=max_age,
        httponly=True,
        secure=secure,
        samesite="strict",
    )
    response.set_cookie(
        CSRF_COOKIE, csrf, max_age=max_age, httponly=False, secure=secure, samesite="strict"
    )
    return csrf
