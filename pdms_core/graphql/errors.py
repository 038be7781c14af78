"""Typed mutation errors, and how unexpected errors are kept from callers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator
from enum import Enum
from typing import Any, TypeVar

import strawberry
from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.extensions import SchemaExtension
from strawberry.types import Info

from pdms_core.audit.recorder import record_change
from pdms_core.errors import ErrorCode, UserError, UserErrors

log = logging.getLogger("pdms.graphql")
T = TypeVar("T")


@strawberry.enum(name="ErrorCode", description="Why a request could not be carried out.")
class ErrorCodeType(Enum):
    VALIDATION = strawberry.enum_value("VALIDATION", description="The input is not acceptable.")
    NOT_FOUND = strawberry.enum_value("NOT_FOUND", description="The record does not exist.")
    CONFLICT = strawberry.enum_value(
        "CONFLICT", description="Someone else changed the record since you read it."
    )
    DUPLICATE = strawberry.enum_value(
        "DUPLICATE", description="A value that must be unique is already taken."
    )
    PERMISSION_DENIED = strawberry.enum_value(
        "PERMISSION_DENIED", description="You lack the permission this needs."
    )
    UNAUTHENTICATED = strawberry.enum_value(
        "UNAUTHENTICATED", description="Sign in (or send an API key) first."
    )
    NOT_ALLOWED = strawberry.enum_value(
        "NOT_ALLOWED",
        description="A rule of the process forbids it now (e.g. closing a case with open "
        "follow-ups).",
    )
    THROTTLED = strawberry.enum_value(
        "THROTTLED", description="Too many attempts or requests; wait and try again."
    )


@strawberry.type(
    name="UserError", description="A problem with the request that the caller can fix."
)
class UserErrorType:
    code: ErrorCodeType = strawberry.field(description="Machine-readable reason.")
    field: str | None = strawberry.field(
        description="The input field at fault (camelCase), or null when it is the request "
        "as a whole."
    )
    message: str = strawberry.field(description="What went wrong, in plain English.")

    @classmethod
    def from_error(cls, error: UserError) -> UserErrorType:
        return cls(code=ErrorCodeType(error.code.value), field=error.field, message=error.message)


async def run_mutation(
    info: Info, action: Callable[[AsyncSession], Awaitable[T]]
) -> tuple[T | None, list[UserErrorType]]:
    """Run ``action`` in the request's unit of work; commit, or return typed errors.

    The unit of work commits before this returns, so the payload resolves from data
    that is already stored.
    """
    context = info.context
    audit = getattr(context, "audit", None)
    try:
        async with context.unit_of_work() as session:
            value = await action(session)
            if audit is not None:  # the change and its audit row commit together
                await record_change(session, context, info.field_name, info.path.key, value)
    except UserErrors as exc:
        _note(info, "rejected")
        return None, [UserErrorType.from_error(e) for e in exc.errors]
    except UserError as exc:
        _note(info, "rejected")
        return None, [UserErrorType.from_error(exc)]
    except BaseException:
        # The row was rolled back with the change: the after-operation batch records
        # the failure instead.
        if audit is not None:
            audit.forget_mutation(info.path.key)
        raise
    return value, []


def _note(info: Info, outcome: str, target: Any = None) -> None:
    """Tell the request's audit trail what this mutation did, and to which record."""
    audit = getattr(info.context, "audit", None)
    if audit is not None:
        audit.note_mutation(info.path.key, outcome, target)


class ErrorPresentation(SchemaExtension):
    """Give expected errors a ``code`` and mask everything unexpected outside debug.

    A :class:`UserError` raised by a query resolver is safe to show and gains
    ``extensions.code``/``field``. Any other exception becomes "Unexpected error." unless
    the server runs in debug mode; it is logged server-side by type only, because
    messages from drivers may contain personal data.
    """

    MASKED_MESSAGE = "Unexpected error."

    def __init__(self, *, debug: bool = False):
        self.debug = debug

    SIGN_IN_MESSAGE = "Sign in (or send an API key) first."

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if errors:
            anonymous = _is_anonymous(self.execution_context.context)
            result.errors = [self._coded(self._present(error), anonymous) for error in errors]

    def _coded(self, error: GraphQLError, anonymous: bool) -> GraphQLError:
        """Every error leaves with a code: a document that did not parse or validate,
        or variables that did not fit, is VALIDATION; a missing permission is
        UNAUTHENTICATED for a caller who sent no credentials at all."""
        code = (error.extensions or {}).get("code")
        if code is None:
            error.extensions = {**(error.extensions or {}), "code": ErrorCode.VALIDATION.value}
        elif code == ErrorCode.PERMISSION_DENIED.value and anonymous:
            return GraphQLError(
                self.SIGN_IN_MESSAGE,
                nodes=error.nodes,
                source=error.source,
                positions=error.positions,
                path=error.path,
                extensions={**error.extensions, "code": ErrorCode.UNAUTHENTICATED.value},
            )
        return error

    def _present(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if original is None or isinstance(original, GraphQLError):
            return error
        if isinstance(original, UserError):
            error.extensions = {
                **(error.extensions or {}),
                "code": original.code.value,
                "field": original.field,
            }
            return error
        if self.debug:
            log.error("unexpected error at %s", error.path, exc_info=original)
            return error
        # Only the type: driver messages can carry personal data from the parameters.
        log.error("unexpected %s at %s", type(original).__name__, error.path)
        return GraphQLError(
            self.MASKED_MESSAGE,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": "INTERNAL"},
        )


class ExtensionFailures(SchemaExtension):
    """Mask an exception raised by another extension (outside debug).

    Strawberry turns such an exception into an error carrying its own message, outside
    the operation where :class:`ErrorPresentation` works: the audit write after a
    query, failing on a database that was never migrated, answered with the SQL text.
    Listed first, this extension's hook is the last to exit, so it sees them all.
    """

    def __init__(self, *, debug: bool = False):
        self.debug = debug

    def on_operation(self) -> Iterator[None]:
        try:
            yield
        except GraphQLError:
            raise
        except Exception as exc:
            # strawberry's own request errors (no query, a mutation over GET) are
            # answered by its view with their status codes; nothing of ours is in them.
            if self.debug or type(exc).__module__.startswith("strawberry."):
                raise
            log.error("unexpected %s in a schema extension", type(exc).__name__)
            raise GraphQLError(
                ErrorPresentation.MASKED_MESSAGE, extensions={"code": "INTERNAL"}
            ) from None


def code_every_error(errors: Any) -> None:
    """Give a code to errors that reach the response without one: a document that did
    not parse is refused before any extension sees the result."""
    for error in errors or ():
        if not (error.extensions or {}).get("code"):
            error.extensions = {**(error.extensions or {}), "code": ErrorCode.VALIDATION.value}


def _is_anonymous(context: Any) -> bool:
    from pdms_core.auth.actor import ActorKind

    actor = getattr(context, "actor", None)
    return actor is not None and actor.kind is ActorKind.ANONYMOUS


def extension_factory(debug: bool) -> Callable[[], Any]:
    """A factory strawberry can call per request."""
    return lambda: ErrorPresentation(debug=debug)
