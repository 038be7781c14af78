"""A recorded check services the home's open job: the move is written for the officer.

A gas safety record moves the home's open gas job, an EICR its open electrical job, to
the first outcome stage that leaves the job open (gas: serviced) or, when the list has
none, to the first outcome stage (electrical: done, which closes it). The move is an
ordinary audited move: who recorded the check, when, and why (the record, named), with
the check's date as the visit, so the access measure counts the day access was gained.
Only a home's latest check of the kind moves its job: an older certificate entered late
does not service the job opened since. A closed job, or one already at the stage, is
left alone. One fixed set of statements for any number of homes (a contractor return).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pdms_core.plugin import Actor, chunks, insert_rows, lookup_id, today
from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_gas_electric.jobs import Stage, stages
from pdms_gas_electric.lists import VISIT_OUTCOME
from pdms_gas_electric.models import Home, Job, JobMove


@dataclass(frozen=True)
class Recorded:
    """A check just recorded for a home: its date and how the move names it."""

    home_id: int
    on: date
    reason: str


def serviced_stage(ordered: Sequence[Stage]) -> Stage | None:
    outcomes = [s for s in ordered if s.outcome]
    open_outcomes = [s for s in outcomes if not s.closes]
    return (open_outcomes or outcomes or [None])[0]


async def service_jobs(
    session: AsyncSession, actor: Actor, kind: str, records: Sequence[Recorded], moved_by: str
) -> int:
    """Move each home's open job of ``kind`` for its latest check; how many moved."""
    target = serviced_stage(await stages(session, kind))
    if target is None or not records:
        return 0
    latest: dict[int, Recorded] = {}
    for record in records:
        kept = latest.get(record.home_id)
        if kept is None or record.on > kept.on:
            latest[record.home_id] = record
    last_on = Home.last_gas_check_on if kind == "gas" else Home.last_eicr_on
    jobs = []
    for part in chunks(sorted(latest)):
        jobs += (
            await session.execute(
                select(Job.id, Job.home_id, Job.stage_id, last_on)
                .join(Home, Home.id == Job.home_id)
                .where(Job.home_id.in_(part), Job.kind == kind, Job.closed_on.is_(None))
            )
        ).all()
    moving = [
        (job_id, stage_id, latest[home_id])
        for job_id, home_id, stage_id, home_last in jobs
        if stage_id != target.id and home_last == latest[home_id].on
    ]
    if not moving:
        return 0
    outcome = await lookup_id(session, VISIT_OUTCOME, "serviced")
    await insert_rows(
        session,
        JobMove.__table__,
        [
            "job_id",
            "from_stage_id",
            "to_stage_id",
            "moved_by",
            "actor_id",
            "reason",
            "visit_on",
            "visit_outcome_id",
            "skipped",
        ],
        [
            (job_id, stage_id, target.id, moved_by, actor.id, r.reason, r.on, outcome, "")
            for job_id, stage_id, r in moving
        ],
    )
    table = Job.__table__
    closes = {"closed_on": today(), "open_key": None} if target.closes else {}
    await session.execute(
        update(table)
        .where(table.c.id == bindparam("jid"))
        .values(stage_id=target.id, stage_since=today(), version=table.c.version + 1, **closes),
        [{"jid": job_id} for job_id, _stage, _record in moving],
    )
    return len(moving)
