"""The data the executor oracle asks about: a small council, rent accounts, widgets.

The demo's ``small`` council (people, places, cases with demands, activities, intentions
and conditions), two weekly rent-arrears reports whose accounts sit on the council's
places and one tenant, and dummy widgets on two places, so that ``moduleRecords``
lists hold types of two modules. Then the global IDs and the strings (references,
UPRNs, names, codes) the queries' arguments are drawn from, read back through the API.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select

from pdms_core.plugin import Base, global_id
from pdms_core.testing.actors import staff
from tests.problems.test_portal_statements import seed_small_council
from tests.test_module_records import CREATE_WIDGET

REPORT_HEADERS = (
    "Account Ref,Tenant,Property Address,UPRN,Weekly Rent,Arrears Balance,"
    "Last Payment Date,Last Payment,UC,Patch"
)
REPORT_WEEKS = ("2026-09-07", "2026-09-14")  # Mondays
IMPORT = """
mutation($input: RentArrearsImportInput!) {
  rentArrearsImportReport(input: $input) { errors { code message } }
}
"""
#: One document reading the IDs and strings of every kind of record there is.
INVENTORY = """
{
  cases(first: 4) { nodes { id reference status { statusCode: code }
    officer { id teams { id } } team { id }
    demands { id type { id code } } activities { id } intentions { id }
    systemConditions { id } parties { person { id surname forenames } }
    places { place { id uprn postcode moduleRecords { id module } } } } }
  intentions(first: 3) { nodes { id } }
  systemConditions(first: 3) { nodes { id } }
  rentArrearsAccounts(first: 4) { nodes { id reference } }
  lookupSets(first: 4) { nodes { id lookupSetCode: code } }
  serviceStandards { id }
  staffUsers(first: 3) { nodes { id } }
  teams(first: 3) { nodes { id } }
  roles(first: 3) { nodes { id } }
  measures { measureName: name }
  modules { moduleName: name }
}
"""
#: Keys whose string values make good arguments (a reference, a UPRN, a code ...).
ARGUMENT_KEYS = {
    "reference",
    "uprn",
    "postcode",
    "surname",
    "statusCode",
    "lookupSetCode",
    "measureName",
    "moduleName",
}


@dataclass(frozen=True)
class OracleWorld:
    """What the generated queries' arguments are drawn from."""

    ids: tuple[str, ...]
    strings: tuple[str, ...]
    #: every permission the enabled modules declare
    permissions: tuple[str, ...]
    #: the IDs by the type they name (``Person``: the people's IDs)
    ids_by_type: dict[str, tuple[str, ...]]
    #: the strings by the inventory key they were read under (``uprn``: UPRNs)
    strings_by_key: dict[str, tuple[str, ...]]


async def build_oracle_world(graphql: Any, pdms_db: Any, pdms_host: Any) -> OracleWorld:
    await seed_small_council(pdms_host)
    everything = staff(*(p.code for p in pdms_host.permissions), name="Oracle Builder")
    client = graphql.as_actor(everything)
    places = await _places_with_uprns(pdms_db)
    await _rent_accounts(client, pdms_db, places[:3])
    for place_id, name in ((places[0][0], "Sprocket"), (places[1][0], "Flange")):
        made = await client.execute(CREATE_WIDGET, {"name": name, "placeId": place_id})
        assert made.ok()["dummyCreateWidget"]["errors"] == []
    inventory = (await client.execute(INVENTORY)).ok()
    found: dict[str, set[str]] = {}
    _collect(inventory, found)
    ids = found.pop("id")
    by_type: dict[str, set[str]] = {}
    for record in ids:
        by_type.setdefault(base64.b64decode(record).decode().split(":")[0], set()).add(record)
    return OracleWorld(
        ids=tuple(sorted(ids)),
        strings=tuple(sorted(set().union(*found.values()))),
        permissions=tuple(sorted(p.code for p in pdms_host.permissions)),
        ids_by_type={name: tuple(sorted(values)) for name, values in by_type.items()},
        strings_by_key={key: tuple(sorted(values)) for key, values in found.items()},
    )


async def _places_with_uprns(pdms_db: Any) -> list[tuple[str, str, str]]:
    """(global ID, UPRN, address) of the first places with a UPRN."""
    place = Base.metadata.tables["place"]
    async with pdms_db.sessionmaker() as session:
        rows = await session.execute(
            select(place.c.id, place.c.uprn, place.c.single_line_address)
            .where(place.c.uprn.is_not(None))
            .order_by(place.c.id)
            .limit(3)
        )
    return [(global_id("Place", row.id), str(row.uprn), row.single_line_address) for row in rows]


async def _rent_accounts(client: Any, pdms_db: Any, places: list[tuple[str, str, str]]) -> None:
    """Two weekly reports of three tenancies on ``places``; the first tenancy's
    reference also names a person, so the account is one of their module records."""
    await _tenancy_reference(pdms_db, "RA001")
    for week, report_date in enumerate(REPORT_WEEKS):
        lines = [REPORT_HEADERS]
        for n, (_, uprn, address) in enumerate(places, start=1):
            balance = 100.0 * n + 25.0 * week * (n - 1)
            universal_credit = "Y" if n == 2 else "N"
            lines.append(
                f'RA00{n},Tenant {n},"{address}",{uprn},95.50,{balance},'
                f"0{4 + week}/09/2026,95.50,{universal_credit},East"
            )
        content = base64.b64encode("\n".join(lines).encode()).decode()
        variables = {
            "input": {
                "fileName": f"week{week}.csv",
                "contentBase64": content,
                "reportDate": report_date,
            }
        }
        imported = await client.execute(IMPORT, variables)
        assert imported.ok()["rentArrearsImportReport"]["errors"] == [], imported.body


async def _tenancy_reference(pdms_db: Any, reference: str) -> None:
    tables = Base.metadata.tables
    values, sets = tables["lookup_value"], tables["lookup_set"]
    async with pdms_db.sessionmaker() as session, session.begin():
        tenancy = await session.scalar(
            select(values.c.id)
            .join(sets, sets.c.id == values.c.set_id)
            .where(sets.c.code == "external_reference_type", values.c.code == "tenancy_reference")
        )
        person = await session.scalar(select(tables["person"].c.id).order_by("id").limit(1))
        await session.execute(
            insert(tables["external_reference"]).values(
                person_id=person, type_id=tenancy, value=reference
            )
        )


def _collect(value: Any, found: dict[str, set[str]], key: str | None = None) -> None:
    if isinstance(value, dict):
        for inner_key, inner in value.items():
            _collect(inner, found, inner_key)
    elif isinstance(value, list):
        for item in value:
            _collect(item, found, key)
    elif isinstance(value, str) and (
        key == "id" or (key in ARGUMENT_KEYS and re.fullmatch(r"[\w .,'-]{1,40}", value))
    ):
        found.setdefault(key, set()).add(value)
