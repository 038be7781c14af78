"""Core registers its own features through the same hooks as every module."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pdms_core.auth.actor import ANONYMOUS, DEVELOPER, Actor
from pdms_core.auth.lookups import AUTH_LOOKUP_SETS
from pdms_core.auth.permission_codes import AUTH_PERMISSIONS
from pdms_core.cases.lookups import PROBLEM_LOOKUP_SETS
from pdms_core.documents.lookups import (
    DOCUMENT_LOOKUP_SETS,
    DOCUMENT_PERMISSIONS,
    core_document_holders,
)
from pdms_core.hookspecs import hookimpl
from pdms_core.measures.catalogue import CORE_MEASURES
from pdms_core.merging.spec import PersonReference
from pdms_core.people.lookups import PEOPLE_LOOKUP_SETS
from pdms_core.records import (
    CORE,
    DocumentHolder,
    GraphQLContribution,
    LetterPurpose,
    LookupSetSpec,
    MeasureSpec,
    Permission,
    PluginManifest,
)
from pdms_core.settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations" / "versions"


@hookimpl
def pdms_plugin_manifest() -> PluginManifest:
    return PluginManifest(
        name=CORE,
        label="PDMS core",
        description="People, places and problems, shared by every module.",
        models_module="pdms_core.models",
        migrations_dir=MIGRATIONS,
    )


@hookimpl
def pdms_graphql() -> GraphQLContribution:
    # Imported here, not at the top: the host loads this module for every CLI command,
    # and only serving and schema export need strawberry and core's GraphQL types.
    from pdms_core.core_graphql import CoreMutation, CoreQuery

    return GraphQLContribution(query=CoreQuery, mutation=CoreMutation)


@hookimpl
def pdms_permissions() -> list[Permission]:
    return [
        Permission("core.lookups.read", "See configurable lists and their values."),
        Permission("core.lookups.manage", "Add, rename, reorder and deactivate list values."),
        Permission(
            "core.people.read",
            "See people, their contact details, references, addresses and relationships.",
        ),
        Permission("core.people.write", "Create, edit and archive people and their records."),
        Permission(
            "core.people.review_duplicates",
            "See the pairs of people proposed as duplicates, with the model's explanation, "
            "and decide which are not duplicates.",
        ),
        Permission(
            "core.people.merge",
            "Merge duplicate people into one and undo such merges; see merge snapshots.",
        ),
        Permission("core.places.read", "See places and their addresses."),
        Permission(
            "core.places.write",
            "Make and edit places the gazetteer does not know yet, and match them to UPRNs.",
        ),
        Permission("core.staff.read", "See staff users and teams."),
        Permission(
            "core.cases.read",
            "See cases with their parties, demands, activities, intentions and timelines.",
        ),
        Permission(
            "core.cases.write",
            "Open, edit and close cases; record demands, activities and intentions.",
        ),
        Permission("core.conditions.read", "See system conditions and what they affected."),
        Permission("core.conditions.write", "Raise, edit, link and resolve system conditions."),
        Permission(
            "core.standards.manage", "Set the service standards of demand and intention types."
        ),
        Permission("core.measures.read", "See the strategic measures and saved snapshots."),
        Permission("core.measures.snapshot", "Save measure snapshots."),
        Permission(
            "core.letter_template.read",
            "See letter templates, the letter purposes and their merge fields.",
        ),
        Permission(
            "core.letter_template.manage",
            "Upload, replace, deactivate and reactivate the council's letter templates.",
        ),
        Permission(
            "core.letter.generate",
            "Generate letters from templates for records one may read; each is stored as "
            "a document on the record.",
        ),
        *AUTH_PERMISSIONS,
        *DOCUMENT_PERMISSIONS,
    ]


@hookimpl
def pdms_lookup_sets() -> list[LookupSetSpec]:
    return [*PEOPLE_LOOKUP_SETS, *PROBLEM_LOOKUP_SETS, *AUTH_LOOKUP_SETS, *DOCUMENT_LOOKUP_SETS]


@hookimpl
def pdms_measures() -> list[MeasureSpec]:
    return list(CORE_MEASURES)


@hookimpl
def pdms_document_holders() -> list[DocumentHolder]:
    return core_document_holders()


@hookimpl
def pdms_person_references() -> list[PersonReference]:
    from pdms_core.merging.core_references import CORE_PERSON_REFERENCES

    return list(CORE_PERSON_REFERENCES)


@hookimpl
def pdms_letter_purposes() -> list[LetterPurpose]:
    from pdms_core.letters.purposes import CORE_LETTER_PURPOSES

    return list(CORE_LETTER_PURPOSES)


@hookimpl(trylast=True)
def pdms_actor_from_request(request: Any, settings: Settings) -> Actor:
    # Reached only when the request carries no session or API key (those are resolved
    # first, in the app). A debug server started with PDMS_DEV_SUPERUSER (``make run``)
    # then acts as an all-permissions developer so GraphiQL is usable; production
    # always answers "anonymous".
    if settings.debug and settings.dev_superuser:
        return DEVELOPER
    return ANONYMOUS
