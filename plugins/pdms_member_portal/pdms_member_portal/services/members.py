"""Elected members: staff users flagged as members, with their ward and contact."""

from __future__ import annotations

from dataclasses import dataclass

from pdms_core.plugin import (
    Actor,
    NotFound,
    PermissionDenied,
    UserErrors,
    ValidationFailed,
    core_tables,
    expect_version,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_member_portal.access import user_id_of
from pdms_member_portal.lists import WARD
from pdms_member_portal.models import CONTACT_METHODS, Member
from pdms_member_portal.services.codes import value

STAFF = core_tables.staff_user


@dataclass
class MemberFields:
    user_id: int
    email: str
    ward_code: str | None = None
    phone: str = ""
    contact_method: str = "email"
    is_active: bool = True
    expected_version: int | None = None


def check_contact_method(method: str, field: str = "contactMethod") -> str:
    method = (method or "").strip()
    if method not in CONTACT_METHODS:
        raise ValidationFailed(
            f"The contact method is one of {', '.join(CONTACT_METHODS)}.", field=field
        )
    return method


async def set_member(session: AsyncSession, actor: Actor, fields: MemberFields) -> Member:
    """Flag a staff user as an elected member, or change their ward and contact."""
    if await session.scalar(select(STAFF.c.id).where(STAFF.c.id == fields.user_id)) is None:
        raise NotFound("There is no such staff user.", field="userId")
    errors = []
    email = (fields.email or "").strip()
    if "@" not in email or len(email) > 320 or " " in email:
        errors.append(ValidationFailed("Enter the member's email address.", field="email"))
    phone = (fields.phone or "").strip()
    if len(phone) > 40:
        errors.append(ValidationFailed("At most 40 characters.", field="phone"))
    try:
        method = check_contact_method(fields.contact_method)
    except ValidationFailed as error:
        errors.append(error)
        method = "email"
    if errors:
        raise UserErrors(errors)
    ward = None
    if fields.ward_code:
        ward = await value(session, WARD, fields.ward_code, field="wardCode", what="ward")
    member = await session.scalar(
        select(Member)
        .where(Member.user_id == fields.user_id)
        .execution_options(populate_existing=True)
    )
    if member is None:
        member = Member(user_id=fields.user_id)
        session.add(member)
    else:
        expect_version(member, fields.expected_version)
    member.email, member.phone, member.contact_method = email, phone, method
    member.ward_id = ward.id if ward else None
    member.is_active = fields.is_active
    await session.flush()
    return member


async def member_of(session: AsyncSession, actor: Actor) -> Member:
    """The caller's own active member record; only elected members raise enquiries."""
    user_id = user_id_of(actor)
    member = None
    if user_id is not None:
        member = await session.scalar(select(Member).where(Member.user_id == user_id))
    if member is None or not member.is_active:
        raise PermissionDenied("Only an elected member can do this.", field="member")
    return member
