"""Fragments spreading fragments: refused, with work linear in the document.

A fragment spread twice, which spreads the next twice, and so on, stands for 2^n
copies of the last: the limits must measure each fragment once, not follow every
spread (that took seconds for 20 fragments and for ever for 180, anonymously). Work
is asserted as counts, never timed (bench/document_validation.py times it).
"""

from __future__ import annotations

from pathlib import Path

import graphql as graphql_core
import pytest

from pdms_core.graphql.cost import LIST_FACTOR, query_cost
from pdms_core.graphql.document_rules import (
    MAX_FRAGMENTS,
    MAX_SELECTIONS,
    DocumentShape,
)
from pdms_core.graphql.schema import MAX_TOKENS
from pdms_core.testing.documents import fan_out

SDL = Path(__file__).parents[2] / "schema.graphql"


def chain(fragments: int) -> str:
    """F0 spreads F1 once, F1 spreads F2 once ...: cheap however it is walked."""
    parts = ["query { ...F0 }"]
    parts += [f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(fragments - 1)]
    parts.append(f"fragment F{fragments - 1} on Query {{ __typename }}")
    return "\n".join(parts)


@pytest.mark.parametrize("form", ["aliases", "spreads"])
async def test_twenty_fragments_fanning_out_are_refused_by_the_limits(graphql, form):
    answer = await graphql.execute(fan_out(20, form))  # anonymous
    assert answer.data is None
    assert set(answer.error_codes()) == {"QUERY_TOO_COMPLEX"}, answer.errors
    messages = " ".join(error["message"] for error in answer.errors)
    assert "selections once its fragments are expanded" in messages
    if form == "aliases":
        assert "exceeds maximum operation depth of 15" in messages
        assert "aliases found. Allowed: 15" in messages


@pytest.mark.parametrize("form", ["aliases", "spreads"])
async def test_two_hundred_fragments_are_refused_by_the_token_limit(graphql, form):
    answer = await graphql.execute(fan_out(200, form))
    assert answer.data is None
    assert answer.error_codes() == ["DOCUMENT_TOO_LARGE"], answer.errors
    assert f"more than {MAX_TOKENS} tokens" in answer.errors[0]["message"]


async def test_the_fragment_budget_is_checked_before_validation(graphql):
    assert (await graphql.execute(chain(MAX_FRAGMENTS))).ok() == {"__typename": "Query"}
    over = await graphql.execute(chain(MAX_FRAGMENTS + 1))
    # the budget's error alone: no validation rule ran
    assert over.data is None
    assert over.errors == [
        {
            "message": f"This document defines {MAX_FRAGMENTS + 1} fragments; the limit is "
            f"{MAX_FRAGMENTS}.",
            "extensions": {"code": "DOCUMENT_TOO_LARGE"},
        }
    ]


async def test_the_selection_budget_passes_at_the_limit_and_fails_above(graphql):
    def document(selections: int) -> str:  # `modules` and its repeated `name`s
        return "{ modules { " + "name " * (selections - 1) + "} }"

    assert (await graphql.execute(document(MAX_SELECTIONS))).ok()
    over = await graphql.execute(document(MAX_SELECTIONS + 1))
    assert over.data is None
    assert over.error_codes() == ["DOCUMENT_TOO_LARGE"]
    assert f"{MAX_SELECTIONS + 1} selections" in over.errors[0]["message"]


def test_each_selection_is_measured_once_however_often_its_fragment_is_spread():
    document = graphql_core.parse(fan_out(MAX_FRAGMENTS, "aliases"))
    shape = DocumentShape(document)
    written = _selections_as_written(document)
    assert shape.visited == written  # not 2^MAX_FRAGMENTS
    # and the measures are those of the expanded document: each fragment adds two
    # aliases over two copies of the next, and two levels of depth
    aliases = 0
    for _ in range(MAX_FRAGMENTS - 1):
        aliases = 2 + 2 * aliases
    ((_operation, measured),) = shape.operations
    assert measured.aliases == aliases
    assert measured.depth == 1 + 2 * (MAX_FRAGMENTS - 1)


async def test_fragment_cycles_end_the_measure_and_are_refused(graphql):
    cycle = "query { ...A } fragment A on Query { __typename ...B } fragment B on Query { ...A }"
    shape = DocumentShape(graphql_core.parse(cycle))
    assert shape.visited == 4
    answer = await graphql.execute(cycle)
    assert answer.data is None
    assert "Cannot spread fragment 'A' within itself via 'B'." in answer.errors[0]["message"]


def test_query_cost_costs_each_fragment_once():
    # Validation refuses such documents first; the cost must still end, and fast, on
    # any document it is given: a cycle, and a fan-out of 2^59 copies.
    schema = graphql_core.build_schema(SDL.read_text())
    cycle = graphql_core.parse(
        "query { ...A } fragment A on Query { modules { name } ...B } fragment B on Query { ...A }"
    )
    assert _cost(schema, cycle) == 1 + LIST_FACTOR
    fanned = graphql_core.parse(fan_out(60, "spreads").replace("__typename", "modules { name }"))
    assert _cost(schema, fanned) == 2**59 * (1 + LIST_FACTOR)


def _cost(schema: graphql_core.GraphQLSchema, document: graphql_core.DocumentNode) -> int:
    operation = next(
        d for d in document.definitions if isinstance(d, graphql_core.OperationDefinitionNode)
    )
    return query_cost(schema, document, operation, None)


def _selections_as_written(document: graphql_core.DocumentNode) -> int:
    count = 0

    class Counter(graphql_core.Visitor):
        def enter(self, node, *_):
            nonlocal count
            selection = (
                graphql_core.FieldNode,
                graphql_core.InlineFragmentNode,
                graphql_core.FragmentSpreadNode,
            )
            count += isinstance(node, selection)

    graphql_core.visit(document, Counter())
    return count
