"""Checking and normalising contact values and external references.

A contact-detail type's ``kind`` and a reference type's ``format`` (lookup attributes,
see people/lookups.py) name one of the functions here. Each returns ``(value to store,
value to search on)`` or raises ValidationFailed with a message that never repeats the
value (it may be personal data).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import email_validator
import phonenumbers
from email_validator import EmailNotValidError, validate_email

from pdms_core.errors import ValidationFailed

# RFC 2606 reserves ``.invalid`` for examples that can never be delivered; PDMS test
# data and fixtures use it for fictional staff. email-validator refuses it by default
# and documents removing a name from this list as the way to allow one (process-wide:
# nothing in PDMS sends mail to, or wants to refuse, such an address).
if "invalid" in email_validator.SPECIAL_USE_DOMAIN_NAMES:
    email_validator.SPECIAL_USE_DOMAIN_NAMES.remove("invalid")
# HMRC rules: no D, F, I, Q, U or V in either prefix letter, no O second, some pairs
# never issued; a suffix of A-D.
NI_NUMBER = re.compile(
    r"^(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]$"
)


PHONE_HINT = "Enter a UK phone number of 10 or 11 digits, starting 0 or +44."


def email_address(value: str, field: str = "email") -> str:
    """``value`` as email-validator normalises it (domain in lower case, Unicode NFC),
    or ValidationFailed. Syntax only: no DNS look-up (``check_deliverability=False``)."""
    try:
        checked = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError:
        # The library's reason quotes the address: not repeated (personal data).
        raise ValidationFailed(
            "Enter an email address like name@example.org.", field=field
        ) from None
    return checked.normalized


def _email(value: str, field: str) -> tuple[str, str]:
    normalised = email_address(value, field)
    return normalised, normalised.lower()


def _phone(value: str, field: str) -> tuple[str, str]:
    """A UK number (0... or +44...) in national format, ``07700 900123``; searched on its
    digits, ``07700900123``.

    phonenumbers decides: a number in an allocated range (*valid*) is accepted, and so
    is one of the usual 10 or 11 digits that merely has a UK number's shape
    (*possible*): Ofcom's ranges for drama, which test and demo data use, are not
    allocated, and the library's range data lags new allocations. Its *possible* alone
    would accept 8 or 9 digits (a few areas have them), which PDMS always refused.
    """
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or number.country_code != 44:
        raise ValidationFailed(PHONE_HINT, field=field)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    digits = phonenumbers.normalize_digits_only(national)
    usual = len(digits) in (10, 11) and phonenumbers.is_possible_number(number)
    if not (usual or phonenumbers.is_valid_number(number)):
        raise ValidationFailed(PHONE_HINT, field=field)
    return national, digits


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
