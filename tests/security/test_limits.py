"""GraphQL abuse limits: each passes at N and fails at N+1."""

from __future__ import annotations

import os

import httpx
import pytest

from pdms_core.app import create_app
from pdms_core.db.cursors import encode_cursor
from pdms_core.graphql.cost import LIST_FACTOR
from pdms_core.graphql.limits import MAX_VARIABLE_DEPTH
from pdms_core.graphql.node import global_id
from pdms_core.graphql.schema import MAX_ALIASES, MAX_QUERY_DEPTH, MAX_TOKENS
from pdms_core.host import PluginHost
from pdms_core.testing.actors import staff
from pdms_core.testing.client import GraphQLClient

READER = staff("core.lookups.read", "core.people.read", "core.places.read")
REDIS_URL = os.environ.get("PDMS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _aliases(n: int) -> str:
    return "{ " + " ".join(f"a{i}: modules {{ name }}" for i in range(n)) + " }"


def _depth(n: int) -> str:
    # depth counts fields: relationships { related { ... } } nests two per step
    inner = "id"
    for _ in range((n - 1) // 2):
        inner = f"relationships {{ related {{ {inner} }} }}"
    if (n - 1) % 2:
        inner = f"relationships {{ id related {{ {inner} }} }}"
    return f"query($p: ID!) {{ person(id: $p) {{ {inner} }} }}"


def _cost_query(first: int) -> str:
    return f"{{ lookupSets(first: {first}) {{ edges {{ node {{ code values {{ code }} }} }} }} }}"


async def test_aliases_pass_at_the_limit_and_fail_above(graphql):
    assert (await graphql.execute(_aliases(MAX_ALIASES))).ok()
    over = await graphql.execute(_aliases(MAX_ALIASES + 1))
    assert over.data is None and "aliases" in over.errors[0]["message"]


async def test_depth_passes_at_the_limit_and_fails_above(graphql):
    reader = graphql.as_actor(READER)
    at = await reader.execute(_depth(MAX_QUERY_DEPTH), {"p": "UGVyc29uOjE="})
    assert not at.errors or "depth" not in at.errors[0]["message"]
    over = await reader.execute(_depth(MAX_QUERY_DEPTH + 1), {"p": "UGVyc29uOjE="})
    assert over.data is None and "depth" in over.errors[0]["message"]


async def test_tokens_pass_at_the_limit_and_fail_above(graphql):
    # `{ nodes(ids: [...]) { id } }` is 12 tokens (with end-of-file) plus one per string
    def document(tokens: int) -> str:
        return "{ nodes(ids: [" + " ".join(['"x"'] * (tokens - 12)) + "]) { id } }"

    at = await graphql.execute(document(MAX_TOKENS))
    assert "token" not in at.errors[0]["message"].lower()  # refused later, for its IDs
    over = await graphql.execute(document(MAX_TOKENS + 1))
    assert over.data is None and "token" in over.errors[0]["message"].lower()


async def test_query_cost_is_refused_before_execution_with_the_cost(
    pdms_db, pdms_host, pdms_test_actors
):
    # lookupSets(first: F) { edges { node { code values { code } } } }:
    # 1 + F * (edges 1 + node 1 + code 1 + values 1 + LIST_FACTOR * code 1)
    per_item = 4 + LIST_FACTOR
    limit = 1 + per_item * 50
    host = _host(pdms_host, max_query_cost=limit)
    client = GraphQLClient(create_app(host=host, database=pdms_db), pdms_test_actors)
    reader = client.as_actor(READER)
    assert (await reader.execute(_cost_query(50))).ok()
    over = await reader.execute(_cost_query(51))
    assert over.data is None
    error = over.errors[0]
    assert error["extensions"] == {
        "code": "QUERY_TOO_COMPLEX",
        "cost": limit + per_item,
        "maxCost": limit,
    }


async def test_page_size_is_capped_at_100(graphql):
    reader = graphql.as_actor(READER)
    assert (await reader.execute("{ lookupSets(first: 100) { edges { cursor } } }")).ok()
    over = await reader.execute("{ lookupSets(first: 101) { edges { cursor } } }")
    assert over.data is None and "100" in over.errors[0]["message"]


@pytest.mark.parametrize("store", ["memory", "redis"])
async def test_the_cost_rate_limit_holds_per_actor(store, pdms_db, pdms_host, pdms_test_actors):
    if store == "redis":
        redis = pytest.importorskip("redis")
        try:
            store_client = redis.Redis.from_url(REDIS_URL)
            store_client.ping()
            store_client.flushdb()
        except redis.exceptions.ConnectionError:
            pytest.skip(f"no Redis at {REDIS_URL}")
    # each `{ modules { name } }` costs 1 + LIST_FACTOR (a list multiplies): five fit
    budget = 5 * (1 + LIST_FACTOR)
    host = _host(
        pdms_host, cost_per_minute=budget, redis_url=REDIS_URL if store == "redis" else None
    )
    app = create_app(host=host, database=pdms_db)
    client = GraphQLClient(app, pdms_test_actors)
    one, other = client.as_actor(staff(name="One")), client.as_actor(staff(name="Other"))
    for _ in range(5):
        assert (await one.execute("{ modules { name } }")).ok()
    assert (await one.execute("{ modules { name } }")).error_codes() == ["THROTTLED"]
    assert (await other.execute("{ modules { name } }")).ok()
    if store == "redis":
        assert any(k.startswith(b"pdms:rl:cost:") for k in store_client.keys("pdms:rl:*"))
        await host_limiter_close(app)


async def test_body_size_is_limited(pdms_db, pdms_host, pdms_test_actors):
    host = _host(pdms_host, max_body_bytes=200)
    app = create_app(host=host, database=pdms_db)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://pdms.test") as http:
        small = await http.post("/graphql", json={"query": "{ modules { name } }"})
        big = await http.post("/graphql", json={"query": "{ modules { name } }" + " " * 200})
    assert small.status_code == 200
    assert big.status_code == 413


async def test_no_introspection_or_suggestions_in_production_get_refused_no_store(pdms_app):
    transport = httpx.ASGITransport(app=pdms_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://pdms.test") as http:
        intro = await http.post("/graphql", json={"query": "{ __schema { types { name } } }"})
        typo = await http.post("/graphql", json={"query": "{ modulez { name } }"})
        get = await http.get(
            "/graphql", params={"query": 'mutation { requestPasswordReset(email: "a@b.c") { ok } }'}
        )
    assert "introspection" in intro.json()["errors"][0]["message"].lower()
    assert "Did you mean" not in typo.json()["errors"][0]["message"]
    assert get.status_code in (400, 404, 405)
    assert intro.headers["cache-control"] == "no-store"


async def test_debug_keeps_introspection_and_suggestions(pdms_db, pdms_host, pdms_test_actors):
    host = _host(pdms_host, debug=True)
    client = GraphQLClient(create_app(host=host, database=pdms_db), pdms_test_actors)
    assert (await client.execute("{ __schema { queryType { name } } }")).ok()
    typo = await client.execute("{ modulez { name } }")
    assert "Did you mean" in typo.errors[0]["message"]


async def host_limiter_close(app) -> None:
    limiter = app.state.limiter
    if hasattr(limiter, "close"):
        await limiter.close()


def _host(pdms_host: PluginHost, **changes) -> PluginHost:
    return PluginHost.load(
        pdms_host.settings.with_changes(**changes),
        entry_points=[],
        extra_hooks=[pdms_host_actors(pdms_host)],
    )


def pdms_host_actors(pdms_host: PluginHost):
    # the session's TestActors object, so `as_actor` works on the new host too
    for plugin in pdms_host.pm.get_plugins():
        if type(plugin).__name__ == "TestActors":
            return plugin
    raise LookupError("TestActors not registered")


NUL_SEARCH = "query($name: String!) { people(search: {name: $name}) { nodes { id } } }"
NUL_LITERAL = '{ caseByReference(reference: "CA-\\u0000") { id } }'
NUL_IN_INPUT = """mutation($input: PersonInput!) {
  createPerson(input: $input) { person { id } errors { code } } }"""


async def test_text_with_a_nul_character_is_a_validation_error_on_every_backend(graphql, pdms_db):
    writer = graphql.as_actor(staff("core.people.read", "core.people.write", "core.cases.read"))
    person = {"forenames": "Nell", "surname": "Nul\u0000Son"}
    for query, variables in (
        (NUL_SEARCH, {"name": "Ada\u0000"}),
        (NUL_LITERAL, None),
        (NUL_IN_INPUT, {"input": person}),
    ):
        answer = await writer.execute(query, variables)
        assert answer.data is None
        assert answer.error_codes() == ["VALIDATION"], answer.errors
    # nothing was written, and ordinary text still goes through
    created = await writer.execute(NUL_IN_INPUT, {"input": {**person, "surname": "Nulson"}})
    assert created.ok()["createPerson"]["errors"] == []


LOGIN_ONLY = "mutation($input: LoginInput!) { login(input: $input) { token } }"


async def test_suggestions_are_removed_wherever_they_stand_outside_debug(
    graphql, pdms_db, pdms_host, pdms_test_actors
):
    # a coercion error carries its suggestion mid-message: "... unknown field 'emial'.
    # Did you mean 'email'? Found: {...}."
    typo = {"input": {"emial": "someone@example.org", "password": "not-the-password"}}
    answer = await graphql.execute(LOGIN_ONLY, typo)
    messages = [error["message"] for error in answer.errors]
    assert any("unknown field 'emial'." in message for message in messages), messages
    assert not any("Did you mean" in message for message in messages), messages
    host = _host(pdms_host, debug=True)
    debug = GraphQLClient(create_app(host=host, database=pdms_db), pdms_test_actors)
    kept = await debug.execute(LOGIN_ONLY, typo)
    assert any("Did you mean 'email'?" in error["message"] for error in kept.errors)


async def test_coercion_errors_do_not_quote_the_input_back_outside_debug(
    graphql, pdms_db, pdms_host, pdms_test_actors
):
    secret = "hunter2-horse-staple-battery"
    wrong = (
        {"input": {"emial": "someone@example.org", "password": secret}},
        {"input": {"email": "someone@example.org", "password": secret, "keepSignedIn": "yes"}},
        {"input": {"email": "someone@example.org", "password": 20251207}},
    )
    for variables in wrong:
        answer = await graphql.execute(LOGIN_ONLY, variables)
        assert answer.errors, variables
        for error in answer.errors:
            assert secret not in error["message"] and "20251207" not in error["message"]
            assert "someone@example.org" not in error["message"]
    host = _host(pdms_host, debug=True)
    debug = GraphQLClient(create_app(host=host, database=pdms_db), pdms_test_actors)
    kept = await debug.execute(LOGIN_ONLY, wrong[0])
    assert any(secret in error["message"] for error in kept.errors)


BIGINT = 2**63 - 1  # the largest id PostgreSQL's BIGINT and SQLite's INTEGER hold
BY_ID = (
    "query($id: ID!) { node(id: $id) { id } }",
    "query($id: ID!) { person(id: $id) { id } }",
)
AFTER = (
    "query($after: String) { cases(first: 1, after: $after) { nodes { id } } }",
    'query($after: String) { people(search: {name: "Ada"}, first: 1, after: $after) '
    "{ nodes { id } } }",
)


async def test_ids_and_cursors_the_database_cannot_hold_are_validation_errors(graphql, pdms_db):
    reader = graphql.as_actor(staff("core.people.read", "core.cases.read"))
    lookups = graphql.as_actor(staff("core.lookups.read"))
    for number in (BIGINT, -BIGINT):  # no such row, but a fair question
        for query in BY_ID:
            assert await _answer(reader, query, id=global_id("Person", number)) == []
        for query, key in zip(AFTER, ([number], [1, number]), strict=True):
            assert await _answer(reader, query, after=encode_cursor(key)) == []
    for number in (BIGINT + 1, -BIGINT - 1, 10**20):
        for query in BY_ID:
            assert await _answer(reader, query, id=global_id("Person", number)) == ["VALIDATION"]
        for query, key in zip(AFTER, ([number], [1, number]), strict=True):
            assert await _answer(reader, query, after=encode_cursor(key)) == ["VALIDATION"]
    # a list or object where a column's value belongs (here a text key)
    lookup_sets = "query($after: String) { lookupSets(first: 1, after: $after) { nodes { code } } }"
    for key in ([[1]], [{"code": "x"}]):
        assert await _answer(lookups, lookup_sets, after=encode_cursor(key)) == ["VALIDATION"]
    # a number or boolean for a text key: PostgreSQL cannot compare them
    for key in ([7], [True]):
        assert await _answer(lookups, lookup_sets, after=encode_cursor(key)) == ["VALIDATION"]


async def _answer(client: GraphQLClient, query: str, **variables) -> list[str | None]:
    return (await client.execute(query, variables)).error_codes()


async def test_a_body_nested_too_deeply_to_parse_is_a_validation_error(graphql):
    # 10 KB of brackets: json.loads runs out of stack long before the body limit
    body = b'{"query": "{ modules { name } }", "variables": {"a": %s%s}}' % (
        b"[" * 5_000,
        b"]" * 5_000,
    )
    response = await graphql.post(content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert response.json()["errors"][0]["extensions"] == {"code": "VALIDATION"}


def _nested(levels: int) -> object:
    value: object = "x"
    for _ in range(levels):
        value = [value]
    return value


async def test_variables_nest_at_most_32_levels(graphql):
    modules = "query { modules { name } }"
    assert (await graphql.execute(modules, {"extra": _nested(MAX_VARIABLE_DEPTH)})).ok()
    over = await graphql.execute(modules, {"extra": _nested(MAX_VARIABLE_DEPTH + 1)})
    assert over.data is None and over.error_codes() == ["VALIDATION"]
    # 500 levels used to exhaust the stack in coercion, unmasked
    deep = {"input": {"email": _nested(500), "password": "not-the-password"}}
    answer = await graphql.execute(LOGIN_ONLY, deep)
    assert answer.error_codes() == ["VALIDATION"]
    assert "32 levels" in answer.errors[0]["message"]
