"""Dataloaders for the problem graph: one statement per field per request level.

Each loader answers a batch of parent ids with one SELECT, so a portal list of 50
cases with their demands, parties and activities costs the same number of statements
as a list of 10.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select, union_all

from pdms_core.activities.models import Activity, ActivityPerson, Task
from pdms_core.cases.models import CaseLink, CaseParty, CasePause, CasePlace, CaseRecord
from pdms_core.conditions.models import SystemConditionEffect
from pdms_core.db.loaders import ChildrenLoader, SessionLoader
from pdms_core.db.read_rows import read_columns, read_rows
from pdms_core.db.row_rules import restrict, row_condition
from pdms_core.demands.models import Demand, DemandCause
from pdms_core.intentions.models import Intention
from pdms_core.people.models import Person
from pdms_core.places.models import Place


class PartiesByCaseLoader(ChildrenLoader):
    model, key = CaseParty, "case_id"
    joins = {"person": (Person, "person_id")}


class PlacesByCaseLoader(ChildrenLoader):
    model, key = CasePlace, "case_id"
    joins = {"place": (Place, "place_id")}


class PausesByCaseLoader(ChildrenLoader):
    model, key = CasePause, "case_id"
    order = (CasePause.from_date,)


class DemandsByCaseLoader(ChildrenLoader):
    """A case's demands, presenting first, oldest first; ``presenting`` narrows them."""

    model, key = Demand, "case_id"
    order = (Demand.is_presenting.desc(), Demand.received_on)

    def filter(self, statement: Any) -> Any:
        presenting = self.params.get("presenting")
        return (
            statement if presenting is None else statement.where(Demand.is_presenting == presenting)
        )


class ActivitiesByCaseLoader(ChildrenLoader):
    """Newest first: the order an officer reads a case's history in."""

    model, key = Activity, "case_id"
    order = (Activity.occurred_at.desc(),)


class TasksByActivityLoader(ChildrenLoader):
    model, key = Task, "activity_id"


class PeopleByActivityLoader(ChildrenLoader):
    model, key = ActivityPerson, "activity_id"


class IntentionsByCaseLoader(ChildrenLoader):
    model, key = Intention, "case_id"
    order = (Intention.due_on,)

    def filter(self, statement: Any) -> Any:
        status = self.params.get("status")
        return statement if status is None else statement.where(Intention.status == status)


class EffectsByConditionLoader(ChildrenLoader):
    model, key = SystemConditionEffect, "condition_id"


class EffectsByCaseLoader(ChildrenLoader):
    model, key = SystemConditionEffect, "case_id"


class _JoinedLoader(SessionLoader[int, list[Any]]):
    """Rows of ``model`` reached through a link table, grouped by the link's key column.

    :meth:`build` selects ``read_columns(model)`` and then the key (read-only rows,
    ``db/read_rows.py``); it is built once (:meth:`cached_statement`), so it may depend
    on the loader's parameters only. :meth:`narrow` applies the caller's row rules.
    """

    missing: list[Any] = []
    model: Any = None

    def build(self) -> Any:
        """The statement, its keys placed by :meth:`among_keys`."""
        raise NotImplementedError

    def narrow(self, statement: Any) -> Any:
        return statement

    async def load_batch(self, keys: Sequence[int]) -> Mapping[int, list[Any]]:
        found = await self.read(self.narrow(self.cached_statement(self.build)), keys)
        rows = read_rows(self.model, (values[:-1] for values in found))
        grouped: dict[int, list[Any]] = {}
        for row, values in zip(rows, found, strict=True):
            grouped.setdefault(values[-1], []).append(row)
        return grouped


class UnderlyingDemandsLoader(_JoinedLoader):
    """The root causes recorded behind each presenting demand."""

    model = Demand

    def build(self) -> Any:
        return (
            select(*read_columns(Demand), DemandCause.presenting_id)
            .join(DemandCause, DemandCause.underlying_id == Demand.id)
            .where(self.among_keys(DemandCause.presenting_id))
            .order_by(Demand.received_on, Demand.id)
        )


class PresentingDemandsLoader(_JoinedLoader):
    """The presenting demands an underlying demand lies behind."""

    model = Demand

    def build(self) -> Any:
        return (
            select(*read_columns(Demand), DemandCause.underlying_id)
            .join(DemandCause, DemandCause.presenting_id == Demand.id)
            .where(self.among_keys(DemandCause.underlying_id))
            .order_by(Demand.received_on, Demand.id)
        )


class _CasesByLinkLoader(_JoinedLoader):
    """Cases reached through ``link`` (parties or places), newest first; ``open`` narrows."""

    model = CaseRecord
    link: Any = None
    column: str = ""

    def build(self) -> Any:
        key = getattr(self.link, self.column)
        statement = (
            select(*read_columns(CaseRecord), key)
            .join(self.link, self.link.case_id == CaseRecord.id)
            .where(self.among_keys(key))
            .distinct()
            .order_by(key, CaseRecord.opened_on.desc(), CaseRecord.id.desc())
        )
        open_only = self.params.get("open")
        if open_only is True:
            statement = statement.where(CaseRecord.closed_on.is_(None))
        elif open_only is False:
            statement = statement.where(CaseRecord.closed_on.is_not(None))
        return statement

    def narrow(self, statement: Any) -> Any:
        return restrict(statement, CaseRecord, self.actor)


class CasesByPersonLoader(_CasesByLinkLoader):
    link, column = CaseParty, "person_id"


class CasesByPlaceLoader(_CasesByLinkLoader):
    link, column = CasePlace, "place_id"


class LinksByCaseLoader(_JoinedLoader):
    """A case's links, read from that case's side whichever side stored them."""

    model = CaseLink

    def build(self) -> Any:
        forward = select(CaseLink.id.label("link_id"), CaseLink.case_id.label("key")).where(
            self.among_keys(CaseLink.case_id)
        )
        backward = select(CaseLink.id, CaseLink.related_case_id).where(
            self.among_keys(CaseLink.related_case_id)
        )
        both = union_all(forward, backward).subquery()
        return (
            select(*read_columns(CaseLink), both.c.key)
            .join(both, both.c.link_id == CaseLink.id)
            .order_by(CaseLink.id)
        )

    def narrow(self, statement: Any) -> Any:
        owned = row_condition(CaseRecord, self.actor)
        if owned is None:
            return statement
        # a link to a case out of the caller's reach is left out
        reachable = select(CaseRecord.id).where(owned)
        return statement.where(
            CaseLink.case_id.in_(reachable), CaseLink.related_case_id.in_(reachable)
        )
