"""GOV.UK Notify through its official client (``notifications-python-client``).

The client is synchronous (``requests``): every call here blocks and runs in a worker
thread. It signs each request with a fresh JWT (HS256, ``iss`` = the service id) from
the key's secret; the key never leaves this module except inside the client.

Statuses as Notify reports them are kept in ``provider_status``; ``status`` holds our
reading of them (:func:`our_status`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from notifications_python_client import NotificationsAPIClient
from notifications_python_client.errors import APIError

from pdms_core.notifications.config import NotifyConfig
from pdms_core.notifications.failures import DeliveryFailure, scrub
from pdms_core.notifications.models import (
    DELIVERED,
    LETTER,
    PERMANENT_FAILURE,
    SENT,
    SMS,
    TECHNICAL_FAILURE,
    TEMPORARY_FAILURE,
    OutboxMessage,
)
from pdms_core.notifications.outbox import Outgoing

#: Seconds the client waits for Notify; a sender's claim lasts far longer (sender.py).
TIMEOUT = 30
#: Notify's statuses -> ours. Unlisted ones (created, sending, pending, accepted,
#: pending-virus-check ...) mean "on its way": ``sent``.
STATUSES = {
    "delivered": DELIVERED,
    "received": DELIVERED,  # a letter Notify has printed and posted
    "permanent-failure": PERMANENT_FAILURE,
    "temporary-failure": TEMPORARY_FAILURE,
    "technical-failure": TECHNICAL_FAILURE,
    "validation-failed": PERMANENT_FAILURE,
    "virus-scan-failed": PERMANENT_FAILURE,
    "cancelled": PERMANENT_FAILURE,
}


def our_status(notify_status: str | None) -> str:
    return STATUSES.get(notify_status or "", SENT)


def client(config: NotifyConfig) -> NotificationsAPIClient:
    return NotificationsAPIClient(config.api_key, base_url=config.base_url, timeout=TIMEOUT)


def personalisation(message: OutboxMessage, outgoing: Outgoing) -> dict[str, Any]:
    """The row's personalisation, plus ((subject)) and ((body)) when it has them, plus
    a letter's ((address_line_1)) ... ((address_line_7))."""
    values: dict[str, Any] = dict(message.personalisation or {})
    if outgoing.subject:
        values.setdefault("subject", outgoing.subject)
    if outgoing.body:
        values.setdefault("body", outgoing.body)
    for number, line in enumerate(message.address_lines or (), start=1):
        values[f"address_line_{number}"] = line
    return values


def send(
    api: NotificationsAPIClient,
    config: NotifyConfig,
    message: OutboxMessage,
    outgoing: Outgoing,
    template_id: str,
) -> dict[str, Any]:
    """Send one message with our reference; Notify's answer (its ``id`` above all)."""
    values = personalisation(message, outgoing)
    reference = message.notify_reference
    try:
        if message.channel == SMS:
            return api.send_sms_notification(
                outgoing.recipient, template_id, personalisation=values, reference=reference
            )
        if message.channel == LETTER:
            return api.send_letter_notification(template_id, values, reference=reference)
        return api.send_email_notification(
            outgoing.recipient, template_id, personalisation=values, reference=reference
        )
    except Exception as exc:
        raise failure(exc, config, message, outgoing) from None


def find_by_reference(
    api: NotificationsAPIClient, config: NotifyConfig, message: OutboxMessage
) -> dict[str, Any] | None:
    """The notification Notify holds with this row's reference, if any: asked before
    a row is sent again, so a send whose answer was lost is not repeated."""
    try:
        answer = api.get_all_notifications(reference=message.notify_reference)
    except Exception as exc:
        raise failure(exc, config, message, None) from None
    found = answer.get("notifications") or []
    return found[0] if found else None


def fetch(
    api: NotificationsAPIClient, config: NotifyConfig, message: OutboxMessage
) -> dict[str, Any]:
    try:
        return api.get_notification_by_id(message.provider_ref)
    except Exception as exc:
        raise failure(exc, config, message, None) from None


def failure(
    exc: Exception, config: NotifyConfig, message: OutboxMessage, outgoing: Outgoing | None
) -> DeliveryFailure:
    """``exc`` as a DeliveryFailure: 400 and other 4xx are permanent (a bad template,
    recipient or personalisation); 403 (a refused key) also stops the run; 429 and 5xx
    (and no answer at all, which the client reports as 503) may pass later, 429 also
    stopping the run. The text is Notify's error name and message, scrubbed of the key,
    the recipient and the content."""
    secrets: list[str | None] = [config.api_key, config.secret, message.recipient]
    secrets += list(_strings(message.personalisation or {}))
    secrets += list(message.address_lines or ())
    if outgoing is not None:
        secrets += [outgoing.recipient, outgoing.subject, outgoing.body]
    if not isinstance(exc, APIError):
        return DeliveryFailure(scrub(f"{type(exc).__name__}", secrets), permanent=False)
    code = exc.status_code
    text = scrub(f"{code} {_describe(exc)}", secrets)
    if code == 429 or code >= 500:
        return DeliveryFailure(text, permanent=False, stop=code == 429)
    return DeliveryFailure(text, permanent=True, stop=code in (401, 403))


def _describe(exc: APIError) -> str:
    message = exc.message
    if isinstance(message, list):
        parts = [
            f"{item.get('error', '')}: {item.get('message', '')}"
            for item in message
            if isinstance(item, dict)
        ]
        return "; ".join(parts) or "error"
    return str(message)


def _strings(values: Any) -> Iterable[str]:
    if isinstance(values, str):
        yield values
    elif isinstance(values, dict):
        for value in values.values():
            yield from _strings(value)
    elif isinstance(values, list | tuple):
        for value in values:
            yield from _strings(value)
    elif values is not None:
        yield str(values)
