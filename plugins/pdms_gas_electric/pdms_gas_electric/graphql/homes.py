"""Root fields for homes, their assets and gas safety records."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from pdms_core.plugin import (
    decode_id,
    described,
    mutation_field,
    payload_type,
    query_field,
    run_mutation,
)
from strawberry.types import Info

from pdms_gas_electric import checks, services
from pdms_gas_electric.graphql.types import (
    GasElectricAlarm,
    GasElectricAppliance,
    GasElectricGasCheck,
    GasElectricHome,
)
from pdms_gas_electric.permissions import READ, RECORD, WRITE

HomePayload = payload_type(
    "GasElectricHomePayload", "home", GasElectricHome, description="Result of a home change."
)
AppliancePayload = payload_type(
    "GasElectricAppliancePayload",
    "appliance",
    GasElectricAppliance,
    description="Result of an appliance change.",
)
AlarmPayload = payload_type(
    "GasElectricAlarmPayload", "alarm", GasElectricAlarm, description="Result of adding an alarm."
)
GasCheckPayload = payload_type(
    "GasElectricGasCheckPayload",
    "gas_check",
    GasElectricGasCheck,
    description="Result of recording a gas safety record.",
)


@strawberry.input(description="A place's servicing record: gas supply and electrical installation.")
class GasElectricSetHomeInput:
    place_id: strawberry.ID = strawberry.field(description="The core Place.")
    gas_supply: str = strawberry.field(description="live, capped or none.")
    property_reference: str | None = strawberry.field(
        default=None, description="The council's property reference (at most 30 characters)."
    )
    consumer_unit_location: str = strawberry.field(
        default="", description="Where the consumer unit is."
    )
    installation_notes: str = strawberry.field(
        default="", description="Notes on the electrical installation."
    )
    expected_version: int | None = strawberry.field(
        default=None, description="The version read, when updating (stale writes conflict)."
    )


@strawberry.input(description="A gas appliance or flue.")
class GasElectricAddApplianceInput:
    home_id: strawberry.ID = strawberry.field(description="The GasElectricHome.")
    type_code: str = strawberry.field(description="A gas_electric.appliance_type code.")
    location_code: str | None = strawberry.field(
        default=None, description="A gas_electric.location code."
    )
    make: str = strawberry.field(default="", description="Manufacturer.")
    model: str = strawberry.field(default="", description="Model.")
    landlord_owned: bool = strawberry.field(default=True, description="The council owns it.")


@strawberry.input(description="One appliance's result on a gas safety record.")
class GasElectricGasCheckResultInput:
    outcome: str = strawberry.field(
        description="pass, at_risk, immediately_dangerous or not_to_current_standards."
    )
    appliance_id: strawberry.ID | None = strawberry.field(
        default=None, description="The GasElectricAppliance checked."
    )
    defect_code: str | None = strawberry.field(
        default=None, description="A gas_electric.defect code."
    )
    defect_notes: str = strawberry.field(default="", description="The defect in words.")
    remedial_action: str = strawberry.field(default="", description="What was or will be done.")


@strawberry.input(description="A landlord gas safety record (LGSR).")
class GasElectricRecordGasCheckInput:
    home_id: strawberry.ID = strawberry.field(description="The GasElectricHome.")
    checked_on: date = strawberry.field(description="The day of the check.")
    certificate_number: str = strawberry.field(description="The certificate's number.")
    engineer_name: str = strawberry.field(description="The engineer.")
    gas_safe_number: str = strawberry.field(description="Gas Safe registration (6-7 digits).")
    contractor_code: str | None = strawberry.field(
        default=None, description="A gas_electric.contractor code."
    )
    co_alarm_tested: bool = strawberry.field(default=False, description="A CO alarm was tested.")
    copy_given_on: date | None = strawberry.field(
        default=None, description="When the tenant got a copy."
    )
    results: list[GasElectricGasCheckResultInput] = strawberry.field(
        default_factory=list, description="Each appliance's result."
    )


@strawberry.type
class GasElectricHomesQuery:
    @query_field(
        description="The servicing record of a core place, if it has one.", permission=READ
    )
    async def gas_electric_home(
        self,
        info: Info,
        place_id: Annotated[strawberry.ID, described("Global ID of the core Place.")],
    ) -> GasElectricHome | None:
        place = decode_id(place_id, "Place", field="placeId")
        async with info.context.session() as session:
            return await services.home_of_place(session, place)


@strawberry.type
class GasElectricHomesMutation:
    @mutation_field(description="Create or update a place's servicing record.", permission=WRITE)
    async def gas_electric_set_home(
        self, info: Info, input: Annotated[GasElectricSetHomeInput, described("The home.")]
    ) -> HomePayload:
        async def action(session):  # type: ignore[no-untyped-def]
            return await services.set_home(
                session,
                info.context.actor,
                place_id=decode_id(input.place_id, "Place", field="placeId"),
                gas_supply=input.gas_supply,
                property_reference=input.property_reference,
                consumer_unit_location=input.consumer_unit_location,
                installation_notes=input.installation_notes,
                expected_version=input.expected_version,
            )

        home, errors = await run_mutation(info, action)
        return HomePayload(home=home, errors=errors)

    @mutation_field(description="Add a gas appliance or flue to a home.", permission=WRITE)
    async def gas_electric_add_appliance(
        self,
        info: Info,
        input: Annotated[GasElectricAddApplianceInput, described("The appliance.")],
    ) -> AppliancePayload:
        async def action(session):  # type: ignore[no-untyped-def]
            return await services.add_appliance(
                session,
                info.context.actor,
                home_id=decode_id(input.home_id, "GasElectricHome", field="homeId"),
                type_code=input.type_code,
                location_code=input.location_code,
                make=input.make,
                model=input.model,
                landlord_owned=input.landlord_owned,
            )

        appliance, errors = await run_mutation(info, action)
        return AppliancePayload(appliance=appliance, errors=errors)

    @mutation_field(description="Mark an appliance or flue removed.", permission=WRITE)
    async def gas_electric_remove_appliance(
        self,
        info: Info,
        id: Annotated[strawberry.ID, described("The GasElectricAppliance.")],
        expected_version: Annotated[int, described("The version read.")],
        removed_on: Annotated[date, described("When it was removed.")],
    ) -> AppliancePayload:
        async def action(session):  # type: ignore[no-untyped-def]
            return await services.remove_appliance(
                session,
                info.context.actor,
                appliance_id=decode_id(id, "GasElectricAppliance"),
                expected_version=expected_version,
                removed_on=removed_on,
            )

        appliance, errors = await run_mutation(info, action)
        return AppliancePayload(appliance=appliance, errors=errors)

    @mutation_field(description="Add a smoke, heat or CO alarm to a home.", permission=WRITE)
    async def gas_electric_add_alarm(
        self,
        info: Info,
        home_id: Annotated[strawberry.ID, described("The GasElectricHome.")],
        kind: Annotated[str, described("smoke, carbon_monoxide or heat.")],
        location_code: Annotated[str | None, described("A gas_electric.location code.")] = None,
        installed_on: Annotated[date | None, described("When it was fitted.")] = None,
    ) -> AlarmPayload:
        async def action(session):  # type: ignore[no-untyped-def]
            return await services.add_alarm(
                session,
                info.context.actor,
                home_id=decode_id(home_id, "GasElectricHome", field="homeId"),
                kind=kind,
                location_code=location_code,
                installed_on=installed_on,
            )

        alarm, errors = await run_mutation(info, action)
        return AlarmPayload(alarm=alarm, errors=errors)

    @mutation_field(
        description="Record a gas safety record; the home's deadline moves by the rule.",
        permission=RECORD,
    )
    async def gas_electric_record_gas_check(
        self,
        info: Info,
        input: Annotated[GasElectricRecordGasCheckInput, described("The record.")],
    ) -> GasCheckPayload:
        async def action(session):  # type: ignore[no-untyped-def]
            data = checks.CheckInput(
                home_id=decode_id(input.home_id, "GasElectricHome", field="homeId"),
                checked_on=input.checked_on,
                certificate_number=input.certificate_number,
                engineer_name=input.engineer_name,
                gas_safe_number=input.gas_safe_number,
                contractor_code=input.contractor_code,
                co_alarm_tested=input.co_alarm_tested,
                copy_given_on=input.copy_given_on,
                results=tuple(
                    checks.ResultInput(
                        outcome=r.outcome,
                        appliance_id=decode_id(
                            r.appliance_id, "GasElectricAppliance", field="results"
                        )
                        if r.appliance_id
                        else None,
                        defect_code=r.defect_code,
                        defect_notes=r.defect_notes,
                        remedial_action=r.remedial_action,
                    )
                    for r in input.results
                ),
            )
            return await checks.record_gas_check(session, info.context.actor, data)

        check, errors = await run_mutation(info, action)
        return GasCheckPayload(gas_check=check, errors=errors)

    @mutation_field(
        description="Record the day the tenant got a copy of a gas safety record.",
        permission=RECORD,
    )
    async def gas_electric_set_copy_given(
        self,
        info: Info,
        check_id: Annotated[strawberry.ID, described("The GasElectricGasCheck.")],
        copy_given_on: Annotated[date, described("The day the copy reached the tenant.")],
    ) -> GasCheckPayload:
        async def action(session):  # type: ignore[no-untyped-def]
            return await checks.set_copy_given(
                session,
                info.context.actor,
                check_id=decode_id(check_id, "GasElectricGasCheck", field="checkId"),
                copy_given_on=copy_given_on,
            )

        check, errors = await run_mutation(info, action)
        return GasCheckPayload(gas_check=check, errors=errors)
