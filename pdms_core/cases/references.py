"""Human-friendly case references: a per-module prefix and a number, e.g. ``RA-000123``."""

from __future__ import annotations

import re

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.cases.models import CaseSequence
from pdms_core.errors import Duplicate, ValidationFailed
from pdms_core.records import CORE

PREFIX = re.compile(r"^[A-Z][A-Z0-9]{0,9}$")
DIGITS = 6


def default_prefix(module: str) -> str:
    """``CASE`` for generic cases; a module's initials otherwise (``rent_arrears`` → ``RA``)."""
    if module == CORE:
        return "CASE"
    return "".join(part[0] for part in module.split("_") if part).upper()


def format_reference(prefix: str, number: int) -> str:
    return f"{prefix}-{number:0{DIGITS}d}"


async def next_reference(session: AsyncSession, module: str) -> str:
    """Issue the next reference of ``module`` inside the caller's transaction.

    The increment is one UPDATE ... RETURNING, so concurrent openings get distinct
    numbers (PostgreSQL locks the row; SQLite serialises writers), and a rolled-back
    opening gives its number back.
    """
    await _ensure_sequence(session, module)
    prefix, number = (
        await session.execute(
            update(CaseSequence)
            .where(CaseSequence.module == module)
            .values(last_number=CaseSequence.last_number + 1)
            .returning(CaseSequence.prefix, CaseSequence.last_number)
        )
    ).one()
    return format_reference(prefix, number)


async def _ensure_sequence(session: AsyncSession, module: str) -> None:
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    await session.execute(
        dialect.insert(CaseSequence)
        .values(module=module, prefix=default_prefix(module), last_number=0)
        .on_conflict_do_nothing(index_elements=["module"])
    )


async def set_prefix(session: AsyncSession, module: str, prefix: str) -> CaseSequence:
    """Change the prefix of ``module``'s future references (existing ones keep theirs)."""
    prefix = prefix.strip().upper()
    if not PREFIX.match(prefix):
        raise ValidationFailed(
            "A prefix is 1-10 capital letters or digits, starting with a letter.", field="prefix"
        )
    await _ensure_sequence(session, module)
    taken = await session.scalar(
        select(CaseSequence.module).where(
            CaseSequence.prefix == prefix, CaseSequence.module != module
        )
    )
    if taken is not None:
        raise Duplicate(f"The {taken} module already uses the prefix {prefix}.", field="prefix")
    sequence = await session.get(CaseSequence, module, populate_existing=True)
    sequence.prefix = prefix
    await session.flush()
    return sequence
