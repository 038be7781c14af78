"""One unit of work per mutation: commit before the payload resolves, or roll back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from pdms_core.errors import Conflict, Duplicate, NotFound


@asynccontextmanager
async def unit_of_work(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """A session inside one transaction, committed when the block ends cleanly.

    A stale optimistic-lock write becomes :class:`Conflict`; a unique-constraint
    violation that slipped past validation (a race) becomes :class:`Duplicate`.
    Either way nothing is written.
    """
    async with sessionmaker() as session:
        try:
            async with session.begin():
                yield session
        except StaleDataError:
            raise Conflict(
                "The record was changed by someone else; reload it and try again."
            ) from None
        except IntegrityError as exc:
            if _is_unique_violation(exc):
                raise Duplicate("A record with the same unique value already exists.") from None
            raise


def _is_unique_violation(exc: IntegrityError) -> bool:
    text = str(exc.orig).lower()
    return "unique" in text or "duplicate key" in text


def expect_version(record: object, expected: int | None, *, field: str = "expectedVersion") -> None:
    """Refuse to edit ``record`` when the caller's copy is older than the stored one."""
    if expected is not None and record.version != expected:
        raise Conflict(
            "The record was changed by someone else; reload it and try again.", field=field
        )


async def claim_version(
    session: AsyncSession,
    model: Any,
    row_id: int,
    expected: int,
    *,
    field: str = "expectedVersion",
    noun: str = "record",
) -> None:
    """Bump an aggregate's version when one of its child records changes.

    Editing a person's contact details does not update the person row itself, so the
    ORM's version counter would not notice two officers editing the same person. This
    claims the version explicitly: exactly one writer holding ``expected`` succeeds.
    """
    result = await session.execute(
        update(model)
        .where(model.id == row_id, model.version == expected)
        .values(version=model.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        return
    if await session.scalar(select(model.id).where(model.id == row_id)) is None:
        raise NotFound(f"There is no such {noun}.", field=field.replace("expectedVersion", "id"))
    raise Conflict("The record was changed by someone else; reload it and try again.", field=field)
