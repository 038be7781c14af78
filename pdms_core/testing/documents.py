"""Abusive GraphQL documents, for tests and benchmarks of the request limits."""

from __future__ import annotations


def fan_out(fragments: int, form: str) -> str:
    """F0 spreads F1 twice, F1 spreads F2 twice ... down to a leaf fragment: 2^n copies
    of the last for a walk that follows every spread.

    ``form="aliases"`` puts each pair under two aliased fields, one level deeper each
    time; ``"spreads"`` puts the spreads side by side (graphql-core merges them, but a
    walk that follows spreads does not).
    """
    if form == "aliases":
        head, on, leaf = 'query { person(id: "UGVyc29uOjE=") { ...F0 } }', "Person", "id"

        def twice(name: str) -> str:
            return " ".join(f"{key}: relationships {{ related {{ ...{name} }} }}" for key in "ab")
    else:
        head, on, leaf = "query { ...F0 }", "Query", "__typename"

        def twice(name: str) -> str:
            return f"...{name} ...{name}"

    parts = [head]
    parts += [f"fragment F{i} on {on} {{ {twice(f'F{i + 1}')} }}" for i in range(fragments - 1)]
    parts.append(f"fragment F{fragments - 1} on {on} {{ {leaf} }}")
    return "\n".join(parts)
