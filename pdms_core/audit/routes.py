"""Audit rows for requests outside GraphQL: documents' links, downloads and purges, and
modules' own routes (such as Open311's POSTs).

Rows from requests go through the database's group writer (``audit/writer.py``), like
the rows a GraphQL request writes after its operation: the answer waits until they
have committed, and fails if they could not be. Modules reach this as
``pdms_core.plugin.audit_request``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pdms_core.audit.models import AuditEvent
from pdms_core.audit.writer import audit_writer
from pdms_core.auth.actor import Actor
from pdms_core.auth.tokens import now

_COLUMNS = [c.name for c in AuditEvent.__table__.columns if not c.primary_key]


def audit_rows(
    actor: Actor, ip: str | None, action: str, outcome: str, targets: Sequence[tuple[str, str]]
) -> list[dict[str, Any]]:
    """One row per target, each naming every column (as the group writer needs); one
    row naming no record when there are no targets (a request refused before it found
    one)."""
    stamp = {
        "at": now(),
        "actor_kind": actor.kind.value,
        "actor_id": actor.id[:100] if actor.id else None,
        "ip": ip,
        "action": action,
        "outcome": outcome,
    }
    if not targets:
        return [{**dict.fromkeys(_COLUMNS), **stamp}]
    rows = []
    for target_type, target_id in targets:
        row = {**dict.fromkeys(_COLUMNS), **stamp}
        row.update(target_type=target_type[:60], target_id=target_id[:60])
        rows.append(row)
    return rows


async def audit_request(
    database: Any,
    actor: Actor,
    ip: str | None,
    action: str,
    outcome: str,
    targets: Sequence[tuple[str, str]] = (),
) -> None:
    """Write the rows through the group writer; return once they have committed."""
    await audit_writer(database).write(audit_rows(actor, ip, action, outcome, targets))
