"""The module's permission codes, each declared once with what it allows."""

from __future__ import annotations

from pdms_core.plugin import Permission

READ = "env_tickets.ticket.read"
WRITE = "env_tickets.ticket.write"
ASSIGN = "env_tickets.ticket.assign"
SUBMIT = "env_tickets.ticket.submit"
RETURN = "env_tickets.return.read"

PERMISSIONS = [
    Permission(READ, "See street-report tickets, their reporters, history and notes."),
    Permission(
        WRITE,
        "Log street reports, add interested parties, change statuses and details, add notes.",
    ),
    Permission(ASSIGN, "Assign tickets to teams and mark a team's batch of tickets done."),
    Permission(
        SUBMIT,
        "Submit reports over Open311 GeoReport v2 (for the API keys of reporting sites).",
    ),
    Permission(RETURN, "Export the fly-tipping return."),
]
