"""The module's council-editable lists.

Ticket types are the module's own demand types (``env_tickets.demand_type``), so each
ticket's demand has the ticket's type and core's service standards for that type give
its deadline. A type's ``form`` attribute says which details it asks for (fly-tipping or
abandoned vehicle), ``group`` and ``keywords`` describe it to Open311 clients.

Ticket statuses are the UK street-reporting sites' statuses; ``open311`` is the code
sent in ``servicerequestupdates`` and ``closed`` ends the ticket (GeoReport's
``status`` is then ``closed``). The fly-tipping size, land and waste lists follow the
national fly-tipping return (Flycapture); the land and waste labels are as the return
groups them (unverified against the current form).
"""

from __future__ import annotations

import dataclasses

from pdms_core.plugin import LookupAttribute, LookupSeed, LookupSetSpec, problem_lookup_sets

MODULE = "env_tickets"
TICKET_TYPE = "env_tickets.demand_type"
STATUS = "env_tickets.status"
SIZE = "env_tickets.fly_tipping_size"
LAND_TYPE = "env_tickets.land_type"
WASTE_TYPE = "env_tickets.waste_type"
CHANNEL = "channel"  # core's council-wide list

FLY_TIPPING = "fly_tipping"
ABANDONED_VEHICLE = "abandoned_vehicle"
FORMS = (FLY_TIPPING, ABANDONED_VEHICLE)

S = LookupSeed


def _type(code: str, label: str, group: str, form: str | None = None) -> LookupSeed:
    data: dict = {"group": group, "keywords": code.replace("_", " ")}
    if form:
        data["form"] = form
    return S(code, label, data=data)


TYPE_SEEDS = (
    _type(FLY_TIPPING, "Fly-tipping", "Rubbish", FLY_TIPPING),
    _type(ABANDONED_VEHICLE, "Abandoned vehicle", "Vehicles", ABANDONED_VEHICLE),
    _type("dog_fouling", "Dog fouling", "Street cleaning"),
    _type("graffiti", "Graffiti", "Street cleaning"),
    _type("litter", "Litter", "Street cleaning"),
    _type("noise", "Noise", "Nuisance"),
    _type("pests", "Pests", "Nuisance"),
    _type("missed_bin", "Missed bin", "Bins"),
)
TYPE_ATTRIBUTES = (
    LookupAttribute("group", "Open311 group the type is listed under."),
    LookupAttribute("keywords", "Open311 keywords, comma separated."),
    LookupAttribute("form", "Which details the type asks for.", kind="text", choices=FORMS),
)


def _status(
    code: str, label: str, open311: str, closed: bool = False, case_status: str = ""
) -> LookupSeed:
    data = {"open311": open311, "closed": closed}
    if case_status:
        data["case_status"] = case_status
    return S(code, label, data=data)


#: The case status a closing ticket status gives the ticket's case (its outcome), when
#: the status names none: core's.
DEFAULT_CASE_OUTCOME = "resolved"
#: The case status a reopened ticket's case goes back to (core's first open one).
REOPENED_CASE_STATUS = "open"


STATUS_SEEDS = (
    _status("open", "Open", "OPEN"),
    _status("investigating", "Investigating", "INVESTIGATING"),
    _status("in_progress", "In progress", "IN_PROGRESS"),
    _status("action_scheduled", "Action scheduled", "ACTION_SCHEDULED"),
    _status("fixed", "Fixed", "FIXED", True, "resolved"),
    _status("closed", "Closed", "CLOSED", True, "resolved"),
    _status("duplicate", "Duplicate", "DUPLICATE", True, "withdrawn"),
    _status(
        "not_councils_responsibility",
        "Not the council's responsibility",
        "NOT_COUNCILS_RESPONSIBILITY",
        True,
        "withdrawn",
    ),
    _status("no_further_action", "No further action", "NO_FURTHER_ACTION", True, "withdrawn"),
    _status("internal_referral", "Internal referral", "INTERNAL_REFERRAL", True, "withdrawn"),
)
OPEN311_CODES = (
    "OPEN",
    "INVESTIGATING",
    "IN_PROGRESS",
    "ACTION_SCHEDULED",
    "FIXED",
    "CLOSED",
    "DUPLICATE",
    "NOT_COUNCILS_RESPONSIBILITY",
    "NO_FURTHER_ACTION",
    "INTERNAL_REFERRAL",
)
STATUS_ATTRIBUTES = (
    LookupAttribute(
        "open311", "Status code sent to reporting sites.", kind="text", choices=OPEN311_CODES
    ),
    LookupAttribute("closed", "The status ends the ticket.", kind="boolean"),
    LookupAttribute(
        "case_status",
        "A closing status: the code of the core case status (the outcome) it closes the "
        "ticket's case with, e.g. resolved or withdrawn (default resolved).",
    ),
)
SIZE_SEEDS = (
    S("single_item", "Single item"),
    S("single_black_bag", "Single black bag"),
    S("car_boot", "Car boot or less"),
    S("small_van", "Small van load"),
    S("transit_van", "Transit van load"),
    S("tipper_lorry", "Tipper lorry load"),
    S("significant_multiple", "Significant/multiple loads"),
)
LAND_SEEDS = (
    S("highway", "Highway"),
    S("footpath_bridleway", "Footpath/bridleway"),
    S("back_alleyway", "Back alleyway"),
    S("railway", "Railway"),
    S("council_land", "Council land"),
    S("agricultural", "Agricultural"),
    S("private_residential", "Private/residential"),
    S("commercial_industrial", "Commercial/industrial"),
    S("watercourse_bank", "Watercourse/bank"),
    S("other", "Other (unidentified)"),
)
WASTE_SEEDS = (
    S("animal_carcass", "Animal carcass"),
    S("green", "Green"),
    S("vehicle_parts", "Vehicle parts"),
    S("white_goods", "White goods"),
    S("other_electrical", "Other electrical"),
    S("tyres", "Tyres"),
    S("asbestos", "Asbestos"),
    S("clinical", "Clinical"),
    S("construction_demolition", "Construction/demolition/excavation"),
    S("black_bags_commercial", "Black bags: commercial"),
    S("black_bags_household", "Black bags: household"),
    S("chemical_drums", "Chemical drums, oil, fuel"),
    S("other_household", "Other household waste"),
    S("other_commercial", "Other commercial waste"),
    S("other", "Other (unidentified)"),
)


def lookup_sets() -> list[LookupSetSpec]:
    problem = problem_lookup_sets(MODULE, demand_type=TYPE_SEEDS)
    types = [
        dataclasses.replace(
            spec,
            label="Ticket types",
            description="What street reports are about; "
            "each is also the demand type of the ticket's demand.",
            attributes=TYPE_ATTRIBUTES,
        )
        for spec in problem
    ]
    return [
        *types,
        LookupSetSpec(
            code=STATUS,
            label="Ticket statuses",
            description="Where a ticket is; `closed` statuses end it.",
            seeds=STATUS_SEEDS,
            attributes=STATUS_ATTRIBUTES,
        ),
        LookupSetSpec(
            code=SIZE,
            label="Fly-tipping sizes",
            description="Size categories of the national fly-tipping return.",
            seeds=SIZE_SEEDS,
        ),
        LookupSetSpec(
            code=LAND_TYPE,
            label="Fly-tipping land types",
            description="Land types of the national fly-tipping return.",
            seeds=LAND_SEEDS,
        ),
        LookupSetSpec(
            code=WASTE_TYPE,
            label="Fly-tipping waste types",
            description="Waste types of the national fly-tipping return.",
            seeds=WASTE_SEEDS,
        ),
    ]
