"""Jobs, gas safety records and EICRs on core's place timeline, for those who may read them."""

from __future__ import annotations

from datetime import timedelta

from gas_electric_support import READ, gas_home, ok, record
from pdms_core.plugin import today
from pdms_core.testing.actors import staff
from test_gas_electric_eicrs import eicr, record_eicr
from test_gas_electric_jobs import GENERATE, JOB_READ, MOVER

TIMELINE = """query($id: ID!, $first: Int, $after: String) { node(id: $id) {
  ... on Place { timeline(first: $first, after: $after) {
    edges { node { on kind item { __typename
      ... on TimelineModuleRecord { module kind record { __typename module summary
        ... on GasElectricJob { kind } ... on GasElectricGasCheck { certificateNumber }
        ... on GasElectricEicr { reportNumber } } } } } }
    pageInfo { hasNextPage endCursor } } } } }"""
CASES = "core.cases.read"
PLACES = "core.places.read"
EVERYTHING = staff(CASES, PLACES, READ, JOB_READ, name="Tilly Timeline")
NO_JOBS = staff(CASES, PLACES, READ, name="Nell Nojobs")
CASES_ONLY = staff(CASES, PLACES, name="Cass Casesonly")


def day(days_ago: int) -> str:
    return (today() - timedelta(days=days_ago)).isoformat()


async def given_home_with_history(graphql, pdms_db) -> str:
    home = await gas_home(graphql, pdms_db)
    ok(await record(graphql, home["home"], day(10), "CP-TL-1"), "gasElectricRecordGasCheck")
    ok(await record_eicr(graphql, eicr(home["home"], day(20), "EI-TL-1")), "gasElectricRecordEicr")
    # due in about 355 days: a window of 400 opens today's job
    opened = ok(
        await graphql.as_actor(MOVER).execute(GENERATE, {"days": 400}), "gasElectricGenerateJobs"
    )
    assert opened["opened"] == 1
    return home["place"]


def entries(page: dict) -> list[tuple]:
    return [
        (
            e["node"]["on"],
            e["node"]["kind"],
            e["node"]["item"]["kind"],
            e["node"]["item"]["module"],
            e["node"]["item"]["record"]["__typename"],
        )
        for e in page["edges"]
    ]


async def test_the_place_timeline_shows_jobs_checks_and_eicrs_newest_first(
    graphql, pdms_db, lookups
):
    place = await given_home_with_history(graphql, pdms_db)
    client = graphql.as_actor(EVERYTHING)
    first = (await client.execute(TIMELINE, {"id": place, "first": 2})).ok()["node"]["timeline"]
    assert entries(first) == [
        (day(0), "MODULE", "gas_electric.job", "gas_electric", "GasElectricJob"),
        (day(10), "MODULE", "gas_electric.gas_check", "gas_electric", "GasElectricGasCheck"),
    ]
    records = [e["node"]["item"]["record"] for e in first["edges"]]
    assert records[0]["kind"] == "gas" and records[0]["summary"] == "Gas servicing job, open"
    assert records[0]["module"] == "gas_electric"
    assert records[1]["certificateNumber"] == "CP-TL-1"
    assert first["pageInfo"]["hasNextPage"] is True
    rest = (
        await client.execute(
            TIMELINE, {"id": place, "first": 5, "after": first["pageInfo"]["endCursor"]}
        )
    ).ok()["node"]["timeline"]
    assert entries(rest) == [
        (day(20), "MODULE", "gas_electric.eicr", "gas_electric", "GasElectricEicr"),
    ]
    assert rest["edges"][0]["node"]["item"]["record"]["reportNumber"] == "EI-TL-1"
    assert rest["pageInfo"]["hasNextPage"] is False


async def test_entries_follow_the_readers_permissions(graphql, pdms_db, lookups):
    place = await given_home_with_history(graphql, pdms_db)
    without_jobs = (
        await graphql.as_actor(NO_JOBS).execute(TIMELINE, {"id": place, "first": 10})
    ).ok()["node"]["timeline"]
    assert [kind for _on, _k, kind, _m, _t in entries(without_jobs)] == [
        "gas_electric.gas_check",
        "gas_electric.eicr",
    ]
    cases_only = (
        await graphql.as_actor(CASES_ONLY).execute(TIMELINE, {"id": place, "first": 10})
    ).ok()["node"]["timeline"]
    assert cases_only == {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}
