"""What an audit row names as the record a change touched.

Kept apart from the recorder (which imports GraphQL) so that audited CLI commands
(``cli_support.run_command``) do not import the GraphQL stack to name a record.
"""

from __future__ import annotations

from typing import Any


def audit_target(value: Any) -> tuple[str | None, str | None]:
    """(record type, id) an audit row names for what a change returned: its
    ``audit_target`` when it has one (an import's report), else the value itself."""
    target = getattr(value, "audit_target", value)
    if target is None or getattr(target, "id", None) is None:
        return None, None
    return type(target).__name__, str(target.id)
