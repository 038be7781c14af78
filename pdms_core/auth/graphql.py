"""Sign-in, sign-out, your own sessions and password: root fields and mutations.

``login``, ``requestPasswordReset`` and ``resetPassword`` are the only public
mutations; each must be the only field of its document (see graphql/limits.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from pdms_core.auth import reset, sessions
from pdms_core.auth.cookies import set_session_cookies
from pdms_core.auth.passwords import HashingBusy
from pdms_core.auth.permissions import user_id_of
from pdms_core.auth.resolve import CSRF_COOKIE, SESSION_COOKIE
from pdms_core.auth.types import StaffSessionType, StaffUserNode
from pdms_core.auth.users import get_user
from pdms_core.errors import ValidationFailed
from pdms_core.graphql.arguments import described
from pdms_core.graphql.errors import UserErrorType, run_mutation
from pdms_core.graphql.node import decode_id
from pdms_core.graphql.permissions import Public, SignedIn, mutation_field, query_field


@strawberry.type(description="Result of signing in.")
class LoginPayload:
    token: str | None = strawberry.field(
        description="The session token, shown once: send it as `Authorization: Bearer "
        "<token>`. Null when signing in with a cookie."
    )
    csrf_token: str | None = strawberry.field(
        description="With a cookie: send this in the `X-CSRF-Token` header of every request."
    )
    expires_at: datetime | None = strawberry.field(description="Absolute expiry.")
    user: StaffUserNode | None = strawberry.field(description="Who you are signed in as.")
    errors: list[UserErrorType] = strawberry.field(description="Why you are not signed in.")


@strawberry.type(description="Result of an action that returns nothing but errors.")
class DonePayload:
    ok: bool = strawberry.field(description="True when the action was carried out.")
    errors: list[UserErrorType] = strawberry.field(description="Why nothing was changed.")


@strawberry.input(description="Email address or username, and password.")
class LoginInput:
    email: str | None = strawberry.field(
        default=None, description="Your work email address (or give `username`)."
    )
    username: str | None = strawberry.field(
        default=None, description="Your username, if you have one (or give `email`)."
    )
    password: str = strawberry.field(description="Your password.")
    keep_signed_in: bool = strawberry.field(
        default=False, description="Stay signed in on this device for longer."
    )
    use_cookie: bool = strawberry.field(
        default=False,
        description="For browser portals: set an HttpOnly session cookie instead of "
        "returning the token (CSRF token returned instead).",
    )


#: What a refused sign-in raises; any other error is a fault.
_REFUSALS = (sessions.WrongCredentials, sessions.Throttled, HashingBusy, ValidationFailed)


def _identifier(input: LoginInput) -> str:
    """The email address or username to sign in with: exactly one of them."""
    given = [value for value in (input.email, input.username) if value and value.strip()]
    if len(given) != 1:
        raise ValidationFailed("Give your email address or your username.", field="email")
    # A username never has "@"; one given as a username must not reach the email column.
    if input.username and "@" in input.username:
        raise sessions.WrongCredentials(sessions.WRONG_CREDENTIALS)
    return given[0]


def _done(errors: list[UserErrorType]) -> DonePayload:
    return DonePayload(ok=not errors, errors=errors)


@strawberry.type
class AuthQuery:
    @query_field(description="The signed-in staff user.", permission=SignedIn())
    async def viewer(self, info: Info) -> StaffUserNode | None:
        async with info.context.session() as session:
            return await get_user(session, user_id_of(info.context.actor))

    @query_field(description="Your sessions that have not ended.", permission=SignedIn())
    async def my_sessions(self, info: Info) -> list[StaffSessionType]:
        async with info.context.session() as session:
            return await sessions.own_sessions(session, user_id_of(info.context.actor))


@strawberry.type
class AuthMutation:
    @mutation_field(
        description="Sign in with your email address or username, and password.",
        permission=Public(),
    )
    async def login(
        self, info: Info, input: Annotated[LoginInput, described("Your credentials.")]
    ) -> LoginPayload:
        context = info.context
        request = context.request
        try:
            signed = await sessions.login(
                context.database.sessionmaker,
                context.settings,
                identifier=_identifier(input),
                password=input.password,
                ip=context.client_ip or "unknown",
                user_agent=request.headers.get("user-agent") if request else None,
                keep_signed_in=input.keep_signed_in,
            )
        except _REFUSALS as exc:
            throttled = isinstance(exc, sessions.Throttled | HashingBusy)
            outcome = "throttled" if throttled else "rejected"
            context.audit.note_mutation(info.path.key, outcome)
            return LoginPayload(
                token=None,
                csrf_token=None,
                expires_at=None,
                user=None,
                errors=[UserErrorType.from_error(exc)],
            )
        context.audit.note_mutation(info.path.key, "ok", signed.user)
        expires = signed.session.expires_at
        if not input.use_cookie:
            return LoginPayload(
                token=signed.token, csrf_token=None, expires_at=expires, user=signed.user, errors=[]
            )
        csrf = set_session_cookies(context.response, context.settings, signed)
        return LoginPayload(
            token=None, csrf_token=csrf, expires_at=expires, user=signed.user, errors=[]
        )

    @mutation_field(description="Sign out: end the session of this request.", permission=SignedIn())
    async def logout(self, info: Info) -> DonePayload:
        context = info.context
        user_id, session_id = user_id_of(context.actor), context.session_id
        _, errors = await run_mutation(
            info,
            lambda s: sessions.revoke_session(s, user_id, session_id or -1),
        )
        if context.response is not None:
            context.response.delete_cookie(SESSION_COOKIE)
            context.response.delete_cookie(CSRF_COOKIE)
        return _done(errors)

    @mutation_field(
        description="End one of your sessions (e.g. a lost laptop).", permission=SignedIn()
    )
    async def revoke_my_session(
        self, info: Info, id: Annotated[strawberry.ID, described("The session's global ID.")]
    ) -> DonePayload:
        user_id = user_id_of(info.context.actor)
        _, errors = await run_mutation(
            info,
            lambda s: sessions.revoke_session(s, user_id, decode_id(id, "StaffSession")),
        )
        return _done(errors)

    @mutation_field(
        description="Email a password reset link, if an account has this address. The "
        "answer is the same whether or not one does.",
        permission=Public(),
    )
    async def request_password_reset(
        self, info: Info, email: Annotated[str, described("Your work email address.")]
    ) -> DonePayload:
        context = info.context
        _, errors = await run_mutation(
            info,
            lambda s: reset.request_password_reset(
                s, context.database.sessionmaker, email, context.client_ip or "unknown"
            ),
        )
        return _done(errors)

    @mutation_field(
        description="Choose a new password with a reset link's token; ends every session.",
        permission=Public(),
    )
    async def reset_password(
        self,
        info: Info,
        token: Annotated[str, described("The token from the emailed link.")],
        new_password: Annotated[str, described("12 to 128 characters, not a common one.")],
    ) -> DonePayload:
        context = info.context
        _, errors = await run_mutation(
            info,
            lambda s: reset.reset_password(
                s, context.database.sessionmaker, context.settings, token, new_password
            ),
        )
        return _done(errors)

    @mutation_field(
        description="Change your password, giving the current one; your other sessions end.",
        permission=SignedIn(),
    )
    async def change_password(
        self,
        info: Info,
        current_password: Annotated[str, described("Your current password.")],
        new_password: Annotated[str, described("12 to 128 characters, not a common one.")],
    ) -> DonePayload:
        context = info.context
        _, errors = await run_mutation(
            info,
            lambda s: reset.change_password(
                s,
                context.database.sessionmaker,
                context.settings,
                user_id_of(context.actor),
                current_password=current_password,
                new_password=new_password,
                keep_session_id=context.session_id,
            ),
        )
        return _done(errors)
