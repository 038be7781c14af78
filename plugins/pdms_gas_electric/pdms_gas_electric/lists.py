"""The module's council-editable lists, seeded with what most councils use."""

from __future__ import annotations

from pdms_core.plugin import LookupSeed, LookupSetSpec

APPLIANCE_TYPE = "gas_electric.appliance_type"
LOCATION = "gas_electric.location"
DEFECT = "gas_electric.defect"
CONTRACTOR = "gas_electric.contractor"


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
    ]
