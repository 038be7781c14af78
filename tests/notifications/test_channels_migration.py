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
