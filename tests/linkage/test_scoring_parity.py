"""The online check scores as the batch job does: for every pair Splink scores, the
Python levels equal Splink's and the weights add up to Splink's match weight."""

from __future__ import annotations

import pytest

from pdms_core.linkage import splink_job
from pdms_core.linkage.features import PersonFacts, feature_row
from pdms_core.linkage.fictional import population
from pdms_core.linkage.scoring import Weights, explain, gamma_of, python_levels
from pdms_core.linkage.spec import COMPARISONS


def _rows():
    fake = population(800, 99)
    rows = []
    for n, person in enumerate(fake.people, start=1):
        facts = PersonFacts(
            person.forenames,
            person.surname,
            person.date_of_birth,
            place_ids=person.homes,
            postcodes=[fake.places[h][0] for h in person.homes],
            contacts=[v for kind, v in person.contacts if kind != "landline"],
            landlines=[v for kind, v in person.contacts if kind == "landline"],
            refs=[f"{kind}:{v}" for kind, v in person.refs],
        )
        rows.append(feature_row(n, facts))
    return rows


def test_python_levels_and_weights_match_splink():
    rows = _rows()
    model = splink_job.train(rows)
    # A low threshold, so pairs of every kind (not only likely matches) are compared.
    pairs = splink_job.predict(rows, model, threshold=1e-9)
    assert len(pairs) > 40
    weights = Weights.from_model(model)
    by_id = {row["unique_id"]: row for row in rows}
    for pair in pairs:
        levels = python_levels(by_id[pair.left_id], by_id[pair.right_id])
        named = zip(COMPARISONS, levels, strict=True)
        python_gammas = {c.name: gamma_of(i, lv) for i, (c, lv) in enumerate(named)}
        assert python_gammas == pair.gammas, (by_id[pair.left_id], by_id[pair.right_id])
        total, _ = explain(weights, levels)
        assert total == pytest.approx(pair.match_weight, abs=1e-6)
