"""The one declarative Base every module's models subclass.

One metadata with a naming convention means constraint names are predictable, so
alembic migrations written on SQLite apply unchanged on PostgreSQL and back.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Big integer ids on PostgreSQL; SQLite needs plain INTEGER for its rowid alias.
IdType = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """Declarative base shared by core and every plugin."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Versioned:
    """Optimistic locking: every UPDATE checks and bumps ``version``.

    A write based on a stale read fails at flush time; the unit of work turns that
    into a CONFLICT error instead of silently overwriting someone else's change.
    """

    version: Mapped[int] = mapped_column(
        Integer, nullable=False, default=1, doc="Optimistic-lock version; bumped by every update."
    )

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, object]:
        return {"version_id_col": cls.__table__.c.version}
