"""The look-ahead and the loaders' join choice follow each named fragment once.

Both walk the query's syntax tree themselves (``prefetch.py`` to plan a level,
``db/loaders.py`` ``selected_joins`` to choose the rows to join). Following every
spread of a fragment that spreads another fragment twice, and so on, is exponential
in the depth of the chain: 2**20 walks for the 21 fragments below. graphql-core's own
``collect_fields`` skips a fragment already spread in the same collection; so do they.
(The document budget, ``document_rules.py``, refuses such a document before execution;
these walks must not rely on it.)
"""

from __future__ import annotations

from graphql import GraphQLResolveInfo, OperationDefinitionNode, parse

from pdms_core.cases.loaders import PartiesByCaseLoader
from pdms_core.db.loaders import selected_joins
from pdms_core.graphql.compat import graphql_schema
from pdms_core.graphql.prefetch import _Planner
from pdms_core.graphql.schema import build_schema

DEPTH = 20


class CountingFragments(dict):
    """Fragment definitions by name, counting how often a walk looks one up."""

    looked_up = 0

    def get(self, name, default=None):
        self.looked_up += 1
        return super().get(name, default)

    def __getitem__(self, name):
        self.looked_up += 1
        return super().__getitem__(name)


def _chained(field: str, on_type: str, innermost: str) -> tuple:
    """The field node selecting ``...F0``, where each F<n> spreads F<n+1> twice."""
    fragments = "\n".join(
        f"fragment F{n} on {on_type} {{ ...F{n + 1} ...F{n + 1} }}" for n in range(DEPTH)
    )
    document = parse(
        f"{{ {field} {{ ...F0 }} }}\n{fragments}\nfragment F{DEPTH} on {on_type} {{ {innermost} }}"
    )
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    definitions = CountingFragments(
        (d.name.value, d) for d in document.definitions if d is not operation
    )
    return operation.selection_set.selections[0], definitions


def _info(schema, field_node, fragments, parent_type) -> GraphQLResolveInfo:
    return GraphQLResolveInfo(
        field_node.name.value,
        [field_node],
        None,
        parent_type,
        None,
        schema,
        fragments,
        None,
        None,
        {},
        None,
        None,
        None,
        None,
    )


def test_the_look_ahead_follows_each_fragment_once(pdms_host):
    schema = graphql_schema(build_schema(pdms_host))
    case = schema.type_map["Case"]
    node, fragments = _chained("nodes", "Case", "reference status { code }")
    planner = _Planner(_info(schema, node, fragments, schema.query_type))
    steps = planner.plan(case, [node])
    assert [step.response_key for step in steps] == ["status"]
    assert fragments.looked_up == DEPTH + 1  # not 2**DEPTH


def test_the_join_choice_follows_each_fragment_once(pdms_host):
    schema = graphql_schema(build_schema(pdms_host))
    node, fragments = _chained("parties", "CaseParty", "role { code } person { id }")
    info = _info(schema, node, fragments, schema.type_map["Case"])
    assert selected_joins(info, PartiesByCaseLoader) == ("person",)
    assert fragments.looked_up == DEPTH + 1
