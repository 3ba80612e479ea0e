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
    weights = np.zeros((n_resamples, n_roll_calls), dtype=np.float32)
    np.add.at(weights, (np.repeat(np.arange(n_resamples), n_roll_calls), draws.ravel()), 1.0)
    return weights


def _indicators(matrix: pd.DataFrame) -> np.ndarray:
    """The stacked Yes / Abstain / No indicators (3n × v, float32) of a country × roll-call matrix."""
    values = matrix.to_numpy(dtype=np.float32, copy=False)
    return np.concatenate([values == code for code in (1.0, 2.0, 3.0)]).astype(np.float32)


def _weighted_tables(indicators: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Every pair's 3 × 3 table of one resample: array (3, 3, n, n); roll calls counted `weights` times."""
    drawn = weights > 0  # about a third of the roll calls are not drawn: skip their columns
    part = indicators[:, drawn]
    gram = (part * weights[drawn]) @ part.T
    n = indicators.shape[0] // 3
    return gram.reshape(3, n, 3, n).transpose(0, 2, 1, 3).astype(np.float64)


def resampled_agreement(matrix: pd.DataFrame, weights: np.ndarray, metric: str = "agreement",
                        min_shared: int = 20) -> pd.DataFrame:
    """The agreement matrix of one resample (`weights`: draw count of each roll call of `matrix`).

    Same rows, columns, diagonal and attrs as `agreement_matrix`; a pair that shares fewer than
    `min_shared` drawn votes is NaN.
    """
    check_metric(metric)
    shared, values = measures_from_tables(_weighted_tables(_indicators(matrix), weights), (metric,))
    return _as_agreement_frame(matrix, shared, values[metric], metric, min_shared)


def _as_agreement_frame(matrix: pd.DataFrame, shared: np.ndarray, value: np.ndarray, metric: str, min_shared: int) -> pd.DataFrame:
    value = np.array(value, dtype=np.float64)
    value[shared < max(min_shared, 1)] = np.nan
    np.fill_diagonal(value, 1.0)
    frame = pd.DataFrame(value, index=matrix.index.copy(), columns=matrix.index.rename("partner_code"))
    frame.attrs.update(metric=metric, min_shared=int(min_shared), shared=np.rint(shared).astype(np.int64))
    return frame


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
    indicators = _indicators(matrix)
    n = matrix.shape[0]
    codes = matrix.index.astype(str).to_numpy()
    order = np.argsort(codes, kind="stable")
    upper_a, upper_b = np.triu_indices(n, k=1)
    rows, columns = order[upper_a], order[upper_b]  # pairs in code order
    shared, real = measures_from_tables(_weighted_tables(indicators, np.ones(matrix.shape[1], dtype=np.float32)), (metric,))
    shared_pairs = np.rint(shared[rows, columns]).astype(np.int64)
    keep = shared_pairs > 0
    rows, columns, shared_pairs = rows[keep], columns[keep], shared_pairs[keep]
    samples = np.full((n_resamples, len(rows)), np.nan, dtype=np.float32)
    for r, weights in enumerate(resample_weights(matrix.shape[1], n_resamples, seed)):
        drawn_shared, values = measures_from_tables(_weighted_tables(indicators, weights), (metric,))
        value = values[metric][rows, columns]
        samples[r] = np.where(drawn_shared[rows, columns] >= max(min_shared, 1), value, np.nan)
    scored = np.isfinite(samples)
    tail = (1.0 - level) / 2.0
    with np.errstate(invalid="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: pairs never scored
            low, high = np.nanquantile(samples, [tail, 1.0 - tail], axis=0)
    too_few = shared_pairs < max(min_shared, 1)
    value = real[metric][rows, columns].astype(np.float64)
    frame = pd.DataFrame({
        "country_a": codes[rows], "country_b": codes[columns], "shared_votes": shared_pairs,
        "value": np.where(too_few, np.nan, value),
        "low": np.where(too_few, np.nan, low.astype(np.float64)),
        "high": np.where(too_few, np.nan, high.astype(np.float64)),
        "resamples": scored.sum(axis=0).astype(np.int64),
    })
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
    from analysis.blocs import cluster_countries, match_blocs

    k = int(blocs.attrs.get("k", blocs["bloc"].nunique()))
    codes = blocs["country_code"].astype(str).tolist()
    position = {code: i for i, code in enumerate(codes)}
    reference = blocs["bloc"].to_numpy()
    bloc_ids = np.sort(blocs["bloc"].unique())
    landed = np.full((n_resamples, len(codes)), -1, dtype=np.int64)  # matched bloc per resample, -1 = not placed
    jaccard = np.zeros((n_resamples, len(bloc_ids)))
    indicators = _indicators(matrix)
    for r, weights in enumerate(resample_weights(matrix.shape[1], n_resamples, seed)):
        shared, values = measures_from_tables(_weighted_tables(indicators, weights), (metric,))
        agreement = _as_agreement_frame(matrix, shared, values[metric], metric, min_shared)
        try:
            resampled = cluster_countries(agreement, min(k, len(agreement)), method=method, linkage=linkage,
                                          random_state=random_state)
        except ValueError:
            continue  # too few states left in this resample: nobody placed
        matched = match_blocs(blocs, resampled)
        for code, bloc in zip(matched["country_code"].astype(str), matched["bloc"]):
            if code in position:
                landed[r, position[code]] = bloc
        for b, bloc in enumerate(bloc_ids):
            members = reference == bloc
            placed = landed[r] >= 0
            mine = members & placed
            if not mine.any():
                continue
            # the resample's bloc that best matches this one, among the states placed in both
            best = 0.0
            for other in np.unique(landed[r][mine]):
                theirs = (landed[r] == other) & placed
                best = max(best, (mine & theirs).sum() / (mine | theirs).sum())
            jaccard[r, b] = best
    placed_count = (landed >= 0).sum(axis=0)
    same = (landed == reference[None, :]).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        confidence = np.where(placed_count > 0, same / np.maximum(placed_count, 1), np.nan)
    name_of_bloc = dict(zip(blocs["bloc"], blocs["bloc_name"]))
    other_bloc, other_share = [], []
    for i in range(len(codes)):
        elsewhere = landed[:, i][(landed[:, i] >= 0) & (landed[:, i] != reference[i])]
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
