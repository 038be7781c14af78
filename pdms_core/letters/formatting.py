"""How letters show dates, money and names: the British way, as a council writes them."""

from __future__ import annotations

from datetime import date, datetime

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def british_date(value: date | datetime) -> str:
    """``7 December 2026``: day without a leading zero, month in full, four-digit year."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def pounds(pence: int) -> str:
    """``£1,234.56`` from pence; a negative sum (money owed to the tenant) is ``-£12.00``."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{part:02d}"


def full_name(title: str | None, forenames: str, surname: str) -> str:
    """``Ms Alex Doe``: title, forenames and surname, as the person record shows them."""
    return " ".join(filter(None, [title, forenames, surname]))


def salutation(title: str | None, forenames: str, surname: str) -> str:
    """``Dear Ms Doe`` with a title, ``Dear Alex Doe`` without one."""
    if title:
        return f"Dear {title} {surname}".strip()
    return f"Dear {full_name(None, forenames, surname)}"
