"""A small world of fictional people with every kind of reference a merge moves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pdms_rent_arrears.models import Account
from sqlalchemy import select

from pdms_core.activities.services import NewTask, record_activity
from pdms_core.auth.actor import SYSTEM
from pdms_core.cases.services import NewParty, open_case
from pdms_core.db.base import Base
from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.documents.services import add_document
from pdms_core.lookups.sync import sync_lookups
from pdms_core.people import addresses, relationships, services
from pdms_core.people.models import Person
from pdms_core.people.services import PersonFields
from pdms_core.places.models import Place

#: Never compared: the history of merges, and the audit trail, only grow.
NOT_DUMPED = {"audit_event", "person_merge", "person_merge_member", "person_merge_change"}


@dataclass
class World:
    ids: dict[str, int]

    def __getitem__(self, name: str) -> int:
        return self.ids[name]


async def version(session: Any, person_id: int) -> int:
    return await session.scalar(select(Person.version).where(Person.id == person_id))


async def build_world(db: Any, host: Any) -> World:
    """Ann (the survivor), her duplicates Anne and Annie, and Bob, who knows them."""
    async with unit_of_work(db.sessionmaker) as session:
        await sync_lookups(session, host.lookup_sets)
    ids: dict[str, int] = {}
    async with unit_of_work(db.sessionmaker) as s:
        for key, forenames in (
            ("ann", "Ann"),
            ("anne", "Anne"),
            ("annie", "Annie"),
            ("bob", "Bob"),
        ):
            person = await services.create_person(
                s,
                SYSTEM,
                PersonFields(
                    forenames=forenames, surname="Testperson", date_of_birth=date(1980, 2, 3)
                ),
            )
            ids[key] = person.id
        place = Place(uprn=900001, single_line_address="1 Test Row", postcode="ZZ9 9ZZ")
        s.add(place)
        await s.flush()
        ids["place"] = place.id
        anne = ids["anne"]
        await services.add_contact_detail(
            s,
            SYSTEM,
            person_id=anne,
            expected_version=await version(s, anne),
            type_code="email",
            value="anne@example.invalid",
            preferred=True,
        )
        await services.add_contact_detail(
            s,
            SYSTEM,
            person_id=ids["annie"],
            expected_version=await version(s, ids["annie"]),
            type_code="mobile",
            value="07700 900123",
            preferred=False,
        )
        await services.add_external_reference(
            s,
            SYSTEM,
            person_id=anne,
            expected_version=await version(s, anne),
            type_code="tenancy_reference",
            value="TEN-0001",
        )
        await addresses.add_address(
            s,
            SYSTEM,
            person_id=anne,
            expected_version=await version(s, anne),
            place_id=place.id,
            role_code="home",
            from_date=date(2020, 1, 1),
            to_date=None,
        )
        # Anne and Annie are siblings: merged into Ann, the pair would relate Ann to
        # herself. Anne and Bob are partners: that moves to Ann.
        await relationships.add_relationship(
            s,
            SYSTEM,
            person_id=anne,
            expected_version=await version(s, anne),
            related_person_id=ids["annie"],
            type_code="sibling",
        )
        await relationships.add_relationship(
            s,
            SYSTEM,
            person_id=anne,
            expected_version=await version(s, anne),
            related_person_id=ids["bob"],
            type_code="partner",
        )
        # Ann and Anne are both subjects of one case: a repeat once merged.
        case = await open_case(
            s,
            SYSTEM,
            module="core",
            known_modules={"core"},
            summary="Noise",
            parties=[
                NewParty(ids["ann"], "subject"),
                NewParty(anne, "subject"),
                NewParty(ids["annie"], "reporter"),
            ],
        )
        ids["case"] = case.id
        # Anne and Annie are both subjects of another: merged, the second is a repeat
        # of the first one moved.
        both = await open_case(
            s,
            SYSTEM,
            module="core",
            known_modules={"core"},
            summary="Leak",
            parties=[NewParty(anne, "subject"), NewParty(ids["annie"], "subject")],
        )
        ids["both"] = both.id
        activity = await record_activity(
            s,
            SYSTEM,
            case_id=case.id,
            expected_version=case.version,
            tasks=[NewTask("contact", "phone_call", 5, person_id=anne)],
            occurred_at=datetime(2024, 5, 6, 10, 0, tzinfo=UTC),
            person_ids=[ids["ann"], anne, ids["annie"]],
        )
        ids["activity"] = activity.id
        document = await add_document(
            s,
            actor=SYSTEM,
            holder_type="Person",
            holder_id=anne,
            filename="note.txt",
            content=b"A fictional note.",
            category="correspondence",
            settings=host.settings,
        )
        ids["document"] = document.id
        # A module's record: the rent arrears account of Anne's tenancy.
        account = Account(reference="TEN-0001", tenant_name="A Testperson", person_id=anne)
        s.add(account)
        await s.flush()
        ids["account"] = account.id
    return World(ids)


async def dump(db: Any, *, skip_versions: bool = True) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (but the history ones), in id order. Person versions
    are left out: they only move forward (see docs/merging.md)."""
    found = {}
    async with db.sessionmaker() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in NOT_DUMPED:
                continue
            columns = [
                c
                for c in table.columns
                if not (skip_versions and table.name == "person" and c.name == "version")
            ]
            rows = await session.execute(select(*columns).order_by(*table.primary_key.columns))
            found[table.name] = [tuple(row) for row in rows]
    return found
