"""Human-friendly case references: a per-module prefix and a number, e.g. ``RA-000123``."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from sqlalchemy import Sequence, Text, cast, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import REGCLASS
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.schema import CreateSequence

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

    On PostgreSQL the number comes from the module's own SEQUENCE: ``nextval`` locks
    nothing until commit, so concurrent openings don't wait on each other, and a
    rolled-back opening leaves a gap. On SQLite (one writer at a time) the number is
    ``case_sequence.last_number`` + 1 in one UPDATE ... RETURNING, so a rolled-back
    opening gives its number back.
    """
    statement = _next_number(session, module)
    issued = (await session.execute(statement)).first()
    if issued is None:  # the module's first case: its row (and sequence) first
        await _ensure_sequence(session, module)
        issued = (await session.execute(statement)).one()
    return format_reference(*issued)


def _next_number(session: AsyncSession, module: str) -> Any:
    """The module's prefix and next number; no row when the module has no case yet."""
    if _is_postgresql(session):
        # The name is cast at run time, so a module without a row (nor yet a sequence)
        # selects nothing instead of failing.
        name = cast(literal(_quoted(session, module), Text), REGCLASS)
        return select(CaseSequence.prefix, func.nextval(name)).where(CaseSequence.module == module)
    return (
        update(CaseSequence)
        .where(CaseSequence.module == module)
        .values(last_number=CaseSequence.last_number + 1)
        .returning(CaseSequence.prefix, CaseSequence.last_number)
    )


async def claim_numbers(connection: AsyncConnection | AsyncSession, module: str, count: int) -> int:
    """Take ``count`` consecutive numbers of ``module`` at once (bulk loads such as the
    demo seed, run while nothing else opens cases of the module); the first is returned."""
    await _ensure_sequence(connection, module)
    if _is_postgresql(connection):
        name = _quoted(connection, module)
        first = await connection.scalar(select(func.nextval(name)))
        await connection.execute(select(func.setval(name, first + count - 1)))
        return first
    last = await connection.scalar(
        update(CaseSequence)
        .where(CaseSequence.module == module)
        .values(last_number=CaseSequence.last_number + count)
        .returning(CaseSequence.last_number)
    )
    return last - count + 1


def sequence_name(module: str) -> str:
    """The PostgreSQL sequence numbering ``module``'s cases (within the 63-byte name limit)."""
    name = f"case_reference_{module}"
    if len(name) > 63:
        name = f"case_reference_{hashlib.sha256(module.encode()).hexdigest()[:32]}"
    return name


def _sequence(module: str) -> Sequence:
    return Sequence(sequence_name(module), metadata=None)


def _quoted(connection: AsyncConnection | AsyncSession, module: str) -> str:
    return _dialect(connection).identifier_preparer.quote(sequence_name(module))


def _dialect(connection: AsyncConnection | AsyncSession) -> Dialect:
    return (
        connection.dialect if isinstance(connection, AsyncConnection) else connection.bind.dialect
    )


def _is_postgresql(connection: AsyncConnection | AsyncSession) -> bool:
    return _dialect(connection).name == "postgresql"


async def _ensure_sequence(connection: AsyncConnection | AsyncSession, module: str) -> None:
    """The module's ``case_sequence`` row, and on PostgreSQL its sequence started at 1
    when the row is new (a sequence left from deleted rows starts over with them)."""
    postgres = _is_postgresql(connection)
    dialect = postgresql if postgres else sqlite
    inserted = await connection.scalar(
        dialect.insert(CaseSequence)
        .values(module=module, prefix=default_prefix(module), last_number=0)
        .on_conflict_do_nothing(index_elements=["module"])
        .returning(CaseSequence.module)
    )
    if postgres and inserted is not None:
        # Concurrent first openings wait on the new row, so only one creates the sequence.
        await connection.execute(CreateSequence(_sequence(module), if_not_exists=True))
        await connection.execute(select(func.setval(_quoted(connection, module), 1, False)))


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
