"""The module's permission codes, each declared once with what it allows.

Reading is two-tier: ``READ`` lets a caller use the enquiry types at all, and the row
rule (``access.py``) then narrows what they see. ``READ_ALL`` (co-ordinators, officers)
reaches every enquiry; without it a caller reaches their own enquiries, those they are
assigned to, and, with ``READ_WARD``, those raised by members of their own ward.
"""

from __future__ import annotations

from pdms_core.plugin import Permission

READ = "member_portal.enquiry.read"
READ_ALL = "member_portal.enquiry.read_all"
READ_WARD = "member_portal.enquiry.read_ward"
SUBMIT = "member_portal.enquiry.submit"
RESPOND = "member_portal.enquiry.respond"
COORDINATE = "member_portal.enquiry.coordinate"
EXPORT = "member_portal.enquiry.export"
MEMBERS = "member_portal.member.manage"

PERMISSIONS = [
    Permission(
        READ,
        "See member enquiries within reach: your own and those you are assigned to "
        "(every enquiry with member_portal.enquiry.read_all).",
    ),
    Permission(READ_ALL, "See every member enquiry, its notes and its residents."),
    Permission(
        READ_WARD,
        "See the enquiries of the other members of your own division or ward "
        "(the council grants it to the member role to share enquiries within a ward).",
    ),
    Permission(
        SUBMIT,
        "Raise enquiries as an elected member, request updates and reopen your own.",
    ),
    Permission(RESPOND, "Record responses and internal notes on enquiries you can see."),
    Permission(
        COORDINATE,
        "Assign lead and additional officers, re-route, link and close enquiries.",
    ),
    Permission(EXPORT, "Export the enquiry list as CSV or .xlsx."),
    Permission(MEMBERS, "Flag staff users as elected members and set their ward and contact."),
]

#: Roles the first migration seeds (councils edit them like any role).
ROLES = {
    "member_portal_member": (
        "Elected member",
        "A councillor raising enquiries for residents; sees only their own.",
        (READ, SUBMIT),
    ),
    "member_portal_coordinator": (
        "Member enquiry co-ordinator",
        "Routes member enquiries to officers and watches response times.",
        (READ, READ_ALL, COORDINATE, RESPOND, EXPORT, MEMBERS),
    ),
    "member_portal_officer": (
        "Member enquiry officer",
        "Answers the member enquiries assigned to them.",
        (READ, RESPOND),
    ),
}
