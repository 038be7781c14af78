"""Root fields for electrical installation condition reports."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from pdms_core.plugin import decode_id, described, mutation_field, payload_type, run_mutation
from strawberry.types import Info

from pdms_gas_electric import eicrs
from pdms_gas_electric.graphql.types import GasElectricEicr
from pdms_gas_electric.permissions import RECORD

EicrPayload = payload_type(
    "GasElectricEicrPayload", "eicr", GasElectricEicr, description="Result of an EICR change."
)


@strawberry.input(description="A coded observation.")
class GasElectricEicrObservationInput:
    code: str = strawberry.field(description="C1, C2, C3 or FI.")
    description: str = strawberry.field(default="", description="The inspector's words.")


@strawberry.input(description="An electrical installation condition report.")
class GasElectricRecordEicrInput:
    home_id: strawberry.ID = strawberry.field(description="The GasElectricHome.")
    inspected_on: date = strawberry.field(description="The day of the inspection.")
    report_number: str = strawberry.field(description="The report's number (one per home).")
    inspector_name: str = strawberry.field(description="Who inspected.")
    stated_satisfactory: bool = strawberry.field(description="What the summary box says.")
    observations: list[GasElectricEicrObservationInput] = strawberry.field(
        default_factory=list, description="The coded observations."
    )
    contractor_code: str | None = strawberry.field(
        default=None, description="A gas_electric.contractor code."
    )
    recommended_next_on: date | None = strawberry.field(
        default=None, description="The report's next-inspection date, when it gives one."
    )
    remedial_days: int | None = strawberry.field(
        default=None, description="The report's remedial period in days (1-28), when shorter."
    )
    copy_given_on: date | None = strawberry.field(
        default=None, description="When the tenant got a copy."
    )


@strawberry.type
class GasElectricEicrsMutation:
    @mutation_field(
        description="Record an EICR: an unsatisfactory one starts its remedial clock; the "
        "home's next inspection moves.",
        permission=RECORD,
    )
    async def gas_electric_record_eicr(
        self, info: Info, input: Annotated[GasElectricRecordEicrInput, described("The report.")]
    ) -> EicrPayload:
        async def action(session):  # type: ignore[no-untyped-def]
            return await eicrs.record_eicr(
                session,
                info.context.actor,
                eicrs.EicrInput(
                    home_id=decode_id(input.home_id, "GasElectricHome", field="homeId"),
                    inspected_on=input.inspected_on,
                    report_number=input.report_number,
                    inspector_name=input.inspector_name,
                    stated_satisfactory=input.stated_satisfactory,
                    observations=tuple((o.code, o.description) for o in input.observations),
                    contractor_code=input.contractor_code,
                    recommended_next_on=input.recommended_next_on,
                    remedial_days=input.remedial_days,
                    copy_given_on=input.copy_given_on,
                ),
            )

        eicr, errors = await run_mutation(info, action)
        return EicrPayload(eicr=eicr, errors=errors)

    @mutation_field(
        description="Record that an unsatisfactory EICR's remedial work is complete.",
        permission=RECORD,
    )
    async def gas_electric_complete_eicr_remedials(
        self,
        info: Info,
        eicr_id: Annotated[strawberry.ID, described("The GasElectricEicr.")],
        completed_on: Annotated[date, described("When the work was completed.")],
    ) -> EicrPayload:
        async def action(session):  # type: ignore[no-untyped-def]
            return await eicrs.complete_remedials(
                session,
                info.context.actor,
                eicr_id=decode_id(eicr_id, "GasElectricEicr", field="eicrId"),
                completed_on=completed_on,
            )

        eicr, errors = await run_mutation(info, action)
        return EicrPayload(eicr=eicr, errors=errors)
