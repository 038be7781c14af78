"""The rent statement: a letter core generates from the council's own template.

The module declares the purpose and fills its merge fields; core keeps the templates,
checks them, fills them and stores the letter as a document on the account.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.plugin import (
    PLACE_LETTER_FIELDS,
    RECIPIENT_LETTER_FIELDS,
    Actor,
    LetterField,
    LetterPurpose,
    MissingField,
    Settings,
    place_letter_fields,
    pounds,
    recipient_letter_fields,
)
from pdms_rent_arrears.models import Account, AccountWeek

#: How many of the latest weekly figures a statement lists.
STATEMENT_WEEKS = 8

F = LetterField

WEEK_ITEMS = (
    F("week_ending", "The report's date, the British way.", "4 December 2026"),
    F("rent", "The weekly rent charged.", "£95.50"),
    F("balance", "The balance that week; positive is owed.", "£381.00"),
    F("change", "How the balance moved since the week before.", "+£95.50"),
    F("weeks_in_arrears", "Balance divided by weekly rent, to one decimal place.", "4.0"),
)

STATEMENT_FIELDS = (
    F("account_reference", "The housing system's account reference.", "RA000123"),
    F("tenant_name", "The tenant's name as the weekly report gives it.", "Alex Doe"),
    *RECIPIENT_LETTER_FIELDS,
    *PLACE_LETTER_FIELDS,
    F("report_date", "The latest report's date, the British way.", "4 December 2026"),
    F("balance", "The latest balance; positive is owed.", "£381.00"),
    F("arrears", "What is owed: the balance when positive, else £0.00.", "£381.00"),
    F("weekly_rent", "The latest weekly rent.", "£95.50"),
    F("weeks_in_arrears", "Balance divided by weekly rent, to one decimal place.", "4.0"),
    F("last_payment_date", "When the last payment was made, the British way.", "1 December 2026"),
    F("last_payment_amount", "The last payment.", "£50.00"),
    F(
        "weeks",
        f"The latest {STATEMENT_WEEKS} weeks' figures, oldest first, for a table loop "
        "(`{%tr for week in weeks %}`).",
        items=WEEK_ITEMS,
    ),
)


#: The fields that come from the weekly reports.
WEEKLY_FIGURES = (
    "report_date",
    "balance",
    "arrears",
    "weekly_rent",
    "weeks_in_arrears",
    "last_payment_date",
    "last_payment_amount",
    "weeks",
)


def _signed(pence: int) -> str:
    return f"+{pounds(pence)}" if pence > 0 else pounds(pence)


def _week_rows(weeks: list[Any]) -> list[dict[str, Any]]:
    rows = []
    previous = None
    for week in weeks:
        change = week.balance_pence - previous.balance_pence if previous is not None else None
        rows.append(
            {
                "week_ending": week.report_date,
                "rent": pounds(week.weekly_rent_pence),
                "balance": pounds(week.balance_pence),
                "change": "" if change is None else _signed(change),
                "weeks_in_arrears": f"{week.weeks_in_arrears:.1f}",
            }
        )
        previous = week
    return rows


async def statement_fields(
    session: AsyncSession, account_id: int, actor: Actor, settings: Settings
) -> dict[str, Any]:
    """The rent statement's merge fields for one account."""
    account = await session.get(Account, account_id)
    if account is None:
        return {}
    # one more than shown, so the oldest shown week has a change too
    latest = list(
        await session.scalars(
            select(AccountWeek)
            .where(AccountWeek.account_id == account.id)
            .order_by(AccountWeek.report_date.desc())
            .limit(STATEMENT_WEEKS + 1)
        )
    )
    latest.reverse()
    fields: dict[str, Any] = {
        "account_reference": account.reference,
        "tenant_name": account.tenant_name,
        **await _recipient(session, account),
        **await _place(session, account),
    }
    if not latest:
        none = MissingField(f"rent account {account.reference} has no weekly figures yet")
        return {**fields, **dict.fromkeys(WEEKLY_FIGURES, none)}
    week = latest[-1]
    fields.update(
        report_date=week.report_date,
        balance=pounds(week.balance_pence),
        arrears=pounds(max(week.balance_pence, 0)),
        weekly_rent=pounds(week.weekly_rent_pence),
        weeks_in_arrears=f"{week.weeks_in_arrears:.1f}",
        last_payment_date=week.last_payment_on
        or MissingField(f"rent account {account.reference} has no payment on record"),
        last_payment_amount=pounds(week.last_payment_pence)
        if week.last_payment_pence is not None
        else MissingField(f"rent account {account.reference} has no payment on record"),
        weeks=_week_rows(latest)[-STATEMENT_WEEKS:],
    )
    return fields


async def _recipient(session: AsyncSession, account: Any) -> dict[str, Any]:
    if account.person_id is None:
        unlinked = MissingField(f"rent account {account.reference} is not linked to a person yet")
        return {field.name: unlinked for field in RECIPIENT_LETTER_FIELDS}
    return await recipient_letter_fields(session, account.person_id)


async def _place(session: AsyncSession, account: Any) -> dict[str, Any]:
    if account.place_id is not None:
        return await place_letter_fields(session, account.place_id)
    unlinked = MissingField(f"rent account {account.reference} is not linked to a place yet")
    return {field.name: unlinked for field in PLACE_LETTER_FIELDS}


RENT_STATEMENT = LetterPurpose(
    code="rent_arrears.rent_statement",
    label="Rent statement",
    holder="RentArrearsAccount",
    description=f"The account's balance, weekly rent, weeks in arrears and the latest "
    f"{STATEMENT_WEEKS} weeks' figures, to the linked tenant's correspondence address.",
    fields=STATEMENT_FIELDS,
    provide=statement_fields,
)
