"""The configurable lists of the problem graph, and how a module gets its own.

Lists that differ per department (case statuses, demand types and categories, task
categories and tasks, intention types, system-condition types, team types) are
*module lists*: core declares the generic ones (``demand_type``) and a module may
declare its own (``rent_arrears.demand_type``) with :func:`problem_lookup_sets`. A
case of that module then uses the module's list, and a code from another module's
list is refused. A module that declares no list of a kind uses core's.

Attributes code relies on (``LookupSeed.data``): a case status with ``closed: true``
closes the case; with ``forbid_open_intentions: true`` too, the case cannot close
while follow-ups are open.
"""

from __future__ import annotations

from pdms_core.records import CORE, LookupSeed, LookupSetSpec

CASE_STATUS = "case_status"
DEMAND_TYPE = "demand_type"
DEMAND_CATEGORY = "demand_category"
TASK_CATEGORY = "task_category"
TASK = "task"
INTENTION_TYPE = "intention_type"
SYSTEM_CONDITION_TYPE = "system_condition_type"
TEAM_TYPE = "team_type"
# Council-wide lists, shared by every module.
PARTY_ROLE = "party_role"
CHANNEL = "channel"
STRATEGIC_OBJECTIVE = "strategic_objective"

#: Module lists, with the list each one hangs under (for hierarchical lists).
MODULE_LISTS: dict[str, str | None] = {
    CASE_STATUS: None,
    DEMAND_TYPE: None,
    DEMAND_CATEGORY: DEMAND_TYPE,
    TASK_CATEGORY: None,
    TASK: TASK_CATEGORY,
    INTENTION_TYPE: None,
    SYSTEM_CONDITION_TYPE: None,
    TEAM_TYPE: None,
}
LABELS = {
    CASE_STATUS: ("Case statuses", "Where a case is; `closed` statuses close it."),
    DEMAND_TYPE: ("Demand types", "What people ask for, presenting or underlying."),
    DEMAND_CATEGORY: ("Demand categories", "Finer kinds of each demand type."),
    TASK_CATEGORY: ("Task categories", "Kinds of work done in activities."),
    TASK: ("Tasks", "The tasks within each task category."),
    INTENTION_TYPE: ("Intention types", "Kinds of follow-up action."),
    SYSTEM_CONDITION_TYPE: ("System-condition types", "What in the system blocks the work."),
    TEAM_TYPE: ("Team types", "Kinds of team in a department."),
}


def module_list_code(module: str, list_name: str) -> str:
    """The code of ``module``'s own list ``list_name`` (core's lists are unprefixed)."""
    return list_name if module == CORE else f"{module}.{list_name}"


def problem_lookup_sets(module: str, **seeds: tuple[LookupSeed, ...]) -> list[LookupSetSpec]:
    """A module's own problem lists, e.g. ``problem_lookup_sets("rent_arrears",
    demand_type=(LookupSeed("arrears", "Rent arrears"),))``. Only the lists given are
    declared; the module uses core's for the rest. A hierarchical list (``demand_category``,
    ``task``) needs its parent list declared too."""
    unknown = set(seeds) - set(MODULE_LISTS)
    if unknown:
        raise ValueError(f"Not a module problem list: {', '.join(sorted(unknown))}")
    specs = []
    for name, values in seeds.items():
        label, description = LABELS[name]
        parent = MODULE_LISTS[name]
        if parent is not None and parent not in seeds:
            raise ValueError(f"{name} needs {parent} declared with it")
        specs.append(
            LookupSetSpec(
                code=module_list_code(module, name),
                label=label,
                description=description,
                parent_set=module_list_code(module, parent) if parent else None,
                seeds=tuple(values),
            )
        )
    return specs


S = LookupSeed
CORE_MODULE_SEEDS: dict[str, tuple[LookupSeed, ...]] = {
    CASE_STATUS: (
        S("open", "Open"),
        S("in_progress", "In progress"),
        S("resolved", "Closed: resolved", data={"closed": True, "forbid_open_intentions": True}),
        S("withdrawn", "Closed: withdrawn", data={"closed": True}),
    ),
    DEMAND_TYPE: (
        S("rent", "Rent"),
        S("debt", "Debt"),
        S("bereavement", "Bereavement"),
        S("benefits", "Benefits"),
        S("mental_health", "Mental health"),
        S("repairs", "Repairs"),
        S("anti_social_behaviour", "Anti-social behaviour"),
        S("council_tax", "Council tax"),
    ),
    DEMAND_CATEGORY: (
        S("payment_difficulty", "Difficulty paying", parent="rent"),
        S("progress_chasing", "Chasing progress", parent="rent"),
        S("priority_debt", "Priority debt", parent="debt"),
        S("non_priority_debt", "Non-priority debt", parent="debt"),
        S("housing_benefit", "Housing benefit", parent="benefits"),
        S("universal_credit", "Universal Credit", parent="benefits"),
    ),
    TASK_CATEGORY: (
        S("contact", "Contact"),
        S("assessment", "Assessment"),
        S("referral", "Referral"),
        S("visit", "Visit"),
        S("administration", "Administration"),
    ),
    TASK: (
        S("phone_call", "Phone call", parent="contact"),
        S("letter", "Letter", parent="contact"),
        S("email", "Email", parent="contact"),
        S("income_expenditure", "Income and expenditure", parent="assessment"),
        S("vulnerability_check", "Vulnerability check", parent="assessment"),
        S("debt_advice_referral", "Referral to debt advice", parent="referral"),
        S("bereavement_support", "Referral to bereavement support", parent="referral"),
        S("home_visit", "Home visit", parent="visit"),
        S("case_notes", "Case notes", parent="administration"),
    ),
    INTENTION_TYPE: (
        S("call_back", "Call back"),
        S("send_letter", "Send a letter"),
        S("review", "Review the case"),
        S("visit", "Visit"),
        S("referral_follow_up", "Follow up a referral"),
    ),
    SYSTEM_CONDITION_TYPE: (
        S("awaiting_benefit_decision", "Awaiting housing benefit decision"),
        S("awaiting_other_agency", "Awaiting another agency"),
        S("no_access", "No access to property"),
        S("it_system_down", "IT system down"),
        S("policy_two_visits", "Policy requires two visits"),
        S("missing_information", "Information missing from the referral"),
    ),
    TEAM_TYPE: (
        S("casework", "Casework"),
        S("contact_centre", "Contact centre"),
        S("specialist", "Specialist"),
    ),
}

SHARED_LISTS = (
    LookupSetSpec(
        code=PARTY_ROLE,
        label="Case party roles",
        description="A person's part in a case.",
        seeds=(
            S("subject", "Subject"),
            S("reporter", "Reporter"),
            S("household_member", "Household member"),
            S("representative", "Representative"),
        ),
    ),
    LookupSetSpec(
        code=CHANNEL,
        label="Channels",
        description="How a demand reached the council.",
        seeds=(
            S("phone", "Phone"),
            S("email", "Email"),
            S("web", "Web form"),
            S("face_to_face", "Face to face"),
            S("letter", "Letter"),
            S("councillor", "Via a councillor"),
        ),
    ),
    LookupSetSpec(
        code=STRATEGIC_OBJECTIVE,
        label="Strategic objectives",
        description="The council's objectives that demands and conditions are tied to.",
        seeds=(
            S("secure_homes", "Secure, affordable homes"),
            S("financial_resilience", "Financially resilient households"),
            S("healthy_lives", "Healthy, independent lives"),
            S("safe_communities", "Safe, clean communities"),
        ),
    ),
)

PROBLEM_LOOKUP_SETS = (*problem_lookup_sets(CORE, **CORE_MODULE_SEEDS), *SHARED_LISTS)
