"""Which channel a message takes, SMTP as before, and what queueing refuses."""

from __future__ import annotations

import re

import pytest

from notifications.conftest import notify_settings
from pdms_core.auth.actor import SYSTEM
from pdms_core.auth.users import create_user
from pdms_core.errors import ConfigurationError
from pdms_core.notifications.config import parse_templates
from pdms_core.plugin import InvalidNotification

PASSWORD = "correct-horse-battery-2025"


async def test_an_email_kind_without_a_notify_template_goes_by_smtp(
    notify, outbox, pdms_host, smtp_server
):
    inbox, port = smtp_server
    template = notify.template("email", "((body))", subject="((subject))")
    settings = notify_settings(pdms_host, notify, case_update__email=template).with_changes(
        smtp_host="127.0.0.1", smtp_port=port
    )
    fields = {"channel": "email", "subject": "Your case", "body": "An update."}
    by_notify = await outbox.queue(kind="case_update", recipient="ada@example.invalid", **fields)
    by_smtp = await outbox.queue(kind="case_note", recipient="bo@example.invalid", **fields)
    assert "Sent 2 message(s); 0 failed." in await outbox.cli(settings, "send")
    assert [n["email_address"] for n in notify.received] == ["ada@example.invalid"]
    assert [(m["To"], m["Subject"]) for m in inbox.messages] == [
        ("bo@example.invalid", "Your case")
    ]
    assert inbox.messages[0].get_payload(decode=True).decode().strip() == "An update."
    notify_row, smtp_row = await outbox.row(by_notify), await outbox.row(by_smtp)
    assert (notify_row.provider, smtp_row.provider) == ("notify", "smtp")
    assert smtp_row.status == "sent" and smtp_row.provider_ref is None


async def test_without_notify_texts_wait_and_smtp_mail_still_goes(outbox, pdms_host, smtp_server):
    inbox, port = smtp_server
    settings = pdms_host.settings.with_changes(smtp_host="127.0.0.1", smtp_port=port)
    await outbox.queue(kind="visit_reminder", channel="sms", recipient="07700900123", body="Hi")
    await outbox.queue(
        kind="case_note", channel="email", recipient="bo@example.invalid", subject="S", body="B"
    )
    output = await outbox.cli(settings, "send")
    assert "Sent 1 message(s); 0 failed. 1 waiting for their channel." in output
    text, mail = await outbox.rows()
    assert (text.status, text.attempts, text.provider) == ("queued", 0, None)
    assert mail.status == "sent" and len(inbox.messages) == 1


async def test_nothing_configured_is_one_clear_error(outbox, pdms_host):
    output = await outbox.cli(pdms_host.settings, "send", exit_code=1)
    assert "PDMS_SMTP_HOST" in output and "PDMS_NOTIFY_API_KEY" in output


async def test_a_malformed_api_key_is_refused_without_repeating_it(outbox, pdms_host):
    settings = pdms_host.settings.with_changes(notify_api_key="live-not-a-real-key-s3cr3t")
    output = await outbox.cli(settings, "send", exit_code=1)
    assert "PDMS_NOTIFY_API_KEY is not a GOV.UK Notify API key" in output
    assert "s3cr3t" not in output
    assert "s3cr3t" not in repr(settings)


def test_template_mappings_are_checked_and_name_the_bad_entry():
    template = "0b9b0f4e-8a7e-4c0e-9d7a-4f7c6e2b1a11"
    assert parse_templates(f" intention_overdue:email={template} , visit:sms={template}") == {
        ("intention_overdue", "email"): template,
        ("visit", "sms"): template,
    }
    for text, complaint in (
        (f"intention_overdue={template}", "entry 1"),
        (f"a:email={template},b:fax={template}", "entry 2"),
        ("a:email=not-a-uuid", "not a UUID"),
        (f"a:email={template},a:email={template}", "more than once"),
    ):
        with pytest.raises(ConfigurationError, match=complaint):
            parse_templates(text)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"channel": "fax", "recipient": "x", "body": "b"}, "channel"),
        (
            {"channel": "email", "recipient": "not-an-address", "subject": "s", "body": "b"},
            "recipient",
        ),
        ({"channel": "email", "recipient": "ada@example.invalid", "body": "no subject"}, "body"),
        ({"channel": "sms", "recipient": "01632 960123", "body": "a landline"}, "recipient"),
        ({"channel": "sms", "recipient": "07700900123"}, "body"),
        (
            {"channel": "letter", "recipient": ["Ms Ada Testfield", "TT1 1AA"], "body": "b"},
            "recipient",
        ),
        (
            {
                "channel": "letter",
                "recipient": ["Ms Ada Testfield", "1 Road", "Testtown"],
                "body": "b",
            },
            "recipient",
        ),
        ({"channel": "letter", "recipient": "1 Road, Testtown, TT1 1AA", "body": "b"}, "recipient"),
        (
            {
                "channel": "letter",
                "recipient": ["A", "B", "TT1 1AA"],
                "personalisation": {"address_line_1": "x"},
            },
            "personalisation",
        ),
        (
            {"channel": "sms", "recipient": "07700900123", "personalisation": {"when": object()}},
            "personalisation",
        ),
    ],
)
async def test_queueing_refuses_bad_input_naming_the_argument(outbox, fields, field):
    with pytest.raises(InvalidNotification) as refused:
        await outbox.queue(kind="visit_reminder", **fields)
    assert refused.value.field == field
    for value in ("not-an-address", "01632 960123", "Testfield"):
        assert value not in refused.value.message
    assert await outbox.rows() == []


async def test_queueing_normalises_what_it_keeps(outbox):
    text = await outbox.queue(
        kind="visit_reminder", channel="sms", recipient="+44 7700 900123", body="b"
    )
    letter = await outbox.queue(
        kind="rent_statement",
        channel="letter",
        recipient=["  Ms Ada  Testfield ", "1 Example Road", "", "Testtown", "tt11aa"],
        personalisation={"balance": "£12.00"},
    )
    text_row, letter_row = await outbox.row(text), await outbox.row(letter)
    assert (text_row.recipient, text_row.channel, text_row.status) == (
        "+447700900123",
        "sms",
        "queued",
    )
    assert letter_row.address_lines == ["Ms Ada Testfield", "1 Example Road", "Testtown", "TT1 1AA"]
    assert letter_row.recipient == "Ms Ada Testfield"
    assert letter_row.personalisation == {"balance": "£12.00"}


RESET = "mutation($e: String!) { requestPasswordReset(email: $e) { ok errors { code } } }"


async def test_a_password_reset_can_go_through_notify_and_its_token_stays_out_of_the_outbox(
    notify, outbox, pdms_host, graphql
):
    # given a Notify template for reset emails that carries PDMS's own text
    template = notify.template("email", "((body))", subject="((subject))")
    settings = notify_settings(pdms_host, notify, password_reset_request__email=template)
    async with outbox.database.sessionmaker() as session, session.begin():
        await create_user(
            session, SYSTEM, email="gil@council.invalid", display_name="Gil", password=PASSWORD
        )
    # when a reset is asked for, and the outbox is sent
    asked = await graphql.execute(RESET, {"e": "gil@council.invalid"})
    assert asked.ok()["requestPasswordReset"]["ok"]
    assert "Sent 1 message(s); 0 failed." in await outbox.cli(settings, "send")
    # then Notify got the composed email, with the link
    (received,) = notify.received
    assert received["email_address"] == "gil@council.invalid"
    assert received["subject"] == "Reset your PDMS password"
    token = re.search(r"token=(\S+)", received["body"]).group(1)
    # and the token is neither in the outbox row nor in the error or log fields
    (row,) = await outbox.rows()
    assert row.provider == "notify" and row.status == "sent"
    assert token not in f"{row.body}{row.personalisation}{row.last_error}"
