"""Who reaches which enquiry: one SQL condition, registered as the models' row rule.

Core's loaders apply it to ``node(id:)`` and every by-id load, documents follow their
enquiry's rule, and the module's own lists, search, dashboards, export and module
records add it to their statements with ``restrict``. A caller with
``member_portal.enquiry.read`` and ``.read_all`` council-wide reaches every enquiry
(nobody without ``.read`` reaches any, whatever else they hold); anyone else
reaches the enquiries they raised, those they are an officer on (both kept in
``member_portal_reach``), and, with
``member_portal.enquiry.read_ward``, those raised in their own ward. Internal notes
are seen only by callers who reach every enquiry or are an officer on it.
"""

from __future__ import annotations

from typing import Any

from pdms_core.plugin import Actor, ActorKind, register_row_rule
from sqlalchemy import false, or_, select, union
from sqlalchemy.sql.elements import ColumnElement

from pdms_member_portal.models import Enquiry, Entry, Member, Officer, Reach
from pdms_member_portal.permissions import READ, READ_ALL, READ_WARD


def user_id_of(actor: Actor) -> int | None:
    """The staff user behind a signed-in actor (``user:<id>``), else None."""
    if actor.kind is not ActorKind.USER or not actor.id or not actor.id.startswith("user:"):
        return None
    text = actor.id.removeprefix("user:")
    return int(text) if text.isdigit() else None


def sees_everything(actor: Actor) -> bool:
    return actor.all_permissions or (
        actor.has(READ) and actor.has(READ_ALL) and actor.teams_for(READ_ALL) is None
    )


def _assigned(user_id: int) -> Any:
    return select(Officer.enquiry_id).where(Officer.user_id == user_id)


def _reached(user_id: int) -> Any:
    return select(Reach.enquiry_id).where(Reach.user_id == user_id)


def enquiry_condition(actor: Actor, model: Any = Enquiry) -> ColumnElement[bool] | None:
    """The condition on ``model``'s enquiry id (``Enquiry.id`` or a child's
    ``enquiry_id``) for ``actor``; None when every enquiry is in reach."""
    if sees_everything(actor):
        return None
    user_id = user_id_of(actor)
    if user_id is None or not actor.has(READ):
        return false()
    ids = _reached(user_id)
    if actor.has(READ_WARD):
        own_ward = select(Member.ward_id).where(
            Member.user_id == user_id, Member.ward_id.is_not(None)
        )
        ids = union(ids, select(Enquiry.id).where(Enquiry.ward_id.in_(own_ward)))
    column = Enquiry.id if model is Enquiry else model.enquiry_id
    return column.in_(ids)


def entry_condition(actor: Actor) -> ColumnElement[bool] | None:
    """Entries of reachable enquiries; internal notes only for their officers."""
    if sees_everything(actor):
        return None
    within = enquiry_condition(actor, Entry)
    user_id = user_id_of(actor)
    if user_id is None:
        return false()
    return within & or_(Entry.member_visible.is_(True), Entry.enquiry_id.in_(_assigned(user_id)))


register_row_rule(Enquiry, enquiry_condition)
register_row_rule(Officer, lambda actor: enquiry_condition(actor, Officer))
register_row_rule(Entry, entry_condition)
