"""Checking and normalising contact values and external references.

A contact-detail type's ``kind`` and a reference type's ``format`` (lookup attributes,
see people/lookups.py) name one of the functions here. Each returns ``(value to store,
value to search on)`` or raises ValidationFailed with a message that never repeats the
value (it may be personal data).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pdms_core.errors import ValidationFailed

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# HMRC rules: no D, F, I, Q, U or V in either prefix letter, no O second, some pairs
# never issued; a suffix of A-D.
NI_NUMBER = re.compile(
    r"^(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]$"
)


def _email(value: str, field: str) -> tuple[str, str]:
    cleaned = value.strip()
    if len(cleaned) > 254 or not EMAIL.match(cleaned):
        raise ValidationFailed("Enter an email address like name@example.org.", field=field)
    return cleaned, cleaned.lower()


def _phone(value: str, field: str) -> tuple[str, str]:
    cleaned = " ".join(value.split())
    digits = re.sub(r"[\s\-().]", "", cleaned)
    if digits.startswith("+44"):
        digits = "0" + digits[3:]
    if not (digits.isdigit() and digits.startswith("0") and len(digits) in (10, 11)):
        raise ValidationFailed(
            "Enter a UK phone number of 10 or 11 digits, starting 0 or +44.", field=field
        )
    return cleaned, digits


def _ni_number(value: str, field: str) -> tuple[str, str]:
    compact = "".join(value.split()).upper()
    if not NI_NUMBER.match(compact):
        raise ValidationFailed("Enter a National Insurance number like AB 12 34 56 C.", field=field)
    return compact, compact


def _nhs_number(value: str, field: str) -> tuple[str, str]:
    digits = re.sub(r"[\s-]", "", value)
    if not (digits.isdigit() and len(digits) == 10) or not _nhs_check_digit_ok(digits):
        raise ValidationFailed("Enter a valid 10-digit NHS number.", field=field)
    return digits, digits


def _nhs_check_digit_ok(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _digits(value: str, field: str) -> tuple[str, str]:
    compact = "".join(value.split())
    if not compact.isdigit() or len(compact) > 30:
        raise ValidationFailed("Enter digits only.", field=field)
    return compact, compact


def _text(value: str, field: str) -> tuple[str, str]:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise ValidationFailed("Enter a value.", field=field)
    if len(cleaned) > 100:
        raise ValidationFailed("Values are at most 100 characters.", field=field)
    return cleaned, cleaned.upper()


VALIDATORS: dict[str, Callable[[str, str], tuple[str, str]]] = {
    "email": _email,
    "phone": _phone,
    "ni_number": _ni_number,
    "nhs_number": _nhs_number,
    "digits": _digits,
    "text": _text,
}


def check_value(kind: str | None, value: str, field: str = "value") -> tuple[str, str]:
    """Validate ``value`` for ``kind``; unknown or missing kinds are plain text."""
    return VALIDATORS.get(kind or "text", _text)(value, field)
