"""Imports every core model so the shared metadata is complete (used by alembic)."""

from pdms_core.activities.models import Activity, ActivityPerson, Task
from pdms_core.audit.models import AuditEvent
from pdms_core.auth.models import (
    ApiKey,
    OidcPending,
    PasswordResetToken,
    Role,
    RolePermission,
    StaffIdentity,
    StaffSession,
    StaffUser,
    Team,
    TeamMembership,
    UserRole,
)
from pdms_core.auth.throttle import AttemptCounter
from pdms_core.cases.models import (
    CaseLink,
    CaseParty,
    CasePause,
    CasePlace,
    CaseRecord,
    CaseSequence,
)
from pdms_core.conditions.models import SystemCondition, SystemConditionEffect
from pdms_core.demands.models import Demand, DemandCause
from pdms_core.documents.models import Document
from pdms_core.intentions.models import Intention
from pdms_core.letters.models import LetterTemplate
from pdms_core.linkage.models import DuplicateModel, DuplicateReview
from pdms_core.lookups.models import LookupSet, LookupValue
from pdms_core.measures.models import MeasureSnapshot
from pdms_core.merging.models import PersonMerge, PersonMergeChange, PersonMergeMember
from pdms_core.notifications.models import OutboxMessage
from pdms_core.people.models import (
    ContactDetail,
    ExternalReference,
    Person,
    PersonAddress,
    Relationship,
)
from pdms_core.places.models import Place
from pdms_core.standards.models import ServiceStandard, TaskList, TaskListItem
from pdms_core.trusted_documents.models import TrustedDocument

__all__ = [
    "Activity",
    "ActivityPerson",
    "ApiKey",
    "AttemptCounter",
    "AuditEvent",
    "CaseLink",
    "CaseParty",
    "CasePause",
    "CasePlace",
    "CaseRecord",
    "CaseSequence",
    "ContactDetail",
    "Demand",
    "DemandCause",
    "Document",
    "DuplicateModel",
    "DuplicateReview",
    "ExternalReference",
    "Intention",
    "LetterTemplate",
    "LookupSet",
    "LookupValue",
    "MeasureSnapshot",
    "OidcPending",
    "OutboxMessage",
    "PasswordResetToken",
    "Person",
    "PersonAddress",
    "PersonMerge",
    "PersonMergeChange",
    "PersonMergeMember",
    "Place",
    "Relationship",
    "Role",
    "RolePermission",
    "ServiceStandard",
    "StaffIdentity",
    "StaffSession",
    "StaffUser",
    "SystemCondition",
    "SystemConditionEffect",
    "Task",
    "TaskList",
    "TaskListItem",
    "Team",
    "TeamMembership",
    "TrustedDocument",
    "UserRole",
]
