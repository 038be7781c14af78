"""The channels migration keeps the outbox's existing rows working: SMTP emails, sent,
given up or still queued, and the queued one is then delivered as before."""

from __future__ import annotations

import asyncio
import os
from dataclasses import replace

from alembic import command
from sqlalchemy import select, text

from pdms_core.db import migrations
from pdms_core.db.engine import Database
from pdms_core.host import PluginHost
from pdms_core.notifications.models import OutboxMessage
from pdms_core.notifications.sender import send_pending
from pdms_core.testing.database import POSTGRES_URL_VARIABLE, throwaway_database

BEFORE = "f2c8a1d4b7e0"
OLD_ROWS = """INSERT INTO notification_outbox
  (kind, recipient, subject, body, attempts, sent_at, last_error) VALUES
  ('invitation', 'sent@council.invalid', 'S', 'B', 1, CURRENT_TIMESTAMP, NULL),
  ('invitation', 'gave.up@council.invalid', 'S', 'B', 5, NULL, 'OSError: down'),
  ('invitation', 'waiting@council.invalid', 'Your PDMS account', 'Hello', 2, NULL, NULL)"""


async def test_existing_rows_become_smtp_emails_and_still_send(
    pdms_backend, pdms_host, tmp_path, smtp_server
):
    inbox, port = smtp_server
    postgres = os.environ.get(POSTGRES_URL_VARIABLE)
    async with throwaway_database(pdms_backend, postgres, tmp_path) as url:
        host = PluginHost.load(replace(pdms_host.settings, database_url=url), entry_points=[])
        config = migrations.alembic_config(host, url)
        await asyncio.to_thread(command.upgrade, config, BEFORE)
        database = Database.connect(url)
        try:
            async with database.engine.begin() as connection:
                await connection.execute(text(OLD_ROWS))
            await asyncio.to_thread(migrations.upgrade, host, url)
            async with database.sessionmaker() as session:
                rows = list(await session.scalars(select(OutboxMessage).order_by("id")))
            assert [(r.channel, r.provider, r.status) for r in rows] == [
                ("email", "smtp", "sent"),
                ("email", "smtp", "failed"),
                ("email", "smtp", "queued"),
            ]
            settings = host.settings.with_changes(smtp_host="127.0.0.1", smtp_port=port)
            report = await send_pending(database, settings)
            assert (report.sent, report.failed) == (1, 0)
            assert [m["To"] for m in inbox.messages] == ["waiting@council.invalid"]
        finally:
            await database.dispose()


NEW_ROWS = """INSERT INTO notification_outbox
  (kind, recipient, subject, body, attempts, channel, status, provider) VALUES
  ('rent_reminder', '07700900123', '', 'B', 0, 'sms', 'queued', NULL),
  ('rent_reminder', 'Flat 1', '', 'B', 0, 'letter', 'queued', NULL),
  ('invitation', 'mid.send@council.invalid', 'S', 'B', 1, 'email', 'sending', 'smtp'),
  ('invitation', 'refused@council.invalid', 'S', 'B', 1, 'email', 'failed', 'notify'),
  ('invitation', 'still.queued@council.invalid', 'Hello', 'B', 0, 'email', 'queued', NULL)"""


async def test_a_downgrade_leaves_the_old_sender_only_plain_queued_emails(
    pdms_backend, pdms_host, tmp_path
):
    postgres = os.environ.get(POSTGRES_URL_VARIABLE)
    async with throwaway_database(pdms_backend, postgres, tmp_path) as url:
        host = PluginHost.load(replace(pdms_host.settings, database_url=url), entry_points=[])
        config = migrations.alembic_config(host, url)
        await asyncio.to_thread(command.upgrade, config, "a9e4c7b2d519")
        database = Database.connect(url)
        try:
            async with database.engine.begin() as connection:
                await connection.execute(text(NEW_ROWS))
            await asyncio.to_thread(command.downgrade, config, BEFORE)
            async with database.engine.connect() as connection:
                rows = (
                    await connection.execute(
                        text(
                            "SELECT recipient, attempts, last_error FROM notification_outbox"
                            " ORDER BY id"
                        )
                    )
                ).all()
            assert [(r.recipient, r.attempts) for r in rows] == [
                ("07700900123", 5),
                ("Flat 1", 5),
                ("mid.send@council.invalid", 5),
                ("refused@council.invalid", 5),
                ("still.queued@council.invalid", 0),
            ]
            assert rows[0].last_error == "given up on downgrade: not an email"
            # what the sender before the revision would pick: attempts under 5, unsent
            async with database.engine.connect() as connection:
                waiting = (
                    (
                        await connection.execute(
                            text(
                                "SELECT recipient FROM notification_outbox"
                                " WHERE sent_at IS NULL AND attempts < 5"
                            )
                        )
                    )
                    .scalars()
                    .all()
                )
            assert waiting == ["still.queued@council.invalid"]
        finally:
            await database.dispose()
