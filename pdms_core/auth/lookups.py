"""The configurable list of partner agencies that API keys are issued to."""

from __future__ import annotations

from pdms_core.records import LookupSeed, LookupSetSpec

AUTH_LOOKUP_SETS = (
    LookupSetSpec(
        code="partner_agency",
        label="Partner agencies",
        description="Agencies with a data-sharing agreement that may hold API keys.",
        seeds=(
            LookupSeed("police", "Police"),
            LookupSeed("health", "NHS / health"),
            LookupSeed("fire", "Fire and rescue"),
            LookupSeed("probation", "Probation service"),
            LookupSeed("housing_association", "Housing association"),
        ),
    ),
)
