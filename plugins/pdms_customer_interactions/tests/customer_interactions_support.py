"""Test support: a database with the declared lists, two teams of officers, a person
with a vulnerability reference, and places in two wards."""

from __future__ import annotations

from typing import Any

from pdms_core.plugin import Base, global_id
from pdms_core.testing.actors import staff
from pdms_core.testing.lookups import sync_declared_lookups
from sqlalchemy import insert, select

HANDLER = staff(
    "customer_interactions.interaction.read",
    "customer_interactions.interaction.record",
    "customer_interactions.rules.read",
    "core.cases.read",
    "core.cases.write",
    "core.people.read",
    "core.places.read",
    name="Hattie Handler",
)
RULE_MAKER = staff(
    "customer_interactions.rules.read", "customer_interactions.rules.manage", name="Rufus Rules"
)
READER = staff("customer_interactions.interaction.read", name="Rory Reader")
RECORDER = staff(
    "customer_interactions.interaction.read",
    "customer_interactions.interaction.record",
    name="Connie Contact",
)

RECORD = """
mutation($input: CustomerInteractionsRecordInput!) {
  customerInteractionsRecord(input: $input) {
    interaction { id nature callerWords channel { code } outcome { code }
                  failureReason { code } demandType { code } caseId demandId personId }
    case { id reference team { name } officer { displayName } demands { type { code } nature } }
    routing { ruleCode ruleBookVersion teamName officerName explanation
              steps { rule outcome reason } }
    errors { code field message }
  }
}
"""


async def _insert(session: Any, table: str, **values: Any) -> int:
    result = await session.execute(insert(Base.metadata.tables[table]).values(**values))
    return result.inserted_primary_key[0]


async def prepared(db: Any, host: Any) -> dict[str, Any]:
    """Lists synced; teams "street" (Sid, Sue) and "housing" (Hal); a flagged person."""
    await sync_declared_lookups(db, host)
    tables = Base.metadata.tables
    ids: dict[str, Any] = {}
    async with db.sessionmaker() as session, session.begin():
        for key, name in (("sid", "Sid Street"), ("sue", "Sue Street"), ("hal", "Hal Housing")):
            ids[key] = await _insert(
                session,
                "staff_user",
                email=f"{key}@council.invalid",
                email_key=f"{key}@council.invalid",
                display_name=name,
                version=1,
            )
        for key, name, members in (
            ("street", "Street scene", ("sid", "sue")),
            ("housing", "Housing options", ("hal",)),
            ("empty", "Empty team", ()),
        ):
            ids[key] = await _insert(
                session, "team", module="core", code=key, name=name, version=1, is_active=True
            )
            for member in members:
                await _insert(session, "team_membership", team_id=ids[key], user_id=ids[member])
        ids["person"] = await _insert(
            session, "person", forenames="Vera", surname="Vulnerable", version=1
        )
        ids["other_person"] = await _insert(
            session, "person", forenames="Otto", surname="Other", version=1
        )
        values, sets = tables["lookup_value"], tables["lookup_set"]
        ref_set = await session.scalar(
            select(sets.c.id).where(sets.c.code == "external_reference_type")
        )
        flag = await _insert(
            session,
            "lookup_value",
            set_id=ref_set,
            code="vulnerability_register",
            label="Vulnerability register",
            sort_order=99,
            is_active=True,
        )
        await _insert(
            session, "external_reference", person_id=ids["person"], type_id=flag, value="VR-1"
        )
        ids["place"] = await _insert(
            session,
            "place",
            single_line_address="1 Fictional Row, Testville, TV1 1AA",
            postcode="TV1 1AA",
            ward_code="E05000001",
            version=1,
        )
        ids["other_place"] = await _insert(
            session,
            "place",
            single_line_address="2 Imaginary Lane, Otherton, OX9 9ZZ",
            postcode="OX9 9ZZ",
            ward_code="E05000002",
            version=1,
        )
        _ = values
    return {
        **ids,
        "gid": {
            "sid": global_id("StaffUser", ids["sid"]),
            "sue": global_id("StaffUser", ids["sue"]),
            "hal": global_id("StaffUser", ids["hal"]),
            "street": global_id("Team", ids["street"]),
            "housing": global_id("Team", ids["housing"]),
            "empty": global_id("Team", ids["empty"]),
            "person": global_id("Person", ids["person"]),
            "other_person": global_id("Person", ids["other_person"]),
            "place": global_id("Place", ids["place"]),
            "other_place": global_id("Place", ids["other_place"]),
        },
    }


def contact(**overrides: Any) -> dict[str, Any]:
    base = {
        "channelCode": "phone",
        "demandTypeCode": "council_tax",
        "nature": "VALUE",
        "outcomeCode": "resolved_first_contact",
        "startedAt": "2026-12-01T10:15:00+00:00",
        "callerWords": "When is my bin collected?",
    }
    return {**base, **overrides}
