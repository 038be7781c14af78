"""Object types of the access process: servicing jobs and their audited moves."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, ClassVar

import strawberry
from pdms_core.plugin import (
    ModelNode,
    ModuleRecord,
    SessionLoader,
    documents_field,
    global_id,
    load_row,
)
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay
from strawberry.types import Info

from pdms_gas_electric.graphql.types import GasElectricCode, GasElectricHome, code_of
from pdms_gas_electric.jobs import moves_by_job
from pdms_gas_electric.models import Home, Job, JobMove
from pdms_gas_electric.permissions import JOB_READ


class MovesByJobLoader(SessionLoader[int, list[JobMove]]):
    missing: ClassVar[list[Any]] = []

    async def load_many_from(self, session: AsyncSession, keys: Sequence[int]) -> Mapping[int, Any]:
        return await moves_by_job(session, keys)


@strawberry.type(description="One audited stage change of a servicing job.")
class GasElectricJobMove:
    moved_at: datetime = strawberry.field(description="When the move was recorded.")
    moved_by: str = strawberry.field(description="Who moved the job.")
    reason: str = strawberry.field(description="Why, in the officer's words.")
    visit_on: date | None = strawberry.field(description="The visit's date, for a visit stage.")

    @strawberry.field(description="The stage the job left (null for its first move).")
    async def from_stage(self, info: Info) -> GasElectricCode | None:
        return await code_of(info, self.from_stage_id)

    @strawberry.field(description="The stage the job entered.")
    async def to_stage(self, info: Info) -> GasElectricCode | None:
        return await code_of(info, self.to_stage_id)

    @strawberry.field(description="What happened at the visit (gas_electric.visit_outcome).")
    async def visit_outcome(self, info: Info) -> GasElectricCode | None:
        return await code_of(info, self.visit_outcome_id)

    @strawberry.field(description="Codes of required stages this move skipped by override.")
    def skipped(self) -> list[str]:
        return [code for code in self.skipped.split(",") if code]

    @strawberry.field(description="Global ID of the letter (a Document) the move generated.")
    def letter_document_id(self) -> strawberry.ID | None:
        document = self.letter_document_id
        return None if document is None else strawberry.ID(global_id("Document", document))

    @strawberry.field(
        description="Global ID of the 'no access to property' SystemCondition a no-access "
        "visit raised."
    )
    def system_condition_id(self) -> strawberry.ID | None:
        condition = self.condition_id
        return None if condition is None else strawberry.ID(global_id("SystemCondition", condition))


@strawberry.type(description="A servicing job: one home's way through the access process.")
class GasElectricJob(ModelNode, ModuleRecord):
    model = Job
    read_permission = JOB_READ

    id: relay.NodeID[int]
    kind: str = strawberry.field(description="gas or electrical.")
    due_on: date | None = strawberry.field(description="When the home's check falls due.")
    stage_since: date = strawberry.field(description="When the job entered its stage.")
    opened_on: date = strawberry.field(description="When the job was opened.")
    closed_on: date | None = strawberry.field(description="When it closed; null while open.")
    no_access_count: int = strawberry.field(description="Visits that could not get in.")
    version: int = strawberry.field(description="Optimistic-lock version.")
    documents = documents_field("GasElectricJob", "servicing job")

    @strawberry.field(description="The job's stage (gas_electric.stage or electrical_stage).")
    async def stage(self, info: Info) -> GasElectricCode | None:
        return await code_of(info, self.stage_id)

    @strawberry.field(description="The contractor the job is given to (gas_electric.contractor).")
    async def contractor(self, info: Info) -> GasElectricCode | None:
        return await code_of(info, self.contractor_id)

    @strawberry.field(description="The home.")
    async def home(self, info: Info) -> GasElectricHome | None:
        return await load_row(info, Home, self.home_id)

    @strawberry.field(description="Every stage change, oldest first: the audit trail.")
    async def moves(self, info: Info) -> list[GasElectricJobMove]:
        return await info.context.loaders.get(MovesByJobLoader).load(self.id)
