"""The permissions of sign-in administration, API keys and the audit trail."""

from __future__ import annotations

from pdms_core.records import Permission

AUTH_PERMISSIONS = (
    Permission("core.users.manage", "Invite, edit and deactivate staff users; grant roles."),
    Permission("core.roles.manage", "Create roles and choose the permissions they grant."),
    Permission("core.teams.manage", "Create and wind up teams; add and remove members."),
    Permission("core.apikeys.manage", "Create, list and revoke partner agency API keys."),
    Permission("core.audit.read", "Read the audit trail: who saw and changed what."),
)
