"""Outliers: states alone against a near-unanimous Assembly, states far from their own bloc (and the
votes on which they broke from it), and states whose alignment moved most between two periods.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.agreement import agreement_matrix, check_metric, complete_agreement
from analysis.matrix import NonVoting, SelectionError, check_country, factorize_column, vote_letters, vote_matrix

_LONE_COLUMNS = ["roll_call_id", "symbol", "date", "country_code", "vote", "majority_vote", "majority_share", "dissenters", "dissenting_with"]

# The defaults of a lone dissent, used by the CLI and the dashboard alike.
MAX_DISSENTERS = 3
MIN_MAJORITY = 0.9


def lone_dissent_rule(max_dissenters: int = MAX_DISSENTERS, min_majority: float = MIN_MAJORITY,
                      include_abstentions: bool = False) -> str:
    """The rule `find_lone_dissenters` applies, in plain words (for captions, help texts and reports).

    >>> lone_dissent_rule()
    'at most 3 states voted against a side that cast at least 90 % of all Yes, No and Abstain votes'
    """
    against = "voted against or abstained on" if include_abstentions else "voted against"
    who = "only one state" if max_dissenters == 1 else f"at most {max_dissenters} states"
    return f"{who} {against} a side that cast at least {min_majority * 100:g} % of all Yes, No and Abstain votes"


def find_lone_dissenters(
    votes: pd.DataFrame,
    *,
    max_dissenters: int = MAX_DISSENTERS,
    min_majority: float = MIN_MAJORITY,
    include_abstentions: bool = False,
) -> pd.DataFrame:
    """The states that stood (nearly) alone against a near-unanimous Assembly.

    One row per (roll call, dissenting state): roll_call_id, symbol, date, country_code, vote,
    majority_vote (Y or N), majority_share, dissenters (how many dissented on that roll call),
    dissenting_with (all of them, `|`-joined, sorted). Sorted by date, symbol, country_code.

    The majority is the larger of the Yes and No sides, and its share is taken over **all votes
    cast** (Yes + No + Abstain; non-voting never counts): an Assembly in which many states abstain
    is not near-unanimous (A/RES/47/19, 59 Yes, 3 No, 71 Abstain, has a Yes side of 44 % and no
    lone dissenter). A roll call qualifies when that share is at least `min_majority` and 1 to
    `max_dissenters` states voted on the other side (No against a Yes majority, Yes against a No
    majority); those states are its dissenters. With `include_abstentions`, abstainers count as
    dissenters too (and towards `max_dissenters`). A state "stood alone" when `dissenters` is 1.
    """
    for column in ("roll_call_id", "symbol", "date", "country_code", "vote"):
        if column not in votes.columns:
            raise SelectionError(f"votes has no {column!r} column; pass the frame load_votes returns.")
    if max_dissenters < 1:
        raise SelectionError(f"max_dissenters={max_dissenters}: must be at least 1.")
    if not 0.5 < min_majority <= 1:
        raise SelectionError(f"min_majority={min_majority}: must be above 0.5 and at most 1 (a share of all votes cast).")
    vote_codes, vote_labels = factorize_column(votes["vote"])
    # 0 = Y, 1 = N, 2 = A, 3 = X or anything else; integers keep a million-row pass fast.
    lookup = np.array([{"Y": 0, "N": 1, "A": 2}.get(label, 3) for label in vote_labels] + [3], dtype=np.int8)
    vote = lookup[vote_codes]
    position, calls = pd.factorize(votes["roll_call_id"].to_numpy(), sort=True)
    yes, no, abstain = (np.bincount(position[vote == code], minlength=len(calls)) for code in (0, 1, 2))
    majority_is_yes = yes >= no
    majority = np.where(majority_is_yes, yes, no)
    other_side = np.where(majority_is_yes, no, yes)
    dissent = other_side + abstain if include_abstentions else other_side
    with np.errstate(invalid="ignore", divide="ignore"):
        share = majority / (yes + no + abstain)
    qualifies = (dissent >= 1) & (dissent <= max_dissenters) & (share >= min_majority)
    row_call = qualifies[position]
    majority_letter = np.where(majority_is_yes, "Y", "N")[position]
    opposite = np.where(majority_is_yes, 1, 0)[position]
    dissenting = row_call & ((vote == opposite) | (include_abstentions & (vote == 2)))
    rows = votes.loc[dissenting, ["roll_call_id", "symbol", "date", "country_code", "vote"]].copy()
    if rows.empty:
        return pd.DataFrame(columns=_LONE_COLUMNS)
    for column in ("symbol", "country_code", "vote"):
        rows[column] = rows[column].astype(str)
    rows["majority_vote"] = majority_letter[dissenting]
    rows["majority_share"] = share[position][dissenting]
    rows["dissenters"] = dissent[position][dissenting].astype(np.int64)
    together = rows.groupby("roll_call_id")["country_code"].agg(lambda codes: "|".join(sorted(codes)))
    rows["dissenting_with"] = rows["roll_call_id"].map(together)
    return rows.sort_values(["date", "symbol", "country_code"], kind="stable").reset_index(drop=True)[_LONE_COLUMNS]


def find_bloc_defectors(blocs: pd.DataFrame, agreement: pd.DataFrame, matrix: pd.DataFrame | None = None) -> pd.DataFrame:
    """How far each state sits from its own bloc.

    One row per clustered state: country_code, bloc, bloc_name, agreement_with_bloc (mean
    agreement with the bloc's other members), distance_from_centre (1 − that), z_score (that
    distance standardised within the bloc: how unusual the state is among its own), nearest_bloc
    (the other bloc it agrees with most), agreement_with_nearest, and with `matrix` votes_cast
    (its Yes / No / Abstain votes: a state far out on few votes is weak evidence). Sorted by z_score,
    highest first: the top rows are the defectors. Uses the completed agreement matrix (see
    `complete_agreement`); states of a bloc of one get NaN.
    """
    complete = complete_agreement(agreement)
    frame = blocs[["country_code", "bloc", "bloc_name"]].copy()
    frame = frame[frame["country_code"].isin(complete.index)].reset_index(drop=True)
    values = complete.loc[frame["country_code"], frame["country_code"]].to_numpy(dtype=np.float64)
    bloc = frame["bloc"].to_numpy()
    labels = np.unique(bloc)
    # mean agreement of every state with every bloc, excluding itself
    not_self = ~np.eye(len(bloc), dtype=bool)
    means = np.full((len(bloc), len(labels)), np.nan)
    for column, label in enumerate(labels):
        members = (bloc == label)[None, :] & not_self
        with np.errstate(invalid="ignore", divide="ignore"):
            means[:, column] = np.where(members, values, 0.0).sum(axis=1) / members.sum(axis=1)
    own = means[np.arange(len(bloc)), np.searchsorted(labels, bloc)]
    frame["agreement_with_bloc"] = own
    frame["distance_from_centre"] = 1.0 - own
    grouped = frame.groupby("bloc")["distance_from_centre"]
    spread = grouped.transform("std", ddof=0)
    frame["z_score"] = (frame["distance_from_centre"] - grouped.transform("mean")) / spread.where(spread > 0)
    others = means.copy()
    others[np.arange(len(bloc)), np.searchsorted(labels, bloc)] = -np.inf
    if len(labels) > 1:
        nearest = np.argmax(np.where(np.isnan(others), -np.inf, others), axis=1)
        frame["nearest_bloc"] = labels[nearest]
        frame["agreement_with_nearest"] = others[np.arange(len(bloc)), nearest]
    else:
        frame["nearest_bloc"] = pd.array([pd.NA] * len(frame), dtype="Int64")
        frame["agreement_with_nearest"] = np.nan
    if matrix is not None:
        cast = matrix.notna().sum(axis=1)
        frame["votes_cast"] = frame["country_code"].map(cast).fillna(0).astype(np.int64)
    return frame.sort_values(["z_score", "country_code"], ascending=[False, True], na_position="last", kind="stable").reset_index(drop=True)


def find_bloc_breaks(
    matrix: pd.DataFrame,
    blocs: pd.DataFrame,
    country_code: str,
    *,
    min_majority: float = 0.5,
    roll_calls: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The votes on which one state broke from its own bloc's majority.

    One row per roll call on which `country_code` voted and cast a different vote from the
    plurality of the other members of its bloc that voted, when that plurality held more than
    `min_majority` of them (a bloc split down the middle has no line to break): roll_call_id,
    date, country_code, vote, bloc, bloc_majority_vote, bloc_majority_share, bloc_voters; plus
    symbol and title when `roll_calls` (`load_roll_calls`) is given. Sorted by date.
    """
    code = check_country(blocs["country_code"], country_code, "the blocs")
    if code not in matrix.index:
        raise SelectionError(f"{code} is in the blocs but not in the vote matrix; pass the matrix the blocs were computed from.")
    bloc = blocs.loc[blocs["country_code"] == code, "bloc"].iloc[0]
    others = [c for c in blocs.loc[blocs["bloc"] == bloc, "country_code"] if c != code and c in matrix.index]
    own = matrix.loc[code].to_numpy(dtype=np.float32)
    sub = matrix.loc[others].to_numpy(dtype=np.float32)
    counts = np.stack([(sub == v).sum(axis=0) for v in (1.0, 2.0, 3.0)])
    voters = counts.sum(axis=0)
    top = counts.argmax(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = counts.max(axis=0) / voters
    majority_value = (top + 1).astype(np.float32)
    broke = ~np.isnan(own) & (voters > 0) & (share > min_majority) & (own != majority_value)
    dates = matrix.attrs.get("dates")
    frame = pd.DataFrame({
        "roll_call_id": matrix.columns.to_numpy()[broke],
        "date": dates.to_numpy()[broke] if dates is not None else pd.NaT,
        "country_code": code,
        "vote": vote_letters(own[broke]),
        "bloc": int(bloc),
        "bloc_majority_vote": vote_letters(majority_value[broke]),
        "bloc_majority_share": share[broke].astype(np.float64),
        "bloc_voters": voters[broke].astype(np.int64),
    })
    if roll_calls is not None:
        frame = frame.merge(roll_calls[["roll_call_id", "symbol", "title"]], on="roll_call_id", how="left")
    return frame.sort_values(["date", "roll_call_id"], kind="stable").reset_index(drop=True)


def find_movers(
    votes: pd.DataFrame,
    period_a: tuple[str, str],
    period_b: tuple[str, str],
    *,
    metric: str = "agreement",
    min_shared: int = 20,
    successions: pd.DataFrame | None = None,
    merge_successors: bool = False,
    non_voting: NonVoting = "exclude",
    drop_unanimous: bool = False,
    roll_call_ids: Sequence[int] | None = None,
    closest_metric: str | None = None,
) -> pd.DataFrame:
    """The states whose alignment changed most from `period_a` to `period_b` (each (start, end), ISO dates).

    One row per state that voted in both periods: country_code, shift, mean_change, toward,
    toward_change, away_from, away_change, closest_before, closest_after, partners, rank.
    A state's alignment is its row of the agreement matrix (its agreement with every other
    state); `shift` is the root-mean-square change of that row over the partners scored in both
    periods — how much the state's whole pattern of friendships moved, whatever the direction.
    `mean_change` is the signed average (positive: closer to the Assembly at large), `toward` /
    `away_from` the partner it moved most towards / away from, `partners` how many partners the
    comparison used. Ranked by shift, largest first. `closest_before` / `closest_after` are by
    `metric`, or by `closest_metric` when given: under exact agreement the closest partner is often
    a state that votes Yes on nearly everything, so callers showing "closest" pass a chance-corrected
    measure ("kappa").
    """
    check_metric(metric)
    options = dict(successions=successions, merge_successors=merge_successors, non_voting=non_voting,
                   drop_unanimous=drop_unanimous, roll_call_ids=roll_call_ids)
    if closest_metric is not None:
        check_metric(closest_metric)
    matrix_a = vote_matrix(votes, start=period_a[0], end=period_a[1], **options)
    matrix_b = vote_matrix(votes, start=period_b[0], end=period_b[1], **options)
    before, after = agreement_matrix(matrix_a, metric, min_shared), agreement_matrix(matrix_b, metric, min_shared)
    common = before.index.intersection(after.index).sort_values()
    if len(common) < 2:
        raise SelectionError("Fewer than two states voted in both periods; choose overlapping memberships.")
    a = before.loc[common, common].to_numpy(dtype=np.float64)
    b = after.loc[common, common].to_numpy(dtype=np.float64)
    change = b - a
    np.fill_diagonal(change, np.nan)
    valid = ~np.isnan(change)
    partners = valid.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        shift = np.sqrt(np.where(valid, change**2, 0.0).sum(axis=1) / partners)
        mean_change = np.where(valid, change, 0.0).sum(axis=1) / partners
    codes = common.astype(str).to_numpy()
    toward = np.nanargmax(np.where(valid, change, -np.inf), axis=1)
    away = np.nanargmin(np.where(valid, change, np.inf), axis=1)
    rows = np.arange(len(codes))

    if closest_metric not in (None, metric):
        a_close = agreement_matrix(matrix_a, closest_metric, min_shared).loc[common, common].to_numpy(dtype=np.float64)
        b_close = agreement_matrix(matrix_b, closest_metric, min_shared).loc[common, common].to_numpy(dtype=np.float64)
    else:
        a_close, b_close = a, b

    def closest(matrix_values: np.ndarray) -> np.ndarray:
        masked = matrix_values.copy()
        np.fill_diagonal(masked, -np.inf)
        masked = np.where(np.isnan(masked), -np.inf, masked)
        return codes[np.argmax(masked, axis=1)]

    frame = pd.DataFrame({
        "country_code": codes,
        "shift": shift,
        "mean_change": mean_change,
        "toward": codes[toward],
        "toward_change": change[rows, toward],
        "away_from": codes[away],
        "away_change": change[rows, away],
        "closest_before": closest(a_close),
        "closest_after": closest(b_close),
        "partners": partners.astype(np.int64),
    })
    frame = frame[partners > 0].sort_values(["shift", "country_code"], ascending=[False, True], kind="stable").reset_index(drop=True)
    frame["rank"] = np.arange(1, len(frame) + 1)
    frame.attrs.update(metric=metric, closest_metric=closest_metric or metric, period_a=tuple(period_a), period_b=tuple(period_b))
    return frame


def find_ideal_point_movers(
    ideal_points: pd.DataFrame,
    period_a: tuple[str, str],
    period_b: tuple[str, str],
) -> pd.DataFrame:
    """The states whose ideal point moved most between two periods (each (start, end), ISO dates).

    `ideal_points` is `estimate_ideal_points`' frame (one row per country_code, year). One row per
    state with ideal points in both periods: country_code, ideal_point_before, ideal_point_after
    (means over the years of each period), shift (after − before; positive = towards the United
    States' side), z (shift over its standard error, from the yearly standard errors treated as
    independent), rank (by |shift|, largest first).
    """
    def period_mean(span: tuple[str, str]) -> pd.DataFrame:
        first, last = pd.Timestamp(span[0]).year, pd.Timestamp(span[1]).year
        rows = ideal_points[(ideal_points["year"] >= first) & (ideal_points["year"] <= last)]
        grouped = rows.assign(country_code=rows["country_code"].astype(str), variance=rows["se"] ** 2).groupby("country_code")
        return pd.DataFrame({
            "mean": grouped["ideal_point"].mean(),
            "variance": grouped["variance"].sum() / grouped.size() ** 2,
        })

    before, after = period_mean(period_a), period_mean(period_b)
    joined = before.add_suffix("_before").join(after.add_suffix("_after"), how="inner")
    if joined.empty:
        raise SelectionError("No state has ideal points in both periods; choose years the store covers.")
    shift = joined["mean_after"] - joined["mean_before"]
    frame = pd.DataFrame({
        "country_code": joined.index.astype(str),
        "ideal_point_before": joined["mean_before"].to_numpy(),
        "ideal_point_after": joined["mean_after"].to_numpy(),
        "shift": shift.to_numpy(),
        "z": (shift / np.sqrt(joined["variance_before"] + joined["variance_after"])).to_numpy(),
    })
    frame = frame.assign(size=frame["shift"].abs()).sort_values(["size", "country_code"], ascending=[False, True], kind="stable")
    frame = frame.drop(columns="size").reset_index(drop=True)
    frame["rank"] = np.arange(1, len(frame) + 1)
    return frame
