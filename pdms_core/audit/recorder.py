"""Collecting a request's audit events and writing them in one batch.

Person reads are noted where every path to a person passes anyway: when graphql-core
completes a value of the ``Person`` type it asks the type's ``is_type_of`` (see
``PersonNode``), whichever field returned the row (``person``, ``people``, ``node``,
``Relationship.related``, ``PersonAddress.person``, ``Place.residents`` ...). That
costs one set insertion per person and no per-field middleware. A mutation built on
``run_mutation`` that succeeds writes its row inside its own transaction
(:func:`record_change`), so the change and its record commit together. Rejected
ones note their outcome there too; any mutation that did not (denied before its
resolver ran, or not built on ``run_mutation``) is still recorded from the document.
After the operation, one INSERT writes the request's other rows.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from graphql import FieldNode, OperationDefinitionNode, OperationType
from graphql.utilities import value_from_ast_untyped
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay
from strawberry.extensions import SchemaExtension

from pdms_core.audit.models import AuditEvent
from pdms_core.auth.tokens import now


@dataclass
class MutationNote:
    outcome: str
    target_type: str | None = None
    target_id: str | None = None
    #: Already written inside the mutation's own transaction.
    written: bool = False


@dataclass
class AuditCollector:
    """What one request did that the audit trail must show."""

    person_reads: set[int] = field(default_factory=set)
    mutations: dict[str, MutationNote] = field(default_factory=dict)

    def note_mutation(
        self, response_key: str, outcome: str, target: Any = None, *, written: bool = False
    ) -> MutationNote:
        target = getattr(target, "audit_target", target)
        target_type = target_id = None
        if target is not None and getattr(target, "id", None) is not None:
            target_type, target_id = type(target).__name__, str(target.id)
        note = self.mutations[response_key] = MutationNote(outcome, target_type, target_id, written)
        return note

    def forget_mutation(self, response_key: str) -> None:
        self.mutations.pop(response_key, None)


async def record_change(
    session: AsyncSession, context: Any, action: str, response_key: str, target: Any
) -> None:
    """Write a successful mutation's audit row in the mutation's own transaction.

    The change and its record commit together or not at all; the after-operation
    batch then skips this mutation.
    """
    note = context.audit.note_mutation(response_key, "ok", target, written=True)
    row = {**_stamp(context), "action": action, "outcome": "ok"}
    row.update(target_type=note.target_type, target_id=note.target_id)
    await session.execute(insert(AuditEvent), [row])


def _stamp(context: Any) -> dict[str, Any]:
    actor = context.actor
    return {
        "at": now(),
        "actor_kind": actor.kind.value,
        "actor_id": actor.id,
        "ip": context.client_ip,
    }


#: Every column an audit row fills (``id`` is the database's), null unless given.
_EMPTY_ROW = dict.fromkeys(c.name for c in AuditEvent.__table__.columns if not c.primary_key)


class AuditTrail(SchemaExtension):
    """Writes the request's audit rows once the operation has finished."""

    async def on_operation(self) -> AsyncIterator[None]:  # type: ignore[override]
        yield
        context = self.execution_context.context
        collector = getattr(context, "audit", None)
        if collector is None:
            return
        rows = [*self._mutation_rows(collector), *self._read_rows(collector)]
        rows = [self._signed_in_as(row) for row in rows]
        if not rows:
            return
        stamp = _stamp(context)
        values = [{**_EMPTY_ROW, **stamp, **row} for row in rows]
        # Core, not the ORM: one executemany of plain rows, without a session's
        # bookkeeping; every row names every column, as an executemany must.
        async with context.database.engine.begin() as connection:
            await connection.execute(insert(AuditEvent.__table__), values)

    @staticmethod
    def _signed_in_as(row: dict[str, Any]) -> dict[str, Any]:
        # A successful sign-in is the user's act, though the request was anonymous.
        if row["action"] == "login" and row["outcome"] == "ok" and row["target_id"]:
            return {**row, "actor_kind": "user", "actor_id": f"user:{row['target_id']}"}
        return row

    def _read_rows(self, collector: AuditCollector) -> list[dict[str, Any]]:
        return [
            {"action": "read", "outcome": "ok", "target_type": "Person", "target_id": str(pid)}
            for pid in sorted(collector.person_reads)
        ]

    def _mutation_rows(self, collector: AuditCollector) -> list[dict[str, Any]]:
        operation = _operation(self.execution_context)
        if operation is None or operation.operation is not OperationType.MUTATION:
            return []
        result = self.execution_context.result
        errors = list(getattr(result, "errors", None) or [])
        variables = self.execution_context.variables or {}
        rows = []
        for node in operation.selection_set.selections:
            if not isinstance(node, FieldNode):
                continue
            key = node.alias.value if node.alias else node.name.value
            note = collector.mutations.get(key) or MutationNote(
                _outcome_from_errors(errors, key), *_target_from_arguments(node, variables)
            )
            if note.written:
                continue
            rows.append(
                {
                    "action": node.name.value,
                    "outcome": note.outcome,
                    "target_type": note.target_type,
                    "target_id": note.target_id,
                }
            )
        return rows


def _operation(execution_context: Any) -> OperationDefinitionNode | None:
    document = execution_context.graphql_document
    if document is None:
        return None
    name = execution_context.operation_name
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and (
            name is None or (definition.name and definition.name.value == name)
        ):
            return definition
    return None


def _outcome_from_errors(errors: list[Any], key: str) -> str:
    for error in errors:
        if error.path and error.path[0] == key:
            code = (error.extensions or {}).get("code")
            return "denied" if code == "PERMISSION_DENIED" else "error"
    return "not_run" if errors else "ok"


def _target_from_arguments(node: FieldNode, variables: dict[str, Any]) -> tuple[str | None, ...]:
    """The first global ID among the arguments: IDs name records, never their values."""
    stack = [
        (arg.name.value, value_from_ast_untyped(arg.value, variables))
        for arg in node.arguments or ()
    ]
    while stack:
        name, value = stack.pop(0)
        if isinstance(value, dict):
            stack.extend(value.items())
        elif isinstance(value, str) and (name == "id" or name.endswith("Id")):
            try:
                gid = relay.GlobalID.from_id(value)
            except relay.GlobalIDValueError:
                continue
            return gid.type_name, gid.node_id[:60]
    return None, None
