"""The module's council-editable lists: channels, failure reasons and outcomes.

Attributes code relies on (``LookupSeed.data``, editable by administrators):

- a channel's ``demand_channel`` is the code of core's ``channel`` list recorded on the
  demand of a case the contact opens (blank: none);
- an outcome's ``effect`` is ``resolved`` (answered at first point of contact),
  ``case`` (opened or joined a case: the interaction must link to it) or ``elsewhere``
  (signposted or referred on).
"""

from __future__ import annotations

from pdms_core.plugin import LookupAttribute, LookupSeed, LookupSetSpec

CHANNEL = "customer_interactions.channel"
FAILURE_REASON = "customer_interactions.failure_reason"
OUTCOME = "customer_interactions.outcome"

RESOLVED = "resolved"
CASE = "case"
ELSEWHERE = "elsewhere"
EFFECTS = (RESOLVED, CASE, ELSEWHERE)


def lookup_sets() -> list[LookupSetSpec]:
    S = LookupSeed
    return [
        LookupSetSpec(
            code=CHANNEL,
            label="Contact channels",
            description="How a person contacted the council (or the council them).",
            attributes=(
                LookupAttribute(
                    "demand_channel",
                    "Code of core's channel list to record on a demand this contact opens.",
                ),
            ),
            seeds=(
                S("phone", "Phone", data={"demand_channel": "phone"}),
                S("face_to_face", "Face to face", data={"demand_channel": "face_to_face"}),
                S("email", "Email", data={"demand_channel": "email"}),
                S("web_form", "Web form", data={"demand_channel": "web"}),
                S("letter", "Letter", data={"demand_channel": "letter"}),
                S("social_media", "Social media", data={"demand_channel": ""}),
                S("partner_referral", "Partner referral", data={"demand_channel": ""}),
            ),
        ),
        LookupSetSpec(
            code=FAILURE_REASON,
            label="Failure-demand reasons",
            description="Why a contact was failure demand.",
            seeds=(
                S("chasing", "Chasing progress"),
                S("not_right_first_time", "Not done right first time"),
                S("repeat_report", "Reporting it again"),
                S("no_call_back", "Promised call back not made"),
                S("unclear_information", "Unclear or wrong information given"),
            ),
        ),
        LookupSetSpec(
            code=OUTCOME,
            label="Contact outcomes",
            description="What came of a contact.",
            attributes=(
                LookupAttribute(
                    "effect",
                    "resolved: answered at first point of contact; case: opened or joined a "
                    "case; elsewhere: signposted or referred on.",
                    choices=EFFECTS,
                ),
            ),
            seeds=(
                S(
                    "resolved_first_contact",
                    "Resolved at first point of contact",
                    data={"effect": RESOLVED},
                ),
                S("case_opened", "Case opened", data={"effect": CASE}),
                S("added_to_case", "Added to an existing case", data={"effect": CASE}),
                S("signposted", "Signposted elsewhere", data={"effect": ELSEWHERE}),
                S("referred_to_partner", "Referred to a partner", data={"effect": ELSEWHERE}),
            ),
        ),
    ]
