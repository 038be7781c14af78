"""Errors that carry a user-facing meaning.

Services raise these; the GraphQL layer turns them into typed payload errors (for
mutations) or unmasked GraphQL errors (for queries), and the CLI prints them as one
line. Their messages never contain personal data: they name fields and codes only.
"""

from __future__ import annotations

from enum import Enum


class ErrorCode(Enum):
    """Machine-readable reasons a request could not be carried out."""

    VALIDATION = "VALIDATION"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    DUPLICATE = "DUPLICATE"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    NOT_ALLOWED = "NOT_ALLOWED"
    THROTTLED = "THROTTLED"


class PdmsError(Exception):
    """Base for every error PDMS raises on purpose (configuration, plugins, input)."""


class ConfigurationError(PdmsError):
    """Settings or installed plugins are inconsistent; raised at startup."""


class PluginError(ConfigurationError):
    """A plugin broke a host rule (names, prefixes, duplicates); names both sides."""


class UserError(PdmsError):
    """A request that cannot be done as asked; safe to show to the caller."""

    code: ErrorCode = ErrorCode.VALIDATION

    def __init__(self, message: str, *, field: str | None = None, code: ErrorCode | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code


class ValidationFailed(UserError):
    """Input did not pass validation."""

    code = ErrorCode.VALIDATION


class NotFound(UserError):
    """The record does not exist, or the caller may not know that it does."""

    code = ErrorCode.NOT_FOUND


class Conflict(UserError):
    """Someone else changed the record since the caller read it (optimistic locking)."""

    code = ErrorCode.CONFLICT


class Duplicate(UserError):
    """A value that must be unique is already taken."""

    code = ErrorCode.DUPLICATE


class PermissionDenied(UserError):
    """The caller lacks the permission the operation declares."""

    code = ErrorCode.PERMISSION_DENIED


class NotAllowed(UserError):
    """A rule of the process forbids the change in the record's current state."""

    code = ErrorCode.NOT_ALLOWED


class UserErrors(PdmsError):
    """Several input problems found at once, reported together."""

    def __init__(self, errors: list[UserError]):
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors
