"""The audit trail: every mutation (however the document is written) and every read of
a person, on every path."""

from __future__ import annotations

from sqlalchemy import select

from pdms_core.audit.models import AuditEvent
from pdms_core.graphql.node import global_id
from pdms_core.lookups.models import LookupValue
from pdms_core.people.models import Person, PersonAddress, Relationship
from pdms_core.places.models import Place
from security.conftest import bearer

READ_PATHS = {
    "person": "query($p: ID!) { person(id: $p) { forenames } }",
    "node": "query($p: ID!) { node(id: $p) { ... on Person { forenames } } }",
    "nodes": "query($p: ID!) { nodes(ids: [$p]) { ... on Person { forenames } } }",
    "people": '{ people(search: {name: "Quinn"}) { edges { node { forenames } } } }',
    "related": "query($q: ID!) { person(id: $q) { relationships { related { forenames } } } }",
    "residents": "query($pl: ID!) { node(id: $pl) { ... on Place { "
    "residents { person { id } } } } }",
}
UPDATE = """mutation($i: ID!) { updatePerson(person: {id: $i, expectedVersion: 1},
  input: {notes: "a sensitive note"}) { errors { code } } }"""
HISTORY = """query($p: ID!) { auditEvents(filter: {personId: $p}) {
  edges { node { action outcome actorId actorKind targetType targetId ip } } } }"""
READER = ("core.people.read", "core.people.write", "core.places.read")


async def _household(database) -> tuple[int, int, int]:
    async with database.sessionmaker() as session, session.begin():
        lookups = {(v.code): v.id for v in await session.scalars(select(LookupValue))}
        place = Place(uprn=990001, single_line_address="1 Audit Row", postcode="ZZ9 9ZZ")
        quinn = Person(forenames="Quinn", surname="Fictional", notes="")
        robin = Person(forenames="Robin", surname="Fictional", notes="")
        session.add_all([place, quinn, robin])
        await session.flush()
        session.add(PersonAddress(person_id=quinn.id, place_id=place.id, role_id=lookups["home"]))
        session.add(
            Relationship(person_id=robin.id, related_person_id=quinn.id, type_id=lookups["parent"])
        )
        return quinn.id, robin.id, place.id


async def _reads(database) -> list[tuple[str, str | None]]:
    async with database.sessionmaker() as session:
        rows = await session.execute(
            select(AuditEvent.action, AuditEvent.target_id)
            .where(AuditEvent.action == "read")
            .order_by(AuditEvent.id)
        )
        return list(rows)


async def test_every_path_to_a_person_leaves_a_read_row(staff_users, graphql):
    quinn, robin, place = await _household(staff_users.database)
    token = await staff_users.token("auditor@council.invalid", *READER)
    variables = {
        "p": global_id("Person", quinn),
        "q": global_id("Person", robin),
        "pl": global_id("Place", place),
    }
    for name, document in READ_PATHS.items():
        before = len(await _reads(staff_users.database))
        result = await graphql.execute(document, variables, headers=bearer(token))
        assert result.ok(), name
        reads = await _reads(staff_users.database)
        assert ("read", str(quinn)) in reads[before:], name


async def test_mutations_are_recorded_without_the_values(staff_users, graphql):
    quinn, _, _ = await _household(staff_users.database)
    token = await staff_users.token("editor@council.invalid", *READER)
    result = await graphql.execute(UPDATE, {"i": global_id("Person", quinn)}, headers=bearer(token))
    assert result.ok()["updatePerson"]["errors"] == []
    async with staff_users.database.sessionmaker() as session:
        events = list(await session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    actions = [(e.action, e.outcome, e.target_type, e.target_id) for e in events]
    assert ("login", "ok", "StaffUser", actions[0][3]) == actions[0]
    assert ("updatePerson", "ok", "Person", str(quinn)) in actions
    for event in events:
        assert "sensitive" not in repr(vars(event))
        assert event.ip


async def test_each_change_has_exactly_one_row_written_with_it(staff_users, graphql):
    # A successful mutation writes its row inside its own transaction; the batch
    # written after the operation must not add a second one. Aliases keep the action.
    quinn, other, _ = await _household(staff_users.database)
    token = await staff_users.token("batch@council.invalid", *READER)
    both = """mutation($a: ID!, $b: ID!) {
      first: updatePerson(person: {id: $a, expectedVersion: 1}, input: {notes: "x"}) {
        errors { code } }
      second: updatePerson(person: {id: $b, expectedVersion: 1}, input: {notes: "y"}) {
        errors { code } } }"""
    ids = {"a": global_id("Person", quinn), "b": global_id("Person", other)}
    result = await graphql.execute(both, ids, headers=bearer(token))
    assert result.ok() == {"first": {"errors": []}, "second": {"errors": []}}
    async with staff_users.database.sessionmaker() as session:
        rows = (
            await session.execute(
                select(AuditEvent.target_id).where(AuditEvent.action == "updatePerson")
            )
        ).all()
    assert sorted(r.target_id for r in rows) == sorted([str(quinn), str(other)])


async def test_denied_and_rejected_mutations_are_recorded_too(staff_users, graphql):
    quinn, _, _ = await _household(staff_users.database)
    token = await staff_users.token("viewer@council.invalid", "core.people.read")
    denied = await graphql.execute(UPDATE, {"i": global_id("Person", quinn)}, headers=bearer(token))
    assert denied.error_codes() == ["PERMISSION_DENIED"]
    async with staff_users.database.sessionmaker() as session:
        row = await session.scalar(select(AuditEvent).where(AuditEvent.action == "updatePerson"))
    assert (row.outcome, row.target_type, row.target_id) == ("denied", "Person", str(quinn))


async def test_a_persons_access_history_is_one_query(staff_users, graphql):
    quinn, _, _ = await _household(staff_users.database)
    reader = await staff_users.token("reader@council.invalid", *READER)
    admin = await staff_users.token("dpo@council.invalid", "core.audit.read")
    person = global_id("Person", quinn)
    await graphql.execute(READ_PATHS["person"], {"p": person}, headers=bearer(reader))
    await graphql.execute(UPDATE, {"i": person}, headers=bearer(reader))
    history = await graphql.execute(HISTORY, {"p": person}, headers=bearer(admin))
    events = [e["node"] for e in history.ok()["auditEvents"]["edges"]]
    assert [(e["action"], e["actorKind"]) for e in events] == [
        ("read", "user"),
        ("updatePerson", "user"),
    ]
    by_actor = await graphql.execute(
        "query($a: String!) { auditEvents(filter: {actorId: $a}) { edges { node { action } } } }",
        {"a": events[0]["actorId"]},
        headers=bearer(admin),
    )
    assert len(by_actor.ok()["auditEvents"]["edges"]) == 3  # login + the two above
    # and a reader without core.audit.read sees no audit trail
    assert (await graphql.execute(HISTORY, {"p": person}, headers=bearer(reader))).data is None


async def test_a_request_writes_its_read_rows_in_one_statement(
    staff_users, graphql, sql_statements
):
    quinn, robin, _ = await _household(staff_users.database)
    token = await staff_users.token("batch@council.invalid", *READER)
    sql_statements.reset()
    await graphql.execute(
        "query($p: ID!, $q: ID!) { nodes(ids: [$p, $q]) { id } }",
        {"p": global_id("Person", quinn), "q": global_id("Person", robin)},
        headers=bearer(token),
    )
    inserts = [s for s in sql_statements.statements if "INSERT INTO audit_event" in s]
    assert len(inserts) == 1
    assert len(await _reads(staff_users.database)) == 2


CHANGE = """updatePerson(person: {id: $i, expectedVersion: $v}, input: {notes: "x"}) {
  errors { code } }"""
IN_FRAGMENTS = {
    "inline": f"mutation($i: ID!, $v: Int!) {{ ... on Mutation {{ {CHANGE} }} }}",
    "named": f"""mutation($i: ID!, $v: Int!) {{ ...Change }}
      fragment Change on Mutation {{ {CHANGE} }}""",
    "nested": f"""mutation($i: ID!, $v: Int!) {{ ... on Mutation {{ ...Change }} }}
      fragment Change on Mutation {{ ... {{ {CHANGE} }} }}""",
}


async def test_mutations_inside_fragments_on_mutation_are_recorded_too(staff_users, graphql):
    # The trail follows the root fields the executor ran, not the document's top-level
    # selections: a fragment on Mutation is no way around it.
    quinn, _, _ = await _household(staff_users.database)
    viewer = await staff_users.token("looker@council.invalid", "core.people.read")
    editor = await staff_users.token("changer@council.invalid", *READER)
    person = global_id("Person", quinn)
    for shape, document in IN_FRAGMENTS.items():
        denied = await graphql.execute(document, {"i": person, "v": 1}, headers=bearer(viewer))
        assert denied.error_codes() == ["PERMISSION_DENIED"], shape
        stale = await graphql.execute(document, {"i": person, "v": 99}, headers=bearer(editor))
        assert stale.ok()["updatePerson"]["errors"] == [{"code": "CONFLICT"}], shape
    # a document refused before it runs (here: a field Mutation does not have) is still
    # recorded, every field it names, through its fragments
    invalid = IN_FRAGMENTS["named"].replace("errors { code }", "errors { code } nonsense")
    refused = await graphql.execute(invalid, {"i": person, "v": 1}, headers=bearer(editor))
    assert refused.data is None and refused.errors
    async with staff_users.database.sessionmaker() as session:
        rows = await session.execute(
            select(AuditEvent.outcome, AuditEvent.target_type, AuditEvent.target_id)
            .where(AuditEvent.action == "updatePerson")
            .order_by(AuditEvent.id)
        )
        recorded = [tuple(row) for row in rows]
    expected = [("denied", "Person", str(quinn)), ("rejected", "Person", str(quinn))]
    assert recorded == [*expected * len(IN_FRAGMENTS), ("not_run", "Person", str(quinn))]
