"""Fixtures for the notification tests: a local GOV.UK Notify, an SMTP server, the CLI."""

from __future__ import annotations

import asyncio
import socket
from email import message_from_bytes
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from notify_server import NotifyServer
from sqlalchemy import select

from pdms_core.cli import build_cli
from pdms_core.cli.context import CliState
from pdms_core.db.engine import Database
from pdms_core.host import PluginHost
from pdms_core.notifications.models import OutboxMessage
from pdms_core.plugin import queue_notification
from pdms_core.settings import Settings


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def notify():
    server = NotifyServer().start()
    yield server
    server.stop()


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


class Outbox:
    """Queues notifications as a module would, runs the CLI, reads the rows back."""

    def __init__(self, database: Database, host: PluginHost):
        self.database = database
        self.host = host

    async def queue(self, **fields: Any) -> int | None:
        async with self.database.sessionmaker() as session, session.begin():
            row = await queue_notification(session, **fields)
            return None if row is None else row.id

    async def rows(self) -> list[OutboxMessage]:
        async with self.database.sessionmaker() as session:
            return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))

    async def row(self, message_id: int) -> OutboxMessage:
        async with self.database.sessionmaker() as session:
            return await session.get(OutboxMessage, message_id)

    async def cli(self, settings: Settings, *args: str, exit_code: int = 0) -> str:
        cli = build_cli(CliState.for_host(PluginHost.load(settings, entry_points=[])))
        result = await asyncio.to_thread(CliRunner().invoke, cli, ["notifications", *args])
        assert result.exit_code == exit_code, (result.output, result.exception)
        # An error reaches `pdms` (which prints it as one line) as the exception.
        return result.output if exit_code == 0 else f"{result.output}{result.exception}"


@pytest.fixture
def outbox(pdms_db: Database, pdms_host: PluginHost) -> Outbox:
    return Outbox(pdms_db, pdms_host)


def notify_settings(host: PluginHost, server: NotifyServer, **templates: str) -> Settings:
    """Settings that reach ``server``, with ``kind__channel=template-id`` templates."""
    mapping = ",".join(
        f"{name.rsplit('__', 1)[0]}:{name.rsplit('__', 1)[1]}={template}"
        for name, template in templates.items()
    )
    return host.settings.with_changes(
        notify_api_key=server.api_key, notify_base_url=server.base_url, notify_templates=mapping
    )
