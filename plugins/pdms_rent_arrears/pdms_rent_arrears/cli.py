"""``pdms rent_arrears ...``: import, preview and overview from the command line.

Commands run on the CLI's configured database (``run_command``) and call
the same services as the API, so an import from a file behaves exactly like an upload.
The services, importer and checks are imported inside the commands: ``pdms --help``
and ``pdms rent_arrears --help`` load this module and should not pay for them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from pdms_core.plugin import SYSTEM, ValidationFailed, run_command


def _settings() -> Any:
    state = click.get_current_context().find_root().obj
    return state.host.plugin("rent_arrears").settings


def _echo_errors(errors: Any) -> None:
    for e in errors:
        click.echo(f"row {e.row}, {e.column or '-'}: {e.reason}", err=True)


def _echo_checked(checked: Any) -> None:
    """What an officer needs beside the row errors: the header row (and, when none names
    the required columns, the rows as read), new patches and warnings."""
    if checked is None:
        return
    if not checked.header_found:
        click.echo("no header row found; the first rows as read:", err=True)
        for number, row in enumerate(checked.first_rows, start=1):
            click.echo(f"  {number}: " + " | ".join(row), err=True)
    if checked.new_patches:
        click.echo("new patches: " + ", ".join(checked.new_patches))
    for w in checked.warnings:
        click.echo(f"warning {w.code}: {w.message}", err=True)


@click.group("rent_arrears")
def group() -> None:
    """Rent arrears: weekly reports, overviews and caseloads."""


@group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--report-date", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--replace", is_flag=True, help="Replace that week's earlier import.")
def import_command(file: Path, report_date: Any, replace: bool) -> None:
    """Import FILE (.xlsx or .csv) as the report of --report-date: all rows or none."""
    from pdms_rent_arrears.importer import import_report

    content = file.read_bytes()

    async def work(session: Any) -> Any:
        return await import_report(
            session,
            SYSTEM,
            content=content,
            file_name=file.name,
            report_date=report_date.date(),
            replace=replace,
            max_bytes=_settings().max_upload_bytes,
            unknown_patches=_settings().unknown_patches,
        )

    # audited as the API's import is, under the same action name
    outcome = run_command(work, audit="rentArrearsImportReport")
    _echo_checked(outcome.checked)
    if outcome.errors:
        _echo_errors(outcome.errors)
        raise ValidationFailed(f"{len(outcome.errors)} problem(s); nothing was imported")
    click.echo(
        f"imported {outcome.report.row_count} accounts for {outcome.report.report_date} "
        f"({outcome.accounts_created} new, {outcome.unlinked} not linked to a person or place)"
    )


@group.command("preview")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--report-date", type=click.DateTime(["%Y-%m-%d"]), required=True)
def preview_command(file: Path, report_date: Any) -> None:
    """Show how FILE's columns match and what an import would refuse; imports nothing."""
    from pdms_rent_arrears.checks import check_report

    content = file.read_bytes()

    async def work(session: Any) -> Any:
        return await check_report(
            session,
            content=content,
            file_name=file.name,
            report_date=report_date.date(),
            max_bytes=_settings().max_upload_bytes,
            unknown_patches=_settings().unknown_patches,
        )

    checked = run_command(work)
    click.echo(f"header row: {checked.header_row}")
    for c in checked.columns:
        found = f"{c.header!r} ({c.source})" if c.header else "not found"
        click.echo(f"{c.label}: {found}{' [required]' if c.required else ''}")
    click.echo(f"{len(checked.rows)} rows pass the checks, {len(checked.errors)} problem(s)")
    _echo_errors(checked.errors)
    _echo_checked(checked)


@group.command("overview")
@click.option("--report-date", type=click.DateTime(["%Y-%m-%d"]), default=None)
def overview_command(report_date: Any) -> None:
    """Print one report week's figures by segment, band, officer and patch."""
    from pdms_rent_arrears import services

    day: date | None = report_date.date() if report_date else None

    async def work(session: Any) -> Any:
        return await services.overview(session, SYSTEM, day)

    value = run_command(work)
    click.echo(
        f"{value.report_date}: {value.accounts} accounts, {value.in_arrears} in arrears, "
        f"£{value.arrears_pence / 100:,.2f} owed"
    )
    for title, figures in (
        ("segment", value.by_segment),
        ("band", value.by_band),
        ("officer", value.by_officer),
        ("patch", value.by_patch),
    ):
        for f in figures:
            click.echo(f"{title}\t{f.label}\t{f.accounts}\t£{f.arrears_pence / 100:,.2f}")
