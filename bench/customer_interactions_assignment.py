"""The problem assignment engine deciding one contact with 200 active rules, in process.

Builds a fictional rule book (fixed seed): ``--rules`` rules with two or three conditions
each (demand types, categories, wards, postcode areas, person flags, channels, time
windows, existing-case teams), targets spread over 30 teams of 8 officers (team, officer
or the team already working with the person; least open work or round robin) and some
fallbacks, the catch-all last. Then ``--decisions`` random contacts are decided by
``engine.decide`` (the pure function the API calls), each timed, and printed beside the
floor: a loop that makes one set-membership test per rule, the least any rule scan costs.

    .venv/bin/python bench/customer_interactions_assignment.py [--rules 200]
        [--decisions 20000] [--seed 0]

Target: <= 5 ms p95 per decision with 200 active rules (issue 22).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from pdms_customer_interactions import engine

TARGET_MS = 5.0
TYPES = [f"type_{n}" for n in range(40)]
CATEGORIES = [f"category_{n}" for n in range(80)]
WARDS = [f"E0500{n:04d}" for n in range(60)]
AREAS = ["TV", "OX", "TE", "SA", "MO", "EX", "FI", "CT"]
FLAGS = ["vulnerability_register", "tenancy_reference", "care_leaver", "interpreter"]
CHANNELS = ["phone", "email", "web_form", "face_to_face", "letter", "social_media"]
TEAMS = list(range(1, 31))


def teams() -> dict[int, engine.TeamState]:
    rng = random.Random(1)
    return {
        team: engine.TeamState(
            f"Team {team}",
            tuple((team * 100 + n, rng.randint(0, 40), f"Officer {team}-{n}") for n in range(8)),
            team * 100 + rng.randint(0, 7),
        )
        for team in TEAMS
    }


def conditions(rng: random.Random) -> engine.Conditions:
    kinds = rng.sample(range(8), rng.randint(2, 3))
    c: dict = {}
    for kind in kinds:
        if kind == 0:
            c["demand_types"] = frozenset(rng.sample(TYPES, 3))
        elif kind == 1:
            c["demand_categories"] = frozenset(rng.sample(CATEGORIES, 4))
        elif kind == 2:
            c["wards"] = frozenset(rng.sample(WARDS, 5))
        elif kind == 3:
            c["postcode_areas"] = frozenset(rng.sample(AREAS, 2))
        elif kind == 4:
            c["person_flags"] = frozenset(rng.sample(FLAGS, 1))
        elif kind == 5:
            c["channels"] = frozenset(rng.sample(CHANNELS, 2))
        elif kind == 6:
            start = rng.randint(0, 23) * 60
            c["from_minute"], c["to_minute"] = start, (start + rng.choice([120, 480])) % 1440
        else:
            c["case_teams"] = frozenset(rng.sample(TEAMS, 3))
    return engine.Conditions(**c)


def rules(count: int, seed: int) -> list[engine.Rule]:
    rng = random.Random(seed)
    made = []
    for n in range(count - 1):
        kind = rng.choices([engine.TEAM, engine.OFFICER, engine.CURRENT_TEAM], [7, 1, 2])[0]
        team = rng.choice(TEAMS)
        target = engine.Target(
            kind,
            team_id=team if kind == engine.TEAM else None,
            officer_id=team * 100 + rng.randint(0, 7) if kind == engine.OFFICER else None,
            choose=rng.choice([engine.LEAST_OPEN_WORK, engine.ROUND_ROBIN]),
        )
        fallback = f"rule_{rng.randint(n + 1, count - 1)}" if rng.random() < 0.2 else None
        made.append(engine.Rule(f"rule_{n}", f"Rule {n}", conditions(rng), target, True, fallback))
    made.append(
        engine.Rule(
            f"rule_{count - 1}",
            "Catch-all",
            engine.Conditions(),
            engine.Target(engine.TEAM, team_id=1),
        )
    )
    return made


def facts(rng: random.Random) -> engine.Facts:
    return engine.Facts(
        demand_type=rng.choice(TYPES),
        demand_category=rng.choice(CATEGORIES),
        ward=rng.choice(WARDS),
        postcode_area=rng.choice(AREAS),
        person_flags=frozenset(rng.sample(FLAGS, rng.randint(0, 2))),
        case_teams=tuple(rng.sample(TEAMS, rng.randint(0, 2))),
        channel=rng.choice(CHANNELS),
        minute_of_day=rng.randint(0, 1439),
    )


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, default=200)
    parser.add_argument("--decisions", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    book, state = rules(args.rules, args.seed), teams()
    officers = {m[0]: m[2] for t in state.values() for m in t.members}
    rng = random.Random(args.seed + 1)
    contacts = [facts(rng) for _ in range(args.decisions)]
    for fact in contacts[:500]:  # warm up
        engine.decide(book, fact, state, officers)
    timings, positions = [], []
    index = {rule.code: n for n, rule in enumerate(book)}
    for fact in contacts:
        started = time.perf_counter()
        decision = engine.decide(book, fact, state, officers)
        timings.append(time.perf_counter() - started)
        positions.append(index[decision.rule_code] + 1)
    floor = []
    wanted = [r.conditions.demand_types for r in book]
    for fact in contacts:
        started = time.perf_counter()
        hits = 0
        for types in wanted:
            hits += fact.demand_type in types
        floor.append(time.perf_counter() - started)
    ms = [t * 1000 for t in timings]
    floor_ms = [t * 1000 for t in floor]
    print(f"{args.rules} active rules, {args.decisions} decisions, {len(state)} teams")
    print(
        f"  rules tested before one decided: median {statistics.median(positions):.0f}, "
        f"catch-all reached {positions.count(len(book)) / len(positions):.0%}"
    )
    print(
        f"decide():  p50 {statistics.median(ms):.3f} ms  p95 {percentile(ms, 0.95):.3f} ms  "
        f"p99 {percentile(ms, 0.99):.3f} ms   target p95 <= {TARGET_MS} ms"
    )
    print(
        f"floor (one membership test per rule): p50 {statistics.median(floor_ms):.3f} ms  "
        f"p95 {percentile(floor_ms, 0.95):.3f} ms"
    )
    print(f"ratio to floor (p95): {percentile(ms, 0.95) / percentile(floor_ms, 0.95):.1f} x")


if __name__ == "__main__":
    main()
