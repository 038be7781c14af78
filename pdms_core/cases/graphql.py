"""Cases: root query fields and case-level mutations.

Edits of a case or anything inside it take the case's ``expectedVersion``: concurrent
edits conflict (CONFLICT) instead of overwriting each other.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, Any

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from pdms_core.cases import parties, references, services
from pdms_core.cases.models import CaseLink, CaseParty, CasePlace, CaseRecord, CaseSequence
from pdms_core.cases.module_lists import check_module
from pdms_core.cases.pauses import end_pause, start_pause
from pdms_core.cases.services import CaseFields, NewParty, claim_case
from pdms_core.cases.types import READ, CaseNode
from pdms_core.cases.visibility import check_case_reach, within_reach
from pdms_core.graphql.arguments import After, First, described
from pdms_core.graphql.errors import run_mutation
from pdms_core.graphql.ids import known_modules, optional_id, partial_fields
from pdms_core.graphql.node import decode_id, load_row
from pdms_core.graphql.pagination import Connection, keyset_page
from pdms_core.graphql.payloads import payload_type
from pdms_core.graphql.permissions import mutation_field, query_field
from pdms_core.lookups.models import LookupValue
from pdms_core.today import today

WRITE = "core.cases.write"
CASE_IDS = {"team_id": "Team", "officer_id": "StaffUser"}
CONFIGURE = "core.standards.manage"


CasePayload = payload_type(
    "CasePayload",
    "case",
    CaseNode,
    description="Result of changing a case or something in it.",
)


async def case_payload(info: Info, action: Callable[[AsyncSession], Awaitable[Any]]) -> CasePayload:
    case, errors = await run_mutation(info, action)
    return CasePayload(case=case, errors=errors)


@strawberry.input(description="A person's part in a new case.")
class PartyInput:
    person_id: strawberry.ID = strawberry.field(description="The person's global ID.")
    role_code: str = strawberry.field(description="A party_role code, e.g. `subject`.")


@strawberry.input(description="A new case.")
class OpenCaseInput:
    module: str = strawberry.field(
        default="core", description="The owning module's name; `core` for a generic case."
    )
    summary: str = strawberry.field(default="", description="What the case is about.")
    status_code: str | None = strawberry.field(
        default=None, description="An open case_status code; default: the module's first."
    )
    team_id: strawberry.ID | None = strawberry.field(default=None, description="Owning team.")
    officer_id: strawberry.ID | None = strawberry.field(default=None, description="Owning officer.")
    opened_on: date | None = strawberry.field(default=None, description="Default: today.")
    parties: list[PartyInput] = strawberry.field(
        default_factory=list, description="People and their roles."
    )
    place_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Places the case is about."
    )


@strawberry.input(description="Which case, at which version.")
class CaseVersionInput:
    id: strawberry.ID = strawberry.field(description="The case's global ID.")
    expected_version: int = strawberry.field(description="The case's version you read.")


@strawberry.input(description="A case's details to change; omitted fields stay as they are.")
class UpdateCaseInput:
    summary: str | None = strawberry.field(default=strawberry.UNSET, description="Summary.")
    team_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Owning team; null to clear."
    )
    officer_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Owning officer; null to clear."
    )


@strawberry.input(description="A move to another status.")
class ChangeCaseStatusInput:
    id: strawberry.ID = strawberry.field(description="The case's global ID.")
    expected_version: int = strawberry.field(description="The case's version you read.")
    status_code: str = strawberry.field(
        description="A case_status code of the case's module; a closed status closes it."
    )
    on_date: date | None = strawberry.field(
        default=None, description="Closing date; default: today."
    )


@strawberry.input(description="A pause or its end.")
class CasePauseInput:
    id: strawberry.ID = strawberry.field(description="The case's global ID.")
    expected_version: int = strawberry.field(description="The case's version you read.")
    on_date: date | None = strawberry.field(
        default=None, description="First day of the pause, or its last day; default: today."
    )
    reason: str = strawberry.field(default="", description="What the case waits for.")


@strawberry.input(description="A person to add to a case.")
class AddCasePartyInput:
    case_id: strawberry.ID = strawberry.field(description="The case's global ID.")
    expected_version: int = strawberry.field(description="The case's version you read.")
    person_id: strawberry.ID = strawberry.field(description="The person's global ID.")
    role_code: str = strawberry.field(description="A party_role code.")


@strawberry.input(description="A place to add to a case.")
class AddCasePlaceInput:
    case_id: strawberry.ID = strawberry.field(description="The case's global ID.")
    expected_version: int = strawberry.field(description="The case's version you read.")
    place_id: strawberry.ID = strawberry.field(description="The place's global ID.")


@strawberry.input(description="A link between two cases.")
class LinkCasesInput:
    case_id: strawberry.ID = strawberry.field(description="The case's global ID.")
    expected_version: int = strawberry.field(description="The case's version you read.")
    related_case_id: strawberry.ID = strawberry.field(description="The other case.")
    note: str = strawberry.field(default="", description="Why they are linked.")


@strawberry.input(description="A party, place or link of a case, and the case's version.")
class CaseRecordInput:
    id: strawberry.ID = strawberry.field(description="The party's, place's or link's global ID.")
    expected_version: int = strawberry.field(description="The case's version you read.")


@strawberry.input(description="Every criterion given must hold.")
class CaseFilter:
    module: str | None = strawberry.field(default=None, description="Owning module.")
    open: bool | None = strawberry.field(
        default=None, description="true: open only; false: closed only."
    )
    status_code: str | None = strawberry.field(default=None, description="A case_status code.")
    team_id: strawberry.ID | None = strawberry.field(default=None, description="Owning team.")
    officer_id: strawberry.ID | None = strawberry.field(default=None, description="Owning officer.")
    person_id: strawberry.ID | None = strawberry.field(
        default=None, description="A party to the case."
    )
    place_id: strawberry.ID | None = strawberry.field(
        default=None, description="A place of the case."
    )


@strawberry.type(description="A module's case-reference prefix.")
class CaseReferencePrefix:
    module: str = strawberry.field(description="The module.")
    prefix: str = strawberry.field(description="The prefix of its new references.")


CaseReferencePrefixPayload = payload_type(
    "CaseReferencePrefixPayload",
    "prefix",
    CaseReferencePrefix,
    description="Result of changing a reference prefix.",
)


def _filtered(criteria: CaseFilter) -> Any:
    statement = select(CaseRecord)
    if criteria.module is not None:
        statement = statement.where(CaseRecord.module == criteria.module)
    if criteria.open is True:
        statement = statement.where(CaseRecord.closed_on.is_(None))
    elif criteria.open is False:
        statement = statement.where(CaseRecord.closed_on.is_not(None))
    if criteria.status_code is not None:
        statement = statement.where(
            CaseRecord.status_id.in_(
                select(LookupValue.id).where(LookupValue.code == criteria.status_code)
            )
        )
    for column, value, type_name, field in (
        (CaseRecord.team_id, criteria.team_id, "Team", "teamId"),
        (CaseRecord.officer_id, criteria.officer_id, "StaffUser", "officerId"),
    ):
        if value is not None:
            statement = statement.where(column == decode_id(value, type_name, field=field))
    if criteria.person_id is not None:
        person = decode_id(criteria.person_id, "Person", field="personId")
        statement = statement.where(
            CaseRecord.id.in_(select(CaseParty.case_id).where(CaseParty.person_id == person))
        )
    if criteria.place_id is not None:
        place = decode_id(criteria.place_id, "Place", field="placeId")
        statement = statement.where(
            CaseRecord.id.in_(select(CasePlace.case_id).where(CasePlace.place_id == place))
        )
    return statement


def _case_id(value: strawberry.ID, field: str = "caseId") -> int:
    return decode_id(value, "Case", field=field)


@strawberry.type
class CaseQuery:
    @query_field(description="One case by global ID.", permission=READ)
    async def case(
        self, info: Info, id: Annotated[strawberry.ID, described("The case's global ID.")]
    ) -> CaseNode | None:
        return await load_row(info, CaseRecord, decode_id(id, "Case"))

    @query_field(description="One case by its reference, e.g. RA-000123.", permission=READ)
    async def case_by_reference(
        self, info: Info, reference: Annotated[str, described("The case reference.")]
    ) -> CaseNode | None:
        async with info.context.session() as session:
            wanted = select(CaseRecord).where(CaseRecord.reference == reference.strip().upper())
            return await session.scalar(within_reach(wanted, info.context.actor))

    @query_field(description="Cases, newest first.", permission=READ)
    async def cases(
        self,
        info: Info,
        filter: Annotated[CaseFilter | None, described("Which cases.")] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[CaseNode]:
        statement = within_reach(_filtered(filter or CaseFilter()), info.context.actor)
        async with info.context.session() as session:
            page = await keyset_page(session, statement, [-CaseRecord.id], first=first, after=after)
        return page.connection()

    @query_field(description="Each module's case-reference prefix.", permission=READ)
    async def case_reference_prefixes(self, info: Info) -> list[CaseReferencePrefix]:
        async with info.context.session() as session:
            rows = await session.scalars(select(CaseSequence).order_by(CaseSequence.module))
            return [CaseReferencePrefix(module=r.module, prefix=r.prefix) for r in rows]


@strawberry.type
class CaseMutation:
    @mutation_field(description="Open a case with its first parties and places.", permission=WRITE)
    async def open_case(
        self, info: Info, input: Annotated[OpenCaseInput, described("The new case.")]
    ) -> CasePayload:
        def action(session: AsyncSession) -> Awaitable[CaseRecord]:
            return services.open_case(
                session,
                info.context.actor,
                module=input.module,
                known_modules=known_modules(info),
                summary=input.summary,
                status_code=input.status_code,
                team_id=optional_id(input.team_id, "Team", "teamId"),
                officer_id=optional_id(input.officer_id, "StaffUser", "officerId"),
                opened_on=input.opened_on,
                parties=[
                    NewParty(decode_id(p.person_id, "Person", field="parties"), p.role_code)
                    for p in input.parties
                ],
                place_ids=[decode_id(p, "Place", field="placeIds") for p in input.place_ids],
            )

        return await case_payload(info, action)

    @mutation_field(description="Change a case's summary, team or officer.", permission=WRITE)
    async def update_case(
        self,
        info: Info,
        case: Annotated[CaseVersionInput, described("Which case.")],
        input: Annotated[UpdateCaseInput, described("What to change.")],
    ) -> CasePayload:
        def action(session: AsyncSession) -> Awaitable[CaseRecord]:
            return services.update_case(
                session,
                info.context.actor,
                case_id=_case_id(case.id, "id"),
                expected_version=case.expected_version,
                fields=partial_fields(input, CaseFields, CASE_IDS),
            )

        return await case_payload(info, action)

    @mutation_field(
        description="Move a case to another status; closed statuses close it.", permission=WRITE
    )
    async def change_case_status(
        self, info: Info, input: Annotated[ChangeCaseStatusInput, described("The move.")]
    ) -> CasePayload:
        return await case_payload(
            info,
            lambda s: services.change_status(
                s,
                info.context.actor,
                case_id=_case_id(input.id, "id"),
                expected_version=input.expected_version,
                status_code=input.status_code,
                on_date=input.on_date,
            ),
        )

    @mutation_field(
        description="Pause a case while it waits on the customer (the clock stops).",
        permission=WRITE,
    )
    async def pause_case(
        self, info: Info, input: Annotated[CasePauseInput, described("The pause.")]
    ) -> CasePayload:
        async def action(session: AsyncSession) -> CaseRecord:
            case = await claim_case(
                session, info.context.actor, _case_id(input.id, "id"), input.expected_version
            )
            await start_pause(session, case, input.on_date or today(), input.reason)
            return case

        return await case_payload(info, action)

    @mutation_field(
        description="End a pause; open demands' due dates move on by the working days paused.",
        permission=WRITE,
    )
    async def resume_case(
        self, info: Info, input: Annotated[CasePauseInput, described("The end of the pause.")]
    ) -> CasePayload:
        async def action(session: AsyncSession) -> CaseRecord:
            case = await claim_case(
                session, info.context.actor, _case_id(input.id, "id"), input.expected_version
            )
            await end_pause(session, case, input.on_date or today())
            return case

        return await case_payload(info, action)

    @mutation_field(description="Add a person to a case in a role.", permission=WRITE)
    async def add_case_party(
        self, info: Info, input: Annotated[AddCasePartyInput, described("The party.")]
    ) -> CasePayload:
        async def action(session: AsyncSession) -> CaseRecord:
            case = await claim_case(
                session, info.context.actor, _case_id(input.case_id), input.expected_version
            )
            person = decode_id(input.person_id, "Person", field="personId")
            await parties.add_party(session, case, person, input.role_code)
            return case

        return await case_payload(info, action)

    @mutation_field(description="Add a place to a case.", permission=WRITE)
    async def add_case_place(
        self, info: Info, input: Annotated[AddCasePlaceInput, described("The place.")]
    ) -> CasePayload:
        async def action(session: AsyncSession) -> CaseRecord:
            case = await claim_case(
                session, info.context.actor, _case_id(input.case_id), input.expected_version
            )
            await parties.add_place(
                session, case, decode_id(input.place_id, "Place", field="placeId")
            )
            return case

        return await case_payload(info, action)

    @mutation_field(description="Link two related cases.", permission=WRITE)
    async def link_cases(
        self, info: Info, input: Annotated[LinkCasesInput, described("The link.")]
    ) -> CasePayload:
        async def action(session: AsyncSession) -> CaseRecord:
            actor = info.context.actor
            case = await claim_case(session, actor, _case_id(input.case_id), input.expected_version)
            related = _case_id(input.related_case_id, "relatedCaseId")
            await check_case_reach(session, actor, related, field="relatedCaseId", code=READ)
            await parties.link_cases(session, case, related, input.note)
            return case

        return await case_payload(info, action)

    @mutation_field(description="Remove a person from a case.", permission=WRITE)
    async def remove_case_party(
        self, info: Info, input: Annotated[CaseRecordInput, described("Which party.")]
    ) -> CasePayload:
        return await _remove(info, input, CaseParty, "CaseParty", "party")

    @mutation_field(description="Remove a place from a case.", permission=WRITE)
    async def remove_case_place(
        self, info: Info, input: Annotated[CaseRecordInput, described("Which place link.")]
    ) -> CasePayload:
        return await _remove(info, input, CasePlace, "CasePlace", "case place")

    @mutation_field(description="Remove a link between cases.", permission=WRITE)
    async def unlink_cases(
        self, info: Info, input: Annotated[CaseRecordInput, described("Which link.")]
    ) -> CasePayload:
        return await _remove(info, input, CaseLink, "CaseLink", "link")

    @mutation_field(
        description="Change the prefix of a module's new case references.", permission=CONFIGURE
    )
    async def set_case_reference_prefix(
        self,
        info: Info,
        module: Annotated[str, described("The module (`core` for generic cases).")],
        prefix: Annotated[str, described("1-10 capital letters or digits, e.g. RA.")],
    ) -> CaseReferencePrefixPayload:
        async def action(session: AsyncSession) -> CaseReferencePrefix:
            check_module(module, known_modules(info))
            row = await references.set_prefix(session, module, prefix)
            return CaseReferencePrefix(module=row.module, prefix=row.prefix)

        result, errors = await run_mutation(info, action)
        return CaseReferencePrefixPayload(prefix=result, errors=errors)


async def _remove(
    info: Info, input: CaseRecordInput, model: Any, type_name: str, noun: str
) -> CasePayload:
    async def action(session: AsyncSession) -> CaseRecord:
        row = await parties.child_of_case(session, model, decode_id(input.id, type_name), noun)
        actor = info.context.actor
        case = await claim_case(session, actor, row.case_id, input.expected_version, field="id")
        await parties.remove_row(session, row)
        return case

    return await case_payload(info, action)
