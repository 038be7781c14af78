"""Measures through core's `measure` query."""

from __future__ import annotations

from customer_interactions_support import HANDLER, RECORD, contact, prepared
from pdms_core.testing.actors import staff

MEASURE = """
query($name: String!) { measure(name: $name) { columns { name } rows } }
"""
MANAGER = staff("core.measures.read", name="Mandy Manager")


async def _record(graphql, **overrides):
    done = await graphql.as_actor(HANDLER).execute(RECORD, {"input": contact(**overrides)})
    assert done.ok()["customerInteractionsRecord"]["errors"] == []


async def _rows(graphql, name):
    done = await graphql.as_actor(MANAGER).execute(MEASURE, {"name": name})
    return done.ok()["measure"]["rows"]


async def test_first_contact_resolution_failure_demand_and_repeats(graphql, pdms_db, pdms_host):
    ids = await prepared(pdms_db, pdms_host)
    person = ids["gid"]["person"]
    # a contact resolved at first contact, a signposted one, and a chaser a week later
    await _record(graphql, personId=person, startedAt="2026-11-20T09:30:00+00:00")
    await _record(
        graphql,
        outcomeCode="signposted",
        channelCode="email",
        startedAt="2026-11-21T14:00:00+00:00",
    )
    await _record(
        graphql,
        personId=person,
        nature="FAILURE",
        failureReasonCode="chasing",
        startedAt="2026-11-27T09:45:00+00:00",
    )

    fcr = await _rows(graphql, "customer_interactions.first_contact_resolution")
    assert fcr == [["3", "2", "0.6667"]]
    failure = await _rows(graphql, "customer_interactions.failure_demand")
    assert failure == [["All failure demand", "1", "0.3333"], ["Chasing progress", "1", "0.3333"]]
    repeats = await _rows(graphql, "customer_interactions.repeat_callers")
    assert repeats == [["Council tax", "1", "1"]]
    by_hour = await _rows(graphql, "customer_interactions.contacts_by_channel_type_hour")
    assert by_hour == [["Email", "Council tax", "14", "1"], ["Phone", "Council tax", "9", "2"]]


async def test_a_case_moved_after_routing_counts_as_reassigned(graphql, pdms_db, pdms_host):
    ids = await prepared(pdms_db, pdms_host)
    g = ids["gid"]
    from customer_interactions_support import RULE_MAKER

    save = """mutation($rules: [CustomerInteractionsRuleInput!]!) {
      customerInteractionsSaveRules(expectedVersion: 0, rules: $rules) { errors { field } } }"""
    await graphql.as_actor(RULE_MAKER).execute(
        save, {"rules": [{"code": "street", "targetKind": "TEAM", "teamId": g["street"]}]}
    )
    for _ in range(2):
        await _record(graphql, outcomeCode="case_opened", openCase={})
    from pdms_core.plugin import Base
    from sqlalchemy import select, update

    cases = Base.metadata.tables["case_record"]
    async with pdms_db.sessionmaker() as session, session.begin():
        first = await session.scalar(select(cases.c.id).order_by(cases.c.id).limit(1))
        await session.execute(
            update(cases).where(cases.c.id == first).values(team_id=ids["housing"], officer_id=None)
        )
    rows = await _rows(graphql, "customer_interactions.reassigned_after_routing")
    assert rows == [["street", "2", "1", "0.5"]]
