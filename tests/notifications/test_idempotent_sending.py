"""Nothing is sent twice: two runs, two senders at once, a lost answer, a sender that
stopped between sending and recording."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import update

from notifications.conftest import notify_settings
from pdms_core.auth.tokens import now
from pdms_core.notifications.models import OutboxMessage
from pdms_core.notifications.sender import send_pending


async def test_two_runs_and_two_senders_at_once_send_each_message_once(notify, outbox, pdms_host):
    template = notify.template("sms", "((body))")
    settings = notify_settings(pdms_host, notify, visit_reminder__sms=template)
    for n in range(8):
        await outbox.queue(
            kind="visit_reminder", channel="sms", recipient="07700900123", body=f"text {n}"
        )
    # when two senders run at once, and then the command runs twice more
    first, second = await asyncio.gather(
        send_pending(outbox.database, settings), send_pending(outbox.database, settings)
    )
    assert first.sent + second.sent == 8 and first.failed + second.failed == 0
    assert "Sent 0 message(s); 0 failed." in await outbox.cli(settings, "send")
    assert "Sent 0 message(s); 0 failed." in await outbox.cli(settings, "send")
    # then Notify received each message once
    assert sorted(n["body"] for n in notify.received) == [f"text {n}" for n in range(8)]
    rows = await outbox.rows()
    assert {(r.status, r.attempts) for r in rows} == {("sent", 1)}
    assert sorted(r.provider_ref for r in rows) == sorted(n["id"] for n in notify.received)


async def test_queueing_with_a_dedupe_key_twice_queues_once(outbox):
    fields = {
        "kind": "visit_reminder",
        "channel": "sms",
        "recipient": "07700900123",
        "body": "Tomorrow",
        "dedupe_key": "visit:1:reminder",
    }
    first = await outbox.queue(**fields)
    # at the same moment in two transactions, as a second cron run would
    again = await asyncio.gather(outbox.queue(**fields), outbox.queue(**fields))
    assert first is not None and again == [None, None]
    assert len(await outbox.rows()) == 1


async def test_an_answer_lost_on_the_way_back_is_not_sent_again(notify, outbox, pdms_host):
    template = notify.template("email", "((body))", subject="((subject))")
    settings = notify_settings(pdms_host, notify, case_update__email=template)
    message_id = await outbox.queue(
        kind="case_update",
        channel="email",
        recipient="ada@example.invalid",
        subject="Update",
        body="Text",
    )
    # given Notify accepted the message but its answer never arrived
    notify.lose_next_answers(1)
    assert "Sent 0 message(s); 1 failed." in await outbox.cli(settings, "send")
    assert len(notify.received) == 1
    row = await outbox.row(message_id)
    assert (row.status, row.provider_ref) == ("queued", None)
    # when the next run retries, it asks Notify for our reference first
    assert "Sent 1 message(s); 0 failed." in await outbox.cli(settings, "send")
    row = await outbox.row(message_id)
    assert (row.status, row.provider_ref) == ("sent", notify.received[0]["id"])
    assert len(notify.received) == 1
    assert ("GET", "/v2/notifications") in notify.requests


async def test_a_sender_that_stopped_mid_send_is_settled_without_a_second_send(
    notify, outbox, pdms_host, smtp_server
):
    inbox, port = smtp_server
    template = notify.template("email", "((body))", subject="((subject))")
    settings = notify_settings(pdms_host, notify, case_update__email=template).with_changes(
        smtp_host="127.0.0.1", smtp_port=port
    )
    fields = {"channel": "email", "subject": "Update", "body": "Text"}
    accepted = await outbox.queue(kind="case_update", recipient="a@example.invalid", **fields)
    never_sent = await outbox.queue(kind="case_update", recipient="b@example.invalid", **fields)
    by_smtp = await outbox.queue(kind="case_note", recipient="c@example.invalid", **fields)
    # given the first reached Notify before its sender died; all three were claimed
    notify.lose_next_answers(1)
    await send_pending(outbox.database, settings, limit=1)
    assert len(notify.received) == 1
    async with outbox.database.sessionmaker() as session, session.begin():
        claims = {accepted: "notify", never_sent: "notify", by_smtp: "smtp"}
        for message_id, provider in claims.items():
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id)
                .values(
                    status="sending",
                    provider=provider,
                    attempts=1,
                    next_attempt_at=now() + timedelta(minutes=15),
                )
            )
    # while the claims last, nothing happens to them
    assert "Sent 0 message(s); 0 failed." in await outbox.cli(settings, "send")
    # when they lapse
    async with outbox.database.sessionmaker() as session, session.begin():
        await session.execute(
            update(OutboxMessage).values(next_attempt_at=now() - timedelta(seconds=1))
        )
    output = await outbox.cli(settings, "send")
    assert "Sent 1 message(s); 0 failed. 2 interrupted send(s) settled." in output
    # then the accepted one is recorded, the other Notify one is sent once, and the SMTP
    # one (whose server cannot be asked) waits for a person
    rows = {row.id: row for row in await outbox.rows()}
    assert rows[accepted].status == "sent"
    assert rows[accepted].provider_ref == notify.received[0]["id"]
    assert rows[never_sent].status == "sent"
    assert [n["email_address"] for n in notify.received] == [
        "a@example.invalid",
        "b@example.invalid",
    ]
    assert rows[by_smtp].status == "failed" and "delivery unknown" in rows[by_smtp].last_error
    assert inbox.messages == []
