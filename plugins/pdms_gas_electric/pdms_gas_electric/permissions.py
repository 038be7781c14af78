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
