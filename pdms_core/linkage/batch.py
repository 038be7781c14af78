"""The duplicate people job: read everyone, train or reuse the model, store review items.

Splink runs in a worker thread (it is synchronous); the database is read and written
through the normal async sessions. A pair already decided "not a duplicate", or merged,
is never proposed again; an open one is re-scored with the newest model.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.db.engine import Database
from pdms_core.linkage import splink_job
from pdms_core.linkage.features import load_rows
from pdms_core.linkage.models import MERGED, OPEN, DuplicateModel, DuplicateReview
from pdms_core.linkage.scoring import Weights, explain, level_index
from pdms_core.linkage.spec import COMPARISONS
from pdms_core.people.models import Person

#: Fewer people than this cannot train a model (EM needs pairs in every block).
MINIMUM_PEOPLE = 50


@dataclass(frozen=True)
class JobSummary:
    people: int
    model_id: int | None
    trained: bool
    pairs: int
    new: int
    rescored: int
    already_decided: int
    merged: int


async def latest_model(session: AsyncSession) -> DuplicateModel | None:
    return await session.scalar(select(DuplicateModel).order_by(DuplicateModel.id.desc()).limit(1))


async def find_duplicates(
    database: Database,
    *,
    run_by: str,
    backend: str,
    threshold: float,
    retrain: bool = False,
) -> JobSummary:
    async with database.sessionmaker() as session:
        rows = await load_rows(session)
        saved = await latest_model(session)
    # A saved model's SQL is in its backend's dialect: another backend trains its own.
    retrain = retrain or (saved is not None and saved.backend != backend)
    if len(rows) < MINIMUM_PEOPLE and (saved is None or retrain):
        merged = await _resolve_merged(database)
        return JobSummary(len(rows), saved and saved.id, False, 0, 0, 0, 0, merged)
    trained = saved is None or retrain
    if trained:
        model = await asyncio.to_thread(splink_job.train, rows, backend)
        async with database.sessionmaker() as session, session.begin():
            saved = DuplicateModel(
                created_by=run_by, backend=backend, people=len(rows), model=model
            )
            session.add(saved)
    assert saved is not None
    pairs = await asyncio.to_thread(splink_job.predict, rows, saved.model, threshold, backend)
    weights = Weights.from_model(saved.model)
    names = [c.name for c in COMPARISONS]
    new = rescored = decided = 0
    async with database.sessionmaker() as session, session.begin():
        existing = {
            (a, b): (review_id, status)
            for review_id, a, b, status in (
                await session.execute(
                    select(
                        DuplicateReview.id,
                        DuplicateReview.person_id,
                        DuplicateReview.other_person_id,
                        DuplicateReview.status,
                    )
                )
            ).all()
        }
        inserts, updates = [], []
        for pair in pairs:
            key = (min(pair.left_id, pair.right_id), max(pair.left_id, pair.right_id))
            levels = [level_index(i, pair.gammas[name]) for i, name in enumerate(names)]
            _, steps = explain(weights, levels)
            values = {
                "match_weight": pair.match_weight,
                "match_probability": pair.match_probability,
                "explanation": steps,
                "model_id": saved.id,
            }
            found = existing.get(key)
            if found is None:
                inserts.append(
                    {"person_id": key[0], "other_person_id": key[1], "status": OPEN, **values}
                )
            elif found[1] == OPEN:
                updates.append({"id": found[0], **values})
            else:
                decided += 1
        if inserts:
            await session.execute(insert(DuplicateReview), inserts)
            new = len(inserts)
        if updates:
            await session.execute(update(DuplicateReview), updates)
            rescored = len(updates)
    merged = await _resolve_merged(database)
    return JobSummary(len(rows), saved.id, trained, len(pairs), new, rescored, decided, merged)


async def _resolve_merged(database: Database) -> int:
    """Open items of which a person has since been merged into another are done."""
    merged_into = getattr(Person, "merged_into_id", None)
    if merged_into is None:
        return 0
    gone = select(Person.id).where(merged_into.is_not(None))
    async with database.sessionmaker() as session, session.begin():
        result = await session.execute(
            update(DuplicateReview)
            .where(DuplicateReview.status == OPEN)
            .where(
                or_(DuplicateReview.person_id.in_(gone), DuplicateReview.other_person_id.in_(gone))
            )
            .values(status=MERGED, decided_at=datetime.now(UTC), decided_by="merge")
        )
    return result.rowcount or 0
