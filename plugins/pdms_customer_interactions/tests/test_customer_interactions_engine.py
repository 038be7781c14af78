"""The engine's quick test of a rule's conditions agrees with the one that says why."""

from __future__ import annotations

import random

from pdms_customer_interactions import engine


def _some(rng: random.Random, options: list) -> frozenset:
    return frozenset(rng.sample(options, rng.randint(0, 2)))


def test_holds_agrees_with_mismatch_and_reachable_sees_every_target_decide_uses():
    rng = random.Random(22)
    types, wards, flags = ["repairs", "rent", "debt"], ["E1", "E2"], ["vulnerable", "carer"]
    for _ in range(3000):
        window = rng.choice([(None, None), (8 * 60, 17 * 60), (22 * 60, 6 * 60)])
        conditions = engine.Conditions(
            demand_types=_some(rng, types),
            wards=_some(rng, wards),
            person_flags=_some(rng, flags),
            case_teams=_some(rng, [1, 2, 3]),
            channels=_some(rng, ["phone", "email"]),
            from_minute=window[0],
            to_minute=window[1],
        )
        facts = engine.Facts(
            demand_type=rng.choice([None, *types]),
            ward=rng.choice([None, *wards]),
            person_flags=_some(rng, flags),
            case_teams=tuple(_some(rng, [1, 2, 3])),
            channel=rng.choice([None, "phone", "email"]),
            minute_of_day=rng.choice([None, 7 * 60, 12 * 60, 23 * 60]),
        )
        assert engine.holds(conditions, facts) == (engine.mismatch(conditions, facts) is None)
        first = engine.Target(engine.TEAM, team_id=1)
        rules = [
            engine.Rule("first", "", conditions, first, fallback="next"),
            engine.Rule("next", "", conditions, engine.Target(engine.CURRENT_TEAM)),
            engine.Rule("any", "", engine.Conditions(), engine.Target(engine.TEAM, team_id=2)),
        ]
        everything = {t: engine.TeamState(f"Team {t}", ((10 + t, 0, "Ann"),)) for t in (1, 2, 3)}
        teams, _ = engine.reachable(rules, [facts])
        # deciding with only the reachable teams' state gives the same decision
        some = {t: state for t, state in everything.items() if t in teams}
        assert engine.decide(rules, facts, some) == engine.decide(rules, facts, everything)
