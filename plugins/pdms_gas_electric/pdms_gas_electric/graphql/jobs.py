"""Root fields of the access process: list, generate and move servicing jobs."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from pdms_core.plugin import (
    After,
    Connection,
    First,
    UserErrorType,
    decode_id,
    described,
    keyset_page,
    lookup_id,
    mutation_field,
    payload_type,
    query_field,
    run_mutation,
)
from sqlalchemy import select
from strawberry.types import Info

from pdms_gas_electric import jobs
from pdms_gas_electric.graphql.job_types import GasElectricJob
from pdms_gas_electric.models import Job
from pdms_gas_electric.permissions import JOB_GENERATE, JOB_MOVE, JOB_READ

JobPayload = payload_type(
    "GasElectricJobPayload", "job", GasElectricJob, description="Result of moving a job."
)


@strawberry.type(description="Result of generating servicing jobs.")
class GasElectricGenerateJobsPayload:
    opened: int | None = strawberry.field(
        description="How many jobs were opened (0 when every due home already has one)."
    )
    errors: list[UserErrorType] = strawberry.field(description="Why nothing was opened.")


@strawberry.input(description="A stage change of a servicing job.")
class GasElectricMoveJobInput:
    job_id: strawberry.ID = strawberry.field(description="The GasElectricJob.")
    expected_version: int = strawberry.field(description="The version read.")
    stage_code: str = strawberry.field(description="The stage to move to.")
    reason: str = strawberry.field(default="", description="Why (required with override).")
    visit_on: date | None = strawberry.field(
        default=None, description="The visit's date (required for a no-access stage)."
    )
    visit_outcome_code: str | None = strawberry.field(
        default=None, description="A gas_electric.visit_outcome code."
    )
    override: bool = strawberry.field(
        default=False,
        description="Skip required stages (needs gas_electric.job.override and a reason).",
    )
    letter: bool = strawberry.field(
        default=False,
        description="Fill the stage's letter from its purpose's active template and keep it "
        "on the job as a document.",
    )


@strawberry.type
class GasElectricJobsQuery:
    @query_field(description="Servicing jobs, oldest first.", permission=JOB_READ)
    async def gas_electric_jobs(
        self,
        info: Info,
        kind: Annotated[str | None, described("gas or electrical; both when null.")] = None,
        stage_code: Annotated[str | None, described("Only jobs at this stage.")] = None,
        open: Annotated[bool | None, described("Only open (true) or closed (false) jobs.")] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[GasElectricJob]:
        statement = select(Job)
        if kind is not None:
            statement = statement.where(Job.kind == kind)
        if open is not None:
            statement = statement.where(
                Job.closed_on.is_(None) if open else Job.closed_on.is_not(None)
            )
        async with info.context.session() as session:
            if stage_code is not None:
                stage_ids = [
                    await lookup_id(session, lst, stage_code) for lst in jobs.STAGE_LISTS.values()
                ]
                statement = statement.where(Job.stage_id.in_([i for i in stage_ids if i]))
            page = await keyset_page(session, statement, [Job.id], first=first, after=after)
        return page.connection()


@strawberry.type
class GasElectricJobsMutation:
    @mutation_field(
        description="Open a servicing job for every home due within `withinDays` that has no "
        "open job of the kind. Running it twice opens nothing new.",
        permission=JOB_GENERATE,
    )
    async def gas_electric_generate_jobs(
        self,
        info: Info,
        within_days: Annotated[int, described("Homes due within this many days (0-3660).")],
        kind: Annotated[str, described("gas or electrical.")] = "gas",
        contractor_code: Annotated[
            str | None, described("Give the new jobs to this gas_electric.contractor.")
        ] = None,
    ) -> GasElectricGenerateJobsPayload:
        async def action(session):  # type: ignore[no-untyped-def]
            return await jobs.generate_jobs(
                session,
                info.context.actor,
                kind=kind,
                within_days=within_days,
                contractor_code=contractor_code,
            )

        opened, errors = await run_mutation(info, action)
        return GasElectricGenerateJobsPayload(opened=opened, errors=errors)

    @mutation_field(
        description="Move a servicing job to a stage, recording who, when, why and any "
        "visit or letter. A forward move past a required stage is refused unless "
        "`override` is set by a holder of gas_electric.job.override with a reason.",
        permission=JOB_MOVE,
    )
    async def gas_electric_move_job(
        self, info: Info, input: Annotated[GasElectricMoveJobInput, described("The move.")]
    ) -> JobPayload:
        host = info.context.host

        async def action(session):  # type: ignore[no-untyped-def]
            job, _ = await jobs.move_job(
                session,
                info.context.actor,
                jobs.MoveInput(
                    job_id=decode_id(input.job_id, "GasElectricJob", field="jobId"),
                    expected_version=input.expected_version,
                    stage_code=input.stage_code,
                    reason=input.reason,
                    visit_on=input.visit_on,
                    visit_outcome_code=input.visit_outcome_code,
                    override=input.override,
                    letter=input.letter,
                ),
                jobs.LetterContext(settings=host.settings, purposes=host.letter_purposes),
            )
            return job

        job, errors = await run_mutation(info, action)
        return JobPayload(job=job, errors=errors)
