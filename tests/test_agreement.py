"""The five agreement measures: the hand-worked example, a direct pair-by-pair computation, and the
matrix helpers (shared votes, min_shared, partners, completion)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.agreement import (
    METRICS,
    UnknownMetric,
    agreement_matrix,
    closest_partners,
    complete_agreement,
    contingency_tables,
    farthest_partners,
    pairwise_agreement,
    shared_votes,
)
from analysis.matrix import UnknownCountry

CODE = {"Y": 1.0, "A": 2.0, "N": 3.0, "-": np.nan}


def matrix_of(rows: dict[str, str]) -> pd.DataFrame:
    """A vote matrix from {"AAA": "Y Y N - A"} (space-separated Y/A/N, "-" = did not vote)."""
    values = [[CODE[v] for v in line.split()] for line in rows.values()]
    return pd.DataFrame(values, index=pd.Index(list(rows), name="country_code"), dtype=np.float32)


# The hand-worked example. Worked by hand:
# pairs (A, B): YY YY YN NN AY YY NA YY AA YN → 6 alike → exact 0.6
# |a − b| with Y=1 A=2 N=3: 0 0 2 0 1 0 1 0 0 2 = 6 → Voeten 1 − 6 / (2·10) = 0.7, S = 1 − 2·6 / (10·2) = 0.4
# A: 6 Y, 2 A, 2 N; B: 5 Y, 2 A, 3 N → p_e(kappa) = .6·.5 + .2·.2 + .2·.3 = .40 → (.6 − .4) / .6 = 1/3
# pooled: Y 11/20, A 4/20, N 5/20 → p_e(pi) = .3025 + .04 + .0625 = .405 → (.6 − .405) / .595 = 0.3277
EXAMPLE = matrix_of({"AAA": "Y Y Y N A Y N Y A Y", "BBB": "Y Y N N Y Y A Y A N"})


def test_hand_worked_example_all_five_measures():
    expected = {"agreement": 0.600, "voeten": 0.700, "s_score": 0.400, "kappa": 0.333, "pi": 0.328}
    for metric, value in expected.items():
        got = agreement_matrix(EXAMPLE, metric, min_shared=10).loc["AAA", "BBB"]
        assert round(got, 3) == value, metric
    row = pairwise_agreement(EXAMPLE, min_shared=10).iloc[0]
    assert (row["country_a"], row["country_b"], row["shared_votes"]) == ("AAA", "BBB", 10)
    assert [round(row[m], 3) for m in METRICS] == [0.600, 0.700, 0.400, 0.333, 0.328]


def test_contingency_table_of_the_example():
    tables = contingency_tables(EXAMPLE)  # [c, d, i, j], order Y, A, N
    np.testing.assert_array_equal(tables[:, :, 0, 1], [[4, 0, 2], [1, 1, 0], [0, 1, 1]])
    np.testing.assert_array_equal(tables[:, :, 1, 0], np.array([[4, 0, 2], [1, 1, 0], [0, 1, 1]]).T)


def direct_measures(a: np.ndarray, b: np.ndarray) -> tuple[int, dict[str, float]]:
    """The five measures of one pair straight from their definitions, vote by vote."""
    both = ~np.isnan(a) & ~np.isnan(b)
    a, b = a[both], b[both]
    n = len(a)
    if n == 0:
        return 0, {}
    observed = float(np.mean(a == b))
    mean_distance = float(np.mean(np.abs(a - b)))
    share_a = [np.mean(a == c) for c in (1, 2, 3)]
    share_b = [np.mean(b == c) for c in (1, 2, 3)]
    kappa_chance = sum(x * y for x, y in zip(share_a, share_b))
    pi_chance = sum(((x + y) / 2) ** 2 for x, y in zip(share_a, share_b))
    return n, {
        "agreement": observed,
        "voeten": 1 - mean_distance / 2,
        "s_score": 1 - 2 * mean_distance / 2,
        "kappa": 1.0 if kappa_chance == 1 else (observed - kappa_chance) / (1 - kappa_chance),
        "pi": 1.0 if pi_chance == 1 else (observed - pi_chance) / (1 - pi_chance),
    }


def test_vectorised_measures_equal_the_direct_pair_by_pair_ones():
    rng = np.random.default_rng(3)
    values = rng.choice([1.0, 2.0, 3.0, np.nan], p=[0.6, 0.15, 0.15, 0.1], size=(12, 80)).astype(np.float32)
    values[5, :70] = np.nan  # a late joiner: 10 votes at most
    matrix = pd.DataFrame(values, index=pd.Index([f"C{i:02d}" for i in range(12)], name="country_code"))
    pairs = pairwise_agreement(matrix, min_shared=20).set_index(["country_a", "country_b"])
    for i in range(12):
        for j in range(i + 1, 12):
            n, direct = direct_measures(values[i].astype(float), values[j].astype(float))
            row = pairs.loc[(f"C{i:02d}", f"C{j:02d}")]
            assert row["shared_votes"] == n
            for metric in METRICS:
                if n < 20:
                    assert np.isnan(row[metric])
                else:
                    assert row[metric] == pytest.approx(direct[metric], abs=1e-12), (i, j, metric)


def test_min_shared_leaves_thin_pairs_unscored_and_diagonal_is_one():
    matrix = matrix_of({"AAA": "Y Y N A", "BBB": "Y N N -", "CCC": "- - - Y"})
    agreement = agreement_matrix(matrix, "agreement", min_shared=3)
    assert agreement.loc["AAA", "BBB"] == pytest.approx(2 / 3)
    assert np.isnan(agreement.loc["AAA", "CCC"]) and np.isnan(agreement.loc["BBB", "CCC"])
    assert (np.diag(agreement.to_numpy()) == 1).all()
    counts = shared_votes(matrix)
    assert counts.loc["AAA", "BBB"] == 3 and counts.loc["AAA", "CCC"] == 1 and counts.loc["BBB", "CCC"] == 0
    pairs = pairwise_agreement(matrix, min_shared=3)
    assert [tuple(p) for p in pairs[["country_a", "country_b"]].to_numpy()] == [("AAA", "BBB"), ("AAA", "CCC")]  # BBB–CCC shared nothing


def test_chance_corrected_measures_are_one_when_both_always_vote_alike_in_one_category():
    matrix = matrix_of({"AAA": "Y Y Y", "BBB": "Y Y Y"})
    assert agreement_matrix(matrix, "kappa", 1).loc["AAA", "BBB"] == 1.0
    assert agreement_matrix(matrix, "pi", 1).loc["AAA", "BBB"] == 1.0


def test_kappa_is_zero_for_independent_looking_voting():
    # A: Y Y N N, B: Y N Y N → p_o = .5, shares .5/.5 each → p_e = .5 → kappa 0; Voeten 1 − (0+2+2+0)/(2·4) = .5
    matrix = matrix_of({"AAA": "Y Y N N", "BBB": "Y N Y N"})
    assert agreement_matrix(matrix, "kappa", 1).loc["AAA", "BBB"] == pytest.approx(0.0)
    assert agreement_matrix(matrix, "voeten", 1).loc["AAA", "BBB"] == pytest.approx(0.5)
    assert agreement_matrix(matrix, "s_score", 1).loc["AAA", "BBB"] == pytest.approx(0.0)


def test_unknown_metric():
    with pytest.raises(UnknownMetric, match="kappa"):
        agreement_matrix(EXAMPLE, "cosine")


def test_closest_and_farthest_partners():
    matrix = matrix_of({"USA": "Y Y N N", "ISR": "Y Y N N", "GBR": "Y Y N A", "CUB": "N N Y Y"})
    agreement = agreement_matrix(matrix, min_shared=1)
    closest = closest_partners(agreement, "usa", n=2)
    assert closest.to_dict("list") == {"country_code": ["ISR", "GBR"], "value": [1.0, 0.75], "rank": [1, 2]}
    assert farthest_partners(agreement, "USA", n=1)["country_code"].tolist() == ["CUB"]
    with pytest.raises(UnknownCountry):
        closest_partners(agreement, "FRA")


def test_complete_agreement_imputes_from_profiles_and_drops_states_with_too_little_data():
    # OLD sat only in the first half, NEW only in the second: they never met. Both vote with W1/W2
    # against E1/E2, so their imputed agreement must be high. LONE voted once.
    matrix = matrix_of({
        "W1": "Y Y N N Y Y N N", "W2": "Y Y N N Y Y N A",
        "E1": "N N Y Y N N Y Y", "E2": "N N Y Y N A Y Y",
        "OLD": "Y Y N N - - - -", "NEW": "- - - - Y Y N N",
        "LONE": "Y - - - - - - -",
    })
    agreement = agreement_matrix(matrix, min_shared=3)
    complete = complete_agreement(agreement)
    assert complete.attrs["dropped"] == ["LONE"]
    assert complete.attrs["imputed_pairs"] == 1
    assert not complete.isna().any().any()
    assert complete.loc["OLD", "NEW"] == complete.loc["NEW", "OLD"]
    assert complete.loc["OLD", "NEW"] > complete.loc["OLD", "E1"] + 0.5
