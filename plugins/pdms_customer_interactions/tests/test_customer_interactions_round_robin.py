"""Round robin under concurrency: handlers routing to the same team at the same instant
get different officers, in turn."""

from __future__ import annotations

import asyncio

import pytest
from customer_interactions_support import HANDLER, RECORD, RULE_MAKER, _insert, contact, prepared
from pdms_core.plugin import decode_id, global_id

SAVE = """
mutation($rules: [CustomerInteractionsRuleInput!]!) {
  customerInteractionsSaveRules(expectedVersion: 0, rules: $rules) { errors { field } }
}
"""
ROUTINGS = 4


async def _team_of_four(db) -> tuple[int, list[str]]:
    names = [f"Rota Officer {n}" for n in range(ROUTINGS)]
    async with db.sessionmaker() as session, session.begin():
        team = await _insert(
            session, "team", module="core", code="rota", name="Rota team", version=1, is_active=True
        )
        for n, name in enumerate(names):
            email = f"rota{n}@council.invalid"
            user = await _insert(
                session, "staff_user", email=email, email_key=email, display_name=name, version=1
            )
            await _insert(session, "team_membership", team_id=team, user_id=user)
    return team, names


async def _route(graphql) -> dict:
    given = contact(outcomeCode="case_opened", openCase={"summary": "At the same instant"})
    done = await graphql.as_actor(HANDLER).execute(RECORD, {"input": given})
    payload = done.ok()["customerInteractionsRecord"]
    assert payload["errors"] == []
    return payload


async def test_concurrent_round_robin_routings_pick_distinct_officers_in_turn(
    graphql, pdms_db, pdms_host
):
    if pdms_db.backend == "sqlite":
        # SQLite has one writer at a time, and a transaction that read before another
        # committed cannot write at all: concurrent mutations fail there, they don't race.
        pytest.skip("concurrent writers need PostgreSQL")
    await prepared(pdms_db, pdms_host)
    team, names = await _team_of_four(pdms_db)
    rules = [
        {
            "code": "rota",
            "targetKind": "TEAM",
            "teamId": global_id("Team", team),
            "choose": "ROUND_ROBIN",
        }
    ]
    saved = await graphql.as_actor(RULE_MAKER).execute(SAVE, {"rules": rules})
    assert saved.ok()["customerInteractionsSaveRules"]["errors"] == []

    # when four handlers route to the team at once, twice over
    for _ in range(2):
        payloads = await asyncio.gather(*(_route(graphql) for _ in range(ROUTINGS)))
        chosen = [p["routing"]["officerName"] for p in payloads]
        # then each officer gets one case
        assert sorted(chosen) == names
        # and in the order the cases were opened, the officers take their turn
        by_opening = sorted(payloads, key=lambda p: decode_id(p["case"]["id"], "Case"))
        assert [p["case"]["officer"]["displayName"] for p in by_opening] == names
