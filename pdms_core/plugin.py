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
"""

from pdms_core.auth.actor import ANONYMOUS, SYSTEM, Actor, ActorKind
from pdms_core.cases.lookups import problem_lookup_sets
from pdms_core.cases.services import NewParty, open_case
from pdms_core.cases.types import CaseNode
from pdms_core.cli_support import run_command
from pdms_core.core_tables import CoreTables, core_tables
from pdms_core.csv_export import csv_cell, csv_text, write_csv
from pdms_core.db.base import Base, IdType, Versioned
from pdms_core.db.bulk import chunks, insert_rows, upsert_rows
from pdms_core.db.datetimes import UtcDateTime
from pdms_core.db.loaders import SessionLoader, group_by
from pdms_core.db.unit_of_work import expect_version, unit_of_work
from pdms_core.demands.services import DemandFields, add_demand
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
from pdms_core.graphql.arguments import After, First, described
from pdms_core.graphql.errors import UserErrorType, run_mutation
from pdms_core.graphql.module_records import ModuleRecord
from pdms_core.graphql.node import ModelNode, decode_id, global_id, load_row
from pdms_core.graphql.pagination import Connection, Edge, PageInfo, keyset_page
from pdms_core.graphql.payloads import payload_type
from pdms_core.graphql.permissions import Public, Requires, mutation_field, query_field
from pdms_core.graphql.prefetch import prefetchable, settled
from pdms_core.hookspecs import hookimpl, hookspec
from pdms_core.lookups.reads import lookup_id, lookup_values
from pdms_core.measures.filters import MeasureFilter
from pdms_core.measures.table import MeasureColumn, MeasureTable
from pdms_core.records import (
    GraphQLContribution,
    LookupAttribute,
    LookupSeed,
    LookupSetSpec,
    MeasureSpec,
    ModuleRecordSource,
    Permission,
    PluginManifest,
)
from pdms_core.settings import Settings
from pdms_core.today import today

__all__ = [
    "ANONYMOUS",
    "SYSTEM",
    "Actor",
    "ActorKind",
    "After",
    "Base",
    "CaseNode",
    "Conflict",
    "Connection",
    "CoreTables",
    "DemandFields",
    "Duplicate",
    "Edge",
    "ErrorCode",
    "First",
    "GraphQLContribution",
    "IdType",
    "LookupAttribute",
    "LookupSeed",
    "LookupSetSpec",
    "MeasureColumn",
    "MeasureFilter",
    "MeasureSpec",
    "MeasureTable",
    "ModelNode",
    "ModuleRecord",
    "ModuleRecordSource",
    "NewParty",
    "NotFound",
    "PageInfo",
    "Permission",
    "PermissionDenied",
    "PluginManifest",
    "Public",
    "Requires",
    "SessionLoader",
    "Settings",
    "UserError",
    "UserErrorType",
    "UserErrors",
    "UtcDateTime",
    "ValidationFailed",
    "Versioned",
    "add_demand",
    "chunks",
    "core_tables",
    "csv_cell",
    "csv_text",
    "decode_id",
    "described",
    "expect_version",
    "global_id",
    "group_by",
    "hookimpl",
    "hookspec",
    "insert_rows",
    "keyset_page",
    "load_row",
    "lookup_id",
    "lookup_values",
    "mutation_field",
    "open_case",
    "payload_type",
    "prefetchable",
    "problem_lookup_sets",
    "query_field",
    "run_command",
    "run_mutation",
    "settled",
    "today",
    "unit_of_work",
    "upsert_rows",
    "write_csv",
]
