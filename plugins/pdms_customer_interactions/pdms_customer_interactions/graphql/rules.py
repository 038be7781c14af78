"""The assignment rules over GraphQL: read, save (versioned), and a dry run."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry
from pdms_core.plugin import (
    UserError,
    UserErrors,
    UserErrorType,
    decode_id,
    described,
    global_id,
    mutation_field,
    query_field,
    run_mutation,
)
from strawberry.types import Info

from pdms_customer_interactions import assignment, engine, rules
from pdms_customer_interactions.graphql.types import (
    CustomerInteractionsRouting,
    routing_of,
    routing_of_row,
)
from pdms_customer_interactions.permissions import RULES_MANAGE, RULES_READ


@strawberry.enum(description="Where a rule sends the work.")
class CustomerInteractionsTargetKind(Enum):
    TEAM = strawberry.enum_value(engine.TEAM, description="A named team.")
    OFFICER = strawberry.enum_value(engine.OFFICER, description="A named officer.")
    CURRENT_TEAM = strawberry.enum_value(
        engine.CURRENT_TEAM,
        description="The team already working with the person (owning their newest open case).",
    )


@strawberry.enum(description="How the officer is chosen within the team.")
class CustomerInteractionsChoice(Enum):
    LEAST_OPEN_WORK = strawberry.enum_value(
        engine.LEAST_OPEN_WORK, description="The active member with the fewest open cases."
    )
    ROUND_ROBIN = strawberry.enum_value(
        engine.ROUND_ROBIN, description="The active members in turn."
    )
    TEAM_ONLY = strawberry.enum_value(engine.TEAM_ONLY, description="No officer: the team picks.")


@strawberry.input(description="One assignment rule. Empty conditions match anything.")
class CustomerInteractionsRuleInput:
    code: str = strawberry.field(description="Unique code, lower_snake_case.")
    target_kind: CustomerInteractionsTargetKind = strawberry.field(
        description="Where the work goes."
    )
    name: str = strawberry.field(default="", description="What the rule is for.")
    active: bool = strawberry.field(default=True, description="Switched on.")
    fallback_rule_code: str | None = strawberry.field(
        default=None,
        description="A rule whose target takes the work when this rule's target cannot.",
    )
    demand_type_codes: list[str] = strawberry.field(
        default_factory=list, description="The demand type is one of these."
    )
    demand_category_codes: list[str] = strawberry.field(
        default_factory=list, description="The demand category is one of these."
    )
    ward_codes: list[str] = strawberry.field(
        default_factory=list, description="The place's ward (GSS code) is one of these."
    )
    postcode_areas: list[str] = strawberry.field(
        default_factory=list, description="The place's postcode area (e.g. TV) is one of these."
    )
    person_flag_codes: list[str] = strawberry.field(
        default_factory=list,
        description="The person holds an external reference of one of these types (core's "
        "external_reference_type list, e.g. a vulnerability register).",
    )
    existing_case_team_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="The person has an open case owned by one of these teams.",
    )
    channel_codes: list[str] = strawberry.field(
        default_factory=list, description="The contact channel is one of these."
    )
    from_time: str | None = strawberry.field(
        default=None, description="Local time of day from (HH:MM); the window may wrap midnight."
    )
    to_time: str | None = strawberry.field(
        default=None, description="Local time of day until (HH:MM, exclusive)."
    )
    team_id: strawberry.ID | None = strawberry.field(
        default=None, description="The team (TEAM target; optional for OFFICER)."
    )
    officer_id: strawberry.ID | None = strawberry.field(
        default=None, description="The officer (OFFICER target)."
    )
    choose: CustomerInteractionsChoice = strawberry.field(
        default=CustomerInteractionsChoice.LEAST_OPEN_WORK,
        description="How the officer is chosen within the team.",
    )


def _ids(values: list[strawberry.ID], type_name: str, field: str) -> tuple[int, ...]:
    return tuple(decode_id(v, type_name, field=field) for v in values)


def specs_of(given: list[CustomerInteractionsRuleInput]) -> list[rules.RuleSpec]:
    specs = []
    for n, r in enumerate(given):
        at = f"rules.{n}"
        specs.append(
            rules.RuleSpec(
                code=r.code,
                target_kind=r.target_kind.value,
                name=r.name,
                active=r.active,
                fallback=r.fallback_rule_code,
                demand_types=tuple(r.demand_type_codes),
                demand_categories=tuple(r.demand_category_codes),
                wards=tuple(r.ward_codes),
                postcode_areas=tuple(r.postcode_areas),
                person_flags=tuple(r.person_flag_codes),
                case_teams=_ids(
                    r.existing_case_team_ids, "Team", f"{at}.conditions.existingCaseTeamIds"
                ),
                channels=tuple(r.channel_codes),
                from_time=r.from_time,
                to_time=r.to_time,
                team_id=decode_id(r.team_id, "Team", field=f"{at}.target.teamId")
                if r.team_id
                else None,
                officer_id=decode_id(r.officer_id, "StaffUser", field=f"{at}.target.officerId")
                if r.officer_id
                else None,
                choose=r.choose.value,
            )
        )
    return specs


def _hhmm(minute: int | None) -> str | None:
    return None if minute is None else engine.hhmm(minute)


@strawberry.type(description="One assignment rule as saved.")
class CustomerInteractionsRule:
    code: str = strawberry.field(description="Unique code.")
    name: str = strawberry.field(description="What the rule is for.")
    active: bool = strawberry.field(description="Switched on.")
    fallback_rule_code: str | None = strawberry.field(description="The fallback rule, if any.")
    target_kind: CustomerInteractionsTargetKind = strawberry.field(description="Where work goes.")
    team_id: strawberry.ID | None = strawberry.field(description="The target team.")
    officer_id: strawberry.ID | None = strawberry.field(description="The target officer.")
    choose: CustomerInteractionsChoice = strawberry.field(description="How the officer is chosen.")
    demand_type_codes: list[str] = strawberry.field(description="Demand types matched.")
    demand_category_codes: list[str] = strawberry.field(description="Demand categories matched.")
    ward_codes: list[str] = strawberry.field(description="Wards matched.")
    postcode_areas: list[str] = strawberry.field(description="Postcode areas matched.")
    person_flag_codes: list[str] = strawberry.field(description="Person flags matched.")
    existing_case_team_ids: list[strawberry.ID] = strawberry.field(
        description="Teams with an open case of the person."
    )
    channel_codes: list[str] = strawberry.field(description="Channels matched.")
    from_time: str | None = strawberry.field(description="Time window from (HH:MM).")
    to_time: str | None = strawberry.field(description="Time window until (HH:MM).")


def rule_view(data: dict[str, Any]) -> CustomerInteractionsRule:
    r = engine.rule_from_json(data)
    c, t = r.conditions, r.target
    return CustomerInteractionsRule(
        code=r.code,
        name=r.name,
        active=r.active,
        fallback_rule_code=r.fallback,
        target_kind=CustomerInteractionsTargetKind(t.kind),
        team_id=global_id("Team", t.team_id) if t.team_id else None,
        officer_id=global_id("StaffUser", t.officer_id) if t.officer_id else None,
        choose=CustomerInteractionsChoice(t.choose),
        demand_type_codes=sorted(c.demand_types),
        demand_category_codes=sorted(c.demand_categories),
        ward_codes=sorted(c.wards),
        postcode_areas=sorted(c.postcode_areas),
        person_flag_codes=sorted(c.person_flags),
        existing_case_team_ids=[global_id("Team", t) for t in sorted(c.case_teams)],
        channel_codes=sorted(c.channels),
        from_time=_hhmm(c.from_minute),
        to_time=_hhmm(c.to_minute),
    )


@strawberry.type(description="One version of the assignment rules.")
class CustomerInteractionsRuleBook:
    version: int = strawberry.field(description="Version number; send it as expectedVersion.")
    digest: str = strawberry.field(
        description="SHA-256 of the rules: two versions with the same digest route alike."
    )
    note: str = strawberry.field(description="What changed, as the editor said.")
    saved_by: str = strawberry.field(description="Who saved it.")
    saved_at: datetime = strawberry.field(description="When.")
    rules: list[CustomerInteractionsRule] = strawberry.field(
        description="The rules in order of precedence."
    )


def book_view(book: Any) -> CustomerInteractionsRuleBook:
    return CustomerInteractionsRuleBook(
        version=book.number,
        digest=book.digest,
        note=book.note,
        saved_by=book.saved_by,
        saved_at=book.saved_at,
        rules=[rule_view(r) for r in book.rules],
    )


@strawberry.type(description="What a rule change would do to one past case.")
class CustomerInteractionsDryRunCase:
    case_id: strawberry.ID = strawberry.field(description="Global ID of the case.")
    before: CustomerInteractionsRouting = strawberry.field(description="How it was routed.")
    after: CustomerInteractionsRouting = strawberry.field(
        description="How the proposed rules would route it (its stored facts, today's teams)."
    )
    changed: bool = strawberry.field(description="The team or officer would differ.")


@strawberry.type(description="Result of customerInteractionsSaveRules.")
class CustomerInteractionsRulesPayload:
    rule_book: CustomerInteractionsRuleBook | None = strawberry.field(
        description="The new version; null when nothing was saved."
    )
    errors: list[UserErrorType] = strawberry.field(description="Why nothing was saved.")


@strawberry.type(description="Result of customerInteractionsDryRunRules.")
class CustomerInteractionsDryRunPayload:
    cases: list[CustomerInteractionsDryRunCase] = strawberry.field(
        description="The last routed cases, newest first."
    )
    errors: list[UserErrorType] = strawberry.field(description="Why the rules were refused.")


@strawberry.type
class CustomerInteractionsRulesQuery:
    @query_field(
        description="The assignment rules: the current version or an older one.",
        permission=RULES_READ,
    )
    async def customer_interactions_rule_book(
        self,
        info: Info,
        version: Annotated[int | None, described("A version number; default the current.")] = None,
    ) -> CustomerInteractionsRuleBook | None:
        from sqlalchemy import select

        from pdms_customer_interactions.models import RuleBook

        async with info.context.session() as session:
            if version is None:
                book = await assignment.current_book(session)
            else:
                book = await session.scalar(select(RuleBook).where(RuleBook.number == version))
        return None if book is None else book_view(book)

    @query_field(
        description="How a case was routed by the rules, with every rule's reason.",
        permission=RULES_READ,
    )
    async def customer_interactions_case_routing(
        self, info: Info, case_id: Annotated[strawberry.ID, described("The case.")]
    ) -> CustomerInteractionsRouting | None:
        from sqlalchemy import select

        from pdms_customer_interactions.models import Decision

        wanted = decode_id(case_id, "Case", field="caseId")
        async with info.context.session() as session:
            row = await session.scalar(
                select(Decision)
                .where(Decision.case_id == wanted)
                .order_by(Decision.id.desc())
                .limit(1)
            )
        return None if row is None else routing_of_row(row)

    @query_field(
        description="Try proposed rules on the last routed cases (their stored facts, today's "
        "teams) without saving anything; bad rules come back as field errors.",
        permission=RULES_MANAGE,
    )
    async def customer_interactions_dry_run_rules(
        self,
        info: Info,
        rules_: Annotated[
            list[CustomerInteractionsRuleInput],
            strawberry.argument(name="rules", description="The proposed rules."),
        ],
        last: Annotated[int, described("How many of the last routed cases: 1 to 1000.")] = 50,
    ) -> CustomerInteractionsDryRunPayload:
        try:
            async with info.context.session() as session:
                replays = await rules.dry_run(session, specs_of(rules_), last)
        except UserErrors as exc:
            return CustomerInteractionsDryRunPayload(
                cases=[], errors=[UserErrorType.from_error(e) for e in exc.errors]
            )
        except UserError as exc:
            return CustomerInteractionsDryRunPayload(
                cases=[], errors=[UserErrorType.from_error(exc)]
            )
        return CustomerInteractionsDryRunPayload(cases=[_case(r) for r in replays], errors=[])


@strawberry.type
class CustomerInteractionsRulesMutation:
    @mutation_field(
        description="Save the assignment rules as a new version (the whole list, in order of "
        "precedence). Refused whole, with a field error per fault, when a rule is bad.",
        permission=RULES_MANAGE,
    )
    async def customer_interactions_save_rules(
        self,
        info: Info,
        expected_version: Annotated[int, described("The version you edited; 0 for the first.")],
        rules_: Annotated[
            list[CustomerInteractionsRuleInput],
            strawberry.argument(name="rules", description="The rules in order of precedence."),
        ],
        note: Annotated[str, described("What changed and why.")] = "",
    ) -> CustomerInteractionsRulesPayload:
        async def action(session):  # type: ignore[no-untyped-def]
            return await rules.save_rules(
                session,
                info.context.actor,
                expected_version=expected_version,
                specs=specs_of(rules_),
                note=note,
            )

        book, errors = await run_mutation(info, action)
        return CustomerInteractionsRulesPayload(
            rule_book=book_view(book) if book else None, errors=errors
        )


def _case(replay: Any) -> CustomerInteractionsDryRunCase:
    row, routed = replay.decision_row, replay.routed
    after = routing_of(routed)
    return CustomerInteractionsDryRunCase(
        case_id=global_id("Case", row.case_id),
        before=routing_of_row(row),
        after=after,
        changed=(row.team_id, row.officer_id) != (routed.team_id, routed.officer_id),
    )
