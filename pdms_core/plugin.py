"""The public API for plugin authors. Import from here only; everything else is private.

A plugin is a distribution with an entry point in the ``pdms`` group whose module
implements hooks (see ``docs/plugin_hooks.md``)::

    # pyproject.toml
    [project.entry-points.pdms]
    rent_arrears = "pdms_rent_arrears.plugin"

    # pdms_rent_arrears/plugin.py
    from pdms_core.plugin import PluginManifest, hookimpl

    @hookimpl
    def pdms_plugin_manifest():
        return PluginManifest(name="rent_arrears", label="Rent arrears", ...)

Names are imported on first use (PEP 562), so a plugin module that imports
``hookimpl`` and its records from here stays cheap: ``pdms --help`` imports every
enabled plugin's entry-point module, and that must not pull in GraphQL and the ORM.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from pdms_core.auth.actor import ANONYMOUS, SYSTEM, Actor, ActorKind
from pdms_core.errors import (
    Conflict,
    Duplicate,
    ErrorCode,
    NotFound,
    PermissionDenied,
    UserError,
    UserErrors,
    ValidationFailed,
)
from pdms_core.hookspecs import hookimpl, hookspec
from pdms_core.records import (
    DocumentHolder,
    GraphQLContribution,
    LetterField,
    LetterPurpose,
    LookupAttribute,
    LookupSeed,
    LookupSetSpec,
    MeasureSpec,
    MissingField,
    ModuleRecordSource,
    Permission,
    PluginManifest,
    TimelineSource,
)
from pdms_core.settings import Settings
from pdms_core.today import today

if TYPE_CHECKING:
    from pdms_core.audit.routes import audit_request
    from pdms_core.cases.lookups import problem_lookup_sets
    from pdms_core.cases.services import NewParty, change_case_status, open_case
    from pdms_core.cases.types import CaseNode
    from pdms_core.cli_support import run_command
    from pdms_core.conditions.services import raise_condition
    from pdms_core.core_tables import CoreTables, core_tables
    from pdms_core.csv_export import csv_cell, csv_text, write_csv
    from pdms_core.db.base import Base, IdType, Versioned
    from pdms_core.db.bulk import chunks, insert_rows, upsert_rows
    from pdms_core.db.datetimes import UtcDateTime
    from pdms_core.db.loaders import SessionLoader, group_by
    from pdms_core.db.row_rules import register_row_rule, restrict
    from pdms_core.db.unit_of_work import expect_version, unit_of_work
    from pdms_core.demands.services import DemandFields, add_demand
    from pdms_core.documents.services import add_document
    from pdms_core.documents.types import documents_field
    from pdms_core.graphql.arguments import After, First, described
    from pdms_core.graphql.errors import UserErrorType, run_mutation
    from pdms_core.graphql.module_records import ModuleRecord
    from pdms_core.graphql.node import ModelNode, decode_id, global_id, load_row
    from pdms_core.graphql.pagination import Connection, Edge, PageInfo, keyset_page
    from pdms_core.graphql.payloads import payload_type
    from pdms_core.graphql.permissions import Public, Requires, mutation_field, query_field
    from pdms_core.graphql.prefetch import prefetchable, settled
    from pdms_core.letters.fields import (
        PLACE_LETTER_FIELDS,
        RECIPIENT_LETTER_FIELDS,
        place_letter_fields,
        recipient_letter_fields,
    )
    from pdms_core.letters.formatting import british_date, pounds
    from pdms_core.letters.services import generate_letter
    from pdms_core.lookups.reads import lookup_id, lookup_values
    from pdms_core.measures.filters import MeasureFilter
    from pdms_core.measures.table import MeasureColumn, MeasureTable
    from pdms_core.merging.spec import PersonReference
    from pdms_core.notifications.outbox import InvalidNotification, queue_notification
    from pdms_core.people.services import PersonFields, create_person
    from pdms_core.people.types import PersonNode
    from pdms_core.places.graphql import PlaceNode
    from pdms_core.places.search import PlaceSearch, search_places
    from pdms_core.standards.working_days import (
        add_working_days,
        is_working_day,
        working_days_between,
    )

if TYPE_CHECKING:  # editing a case: a module that routes work assigns it
    from pdms_core.cases.services import CaseFields, update_case

#: Where each lazily imported name lives.
_HOMES: dict[str, str] = {
    "After": "pdms_core.graphql.arguments",
    "Base": "pdms_core.db.base",
    "CaseFields": "pdms_core.cases.services",
    "CaseNode": "pdms_core.cases.types",
    "Connection": "pdms_core.graphql.pagination",
    "CoreTables": "pdms_core.core_tables",
    "DemandFields": "pdms_core.demands.services",
    "Edge": "pdms_core.graphql.pagination",
    "First": "pdms_core.graphql.arguments",
    "IdType": "pdms_core.db.base",
    "InvalidNotification": "pdms_core.notifications.outbox",
    "MeasureColumn": "pdms_core.measures.table",
    "MeasureFilter": "pdms_core.measures.filters",
    "MeasureTable": "pdms_core.measures.table",
    "ModelNode": "pdms_core.graphql.node",
    "ModuleRecord": "pdms_core.graphql.module_records",
    "NewParty": "pdms_core.cases.services",
    "PageInfo": "pdms_core.graphql.pagination",
    "PersonFields": "pdms_core.people.services",
    "PersonNode": "pdms_core.people.types",
    "PersonReference": "pdms_core.merging.spec",
    "PlaceNode": "pdms_core.places.graphql",
    "PlaceSearch": "pdms_core.places.search",
    "PLACE_LETTER_FIELDS": "pdms_core.letters.fields",
    "Public": "pdms_core.graphql.permissions",
    "RECIPIENT_LETTER_FIELDS": "pdms_core.letters.fields",
    "Requires": "pdms_core.graphql.permissions",
    "SessionLoader": "pdms_core.db.loaders",
    "UserErrorType": "pdms_core.graphql.errors",
    "UtcDateTime": "pdms_core.db.datetimes",
    "Versioned": "pdms_core.db.base",
    "add_demand": "pdms_core.demands.services",
    "add_working_days": "pdms_core.standards.working_days",
    "audit_request": "pdms_core.audit.routes",
    "add_document": "pdms_core.documents.services",
    "documents_field": "pdms_core.documents.types",
    "british_date": "pdms_core.letters.formatting",
    "change_case_status": "pdms_core.cases.services",
    "chunks": "pdms_core.db.bulk",
    "core_tables": "pdms_core.core_tables",
    "create_person": "pdms_core.people.services",
    "csv_cell": "pdms_core.csv_export",
    "csv_text": "pdms_core.csv_export",
    "decode_id": "pdms_core.graphql.node",
    "described": "pdms_core.graphql.arguments",
    "expect_version": "pdms_core.db.unit_of_work",
    "generate_letter": "pdms_core.letters.services",
    "global_id": "pdms_core.graphql.node",
    "group_by": "pdms_core.db.loaders",
    "insert_rows": "pdms_core.db.bulk",
    "is_working_day": "pdms_core.standards.working_days",
    "keyset_page": "pdms_core.graphql.pagination",
    "load_row": "pdms_core.graphql.node",
    "lookup_id": "pdms_core.lookups.reads",
    "lookup_values": "pdms_core.lookups.reads",
    "mutation_field": "pdms_core.graphql.permissions",
    "open_case": "pdms_core.cases.services",
    "payload_type": "pdms_core.graphql.payloads",
    "place_letter_fields": "pdms_core.letters.fields",
    "pounds": "pdms_core.letters.formatting",
    "prefetchable": "pdms_core.graphql.prefetch",
    "problem_lookup_sets": "pdms_core.cases.lookups",
    "query_field": "pdms_core.graphql.permissions",
    "queue_notification": "pdms_core.notifications.outbox",
    "raise_condition": "pdms_core.conditions.services",
    "recipient_letter_fields": "pdms_core.letters.fields",
    "register_row_rule": "pdms_core.db.row_rules",
    "restrict": "pdms_core.db.row_rules",
    "run_command": "pdms_core.cli_support",
    "run_mutation": "pdms_core.graphql.errors",
    "search_places": "pdms_core.places.search",
    "settled": "pdms_core.graphql.prefetch",
    "unit_of_work": "pdms_core.db.unit_of_work",
    "update_case": "pdms_core.cases.services",
    "upsert_rows": "pdms_core.db.bulk",
    "working_days_between": "pdms_core.standards.working_days",
    "write_csv": "pdms_core.csv_export",
}

__all__ = [
    "ANONYMOUS",
    "PLACE_LETTER_FIELDS",
    "RECIPIENT_LETTER_FIELDS",
    "SYSTEM",
    "Actor",
    "ActorKind",
    "After",
    "Base",
    "CaseFields",
    "CaseNode",
    "Conflict",
    "Connection",
    "CoreTables",
    "DemandFields",
    "DocumentHolder",
    "Duplicate",
    "Edge",
    "ErrorCode",
    "First",
    "GraphQLContribution",
    "IdType",
    "InvalidNotification",
    "LetterField",
    "LetterPurpose",
    "LookupAttribute",
    "LookupSeed",
    "LookupSetSpec",
    "MeasureColumn",
    "MeasureFilter",
    "MeasureSpec",
    "MeasureTable",
    "MissingField",
    "ModelNode",
    "ModuleRecord",
    "ModuleRecordSource",
    "NewParty",
    "NotFound",
    "PageInfo",
    "Permission",
    "PermissionDenied",
    "PersonFields",
    "PersonNode",
    "PersonReference",
    "PlaceNode",
    "PlaceSearch",
    "PluginManifest",
    "Public",
    "Requires",
    "SessionLoader",
    "Settings",
    "TimelineSource",
    "UserError",
    "UserErrorType",
    "UserErrors",
    "UtcDateTime",
    "ValidationFailed",
    "Versioned",
    "add_demand",
    "add_document",
    "add_working_days",
    "audit_request",
    "british_date",
    "change_case_status",
    "chunks",
    "core_tables",
    "create_person",
    "csv_cell",
    "csv_text",
    "decode_id",
    "described",
    "documents_field",
    "expect_version",
    "generate_letter",
    "global_id",
    "group_by",
    "hookimpl",
    "hookspec",
    "insert_rows",
    "is_working_day",
    "keyset_page",
    "load_row",
    "lookup_id",
    "lookup_values",
    "mutation_field",
    "open_case",
    "payload_type",
    "place_letter_fields",
    "pounds",
    "prefetchable",
    "problem_lookup_sets",
    "query_field",
    "queue_notification",
    "raise_condition",
    "recipient_letter_fields",
    "register_row_rule",
    "restrict",
    "run_command",
    "run_mutation",
    "search_places",
    "settled",
    "today",
    "unit_of_work",
    "update_case",
    "upsert_rows",
    "working_days_between",
    "write_csv",
]


def __getattr__(name: str) -> Any:
    """Import a public name on first use and keep it, so later lookups are plain."""
    try:
        module = _HOMES[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
