"""The bootstrap over roll calls on hand-made matrices whose answers are known, and its reproducibility."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.agreement import agreement_matrix, pairwise_agreement
from analysis.blocs import cluster_countries
from analysis.uncertainty import EDGE_CONFIDENCE, agreement_intervals, bloc_uncertainty, resample_weights

Y, A, N = 1.0, 2.0, 3.0


def two_blocs_and_one_between(votes: int = 60, seed: int = 1) -> pd.DataFrame:
    """Five states vote one line, five the opposite line, and MID votes with the first on the first
    half of the roll calls and with the second on the other half: exactly between the two blocs."""
    rng = np.random.default_rng(seed)
    line = rng.choice([Y, N], size=votes)
    opposite = np.where(line == Y, N, Y)
    rows = {f"A{i}": line for i in range(5)} | {f"B{i}": opposite for i in range(5)}
    rows["MID"] = np.concatenate([line[: votes // 2], opposite[votes // 2:]])
    return pd.DataFrame(rows, index=range(votes)).T.rename_axis("country_code")


def test_resample_weights_are_seeded_bootstrap_draws():
    weights = resample_weights(50, 30, seed=4)
    assert weights.shape == (30, 50) and (weights.sum(axis=1) == 50).all()
    assert np.array_equal(weights, resample_weights(50, 30, seed=4))
    assert not np.array_equal(weights, resample_weights(50, 30, seed=5))
    # about 1 − 1/e of the roll calls are drawn at least once in a resample
    assert 0.55 < (weights > 0).mean() < 0.72
    with pytest.raises(ValueError, match="at least one resample"):
        resample_weights(50, 0, seed=1)


def test_agreement_interval_matches_the_binomial():
    """MID agrees with A0 on exactly half of 60 votes; resampling the votes makes its agreement a
    binomial share: 95 % interval 0.5 ± 1.96·√(0.25/60) = [0.373, 0.627]."""
    matrix = two_blocs_and_one_between()
    intervals = agreement_intervals(matrix, "agreement", n_resamples=2000, seed=3, min_shared=1)
    row = intervals[(intervals["country_a"] == "A0") & (intervals["country_b"] == "MID")].iloc[0]
    assert row["value"] == pytest.approx(0.5)
    assert row["low"] == pytest.approx(0.373, abs=0.02) and row["high"] == pytest.approx(0.627, abs=0.02)
    assert row["resamples"] == 2000
    # identical states never vary: the interval is the point
    same = intervals[(intervals["country_a"] == "A0") & (intervals["country_b"] == "A1")].iloc[0]
    assert same["low"] == same["value"] == same["high"] == 1.0
    # the point values are pairwise_agreement's, for every pair and another measure too
    for metric in ("agreement", "kappa"):
        point = pairwise_agreement(matrix, (metric,), 1)
        got = agreement_intervals(matrix, metric, n_resamples=5, seed=0, min_shared=1)
        assert np.allclose(got["value"], point[metric])


def test_fewer_shared_votes_give_a_wider_interval():
    matrix = two_blocs_and_one_between(votes=400)
    few = matrix.copy()
    few.loc["MID", few.columns[40:]] = np.nan  # MID votes only 40 times; A0–B0 still 400
    intervals = agreement_intervals(few, "voeten", n_resamples=300, seed=1, min_shared=20).set_index(["country_a", "country_b"])
    width = intervals["high"] - intervals["low"]
    assert intervals.loc[("A0", "MID"), "shared_votes"] == 40
    assert width[("A0", "MID")] > 2 * width[("A0", "B0")] or width[("A0", "B0")] == 0
    # below min_shared a pair has no value and no interval
    strict = agreement_intervals(few, "agreement", n_resamples=20, seed=1, min_shared=50).set_index(["country_a", "country_b"])
    assert strict.loc[("A0", "MID"), ["value", "low", "high"]].isna().all()


def test_a_state_between_two_blocs_has_confidence_near_half_and_tight_blocs_near_one():
    matrix = two_blocs_and_one_between(votes=61)
    agreement = agreement_matrix(matrix, "agreement", 1)
    blocs = cluster_countries(agreement, 2)
    result = bloc_uncertainty(matrix, blocs, "agreement", min_shared=1, n_resamples=400, seed=11)
    states = result.states.set_index("country_code")
    assert states.loc["MID", "confidence"] == pytest.approx(0.5, abs=0.1)
    assert bool(states.loc["MID", "on_edge"]) and states.loc["MID", "other_share"] == pytest.approx(1 - states.loc["MID", "confidence"])
    others = states.drop(index="MID")
    assert (others["confidence"] == 1.0).all() and not others["on_edge"].any()
    assert (states["placed"] == 400).all()
    # the bloc MID sits in loses it about half the time: Jaccard 6/6 or 5/6 → stability ≈ (1 + 5/6) / 2
    stability = result.blocs.set_index("bloc")["stability"]
    mid_bloc = states.loc["MID", "bloc"]
    assert stability[mid_bloc] == pytest.approx((1 + 5 / 6) / 2, abs=0.05)
    assert result.blocs["on_edge"].sum() == 1 and EDGE_CONFIDENCE == 0.8


def test_same_seed_same_result_other_seed_differs():
    matrix = two_blocs_and_one_between(votes=61)
    blocs = cluster_countries(agreement_matrix(matrix, "agreement", 1), 2)
    first = bloc_uncertainty(matrix, blocs, min_shared=1, n_resamples=50, seed=7).states
    again = bloc_uncertainty(matrix, blocs, min_shared=1, n_resamples=50, seed=7).states
    pd.testing.assert_frame_equal(first, again)
    intervals = [agreement_intervals(matrix, "kappa", n_resamples=50, seed=s, min_shared=1) for s in (7, 7, 8)]
    assert intervals[0].to_csv() == intervals[1].to_csv() and intervals[0].to_csv() != intervals[2].to_csv()


@pytest.mark.parametrize("metric", ["agreement", "voeten", "s_score", "kappa", "pi"])
def test_a_resample_drawing_every_roll_call_once_is_the_real_agreement_matrix(metric):
    """The per-pair counting (three cells for the distance measures, nine for kappa and pi) gives
    exactly `agreement_matrix`'s values, on a matrix with abstentions and absences."""
    rng = np.random.default_rng(2)
    matrix = pd.DataFrame(rng.choice([Y, A, N, np.nan], size=(9, 80), p=[0.5, 0.2, 0.2, 0.1]),
                          index=[f"S{i}" for i in range(9)]).rename_axis("country_code")
    from analysis.uncertainty import resampled_agreement

    got = resampled_agreement(matrix, np.ones(80), metric, min_shared=60)
    expected = agreement_matrix(matrix, metric, 60)
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-6, atol=1e-6)
    assert np.array_equal(got.attrs["shared"], expected.attrs["shared"])
    # drawing roll call 0 three times and 1 never is the matrix with those columns
    weights = np.ones(80)
    weights[0], weights[1] = 3, 0
    redrawn = matrix[[0, 0, 0] + list(range(2, 80))].T.reset_index(drop=True).T
    np.testing.assert_allclose(resampled_agreement(matrix, weights, metric, 1).to_numpy(),
                               agreement_matrix(redrawn, metric, 1).to_numpy(), rtol=1e-6, atol=1e-6)
