"""How alike two countries vote: exact agreement, Voeten's agreement, the S-score, Cohen's kappa and
Scott's pi, for every pair of states at once.

All five come from one product of indicator matrices. With Z the stacked one-hot indicators
[Yes; Abstain; No] of the country × vote matrix (3n × v, float32), G = Z Zᵀ holds, for every pair
(i, j) and every pair of categories (c, c'), the number C[c, c'](i, j) of votes both cast on which i
voted c and j voted c' — the 3 × 3 contingency table of every pair. Everything else is arithmetic
on those tables. Counts below 2²⁴ are exact in float32, so the measures are exact too.

Worked example (the test's): A = Y Y Y N A Y N Y A Y, B = Y Y N N Y Y A Y A N, n = 10 shared votes.
Its table (rows A, columns B; order Y, A, N) is [[4, 0, 2], [1, 1, 0], [0, 1, 1]].

- **agreement** (exact): share of shared votes cast alike, p_o = ΣC[c, c] / n = 6/10 = 0.600.
- **voeten**: Y = 1, A = 2, N = 3; score 1 − |a − b| / 2 averaged over shared votes. The
  distances are 0 ×6, 1 ×2 (A–Y, N–A), 2 ×2 (Y–N twice): 1 − (6 / 2) / 10 = 0.700.
- **s_score** (Signorino & Ritter 1999): S = 1 − 2·Σ|a − b| / (n·d_max) with d_max = 2, the
  largest possible distance on the 3-point scale: 1 − 2·6 / (10·2) = 0.400. This is the linear
  (absolute-distance) S; the squared variant 1 − 2·Σd² / (n·d_max²) would give 1 − 20/40 = 0.500,
  not the 0.400 the literature's example reports. With d_max = 2 the S-score is an affine map of
  Voeten's score, S = 2·voeten − 1: same ranking, range [−1, 1] instead of [0, 1].
- **kappa** (Cohen): (p_o − p_e) / (1 − p_e) with p_e = Σ_c p_A(c)·p_B(c), each state's own
  shares over the shared votes. A: Y 6, A 2, N 2; B: Y 5, A 2, N 3 →
  p_e = .6·.5 + .2·.2 + .2·.3 = 0.40, kappa = 0.2 / 0.6 = 0.333.
- **pi** (Scott): the same with pooled shares, p_e = Σ_c ((p_A(c) + p_B(c)) / 2)²: pooled Y 11/20,
  A 4/20, N 5/20 → p_e = .3025 + .04 + .0625 = 0.405, pi = 0.195 / 0.595 = 0.328.

Kappa and pi correct for chance: the Assembly adopts most resolutions by lopsided Yes majorities,
so two states that always vote Yes "agree" 80 % of the time without any alignment; kappa and pi
count only agreement beyond what each state's (or their pooled) vote shares predict. When
p_e = 1 (both cast one and the same category on every shared vote) the chance-corrected measures
are undefined; they are set to 1 then (the states never differed).

A pair is scored only when it shares at least `min_shared` votes (default 20); below that the
value is NaN and no ranking uses it.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.matrix import SelectionError, check_country

METRICS: tuple[str, ...] = ("agreement", "voeten", "s_score", "kappa", "pi")
METRIC_LABELS: dict[str, str] = {
    "agreement": "exact agreement",
    "voeten": "Voeten's agreement",
    "s_score": "S-score",
    "kappa": "Cohen's kappa",
    "pi": "Scott's pi",
}
_Y, _A, _N = 0, 1, 2  # category order in the contingency tables (Y=1, A=2, N=3 in the matrix)


class UnknownMetric(SelectionError):
    """A metric name that is not one of METRICS."""


def check_metric(metric: str) -> str:
    """Return `metric` if it is one of METRICS, else raise `UnknownMetric` listing them."""
    if metric not in METRICS:
        raise UnknownMetric(f"Unknown metric {metric!r}; choose one of {', '.join(METRICS)}.")
    return metric


def contingency_tables(matrix: pd.DataFrame) -> np.ndarray:
    """Every pair's 3 × 3 table of shared votes: array (3, 3, n, n) of float64 counts.

    `tables[c, d, i, j]` is the number of roll calls on which country i (row i of `matrix`) voted
    c and country j voted d, categories ordered Y, A, N. One float32 matrix product does it all.
    """
    values = matrix.to_numpy(dtype=np.float32, copy=False)
    n = values.shape[0]
    stacked = np.empty((3 * n, values.shape[1]), dtype=np.float32)
    for category, value in enumerate((1.0, 2.0, 3.0)):
        stacked[category * n:(category + 1) * n] = values == value
    gram = stacked @ stacked.T
    return gram.reshape(3, n, 3, n).transpose(0, 2, 1, 3).astype(np.float64)


def _measures(tables: np.ndarray, metrics: Sequence[str]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    shared = tables.sum(axis=(0, 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        safe = np.where(shared > 0, shared, np.nan)
        same = tables[_Y, _Y] + tables[_A, _A] + tables[_N, _N]
        observed = same / safe
        out: dict[str, np.ndarray] = {}
        if {"voeten", "s_score"} & set(metrics):
            one_step = tables[_Y, _A] + tables[_A, _Y] + tables[_A, _N] + tables[_N, _A]
            two_steps = tables[_Y, _N] + tables[_N, _Y]
            mean_distance = (one_step + 2.0 * two_steps) / safe
            out["voeten"] = 1.0 - mean_distance / 2.0
            out["s_score"] = 1.0 - 2.0 * mean_distance / 2.0  # d_max = 2
        out["agreement"] = observed
        if {"kappa", "pi"} & set(metrics):
            own = tables.sum(axis=1) / safe  # (3, n, n): share of category c in i's votes shared with j
            other = tables.sum(axis=0) / safe  # j's shares over the same votes
            kappa_chance = (own * other).sum(axis=0)
            pi_chance = (((own + other) / 2.0) ** 2).sum(axis=0)
            for name, chance in (("kappa", kappa_chance), ("pi", pi_chance)):
                degenerate = np.isclose(chance, 1.0)
                value = (observed - chance) / np.where(degenerate, np.nan, 1.0 - chance)
                out[name] = np.where(degenerate & (shared > 0), 1.0, value)
    return shared, {name: out[name] for name in metrics}


def shared_votes(matrix: pd.DataFrame) -> pd.DataFrame:
    """Country × country: the number of roll calls on which both cast a Yes, No or Abstain."""
    present = matrix.notna().to_numpy(dtype=np.float32)
    counts = present @ present.T
    return pd.DataFrame(counts.astype(np.int64), index=matrix.index.copy(), columns=matrix.index.rename("partner_code"))


def agreement_matrix(matrix: pd.DataFrame, metric: str = "agreement", min_shared: int = 20) -> pd.DataFrame:
    """Country × country matrix of one measure (see the module docstring for the formulas).

    Rows and columns are the countries of `matrix`, in its order. A cell is NaN where the pair
    shares fewer than `min_shared` votes; the diagonal is 1 (a state always agrees with itself).
    `attrs["metric"]`, `attrs["min_shared"]` and `attrs["shared"]` (the shared-vote counts, array)
    travel with it.
    """
    check_metric(metric)
    shared, values = _measures(contingency_tables(matrix), (metric,))
    value = values[metric]
    value[shared < max(min_shared, 1)] = np.nan
    np.fill_diagonal(value, 1.0)
    frame = pd.DataFrame(value, index=matrix.index.copy(), columns=matrix.index.rename("partner_code"))
    frame.attrs.update(metric=metric, min_shared=int(min_shared), shared=shared.astype(np.int64))
    return frame


def pairwise_agreement(matrix: pd.DataFrame, metrics: Sequence[str] = METRICS, min_shared: int = 20) -> pd.DataFrame:
    """One row per pair of states that shared at least one vote, country_a < country_b.

    Columns: country_a, country_b, shared_votes, then one column per metric (NaN where the pair
    shared fewer than `min_shared` votes). Rows are sorted by country_a, country_b.
    """
    for metric in metrics:
        check_metric(metric)
    shared, values = _measures(contingency_tables(matrix), tuple(metrics))
    codes = matrix.index.astype(str).to_numpy()
    order = np.argsort(codes, kind="stable")
    codes = codes[order]
    shared = shared[np.ix_(order, order)]
    upper_a, upper_b = np.triu_indices(len(codes), k=1)
    counts = shared[upper_a, upper_b]
    keep = counts > 0
    upper_a, upper_b, counts = upper_a[keep], upper_b[keep], counts[keep]
    frame = pd.DataFrame({"country_a": codes[upper_a], "country_b": codes[upper_b], "shared_votes": counts.astype(np.int64)})
    too_few = counts < max(min_shared, 1)
    for metric in metrics:
        column = values[metric][np.ix_(order, order)][upper_a, upper_b]
        column[too_few] = np.nan
        frame[metric] = column
    return frame


def closest_partners(agreement: pd.DataFrame, country_code: str, n: int | None = 10, *, farthest: bool = False) -> pd.DataFrame:
    """The states that vote most (or, with `farthest`, least) like `country_code`.

    One row per partner: country_code (the partner), value (its agreement with the country),
    rank (1 = closest, or farthest). Pairs with too few shared votes (NaN) are left out; ties
    are broken by code so the order is reproducible. `n=None` returns every partner.
    """
    code = check_country(agreement.index.astype(str), country_code, "the agreement matrix")
    row = agreement.loc[code].drop(labels=code).dropna()
    frame = pd.DataFrame({"country_code": row.index.astype(str), "value": row.to_numpy()})
    frame = frame.sort_values(["value", "country_code"], ascending=[farthest, True], kind="stable")
    if n is not None:
        frame = frame.head(n)
    frame["rank"] = np.arange(1, len(frame) + 1)
    return frame.reset_index(drop=True)


def farthest_partners(agreement: pd.DataFrame, country_code: str, n: int | None = 10) -> pd.DataFrame:
    """The states that vote least like `country_code` (same rows as `closest_partners`)."""
    return closest_partners(agreement, country_code, n, farthest=True)


def complete_agreement(agreement: pd.DataFrame) -> pd.DataFrame:
    """The agreement matrix with no NaN, ready for clustering and the map.

    Rows and columns are countries, as in `agreement`, minus the states that share enough votes
    with fewer than half of the others (listed in `attrs["dropped"]`): a position estimated from a
    handful of comparisons is noise. The remaining NaN pairs (states that never sat together, such
    as the USSR and Russia over the whole record) are imputed from how alike their agreement
    profiles are: for every pair, the profile distance is the root-mean-square of a_ik − a_jk over
    the third states k observed with both; a straight line fitted on the observed pairs (agreement
    against profile distance) predicts the missing ones, clipped to the observed range. Two states that agree and
    disagree with the same third parties are placed close, which is what the map and the blocs
    need; `attrs["imputed_pairs"]` counts the imputed cells.
    """
    values = agreement.to_numpy(dtype=np.float64, copy=True)
    codes = agreement.index
    observed = ~np.isnan(values)
    np.fill_diagonal(observed, False)
    n = len(codes)
    enough = observed.sum(axis=1) >= (n - 1) / 2.0
    # Dropping one state changes the others' counts; repeat until stable (a few rounds at most).
    while n and not enough.all():
        keep = enough
        values, codes, observed = values[np.ix_(keep, keep)], codes[keep], observed[np.ix_(keep, keep)]
        n = len(codes)
        enough = observed.sum(axis=1) >= (n - 1) / 2.0
    dropped = sorted(set(agreement.index.astype(str)) - set(codes.astype(str)))
    missing = ~observed
    np.fill_diagonal(missing, False)
    imputed = int(missing.sum() // 2)
    if imputed:
        filled = np.where(observed, values, 0.0)
        mask = observed.astype(np.float64)
        # Σ_k m_ik·m_jk·(a_ik − a_jk)² expands into three matrix products, so the profile
        # distance of every pair costs a few milliseconds rather than an (n, n, n) array.
        squares = filled**2
        common = mask @ mask.T
        sum_squares = squares @ mask.T + mask @ squares.T - 2.0 * filled @ filled.T
        with np.errstate(invalid="ignore", divide="ignore"):
            profile = np.sqrt(np.clip(sum_squares, 0.0, None) / np.where(common > 0, common, np.nan))
        fit = observed & ~np.isnan(profile)
        slope, intercept = np.polyfit(profile[fit], values[fit], 1)
        guess = intercept + slope * profile
        low, high = np.nanmin(values[observed]), np.nanmax(values[observed])
        guess = np.clip(np.where(np.isnan(guess), np.nanmean(values[observed]), guess), low, high)
        values = np.where(missing, guess, values)
    np.fill_diagonal(values, 1.0)
    frame = pd.DataFrame(values, index=codes.copy(), columns=codes.rename("partner_code"))
    frame.attrs.update({key: value for key, value in agreement.attrs.items() if key != "shared"})
    frame.attrs.update(dropped=dropped, imputed_pairs=imputed)
    return frame


def measures_from_tables(tables: np.ndarray, metrics: Sequence[str] = METRICS) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(shared-vote counts, {metric: values}) from contingency tables shaped (3, 3, ...) as
    `contingency_tables` returns them, counts possibly weighted (a bootstrap resample's tables:
    `analysis.uncertainty`). Same formulas as `agreement_matrix`, no `min_shared` cut."""
    for metric in metrics:
        check_metric(metric)
    return _measures(tables, tuple(metrics))
