"""The module's permission codes, each declared once with what it allows."""

from __future__ import annotations

from pdms_core.plugin import Permission

READ = "customer_interactions.interaction.read"
RECORD = "customer_interactions.interaction.record"
RULES_READ = "customer_interactions.rules.read"
RULES_MANAGE = "customer_interactions.rules.manage"

PERMISSIONS = [
    Permission(READ, "See contacts: who got in touch, how, what they asked and the outcome."),
    Permission(
        RECORD,
        "Record contacts; with core.cases.write as well, open or join cases from them.",
    ),
    Permission(RULES_READ, "See the assignment rules, their versions and routing decisions."),
    Permission(RULES_MANAGE, "Change the assignment rules and try changes in a dry run."),
]
