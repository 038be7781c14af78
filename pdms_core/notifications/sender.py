"""Delivering queued outbox messages: email over SMTP, and email, text messages and
letters through GOV.UK Notify.

Each row is claimed before it is sent (``queued`` -> ``sending``, ``attempts`` bumped,
where the row still holds the values read), so of two senders running at once only one
sends it. A claim lasts ``LEASE``; a row still ``sending`` after that belongs to a
sender that stopped between sending and recording (see :func:`_recover`). Outcomes are
stored on the row; logs name the message id, kind and channel only, never the
recipient, the content or the personalisation.

Nothing is sent twice: a Notify message carries our reference (the row's), and before
any second attempt, and before a stuck row is released, Notify is asked whether it
already holds that reference; if it does, the row is recorded as sent with Notify's id.
An SMTP server cannot be asked, so an SMTP row found stuck is marked ``failed`` for a
person to check, never sent again blindly.

Some kinds are composed when they are sent, not when they are queued: a password
reset request (auth/reset.py) holds only the address, and its composer looks the
account up, issues the token and writes the email, or says to drop the request when
no active account has the address. That keeps the account lookup off the request
path and the token out of the outbox.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update

from pdms_core.auth.reset import RESET_REQUEST, compose_reset
from pdms_core.auth.tokens import now
from pdms_core.db.engine import Database
from pdms_core.errors import ConfigurationError
from pdms_core.notifications import notify
from pdms_core.notifications.config import NotifyConfig, notify_config
from pdms_core.notifications.failures import DeliveryFailure
from pdms_core.notifications.models import (
    EMAIL,
    FAILED,
    NOTIFY,
    QUEUED,
    SENDING,
    SENT,
    SMTP,
    OutboxMessage,
)
from pdms_core.notifications.outbox import Outgoing
from pdms_core.notifications.smtp import send_email
from pdms_core.settings import Settings

log = logging.getLogger("pdms.notifications")
#: Claims of one row before it is given up (``failed``).
MAX_ATTEMPTS = 6
#: The first retry waits for the next run; later ones 5, 10, 20, 40 minutes (capped).
BACKOFF = timedelta(minutes=5)
BACKOFF_CAP = timedelta(hours=1)
#: How long a claim lasts: far beyond one send (the Notify client gives up after 30 s).
LEASE = timedelta(minutes=15)
INTERRUPTED = "Interrupted while sending: delivery unknown, so not sent again; check it."


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    #: Requests whose composer found nothing to send (e.g. a reset for no account).
    dropped: int = 0
    #: Due rows left queued because their channel is not configured (or refused us).
    waiting: int = 0
    #: Stuck rows found already accepted by Notify, or released to be sent again.
    recovered: int = 0


Composer = Callable[[Database, Settings, str], Awaitable[Outgoing | None]]


async def _compose_reset(database: Database, settings: Settings, address: str) -> Outgoing | None:
    return await compose_reset(database.sessionmaker, settings, address)


#: Kinds composed at sending time, and their composers.
COMPOSERS: dict[str, Composer] = {RESET_REQUEST: _compose_reset}


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try."""
    if attempts <= 1:
        return timedelta(0)
    return min(BACKOFF * 2 ** (attempts - 2), BACKOFF_CAP)


async def send_pending(database: Database, settings: Settings, *, limit: int = 100) -> SendReport:
    """Send up to ``limit`` due messages on every configured channel."""
    config = notify_config(settings)
    if not settings.smtp_host and config is None:
        raise ConfigurationError(
            "set PDMS_SMTP_HOST (and PDMS_SMTP_PORT) or PDMS_NOTIFY_API_KEY to send messages"
        )
    run = _Run(database, settings, config)
    await run.recover()
    current = now()
    async with database.sessionmaker() as session:
        due = list(
            await session.scalars(
                select(OutboxMessage)
                .where(
                    OutboxMessage.status == QUEUED,
                    OutboxMessage.sent_at.is_(None),
                    OutboxMessage.attempts < MAX_ATTEMPTS,
                    or_(
                        OutboxMessage.next_attempt_at.is_(None),
                        OutboxMessage.next_attempt_at <= current,
                    ),
                )
                .order_by(OutboxMessage.id)
                .limit(limit)
            )
        )
    for message in due:
        await run.deliver(message)
    return run.report


@dataclass
class _Run:
    database: Database
    settings: Settings
    config: NotifyConfig | None
    report: SendReport = field(default_factory=SendReport)
    #: Providers that refused this sender (bad key, rate limit): not tried again this run.
    stopped: set[str] = field(default_factory=set)
    _api: Any = None

    @property
    def api(self) -> Any:
        if self._api is None:
            assert self.config is not None
            self._api = notify.client(self.config)
        return self._api

    def provider(self, message: OutboxMessage) -> str | None:
        """Who sends this row now, or None while that is not configured."""
        chosen = message.provider
        if chosen is None:
            template = self.config and self.config.template(message.kind, message.channel)
            chosen = NOTIFY if message.channel != EMAIL or template else SMTP
        if chosen in self.stopped:
            return None
        if chosen == NOTIFY:
            usable = self.config is not None and self.config.template(message.kind, message.channel)
            return NOTIFY if usable else None
        composed = message.kind in COMPOSERS
        return SMTP if self.settings.smtp_host and (composed or message.body) else None

    async def deliver(self, message: OutboxMessage) -> None:
        provider = self.provider(message)
        if provider is None:
            self.report.waiting += 1
            log.info("outbox message %s (%s, %s) waits for its channel", *_names(message))
            return
        if not await _claim(self.database, message, provider):
            return
        attempts = message.attempts + 1
        try:
            if provider == NOTIFY:
                outcome = await self._via_notify(message, attempts)
            else:
                outcome = await self._via_smtp(message)
        except DeliveryFailure as failure:
            await self._failed(message, attempts, failure, provider)
            return
        if outcome is None:
            self.report.dropped += 1
            await _drop(self.database, message.id)
            return
        self.report.sent += 1
        await _record(self.database, message.id, attempts, **outcome)
        log.info("outbox message %s (%s, %s) sent by %s", *_names(message), provider)

    async def _compose(self, message: OutboxMessage) -> Outgoing | None:
        compose = COMPOSERS.get(message.kind)
        if compose is None:
            return Outgoing(message.recipient, message.subject, message.body)
        return await compose(self.database, self.settings, message.recipient)

    async def _via_smtp(self, message: OutboxMessage) -> dict[str, Any] | None:
        outgoing = await self._compose(message)
        if outgoing is None:
            return None
        await asyncio.to_thread(send_email, self.settings, outgoing)
        return {"status": SENT}

    async def _via_notify(self, message: OutboxMessage, attempts: int) -> dict[str, Any] | None:
        assert self.config is not None
        if attempts > 1:
            # Asked before composing: a reset composed again would retire the token
            # of an email Notify may already have.
            found = await asyncio.to_thread(
                notify.find_by_reference, self.api, self.config, message
            )
            if found is not None:
                log.info("outbox message %s (%s, %s) was already with Notify", *_names(message))
                return _accepted(found)
        outgoing = await self._compose(message)
        if outgoing is None:
            return None
        template = self.config.template(message.kind, message.channel)
        assert template is not None
        answer = await asyncio.to_thread(
            notify.send, self.api, self.config, message, outgoing, template
        )
        return {**_accepted(answer), "provider_status": "created"}

    async def _failed(
        self, message: OutboxMessage, attempts: int, failure: DeliveryFailure, provider: str
    ) -> None:
        self.report.failed += 1
        if failure.stop:
            self.stopped.add(provider)
        final = failure.permanent or attempts >= MAX_ATTEMPTS
        await _record(
            self.database,
            message.id,
            attempts,
            status=FAILED if final else QUEUED,
            next_attempt_at=None if final else now() + backoff(attempts),
            last_error=failure.text,
        )
        state = "failed" if final else "will be retried"
        log.warning("outbox message %s (%s, %s) %s: %s", *_names(message), state, failure.text)

    async def recover(self) -> None:
        """Settle rows whose sender stopped while they were ``sending``."""
        async with self.database.sessionmaker() as session:
            stuck = list(
                await session.scalars(
                    select(OutboxMessage).where(
                        OutboxMessage.status == SENDING, OutboxMessage.next_attempt_at <= now()
                    )
                )
            )
        for message in stuck:
            await self._recover(message)

    async def _recover(self, message: OutboxMessage) -> None:
        if message.provider != NOTIFY:
            await _settle(self.database, message, status=FAILED, last_error=INTERRUPTED)
            log.warning("outbox message %s (%s, %s) was interrupted", *_names(message))
            return
        if self.config is None or NOTIFY in self.stopped:
            return
        try:
            found = await asyncio.to_thread(
                notify.find_by_reference, self.api, self.config, message
            )
        except DeliveryFailure as failure:
            if failure.stop:
                self.stopped.add(NOTIFY)
            return  # asked again at the next run; the claim stays
        self.report.recovered += 1
        if found is not None:
            await _settle(self.database, message, **_accepted(found))
        elif message.attempts >= MAX_ATTEMPTS:
            await _settle(self.database, message, status=FAILED, last_error=INTERRUPTED)
        else:
            await _settle(self.database, message, status=QUEUED, next_attempt_at=None)
        log.info("outbox message %s (%s, %s) recovered", *_names(message))


def _names(message: OutboxMessage) -> tuple[int, str, str]:
    return message.id, message.kind, message.channel


def _accepted(answer: dict[str, Any]) -> dict[str, Any]:
    status = answer.get("status")
    return {
        "status": notify.our_status(status),
        "provider_ref": str(answer["id"]),
        "provider_status": status,
    }


async def _claim(database: Database, message: OutboxMessage, provider: str) -> bool:
    async with database.sessionmaker() as session, session.begin():
        result = await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message.id,
                OutboxMessage.status == QUEUED,
                OutboxMessage.attempts == message.attempts,
                OutboxMessage.sent_at.is_(None),
            )
            .values(
                status=SENDING,
                attempts=OutboxMessage.attempts + 1,
                provider=provider,
                next_attempt_at=now() + LEASE,
            )
        )
        return result.rowcount == 1


async def _drop(database: Database, message_id: int) -> None:
    async with database.sessionmaker() as session, session.begin():
        await session.execute(delete(OutboxMessage).where(OutboxMessage.id == message_id))


async def _record(database: Database, message_id: int, attempts: int, **values: Any) -> None:
    """The outcome of this sender's claim (``attempts`` as claimed): a lapsed claim that
    another sender has settled since is left as that sender recorded it."""
    if values.get("status") not in (QUEUED, FAILED):
        values = {"sent_at": now(), "last_error": None, "next_attempt_at": None, **values}
    async with database.sessionmaker() as session, session.begin():
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.status == SENDING,
                OutboxMessage.attempts == attempts,
            )
            .values(**values)
        )


async def _settle(database: Database, message: OutboxMessage, **values: Any) -> None:
    await _record(database, message.id, message.attempts, **values)
