"""The member enquiry portal's hook implementations: thin wiring only.

Every ``pdms`` command imports this module (``pdms --help`` too), so it imports only
records at the top; GraphQL types, services and models load inside the hooks.
"""

from __future__ import annotations

from typing import Any

import click
from pdms_core.plugin import (
    DocumentHolder,
    GraphQLContribution,
    LookupSetSpec,
    MeasureSpec,
    ModuleRecordSource,
    Permission,
    PersonReference,
    PluginManifest,
    hookimpl,
)
from pydantic import BaseModel, Field

from pdms_member_portal.permissions import PERMISSIONS, READ


class MemberPortalSettings(BaseModel):
    #: Working days an enquiry stays open for follow-ups after its response.
    follow_up_days: int = Field(default=5, ge=0, le=60)
    #: Lead officers are warned this many working days before the deadline (and after).
    warning_days: int = Field(default=2, ge=0, le=20)
    #: The co-ordinators' shared mailbox for the daily digest (blank: no digest).
    coordinators_email: str = ""
    #: Enquiries of one service area within this many metres are the same issue.
    same_issue_radius_m: float = Field(default=100, gt=0, le=2000)
    #: ... when raised within this many days of each other.
    same_issue_days: int = Field(default=30, ge=1, le=365)


@hookimpl
def pdms_plugin_manifest() -> PluginManifest:
    return PluginManifest(
        name="member_portal",
        label="Member enquiry portal",
        description="Councillors raise enquiries for residents; co-ordinators route them to "
        "officers, who answer within each service area's standard.",
        requires_core=">=0.1,<0.2",
        settings_model=MemberPortalSettings,
    )


@hookimpl
def pdms_graphql() -> GraphQLContribution:
    from pdms_member_portal.graphql.mutations import MemberPortalMutation
    from pdms_member_portal.graphql.queries import MemberPortalQuery
    from pdms_member_portal.graphql.types import MemberPortalEnquiry
    from pdms_member_portal.services import enquiries

    return GraphQLContribution(
        query=MemberPortalQuery,
        mutation=MemberPortalMutation,
        module_records=(
            ModuleRecordSource(
                holder="Place",
                record_type=MemberPortalEnquiry,
                load=enquiries.enquiries_by_place,
                permission=READ,
            ),
            ModuleRecordSource(
                holder="Person",
                record_type=MemberPortalEnquiry,
                load=enquiries.enquiries_by_person,
                permission=READ,
            ),
        ),
    )


@hookimpl
def pdms_permissions() -> list[Permission]:
    return PERMISSIONS


@hookimpl
def pdms_lookup_sets() -> list[LookupSetSpec]:
    from pdms_member_portal.lists import lookup_sets

    return lookup_sets()


@hookimpl
def pdms_measures() -> list[MeasureSpec]:
    from pdms_member_portal.services.measures import measures

    return measures()


@hookimpl
def pdms_document_holders() -> list[DocumentHolder]:
    import pdms_member_portal.access  # noqa: F401  (the row rule documents follow)
    from pdms_member_portal.models import Enquiry

    # Supporting documents (photos, letters from the resident) are stored on the enquiry.
    return [DocumentHolder("MemberPortalEnquiry", Enquiry, READ)]


@hookimpl
def pdms_demo_seed(database: Any, size: str, seed: int) -> Any:
    from pdms_member_portal.demo import seed_enquiries

    return seed_enquiries(database, size, seed, {"core", "member_portal"})


@hookimpl
def pdms_register_commands(cli: click.Group) -> None:
    from pdms_member_portal.cli import group

    cli.add_command(group)


@hookimpl
def pdms_person_references() -> list[PersonReference]:
    # Merging people moves these to the survivor, and un-merging moves them back.
    return [
        PersonReference("member_portal_enquiry"),
    ]
