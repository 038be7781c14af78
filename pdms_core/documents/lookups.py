"""Core's document lists (council-editable), permissions and holders."""

from __future__ import annotations

from pdms_core.records import DocumentHolder, LookupAttribute, LookupSeed, LookupSetSpec, Permission

CATEGORY = "document_category"
RETENTION = "document_retention"
#: The retention attribute: whole years a document is kept after its upload.
YEARS = "years"

READ = "core.document.read"
UPLOAD = "core.document.upload"
DELETE = "core.document.delete"

DOCUMENT_PERMISSIONS = (
    Permission(
        READ,
        "See documents and download them, on records the user may read.",
    ),
    Permission(UPLOAD, "Upload documents to records the user may read."),
    Permission(
        DELETE,
        "Delete documents on records the user may read (purged for good after a grace "
        "period by `pdms documents purge`).",
    ),
)

DOCUMENT_LOOKUP_SETS = (
    LookupSetSpec(
        code=CATEGORY,
        label="Document categories",
        description="What a document is: a letter, a photo, evidence ...",
        seeds=(
            LookupSeed("correspondence", "Correspondence"),
            LookupSeed("letter", "Letter sent"),
            LookupSeed("evidence", "Evidence"),
            LookupSeed("photo", "Photograph"),
            LookupSeed("certificate", "Certificate"),
            LookupSeed("form", "Form"),
            LookupSeed("identity", "Proof of identity"),
            LookupSeed("report", "Report"),
            LookupSeed("other", "Other"),
        ),
    ),
    LookupSetSpec(
        code=RETENTION,
        label="Document retention classes",
        description="How long documents are kept after upload; `pdms documents purge` "
        "removes them once that time has passed. The first active class is the default.",
        attributes=(
            LookupAttribute(
                YEARS,
                "Whole years a document is kept after its upload; empty: kept until deleted.",
                kind="integer",
                minimum=0,
            ),
        ),
        seeds=(
            LookupSeed("standard", "Standard: 6 years", data={YEARS: 6}),
            LookupSeed("short", "Short: 2 years", data={YEARS: 2}),
            LookupSeed("long", "Long: 15 years", data={YEARS: 15}),
            LookupSeed("permanent", "Permanent: until deleted"),
        ),
    ),
)


def core_document_holders() -> list[DocumentHolder]:
    """Person, Place, Case, Demand and Activity hold documents (models imported here,
    when the host asks, never for ``--help``)."""
    from pdms_core.activities.models import Activity
    from pdms_core.cases.models import CaseRecord
    from pdms_core.demands.models import Demand
    from pdms_core.people.models import Person
    from pdms_core.places.models import Place

    return [
        DocumentHolder("Person", Person, "core.people.read"),
        DocumentHolder("Place", Place, "core.places.read"),
        DocumentHolder("Case", CaseRecord, "core.cases.read"),
        DocumentHolder("Demand", Demand, "core.cases.read"),
        DocumentHolder("Activity", Activity, "core.cases.read"),
    ]
