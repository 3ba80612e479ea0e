"""The straightforward way to compute the five agreement measures: one pandas merge per pair of states.

This is the baseline `bench_analysis.py` compares `analysis.agreement.pairwise_agreement` against;
it returns the same frame (one row per pair, country_a < country_b, shared_votes and the five
measures, NaN below `min_shared`) so the two can be checked for equality.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

VALUES = {"Y": 1.0, "A": 2.0, "N": 3.0}


def votes_by_country(votes: pd.DataFrame, *, non_voting: str = "exclude") -> dict[str, pd.DataFrame]:
    """Each state's cast votes (roll_call_id, value), Y=1 A=2 N=3, non-voting left out (or abstention)."""
    letters = votes["vote"].astype(str)
    if non_voting == "abstain":
        letters = letters.replace({"X": "A"})
    cast = pd.DataFrame({
        "roll_call_id": votes["roll_call_id"].to_numpy(),
        "country_code": votes["country_code"].astype(str).to_numpy(),
        "value": letters.map(VALUES).to_numpy(dtype=float),
    }).dropna(subset=["value"])
    return {code: group[["roll_call_id", "value"]] for code, group in cast.groupby("country_code", sort=True)}


def pair_measures(a: pd.DataFrame, b: pd.DataFrame, min_shared: int = 20) -> dict[str, float]:
    """The five measures of one pair, from a merge of their votes on roll_call_id."""
    both = a.merge(b, on="roll_call_id", suffixes=("_a", "_b"))
    n = len(both)
    row = {"shared_votes": n}
    if n < max(min_shared, 1):
        return row | {m: np.nan for m in ("agreement", "voeten", "s_score", "kappa", "pi")}
    x, y = both["value_a"], both["value_b"]
    observed = (x == y).mean()
    distance = (x - y).abs().mean()
    share_a = x.value_counts(normalize=True).reindex([1.0, 2.0, 3.0], fill_value=0.0)
    share_b = y.value_counts(normalize=True).reindex([1.0, 2.0, 3.0], fill_value=0.0)
    kappa_chance = float((share_a * share_b).sum())
    pi_chance = float((((share_a + share_b) / 2) ** 2).sum())
    return row | {
        "agreement": float(observed),
        "voeten": float(1 - distance / 2),
        "s_score": float(1 - 2 * distance / 2),
        "kappa": 1.0 if np.isclose(kappa_chance, 1.0) else float((observed - kappa_chance) / (1 - kappa_chance)),
        "pi": 1.0 if np.isclose(pi_chance, 1.0) else float((observed - pi_chance) / (1 - pi_chance)),
    }


def naive_pairwise_agreement(
    votes: pd.DataFrame,
    min_shared: int = 20,
    pairs: Iterable[tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """One row per pair of states that shared a vote (or per pair in `pairs`), as `pairwise_agreement`."""
    by_country = votes_by_country(votes)
    codes = sorted(by_country)
    if pairs is None:
        pairs = [(a, b) for i, a in enumerate(codes) for b in codes[i + 1:]]
    rows = []
    for a, b in pairs:
        measures = pair_measures(by_country[a], by_country[b], min_shared)
        if measures["shared_votes"] > 0:
            rows.append({"country_a": a, "country_b": b, **measures})
    return pd.DataFrame(rows, columns=["country_a", "country_b", "shared_votes", "agreement", "voeten", "s_score", "kappa", "pi"])
