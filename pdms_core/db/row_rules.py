"""Row-level rules the per-request loaders apply whenever they read a model by id.

Modules register, per ORM model, a function of the caller giving the SQL condition
the caller's rows must meet (None: every row). ``node(id)``, ``case(id)`` and any
field that loads a record by id then return null for a row outside the caller's
reach, without each resolver having to remember the rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.sql.elements import ColumnElement

from pdms_core.auth.actor import Actor

RowRule = Callable[[Actor], ColumnElement[bool] | None]
#: A rule that depends on the permission the caller acts under (a write's own code).
ScopedRule = Callable[[Actor, str], ColumnElement[bool] | None]

_RULES: dict[Any, RowRule] = {}
_SCOPED: dict[Any, ScopedRule] = {}


def register_row_rule(model: Any, rule: RowRule) -> None:
    """Make every by-id or by-parent load of ``model`` meet ``rule(actor)``."""
    _RULES[model] = rule


def register_scoped_rule(model: Any, rule: ScopedRule) -> None:
    """Say which rows of ``model`` a permission granted within teams reaches:
    ``rule(actor, code)`` is the condition for ``actor`` acting under ``code`` (None:
    every row). Callers that change rows under a permission of their own (uploading a
    document to a case, say) check it with :func:`scoped_condition`."""
    _SCOPED[model] = rule


def scoped_condition(model: Any, actor: Actor, code: str) -> ColumnElement[bool] | None:
    """``model``'s condition for ``actor`` acting under ``code``; None when the model
    is not team-owned (no scoped rule) or the grant reaches every row."""
    rule = _SCOPED.get(model)
    return None if rule is None else rule(actor, code)


def row_condition(model: Any, actor: Actor | None) -> ColumnElement[bool] | None:
    """``model``'s condition for ``actor``; None when every row is in reach."""
    rule = _RULES.get(model)
    if rule is None or actor is None:
        return None
    return rule(actor)


def restrict(statement: Any, model: Any, actor: Actor | None) -> Any:
    """``statement`` narrowed by ``model``'s rule for ``actor`` (unchanged without one)."""
    condition = row_condition(model, actor)
    return statement if condition is None else statement.where(condition)
