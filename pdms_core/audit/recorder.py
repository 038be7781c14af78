"""Collecting a request's audit events and writing them in one batch.

Reads of personal data are noted where every answer is built: the read guard
(``graphql/type_guards.py``) notes each object of a type marked ``personal_data``
(people, and modules' types such as a rent account) as the executor places it in the
answer, whichever field returned it (``person``, ``people``, ``node``,
``Relationship.related``, ``Place.moduleRecords`` ...). That costs one set insertion
per record and no per-field middleware. A mutation built on ``run_mutation`` that
succeeds writes its row inside its own transaction (:func:`record_change`), so the
change and its record commit together. Rejected ones note their outcome there too;
any mutation that did not (denied before its resolver ran, or not built on
``run_mutation``) is still recorded, from the root fields the executor ran
(:class:`RootFieldsNoted`): fragments on ``Mutation`` resolved, as executed. After the
operation, the request's other rows go to the database's audit writer
(``audit/writer.py``), which writes the rows of concurrent requests in one INSERT and
one transaction (group commit); the answer waits for that commit, and is an error if
it fails.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
)
from graphql.utilities import value_from_ast_untyped
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay
from strawberry.extensions import SchemaExtension

from pdms_core.audit.models import AuditEvent
from pdms_core.audit.targets import audit_target
from pdms_core.audit.writer import AuditWriteFailed, audit_writer
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

    #: (type name, record id) of every personal record the answer carries.
    reads: set[tuple[str, Any]] = field(default_factory=set)
    mutations: dict[str, MutationNote] = field(default_factory=dict)
    #: The root fields of a mutation the executor ran, as (response key, field node);
    #: None until it runs one (see :class:`RootFieldsNoted`).
    root_fields: list[tuple[str, FieldNode]] | None = None

    def note_read(self, type_name: str, record_id: Any) -> None:
        self.reads.add((type_name, record_id))

    def signed_in_user_id(self) -> str | None:
        """The id of the staff user this request signed in as (a successful ``login``)."""
        for key, node in self.root_fields or ():
            note = self.mutations.get(key)
            if node.name.value == "login" and note is not None and note.outcome == "ok":
                return note.target_id
        return None

    def note_mutation(
        self, response_key: str, outcome: str, target: Any = None, *, written: bool = False
    ) -> MutationNote:
        target_type, target_id = audit_target(target)
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
    """Writes the request's audit rows once the operation has finished, and holds the
    answer until they have committed."""

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
        # Plain rows for one executemany shared with concurrent requests (group
        # commit); every row names every column, as an executemany must. The answer
        # waits for the commit: a failure raises here and fails the request.
        values = [{**_EMPTY_ROW, **stamp, **row} for row in rows]
        try:
            await audit_writer(context.database).write(values)
        except AuditWriteFailed as failure:
            if not getattr(context.settings, "debug", False):
                raise  # masked by ExtensionFailures: "Unexpected error.", INTERNAL
            # A developer sees the driver's words; production never builds them.
            raise AuditWriteFailed(f"audit rows not stored: {failure.__cause__}") from failure

    @staticmethod
    def _signed_in_as(row: dict[str, Any]) -> dict[str, Any]:
        # A successful sign-in is the user's act, though the request was anonymous.
        if row["action"] == "login" and row["outcome"] == "ok" and row["target_id"]:
            return {**row, "actor_kind": "user", "actor_id": f"user:{row['target_id']}"}
        return row

    def _read_rows(self, collector: AuditCollector) -> list[dict[str, Any]]:
        return [
            {"action": "read", "outcome": "ok", "target_type": kind, "target_id": str(rid)}
            for kind, rid in sorted(collector.reads, key=lambda read: (read[0], str(read[1])))
        ]

    def _mutation_rows(self, collector: AuditCollector) -> list[dict[str, Any]]:
        operation = _operation(self.execution_context)
        if operation is None or operation.operation is not OperationType.MUTATION:
            return []
        result = self.execution_context.result
        errors = list(getattr(result, "errors", None) or [])
        variables = self.execution_context.variables or {}
        root_fields = collector.root_fields
        if root_fields is None:  # refused before execution: every field it names
            root_fields = _written_root_fields(operation, self.execution_context.graphql_document)
        rows = []
        for key, node in root_fields:
            note = collector.mutations.get(key) or MutationNote(_outcome_from_errors(errors, key))
            if note.written:
                continue
            target = (note.target_type, note.target_id)
            if target[0] is None:  # refused or rejected: the record it was aimed at
                target = _target_from_arguments(node, variables)
            rows.append(
                {
                    "action": node.name.value,
                    "outcome": note.outcome,
                    "target_type": target[0],
                    "target_id": target[1],
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


def _written_root_fields(operation: Any, document: Any) -> list[tuple[str, FieldNode]]:
    """The root fields a document names, through inline fragments and fragment spreads
    (directives not evaluated), for an operation that never reached the executor."""
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if not isinstance(definition, OperationDefinitionNode)
    }
    found: dict[str, FieldNode] = {}
    pending, seen = deque([operation.selection_set]), set()
    while pending:
        for node in pending.popleft().selections:
            if isinstance(node, FieldNode):
                found.setdefault(node.alias.value if node.alias else node.name.value, node)
            elif isinstance(node, InlineFragmentNode):
                pending.append(node.selection_set)
            elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
                seen.add(node.name.value)
                fragment = fragments.get(node.name.value)
                if fragment is not None:
                    pending.append(fragment.selection_set)
    return list(found.items())


class RootFieldsNoted:
    """Execution-context mixin: tells the request's audit collector which root fields of
    a mutation the executor runs, with fragments resolved and ``@skip``/``@include``
    applied, exactly as it runs them. Auditing the document's top-level selections
    instead let a mutation written inside a fragment on ``Mutation`` leave no row."""

    def execute_collected_root_fields(
        self,
        root_type: Any,
        root_value: Any,
        grouped_field_set: Any,
        serially: bool,
        new_defer_usages: Any,
    ) -> Any:
        audit = getattr(self.context_value, "audit", None)  # type: ignore[attr-defined]
        if audit is not None and self.operation.operation is OperationType.MUTATION:  # type: ignore[attr-defined]
            audit.root_fields = [
                (key, details[0].node) for key, details in grouped_field_set.items()
            ]
        return super().execute_collected_root_fields(  # type: ignore[misc]
            root_type, root_value, grouped_field_set, serially, new_defer_usages
        )


def _outcome_from_errors(errors: list[Any], key: str) -> str:
    for error in errors:
        if error.path and error.path[0] == key:
            code = (error.extensions or {}).get("code")
            return "denied" if code == "PERMISSION_DENIED" else "error"
    return "not_run" if errors else "ok"


def _target_from_arguments(node: FieldNode, variables: dict[str, Any]) -> tuple[str | None, ...]:
    """The first global ID among the arguments: IDs name records, never their values."""
    # breadth first, so a top-level ID wins; a deque, since wide inputs (90,000 keys
    # in an anonymous megabyte) made list.pop(0) quadratic
    stack = deque(
        (arg.name.value, value_from_ast_untyped(arg.value, variables))
        for arg in node.arguments or ()
    )
    while stack:
        name, value = stack.popleft()
        if isinstance(value, dict):
            stack.extend(value.items())
        elif isinstance(value, str) and (name == "id" or name.endswith("Id")):
            try:
                gid = relay.GlobalID.from_id(value)
            except relay.GlobalIDValueError:
                continue
            # The caller wrote the ID: a name no type could have (too long for the
            # column, a NUL) would fail the row, and with it the batch it shares.
            if not (gid.type_name.isidentifier() and len(gid.type_name) <= 60):
                return None, gid.node_id[:60]
            return gid.type_name, gid.node_id[:60]
    return None, None
