"""Frozen records that plugins return from the declarative hooks.

The host validates, de-duplicates and orders them at startup (core first, then by
plugin name); nothing is discovered lazily at request time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel
    from sqlalchemy.ext.asyncio import AsyncSession

    from pdms_core.auth.actor import Actor
    from pdms_core.measures.filters import MeasureFilter
    from pdms_core.measures.table import MeasureTable
    from pdms_core.settings import Settings

CORE = "core"


@dataclass(frozen=True)
class PluginManifest:
    """Who a plugin is and where its parts live.

    ``name`` is the single name used everywhere: entry-point name, settings section,
    table prefix (``name_``), alembic branch label, permission prefix (``name.``),
    lookup-set prefix (``name.``) and GraphQL prefix (``nameInCamelCase`` fields,
    ``NameInPascalCase`` types).

    Example::

        PluginManifest(
            name="rent_arrears",
            label="Rent arrears",
            requires_core=">=0.1,<0.2",
            settings_model=RentArrearsSettings,
        )

    The models module and the migrations folder default by convention to the
    plugin package's ``models`` module and ``migrations/versions`` folder, when they
    exist; name them only to put them elsewhere.
    """

    name: str
    label: str
    description: str = ""
    #: The pdms-core versions the plugin is built for, as a PEP 440 specifier
    #: (``">=0.1,<0.2"``); the host refuses to start under any other version.
    requires_core: str | None = None
    #: Module that defines the plugin's SQLAlchemy models; imported only when enabled.
    #: Default: ``<package>.models`` when the package has one.
    models_module: str | None = None
    #: Folder of alembic revision scripts; the first one carries ``branch_labels=(name,)``.
    #: Default: ``<package>/migrations/versions`` when that folder exists.
    migrations_dir: Path | None = None
    #: A pydantic model validating the plugin's settings section.
    settings_model: type[BaseModel] | None = None
    #: HTTP routes beside ``/graphql`` (a standard's plain HTTP API, say): a callable
    #: ``(RouteContext) -> [starlette Route | Mount]``, called once when the app is built
    #: (``pdms_core/routes.py``). Import the route code inside it to keep ``pdms --help``
    #: light.
    routes: Callable[[Any], Sequence[Any]] | None = None


@dataclass(frozen=True)
class Permission:
    """A permission code (``<module>.<resource>.<action>``) with what it allows."""

    code: str
    description: str


#: Loads module records for many holders at once: ``(session, actor, holder_ids) ->
#: {holder_id: [records]}``. One call per request and source, whatever the row count.
RecordLoader = Callable[
    ["AsyncSession", "Actor", Sequence[int]], Awaitable[Mapping[int, Sequence[Any]]]
]


@dataclass(frozen=True)
class ModuleRecordSource:
    """Records a module holds about a core node, shown in ``<Node>.moduleRecords``.

    ``record_type`` is a strawberry type implementing the core ``ModuleRecord``
    interface; ``permission`` is the code an actor needs to see these records.
    """

    holder: str
    record_type: type
    load: RecordLoader
    permission: str


#: A timeline source's rows for one holder: ``(actor, holder_id) -> Select`` of two
#: columns, the record's id and the day (a ``Date``) it goes on the timeline.
TimelineRows = Callable[["Actor", int], Any]


@dataclass(frozen=True)
class TimelineSource:
    """Records a module puts on a core person's or place's ``timeline``.

    ``holder`` is ``"Person"`` or ``"Place"``; ``kind`` names the entries
    (``<module>.<thing>``). ``rows`` builds a select that joins core's one-statement
    union, so keep it an indexed lookup and apply the module's row rules for the actor
    inside it. ``record_type`` is a ``ModelNode`` implementing ``ModuleRecord``: entries
    are loaded as its model's rows, by id, in batches. Callers without ``permission``
    get no entries of the source.
    """

    holder: str
    kind: str
    record_type: type
    rows: TimelineRows
    permission: str


@dataclass(frozen=True)
class GraphQLContribution:
    """A module's part of the schema.

    ``query`` and ``mutation`` are strawberry types whose fields are merged into the
    root types (every field name must start with the module's camelCase prefix).
    ``types`` are extra types to include, such as ``ModuleRecord`` implementations.

    Example::

        GraphQLContribution(query=RentArrearsQuery, mutation=RentArrearsMutation,
                            types=(RentArrearsAccount,), module_records=(...,))
    """

    query: type | None = None
    mutation: type | None = None
    types: tuple[type, ...] = ()
    module_records: tuple[ModuleRecordSource, ...] = ()


@dataclass(frozen=True)
class LookupSeed:
    """One seed value of a lookup list; ``parent`` is a code in the parent list."""

    code: str
    label: str
    parent: str | None = None
    #: Code-defined attributes the value carries, e.g. ``{"kind": "email"}`` for a
    #: contact-detail type or ``{"inverse": "child"}`` for a relationship type.
    data: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class LookupAttribute:
    """An attribute the values of a list carry (in ``data``), that admins may set.

    ``kind`` says how a value is read and checked: ``integer``, ``number``,
    ``boolean``, ``text`` (one of ``choices`` when given) or ``code`` (the code of
    another value of the same list, such as a relationship type's inverse).
    ``minimum`` bounds numbers. Council edits survive ``pdms lookups sync``.

    Example::

        LookupAttribute("inverse", "The type seen from the other person.", kind="code")
    """

    name: str
    description: str
    kind: str = "text"
    choices: tuple[str, ...] = ()
    minimum: float | None = None


@dataclass(frozen=True)
class LookupSetSpec:
    """A configurable list (task categories, contact-detail types ...).

    Plugin lists are named ``<module>.<list>``; core lists are unprefixed. A list with
    ``parent_set`` is hierarchical: each value belongs to a value of the parent list
    (for example demand categories under demand types).

    Example::

        LookupSetSpec(code="rent_arrears.patch", label="Housing patches",
                      seeds=(LookupSeed("north", "North"), LookupSeed("south", "South")))
    """

    code: str
    label: str
    description: str = ""
    parent_set: str | None = None
    seeds: tuple[LookupSeed, ...] = field(default=())
    #: Attributes the list's values carry and admins may set through the API.
    attributes: tuple[LookupAttribute, ...] = field(default=())


#: Computes a measure: ``async (session, measure_filter) -> MeasureTable``.
MeasureCompute = Callable[["AsyncSession", "MeasureFilter"], Awaitable["MeasureTable"]]


@dataclass(frozen=True)
class MeasureSpec:
    """A strategic measure, shown on dashboards and exportable as CSV.

    ``name`` is ``<module>.<measure>`` for plugins (unprefixed for core), in lower
    snake case. ``compute`` receives a read session and the caller's
    :class:`MeasureFilter` and returns a :class:`MeasureTable`; group in SQL (or read
    narrow columns) so it stays quick on a county's data, and apply the filter's
    criteria (``measure_filter.on_dates(...)``, ``on_module(...)``, ``on_case(...)``).

    Example::

        async def widgets_by_colour(session, measure_filter):
            rows = await session.execute(
                select(Widget.colour, func.count()).group_by(Widget.colour)
            )
            return MeasureTable(
                columns=(MeasureColumn("colour", "Colour"),
                         MeasureColumn("widgets", "Widgets", "integer")),
                rows=tuple(tuple(row) for row in rows),
            )

        MeasureSpec(name="dummy.widgets_by_colour", title="Widgets by colour",
                    description="How many widgets there are of each colour.",
                    compute=widgets_by_colour)
    """

    name: str
    title: str
    description: str
    compute: MeasureCompute


@dataclass(frozen=True)
class LetterField:
    """One merge field a letter purpose provides, for its field dictionary.

    ``items`` describes the fields of each row of a list field, for a template loop
    (``{%tr for week in weeks %}`` ... ``{{ week.balance }}``).

    Example::

        LetterField("case_reference", "The case's reference.", example="HN-000123")
    """

    name: str
    description: str
    example: str = ""
    items: tuple[LetterField, ...] = ()


@dataclass(frozen=True)
class MissingField:
    """A merge field the record cannot fill, and why, in words an officer can act on.

    A field provider returns it instead of a value (``MissingField("Alex Doe has no
    correspondence address")``); a template that uses the field cannot be generated
    until the record is put right. Fields a template does not use may be missing.
    """

    reason: str


#: Fills a purpose's merge fields for one record: ``async (session, holder_id, actor,
#: settings) -> {field: value or MissingField}``. Dates as ``datetime.date`` (templates
#: show them the British way), lists of dicts for loops.
LetterFieldProvider = Callable[
    ["AsyncSession", int, "Actor", "Settings"], Awaitable[Mapping[str, Any]]
]


@dataclass(frozen=True)
class LetterPurpose:
    """A kind of letter a council may write a Word template for, and its merge fields.

    ``code`` is ``<module>.<use>`` (``core.case_acknowledgement``,
    ``rent_arrears.rent_statement``), the use in lower snake case. ``holder`` is the
    GraphQL type name of the records the letter is written for (``Person``, ``Place``,
    ``Case``, or a module's type such as ``RentArrearsAccount``); the letter is stored
    as a document on that record. ``fields`` is the purpose's field dictionary (core
    adds ``today``, ``council_name``, ``officer_name`` and ``officer_team`` to every
    purpose) and ``provide`` fills those fields for one record.

    Example::

        async def statement_fields(session, account_id, actor, settings):
            account = await session.get(Account, account_id)
            return {"account_reference": account.reference, "weeks": [...]}

        LetterPurpose(
            code="rent_arrears.rent_statement",
            label="Rent statement",
            holder="RentArrearsAccount",
            fields=(LetterField("account_reference", "The rent account's reference."),),
            provide=statement_fields,
        )
    """

    code: str
    label: str
    holder: str
    fields: tuple[LetterField, ...]
    provide: LetterFieldProvider
    description: str = ""


@dataclass(frozen=True)
class DocumentHolder:
    """A record type that may hold documents (uploaded files, generated letters).

    ``type_name`` is the GraphQL type's name (``RentArrearsAccount``): documents name
    their holder by it and a global ID of that type is what ``uploadDocument`` takes.
    ``model`` is the type's ORM model (holders are its rows, by ``id``) and
    ``read_permission`` the type's ``read_permission``. Whoever may read a holder, by
    the rules ``node(id:)`` applies (that permission, and the row-level rule of the
    model, such as a team-scoped grant reaching only its teams' cases), may see its
    documents, given ``core.document.read`` too; nobody else. When the app starts,
    the host checks that both match the GraphQL type of that name.

    Example::

        DocumentHolder(
            type_name="RentArrearsAccount",
            model=Account,
            read_permission="rent_arrears.account.read",
        )
    """

    type_name: str
    model: type
    read_permission: str
