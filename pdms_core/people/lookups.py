"""Core's configurable lists for people, with the attributes code relies on.

``kind`` decides how a contact value is validated and searched; ``format`` names a
reference validator; ``inverse`` is the code of the relationship seen from the other
side; ``current_home`` marks the address role of which a person has exactly one.
"""

from __future__ import annotations

from pdms_core.records import LookupAttribute, LookupSeed, LookupSetSpec

CONTACT_DETAIL_TYPE = "contact_detail_type"
EXTERNAL_REFERENCE_TYPE = "external_reference_type"
ADDRESS_ROLE = "address_role"
RELATIONSHIP_TYPE = "relationship_type"

PEOPLE_LOOKUP_SETS = (
    LookupSetSpec(
        code=CONTACT_DETAIL_TYPE,
        label="Contact-detail types",
        description="Ways to reach a person; the kind decides how values are checked.",
        seeds=(
            LookupSeed("mobile", "Mobile phone", data={"kind": "phone"}),
            LookupSeed("landline", "Landline", data={"kind": "phone"}),
            LookupSeed("email", "Email", data={"kind": "email"}),
        ),
    ),
    LookupSetSpec(
        code=EXTERNAL_REFERENCE_TYPE,
        label="External reference types",
        description="References from other systems; each value is unique per type.",
        seeds=(
            LookupSeed("ni_number", "National Insurance number", data={"format": "ni_number"}),
            LookupSeed("nhs_number", "NHS number", data={"format": "nhs_number"}),
            LookupSeed("tenancy_reference", "Housing tenancy reference"),
            LookupSeed("council_tax_account", "Council tax account", data={"format": "digits"}),
        ),
    ),
    LookupSetSpec(
        code=ADDRESS_ROLE,
        label="Address roles",
        description="Why a person is linked to a place.",
        seeds=(
            LookupSeed("home", "Home", data={"current_home": True}),
            LookupSeed("correspondence", "Correspondence"),
            LookupSeed("temporary", "Temporary accommodation"),
        ),
    ),
    LookupSetSpec(
        code=RELATIONSHIP_TYPE,
        label="Relationship types",
        description="How two people are related; each type names its inverse.",
        attributes=(
            LookupAttribute(
                "inverse",
                "The type seen from the other person (tenant for landlord); a type "
                "without one is its own inverse (partner, neighbour).",
                kind="code",
            ),
        ),
        seeds=(
            LookupSeed("parent", "Parent of", data={"inverse": "child"}),
            LookupSeed("child", "Child of", data={"inverse": "parent"}),
            LookupSeed("partner", "Partner of", data={"inverse": "partner"}),
            LookupSeed("sibling", "Sibling of", data={"inverse": "sibling"}),
            LookupSeed("carer", "Carer of", data={"inverse": "cared_for"}),
            LookupSeed("cared_for", "Cared for by", data={"inverse": "carer"}),
        ),
    ),
)
