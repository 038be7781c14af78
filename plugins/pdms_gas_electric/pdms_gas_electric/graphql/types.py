"""Object types: homes, their appliances and alarms, gas safety records."""

from __future__ import annotations

from datetime import date

import strawberry
from pdms_core.plugin import ModelNode, ModuleRecord, global_id, today
from strawberry import relay
from strawberry.types import Info

from pdms_gas_electric.checks import check_breaches, home_breaches
from pdms_gas_electric.eicrs import eicr_breaches
from pdms_gas_electric.graphql.loaders import (
    AlarmsByHomeLoader,
    AppliancesByHomeLoader,
    EicrsByHomeLoader,
    GasChecksByHomeLoader,
    LookupCodesByIdLoader,
    ObservationsByEicrLoader,
    PlacesByIdLoader,
    ResultsByCheckLoader,
)
from pdms_gas_electric.models import Alarm, Appliance, Eicr, GasCheck, Home
from pdms_gas_electric.permissions import READ


@strawberry.type(description="A value of one of the module's council-editable lists.")
class GasElectricCode:
    code: str = strawberry.field(description="Stable code of the value.")
    label: str = strawberry.field(description="Name shown to officers.")


async def code_of(info: Info, value_id: int | None) -> GasElectricCode | None:
    if value_id is None:
        return None
    row = await info.context.loaders.get(LookupCodesByIdLoader).load(value_id)
    return None if row is None else GasElectricCode(code=row.code, label=row.label)


@strawberry.type(description="A gas appliance or flue in a home.")
class GasElectricAppliance(ModelNode):
    model = Appliance
    read_permission = READ

    id: relay.NodeID[int]
    make: str = strawberry.field(description="Manufacturer.")
    model_name: str = strawberry.field(description="Model.", name="model")  # column "model"
    landlord_owned: bool = strawberry.field(
        description="The council owns it (tenant-owned appliances need no landlord check)."
    )
    removed_on: date | None = strawberry.field(description="When it was removed; null in use.")
    version: int = strawberry.field(description="Optimistic-lock version.")

    @strawberry.field(description="Appliance or flue type (gas_electric.appliance_type).")
    async def type(self, info: Info) -> GasElectricCode | None:
        return await code_of(info, self.type_id)

    @strawberry.field(description="Where it is (gas_electric.location).")
    async def location(self, info: Info) -> GasElectricCode | None:
        return await code_of(info, self.location_id)


@strawberry.type(description="A smoke, heat or carbon monoxide alarm in a home.")
class GasElectricAlarm(ModelNode):
    model = Alarm
    read_permission = READ

    id: relay.NodeID[int]
    kind: str = strawberry.field(description="smoke, carbon_monoxide or heat.")
    installed_on: date | None = strawberry.field(description="When it was fitted.")
    removed_on: date | None = strawberry.field(description="When it was removed; null in use.")
    version: int = strawberry.field(description="Optimistic-lock version.")

    @strawberry.field(description="Where it is (gas_electric.location).")
    async def location(self, info: Info) -> GasElectricCode | None:
        return await code_of(info, self.location_id)


@strawberry.type(description="One appliance's result on a gas safety record.")
class GasElectricGasCheckResult:
    outcome: str = strawberry.field(
        description="pass, at_risk, immediately_dangerous or not_to_current_standards."
    )
    defect_notes: str = strawberry.field(description="The engineer's description of the defect.")
    remedial_action: str = strawberry.field(description="What was or will be done about it.")

    @strawberry.field(description="Global ID of the appliance, when the result names one.")
    def appliance(self) -> strawberry.ID | None:
        if self.appliance_id is None:
            return None
        return strawberry.ID(global_id("GasElectricAppliance", self.appliance_id))

    @strawberry.field(description="Defect code (gas_electric.defect).")
    async def defect(self, info: Info) -> GasElectricCode | None:
        return await code_of(info, self.defect_id)


@strawberry.type(description='A landlord gas safety record (LGSR, "CP12") for one visit.')
class GasElectricGasCheck(ModelNode, ModuleRecord):
    model = GasCheck
    read_permission = READ

    id: relay.NodeID[int]
    checked_on: date = strawberry.field(description="The day of the check.")
    certificate_number: str = strawberry.field(description="The certificate's number.")
    engineer_name: str = strawberry.field(description="The engineer who did the check.")
    gas_safe_number: str = strawberry.field(description="The engineer's Gas Safe registration.")
    co_alarm_tested: bool = strawberry.field(description="A carbon monoxide alarm was tested.")
    copy_given_on: date | None = strawberry.field(description="When the tenant got a copy.")
    deadline_before: date | None = strawberry.field(
        description="The deadline this check answered (null for a home's first check)."
    )
    next_due_on: date = strawberry.field(
        description="The deadline this check set: the old deadline + 12 months when done in "
        "the 2 months ending with it, otherwise the check date + 12 months."
    )
    recorded_by: str = strawberry.field(description="Who recorded it.")

    @strawberry.field(description="Who did the check (gas_electric.contractor).")
    async def contractor(self, info: Info) -> GasElectricCode | None:
        return await code_of(info, self.contractor_id)

    @strawberry.field(description="Each appliance's result, in the record's order.")
    async def results(self, info: Info) -> list[GasElectricGasCheckResult]:
        return await info.context.loaders.get(ResultsByCheckLoader).load(self.id)

    @strawberry.field(
        description="Breaches today: copy_late (no copy to the tenant within 28 days) and "
        "unsafe_without_remedy (an at-risk or immediately dangerous appliance with no "
        "remedial action)."
    )
    async def breaches(self, info: Info) -> list[str]:
        results = await info.context.loaders.get(ResultsByCheckLoader).load(self.id)
        return check_breaches(self, results, today())


@strawberry.type(description="A coded observation on an EICR.")
class GasElectricEicrObservation:
    code: str = strawberry.field(
        description="C1 (danger present), C2 (potentially dangerous), C3 (improvement "
        "recommended) or FI (further investigation)."
    )
    description: str = strawberry.field(description="The inspector's words.")


@strawberry.type(description="An electrical installation condition report (EICR).")
class GasElectricEicr(ModelNode, ModuleRecord):
    model = Eicr
    read_permission = READ

    id: relay.NodeID[int]
    inspected_on: date = strawberry.field(description="The day of the inspection.")
    report_number: str = strawberry.field(description="The report's number.")
    inspector_name: str = strawberry.field(description="Who inspected.")
    stated_satisfactory: bool = strawberry.field(description="What the summary box says.")
    satisfactory: bool = strawberry.field(
        description="The overall result: false when any C1, C2 or FI observation is recorded, "
        "whatever the summary box says."
    )
    recommended_next_on: date | None = strawberry.field(
        description="The report's own next-inspection date, if it gives one."
    )
    remedial_days: int | None = strawberry.field(
        description="The report's remedial period in days, when shorter than 28."
    )
    next_due_on: date = strawberry.field(
        description="Next inspection: 5 years on, or the report's date when sooner."
    )
    remedial_due_on: date | None = strawberry.field(
        description="Last day for remedial work on an unsatisfactory report (the inspection "
        "day is day 1 of 28, or of the report's shorter period)."
    )
    remedials_completed_on: date | None = strawberry.field(
        description="When the remedial work was completed."
    )
    copy_given_on: date | None = strawberry.field(description="When the tenant got a copy.")

    @strawberry.field(description="Who inspected (gas_electric.contractor).")
    async def contractor(self, info: Info) -> GasElectricCode | None:
        return await code_of(info, self.contractor_id)

    @strawberry.field(description="The coded observations, in the report's order.")
    async def observations(self, info: Info) -> list[GasElectricEicrObservation]:
        return await info.context.loaders.get(ObservationsByEicrLoader).load(self.id)

    @strawberry.field(
        description="Breaches today: remedial_overdue (unsatisfactory, not put right, past "
        "its remedial deadline)."
    )
    def breaches(self) -> list[str]:
        return eicr_breaches(self)


@strawberry.type(description="The servicing record of one core place: gas, alarms, electrics.")
class GasElectricHome(ModelNode, ModuleRecord):
    model = Home
    read_permission = READ

    id: relay.NodeID[int]
    property_reference: str | None = strawberry.field(
        description="The council's property reference."
    )
    gas_supply: str = strawberry.field(description="live, capped or none.")
    consumer_unit_location: str = strawberry.field(description="Where the consumer unit is.")
    installation_notes: str = strawberry.field(description="Notes on the electrical installation.")
    last_gas_check_on: date | None = strawberry.field(description="Date of the latest gas check.")
    gas_due_on: date | None = strawberry.field(description="The gas safety check deadline.")
    last_eicr_on: date | None = strawberry.field(description="Date of the latest EICR.")
    eicr_due_on: date | None = strawberry.field(description="When the next EICR is due.")
    needs_gas_check: bool = strawberry.field(
        description="A live supply and at least one landlord appliance in use (BS01's base)."
    )
    version: int = strawberry.field(description="Optimistic-lock version.")

    @strawberry.field(description="Global ID of the core Place.")
    def place_id(self) -> strawberry.ID:
        return strawberry.ID(global_id("Place", self.place_id))

    @strawberry.field(description="The place's address.")
    async def address(self, info: Info) -> str | None:
        place = await info.context.loaders.get(PlacesByIdLoader).load(self.place_id)
        return None if place is None else place.single_line_address

    @strawberry.field(description="The place's UPRN, when it has one.")
    async def uprn(self, info: Info) -> str | None:
        place = await info.context.loaders.get(PlacesByIdLoader).load(self.place_id)
        return None if place is None or place.uprn is None else str(place.uprn)

    @strawberry.field(description="Gas appliances and flues, removed ones included.")
    async def appliances(self, info: Info) -> list[GasElectricAppliance]:
        return await info.context.loaders.get(AppliancesByHomeLoader).load(self.id)

    @strawberry.field(description="Smoke, heat and carbon monoxide alarms.")
    async def alarms(self, info: Info) -> list[GasElectricAlarm]:
        return await info.context.loaders.get(AlarmsByHomeLoader).load(self.id)

    @strawberry.field(description="Gas safety records, newest first.")
    async def gas_checks(self, info: Info) -> list[GasElectricGasCheck]:
        return await info.context.loaders.get(GasChecksByHomeLoader).load(self.id)

    @strawberry.field(description="Electrical installation condition reports, newest first.")
    async def eicrs(self, info: Info) -> list[GasElectricEicr]:
        return await info.context.loaders.get(EicrsByHomeLoader).load(self.id)

    @strawberry.field(
        description="Electrical breaches today: eicr_missing (no report recorded), "
        "eicr_overdue (the next inspection date has passed), then the latest report's "
        "remedial_overdue."
    )
    async def electrical_breaches(self, info: Info) -> list[str]:
        reports = await info.context.loaders.get(EicrsByHomeLoader).load(self.id)
        if not reports:
            return ["eicr_missing"]
        flags = ["eicr_overdue"] if self.eicr_due_on < today() else []
        return flags + eicr_breaches(reports[0])

    @strawberry.field(
        description="Breaches today: overdue (needs a check and none is in date), then the "
        "latest record's copy_late and unsafe_without_remedy."
    )
    async def breaches(self, info: Info) -> list[str]:
        checks = await info.context.loaders.get(GasChecksByHomeLoader).load(self.id)
        latest = checks[0] if checks else None
        results = (
            await info.context.loaders.get(ResultsByCheckLoader).load(latest.id) if latest else []
        )
        return home_breaches(self, latest, results)
