"""Email over SMTP (``PDMS_SMTP_HOST`` ...), the outbox's original channel."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from pdms_core.notifications.failures import DeliveryFailure, scrub
from pdms_core.notifications.outbox import Outgoing
from pdms_core.settings import Settings


def send_email(settings: Settings, message: Outgoing) -> None:
    """Send one email (blocking: run it in a thread); DeliveryFailure when it fails.

    A recipient or the content refused with a 5xx reply is permanent; anything else
    (no connection, 4xx, a dropped line) may pass later. The stored text is the
    exception type and the server's reply, never the message's content."""
    email = EmailMessage()
    email["From"] = settings.mail_from
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            smtp.send_message(email)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        permanent = bool(codes) and all(code >= 500 for code in codes)
        raise DeliveryFailure(
            f"SMTPRecipientsRefused: {sorted(set(codes))}", permanent=permanent
        ) from None
    except smtplib.SMTPDataError as exc:
        text = f"SMTPDataError: {exc.smtp_code}"
        raise DeliveryFailure(text, permanent=exc.smtp_code >= 500) from None
    except (OSError, smtplib.SMTPException) as exc:
        secrets = (message.recipient, message.subject, message.body, settings.smtp_password)
        text = scrub(f"{type(exc).__name__}: {exc}", secrets)
        raise DeliveryFailure(text, permanent=False) from None
