"""How sure the agreement scores and the blocs are: the bootstrap over roll calls.

Each resample draws as many roll calls as the selection has, with replacement (Efron's bootstrap),
from one seeded generator (`numpy.random.default_rng(seed)`), so the same seed gives the same
resamples and the same output. A roll call drawn twice counts twice: the contingency tables of every
pair are one weighted product of the vote indicators, Z·diag(w)·Zᵀ, with w the draw counts, so a
resample costs one matrix product and no copy of the vote matrix.

- **Agreement intervals**: for each pair, the value on the real votes and the percentile interval
  (default 95 %) of its values over the resamples; a pair that shares 12 votes gets a wide interval,
  one that shares 900 a narrow one.
- **Bloc confidence** (after Hennig 2007, "Cluster-wise assessment of cluster stability"): every
  resample is clustered with the same method and number of blocs as the real votes; its bloc
  numbers are matched to the real blocs (Hungarian algorithm on the overlaps, `match_blocs`). A
  state's *confidence* is the share of resamples in which it lands in its own bloc; a bloc's
  *stability* is the mean Jaccard similarity between it and its match in each resample (1 = the
  same members every time; Hennig reads ≥ 0.85 as stable, ≤ 0.5 as dissolved).

What the intervals assume: roll calls are exchangeable draws from the Assembly's agenda. They are
not quite (resolutions come in families voted the same day), so the intervals are on the narrow side;
they say how much a result rests on a few votes, not how a different agenda would have come out.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.agreement import check_metric, measures_from_tables

DEFAULT_RESAMPLES = 200
DEFAULT_LEVEL = 0.95
# A state in its bloc in fewer than 4 resamples out of 5 is "on the edge": another bloc would
# claim it after a modest change of the agenda.
EDGE_CONFIDENCE = 0.8


def resample_weights(n_roll_calls: int, n_resamples: int, seed: int) -> np.ndarray:
    """(n_resamples, n_roll_calls) array: how many times each roll call is drawn in each resample.

    Row r is the bootstrap resample r (draws with replacement, as many as there are roll calls);
    the same seed always gives the same array.
    """
    if n_resamples < 1:
        raise ValueError(f"n_resamples = {n_resamples}: at least one resample is needed.")
    if n_roll_calls < 1:
        raise ValueError("No roll calls to resample.")
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n_roll_calls, size=(n_resamples, n_roll_calls))
    cells = (draws + np.arange(n_resamples)[:, None] * n_roll_calls).ravel()
    return np.bincount(cells, minlength=n_resamples * n_roll_calls).reshape(n_resamples, n_roll_calls).astype(np.float32)


# Exact agreement, Voeten's agreement and the S-score depend only on how far apart the two votes
# are (0, 1 or 2 steps on Y–A–N), so three counts per pair carry them: put in cells (Y,Y), (Y,A)
# and (Y,N) of a table, the formulas of `agreement.py` read them right. Kappa and pi need all nine.
_DISTANCE_METRICS = ("agreement", "voeten", "s_score")
# One chunk's cell indicators (cells × pairs × roll calls, float32) stay under 10⁷ entries (40 MB):
# about 2,000 pairs of a decade, 400 of the whole record with kappa's nine cells.
_CHUNK_ENTRIES = 10_000_000


def _vote_codes(matrix: pd.DataFrame) -> np.ndarray:
    """Country × roll call as int8: 0 = Yes, 1 = Abstain, 2 = No, -1 = did not vote / not a member."""
    values = matrix.to_numpy(dtype=np.float32, copy=False)
    return np.where(np.isnan(values), -1, values - 1).astype(np.int8)


def _pair_tables(codes: np.ndarray, rows: np.ndarray, columns: np.ndarray, weights: np.ndarray, metric: str) -> np.ndarray:
    """Contingency tables (3, 3, resamples, pairs) of the pairs (rows[p], columns[p]) in every resample.

    Each pair's cells are sums over roll calls of (draw count × 1 if the pair voted that way): one
    matrix product, weights (resamples × roll calls) @ cell indicators (roll calls × pairs·cells), for
    all resamples at once. Far less work than every resample's full country × country product: each
    pair is counted once, not twice, and with three cells instead of nine where the measure allows.
    """
    a, b = codes[rows], codes[columns]  # (pairs, roll calls)
    both = (a >= 0) & (b >= 0)
    if metric in _DISTANCE_METRICS:
        steps = np.abs(a.astype(np.int8) - b)
        cells = [(0, 0, both & (steps == 0)), (0, 1, both & (steps == 1)), (0, 2, both & (steps == 2))]
    else:
        cells = [(c, d, both & (a == c) & (b == d)) for c in range(3) for d in range(3)]
    indicators = np.stack([mask for _, _, mask in cells]).astype(np.float32)  # (cells, pairs, roll calls)
    counts = weights @ indicators.reshape(-1, indicators.shape[-1]).T  # (resamples, cells·pairs)
    counts = counts.reshape(len(weights), len(cells), len(rows))
    tables = np.zeros((3, 3, len(weights), len(rows)))
    for index, (c, d, _) in enumerate(cells):
        tables[c, d] = counts[:, index]
    return tables


def _resampled_values(matrix: pd.DataFrame, weights: np.ndarray, metric: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(rows, columns, shared, values): for every pair i < j of `matrix`'s rows, the shared-vote count
    and the measure in every resample (arrays resamples × pairs; values NaN where nothing is shared)."""
    check_metric(metric)
    codes = _vote_codes(matrix)
    rows, columns = np.triu_indices(matrix.shape[0], k=1)
    shared = np.empty((len(weights), len(rows)), dtype=np.float32)
    values = np.empty((len(weights), len(rows)), dtype=np.float32)
    cells = 3 if metric in _DISTANCE_METRICS else 9
    per_chunk = max(16, _CHUNK_ENTRIES // (cells * max(matrix.shape[1], 1)))
    for first in range(0, len(rows), per_chunk):
        part = slice(first, first + per_chunk)
        tables = _pair_tables(codes, rows[part], columns[part], weights, metric)
        counts, measures = measures_from_tables(tables, (metric,))
        shared[:, part], values[:, part] = counts, measures[metric]
    return rows, columns, shared, values


def _square(n: int, rows: np.ndarray, columns: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """The symmetric n × n matrix with `upper` above the diagonal and 1 on it."""
    square = np.ones((n, n))
    square[rows, columns] = upper
    square[columns, rows] = upper
    return square


def resampled_agreement(matrix: pd.DataFrame, weights: np.ndarray, metric: str = "agreement",
                        min_shared: int = 20) -> pd.DataFrame:
    """The agreement matrix of one resample (`weights`: draw count of each roll call of `matrix`).

    Same rows, columns and diagonal as `agreement_matrix`; a pair that shares fewer than
    `min_shared` drawn votes is NaN. With weights all 1 it is `agreement_matrix` itself.
    """
    rows, columns, shared, values = _resampled_values(matrix, np.asarray(weights, dtype=np.float32)[None, :], metric)
    upper = np.where(shared[0] >= max(min_shared, 1), values[0], np.nan)
    frame = pd.DataFrame(_square(len(matrix), rows, columns, upper), index=matrix.index.copy(),
                         columns=matrix.index.rename("partner_code"))
    counts = _square(len(matrix), rows, columns, shared[0])
    np.fill_diagonal(counts, (_vote_codes(matrix) >= 0) @ np.asarray(weights, dtype=np.float64))  # votes each state cast
    frame.attrs.update(metric=metric, min_shared=int(min_shared), shared=np.rint(counts).astype(np.int64))
    return frame


def _column_quantiles(samples: np.ndarray, quantiles: tuple[float, ...]) -> list[np.ndarray]:
    """`np.nanquantile(samples, q, axis=0)` (linear interpolation) for each q, vectorised: one sort
    instead of a Python loop over 18,000 columns. All-NaN columns give NaN."""
    ordered = np.sort(samples, axis=0)  # NaN sort last
    finite = np.isfinite(samples).sum(axis=0)
    out = []
    for q in quantiles:
        position = q * np.maximum(finite - 1, 0)
        below = np.floor(position).astype(np.int64)
        above = np.minimum(below + 1, np.maximum(finite - 1, 0))
        low = np.take_along_axis(ordered, below[None, :], axis=0)[0].astype(np.float64)
        high = np.take_along_axis(ordered, above[None, :], axis=0)[0].astype(np.float64)
        value = low + (high - low) * (position - below)
        out.append(np.where(finite > 0, value, np.nan))
    return out


def agreement_intervals(
    matrix: pd.DataFrame,
    metric: str = "agreement",
    *,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    min_shared: int = 20,
    level: float = DEFAULT_LEVEL,
) -> pd.DataFrame:
    """One row per pair of states that shared at least one vote, country_a < country_b: country_a,
    country_b, shared_votes, value (the measure on the real votes), low and high (the percentile
    bootstrap interval at `level`), resamples (how many resamples scored the pair: it shared at least
    `min_shared` drawn votes in them). value, low and high are NaN where the pair shares fewer than
    `min_shared` real votes. Rows sorted by country_a, country_b; attrs: metric, level, n_resamples, seed.
    """
    check_metric(metric)
    if not 0 < level < 1:
        raise ValueError(f"level = {level}: an interval's level is a share between 0 and 1, e.g. 0.95.")
    real = np.ones((1, matrix.shape[1]), dtype=np.float32)
    weights = np.concatenate([real, resample_weights(matrix.shape[1], n_resamples, seed)])
    rows, columns, shared, values = _resampled_values(matrix, weights, metric)
    enough = max(min_shared, 1)
    samples = np.where(shared[1:] >= enough, values[1:], np.nan)
    tail = (1.0 - level) / 2.0
    low, high = _column_quantiles(samples, (tail, 1.0 - tail))
    codes = matrix.index.astype(str).to_numpy()
    first, second = np.minimum(codes[rows], codes[columns]), np.maximum(codes[rows], codes[columns])
    real_shared = np.rint(shared[0]).astype(np.int64)
    too_few = real_shared < enough
    frame = pd.DataFrame({
        "country_a": first, "country_b": second, "shared_votes": real_shared,
        "value": np.where(too_few, np.nan, values[0].astype(np.float64)),
        "low": np.where(too_few, np.nan, low), "high": np.where(too_few, np.nan, high),
        "resamples": np.isfinite(samples).sum(axis=0).astype(np.int64),
    })
    frame = frame[real_shared > 0].sort_values(["country_a", "country_b"], kind="stable").reset_index(drop=True)
    frame.attrs.update(metric=metric, level=level, n_resamples=n_resamples, seed=seed)
    return frame


class BlocUncertainty(NamedTuple):
    """`states`: one row per state (see `bloc_uncertainty`); `blocs`: one row per bloc."""

    states: pd.DataFrame
    blocs: pd.DataFrame


def bloc_uncertainty(
    matrix: pd.DataFrame,
    blocs: pd.DataFrame,
    metric: str = "agreement",
    *,
    method: str = "hierarchical",
    linkage: str = "ward",
    random_state: int = 0,
    min_shared: int = 20,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    names: dict[str, str] | None = None,
) -> BlocUncertainty:
    """How sure each state's bloc and each bloc are, from `n_resamples` bootstrap resamples of the roll calls.

    `blocs` is `cluster_countries` of the real votes (its k is kept in every resample).
    `states`, one row per state of `blocs`: country_code, bloc, bloc_name, confidence (share of the
    resamples placing the state in which it lands in its own bloc, after matching), placed (in how
    many resamples it had enough shared votes to be clustered), other_bloc and other_bloc_name (the
    bloc it lands in most often otherwise; empty if never), other_share (that share), on_edge
    (confidence < EDGE_CONFIDENCE). Sorted like `blocs`.
    `blocs`, one row per bloc: bloc, bloc_name, size, stability (mean Jaccard similarity with its match
    over the resamples), dissolved (share of resamples with a Jaccard similarity ≤ 0.5),
    mean_confidence (of its members), on_edge (members on the edge).
    """
    # Labels only: `cluster_countries` also names and describes the blocs, which would cost more
    # than the clustering itself 200 times over; these are its own distance and fitter.
    from scipy.optimize import linear_sum_assignment

    from analysis.agreement import complete_agreement
    from analysis.blocs import _distance, _fitter

    k = int(blocs.attrs.get("k", blocs["bloc"].nunique()))
    codes = blocs["country_code"].astype(str).tolist()
    position = {code: i for i, code in enumerate(codes)}
    reference = blocs["bloc"].to_numpy()
    bloc_ids = np.sort(blocs["bloc"].unique())
    landed = np.full((n_resamples, len(codes)), -1, dtype=np.int64)  # matched bloc per resample, -1 = not placed
    jaccard = np.zeros((n_resamples, len(bloc_ids)))
    weights = resample_weights(matrix.shape[1], n_resamples, seed)
    rows, columns, shared, values = _resampled_values(matrix, weights, metric)
    enough = max(min_shared, 1)
    for r in range(n_resamples):
        upper = np.where(shared[r] >= enough, values[r], np.nan)
        agreement = pd.DataFrame(_square(len(matrix), rows, columns, upper), index=matrix.index.astype(str),
                                 columns=matrix.index.astype(str))
        complete = complete_agreement(agreement)
        kept = [position.get(code, -1) for code in complete.index]
        if len(complete) < max(k, 2):
            continue  # too few states with enough shared votes in this resample: nobody placed
        labels = _fitter(method, linkage, _distance(complete), complete, random_state)(k)
        placed = np.array([i >= 0 for i in kept])
        labels, at = np.asarray(labels)[placed], np.array(kept)[placed]
        # Match this resample's blocs to the real ones: most states keeping their bloc (Hungarian).
        found = np.unique(labels)
        overlap = np.array([[np.sum((labels == f) & (reference[at] == b)) for b in bloc_ids] for f in found])
        chosen, matched = linear_sum_assignment(-overlap)
        mapping = {int(found[c]): int(bloc_ids[m]) for c, m in zip(chosen, matched)}
        landed[r, at] = [mapping.get(int(label), -2) for label in labels]  # -2: a bloc with no real match
        # Jaccard of each real bloc with its best match, over the states placed in this resample:
        # `overlap` holds every intersection; a real bloc's size is its column sum, a label's its row sum.
        in_bloc, in_label = overlap.sum(axis=0), overlap.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            best = (overlap / (in_bloc + in_label - overlap)).max(axis=0, initial=0.0)
        jaccard[r] = np.where(in_bloc > 0, best, 0.0)
    placed_count = (landed != -1).sum(axis=0)
    same = (landed == reference[None, :]).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        confidence = np.where(placed_count > 0, same / np.maximum(placed_count, 1), np.nan)
    name_of_bloc = dict(zip(blocs["bloc"], blocs["bloc_name"]))
    other_bloc, other_share = [], []
    for i in range(len(codes)):
        elsewhere = landed[:, i][(landed[:, i] >= 0) & (landed[:, i] != reference[i])]  # -2 (an unmatched bloc) counts as elsewhere, not named
        if len(elsewhere):
            values_, counts = np.unique(elsewhere, return_counts=True)
            best = int(values_[np.argmax(counts)])  # ties: the lower bloc number
            other_bloc.append(best)
            other_share.append(counts.max() / placed_count[i])
        else:
            other_bloc.append(pd.NA)
            other_share.append(0.0)
    states = pd.DataFrame({
        "country_code": codes, "bloc": reference, "bloc_name": blocs["bloc_name"].to_numpy(),
        "confidence": confidence, "placed": placed_count.astype(np.int64),
        "other_bloc": pd.array(other_bloc, dtype="Int64"),
    })
    states["other_bloc_name"] = [name_of_bloc.get(int(b), f"bloc {int(b)}") if b is not pd.NA else "" for b in other_bloc]
    states["other_share"] = np.asarray(other_share, dtype=np.float64)
    states["on_edge"] = states["confidence"] < EDGE_CONFIDENCE
    if names:
        states.insert(1, "name", states["country_code"].map(lambda code: names.get(code, code)))
    rows = []
    for b, bloc in enumerate(bloc_ids):
        members = states["bloc"] == bloc
        rows.append({"bloc": int(bloc), "bloc_name": name_of_bloc[bloc], "size": int(members.sum()),
                     "stability": float(jaccard[:, b].mean()), "dissolved": float((jaccard[:, b] <= 0.5).mean()),
                     "mean_confidence": float(states.loc[members, "confidence"].mean()),
                     "on_edge": int(states.loc[members, "on_edge"].sum())})
    summary = pd.DataFrame(rows)
    for frame in (states, summary):
        frame.attrs.update(metric=metric, k=k, n_resamples=n_resamples, seed=seed, edge=EDGE_CONFIDENCE)
    return BlocUncertainty(states, summary)
