"""API conventions every module inherits: node IDs, errors, masking, limits, GraphiQL."""

from __future__ import annotations

import httpx
import pytest

from pdms_core.app import create_app
from pdms_core.graphql.node import global_id
from pdms_core.testing.actors import staff
from pdms_core.testing.client import GraphQLClient

NODE = "query($id: ID!) { node(id: $id) { __typename id ... on LookupSet { code } } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
MODULES = "{ modules { name label } }"
FAILURE = "{ dummyFailure }"
COUNT = "{ dummyWidgetCount }"
CREATE = """
mutation($name: String!) {
  dummyCreateWidget(name: $name) { widget { id name } errors { code field message } }
}
"""
LOOKUP_SETS = "{ lookupSets { edges { node { code } } } }"
WIDGET_ROBOT = {"x-dummy-robot": "widget-robot"}


async def test_modules_is_public_and_lists_core_first(graphql):
    result = await graphql.execute(MODULES)
    names = [m["name"] for m in result.ok()["modules"]]
    # core, then the enabled plugins (the dummy and any installed first-party module) by name
    assert names[0] == "core" and "dummy" in names
    assert names[1:] == sorted(names[1:])


async def test_anonymous_callers_are_denied_by_default(graphql):
    # no credentials at all: told to sign in, not which permission is missing
    result = await graphql.execute(LOOKUP_SETS)
    assert result.data is None
    assert result.error_codes() == ["UNAUTHENTICATED"]
    assert result.errors[0]["message"] == "Sign in (or send an API key) first."
    # signed in without the permission: told which one
    denied = await graphql.as_actor(staff("core.people.read")).execute(LOOKUP_SETS)
    assert denied.error_codes() == ["PERMISSION_DENIED"]
    assert "core.lookups.read" in denied.errors[0]["message"]


async def test_every_refusal_and_validation_error_has_a_code(pdms_app):
    transport = httpx.ASGITransport(app=pdms_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://pdms.test") as http:
        refused = {
            "not JSON": await http.post(
                "/graphql", content=b"hi", headers={"content-type": "text/plain"}
            ),
            "broken JSON": await http.post(
                "/graphql", content=b"{", headers={"content-type": "application/json"}
            ),
            "query over GET": await http.get("/graphql?query={__typename}"),
        }
        for name, response in refused.items():
            assert response.status_code == 400, name
            (error,) = response.json()["errors"]
            assert error["extensions"]["code"] == "BAD_REQUEST", name
        for query, variables in (
            ("{ cases { ", None),  # does not parse
            ("{ noSuchField }", None),  # does not validate
            (
                "query($d: Date!) { serviceBreaches(asOf: $d) { nodes { id } } }",
                {"d": "31/02/1990"},
            ),
            ('{ node(id: "zzz") { id } }', None),  # a malformed ID
        ):
            answer = await http.post("/graphql", json={"query": query, "variables": variables})
            assert [e["extensions"]["code"] for e in answer.json()["errors"]] == ["VALIDATION"]


async def test_node_resolves_by_global_id_and_checks_the_type_permission(graphql, pdms_db):
    from pdms_core.lookups.models import LookupSet

    async with pdms_db.sessionmaker() as session, session.begin():
        lookup_set = LookupSet(code="dummy.colour", module="dummy", label="Colours")
        session.add(lookup_set)
    node_id = global_id("LookupSet", lookup_set.id)

    reader = graphql.as_actor(staff("core.lookups.read"))
    found = (await reader.execute(NODE, {"id": node_id})).ok()["node"]
    assert found == {"__typename": "LookupSet", "id": node_id, "code": "dummy.colour"}

    denied = await graphql.as_actor(staff("core.places.read")).execute(NODE, {"id": node_id})
    assert denied.error_codes() == ["PERMISSION_DENIED"]

    missing = await reader.execute(NODE, {"id": global_id("LookupSet", 999999)})
    assert missing.ok()["node"] is None
    unknown_type = await reader.execute(NODE, {"id": global_id("Nonsense", 1)})
    assert unknown_type.ok()["node"] is None
    garbage = await reader.execute(NODE, {"id": "not-an-id"})
    assert garbage.error_codes() == ["VALIDATION"]  # as for a malformed ID on any field


async def test_nodes_is_capped_at_one_hundred(graphql, pdms_db):
    reader = graphql.as_actor(staff("core.lookups.read"))
    ids = [global_id("LookupSet", n) for n in range(101)]
    result = await reader.execute(NODES, {"ids": ids})
    assert result.error_codes() == ["VALIDATION"]
    assert len((await reader.execute(NODES, {"ids": ids[:100]})).ok()["nodes"]) == 100


async def test_mutation_returns_typed_errors_and_stores_nothing(graphql, pdms_db):
    writer = graphql.as_actor(staff("dummy.widget.read", "dummy.widget.write"))
    result = (await writer.execute(CREATE, {"name": "   "})).ok()["dummyCreateWidget"]
    assert result == {
        "widget": None,
        "errors": [{"code": "VALIDATION", "field": "name", "message": "Enter a name."}],
    }
    assert (await writer.execute(COUNT)).ok()["dummyWidgetCount"] == 0

    stored = (await writer.execute(CREATE, {"name": "Sprocket"})).ok()["dummyCreateWidget"]
    assert stored["errors"] == [] and stored["widget"]["name"] == "Sprocket"
    assert (await writer.execute(COUNT)).ok()["dummyWidgetCount"] == 1


async def test_a_plugin_can_say_who_is_calling(graphql, pdms_db):
    # the dummy's pdms_actor_from_request answers for its robot header
    robot_read = await graphql.execute(COUNT, headers=WIDGET_ROBOT)
    assert robot_read.ok() == {"dummyWidgetCount": 0}
    robot_write = await graphql.execute(CREATE, {"name": "Cog"}, headers=WIDGET_ROBOT)
    assert robot_write.error_codes() == ["PERMISSION_DENIED"]


async def test_unexpected_errors_are_masked_outside_debug(graphql, pdms_db, caplog):
    result = await graphql.as_actor(staff("dummy.widget.read")).execute(FAILURE)
    assert result.errors[0]["message"] == "Unexpected error."
    assert result.error_codes() == ["INTERNAL"]
    assert "Jane" not in str(result.body)
    # and the log names the failure without the message's personal data
    assert "RuntimeError" in caplog.text and "Jane" not in caplog.text


async def test_debug_mode_shows_unexpected_errors(pdms_host, pdms_db, pdms_test_actors):
    app = create_app(host=_debug_host(pdms_host), database=pdms_db)
    client = GraphQLClient(app, pdms_test_actors).as_actor(staff("dummy.widget.read"))
    result = await client.execute(FAILURE)
    assert "internal detail" in result.errors[0]["message"]


def _debug_host(host):
    from pdms_core.host import PluginHost

    return PluginHost(host.settings.with_changes(debug=True), host.plugins, host.installed, host.pm)


async def _get_graphiql(app) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://pdms.test") as http:
        return await http.get("/graphql", headers={"accept": "text/html"})


async def test_graphiql_is_served_only_in_debug_mode(pdms_app, pdms_host, pdms_db):
    production = await _get_graphiql(pdms_app)
    assert production.status_code == 404
    assert "graphiql" not in production.text.lower()
    debug = await _get_graphiql(create_app(host=_debug_host(pdms_host), database=pdms_db))
    assert debug.status_code == 200 and "graphiql" in debug.text.lower()


async def test_queries_deeper_than_the_limit_are_refused(graphql):
    deep = "{ lookupSets { edges { node { " + "parentSet { " * 14 + "code" + " }" * 14 + " } } } }"
    result = await graphql.as_actor(staff("core.lookups.read")).execute(deep)
    assert result.data is None
    assert "exceeds maximum operation depth" in result.errors[0]["message"]


async def test_startup_hooks_run_and_health_answers(pdms_app):
    async with pdms_app.router.lifespan_context(pdms_app):
        assert pdms_app.state.dummy_started is True
        transport = httpx.ASGITransport(app=pdms_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://pdms.test") as http:
            health = await http.get("/health")
    assert health.json() == {"status": "ok"}


@pytest.mark.parametrize("first", [-1, 101])
async def test_first_is_capped_at_one_hundred(graphql, first):
    result = await graphql.as_actor(staff("core.lookups.read")).execute(
        "query($first: Int) { lookupSets(first: $first) { edges { cursor } } }", {"first": first}
    )
    assert result.error_codes() == ["VALIDATION"]
    assert result.errors[0]["extensions"]["field"] == "first"
