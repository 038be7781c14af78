"""Core's root query and mutation types, merged with the modules' by the host.

Kept apart from ``core_plugin`` so loading the host (every CLI command) does not
import strawberry; ``core_plugin.pdms_graphql`` imports this module when asked.
"""

from __future__ import annotations

import strawberry

from pdms_core.activities.graphql import ActivityMutation
from pdms_core.audit.graphql import AuditQuery
from pdms_core.auth.admin_graphql import AdminMutation, AdminQuery
from pdms_core.auth.graphql import AuthMutation, AuthQuery
from pdms_core.cases.graphql import CaseMutation, CaseQuery
from pdms_core.conditions.graphql import SystemConditionMutation, SystemConditionQuery
from pdms_core.demands.graphql import DemandMutation
from pdms_core.documents.graphql import DocumentMutation
from pdms_core.graphql.core_schema import NodeQuery
from pdms_core.intentions.graphql import IntentionMutation, IntentionQuery
from pdms_core.letters.graphql import LetterMutation, LetterQuery
from pdms_core.linkage.graphql import DuplicateMutation, DuplicateQuery
from pdms_core.lookups.graphql import LookupMutation, LookupQuery
from pdms_core.measures.graphql.query import MeasureMutation, MeasureQuery
from pdms_core.merging.graphql import MergeMutation, MergeQuery
from pdms_core.people.graphql import PeopleMutation, PeopleQuery
from pdms_core.places.graphql import PlaceQuery
from pdms_core.places.mutations import PlaceMutation
from pdms_core.standards.graphql import ServiceStandardMutation, ServiceStandardQuery
from pdms_core.standards.task_list_graphql import TaskListMutation, TaskListQuery


@strawberry.type
class CoreQuery(
    NodeQuery,
    LookupQuery,
    PeopleQuery,
    PlaceQuery,
    CaseQuery,
    IntentionQuery,
    SystemConditionQuery,
    ServiceStandardQuery,
    TaskListQuery,
    MeasureQuery,
    AuthQuery,
    AdminQuery,
    AuditQuery,
    LetterQuery,
    MergeQuery,
    DuplicateQuery,
):
    """Core's root query fields (merged with the modules' by the host)."""


@strawberry.type
class CoreMutation(
    LookupMutation,
    PeopleMutation,
    PlaceMutation,
    CaseMutation,
    DemandMutation,
    ActivityMutation,
    DocumentMutation,
    IntentionMutation,
    SystemConditionMutation,
    ServiceStandardMutation,
    TaskListMutation,
    MeasureMutation,
    AuthMutation,
    AdminMutation,
    LetterMutation,
    MergeMutation,
    DuplicateMutation,
):
    """Core's root mutation fields."""
