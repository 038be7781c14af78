"""The module's council-editable lists, seeded with what most councils use."""

from __future__ import annotations

from pdms_core.plugin import LookupAttribute, LookupSeed, LookupSetSpec, problem_lookup_sets

APPLIANCE_TYPE = "gas_electric.appliance_type"
LOCATION = "gas_electric.location"
DEFECT = "gas_electric.defect"
CONTRACTOR = "gas_electric.contractor"
STAGE = "gas_electric.stage"
ELECTRICAL_STAGE = "gas_electric.electrical_stage"
VISIT_OUTCOME = "gas_electric.visit_outcome"
#: The module's own system-condition type a no-access visit raises (core's measures count it).
NO_ACCESS_CONDITION = "no_access"

#: What a stage's attributes mean to the job flow.
STAGE_ATTRIBUTES = (
    LookupAttribute(
        "order",
        "Position in the process; moves forward skip the stages between.",
        kind="integer",
        minimum=0,
    ),
    LookupAttribute(
        "required",
        "A forward move may not skip this stage without the override permission and a reason.",
        kind="boolean",
    ),
    LookupAttribute(
        "outcome",
        "An outcome (serviced, closed): reachable from any stage, skipping nothing.",
        kind="boolean",
    ),
    LookupAttribute("closes", "Moving here closes the job.", kind="boolean"),
    LookupAttribute(
        "no_access",
        "A visit that did not get in: counted, and raised as the "
        "system condition 'no access to property'.",
        kind="boolean",
    ),
    LookupAttribute(
        "letter_purpose",
        "Letter purpose whose template a move here may fill "
        "(e.g. gas_electric.appointment_letter_1).",
        kind="text",
    ),
)


def _stage(code: str, label: str, order: int, **flags: object) -> LookupSeed:
    data: dict[str, object] = {
        "order": order,
        "required": False,
        "outcome": False,
        "closes": False,
        "no_access": False,
        "letter_purpose": "",
    }
    data.update(flags)
    return LookupSeed(code, label, data=data)


def _seeds(*pairs: tuple[str, str]) -> tuple[LookupSeed, ...]:
    return tuple(LookupSeed(code, label) for code, label in pairs)


def lookup_sets() -> list[LookupSetSpec]:
    return [
        LookupSetSpec(
            code=APPLIANCE_TYPE,
            label="Gas appliance and flue types",
            description="What a gas appliance or flue in a home is.",
            seeds=_seeds(
                ("combi_boiler", "Combination boiler"),
                ("system_boiler", "System boiler"),
                ("back_boiler", "Back boiler"),
                ("gas_fire", "Gas fire"),
                ("cooker", "Gas cooker"),
                ("hob", "Gas hob"),
                ("water_heater", "Instantaneous water heater"),
                ("warm_air_unit", "Warm air unit"),
                ("open_flue", "Open flue"),
                ("room_sealed_flue", "Room-sealed flue"),
                ("communal_boiler", "Communal plant boiler"),
            ),
        ),
        LookupSetSpec(
            code=LOCATION,
            label="Appliance and alarm locations",
            description="Where in a home an appliance, flue or alarm is.",
            seeds=_seeds(
                ("kitchen", "Kitchen"),
                ("utility", "Utility room"),
                ("living_room", "Living room"),
                ("hall", "Hall or landing"),
                ("bedroom", "Bedroom"),
                ("bathroom", "Bathroom"),
                ("airing_cupboard", "Airing cupboard"),
                ("loft", "Loft"),
                ("garage", "Garage"),
                ("plant_room", "Communal plant room"),
            ),
        ),
        LookupSetSpec(
            code=DEFECT,
            label="Gas defect codes",
            description="Defects an engineer records against an appliance or flue.",
            seeds=_seeds(
                ("gas_escape", "Gas escape"),
                ("flue_spillage", "Flue spillage"),
                ("flue_defective", "Flue defective or not visible"),
                ("ventilation", "Inadequate ventilation"),
                ("combustion", "Poor combustion (flue gas analysis)"),
                ("no_co_alarm", "No working CO alarm"),
                ("safety_device", "Safety device not working"),
                ("pipework", "Pipework not to current standards"),
                ("other", "Other"),
            ),
        ),
        LookupSetSpec(
            code=CONTRACTOR,
            label="Servicing contractors",
            description="Who carries out gas checks and electrical inspections.",
            seeds=_seeds(("in_house", "In-house gas and electrical team")),
        ),
        LookupSetSpec(
            code=STAGE,
            label="Gas servicing stages",
            description="The staged access process a gas servicing job runs through.",
            attributes=STAGE_ATTRIBUTES,
            seeds=(
                _stage(
                    "appointment_letter_1",
                    "Appointment letter 1",
                    10,
                    required=True,
                    letter_purpose="gas_electric.appointment_letter_1",
                ),
                _stage(
                    "appointment_letter_2",
                    "Appointment letter 2",
                    20,
                    required=True,
                    letter_purpose="gas_electric.appointment_letter_2",
                ),
                _stage("no_access_visit", "No-access visit", 30, required=True, no_access=True),
                _stage(
                    "final_warning",
                    "Final warning",
                    40,
                    required=True,
                    letter_purpose="gas_electric.final_warning",
                ),
                _stage("forced_entry_referral", "Referral for forced entry or injunction", 50),
                _stage("serviced", "Serviced", 60, outcome=True),
                _stage("closed", "Closed", 70, outcome=True, closes=True),
            ),
        ),
        LookupSetSpec(
            code=ELECTRICAL_STAGE,
            label="Electrical inspection stages",
            description="The lighter flow of an electrical inspection job.",
            attributes=STAGE_ATTRIBUTES,
            seeds=(
                _stage("booked", "Booked", 10),
                _stage("no_access_visit", "No access", 20, no_access=True),
                _stage("done", "Done", 30, outcome=True, closes=True),
            ),
        ),
        LookupSetSpec(
            code=VISIT_OUTCOME,
            label="Visit outcomes",
            description="What happened at a servicing visit.",
            seeds=_seeds(
                ("no_reply", "No reply"),
                ("refused", "Access refused"),
                ("wrong_time", "Tenant asked for another time"),
                ("serviced", "Serviced"),
                ("capped", "Supply capped"),
            ),
        ),
        *problem_lookup_sets(
            "gas_electric",
            system_condition_type=(LookupSeed(NO_ACCESS_CONDITION, "No access to property"),),
        ),
    ]
