"""Writing an enquiry's history lines and reading enquiries within the caller's reach."""

from __future__ import annotations

from datetime import datetime

from pdms_core.plugin import Actor, NotFound, restrict
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_member_portal.models import Enquiry, Entry


def record(
    session: AsyncSession,
    actor: Actor,
    enquiry: Enquiry,
    kind: str,
    *,
    at: datetime,
    text: str = "",
    member_visible: bool = True,
) -> Entry:
    entry = Entry(
        enquiry_id=enquiry.id,
        at=at,
        kind=kind,
        member_visible=member_visible,
        actor_name=(actor.display_name or actor.id or "")[:200],
        text=text,
    )
    session.add(entry)
    enquiry.updated_at = at
    return entry


async def get_enquiry(
    session: AsyncSession, actor: Actor, enquiry_id: int, *, field: str = "id"
) -> Enquiry:
    """The enquiry, if the caller reaches it: one out of reach looks absent."""
    statement = restrict(select(Enquiry).where(Enquiry.id == enquiry_id), Enquiry, actor)
    enquiry = await session.scalar(statement.execution_options(populate_existing=True))
    if enquiry is None:
        raise NotFound("There is no such enquiry.", field=field)
    return enquiry
