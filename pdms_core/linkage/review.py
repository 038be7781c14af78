"""Reviewing proposed duplicates: listing them and deciding "not a duplicate"."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Integer, cast, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.auth.actor import Actor
from pdms_core.db.search_page import SearchPage, ranked_page
from pdms_core.errors import Conflict, NotFound, ValidationFailed
from pdms_core.linkage.models import NOT_DUPLICATE, OPEN, STATUSES, DuplicateReview

#: Ranks by match weight, to a thousandth (cursors carry whole numbers).
_SCORE = cast(DuplicateReview.match_weight * 1000, Integer)


async def list_reviews(
    session: AsyncSession, status: str, *, first: int, after: str | None
) -> SearchPage[DuplicateReview]:
    """Review items in ``status``, most likely duplicates first."""
    if status not in STATUSES:
        raise ValidationFailed(f"Status is one of {', '.join(STATUSES)}.", field="status")
    statement = select(DuplicateReview).where(DuplicateReview.status == status)
    return await ranked_page(
        session, statement, _SCORE, DuplicateReview.id, first=first, after=after
    )


async def decide_not_duplicate(
    session: AsyncSession, actor: Actor, review_id: int
) -> DuplicateReview:
    """Record that the pair are two people: the item closes and the pair is never
    proposed again (the job skips decided pairs)."""
    review = await session.get(DuplicateReview, review_id, with_for_update=True)
    if review is None:
        raise NotFound("There is no such review item.", field="id")
    if review.status != OPEN:
        raise Conflict("This pair has already been decided.", field="id")
    review.status = NOT_DUPLICATE
    review.decided_at = datetime.now(UTC)
    review.decided_by = actor.display_name or actor.id or "unknown"
    await session.flush()
    return review


def explanation_steps(review: Any) -> list[dict[str, Any]]:
    return list(review.explanation or [])
