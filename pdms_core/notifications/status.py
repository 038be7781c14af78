"""Asking GOV.UK Notify what became of the messages it accepted.

``pdms notifications status`` reads each Notify row still ``sent`` (accepted, not yet
delivered or failed), asks Notify for it by id, and records Notify's status
(``provider_status``) and our reading of it (``status``). Rows are taken least
recently checked first, so letters that stay "accepted" for days do not crowd out
newer messages.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from sqlalchemy import select, update

from pdms_core.auth.tokens import now
from pdms_core.db.engine import Database
from pdms_core.errors import ConfigurationError
from pdms_core.notifications import notify
from pdms_core.notifications.config import notify_config
from pdms_core.notifications.failures import DeliveryFailure
from pdms_core.notifications.models import NOTIFY, SENT, OutboxMessage
from pdms_core.settings import Settings

log = logging.getLogger("pdms.notifications")


@dataclass
class StatusReport:
    checked: int = 0
    #: Rows whose recorded status changed.
    changed: int = 0
    failed: int = 0


async def refresh_statuses(
    database: Database, settings: Settings, *, limit: int = 100
) -> StatusReport:
    """Ask Notify about up to ``limit`` accepted messages and record what it says."""
    config = notify_config(settings)
    if config is None:
        raise ConfigurationError("set PDMS_NOTIFY_API_KEY to ask GOV.UK Notify for statuses")
    async with database.sessionmaker() as session:
        rows = list(
            await session.scalars(
                select(OutboxMessage)
                .where(
                    OutboxMessage.provider == NOTIFY,
                    OutboxMessage.status == SENT,
                    OutboxMessage.provider_ref.is_not(None),
                )
                .order_by(
                    OutboxMessage.next_attempt_at.is_not(None),
                    OutboxMessage.next_attempt_at,
                    OutboxMessage.id,
                )
                .limit(limit)
            )
        )
    report = StatusReport()
    api = notify.client(config)
    for message in rows:
        try:
            answer = await asyncio.to_thread(notify.fetch, api, config, message)
        except DeliveryFailure as failure:
            report.failed += 1
            log.warning(
                "status of outbox message %s (%s, %s) unknown: %s",
                message.id,
                message.kind,
                message.channel,
                failure.text,
            )
            if failure.stop:
                break
            continue
        report.checked += 1
        provider_status = str(answer.get("status") or "")
        status = notify.our_status(provider_status)
        if status != message.status or provider_status != message.provider_status:
            report.changed += 1
            log.info(
                "outbox message %s (%s, %s) is %s",
                message.id,
                message.kind,
                message.channel,
                provider_status,
            )
        async with database.sessionmaker() as session, session.begin():
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message.id, OutboxMessage.status == SENT)
                # next_attempt_at: when it was last checked (rows rotate, oldest first)
                .values(status=status, provider_status=provider_status, next_attempt_at=now())
            )
    return report
