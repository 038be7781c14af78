"""Checking what a module asks to send, before it reaches the outbox.

Messages name the field and never repeat the value: recipients and personalisation
are personal data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import phonenumbers

from pdms_core.errors import ValidationFailed
from pdms_core.notifications.models import CHANNELS, EMAIL, LETTER, SMS
from pdms_core.people.validation import email_address
from pdms_core.places.address import is_uk_postcode, normalise_postcode


class InvalidNotification(ValidationFailed):
    """A notification could not be queued as asked; ``field`` names the argument."""


#: Kinds name template mappings (``kind:channel=template-id``), so they are plain.
KIND = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
#: Mobile ranges (Ofcom): 071-075 and 077-079; 070 (personal) and 076 (pagers) are not.
MOBILE = re.compile(r"^7[1-57-9][0-9]{8}$")
MIN_ADDRESS_LINES, MAX_ADDRESS_LINES = 3, 7
MAX_LINE = 100
MAX_PERSONALISATION = 20_000


def check_kind(kind: str) -> str:
    if not isinstance(kind, str) or not KIND.match(kind):
        raise InvalidNotification(
            "A kind is 1-60 lower-case letters, digits and underscores, starting with a letter.",
            field="kind",
        )
    return kind


def check_channel(channel: str) -> str:
    if channel not in CHANNELS:
        raise InvalidNotification(f"The channel is one of {', '.join(CHANNELS)}.", field="channel")
    return channel


def uk_mobile(value: str) -> str:
    """A UK mobile number as +447...; InvalidNotification otherwise."""
    try:
        number = phonenumbers.parse(value, "GB")
    except (phonenumbers.NumberParseException, TypeError):
        number = None
    if number is None or number.country_code != 44 or not MOBILE.match(str(number.national_number)):
        raise InvalidNotification(
            "Enter a UK mobile number of 11 digits starting 07 (or +44 7).", field="recipient"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def letter_address(lines: Any) -> list[str]:
    """3 to 7 non-blank lines, addressee first, a UK postcode last (normalised)."""
    if isinstance(lines, str) or not isinstance(lines, Sequence):
        raise InvalidNotification(
            "A letter's recipient is its address as a list of lines.", field="recipient"
        )
    cleaned = [" ".join(str(line).split()) for line in lines]
    cleaned = [line for line in cleaned if line]
    if not MIN_ADDRESS_LINES <= len(cleaned) <= MAX_ADDRESS_LINES:
        raise InvalidNotification(
            f"A letter's address has {MIN_ADDRESS_LINES} to {MAX_ADDRESS_LINES} lines "
            "(the addressee first, the postcode last).",
            field="recipient",
        )
    if any(len(line) > MAX_LINE for line in cleaned):
        raise InvalidNotification(
            f"Address lines are at most {MAX_LINE} characters.", field="recipient"
        )
    postcode = normalise_postcode(cleaned[-1]) or ""
    if not is_uk_postcode(postcode):
        raise InvalidNotification(
            "A letter's last address line is a UK postcode.", field="recipient"
        )
    return [*cleaned[:-1], postcode]


def check_recipient(channel: str, recipient: Any) -> tuple[str, list[str] | None]:
    """(the recipient column, the address lines) for ``channel``."""
    if channel == LETTER:
        lines = letter_address(recipient)
        return lines[0], lines
    if not isinstance(recipient, str):
        raise InvalidNotification("The recipient is text.", field="recipient")
    if channel == SMS:
        return uk_mobile(recipient), None
    try:
        return email_address(recipient, field="recipient"), None
    except ValidationFailed as refused:
        raise InvalidNotification(refused.message, field="recipient") from None


def check_personalisation(
    channel: str, personalisation: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    if personalisation is None:
        return None
    if not isinstance(personalisation, Mapping) or not all(
        isinstance(key, str) and key for key in personalisation
    ):
        raise InvalidNotification(
            "Personalisation maps placeholder names to values.", field="personalisation"
        )
    if channel == LETTER and any(key.startswith("address_line_") for key in personalisation):
        raise InvalidNotification(
            "A letter's address comes from its recipient, not its personalisation.",
            field="personalisation",
        )
    try:
        size = len(json.dumps(personalisation))
    except (TypeError, ValueError):
        raise InvalidNotification(
            "Personalisation values are text, numbers or lists of text.", field="personalisation"
        ) from None
    if size > MAX_PERSONALISATION:
        raise InvalidNotification(
            f"Personalisation is at most {MAX_PERSONALISATION} characters.",
            field="personalisation",
        )
    return dict(personalisation)


def check_content(
    channel: str, subject: str | None, body: str | None, personalisation: dict | None
) -> tuple[str, str]:
    """The subject and body columns: an email has a subject and body (it can go by
    SMTP) or personalisation (a Notify template only); text and letters need one of
    a body or personalisation."""
    if subject is not None and len(subject) > 300:
        raise InvalidNotification("A subject is at most 300 characters.", field="subject")
    if channel == EMAIL and personalisation is None and not (subject and body):
        raise InvalidNotification(
            "An email needs a subject and a body, or personalisation for a Notify template.",
            field="body",
        )
    if channel != EMAIL and personalisation is None and not body:
        raise InvalidNotification(
            "A text message or letter needs a body or personalisation.", field="body"
        )
    return subject or "", body or ""
