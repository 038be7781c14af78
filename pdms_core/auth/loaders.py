"""Loaders for staff users' roles and roles' permissions (one query per batch)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.auth.models import RolePermission, UserRole
from pdms_core.db.loaders import SessionLoader, group_by


class RoleGrantsByUserLoader(SessionLoader[int, list[Any]]):
    missing: Any = []

    async def load_many_from(self, session: AsyncSession, keys: Sequence[int]) -> Mapping:
        rows = await session.scalars(
            select(UserRole).where(UserRole.user_id.in_(keys)).order_by(UserRole.id)
        )
        return group_by(rows, "user_id")


class PermissionsByRoleLoader(SessionLoader[int, list[str]]):
    missing: Any = []

    async def load_many_from(self, session: AsyncSession, keys: Sequence[int]) -> Mapping:
        rows = await session.execute(
            select(RolePermission.role_id, RolePermission.permission)
            .where(RolePermission.role_id.in_(keys))
            .order_by(RolePermission.permission)
        )
        found: dict[int, list[str]] = {}
        for role_id, code in rows:
            found.setdefault(role_id, []).append(code)
        return found
