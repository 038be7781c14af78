"""Core's own person references, declared through the same hook modules use."""

from __future__ import annotations

from pdms_core.merging.spec import PersonReference

CORE_PERSON_REFERENCES = (
    PersonReference("contact_detail"),
    PersonReference("external_reference"),
    PersonReference("person_address"),
    # A relationship between two people merged into one would relate the survivor to
    # themselves: dropped (and kept in the snapshot) instead.
    PersonReference("relationship", ("person_id", "related_person_id"), distinct=True),
    PersonReference("case_party"),
    PersonReference("activity_person"),
    PersonReference("task"),
    PersonReference("intention"),
    PersonReference("document", ("holder_id",), where=(("holder_type", "Person"),)),
)
