"""Which records may hold documents, and who may reach a holder.

Core and modules declare holders with ``pdms_document_holders`` (a
:class:`~pdms_core.records.DocumentHolder` each). Reading a holder follows the rules
``node(id:)`` applies to it, and nothing else: the type's read permission, then the
row-level rule registered for its model (``db/row_rules.py``; a team-scoped grant
reaches only its teams' cases and their demands and activities). Documents inherit
those rules through a row rule of their own (:func:`document_condition`), so every
by-id and by-holder load of a document (``node``, ``Person.documents``, the download
link) answers only what the caller may read, in SQL.

The holders of every host loaded in the process are kept here, by type name, for the
row rule and for callers that have no host at hand (``add_document`` from a module's
service). Loading a host registers its holders; a type name registered twice must
name the same model and permission.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import and_, exists, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from pdms_core.auth.actor import Actor
from pdms_core.db.row_rules import register_row_rule, row_condition, scoped_condition
from pdms_core.documents.models import Document
from pdms_core.errors import NotFound, PermissionDenied, PluginError, ValidationFailed
from pdms_core.records import DocumentHolder

_HOLDERS: dict[str, DocumentHolder] = {}


def register_holders(holders: Iterable[DocumentHolder]) -> None:
    """Remember ``holders`` for the process (see the module docstring)."""
    for holder in holders:
        known = _HOLDERS.get(holder.type_name)
        if known is not None and known != holder:
            raise PluginError(
                f"document holder {holder.type_name!r} is declared with two different "
                f"models or permissions: {known.model.__name__} and {holder.model.__name__}"
            )
        _HOLDERS[holder.type_name] = holder


def known_holders() -> Mapping[str, DocumentHolder]:
    """Every holder registered in this process, by GraphQL type name."""
    return dict(_HOLDERS)


def holder_named(
    type_name: str,
    holders: Mapping[str, DocumentHolder] | None = None,
    *,
    field: str = "holderId",
) -> DocumentHolder:
    """The holder declared for ``type_name``; VALIDATION when that type holds none."""
    holder = (_HOLDERS if holders is None else holders).get(type_name)
    if holder is None:
        raise ValidationFailed(f"A {type_name} cannot hold documents.", field=field)
    return holder


async def check_holder_reach(
    session: AsyncSession,
    actor: Actor,
    holder: DocumentHolder,
    holder_id: int,
    *,
    field: str = "holderId",
    permission: str | None = None,
) -> None:
    """Refuse unless ``actor`` may read this holder, as ``node(id:)`` would decide, and,
    given ``permission`` (the caller's own: ``core.document.upload`` ...), unless that
    permission reaches it too.

    PERMISSION_DENIED without the type's read permission; NOT_FOUND when the row does
    not exist or lies outside the actor's reach (another team's case looks absent). A
    ``permission`` granted only within teams reaches only those teams' records of a
    team-owned type (a case, its demands and activities), as case writes do
    (``cases/visibility.py``), however widely the actor may read.
    """
    if not actor.has(holder.read_permission):
        raise PermissionDenied(f"This needs the permission {holder.read_permission}.", field=field)
    if not await holder_within(session, actor, holder, holder_id, permission):
        raise NotFound(f"There is no such {holder.type_name}.", field=field)


async def holder_within(
    session: AsyncSession,
    actor: Actor,
    holder: DocumentHolder,
    holder_id: int,
    permission: str | None = None,
) -> bool:
    """Whether the holder row exists within ``actor``'s read reach and, given
    ``permission``, within that permission's team scope (see ``db/row_rules.py``)."""
    model = holder.model
    statement = select(model.id).where(model.id == holder_id)
    conditions = [row_condition(model, actor)]
    if permission is not None:
        conditions.append(scoped_condition(model, actor, permission))
    for condition in conditions:
        if condition is not None:
            statement = statement.where(condition)
    return await session.scalar(statement) is not None


def document_condition(actor: Actor) -> ColumnElement[bool] | None:
    """The documents ``actor`` reaches: not deleted, held by a record that exists and
    that they may read.

    The holder must exist: documents name it without a foreign key, so a holder row
    deleted by a path that forgot :func:`~pdms_core.documents.services.documents_removed_with`
    must not leave its documents readable (nor hand them to a later row given the same
    id). A correlated EXISTS reads the holder by primary key, one index probe a row.
    """
    reachable = []
    for holder in _HOLDERS.values():
        if not actor.has(holder.read_permission):
            continue
        model = holder.model
        present = select(model.id).where(model.id == Document.holder_id)
        condition = row_condition(model, actor)
        if condition is not None:
            present = present.where(condition)
        reachable.append(and_(Document.holder_type == holder.type_name, exists(present)))
    return and_(Document.deleted_at.is_(None), or_(*reachable) if reachable else false())


register_row_rule(Document, document_condition)
