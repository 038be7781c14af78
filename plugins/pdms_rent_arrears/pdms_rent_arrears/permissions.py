"""The module's permission codes, each declared once with what it allows."""

from __future__ import annotations

from pdms_core.plugin import Permission

READ = "rent_arrears.account.read"
IMPORT = "rent_arrears.report.import"
ASSIGN = "rent_arrears.account.assign"
WRITE = "rent_arrears.account.write"
PLAN = "rent_arrears.plan.open"
CONFIGURE = "rent_arrears.settings.manage"

PERMISSIONS = [
    Permission(READ, "See rent accounts, their weekly figures, overviews and caseloads."),
    Permission(IMPORT, "Preview and import weekly arrears reports."),
    Permission(ASSIGN, "Assign rent accounts to officers, one by one, in bulk or by patch."),
    Permission(WRITE, "Link accounts, record recovery actions and repayment agreements."),
    Permission(PLAN, "Open a management-plan case for a flagged account."),
    Permission(CONFIGURE, "Set the report column mapping and the rent-free weeks."),
]
