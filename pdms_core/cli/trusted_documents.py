"""``pdms trusted-documents``: register the GraphQL documents a front end may send by hash.

See docs/trusted_documents.md. Registration checks every document against the schema
of the enabled plugins and stores all of them or none.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pdms_core.cli.context import CliState, pass_state

if TYPE_CHECKING:
    from pdms_core.db.engine import Database


@click.group()
def trusted_documents() -> None:
    """Trusted documents (persisted queries): register, list, remove."""


@trusted_documents.command()
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--client", help="The front end or app the documents belong to.")
@pass_state
def register(state: CliState, files: tuple[Path, ...], client: str | None) -> None:
    """Register the documents in FILES: .graphql files (one document each) and JSON
    manifests {"<sha256>": "<document>"} (GraphQL Codegen, Relay). Nothing is
    registered unless every document is valid."""
    from pdms_core.trusted_documents import services

    candidates, problems = [], []
    for path in files:
        found, unreadable = services.read_candidates(path)
        candidates.extend(found)
        problems.extend(unreadable)
    schema, rules = _validation(state)
    for candidate in candidates:
        problems.extend(
            f"{candidate.source}: {problem}"
            for problem in services.document_problems(schema, candidate.text, rules)
        )
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        raise click.ClickException(
            f"{len(problems)} problem(s) in {len(files)} file(s); nothing was registered"
        )

    from pdms_core.cli_support import run_command

    # audited like the API's changes: who changed what the server will accept
    done = run_command(
        lambda session: services.register(session, candidates, client),
        audit="registerTrustedDocuments",
    )
    for sha in done.added:
        click.echo(f"registered sha256:{sha}")
    for sha in done.existing:
        click.echo(f"already registered sha256:{sha}")
    click.echo(f"{len(done.added)} registered, {len(done.existing)} already registered.")


@trusted_documents.command("list")
@pass_state
def list_(state: CliState) -> None:
    """Every registered document: hash, client, registration time, first line."""
    from pdms_core.trusted_documents import services

    async def work(database: Database) -> list[Any]:
        async with database.sessionmaker() as session:
            return await services.list_documents(session)

    for row in state.run_with_database(work):
        first_line = next((line for line in row.document.splitlines() if line.strip()), "")
        when = row.registered_at.isoformat(timespec="seconds") if row.registered_at else ""
        click.echo(f"sha256:{row.sha256}\t{row.client_name or '-'}\t{when}\t{first_line[:60]}")


@trusted_documents.command()
@click.argument("sha256")
def remove(sha256: str) -> None:
    """Remove the document registered under SHA256 (hex, or sha256:<hex>)."""
    from pdms_core.trusted_documents import services

    sha = services.normalised_hash(sha256)
    if sha is None:
        raise click.ClickException("give the hash as 64 hex digits, or sha256:<hex>")

    from pdms_core.cli_support import run_command

    removed = run_command(
        lambda session: services.remove(session, sha), audit="removeTrustedDocument"
    )
    if removed.document is None:
        raise click.ClickException(f"no document is registered as sha256:{sha}")
    click.echo(f"removed sha256:{sha}")


def _validation(state: CliState) -> tuple[Any, list[Any]]:
    """The graphql-core schema of the enabled plugins and the document rules the
    server applies beside the specification's (depth and aliases)."""
    from pdms_core.graphql.compat import graphql_schema
    from pdms_core.graphql.document_rules import document_limits
    from pdms_core.graphql.schema import MAX_ALIASES, MAX_QUERY_DEPTH, build_schema

    schema = graphql_schema(build_schema(state.host))
    return schema, [document_limits(max_depth=MAX_QUERY_DEPTH, max_aliases=MAX_ALIASES)]
