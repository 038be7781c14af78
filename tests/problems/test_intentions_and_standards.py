"""Intentions, service standards in working days, pauses, breaches and reminders."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from click.testing import CliRunner
from sqlalchemy import select

from pdms_core.cli import build_cli
from pdms_core.cli.context import CliState
from pdms_core.notifications.models import OutboxMessage
from pdms_core.standards.working_days import add_working_days, working_days_between
from pdms_core.today import today
from problems.problem_steps import (
    ADD_INTENTION,
    CANCEL_INTENTION,
    CHANGE_STATUS,
    COMPLETE_INTENTION,
    INTENTIONS,
    PAUSE,
    RESOLVE_DEMAND,
    RESUME,
    SET_STANDARD,
    UPDATE_INTENTION,
    add_demand,
    first_error,
    given_officer,
    given_team,
    ok_payload,
    open_case,
)

BREACHES = """query($asOf: Date, $all: Boolean! = false) {
  serviceBreaches(asOf: $asOf, includeResolved: $all) { nodes { dueOn type { code } } } }"""
DEMAND_STATE = "query($id: ID!) { node(id: $id) { ... on Demand { dueOn warnOn serviceState } } }"


def test_working_days_skip_weekends_and_england_and_wales_bank_holidays():
    # Friday 18 Dec 2026 + 5 working days: Mon 21 .. Thu 24, then Christmas (Fri 25),
    # the weekend and the Boxing Day substitute (Mon 28) are skipped: Tue 29 Dec.
    assert add_working_days(date(2026, 12, 18), 5) == date(2026, 12, 29)
    # Maundy Thursday 2026 + 1: Good Friday and Easter Monday are bank holidays.
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)
    assert working_days_between(date(2026, 4, 2), date(2026, 4, 7)) == 1
    assert working_days_between(date(2026, 4, 7), date(2026, 4, 2)) == 0


async def test_a_standard_gives_due_dates_and_a_pause_moves_them_on(caseworker):
    standard = ok_payload(
        await caseworker.execute(
            SET_STANDARD,
            {"i": {"kind": "DEMAND_TYPE", "code": "repairs", "targetDays": 10, "warningDays": 8}},
        ),
        "setServiceStandard",
    )["serviceStandard"]
    assert standard["appliesTo"]["code"] == "repairs" and standard["module"] == "core"

    case = await open_case(caseworker, openedOn="2026-11-02")
    demand = await add_demand(
        caseworker, case, 1, typeCode="repairs", nature="VALUE", receivedOn="2026-11-02"
    )
    # Monday 2 Nov + 10 working days = Monday 16 Nov; warning after 8 = Thursday 12 Nov
    assert (demand["dueOn"], demand["warnOn"]) == ("2026-11-16", "2026-11-12")

    paused = ok_payload(
        await caseworker.execute(
            PAUSE,
            {
                "i": {
                    "id": case["id"],
                    "expectedVersion": 2,
                    "onDate": "2026-11-04",
                    "reason": "Waiting for the tenant's photos",
                }
            },
        ),
        "pauseCase",
    )["case"]
    assert paused["pausedSince"] == "2026-11-04"
    twice = await caseworker.execute(PAUSE, {"i": {"id": case["id"], "expectedVersion": 3}})
    assert first_error(twice, "pauseCase") == ("NOT_ALLOWED", "caseId")

    resumed = ok_payload(
        await caseworker.execute(
            RESUME, {"i": {"id": case["id"], "expectedVersion": 3, "onDate": "2026-11-09"}}
        ),
        "resumeCase",
    )["case"]
    # Wed 4 -> Mon 9 Nov stopped the clock for 3 working days (Thu, Fri, Mon)
    assert resumed["pauses"] == [
        {
            "fromDate": "2026-11-04",
            "toDate": "2026-11-09",
            "reason": "Waiting for the tenant's photos",
            "workingDays": 3,
        }
    ]
    moved = (await caseworker.execute(DEMAND_STATE, {"id": demand["id"]})).ok()["node"]
    assert (moved["dueOn"], moved["warnOn"]) == ("2026-11-19", "2026-11-17")
    assert resumed["pausedSince"] is None and resumed["dueOn"] == "2026-11-19"

    # judged on 20 Nov the unresolved demand has breached; on 19 Nov it has not
    late = (await caseworker.execute(BREACHES, {"asOf": "2026-11-20"})).ok()
    assert late["serviceBreaches"]["nodes"] == [
        {"dueOn": "2026-11-19", "type": {"code": "repairs"}}
    ]
    on_time = (await caseworker.execute(BREACHES, {"asOf": "2026-11-19"})).ok()
    assert on_time["serviceBreaches"]["nodes"] == []


async def test_standards_are_validated_and_versioned(caseworker):
    async def attempt(**given):
        base = {"kind": "DEMAND_TYPE", "code": "debt", "targetDays": 5, "warningDays": 3}
        return await caseworker.execute(SET_STANDARD, {"i": {**base, **given}})

    assert first_error(await attempt(targetDays=0), "setServiceStandard") == (
        "VALIDATION",
        "targetDays",
    )
    assert first_error(await attempt(warningDays=6), "setServiceStandard") == (
        "VALIDATION",
        "warningDays",
    )
    assert first_error(await attempt(code="widget_fault"), "setServiceStandard") == (
        "VALIDATION",
        "code",
    )
    created = ok_payload(await attempt(), "setServiceStandard")["serviceStandard"]
    changed = ok_payload(
        await attempt(targetDays=7, expectedVersion=created["version"]), "setServiceStandard"
    )["serviceStandard"]
    assert changed["targetDays"] == 7 and changed["id"] == created["id"]
    stale = await attempt(targetDays=9, expectedVersion=created["version"])
    assert first_error(stale, "setServiceStandard") == ("CONFLICT", "expectedVersion")
    # a module sharing core's list keeps its own target
    dummy = ok_payload(await attempt(module="dummy", code="widget_fault"), "setServiceStandard")
    assert dummy["serviceStandard"]["module"] == "dummy"


async def test_intentions_due_overdue_complete_and_the_closing_rule(caseworker, synced):
    officer = await given_officer(synced, "Nia Officer", "nia@council.example")
    case = await open_case(caseworker)
    yesterday = (today() - timedelta(days=1)).isoformat()
    soon = add_working_days(today(), 1).isoformat()

    async def add(description, due_on):
        result = await caseworker.execute(
            ADD_INTENTION,
            {
                "i": {
                    "caseId": case["id"],
                    "typeCode": "call_back",
                    "intention": {
                        "description": description,
                        "dueOn": due_on,
                        "officerId": officer,
                    },
                }
            },
        )
        return ok_payload(result, "addIntention")["intention"]

    overdue = await add("Ring back about the payment plan", yesterday)
    due_soon = await add("Check the direct debit", soon)
    assert overdue["isOverdue"] is True and due_soon["isOverdue"] is False
    assert overdue["officer"]["displayName"] == "Nia Officer"

    listed = (await caseworker.execute(INTENTIONS, {"f": {"due": "OVERDUE"}})).ok()
    assert [n["description"] for n in listed["intentions"]["nodes"]] == [
        "Ring back about the payment plan"
    ]
    listed = (await caseworker.execute(INTENTIONS, {"f": {"due": "DUE_SOON"}})).ok()
    assert [n["description"] for n in listed["intentions"]["nodes"]] == ["Check the direct debit"]

    # the core "resolved" status forbids closing with open intentions
    refused = await caseworker.execute(
        CHANGE_STATUS, {"i": {"id": case["id"], "expectedVersion": 1, "statusCode": "resolved"}}
    )
    assert first_error(refused, "changeCaseStatus") == ("NOT_ALLOWED", "statusCode")

    unassigned = await caseworker.execute(
        UPDATE_INTENTION,
        {"n": {"id": overdue["id"], "expectedVersion": 1}, "i": {"officerId": None}},
    )
    assert first_error(unassigned, "updateIntention") == ("VALIDATION", "officerId")
    done = ok_payload(
        await caseworker.execute(
            COMPLETE_INTENTION,
            {"n": {"id": overdue["id"], "expectedVersion": 1}, "note": "Agreed £5 a week"},
        ),
        "completeIntention",
    )["intention"]
    assert done["status"] == "DONE" and done["completionNote"] == "Agreed £5 a week"
    twice = await caseworker.execute(
        COMPLETE_INTENTION, {"n": {"id": overdue["id"], "expectedVersion": 2}}
    )
    assert first_error(twice, "completeIntention") == ("NOT_ALLOWED", "id")
    ok_payload(
        await caseworker.execute(
            CANCEL_INTENTION, {"n": {"id": due_soon["id"], "expectedVersion": 1}}
        ),
        "cancelIntention",
    )
    closed = ok_payload(
        await caseworker.execute(
            CHANGE_STATUS,
            {"i": {"id": case["id"], "expectedVersion": 1, "statusCode": "resolved"}},
        ),
        "changeCaseStatus",
    )["case"]
    assert closed["isClosed"] is True
    late = await caseworker.execute(
        ADD_INTENTION,
        {
            "i": {
                "caseId": case["id"],
                "typeCode": "call_back",
                "intention": {"dueOn": soon, "officerId": officer},
            }
        },
    )
    assert first_error(late, "addIntention") == ("NOT_ALLOWED", "caseId")


async def test_an_intention_type_standard_gives_the_due_date(caseworker, synced):
    team = await given_team(synced, "Income Team")
    ok_payload(
        await caseworker.execute(
            SET_STANDARD,
            {"i": {"kind": "INTENTION_TYPE", "code": "review", "targetDays": 3, "warningDays": 2}},
        ),
        "setServiceStandard",
    )
    case = await open_case(caseworker)
    result = await caseworker.execute(
        ADD_INTENTION,
        {"i": {"caseId": case["id"], "typeCode": "review", "intention": {"teamId": team}}},
    )
    intention = ok_payload(result, "addIntention")["intention"]
    assert intention["dueOn"] == add_working_days(today(), 3).isoformat()
    assert intention["team"]["name"] == "Income Team"
    no_standard = await caseworker.execute(
        ADD_INTENTION,
        {"i": {"caseId": case["id"], "typeCode": "visit", "intention": {"teamId": team}}},
    )
    assert first_error(no_standard, "addIntention") == ("VALIDATION", "dueOn")


async def test_reminders_run_queues_each_reminder_once(caseworker, synced, pdms_host):
    officer = await given_officer(synced, "Remy Officer", "remy@council.example")
    team = await given_team(synced, "Rent Team", email="rent.team@council.example")
    case = await open_case(caseworker)
    for due_on, assignee in (
        ("2026-11-02", {"officerId": officer}),  # overdue on 10 Nov
        ("2026-11-11", {"teamId": team}),  # due soon on 10 Nov
        ("2026-12-01", {"officerId": officer}),  # not yet
    ):
        ok_payload(
            await caseworker.execute(
                ADD_INTENTION,
                {
                    "i": {
                        "caseId": case["id"],
                        "typeCode": "call_back",
                        "intention": {"dueOn": due_on, **assignee},
                    }
                },
            ),
            "addIntention",
        )
    cli = build_cli(CliState.for_host(pdms_host))

    def run() -> str:
        result = CliRunner().invoke(cli, ["reminders", "run", "--as-of", "2026-11-10"])
        assert result.exit_code == 0, result.output
        return result.output

    assert "2 queued, 0 already queued" in await asyncio.to_thread(run)
    assert "0 queued, 2 already queued" in await asyncio.to_thread(run)
    async with synced.sessionmaker() as session:
        messages = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    assert [(m.kind, m.recipient) for m in messages] == [
        ("intention_overdue", "remy@council.example"),
        ("intention_due_soon", "rent.team@council.example"),
    ]
    assert messages[0].subject.startswith(case["reference"])
    assert "Testfield" not in messages[0].body  # no personal data in email


async def test_reminders_run_warns_about_demands_at_risk_or_breached_and_overdue_cases(
    caseworker, synced, pdms_host
):
    ok_payload(
        await caseworker.execute(
            SET_STANDARD,
            {"i": {"kind": "DEMAND_TYPE", "code": "repairs", "targetDays": 10, "warningDays": 8}},
        ),
        "setServiceStandard",
    )
    officer = await given_officer(synced, "Sal Standard", "sal@council.example")
    team = await given_team(synced, "Repairs Team", email="repairs.team@council.example")
    # due Monday 16 Nov, at risk from Thursday 12 Nov
    mine = await open_case(caseworker, openedOn="2026-11-02", officerId=officer)
    demand = await add_demand(
        caseworker, mine, 1, typeCode="repairs", nature="VALUE", receivedOn="2026-11-02"
    )
    teams = await open_case(caseworker, openedOn="2026-11-02", teamId=team)
    await add_demand(
        caseworker, teams, 1, typeCode="repairs", nature="VALUE", receivedOn="2026-11-02"
    )
    paused = await open_case(caseworker, openedOn="2026-11-02", officerId=officer)
    await add_demand(
        caseworker, paused, 1, typeCode="repairs", nature="VALUE", receivedOn="2026-11-02"
    )
    ok_payload(
        await caseworker.execute(
            PAUSE, {"i": {"id": paused["id"], "expectedVersion": 2, "onDate": "2026-11-03"}}
        ),
        "pauseCase",
    )
    cli = build_cli(CliState.for_host(pdms_host))

    def run(day: str) -> str:
        result = CliRunner().invoke(cli, ["reminders", "run", "--as-of", day])
        assert result.exit_code == 0, result.output
        return result.output

    assert "Service-standard warnings: 0 about demands" in await asyncio.to_thread(
        run, "2026-11-11"
    )
    assert "2 about demands and 0 about cases queued, 0 already" in await asyncio.to_thread(
        run, "2026-11-12"
    )
    assert "0 about demands and 0 about cases queued, 2 already" in await asyncio.to_thread(
        run, "2026-11-13"
    )
    # breached on the 17th; the case is overdue too, but the breach already says so
    assert "2 about demands and 0 about cases queued" in await asyncio.to_thread(run, "2026-11-17")
    # dealt with late, left open: now the case itself is overdue
    ok_payload(
        await caseworker.execute(
            RESOLVE_DEMAND, {"d": {"id": demand["id"], "expectedVersion": 2}, "on": "2026-11-17"}
        ),
        "resolveDemand",
    )
    assert "0 about demands and 1 about cases queued" in await asyncio.to_thread(run, "2026-11-18")
    async with synced.sessionmaker() as session:
        messages = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    assert [(m.kind, m.recipient, m.subject.split(":")[0]) for m in messages] == [
        ("demand_at_risk", "sal@council.example", mine["reference"]),
        ("demand_at_risk", "repairs.team@council.example", teams["reference"]),
        ("demand_breached", "sal@council.example", mine["reference"]),
        ("demand_breached", "repairs.team@council.example", teams["reference"]),
        ("case_overdue", "sal@council.example", mine["reference"]),
    ]
    assert "Testfield" not in " ".join(m.body for m in messages)
