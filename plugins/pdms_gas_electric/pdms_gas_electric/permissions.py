"""The module's permission codes, each declared once with what it allows."""

from __future__ import annotations

from pdms_core.plugin import Permission

READ = "gas_electric.home.read"
WRITE = "gas_electric.home.write"
RECORD = "gas_electric.check.record"

PERMISSIONS = [
    Permission(READ, "See homes' gas supply, appliances, alarms, safety records and due dates."),
    Permission(WRITE, "Edit a home's gas supply, appliances, alarms and electrical installation."),
    Permission(RECORD, "Record gas safety checks and electrical inspections, and copies given."),
]

JOB_READ = "gas_electric.job.read"
JOB_MOVE = "gas_electric.job.move"
JOB_OVERRIDE = "gas_electric.job.override"
JOB_GENERATE = "gas_electric.job.generate"

PERMISSIONS += [
    Permission(JOB_READ, "See servicing jobs, their stage history and their letters."),
    Permission(JOB_MOVE, "Move servicing jobs between stages, recording visits and letters."),
    Permission(
        JOB_OVERRIDE, "Move a servicing job past a required stage, giving a reason (audited)."
    ),
    Permission(JOB_GENERATE, "Open servicing jobs for every home falling due."),
]

IMPORT = "gas_electric.return.import"
PERMISSIONS += [
    Permission(IMPORT, "Import contractors' returns of completed gas checks and EICRs."),
]
