"""docs/first_hour.md runs as written: every GraphQL document with its variables, in order.

The guide's placeholders are filled from the answers before them, as a reader would:
``PASSWORD`` from ``pdms users create-admin``, ``PERSON_ID``, ``CASE_ID`` and
``DEMAND_ID`` from the mutations that created them. Literal versions in the guide are
checked, not filled in.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx

from pdms_core.testing.cli import run_pdms

GUIDE = Path(__file__).parent.parent / "docs" / "first_hour.md"
BLOCK = re.compile(r"```graphql\n(?P<document>.*?)```\s*```json\n(?P<variables>.*?)```", re.S)
EMAIL = "admin@demo-council.invalid"
#: placeholder -> where the answer that defines it keeps it
DEFINED_BY = {
    "PERSON_ID": ("createPerson", "person", "id"),
    "CASE_ID": ("openCase", "case", "id"),
    "DEMAND_ID": ("addDemand", "demand", "id"),
}


def guide_steps() -> list[tuple[str, str]]:
    return [(m["document"], m["variables"]) for m in BLOCK.finditer(GUIDE.read_text())]


async def _post(app: Any, document: str, variables: Any, token: str | None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://pdms.test") as http:
        response = await http.post(
            "/graphql", json={"query": document, "variables": variables}, headers=headers
        )
    assert response.status_code == 200, response.text
    return response.json()


def _fill(text: str, values: dict[str, str]) -> Any:
    for name, value in values.items():
        text = text.replace(name, value)
    return json.loads(text)


def _payload_errors(data: dict[str, Any]) -> list[Any]:
    return [
        e
        for payload in data.values()
        if isinstance(payload, dict)
        for e in payload.get("errors") or []
    ]


def test_the_guide_has_every_step():
    names = [re.search(r"(query|mutation) (\w+)", d)[2] for d, _ in guide_steps()]
    assert names == [
        "SignIn", "WhoAmI", "NewResident", "AddPhone", "FindResident",
        "OpenCase", "AddDemand", "RecordCall", "PersonPage",
    ]  # fmt: skip


async def test_every_step_of_the_guide_works_in_order(pdms_db, pdms_host, pdms_app):
    await run_pdms(pdms_host, "lookups", "sync")
    created = (
        await run_pdms(pdms_host, "users", "create-admin", "--email", EMAIL, "--generate-password")
    ).output
    values = {"PASSWORD": re.search(r"Password: (\S+)", created)[1]}
    token: str | None = None
    answers: dict[str, Any] = {}
    for document, variables in guide_steps():
        body = await _post(pdms_app, document, _fill(variables, values), token)
        assert "errors" not in body, body
        data = body["data"]
        assert _payload_errors(data) == [], data
        answers.update(data)
        if "login" in data:
            token = data["login"]["token"]
            assert token
        for name, (field, record, key) in DEFINED_BY.items():
            if field in data:
                values[name] = data[field][record][key]

    assert answers["viewer"]["email"] == EMAIL
    assert answers["addContactDetail"]["person"]["contactDetails"][0]["value"] == "07700 900123"
    found = answers["people"]["nodes"]
    assert found[0]["id"] == values["PERSON_ID"] and found[0]["fullName"] == "Ms Rowan Firthwood"
    assert answers["recordActivity"]["activity"]["totalMinutes"] == 55
    page = answers["node"]
    assert [c["reference"] for c in page["cases"]] == [answers["openCase"]["case"]["reference"]]
    kinds = {edge["node"]["kind"] for edge in page["timeline"]["edges"]}
    assert kinds >= {"CASE", "DEMAND", "ACTIVITY"}, kinds

    # What the guide says happens when a step goes wrong
    steps = dict((re.search(r"(?:query|mutation) (\w+)", d)[1], (d, v)) for d, v in guide_steps())
    sign_in, sign_in_vars = steps["SignIn"]
    wrong = await _post(pdms_app, sign_in, _fill(sign_in_vars, {"PASSWORD": "not-it"}), None)
    assert wrong["data"]["login"]["token"] is None
    assert [e["code"] for e in wrong["data"]["login"]["errors"]] == ["UNAUTHENTICATED"]

    phone, phone_vars = steps["AddPhone"]
    bad = _fill(phone_vars, values)
    bad["input"].update(value="12", expectedVersion=2)
    refused = (await _post(pdms_app, phone, bad, token))["data"]["addContactDetail"]["errors"]
    assert [(e["code"], e["field"]) for e in refused] == [("VALIDATION", "value")]

    call, call_vars = steps["RecordCall"]
    stale = await _post(pdms_app, call, _fill(call_vars, values), token)
    assert [e["code"] for e in stale["data"]["recordActivity"]["errors"]] == ["CONFLICT"]
