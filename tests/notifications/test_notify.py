"""GOV.UK Notify email, text message and letter through the official client, against a
local Notify on loopback that verifies the client's JWT and checks what it is sent."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from sqlalchemy import update

from notifications.conftest import notify_settings
from pdms_core.auth.tokens import now
from pdms_core.notifications.models import OutboxMessage

LETTER = ["Ms Ada Testfield", "Flat 2, 10 Example Road", "Testtown", "tt1 1aa"]


async def test_email_sms_and_letter_go_through_notify_with_our_reference(notify, outbox, pdms_host):
    # given templates for three kinds, one per channel
    email = notify.template("email", "Case ((reference)): ((body))", subject="((subject))")
    sms = notify.template("sms", "Your visit on ((date)) is confirmed.")
    letter = notify.template("letter", "Dear ((name)), your balance is ((balance)).")
    settings = notify_settings(
        pdms_host,
        notify,
        case_update__email=email,
        visit_booked__sms=sms,
        rent_statement__letter=letter,
    )
    # when a module queues one of each and the outbox is sent
    first = await outbox.queue(
        kind="case_update",
        channel="email",
        recipient="ada.testfield@example.invalid",
        subject="Your case",
        body="We have an update.",
        personalisation={"reference": "HSG-000123"},
    )
    second = await outbox.queue(
        kind="visit_booked",
        channel="sms",
        recipient="07700 900123",
        personalisation={"date": "Tuesday 8 December 2026"},
    )
    third = await outbox.queue(
        kind="rent_statement",
        channel="letter",
        recipient=LETTER,
        personalisation={"name": "Ms Testfield", "balance": "£120.50"},
    )
    output = await outbox.cli(settings, "send")
    assert "Sent 3 message(s); 0 failed." in output
    # then the local Notify received exactly these, from the official client
    received = {n["type"]: n for n in notify.received}
    assert set(received) == {"email", "sms", "letter"} and len(notify.received) == 3
    assert received["email"]["email_address"] == "ada.testfield@example.invalid"
    assert received["email"]["subject"] == "Your case"
    assert received["email"]["body"] == "Case HSG-000123: We have an update."
    assert received["sms"]["phone_number"] == "+447700900123"
    assert received["sms"]["body"] == "Your visit on Tuesday 8 December 2026 is confirmed."
    assert [received["letter"][f"line_{n}"] for n in range(1, 5)] == [
        "Ms Ada Testfield",
        "Flat 2, 10 Example Road",
        "Testtown",
        "TT1 1AA",
    ]
    assert received["letter"]["body"] == "Dear Ms Testfield, your balance is £120.50."
    # and each row records Notify's id and our reference, and is sent
    for message_id, channel in ((first, "email"), (second, "sms"), (third, "letter")):
        row = await outbox.row(message_id)
        assert (row.channel, row.provider, row.status, row.attempts) == (
            channel,
            "notify",
            "sent",
            1,
        )
        assert row.provider_ref == received[channel]["id"]
        assert received[channel]["reference"] == row.notify_reference
        assert row.sent_at is not None and row.last_error is None


async def test_a_refused_api_key_fails_permanently_and_no_secret_is_kept_or_logged(
    notify, outbox, pdms_host, caplog
):
    template = notify.template("sms", "Reminder: ((body))")
    good = notify_settings(pdms_host, notify, visit_reminder__sms=template)
    wrong_secret = str(uuid.uuid4())
    settings = good.with_changes(notify_api_key=f"pdms_test-{notify.service_id}-{wrong_secret}")
    ids = [
        await outbox.queue(
            kind="visit_reminder", channel="sms", recipient="07700 900456", body=f"visit {n}"
        )
        for n in range(2)
    ]
    caplog.set_level(logging.DEBUG)
    output = await outbox.cli(settings, "send")
    # then Notify refused the JWT; the first message failed for good, the run stopped
    assert "Sent 0 message(s); 1 failed. 1 waiting for their channel." in output
    first, second = await outbox.row(ids[0]), await outbox.row(ids[1])
    assert (first.status, first.attempts, first.next_attempt_at) == ("failed", 1, None)
    assert first.last_error.startswith("403 AuthError: Invalid token")
    assert (second.status, second.attempts) == ("queued", 0)
    assert notify.received == []
    # and neither the key, its secret, the number nor the text is stored or logged
    for secret in (wrong_secret, settings.notify_api_key, "07700 900456", "900456", "visit 0"):
        assert secret not in first.last_error
        assert secret not in caplog.text
    assert "outbox message" in caplog.text
    # and a second run does not try the failed message again
    await outbox.cli(good, "send")
    assert [n["body"] for n in notify.received] == ["Reminder: visit 1"]


async def test_a_server_error_is_retried_with_backoff_and_the_message_arrives_once(
    notify, outbox, pdms_host
):
    template = notify.template("email", "((body))", subject="((subject))")
    settings = notify_settings(pdms_host, notify, intention_overdue__email=template)
    message_id = await outbox.queue(
        kind="intention_overdue",
        channel="email",
        recipient="remy@council.invalid",
        subject="HSG-1: call back was due",
        body="Open the case in PDMS.",
    )
    notify.fail_next(2, 500)
    # the first failure is retried at the next run
    assert "Sent 0 message(s); 1 failed." in await outbox.cli(settings, "send")
    row = await outbox.row(message_id)
    assert (row.status, row.attempts) == ("queued", 1)
    assert row.next_attempt_at <= now() and row.last_error.startswith("500 Exception")
    # the second waits five minutes
    assert "Sent 0 message(s); 1 failed." in await outbox.cli(settings, "send")
    row = await outbox.row(message_id)
    wait = row.next_attempt_at - now()
    assert timedelta(minutes=4) < wait <= timedelta(minutes=5)
    assert "Sent 0 message(s); 0 failed." in await outbox.cli(settings, "send")
    assert len([r for r in notify.requests if r[0] == "POST"]) == 2
    # when the time comes it is sent, once
    await _due_now(outbox, message_id)
    assert "Sent 1 message(s); 0 failed." in await outbox.cli(settings, "send")
    row = await outbox.row(message_id)
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, None)
    assert len(notify.received) == 1
    assert notify.received[0]["subject"] == "HSG-1: call back was due"


async def test_a_rate_limit_stops_the_run_and_the_rest_wait(notify, outbox, pdms_host):
    template = notify.template("sms", "((body))")
    settings = notify_settings(pdms_host, notify, visit_reminder__sms=template)
    for n in range(3):
        await outbox.queue(
            kind="visit_reminder", channel="sms", recipient="07700900123", body=f"text {n}"
        )
    notify.fail_next(1, 429)
    output = await outbox.cli(settings, "send")
    assert "Sent 0 message(s); 1 failed. 2 waiting for their channel." in output
    rows = await outbox.rows()
    assert [(r.status, r.attempts) for r in rows] == [("queued", 1), ("queued", 0), ("queued", 0)]
    assert rows[0].last_error.startswith("429 RateLimitError")
    assert "Sent 3 message(s)" in await outbox.cli(settings, "send")
    assert sorted(n["body"] for n in notify.received) == ["text 0", "text 1", "text 2"]


async def test_a_bad_request_fails_at_once_and_is_not_retried(notify, outbox, pdms_host):
    template = notify.template("email", "Dear ((name)), ((body))", subject="((subject))")
    settings = notify_settings(pdms_host, notify, case_update__email=template)
    message_id = await outbox.queue(
        kind="case_update",
        channel="email",
        recipient="ada.testfield@example.invalid",
        subject="Your case",
        body="An update.",
    )
    assert "Sent 0 message(s); 1 failed." in await outbox.cli(settings, "send")
    row = await outbox.row(message_id)
    assert (row.status, row.attempts, row.next_attempt_at) == ("failed", 1, None)
    assert row.last_error == "400 BadRequestError: Missing personalisation: name"
    assert "Sent 0 message(s); 0 failed." in await outbox.cli(settings, "send")
    assert len([r for r in notify.requests if r[0] == "POST"]) == 1


async def test_status_refresh_records_what_notify_reports(notify, outbox, pdms_host):
    email = notify.template("email", "((body))", subject="((subject))")
    sms = notify.template("sms", "((body))")
    settings = notify_settings(pdms_host, notify, case_update__email=email, case_update__sms=sms)
    mail = await outbox.queue(
        kind="case_update",
        channel="email",
        recipient="ada@example.invalid",
        subject="Update",
        body="Text",
    )
    text = await outbox.queue(
        kind="case_update", channel="sms", recipient="07700900999", body="Text"
    )
    await outbox.cli(settings, "send")
    # nothing changed yet
    assert "Checked 2 message(s); 0 changed." in await outbox.cli(settings, "status")
    # when Notify delivers one and the phone network refuses the other
    notify.set_status((await outbox.row(mail)).provider_ref, "delivered")
    notify.set_status((await outbox.row(text)).provider_ref, "permanent-failure")
    assert "Checked 2 message(s); 2 changed." in await outbox.cli(settings, "status")
    mail_row, text_row = await outbox.row(mail), await outbox.row(text)
    assert (mail_row.status, mail_row.provider_status) == ("delivered", "delivered")
    assert (text_row.status, text_row.provider_status) == ("permanent-failure", "permanent-failure")
    # and final rows are not asked about again
    assert "Checked 0 message(s); 0 changed." in await outbox.cli(settings, "status")


async def _due_now(outbox, message_id: int) -> None:
    """As though the back-off had passed."""
    async with outbox.database.sessionmaker() as session, session.begin():
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(next_attempt_at=now() - timedelta(seconds=1))
        )
