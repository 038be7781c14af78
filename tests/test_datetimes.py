"""Timestamps are aware UTC on SQLite as on PostgreSQL: written, read, filtered, served.

SQLite keeps no offset, so before ``UtcDateTime`` the same row read back naive there and
aware on PostgreSQL, and GraphQL served ``…+00:00`` on one database only.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from problems.conftest import CASEWORKER
from problems.problem_steps import RECORD_ACTIVITY, ok_payload, open_case
from security.conftest import Staff, bearer
from sqlalchemy import select

from pdms_core.activities.models import Activity
from pdms_core.audit.models import AuditEvent
from pdms_core.auth.models import StaffSession
from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.graphql.node import decode_id
from pdms_core.lookups.sync import sync_lookups
from pdms_core.people.models import Person
from pdms_core.plugin import insert_rows

#: What strawberry makes of an aware UTC datetime: ISO 8601 with an explicit +00:00.
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$")
ACTIVITY = "query($id: ID!) { node(id: $id) { ... on Activity { occurredAt } } }"
MY_SESSIONS = "{ mySessions { createdAt lastSeenAt expiresAt } }"
AUDIT = """query($since: DateTime, $until: DateTime) {
  auditEvents(filter: {since: $since, until: $until}) { edges { node { at action } } } }"""


async def _synced(db, host):
    async with unit_of_work(db.sessionmaker) as session:
        await sync_lookups(session, host.lookup_sets)


async def test_an_activity_time_comes_back_as_the_same_moment_in_utc(graphql, pdms_db, pdms_host):
    await _synced(pdms_db, pdms_host)
    caseworker = graphql.as_actor(CASEWORKER)
    case = await open_case(caseworker)
    # Given in British Summer Time: stored and served as the same moment in UTC.
    given = "2026-07-03T10:15:30.250000+01:00"
    result = await caseworker.execute(
        RECORD_ACTIVITY,
        {
            "i": {
                "caseId": case["id"],
                "expectedVersion": 1,
                "occurredAt": given,
                "tasks": [{"categoryCode": "contact", "minutes": 5}],
            }
        },
    )
    activity = ok_payload(result, "recordActivity")["activity"]
    assert activity["occurredAt"] == "2026-07-03T09:15:30.250000+00:00"
    read = (await caseworker.execute(ACTIVITY, {"id": activity["id"]})).ok()["node"]
    assert read["occurredAt"] == "2026-07-03T09:15:30.250000+00:00"

    async with pdms_db.sessionmaker() as session:
        row = await session.get(Activity, decode_id(activity["id"], "Activity"))
        assert row.occurred_at.tzinfo is UTC
        assert row.occurred_at == datetime.fromisoformat(given)
        # A server default (CURRENT_TIMESTAMP on SQLite) is UTC too.
        assert row.created_at.tzinfo is UTC
        assert abs(row.created_at - datetime.now(UTC)) < timedelta(minutes=5)


async def test_session_and_audit_times_have_one_form_on_both_databases(pdms_db, graphql, pdms_host):
    await _synced(pdms_db, pdms_host)
    staff = Staff(pdms_db, graphql, pdms_host)
    token = await staff.token("tz.auditor@council.invalid", "core.audit.read")
    before = datetime.now(UTC) - timedelta(seconds=1)

    login = (await staff.login("tz.auditor@council.invalid")).ok()["login"]
    assert ISO_UTC.match(login["expiresAt"]), login["expiresAt"]
    sessions = (await graphql.execute(MY_SESSIONS, headers=bearer(token))).ok()["mySessions"]
    assert sessions
    for seen in sessions:
        for value in seen.values():
            assert ISO_UTC.match(value), value
    async with pdms_db.sessionmaker() as session:
        rows = (await session.scalars(select(StaffSession))).all()
        assert all(r.expires_at.tzinfo is UTC and r.created_at.tzinfo is UTC for r in rows)
        assert {r.expires_at.isoformat() for r in rows} >= {login["expiresAt"]}

    audit = (await graphql.execute(AUDIT, {}, headers=bearer(token))).ok()["auditEvents"]
    events = [edge["node"] for edge in audit["edges"]]
    assert [e["action"] for e in events].count("login") == 2
    assert all(ISO_UTC.match(e["at"]) for e in events), events

    # A filter given without an offset is taken as UTC, like every naive value.
    naive = before.replace(tzinfo=None).isoformat()
    since = await graphql.execute(AUDIT, {"since": naive}, headers=bearer(token))
    assert len(since.ok()["auditEvents"]["edges"]) >= 1
    until = await graphql.execute(AUDIT, {"until": naive}, headers=bearer(token))
    assert until.ok()["auditEvents"]["edges"] == []
    # The same moment written with another offset selects the same events.
    paris = before.astimezone(timezone(timedelta(hours=1))).isoformat()
    again = await graphql.execute(AUDIT, {"since": paris}, headers=bearer(token))
    assert again.ok()["auditEvents"]["edges"] == since.ok()["auditEvents"]["edges"]


async def test_bulk_inserted_times_read_back_like_orm_written_ones(pdms_db):
    moment = datetime(2026, 3, 29, 1, 30, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
    async with unit_of_work(pdms_db.sessionmaker) as session:
        session.add(AuditEvent(at=moment, actor_kind="system", action="orm", outcome="ok"))
        await session.flush()
        await insert_rows(
            session,
            AuditEvent.__table__,
            ("at", "actor_kind", "action", "outcome"),
            [
                (moment, "system", "bulk", "ok"),
                (moment.replace(tzinfo=None), "system", "naive", "ok"),
            ],
        )
    async with pdms_db.sessionmaker() as session:
        rows = dict((await session.execute(select(AuditEvent.action, AuditEvent.at))).all())
        # The exact moment equals the exact filter, whichever path wrote it.
        exact = set(await session.scalars(select(AuditEvent.action).where(AuditEvent.at == moment)))
    assert rows["orm"] == rows["bulk"] == moment
    assert rows["orm"].tzinfo is UTC and rows["bulk"].tzinfo is UTC
    assert rows["naive"] == moment.replace(tzinfo=UTC)
    assert exact == {"orm", "bulk"}


async def test_a_naive_time_from_code_is_stored_as_utc(pdms_db):
    async with unit_of_work(pdms_db.sessionmaker) as session:
        person = Person(forenames="Naive", surname="Clockwork", notes="")
        person.archived_at = datetime(2026, 1, 2, 3, 4, 5)
        session.add(person)
    async with pdms_db.sessionmaker() as session:
        stored = await session.scalar(select(Person.archived_at).where(Person.id == person.id))
    assert stored == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
