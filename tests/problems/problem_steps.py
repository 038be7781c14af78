"""GraphQL documents and given/when steps shared by the problem-graph tests."""

from __future__ import annotations

from typing import Any

from pdms_core.auth.models import StaffUser, Team
from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.graphql.node import global_id
from pdms_core.places.models import Place

ERRORS = "errors { code field message }"
CASE_FIELDS = """
  id reference module version summary isClosed openedOn closedOn dueOn pausedSince
  status { code } team { name } officer { displayName }
  parties { id role { code } person { forenames } }
  places { id place { uprn postcode } }
  links { id note case { reference } }
  pauses { fromDate toDate reason workingDays }
"""
CASE_PAYLOAD = f"case {{ {CASE_FIELDS} }} {ERRORS}"
OPEN_CASE = f"mutation($i: OpenCaseInput!) {{ openCase(input: $i) {{ {CASE_PAYLOAD} }} }}"
UPDATE_CASE = f"""mutation($c: CaseVersionInput!, $i: UpdateCaseInput!) {{
  updateCase(case: $c, input: $i) {{ {CASE_PAYLOAD} }} }}"""
CHANGE_STATUS = f"""mutation($i: ChangeCaseStatusInput!) {{
  changeCaseStatus(input: $i) {{ {CASE_PAYLOAD} }} }}"""
PAUSE = f"mutation($i: CasePauseInput!) {{ pauseCase(input: $i) {{ {CASE_PAYLOAD} }} }}"
RESUME = f"mutation($i: CasePauseInput!) {{ resumeCase(input: $i) {{ {CASE_PAYLOAD} }} }}"
ADD_PARTY = f"mutation($i: AddCasePartyInput!) {{ addCaseParty(input: $i) {{ {CASE_PAYLOAD} }} }}"
ADD_PLACE = f"mutation($i: AddCasePlaceInput!) {{ addCasePlace(input: $i) {{ {CASE_PAYLOAD} }} }}"
LINK_CASES = f"mutation($i: LinkCasesInput!) {{ linkCases(input: $i) {{ {CASE_PAYLOAD} }} }}"
REMOVE_PARTY = f"""mutation($i: CaseRecordInput!) {{
  removeCaseParty(input: $i) {{ {CASE_PAYLOAD} }} }}"""
UNLINK_CASES = f"""mutation($i: CaseRecordInput!) {{
  unlinkCases(input: $i) {{ {CASE_PAYLOAD} }} }}"""
CASE = f"query($id: ID!) {{ case(id: $id) {{ {CASE_FIELDS} }} }}"

DEMAND_FIELDS = """
  id nature isPresenting receivedOn resolvedOn dueOn warnOn serviceState description whatMatters
  type { code } category { code } channel { code } strategicObjective { code }
  underlyingDemands { type { code } } presentingDemands { type { code } }
  case { version }
"""
DEMAND_PAYLOAD = f"demand {{ {DEMAND_FIELDS} }} {ERRORS}"
ADD_DEMAND = f"mutation($i: AddDemandInput!) {{ addDemand(input: $i) {{ {DEMAND_PAYLOAD} }} }}"
UPDATE_DEMAND = f"""mutation($d: DemandVersionInput!, $i: DemandInput!) {{
  updateDemand(demand: $d, input: $i) {{ {DEMAND_PAYLOAD} }} }}"""
RESOLVE_DEMAND = f"""mutation($d: DemandVersionInput!, $on: Date) {{
  resolveDemand(demand: $d, resolvedOn: $on) {{ {DEMAND_PAYLOAD} }} }}"""
LINK_CAUSE = f"""mutation($i: DemandCauseInput!) {{
  linkUnderlyingDemand(input: $i) {{ {DEMAND_PAYLOAD} }} }}"""
UNLINK_CAUSE = f"""mutation($i: DemandCauseInput!) {{
  unlinkUnderlyingDemand(input: $i) {{ {DEMAND_PAYLOAD} }} }}"""

ACTIVITY_FIELDS = """
  id occurredAt notes totalMinutes officer { displayName } people { forenames }
  tasks { minutes note category { code } task { code } person { forenames } }
  demand { type { code } } case { version }
"""
RECORD_ACTIVITY = f"""mutation($i: RecordActivityInput!) {{
  recordActivity(input: $i) {{ activity {{ {ACTIVITY_FIELDS} }} {ERRORS} }} }}"""
REMOVE_ACTIVITY = f"""mutation($i: ActivityVersionInput!) {{
  removeActivity(input: $i) {{ case {{ version }} {ERRORS} }} }}"""

INTENTION_FIELDS = """
  id version description dueOn status isOverdue completedOn completionNote
  type { code } officer { displayName } team { name } case { reference }
"""
INTENTION_PAYLOAD = f"intention {{ {INTENTION_FIELDS} }} {ERRORS}"
ADD_INTENTION = f"""mutation($i: AddIntentionInput!) {{
  addIntention(input: $i) {{ {INTENTION_PAYLOAD} }} }}"""
UPDATE_INTENTION = f"""mutation($n: IntentionVersionInput!, $i: IntentionInput!) {{
  updateIntention(intention: $n, input: $i) {{ {INTENTION_PAYLOAD} }} }}"""
COMPLETE_INTENTION = f"""mutation($n: IntentionVersionInput!, $on: Date, $note: String! = "") {{
  completeIntention(intention: $n, onDate: $on, note: $note) {{ {INTENTION_PAYLOAD} }} }}"""
CANCEL_INTENTION = f"""mutation($n: IntentionVersionInput!) {{
  cancelIntention(intention: $n, note: "Not needed") {{ {INTENTION_PAYLOAD} }} }}"""
INTENTIONS = """query($f: IntentionFilterInput, $first: Int) {
  intentions(filter: $f, first: $first) {
    nodes { description dueOn status isOverdue } pageInfo { hasNextPage endCursor } } }"""

CONDITION_FIELDS = """
  id version module description raisedOn resolvedOn casesAffected minutesLost type { code }
  effects { id minutesLost case { reference } demand { type { code } } activity { notes } }
"""
CONDITION_PAYLOAD = f"systemCondition {{ {CONDITION_FIELDS} }} {ERRORS}"
RAISE_CONDITION = f"""mutation($i: RaiseSystemConditionInput!) {{
  raiseSystemCondition(input: $i) {{ {CONDITION_PAYLOAD} }} }}"""
LINK_CONDITION = f"""mutation($i: LinkSystemConditionInput!) {{
  linkSystemCondition(input: $i) {{ {CONDITION_PAYLOAD} }} }}"""
UNLINK_CONDITION = f"""mutation($i: SystemConditionEffectInput!) {{
  unlinkSystemCondition(input: $i) {{ {CONDITION_PAYLOAD} }} }}"""
UPDATE_CONDITION = f"""mutation($c: SystemConditionVersionInput!, $d: String, $on: Date) {{
  updateSystemCondition(condition: $c, description: $d, resolvedOn: $on) {{
    {CONDITION_PAYLOAD} }} }}"""

SET_STANDARD = f"""mutation($i: SetServiceStandardInput!) {{
  setServiceStandard(input: $i) {{
    serviceStandard {{ id version module targetDays warningDays appliesTo {{ code }} }}
    {ERRORS} }} }}"""

CREATE_PERSON = """mutation($i: PersonInput!) { createPerson(input: $i) {
  person { id } errors { code message } } }"""


def ok_payload(result: Any, name: str) -> dict[str, Any]:
    """The payload of mutation ``name``, asserting it reported no errors."""
    payload = result.ok()[name]
    assert payload["errors"] == [], payload["errors"]
    return payload


def first_error(result: Any, name: str) -> tuple[str, str | None]:
    payload = result.ok()[name]
    assert payload["errors"], payload
    return payload["errors"][0]["code"], payload["errors"][0]["field"]


async def given_person(client: Any, forenames: str, surname: str = "Testfield") -> str:
    result = await client.execute(
        CREATE_PERSON, {"i": {"forenames": forenames, "surname": surname}}
    )
    return ok_payload(result, "createPerson")["person"]["id"]


async def given_place(
    db: Any, uprn: int, postcode: str = "ZZ9 9ZZ", ward: str | None = None
) -> str:
    async with unit_of_work(db.sessionmaker) as session:
        place = Place(
            uprn=uprn, single_line_address=f"{uprn} Example Row", postcode=postcode, ward_code=ward
        )
        session.add(place)
    return global_id("Place", place.id)


async def given_officer(db: Any, name: str, email: str, active: bool = True) -> str:
    async with unit_of_work(db.sessionmaker) as session:
        officer = StaffUser(
            email=email, email_key=email.lower(), display_name=name, is_active=active
        )
        session.add(officer)
    return global_id("StaffUser", officer.id)


async def given_team(db: Any, name: str, module: str = "core", email: str | None = None) -> str:
    async with unit_of_work(db.sessionmaker) as session:
        team = Team(module=module, code=name.lower().replace(" ", "_"), name=name, email=email)
        session.add(team)
    return global_id("Team", team.id)


async def open_case(client: Any, **given: Any) -> dict[str, Any]:
    result = await client.execute(OPEN_CASE, {"i": given})
    return ok_payload(result, "openCase")["case"]


async def add_demand(
    client: Any, case: dict[str, Any], version: int, **demand: Any
) -> dict[str, Any]:
    presenting = demand.pop("presenting_demand_id", None)
    variables = {"caseId": case["id"], "expectedVersion": version, "demand": demand}
    if presenting:
        variables["presentingDemandId"] = presenting
    result = await client.execute(ADD_DEMAND, {"i": variables})
    return ok_payload(result, "addDemand")["demand"]
