"""How much the blocs and a state's closest partners depend on choices the researcher makes: the
measure (exact agreement, Voeten's, Cohen's kappa), how "present but not voting" is treated (left
out, or counted as an abstention) and whether unanimous votes are dropped.

Each of the 3 × 2 × 2 = 12 variants is computed on the same selection of votes; the baseline is the
dashboard's default (exact agreement, non-voting left out, unanimous votes kept). Blocs are found
with the baseline's number of blocs in every variant, so a state that "moves" changed company, not
the count; each variant's bloc numbers are matched to the baseline's (`match_blocs`).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.agreement import METRIC_LABELS, agreement_matrix, closest_partners
from analysis.matrix import vote_matrix

MEASURES = ("agreement", "voeten", "kappa")
NON_VOTING = ("exclude", "abstain")
UNANIMOUS = (False, True)


class Variant(NamedTuple):
    """One way of computing the result: measure, non-voting treatment, unanimous votes dropped."""

    metric: str
    non_voting: str
    drop_unanimous: bool

    @property
    def label(self) -> str:
        words = [METRIC_LABELS[self.metric], "non-voting as abstention" if self.non_voting == "abstain" else "non-voting left out"]
        if self.drop_unanimous:
            words.append("unanimous votes dropped")
        return ", ".join(words)


BASELINE = Variant("agreement", "exclude", False)
VARIANTS: tuple[Variant, ...] = tuple(Variant(m, n, u) for m in MEASURES for n in NON_VOTING for u in UNANIMOUS)


def _agreements(votes: pd.DataFrame, min_shared: int, selection: Mapping) -> dict[Variant, pd.DataFrame]:
    """The agreement matrix of every variant (one vote matrix per non-voting × unanimous choice)."""
    out = {}
    for non_voting in NON_VOTING:
        for drop in UNANIMOUS:
            matrix = vote_matrix(votes, non_voting=non_voting, drop_unanimous=drop, **selection)
            for metric in MEASURES:
                out[Variant(metric, non_voting, drop)] = agreement_matrix(matrix, metric, min_shared)
    return out


def bloc_sensitivity(votes: pd.DataFrame, *, k: int | None = None, min_shared: int = 20,
                     names: Mapping[str, str] | None = None, **selection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(states, variants): how the blocs change across the 12 variants.

    `selection` goes to `vote_matrix` (start, end, sessions, roll_call_ids, successions, merge_successors).
    `states`: one row per state clustered in the baseline: country_code, bloc, bloc_name (baseline),
    moved (in how many of the 11 other variants it is in another bloc), share_moved (moved / variants
    in which it was clustered), moved_in ("; "-joined labels of those variants). Sorted by moved (most
    first), then code.
    `variants`: one row per variant: metric, non_voting, drop_unanimous, label, k (the baseline's),
    own_k (the number of blocs the silhouette would choose for this variant), moved (states in
    another bloc than in the baseline), adjusted_rand (agreement with the baseline partition: 1 = the
    same), baseline (True for the baseline row).
    """
    from sklearn.metrics import adjusted_rand_score

    from analysis.blocs import cluster_countries, match_blocs

    agreements = _agreements(votes, min_shared, selection)
    baseline = cluster_countries(agreements[BASELINE], k, names=names)
    k = int(baseline.attrs["k"])
    base_bloc = dict(zip(baseline["country_code"].astype(str), baseline["bloc"]))
    moved: dict[str, list[str]] = {code: [] for code in base_bloc}
    clustered = dict.fromkeys(base_bloc, 0)
    rows = []
    for variant in VARIANTS:
        agreement = agreements[variant]
        blocs = baseline if variant == BASELINE else match_blocs(baseline, cluster_countries(agreement, k, names=names))
        own_k = int(cluster_countries(agreement, None).attrs["k"]) if variant != BASELINE or k is None else k
        now = dict(zip(blocs["country_code"].astype(str), blocs["bloc"]))
        common = [code for code in base_bloc if code in now]
        changed = [code for code in common if now[code] != base_bloc[code]]
        for code in common:
            clustered[code] += variant != BASELINE
        for code in changed:
            moved[code].append(variant.label)
        rows.append({"metric": variant.metric, "non_voting": variant.non_voting, "drop_unanimous": variant.drop_unanimous,
                     "label": variant.label, "k": k, "own_k": own_k, "moved": len(changed),
                     "adjusted_rand": float(adjusted_rand_score([base_bloc[c] for c in common], [now[c] for c in common])),
                     "baseline": variant == BASELINE})
    states = baseline[["country_code", "bloc", "bloc_name"]].copy()
    states["moved"] = [len(moved[code]) for code in states["country_code"].astype(str)]
    with np.errstate(invalid="ignore", divide="ignore"):
        states["share_moved"] = states["moved"] / states["country_code"].astype(str).map(clustered).replace(0, np.nan)
    states["moved_in"] = ["; ".join(moved[code]) for code in states["country_code"].astype(str)]
    states = states.sort_values(["moved", "country_code"], ascending=[False, True], kind="stable").reset_index(drop=True)
    variants = pd.DataFrame(rows)
    for frame in (states, variants):
        frame.attrs.update(k=k, variants=len(VARIANTS))
    return states, variants


def partner_sensitivity(votes: pd.DataFrame, country_code: str, *, n: int = 10, min_shared: int = 20, **selection) -> pd.DataFrame:
    """How `country_code`'s closest partners change across the 12 variants.

    One row per partner that is among the `n` closest in at least one variant: partner_code,
    baseline_rank (its rank in the baseline, among all partners), best_rank, worst_rank (over the
    variants), in_top (in how many variants it is among the n closest), then one column of ranks per
    variant, named by its label. Sorted by baseline rank.
    """
    agreements = _agreements(votes, min_shared, selection)
    ranks = {}
    for variant, agreement in agreements.items():
        partners = closest_partners(agreement, country_code, None)
        ranks[variant.label] = dict(zip(partners["country_code"], partners["rank"]))
    base = ranks[BASELINE.label]
    shown = sorted({code for table in ranks.values() for code, rank in table.items() if rank <= n})
    rows = []
    for code in shown:
        per_variant = {variant.label: ranks[variant.label].get(code, np.nan) for variant in VARIANTS}
        values = np.array([value for value in per_variant.values() if not pd.isna(value)], dtype=float)
        rows.append({"partner_code": code, "baseline_rank": base.get(code, np.nan), "best_rank": values.min(),
                     "worst_rank": values.max(), "in_top": int((values <= n).sum()), **per_variant})
    frame = pd.DataFrame(rows)
    integer_columns = [c for c in frame.columns if c != "partner_code"]
    frame[integer_columns] = frame[integer_columns].astype("Int64")
    return frame.sort_values(["baseline_rank", "partner_code"], na_position="last", kind="stable").reset_index(drop=True)
