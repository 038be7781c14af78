"""Profiling rules a council adds: no thresholds flag nobody; thresholds are set through
the API, checked, and kept by `pdms lookups sync`."""

from __future__ import annotations

from rent_arrears_support import (
    HEADERS,
    OFFICER,
    WEEKS,
    Tenancy,
    prepared_database,
    report_rows,
    upload_file,
    write_xlsx,
)

from pdms_core.testing.actors import staff
from pdms_core.testing.lookups import sync_declared_lookups

ADMIN = staff("core.lookups.read", "core.lookups.manage", name="Lookup Admin")
TENANCIES = [
    Tenancy("RA901", "Ivy Example", "1 Rule Road", "", 100, (150,)),
    Tenancy("RA902", "Jay Example", "2 Rule Road", "", 100, (450,)),
]
VALUE = "lookupValue { id version } errors { code field message }"
ADD = f"mutation($i: AddLookupValueInput!) {{ addLookupValue(input: $i) {{ {VALUE} }} }}"
SET = f"""mutation($i: SetLookupValueAttributesInput!) {{
  setLookupValueAttributes(input: $i) {{ {VALUE} }} }}"""
FLAGS = """query($ref: String!) { rentArrearsAccount(reference: $ref) { flags { code } } }"""


async def _flagged(officer, code: str) -> list[str]:
    found = []
    for tenancy in TENANCIES:
        answer = await officer.execute(FLAGS, {"ref": tenancy.reference})
        flags = [f["code"] for f in answer.ok()["rentArrearsAccount"]["flags"]]
        if code in flags:
            found.append(tenancy.reference)
    return found


async def test_a_council_rule_flags_by_the_thresholds_it_is_given(
    graphql, pdms_db, pdms_host, tmp_path
):
    await prepared_database(pdms_db, pdms_host)
    officer, admin = graphql.as_actor(OFFICER), graphql.as_actor(ADMIN)
    path = write_xlsx(tmp_path / "w0.xlsx", HEADERS, report_rows(TENANCIES, 0))
    assert (await upload_file(officer, path, WEEKS[0]))["rowErrors"] == []
    # given a rule the council added without thresholds: it flags nobody
    rule = {"setCode": "rent_arrears.profile_rule", "code": "four_weeks", "label": "4+ weeks"}
    added = (await admin.execute(ADD, {"i": rule})).ok()["addLookupValue"]
    assert added["errors"] == []
    assert await _flagged(officer, "four_weeks") == []
    # a threshold that is not a number is refused, naming the field
    value = {"id": added["lookupValue"]["id"], "expectedVersion": 1}
    bad = [{"name": "min_weeks_in_arrears", "value": "four"}]
    refused = (await admin.execute(SET, {"i": {**value, "attributes": bad}})).ok()
    assert [e["field"] for e in refused["setLookupValueAttributes"]["errors"]] == ["attributes"]
    # when it is given four weeks, it flags the account owing 4.5 weeks only
    good = [{"name": "min_weeks_in_arrears", "value": "4"}]
    done = (await admin.execute(SET, {"i": {**value, "attributes": good}})).ok()
    assert done["setLookupValueAttributes"]["errors"] == []
    assert await _flagged(officer, "four_weeks") == ["RA902"]
    # and a sync keeps the council's seeded-rule edits and its own rule as they are
    await sync_declared_lookups(pdms_db, pdms_host)
    assert await _flagged(officer, "four_weeks") == ["RA902"]


async def test_the_seeded_rules_declare_their_thresholds(graphql, pdms_db, pdms_host):
    await sync_declared_lookups(pdms_db, pdms_host)
    answer = await graphql.as_actor(ADMIN).execute(
        '{ lookupSet(code: "rent_arrears.profile_rule") { attributes { name kind } } }'
    )
    names = [(a["name"], a["kind"]) for a in answer.ok()["lookupSet"]["attributes"]]
    assert ("min_weeks_in_arrears", "number") in names and ("segment", "text") in names
