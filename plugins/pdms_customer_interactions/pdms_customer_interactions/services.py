"""Recording contacts and reading them back. No strawberry here: the CLI, the demo seed
and tests call the same code the API does."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pdms_core.plugin import (
    Actor,
    NotFound,
    UserErrors,
    ValidationFailed,
    core_tables,
    group_by,
)
from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_customer_interactions import codes
from pdms_customer_interactions.lists import CASE, CHANNEL, FAILURE_REASON, OUTCOME
from pdms_customer_interactions.models import (
    FAILURE,
    INBOUND,
    MAX_WORDS,
    OUTBOUND,
    VALUE,
    Interaction,
)
from pdms_customer_interactions.statements import cached

PERSON = core_tables.person
PLACE = core_tables.place
CASE_RECORD = core_tables.case_record
DEMAND = core_tables.demand


@dataclass(frozen=True)
class NewInteraction:
    """A contact as the call handler records it (codes of the council's lists)."""

    channel_code: str
    demand_type_code: str
    nature: str
    outcome_code: str
    started_at: datetime
    direction: str = INBOUND
    ended_at: datetime | None = None
    person_id: int | None = None
    place_id: int | None = None
    caller_words: str = ""
    demand_module: str = "core"
    demand_category_code: str | None = None
    failure_reason_code: str | None = None
    case_id: int | None = None
    demand_id: int | None = None


async def _exists(session: AsyncSession, table: object, row_id: int) -> bool:
    return await session.scalar(select(table.c.id).where(table.c.id == row_id)) is not None


async def _check_times(given: NewInteraction) -> None:
    now = datetime.now(UTC)
    if given.started_at > now:
        raise ValidationFailed("A contact cannot start in the future.", field="startedAt")
    if given.ended_at is not None and given.ended_at < given.started_at:
        raise ValidationFailed("A contact cannot end before it starts.", field="endedAt")


async def _check_links(session: AsyncSession, given: NewInteraction) -> None:
    if given.person_id is not None and not await _exists(session, PERSON, given.person_id):
        raise NotFound("There is no such person.", field="personId")
    if given.place_id is not None and not await _exists(session, PLACE, given.place_id):
        raise NotFound("There is no such place.", field="placeId")
    if given.case_id is not None and not await _exists(session, CASE_RECORD, given.case_id):
        raise NotFound("There is no such case.", field="caseId")
    if given.demand_id is not None:
        case_of = await session.scalar(
            select(DEMAND.c.case_id).where(DEMAND.c.id == given.demand_id)
        )
        if case_of is None:
            raise NotFound("There is no such demand.", field="demandId")
        if case_of != given.case_id:
            raise ValidationFailed("The demand belongs to another case.", field="demandId")


async def _classify(
    session: AsyncSession, given: NewInteraction, *, case_coming: bool = False
) -> dict[str, int | None]:
    errors: list[ValidationFailed] = []
    found: dict[str, int | None] = {}

    async def attempt(key: str, work) -> None:  # type: ignore[no-untyped-def]
        try:
            found[key] = await work
        except ValidationFailed as error:
            errors.append(error)

    channel = codes.value(
        session, CHANNEL, given.channel_code, field="channelCode", noun="contact channel"
    )
    await attempt("channel", _id(channel))
    kind = codes.module_problem_value(
        session,
        given.demand_module,
        codes.DEMAND_TYPE,
        given.demand_type_code,
        field="demandTypeCode",
        noun="demand type",
    )
    await attempt("type", _id(kind))
    if given.demand_category_code and found.get("type"):
        category = codes.module_problem_value(
            session,
            given.demand_module,
            codes.DEMAND_CATEGORY,
            given.demand_category_code,
            field="demandCategoryCode",
            noun="demand category",
            parent_id=found["type"],
        )
        await attempt("category", _id(category))
    outcome = codes.value(
        session, OUTCOME, given.outcome_code, field="outcomeCode", noun="contact outcome"
    )
    try:
        outcome_row = await outcome
        found["outcome"] = outcome_row.id
        links_case = given.case_id is not None or case_coming
        if ((outcome_row.data or {}).get("effect") == CASE) != links_case:
            errors.append(
                ValidationFailed(
                    "The outcome must say a case was opened or joined exactly when one was."
                    if links_case
                    else "That outcome opens or joins a case: give the case.",
                    field="outcomeCode" if links_case else "caseId",
                )
            )
    except ValidationFailed as error:
        errors.append(error)
    if given.nature == FAILURE:
        if not given.failure_reason_code:
            errors.append(
                ValidationFailed("Say why it was failure demand.", field="failureReasonCode")
            )
        else:
            reason = codes.value(
                session,
                FAILURE_REASON,
                given.failure_reason_code,
                field="failureReasonCode",
                noun="failure reason",
            )
            await attempt("reason", _id(reason))
    elif given.failure_reason_code:
        errors.append(
            ValidationFailed("Only failure demand has a failure reason.", field="failureReasonCode")
        )
    if errors:
        raise errors[0] if len(errors) == 1 else UserErrors(errors)
    return found


async def _id(row_awaitable) -> int:  # type: ignore[no-untyped-def]
    return (await row_awaitable).id


def _check_shape(given: NewInteraction) -> None:
    if given.direction not in (INBOUND, OUTBOUND):
        raise ValidationFailed("Direction is inbound or outbound.", field="direction")
    if given.nature not in (VALUE, FAILURE):
        raise ValidationFailed("Nature is value or failure.", field="nature")
    if len(given.caller_words) > MAX_WORDS:
        raise ValidationFailed(f"At most {MAX_WORDS} characters.", field="callerWords")
    if given.demand_id is not None and given.case_id is None:
        raise ValidationFailed("A demand needs its case.", field="caseId")


async def validate_only(session: AsyncSession, given: NewInteraction) -> None:
    """Every check :func:`record_interaction` makes, for a contact about to open a case."""
    _check_shape(given)
    await _check_times(given)
    await _check_links(session, given)
    await _classify(session, given, case_coming=True)


async def record_interaction(
    session: AsyncSession, actor: Actor, given: NewInteraction
) -> Interaction:
    """Store one contact; typed errors name the input field at fault, nothing is stored."""
    _check_shape(given)
    await _check_times(given)
    await _check_links(session, given)
    found = await _classify(session, given)
    interaction = Interaction(
        channel_id=found["channel"],
        direction=given.direction,
        started_at=given.started_at,
        ended_at=given.ended_at,
        person_id=given.person_id,
        place_id=given.place_id,
        caller_words=given.caller_words.strip(),
        demand_module=given.demand_module,
        demand_type_id=found["type"],
        demand_category_id=found.get("category"),
        nature=given.nature,
        failure_reason_id=found.get("reason"),
        outcome_id=found["outcome"],
        case_id=given.case_id,
        demand_id=given.demand_id,
        recorded_by=actor.display_name[:200],
    )
    session.add(interaction)
    await session.flush()
    return interaction


def _newest(query, limit: int | None):  # type: ignore[no-untyped-def]
    query = query.order_by(Interaction.started_at.desc(), Interaction.id.desc())
    return query.limit(limit) if limit else query


def _by_holder(column: str) -> Any:
    """Every contact of some people (or places), newest first; the ids bound as ``ids``."""
    return cached(
        ("by_holder", column),
        lambda: _newest(
            select(Interaction).where(
                getattr(Interaction, column).in_(bindparam("ids", expanding=True))
            ),
            None,
        ),
    )


async def interactions_by_person(
    session: AsyncSession, actor: Actor, person_ids: Sequence[int]
) -> Mapping[int, Sequence[Interaction]]:
    """Every contact of many people, newest first, in one statement (``Person.moduleRecords``)."""
    rows = await session.scalars(_by_holder("person_id"), {"ids": list(person_ids)})
    return group_by(rows, "person_id")


async def interactions_by_place(
    session: AsyncSession, actor: Actor, place_ids: Sequence[int]
) -> Mapping[int, Sequence[Interaction]]:
    """Every contact about many places, newest first, in one statement."""
    rows = await session.scalars(_by_holder("place_id"), {"ids": list(place_ids)})
    return group_by(rows, "place_id")


async def last_interactions(
    session: AsyncSession, *, person_id: int | None, place_id: int | None, limit: int
) -> list[Interaction]:
    """The newest contacts of a person or about a place (either one matching)."""
    given = {
        key: value
        for key, value in (("person_id", person_id), ("place_id", place_id))
        if value is not None
    }
    if not given:
        return []
    statement = cached(("last_interactions", *given), lambda: _last_statement(given))
    return list(await session.scalars(statement, {**given, "limit": limit}))


def _last_statement(given: Collection[str]) -> Any:
    wanted = [getattr(Interaction, key) == bindparam(key) for key in given]
    query = select(Interaction).where(or_(*wanted))
    return query.order_by(Interaction.started_at.desc(), Interaction.id.desc()).limit(
        bindparam("limit")
    )


async def count_interactions(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(Interaction)) or 0


def known(modules: Collection[str], module: str) -> None:
    if module not in modules:
        raise ValidationFailed(f"There is no installed module {module!r}.", field="demandModule")
