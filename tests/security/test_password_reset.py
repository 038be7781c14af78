"""Forgotten and changed passwords, with mail delivered to a real SMTP server."""

from __future__ import annotations

import asyncio
import re
import socket
from collections import Counter
from datetime import timedelta
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from sqlalchemy import select, update

from pdms_core.auth.models import PasswordResetToken
from pdms_core.auth.tokens import now
from pdms_core.cli import build_cli
from pdms_core.cli.context import CliState
from pdms_core.host import PluginHost
from pdms_core.notifications.models import OutboxMessage
from pdms_core.notifications.sender import send_pending
from security.conftest import PASSWORD, bearer, got_nothing

REQUEST = "mutation($e: String!) { requestPasswordReset(email: $e) { ok errors { code } } }"
RESET = """mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) {
  ok errors { code field } } }"""
CHANGE = """mutation($c: String!, $p: String!) { changePassword(currentPassword: $c,
  newPassword: $p) { ok errors { code field } } }"""
NEW_PASSWORD = "a brand new passphrase 77"


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def _mail_settings(pdms_host: PluginHost, port: int):
    return pdms_host.settings.with_changes(smtp_host="127.0.0.1", smtp_port=port)


def _token(inbox: Inbox) -> str:
    body = inbox.messages[-1].get_payload(decode=True).decode()
    return re.search(r"token=(\S+)", body).group(1)


async def test_a_reset_is_emailed_used_once_and_ends_every_session(
    staff_users, graphql, smtp_server, pdms_host
):
    inbox, port = smtp_server
    session_token = await staff_users.token("gil@council.invalid")
    # when a reset is asked for a real and an unknown account, the answers are the same
    real = await graphql.execute(REQUEST, {"e": "GIL@council.invalid"})
    unknown = await graphql.execute(REQUEST, {"e": "nobody@council.invalid"})
    assert real.ok() == unknown.ok() == {"requestPasswordReset": {"ok": True, "errors": []}}
    # and the outbox sender delivers one message, to the real account, over SMTP
    report = await send_pending(staff_users.database, _mail_settings(pdms_host, port))
    assert (report.sent, report.failed) == (1, 0)
    assert inbox.messages[0]["To"] == "gil@council.invalid"
    token = _token(inbox)
    async with staff_users.database.sessionmaker() as session:
        stored = await session.scalar(select(PasswordResetToken.token_hash))
        sent = await session.scalar(select(OutboxMessage))
    assert token not in stored and sent.sent_at is not None and sent.attempts == 1
    # when the token is used, the password changes and every session ends
    used = await graphql.execute(RESET, {"t": token, "p": NEW_PASSWORD})
    assert used.ok()["resetPassword"] == {"ok": True, "errors": []}
    assert got_nothing(await graphql.execute("{ viewer { email } }", headers=bearer(session_token)))
    assert (await staff_users.login("gil@council.invalid", NEW_PASSWORD)).ok()["login"]["token"]
    # and the token is single-use
    again = await graphql.execute(RESET, {"t": token, "p": "yet another passphrase 88"})
    assert again.ok()["resetPassword"]["errors"] == [{"code": "VALIDATION", "field": "token"}]


async def test_reset_tokens_expire_after_thirty_minutes(
    staff_users, graphql, smtp_server, pdms_host
):
    inbox, port = smtp_server
    await staff_users.user("hal@council.invalid")
    await graphql.execute(REQUEST, {"e": "hal@council.invalid"})
    await send_pending(staff_users.database, _mail_settings(pdms_host, port))
    async with staff_users.database.sessionmaker() as session, session.begin():
        row = await session.scalar(select(PasswordResetToken))
        assert (
            timedelta(minutes=29)
            < row.expires_at.replace(tzinfo=None) - row.created_at.replace(tzinfo=None)
            <= timedelta(minutes=30)
        )
        await session.execute(
            update(PasswordResetToken).values(expires_at=now() - timedelta(seconds=1))
        )
    expired = await graphql.execute(RESET, {"t": _token(inbox), "p": NEW_PASSWORD})
    assert expired.ok()["resetPassword"]["errors"][0]["field"] == "token"


async def test_the_cli_sends_the_outbox_and_records_failures(
    staff_users, graphql, smtp_server, pdms_host
):
    inbox, port = smtp_server
    await staff_users.user("ivy@council.invalid")
    await graphql.execute(REQUEST, {"e": "ivy@council.invalid"})
    # a server that is not listening: the failure is recorded, the message stays queued
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    failed = await send_pending(staff_users.database, _mail_settings(pdms_host, dead_port))
    assert failed.failed == 1
    async with staff_users.database.sessionmaker() as session:
        row = await session.scalar(select(OutboxMessage))
    assert row.sent_at is None and row.attempts == 1 and "Error" in row.last_error
    assert "token" not in row.last_error
    # then `pdms notifications send` delivers it
    host = PluginHost.load(_mail_settings(pdms_host, port), entry_points=[])
    cli = build_cli(CliState.for_host(host))
    result = await asyncio.to_thread(CliRunner().invoke, cli, ["notifications", "send"])
    assert result.exit_code == 0, result.output
    assert "Sent 1 message(s); 0 failed." in result.output
    assert inbox.messages[0]["Subject"] == "Reset your PDMS password"


async def test_changing_a_password_needs_the_current_one(staff_users, graphql):
    token = await staff_users.token("jo@council.invalid")
    wrong = await graphql.execute(
        CHANGE, {"c": "not-my-password-x", "p": NEW_PASSWORD}, headers=bearer(token)
    )
    assert wrong.ok()["changePassword"]["errors"][0]["field"] == "currentPassword"
    weak = await graphql.execute(
        CHANGE, {"c": PASSWORD, "p": "password1234"}, headers=bearer(token)
    )
    assert weak.ok()["changePassword"]["errors"][0]["field"] == "newPassword"
    ok = await graphql.execute(CHANGE, {"c": PASSWORD, "p": NEW_PASSWORD}, headers=bearer(token))
    assert ok.ok()["changePassword"]["ok"]
    # this session continues; the new password works
    assert (await graphql.execute("{ viewer { email } }", headers=bearer(token))).ok()["viewer"]
    assert (await staff_users.login("jo@council.invalid", NEW_PASSWORD)).ok()["login"]["token"]


async def test_a_hundred_requests_for_one_address_send_three_emails(
    staff_users, graphql, smtp_server, pdms_host
):
    inbox, port = smtp_server
    await staff_users.user("kit.officer@council.invalid")
    # when 100 anonymous requests for one address arrive at once
    requests = [graphql.execute(REQUEST, {"e": "Kit.Officer@council.invalid"}) for _ in range(100)]
    results = await asyncio.gather(*requests)
    # then three are recorded, and the rest are refused, counted atomically
    answers = Counter(
        tuple(e["code"] for e in r.ok()["requestPasswordReset"]["errors"]) for r in results
    )
    assert answers == {(): 3, ("THROTTLED",): 97}
    # and the sender delivers three emails over SMTP, not a hundred
    report = await send_pending(staff_users.database, _mail_settings(pdms_host, port))
    assert (report.sent, report.failed) == (3, 0)
    assert [m["To"] for m in inbox.messages] == ["kit.officer@council.invalid"] * 3


async def test_reset_requests_are_limited_per_client_address(staff_users, graphql):
    # 25 different (unknown) addresses from one client: 20 an hour are accepted
    results = [
        await graphql.execute(REQUEST, {"e": f"someone.{n}@council.invalid"}) for n in range(25)
    ]
    codes = [tuple(e["code"] for e in r.ok()["requestPasswordReset"]["errors"]) for r in results]
    assert codes == [()] * 20 + [("THROTTLED",)] * 5


async def test_known_and_unknown_addresses_run_the_same_statements(
    staff_users, graphql, sql_statements
):
    # given an account, and an address no account has
    await staff_users.user("lou.officer@council.invalid")
    statements = {}
    for address in ("lou.officer@council.invalid", "nobody.else@council.invalid"):
        sql_statements.reset()
        result = await graphql.execute(REQUEST, {"e": address})
        assert result.ok() == {"requestPasswordReset": {"ok": True, "errors": []}}
        statements[address] = list(sql_statements.statements)
    # then the request path is the same for both: nothing on it looks the account up,
    # so neither its time nor its answer can tell them apart
    assert statements["lou.officer@council.invalid"] == statements["nobody.else@council.invalid"]
    assert not any(
        "staff_user" in statement for statement in statements["nobody.else@council.invalid"]
    )
    # and no token exists until the sender runs
    async with staff_users.database.sessionmaker() as session:
        assert await session.scalar(select(PasswordResetToken.id)) is None
