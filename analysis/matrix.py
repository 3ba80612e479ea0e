"""Tidy votes → the country × roll-call matrix every measure works on, with the period, session,
topic and successor choices applied in one place.

The wide matrix is derived here and never stored (the tidy tables are the contract with the store).
"""
from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

# Voeten's ordinal coding: Yes < Abstain < No, one step apart, so |a - b| is a distance on the
# Assembly's one ordered scale.
VOTE_VALUES: dict[str, float] = {"Y": 1.0, "A": 2.0, "N": 3.0}
VOTE_LETTERS: dict[float, str] = {value: letter for letter, value in VOTE_VALUES.items()}

# Which successor continues a predecessor's seat when the store's successions table has no
# `continuator` column: the UN's own practice (Russia continued the USSR's seat; the FRY/Serbia and
# Montenegro and then Serbia continued Yugoslavia's; the Czech Republic is the usual continuation of
# Czechoslovakia in vote datasets). The GDR, South Yemen and Zanzibar are not here: Germany, Yemen
# and Tanzania continue the FRG's, North Yemen's and Tanganyika's own seats, which sat beside
# theirs, so merging them would put two seats' votes under one code.
DEFAULT_CONTINUATORS: dict[str, str] = {
    "SUN": "RUS",
    "YUG": "SCG",
    "SCG": "SRB",
    "CSK": "CZE",
}

NonVoting = Literal["exclude", "abstain"]


class SelectionError(ValueError):
    """A filter or argument that cannot select anything meaningful; the message says which and what to do."""


class EmptySelection(SelectionError):
    """A filter left no votes; the message names the filter."""


class UnknownCountry(SelectionError):
    """A country code that is not in the data being analysed."""


def resolve_continuators(successions: pd.DataFrame | None) -> dict[str, str]:
    """Map every predecessor code onto the code of the one state that continues it today.

    With a `continuator` column (True on the one continuing successor of each predecessor) that
    column decides; without it, `DEFAULT_CONTINUATORS` decides, and a predecessor with exactly one
    successor in the table maps onto it. Chains are followed to their end (YUG → SCG → SRB gives
    YUG → SRB and SCG → SRB). Predecessors split among several successors with none marked as the
    continuator are left alone (kept apart).
    """
    direct: dict[str, str] = {}
    if successions is not None and len(successions):
        table = successions
        if "continuator" in table.columns:
            flags = table["continuator"].map(_truthy)
            for row in table.loc[flags, ["predecessor_code", "successor_code"]].itertuples(index=False):
                direct[str(row.predecessor_code)] = str(row.successor_code)
        else:
            counts = table.groupby("predecessor_code")["successor_code"].nunique()
            for predecessor, successor in table[["predecessor_code", "successor_code"]].itertuples(index=False):
                predecessor, successor = str(predecessor), str(successor)
                if predecessor in DEFAULT_CONTINUATORS:
                    direct[predecessor] = DEFAULT_CONTINUATORS[predecessor]
                elif counts[predecessor] == 1:
                    direct[predecessor] = successor
    else:
        direct = dict(DEFAULT_CONTINUATORS)
    resolved: dict[str, str] = {}
    for predecessor in direct:
        seen = {predecessor}
        code = direct[predecessor]
        while code in direct and code not in seen:  # follow the chain; `seen` guards against a cycle in bad data
            seen.add(code)
            code = direct[code]
        resolved[predecessor] = code
    return resolved


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "t", "yes", "y"}
    return bool(value) and not pd.isna(value)


def merge_successor_votes(votes: pd.DataFrame, successions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Relabel predecessor states with the code of the successor that continues their seat.

    One row is one (roll call, member state) as in `load_votes`, with predecessor codes replaced
    (USSR's votes become RUS's). No vote is ever dropped: on a roll call where the successor has a
    row of its own (a state that sat beside its successor, as the GDR beside the FRG), the
    predecessor keeps its own code there. The China seat is not merged: the Republic of China's
    votes until 25 Oct 1971 (TWN) and the People's Republic's (CHN) are different governments with
    opposite alignments, as in Voeten's data; there is no succession row between them.
    """
    mapping = resolve_continuators(successions)
    categories = votes["country_code"].astype("category")
    merged_from = categories.isin(list(mapping)).to_numpy()
    if not merged_from.any():
        return votes
    labels = np.array([str(code) for code in categories.cat.categories], dtype=object)
    relabelled = np.array([mapping.get(code, code) for code in labels], dtype=object)
    codes = categories.cat.codes.to_numpy()
    target = relabelled[codes]
    # (roll call, code) pairs that already exist: a predecessor is relabelled only where its successor has no row.
    roll_call = votes["roll_call_id"].to_numpy()
    existing = pd.MultiIndex.from_arrays([roll_call[~merged_from], labels[codes[~merged_from]]])
    wanted = pd.MultiIndex.from_arrays([roll_call[merged_from], target[merged_from]])
    clash = np.zeros(len(votes), dtype=bool)
    clash[np.flatnonzero(merged_from)[wanted.isin(existing) | wanted.duplicated(keep=False)]] = True
    final = np.where(merged_from & ~clash, target, labels[codes])
    out = votes.copy()
    out["country_code"] = pd.Categorical(final)
    return out


def select_votes(
    votes: pd.DataFrame,
    *,
    start: str | None = None,
    end: str | None = None,
    sessions: Sequence[str] | None = None,
    roll_call_ids: Collection[int] | None = None,
    successions: pd.DataFrame | None = None,
    merge_successors: bool = False,
) -> pd.DataFrame:
    """The rows of `votes` (one per roll call × member state) inside the period, sessions and roll calls asked for.

    `start` and `end` are inclusive ISO dates (`"1992-01-01"`); `sessions` are session labels as
    the store writes them (`"75"`, `"ES-11"`). With `merge_successors`, predecessor codes are
    relabelled first (see `merge_successor_votes`). Raises `EmptySelection` naming the filter that left
    nothing, and `SelectionError` for a reversed period.
    """
    start_ts = _as_timestamp(start, "start")
    end_ts = _as_timestamp(end, "end")
    if start_ts is not None and end_ts is not None and start_ts > end_ts:
        raise SelectionError(f"The period is reversed: start {start_ts.date()} is after end {end_ts.date()}; swap them.")
    if votes.empty:
        raise EmptySelection("The store has no votes; import data first (python -m scraper import).")
    keep = np.ones(len(votes), dtype=bool)
    steps: list[tuple[str, np.ndarray]] = []
    if start_ts is not None:
        steps.append((f"from {start_ts.date()}", (votes["date"] >= start_ts).to_numpy()))
    if end_ts is not None:
        steps.append((f"to {end_ts.date()}", (votes["date"] <= end_ts).to_numpy()))
    if sessions is not None:
        wanted = [str(s) for s in sessions]
        session = votes["session"]
        if not isinstance(session.dtype, pd.CategoricalDtype):  # the store's is categorical: isin is then cheap
            session = session.astype(str)
        steps.append((f"sessions {', '.join(wanted)}", session.isin(wanted).to_numpy()))
    if roll_call_ids is not None:
        steps.append(("the roll calls asked for (topic or list)", votes["roll_call_id"].isin(list(roll_call_ids)).to_numpy()))
    applied: list[str] = []
    for label, mask in steps:
        keep &= mask
        applied.append(label)
        if not keep.any():
            raise EmptySelection(f"No votes left after filtering {' and '.join(applied)}; widen the selection.")
    selected = votes[keep] if not keep.all() else votes
    if merge_successors:
        selected = merge_successor_votes(selected, successions)
    return selected


def factorize_column(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and their labels (as str) of a column, cheap for the store's categoricals."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        column = column.astype("category")
    codes = column.cat.codes.to_numpy()
    labels = np.array([str(label) for label in column.cat.categories], dtype=object)
    return codes, labels


def _as_timestamp(value: object, name: str) -> pd.Timestamp | None:
    if value is None or value == "":
        return None
    try:
        return pd.Timestamp(value)
    except (ValueError, TypeError) as error:
        raise SelectionError(f"{name} {value!r} is not a date; write it as YYYY-MM-DD.") from error


def vote_matrix(
    votes: pd.DataFrame,
    *,
    start: str | None = None,
    end: str | None = None,
    sessions: Sequence[str] | None = None,
    roll_call_ids: Collection[int] | None = None,
    successions: pd.DataFrame | None = None,
    merge_successors: bool = False,
    non_voting: NonVoting = "exclude",
    drop_unanimous: bool = False,
) -> pd.DataFrame:
    """The country × roll-call matrix of one selection of votes.

    One row is one member state (index `country_code`, sorted); one column is one roll call
    (`roll_call_id`, in date order, then id). Values are float32: Y = 1, A = 2, N = 3, and NaN
    where the state was not a member or did not vote. With `non_voting="abstain"` a member present
    but not voting (X) counts as an abstention (2) instead — a choice some studies make because a
    deliberate absence is often a soft abstention; by default it is left out, never silently
    counted. `drop_unanimous` removes roll calls on which every state that voted voted the same
    way (they say nothing about who is close to whom, and inflate every pair's agreement).
    Filters are those of `select_votes`. `attrs["dates"]` holds each column's date.
    """
    if non_voting not in ("exclude", "abstain"):
        raise SelectionError(f"non_voting must be 'exclude' or 'abstain', not {non_voting!r}.")
    selected = select_votes(
        votes, start=start, end=end, sessions=sessions, roll_call_ids=roll_call_ids,
        successions=successions, merge_successors=merge_successors,
    )
    vote_codes, vote_categories = factorize_column(selected["vote"])
    unknown = sorted(set(vote_categories) - {"Y", "N", "A", "X"})
    if unknown:
        raise SelectionError(f"Unknown vote codes {unknown} in the votes; expected Y, N, A, X.")
    value_of = {**VOTE_VALUES, "X": VOTE_VALUES["A"] if non_voting == "abstain" else np.nan}
    values = np.array([value_of[letter] for letter in vote_categories] + [np.nan], dtype=np.float32)[vote_codes]

    calls = (
        selected[["roll_call_id", "date"]].drop_duplicates("roll_call_id")
        .sort_values(["date", "roll_call_id"], kind="stable")
    )
    call_ids = calls["roll_call_id"].to_numpy()
    country_codes, country_categories = factorize_column(selected["country_code"])
    if (country_codes < 0).any():
        raise SelectionError("Some votes have no country_code; rebuild the store (python -m scraper rebuild).")
    # Rows sorted by code: rank the (few) categories, not the (many) rows.
    order = np.argsort(country_categories, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    countries = country_categories[order]
    row = rank[country_codes]
    column = pd.Index(call_ids).get_indexer(selected["roll_call_id"].to_numpy())
    grid = np.full((len(countries), len(call_ids)), np.nan, dtype=np.float32)
    grid[row, column] = values

    dates = calls["date"].to_numpy()
    if drop_unanimous:
        lowest = np.nanmin(np.where(np.isnan(grid), np.inf, grid), axis=0)
        highest = np.nanmax(np.where(np.isnan(grid), -np.inf, grid), axis=0)
        divided = lowest < highest
        if not divided.any():
            raise EmptySelection("Every vote in the selection was unanimous; keep unanimous votes or widen the selection.")
        grid, call_ids, dates = grid[:, divided], call_ids[divided], dates[divided]
    # A state with no vote cast in the selection (only X, excluded) carries no information.
    present = ~np.isnan(grid).all(axis=1)
    grid, countries = grid[present], countries[present]
    if grid.shape[0] == 0:
        raise EmptySelection("No state cast a Yes, No or Abstain vote in the selection; widen it.")
    frame = pd.DataFrame(
        grid,
        index=pd.Index(countries, name="country_code"),
        columns=pd.Index(call_ids, name="roll_call_id"),
    )
    frame.attrs["dates"] = pd.Series(dates, index=call_ids)
    return frame


def check_country(codes: Collection[str], country_code: str, where: str = "the selection") -> str:
    """Return `country_code` upper-cased if it is among `codes`, else raise `UnknownCountry` saying where."""
    code = country_code.strip().upper()
    if code not in set(codes):
        raise UnknownCountry(
            f"Unknown country code {country_code!r} in {where}: use an ISO-3166 alpha-3 code "
            f"(USA, RUS) or a historical one (SUN, YUG) of a state that voted in it."
        )
    return code


def vote_letters(values: np.ndarray | pd.Series | Mapping) -> np.ndarray:
    """The Y / A / N letter of each matrix value (1 / 2 / 3), "" for NaN."""
    array = np.asarray(values, dtype=np.float32)
    out = np.full(array.shape, "", dtype=object)
    for value, letter in VOTE_LETTERS.items():
        out[array == value] = letter
    return out
