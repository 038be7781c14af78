"""The schema is a pure function of the enabled plugins, documented and guarded."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from dummy_entry_point import DUMMY
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
)
from graphql import (
    build_schema as parse_sdl,
)
from graphql.utilities import find_breaking_changes
from strawberry.schema.config import StrawberryConfig

from pdms_core.graphql.permissions import PermissionRule, Public
from pdms_core.graphql.schema import build_schema, export_sdl
from pdms_core.host import PluginHost, installed_entry_points
from pdms_core.settings import Settings

NAMES = StrawberryConfig().name_converter

ROOT = Path(__file__).resolve().parent.parent
ALLOWED_BREAKS = ROOT / "tests" / "schema" / "allowed_breaking_changes.txt"


def schema_for(*extra):
    return build_schema(
        PluginHost.load(Settings(), entry_points=[*installed_entry_points(), *extra])
    )


def type_names(schema) -> set[str]:
    return {name for name in schema._schema.type_map if not name.startswith("__")}


def test_core_only_and_core_plus_dummy_schemas_coexist_in_one_process():
    # given both schemas built in the same process, in either order
    core_first = schema_for()
    with_dummy = schema_for(DUMMY)
    core_again = schema_for()

    # then the dummy adds exactly its own types and root fields
    added = type_names(with_dummy) - type_names(core_first)
    assert added == {"DummyWidget", "DummyWidgetPayload"}
    assert type_names(core_again) == type_names(core_first)
    query = with_dummy._schema.query_type.fields
    mutation = with_dummy._schema.mutation_type.fields
    assert {"dummyWidgetCount", "dummyGreeting"} <= set(query)
    assert "dummyCreateWidget" in mutation
    assert not any(name.startswith("dummy") for name in core_again._schema.query_type.fields)
    # and nothing leaked into the core schema built after the dummy one
    assert export_sdl(core_again) == export_sdl(core_first)
    assert "DummyWidget" not in export_sdl(core_again)


def test_dummy_types_implement_the_core_module_record_interface():
    schema = schema_for(DUMMY)._schema
    widget = schema.type_map["DummyWidget"]
    assert {i.name for i in widget.interfaces} == {"Node", "ModuleRecord"}
    assert "moduleRecords" in schema.type_map["Place"].fields


def test_export_is_reproducible():
    assert export_sdl(schema_for(DUMMY)) == export_sdl(schema_for(DUMMY))


def test_checked_in_schema_matches_core_and_first_party_plugins():
    checked_in = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert checked_in == export_sdl(schema_for()), (
        "schema.graphql is out of date: run `make schema` and commit it"
    )


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)


def _previous_committed_sdl() -> str | None:
    """The SDL this change is measured against, or None without enough git history.

    An uncommitted edit of schema.graphql is compared with HEAD's copy; a committed one
    with the copy before the latest commit that changed the file.
    """
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        return None
    if _git("diff", "--quiet", "HEAD", "--", "schema.graphql").returncode == 1:
        revision = "HEAD"
    else:
        commits = _git("log", "--format=%H", "-n", "2", "--", "schema.graphql").stdout.split()
        if len(commits) < 2:
            return None
        revision = commits[1]
    shown = _git("show", f"{revision}:schema.graphql")
    return shown.stdout if shown.returncode == 0 else None


def test_no_unintended_breaking_changes_against_the_previous_committed_schema():
    previous = _previous_committed_sdl()
    if previous is None:
        pytest.skip("no earlier committed schema.graphql in this clone's history")
    allowed = {
        line.strip()
        for line in ALLOWED_BREAKS.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    breaks = {
        f"{change.type.name}: {change.description}"
        for change in find_breaking_changes(
            parse_sdl(previous), parse_sdl(export_sdl(schema_for()))
        )
    }
    assert breaks <= allowed, f"unlisted breaking changes: {sorted(breaks - allowed)}"


PUBLIC_FIELDS = {
    "Query.modules",
    "Mutation.login",
    "Mutation.requestPasswordReset",
    "Mutation.resetPassword",
}


def test_every_root_field_and_mutation_declares_a_permission():
    # deny by default: a root field without a rule would be callable by anyone
    schema = schema_for(DUMMY)
    public = set()
    for root in ("Query", "Mutation"):
        definition = schema.get_type_by_name(root)
        for field in definition.fields:
            rules = [
                p
                for e in field.extensions
                for p in getattr(e, "permissions", [])
                if isinstance(p, PermissionRule)
            ]
            assert len(rules) == 1, f"{root}.{field.name} has no permission rule"
            if isinstance(rules[0], Public):
                public.add(f"{root}.{NAMES.from_field(field)}")
    # Public fields are deliberate: anything new here needs a security review.
    assert public == PUBLIC_FIELDS, f"unreviewed public fields: {sorted(public - PUBLIC_FIELDS)}"


def test_every_type_field_argument_and_enum_value_is_described():
    schema = schema_for(DUMMY)._schema
    missing = []
    for name, graphql_type in schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        if not graphql_type.description:
            missing.append(name)
        if isinstance(
            graphql_type, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType
        ):
            for field_name, field in graphql_type.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    if not arg.description:
                        missing.append(f"{name}.{field_name}({arg_name})")
        if isinstance(graphql_type, GraphQLEnumType):
            missing.extend(
                f"{name}.{v}" for v, value in graphql_type.values.items() if not value.description
            )
    assert missing == []


CODE_DEFINED_ENUMS = {
    "ErrorCode",
    "TimeBucket",
    "DemandGrouping",
    "DemandNature",
    "ConditionRanking",
    "IntentionDue",
    "IntentionStatus",
    "ServiceState",
    "StandardKind",
    "TimelineKind",
    "LetterFormat",
    # merging: what a merge did to a reference, and why an un-merge waits
    "MergeChangeAction",
    "MergeChangeProblem",
    # customer_interactions: who started a contact, value or failure, rule targets
    "CustomerInteractionsDirection",
    "CustomerInteractionsNature",
    "CustomerInteractionsTargetKind",
    "CustomerInteractionsChoice",
    # gas_electric: which homes a drill-down list holds (the measures' rows name them)
    "GasElectricHomeStatus",
    # member_portal: the export's file format
    "MemberPortalExportFormat",
}


def test_lookup_values_are_object_types_not_enums():
    schema = schema_for(DUMMY)._schema
    enums = {
        n
        for n, t in schema.type_map.items()
        if isinstance(t, GraphQLEnumType) and not n.startswith("__")
    }
    # Enums only for sets fixed in code; anything a council configures is an object type.
    assert enums == CODE_DEFINED_ENUMS
