"""One document, many requests: what is kept per document never answers for variables.

Validation, limits and the fast executor's planning are kept per (schema, document,
operation) (``graphql/document_cache.py``, ``graphql/plan_cache.py``); these requests
send one document again and again with variables that change what it must do.
"""

from __future__ import annotations

import gc

from pdms_core.app import create_app
from pdms_core.graphql.cost import LIST_FACTOR
from pdms_core.graphql.document_cache import IdentityCache
from pdms_core.host import PluginHost
from pdms_core.testing.actors import staff
from pdms_core.testing.client import GraphQLClient
from pdms_core.testing.lookups import sync_declared_lookups

READER = staff("core.lookups.read")
MODULES = "query($hide: Boolean!) { modules { name label @skip(if: $hide) } }"
LOOKUPS = """query($n: Int, $codes: Boolean!) {
  lookupSets(first: $n) { edges { node { code values @include(if: $codes) { code } } } }
}"""
WITH_DEFAULT = "query($n: Int = 50) { lookupSets(first: $n) { edges { node { code } } } }"


def _client(pdms_host: PluginHost, pdms_db, pdms_test_actors, **changes) -> GraphQLClient:
    settings = pdms_host.settings.with_changes(**changes)
    host = PluginHost(settings, pdms_host.plugins, pdms_host.installed, pdms_host.pm)
    return GraphQLClient(create_app(host=host, database=pdms_db), pdms_test_actors)


async def test_skip_and_include_follow_each_request_variables(graphql):
    reader = graphql.as_actor(READER)
    for hide in (False, True, False, True):
        modules = (await reader.execute(MODULES, {"hide": hide})).ok()["modules"]
        assert modules and all(("label" in module) is (not hide) for module in modules)


async def test_include_inside_a_connection_follows_the_variables(graphql, pdms_db, pdms_host):
    await sync_declared_lookups(pdms_db, pdms_host)
    reader = graphql.as_actor(READER)
    for codes in (True, False, True):
        data = (await reader.execute(LOOKUPS, {"n": 2, "codes": codes})).ok()
        nodes = [edge["node"] for edge in data["lookupSets"]["edges"]]
        assert nodes and all(("values" in node) is codes for node in nodes)


async def test_the_cost_follows_first_given_as_a_variable(pdms_host, pdms_db, pdms_test_actors):
    # lookupSets(first: n) { edges { node { code values { code } } } }
    per_item = 4 + LIST_FACTOR
    limit = 1 + per_item * 10
    reader = _client(pdms_host, pdms_db, pdms_test_actors, max_query_cost=limit).as_actor(READER)
    await sync_declared_lookups(pdms_db, pdms_host)
    for n, refused in ((10, False), (11, True), (10, False), (None, True), (3, False)):
        answer = await reader.execute(LOOKUPS, {"n": n, "codes": True})
        assert (answer.error_codes() == ["QUERY_TOO_COMPLEX"]) is refused, n
        if refused:  # None: the default page of 20
            assert answer.errors[0]["extensions"]["cost"] == 1 + per_item * (n or 20)


async def test_a_variable_default_counts_in_the_cost(pdms_host, pdms_db, pdms_test_actors):
    # lookupSets(first: n) { edges { node { code } } }: 1 + 3n; the default n is 50
    reader = _client(pdms_host, pdms_db, pdms_test_actors, max_query_cost=100).as_actor(READER)
    refused = await reader.execute(WITH_DEFAULT)
    assert refused.error_codes() == ["QUERY_TOO_COMPLEX"]
    assert refused.errors[0]["extensions"]["cost"] == 1 + 3 * 50
    assert (await reader.execute(WITH_DEFAULT, {"n": 10})).ok()


async def test_two_schemas_in_one_process_validate_the_same_text_apart(
    graphql, pdms_host, pdms_db, pdms_test_actors
):
    # introspection is refused without debug, allowed with it: the same document,
    # validated once under each schema, never under the other's rules
    document = "{ __schema { queryType { name } } }"
    debug = _client(pdms_host, pdms_db, pdms_test_actors, debug=True).as_actor(READER)
    production = graphql.as_actor(READER)
    for _ in range(2):
        assert (await debug.execute(document)).ok()["__schema"]["queryType"]["name"] == "Query"
        assert (await production.execute(document)).data is None


def test_the_identity_cache_is_bounded_and_forgets_dead_keys():
    class Key:
        pass

    cache: IdentityCache[Key, int] = IdentityCache(maxsize=2)
    keys = [Key() for _ in range(3)]
    for n, key in enumerate(keys):
        cache.put(key, n)
    assert cache.get(keys[0]) is None and cache.get(keys[2]) == 2
    assert cache.get_or_make(keys[1], lambda _: 9) == 1
    del keys[1:], key
    gc.collect()
    assert len(cache) == 0
