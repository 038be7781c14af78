"""The portal list (bench/queries/portal_list.graphql) costs a fixed number of statements."""

from __future__ import annotations

from pathlib import Path

from pdms_core.host import PluginHost
from pdms_core.testing.cli import run_pdms

PORTAL_LIST = (Path(__file__).parents[2] / "bench" / "queries" / "portal_list.graphql").read_text()
MAX_STATEMENTS = 12


async def seed_small_council(host) -> None:
    """Core's small demo council, without the records enabled modules would add (their
    cases would be the newest, and these tests count core's graph)."""
    core_only = PluginHost.load(host.settings.with_changes(plugins=()))
    await run_pdms(core_only, "demo", "seed", "--size", "small")


async def portal_list(caseworker, sql_statements, first: int) -> tuple[list, list[str]]:
    sql_statements.reset()
    cases = (await caseworker.execute(PORTAL_LIST, {"first": first})).ok()["cases"]["nodes"]
    return cases, list(sql_statements.statements)


async def test_the_portal_list_costs_the_same_statements_for_10_and_50_cases(
    pdms_host, caseworker, sql_statements
):
    await seed_small_council(pdms_host)

    few, few_statements = await portal_list(caseworker, sql_statements, 10)
    many, many_statements = await portal_list(caseworker, sql_statements, 50)

    assert (len(few), len(many)) == (10, 50)
    # every level of the graph is there, for every case
    for case in many:
        assert len(case["demands"]) == 3
        presenting = [d for d in case["demands"] if d["isPresenting"]]
        assert len(presenting) == 1 and len(presenting[0]["underlyingDemands"]) == 1
        (party,) = case["parties"]
        (home,) = party["person"]["addresses"]
        assert home["place"]["uprn"] and case["places"][0]["place"] == home["place"]
        assert len(case["activities"]) == 3
        assert all(len(a["tasks"]) == 3 and a["tasks"][0]["category"] for a in case["activities"])
    assert len(many_statements) == len(few_statements), "\n".join(many_statements)
    assert len(many_statements) <= MAX_STATEMENTS, "\n\n".join(many_statements)
