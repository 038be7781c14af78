"""The module's council-editable lists.

Service areas are the module's own demand types (``member_portal.demand_type``): each
enquiry's demand has its service area as type. A service area's ``directorate`` groups
it on the dashboard and ``response_days`` is its response standard in working days
(seeded 10). Divisions/wards are the members' electoral areas. Enquiry types say what
kind of enquiry it is (complaint, service request ...).
"""

from __future__ import annotations

import dataclasses

from pdms_core.plugin import LookupAttribute, LookupSeed, LookupSetSpec, problem_lookup_sets

MODULE = "member_portal"
SERVICE_AREA = "member_portal.demand_type"
ENQUIRY_TYPE = "member_portal.enquiry_type"
WARD = "member_portal.ward"
DEFAULT_RESPONSE_DAYS = 10

S = LookupSeed


def _area(code: str, label: str, directorate: str) -> LookupSeed:
    return S(code, label, data={"directorate": directorate, "response_days": 10})


SERVICE_AREA_SEEDS = (
    _area("highways", "Highways", "Place"),
    _area("waste", "Waste and recycling", "Place"),
    _area("parks", "Parks and open spaces", "Place"),
    _area("planning", "Planning", "Place"),
    _area("housing", "Housing", "People"),
    _area("adult_social_care", "Adult social care", "People"),
    _area("childrens_services", "Children's services", "People"),
    _area("council_tax", "Council tax and benefits", "Resources"),
    _area("environmental_health", "Environmental health", "Place"),
    _area("schools", "Schools and admissions", "People"),
)
AREA_ATTRIBUTES = (
    LookupAttribute("directorate", "The directorate the service area belongs to."),
    LookupAttribute(
        "response_days",
        "Response standard: working days from submission to the response.",
        kind="integer",
        minimum=1,
    ),
)
TYPE_SEEDS = (
    S("complaint", "Complaint"),
    S("service_request", "Service request"),
    S("information", "Request for information"),
    S("policy", "Policy query"),
    S("compliment", "Compliment"),
)
WARD_SEEDS = (
    S("north", "North division"),
    S("south", "South division"),
    S("east", "East division"),
    S("west", "West division"),
    S("central", "Central division"),
)


def lookup_sets() -> list[LookupSetSpec]:
    areas = [
        dataclasses.replace(
            spec,
            label="Member enquiry service areas",
            description="Where member enquiries go, each with its directorate and response "
            "standard; each is also the demand type of the enquiry's demand.",
            attributes=AREA_ATTRIBUTES,
        )
        for spec in problem_lookup_sets(MODULE, demand_type=SERVICE_AREA_SEEDS)
    ]
    return [
        *areas,
        LookupSetSpec(
            code=ENQUIRY_TYPE,
            label="Member enquiry types",
            description="What kind of enquiry a member raises.",
            seeds=TYPE_SEEDS,
        ),
        LookupSetSpec(
            code=WARD,
            label="Divisions and wards",
            description="The electoral divisions or wards elected members represent.",
            seeds=WARD_SEEDS,
        ),
    ]
