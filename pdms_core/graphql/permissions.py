"""Declarative permissions on fields and mutations; deny by default.

Every root field and mutation is built with :func:`query_field` or :func:`mutation_field`,
which attach exactly one permission rule and append it to the field's description, so
the SDL documents who may call what. A test walks the schema and fails on any root
field without a rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types import Info

from pdms_core.errors import ErrorCode


class PermissionRule(BasePermission):
    """Base for PDMS permission rules, raising a PERMISSION_DENIED error."""

    error_class = GraphQLError
    error_extensions = {"code": ErrorCode.PERMISSION_DENIED.value}

    def describe(self) -> str:
        raise NotImplementedError


class Requires(PermissionRule):
    """The caller must hold the permission ``code``."""

    def __init__(self, code: str):
        self.code = code
        self.message = f"This needs the permission {code}."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return info.context.actor.has(self.code)

    def describe(self) -> str:
        return f"Requires the permission `{self.code}`."


class Public(PermissionRule):
    """Anyone may call this field, signed in or not. Use sparingly, on purpose."""

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return True

    def describe(self) -> str:
        return "Public: no permission needed."


class SignedIn(PermissionRule):
    """Any signed-in staff user (their own account and sessions); not API keys."""

    message = "Sign in first."
    error_extensions = {"code": ErrorCode.UNAUTHENTICATED.value}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        from pdms_core.auth.actor import ActorKind

        return info.context.actor.kind is ActorKind.USER

    def describe(self) -> str:
        return "Signed-in staff users only."


class PerNodeType(PermissionRule):
    """The resolver checks the read permission of whatever type it returns."""

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return True

    def describe(self) -> str:
        return "Each node type requires its own read permission."


def _guarded(
    permission: str | PermissionRule, description: str, *inner: FieldExtension
) -> dict[str, Any]:
    """Description and extension arguments that attach exactly one permission rule.

    ``inner`` extensions run inside the permission check (strawberry makes the last
    extension the outermost), so they never run for a refused caller.
    """
    rule = Requires(permission) if isinstance(permission, str) else permission
    return {
        "description": f"{description} {rule.describe()}",
        "extensions": [*inner, PermissionExtension(permissions=[rule], use_directives=False)],
    }


def permission_of(field: Any) -> PermissionRule | None:
    """The PDMS rule attached to a strawberry field, if any."""
    for extension in field.extensions:
        if isinstance(extension, PermissionExtension):
            for permission in extension.permissions:
                if isinstance(permission, PermissionRule):
                    return permission
    return None


def query_field(
    *, description: str, permission: str | PermissionRule, **kwargs: Any
) -> Callable[[Callable[..., Any]], Any]:
    """Decorate a root query resolver with its description and permission.

    Its value is completed from a plan, or loaded ahead level by level
    (``graphql/planned.py``).
    """
    return strawberry.field(**_guarded(permission, description), **kwargs)


def mutation_field(
    *, description: str, permission: str | PermissionRule, **kwargs: Any
) -> Callable[[Callable[..., Any]], Any]:
    """Decorate a root mutation resolver with its description and permission."""
    return strawberry.mutation(**_guarded(permission, description), **kwargs)
