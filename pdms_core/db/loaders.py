"""Per-request dataloaders that batch nested fields, one short-lived session per batch.

Never share an AsyncSession between concurrently resolving fields: every batch opens
its own session, reads, and closes it. The number of SQL statements per request then
depends on the query's depth, not on how many rows it returns.

The core's generic loaders (:class:`RowsByIdLoader`, :class:`ChildrenLoader` and the
link-table and lookup loaders) read with :meth:`SessionLoader.read` instead: one
statement on a connection of its own, its keys in one bind parameter (:data:`KEYS`,
placed by :meth:`SessionLoader.among_keys`). They build read-only rows
(``db/read_rows.py``), so a session's bookkeeping (transaction state, identity map,
ORM result loading) bought them nothing; and on PostgreSQL ``= ANY(array)`` keeps one
SQL text whatever the number of keys, where ``IN (...)`` was rendered anew for every
batch and prepared anew by the driver for every new length. Together that took a
450-row batch from about 2.6 to 1.5 CPU ms (bench/RESULTS.md).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from aiodataloader import DataLoader
from graphql import FieldNode, FragmentSpreadNode
from sqlalchemy import ARRAY, Row, any_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdms_core.auth.actor import Actor
from pdms_core.db.read_rows import attribute, joined_alias, read_columns, read_rows, split_rows
from pdms_core.db.row_rules import restrict
from pdms_core.graphql.compat import raw_info

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

#: The bind parameter that carries a batch's keys to :meth:`SessionLoader.read`.
KEYS = "keys"
#: Statements :meth:`SessionLoader.cached_statement` built, by loader class, parameters and
#: database kind. Building one (and SQLAlchemy's cache key for it, which it keeps on
#: the statement object) cost more than reading a small batch; the parameters come
#: from the schema's arguments, so there are few, but the bound guards against any
#: that come from callers' values.
_STATEMENTS: dict[Hashable, Any] = {}
_STATEMENTS_KEPT = 512


class SessionLoader(DataLoader, Generic[K, V]):
    """Base for ``<Things>By<Key>Loader`` classes.

    Subclasses implement :meth:`load_many_from` and return a mapping from key to value;
    keys missing from the mapping resolve to :attr:`missing` (None, or an empty list
    for one-to-many loaders).
    """

    missing: Any = None

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        actor: Actor | None = None,
        **params: Any,
    ):
        super().__init__()
        self.sessionmaker = sessionmaker
        #: The caller: loaders apply the row-level rules (``db/row_rules.py``) for them.
        self.actor = actor
        self.params = params

    async def batch_load_fn(self, keys: Sequence[K]) -> list[V]:
        found = await self.load_batch(keys)
        return [found.get(key, self._missing()) for key in keys]

    def _missing(self) -> Any:
        return [] if isinstance(self.missing, list) else self.missing

    async def load_batch(self, keys: Sequence[K]) -> Mapping[K, V]:
        """The values found for ``keys``: by default :meth:`load_many_from` in a session
        of the batch's own."""
        async with self.sessionmaker() as session:
            return await self.load_many_from(session, keys)

    async def load_many_from(self, session: AsyncSession, keys: Sequence[K]) -> Mapping[K, V]:
        raise NotImplementedError

    @property
    def engine(self) -> AsyncEngine:
        """The engine behind the loader's sessions (the readers', ``Database.readers``)."""
        return self.sessionmaker.kw["bind"]

    def cached_statement(self, build: Callable[[], Any]) -> Any:
        """What ``build()`` returns for this loader class, parameters and database,
        built once. ``build`` must depend on nothing else: not the keys (placed by
        :meth:`among_keys`) and not the caller (apply :func:`restrict` afterwards)."""
        key = (type(self), tuple(sorted(self.params.items())), self.engine.dialect.name)
        statement = _STATEMENTS.get(key)
        if statement is None:
            if len(_STATEMENTS) >= _STATEMENTS_KEPT:
                _STATEMENTS.clear()
            statement = _STATEMENTS[key] = build()
        return statement

    def among_keys(self, column: Any) -> Any:
        """The condition that ``column`` is one of the keys :meth:`read` is given."""
        if self.engine.dialect.name == "postgresql":
            return column == any_(bindparam(KEYS, type_=ARRAY(column.type)))
        return column.in_(bindparam(KEYS, expanding=True))

    async def read(self, statement: Any, keys: Sequence[K] | None = None) -> list[Row[Any]]:
        """The rows of a read-only ``statement``, read on a connection of its own, with
        ``keys`` for its :meth:`among_keys` conditions."""
        async with self.engine.connect() as connection:
            result = await connection.execute(statement, None if keys is None else {KEYS: keys})
            return result.all()


class RowsByIdLoader(SessionLoader[int, Any]):
    """Rows of the ORM model passed as the ``model`` parameter, by their ``id``."""

    async def load_batch(self, keys: Sequence[int]) -> Mapping[int, Any]:
        model = self.params["model"]
        statement = self.cached_statement(
            lambda: select(*read_columns(model)).where(self.among_keys(model.id))
        )
        result = await self.read(restrict(statement, model, self.actor), keys)
        return {row.id: row for row in read_rows(model, result)}


class ChildrenLoader(SessionLoader[int, list[Any]]):
    """Rows of ``model`` whose ``key`` column is among the keys, in ``order`` then id.

    Subclasses set the class attributes and may narrow the rows with :meth:`filter`
    (which sees the loader's parameters in ``self.params``).

    ``joins`` names the to-one rows a child points at (``{"person": (Person,
    "person_id")}``). With the ``joined`` parameter (names the query selects, see
    :func:`selected_joins`), those rows come in the same statement and are attached
    to each child for :func:`joined_row`: a link row and what it links to cost one
    statement instead of two.
    """

    missing: list[Any] = []
    model: Any = None
    key: str = ""
    order: tuple[Any, ...] = ()
    joins: Mapping[str, tuple[Any, str]] = {}

    def filter(self, statement: Any) -> Any:
        return statement

    def _joined_names(self) -> list[str]:
        return [name for name in self.joins if name in self.params.get("joined", ())]

    def _build(self) -> Any:
        statement = select(*read_columns(self.model))
        for name in self._joined_names():
            related, foreign_key = self.joins[name]
            target = joined_alias(related, f"joined_{name}")
            statement = statement.add_columns(*read_columns(target)).outerjoin(
                target, target.id == getattr(self.model, foreign_key)
            )
        statement = self.filter(statement.where(self.among_keys(getattr(self.model, self.key))))
        return statement.order_by(*self.order, self.model.id)

    async def load_batch(self, keys: Sequence[int]) -> Mapping[int, list[Any]]:
        statement = restrict(self.cached_statement(self._build), self.model, self.actor)
        result = await self.read(statement, keys)
        names = self._joined_names()
        if not names:
            return group_by(read_rows(self.model, result), self.key)
        models = [self.model, *(self.joins[name][0] for name in names)]
        rows = []
        for row, *related_rows in split_rows(models, result):
            row.__dict__[JOINED] = dict(zip(names, related_rows, strict=True))
            rows.append(row)
        return group_by(rows, self.key)


#: Where a child row keeps the rows joined to it (a plain attribute, not mapped).
JOINED = "_pdms_joined"


def selected_joins(info: Any, loader_class: type[ChildrenLoader]) -> tuple[str, ...]:
    """The names of ``loader_class.joins`` that the current field's selection asks for.

    Walks graphql-core's syntax tree (one level, through fragments) rather than
    strawberry's ``selected_fields``, which converts the whole subtree on every call.
    Each named fragment is followed once, as graphql-core's ``collect_fields`` does:
    following every spread is exponential in fragments that spread fragments.
    """
    raw = raw_info(info)
    wanted: set[str] = set()
    spread: set[str] = set()
    pending = [node.selection_set for node in raw.field_nodes]
    while pending:
        selection_set = pending.pop()
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                wanted.add(selection.name.value)
            elif isinstance(selection, FragmentSpreadNode):
                if selection.name.value not in spread:
                    spread.add(selection.name.value)
                    pending.append(raw.fragments[selection.name.value].selection_set)
            else:
                pending.append(selection.selection_set)
    return tuple(sorted(wanted & set(loader_class.joins)))


def joined_row(row: Any, name: str) -> tuple[bool, Any]:
    """Whether ``row`` came with its ``name`` row joined, and that row (None if absent)."""
    joined = row.__dict__.get(JOINED)
    if joined is None or name not in joined:
        return False, None
    return True, joined[name]


class LoaderRegistry:
    """The loaders of one request, created on first use and never shared."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], actor: Actor | None = None):
        # ``sessionmaker`` should be the database's ``readers``: loaders only read.
        self._sessionmaker = sessionmaker
        self._actor = actor
        self._loaders: dict[Hashable, SessionLoader[Any, Any]] = {}

    def get(
        self, loader_class: type[SessionLoader[Any, Any]], **params: Any
    ) -> SessionLoader[Any, Any]:
        """The request's instance of ``loader_class`` for these parameters."""
        key = (loader_class, tuple(sorted(params.items())))
        loader = self._loaders.get(key)
        if loader is None:
            loader = self._loaders[key] = loader_class(self._sessionmaker, self._actor, **params)
        return loader


def group_by(rows: Iterable[Any], key: str) -> dict[Any, list[Any]]:
    """Group ORM rows by one attribute, keeping their order (for one-to-many loaders)."""
    grouped: dict[Any, list[Any]] = {}
    for row in rows:
        grouped.setdefault(attribute(row, key), []).append(row)
    return grouped
