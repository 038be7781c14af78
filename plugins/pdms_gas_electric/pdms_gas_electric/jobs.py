"""Servicing jobs: generated for homes falling due, moved through audited stages.

Stages are a council-editable list (``gas_electric.stage``; ``gas_electric.electrical_stage``
for the lighter electrical flow) whose attributes drive the rules: ``order``, ``required``,
``outcome``, ``closes``, ``no_access``, ``letter_purpose`` (see ``lists.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pdms_core.plugin import (
    Actor,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    core_tables,
    expect_version,
    generate_letter,
    insert_rows,
    lookup_values,
    raise_condition,
    today,
)
from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_gas_electric.lists import (
    CONTRACTOR,
    ELECTRICAL_STAGE,
    NO_ACCESS_CONDITION,
    STAGE,
    VISIT_OUTCOME,
)
from pdms_gas_electric.models import Home, Job, JobMove
from pdms_gas_electric.permissions import JOB_OVERRIDE
from pdms_gas_electric.services import _not_future, lookup_value_id

PLACE = core_tables.place
MODULE = "gas_electric"
STAGE_LISTS = {"gas": STAGE, "electrical": ELECTRICAL_STAGE}
MAX_DAYS = 3660
LETTER_GENERATE = "core.letter.generate"


@dataclass(frozen=True)
class Stage:
    id: int
    code: str
    label: str
    order: int
    required: bool
    outcome: bool
    closes: bool
    no_access: bool
    letter_purpose: str


async def stages(session: AsyncSession, kind: str) -> list[Stage]:
    """The active stages of a job kind, in process order."""
    found = []
    for row in await lookup_values(session, STAGE_LISTS[kind]):
        data = row.data or {}
        found.append(
            Stage(
                id=row.id,
                code=row.code,
                label=row.label,
                order=int(data.get("order") or 0),
                required=bool(data.get("required")),
                outcome=bool(data.get("outcome")),
                closes=bool(data.get("closes")),
                no_access=bool(data.get("no_access")),
                letter_purpose=str(data.get("letter_purpose") or ""),
            )
        )
    return sorted(found, key=lambda s: (s.order, s.id))


def first_stage(ordered: Sequence[Stage]) -> Stage:
    starts = [s for s in ordered if not s.outcome]
    if not starts:
        raise ValidationFailed("The stage list has no starting stage; add one.", field="kind")
    return starts[0]


def _due_homes(kind: str, horizon: date) -> Any:
    """Homes needing a check of ``kind`` that falls due on or before ``horizon``."""
    if kind == "gas":
        due = Home.gas_due_on
        needs = Home.needs_gas_check
        return and_(needs, or_(due.is_(None), due <= horizon))
    return and_(Home.eicr_due_on.is_not(None), Home.eicr_due_on <= horizon)


async def generate_jobs(
    session: AsyncSession,
    actor: Actor,
    *,
    kind: str = "gas",
    within_days: int,
    on: date | None = None,
    contractor_code: str | None = None,
) -> int:
    """Open a job for every home of ``kind`` due within ``within_days`` and without an open
    one; returns how many were opened (0 the second time: the database holds one open job
    per home and kind)."""
    if kind not in STAGE_LISTS:
        raise ValidationFailed("A job is gas or electrical.", field="kind")
    if not 0 <= within_days <= MAX_DAYS:
        raise ValidationFailed(f"Within 0 to {MAX_DAYS} days.", field="withinDays")
    on = on or today()
    contractor = await lookup_value_id(session, CONTRACTOR, contractor_code, field="contractorCode")
    start = first_stage(await stages(session, kind))
    due_column = Home.gas_due_on if kind == "gas" else Home.eicr_due_on
    open_job = select(Job.id).where(
        Job.home_id == Home.id, Job.kind == kind, Job.closed_on.is_(None)
    )
    rows = (
        await session.execute(
            select(Home.id, due_column)
            .where(_due_homes(kind, on + timedelta(days=within_days)), ~open_job.exists())
            .order_by(Home.id)
        )
    ).all()
    await insert_rows(
        session,
        Job.__table__,
        [
            "home_id",
            "kind",
            "open_key",
            "due_on",
            "stage_id",
            "stage_since",
            "opened_on",
            "no_access_count",
            "contractor_id",
            "version",
        ],
        [
            (home_id, kind, f"{home_id}:{kind}", due, start.id, on, on, 0, contractor, 1)
            for home_id, due in rows
        ],
    )
    return len(rows)


async def get_job(session: AsyncSession, job_id: int, field: str = "jobId") -> Job:
    job = await session.get(Job, job_id, populate_existing=True)
    if job is None:
        raise NotFound("There is no such servicing job.", field=field)
    return job


@dataclass(frozen=True)
class MoveInput:
    job_id: int
    expected_version: int
    stage_code: str
    reason: str = ""
    visit_on: date | None = None
    visit_outcome_code: str | None = None
    override: bool = False
    #: Fill the target stage's letter purpose's active template and keep the letter on the job.
    letter: bool = False


@dataclass(frozen=True)
class LetterContext:
    """What filling a letter needs from the host: core settings and the declared purposes."""

    settings: Any
    purposes: Any


def skipped_stages(
    ordered: Sequence[Stage], current: Stage, target: Stage, visited: set[int]
) -> list[Stage]:
    """Required stages a forward move from ``current`` to ``target`` passes over unvisited."""
    if target.outcome or target.order <= current.order:
        return []
    return [
        s
        for s in ordered
        if s.required and current.order < s.order < target.order and s.id not in visited
    ]


async def move_job(
    session: AsyncSession, actor: Actor, data: MoveInput, letters: LetterContext | None = None
) -> tuple[Job, JobMove]:
    """Move a job to a stage, recording who, when, why and any visit; refuse a skipped
    required stage unless the caller holds the override permission and gives a reason."""
    job = await get_job(session, data.job_id)
    expect_version(job, data.expected_version)
    if job.closed_on is not None:
        raise ValidationFailed("The job is closed.", field="stageCode")
    ordered = await stages(session, job.kind)
    by_code = {s.code: s for s in ordered}
    by_id = {s.id: s for s in ordered}
    target = by_code.get(data.stage_code)
    if target is None:
        raise ValidationFailed(
            f"{data.stage_code!r} is not an active stage of {job.kind} jobs.", field="stageCode"
        )
    reason = data.reason.strip()
    if len(reason) > 4000:
        raise ValidationFailed("At most 4000 characters.", field="reason")
    current = by_id.get(job.stage_id)
    visited = set(
        await session.scalars(select(JobMove.to_stage_id).where(JobMove.job_id == job.id))
    ) | {job.stage_id}
    skipped = skipped_stages(ordered, current, target, visited) if current else []
    if skipped:
        names = ", ".join(s.label for s in skipped)
        if not data.override:
            raise ValidationFailed(
                f"Moving to {target.label} skips the required stage(s) {names}; move through "
                "them, or override with a reason.",
                field="stageCode",
            )
        if not actor.has(JOB_OVERRIDE):
            raise PermissionDenied(
                f"Skipping {names} needs the {JOB_OVERRIDE} permission.", field="override"
            )
        if not reason:
            raise ValidationFailed("Give the reason for skipping a required stage.", field="reason")
    visit_on = data.visit_on
    if target.no_access and visit_on is None:
        raise ValidationFailed("Give the date of the no-access visit.", field="visitOn")
    _not_future(visit_on, "visitOn")
    move = JobMove(
        job_id=job.id,
        from_stage_id=job.stage_id,
        to_stage_id=target.id,
        moved_by=actor.display_name,
        actor_id=actor.id,
        reason=reason,
        visit_on=visit_on,
        visit_outcome_id=await lookup_value_id(
            session, VISIT_OUTCOME, data.visit_outcome_code, field="visitOutcomeCode"
        ),
        skipped=",".join(s.code for s in skipped),
    )
    if target.no_access:
        job.no_access_count += 1
        move.condition_id = await _raise_no_access(session, actor, job, visit_on, reason)
    job.stage_id = target.id
    job.stage_since = today()
    if target.closes:
        job.closed_on = today()
        job.open_key = None
    session.add(move)
    await session.flush()
    if data.letter:
        move.letter_document_id = await _letter(session, actor, job, target, letters)
        await session.flush()
    return job, move


async def _letter(
    session: AsyncSession, actor: Actor, job: Job, target: Stage, letters: LetterContext | None
) -> int:
    if not target.letter_purpose:
        raise ValidationFailed(f"{target.label} has no letter purpose.", field="letter")
    if not actor.has(LETTER_GENERATE):
        raise PermissionDenied(f"Filling letters needs {LETTER_GENERATE}.", field="letter")
    if letters is None:  # pragma: no cover - every caller passes the host's
        raise ValidationFailed("Letters cannot be filled here.", field="letter")
    document = await generate_letter(
        session,
        actor,
        letters.settings,
        letters.purposes,
        purpose=target.letter_purpose,
        holder_id=job.id,
        template_id=None,
    )
    return document.id


async def _raise_no_access(
    session: AsyncSession, actor: Actor, job: Job, visit_on: date, reason: str
) -> int:
    address = await session.scalar(
        select(PLACE.c.single_line_address)
        .join(Home, Home.place_id == PLACE.c.id)
        .where(Home.id == job.home_id)
    )
    note = f"No access to {address} ({job.kind} servicing job {job.id}) on {visit_on.isoformat()}"
    condition = await raise_condition(
        session,
        actor,
        module=MODULE,
        known_modules={MODULE},
        type_code=NO_ACCESS_CONDITION,
        description=f"{note}. {reason}".strip() if reason else f"{note}.",
        raised_on=visit_on,
    )
    return condition.id


async def moves_by_job(
    session: AsyncSession, job_ids: Sequence[int]
) -> Mapping[int, list[JobMove]]:
    rows = await session.scalars(
        select(JobMove).where(JobMove.job_id.in_(job_ids)).order_by(JobMove.job_id, JobMove.id)
    )
    found: dict[int, list[JobMove]] = {}
    for row in rows:
        found.setdefault(row.job_id, []).append(row)
    return found


async def jobs_by_place(
    session: AsyncSession, actor: Actor, place_ids: Sequence[int]
) -> Mapping[int, Sequence[Job]]:
    """``Place.moduleRecords``: the servicing jobs of many places, newest first."""
    rows = await session.execute(
        select(Home.place_id, Job)
        .join(Home, Home.id == Job.home_id)
        .where(Home.place_id.in_(place_ids))
        .order_by(Job.id.desc())
    )
    found: dict[int, list[Job]] = {}
    for place_id, job in rows:
        found.setdefault(place_id, []).append(job)
    return found
