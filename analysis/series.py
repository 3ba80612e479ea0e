"""Recurring resolutions: the votes the Assembly repeats under the same title, year after year, and
the states that changed their vote from one to the next.

A series is a title chain of the ideal points (`analysis.idealpoints.bridge_key`: the title without
the Library's "resolution / adopted by the General Assembly" tail, case, punctuation and spacing
ignored), made visible. Titles that differ by a typo only (A/RES/59/11 reads "Unites States") join
the chain whose key they nearly equal (`difflib` ratio ≥ 0.97), so one slip of the pen does not cut
the Cuba-embargo series in two.
"""
from __future__ import annotations

import difflib
import re

import numpy as np
import pandas as pd

from analysis.idealpoints import _TITLE_TAIL, bridge_key, session_year

NEAR_SAME_TITLE = 0.97  # difflib ratio above which two keys are one title with a typo


def _words(text: str) -> list[str]:
    return re.findall(r"[0-9a-z]+", str(text).lower())


def find_series(roll_calls: pd.DataFrame, query: str, min_votes: int = 2) -> pd.DataFrame:
    """The recurring resolutions whose title contains every word of `query` (any order, case ignored),
    or the series of the resolution whose symbol `query` is (e.g. "A/RES/75/289").

    One row per series with at least `min_votes` recorded votes: series (its key), title (as last
    written), votes (number of roll calls), first_year, last_year (the years their sessions opened),
    last_symbol. Sorted by votes (most first), then key.
    """
    if not str(query).strip():
        raise ValueError("An empty query matches every resolution; give words of the title, e.g. \"Cuba embargo\".")
    keys = series_keys(roll_calls)
    from scraper.symbols import normalise_symbol

    symbols = roll_calls["symbol"].astype(str).map(normalise_symbol)
    by_symbol = keys[symbols == normalise_symbol(str(query).strip())]
    if len(by_symbol):
        matched = set(by_symbol)
    else:
        wanted = set(_words(query))
        matched = {key for key in set(keys) if key and wanted <= set(key.split())}
    calls = roll_calls.assign(series=keys.to_numpy(), year=_years(roll_calls))
    calls = calls[calls["series"].isin(matched)].sort_values(["date", "roll_call_id"], kind="stable")
    rows = []
    for key, group in calls.groupby("series", sort=False):
        if len(group) >= min_votes:
            rows.append({"series": key, "title": _clean_title(group["title"].iloc[-1]), "votes": len(group),
                         "first_year": int(group["year"].min()), "last_year": int(group["year"].max()),
                         "last_symbol": str(group["symbol"].iloc[-1])})
    frame = pd.DataFrame(rows, columns=["series", "title", "votes", "first_year", "last_year", "last_symbol"])
    return frame.sort_values(["votes", "series"], ascending=[False, True], kind="stable").reset_index(drop=True)


def series_keys(roll_calls: pd.DataFrame) -> pd.Series:
    """The series key of every roll call (aligned with `roll_calls`' rows): its `bridge_key`, with a key
    that differs from a more frequent one by a typo only replaced by that one; "" for an empty title."""
    keys = roll_calls["title"].fillna("").astype(str).map(bridge_key)
    counts = keys[keys != ""].value_counts()
    # Only keys seen a few times can be typos of a frequent one; compare those with keys of similar length.
    frequent: dict[str, list[str]] = {}
    for key in counts[counts >= 3].index:
        frequent.setdefault(key[:10], []).append(key)
    replace = {}
    for key in counts[counts < 3].index:
        candidates = [f for f in frequent.get(key[:10], []) if abs(len(f) - len(key)) <= 3]
        best = max(candidates, key=lambda f: difflib.SequenceMatcher(None, key, f).ratio(), default=None)
        if best is not None and difflib.SequenceMatcher(None, key, best).ratio() >= NEAR_SAME_TITLE:
            replace[key] = best
    return keys.replace(replace) if replace else keys


def _years(roll_calls: pd.DataFrame) -> np.ndarray:
    return np.array([session_year(str(s), d) for s, d in zip(roll_calls["session"].astype(str), roll_calls["date"])], dtype=int)


def _clean_title(title: str) -> str:
    return _TITLE_TAIL.sub("", str(title)).strip()


def series_roll_calls(roll_calls: pd.DataFrame, series: str) -> pd.DataFrame:
    """The roll calls of one series (a key from `find_series`), oldest first.

    One row per roll call: roll_call_id, symbol, date, year (its session's opening year), session,
    title, yes, no, abstain, non_voting (the tallies as the store holds them).
    """
    keys = series_keys(roll_calls)
    calls = roll_calls[(keys == series).to_numpy()].copy()
    if calls.empty:
        raise ValueError(f"No roll call belongs to the series {series[:60]!r}; find one with find_series.")
    calls.insert(3, "year", _years(calls))
    columns = ["roll_call_id", "symbol", "date", "year", "session", "title", "yes", "no", "abstain", "non_voting"]
    return calls[columns].sort_values(["date", "roll_call_id"], kind="stable").reset_index(drop=True)


def vote_changes(votes: pd.DataFrame, calls: pd.DataFrame, *, include_non_voting: bool = False) -> pd.DataFrame:
    """The states that changed their vote within a series of roll calls (`series_roll_calls`).

    Each state's votes on the series are taken in date order; a change is a vote that differs from
    the same state's previous one. By default only Yes, No and Abstain count, and a session it did
    not vote in (absent, or present but not voting) is skipped, so a state that voted Yes, missed a
    year, then voted No changed once, from Yes to No. With `include_non_voting`, "did not vote" (X)
    counts as a vote of its own.

    One row per change: country_code, from_year, from_symbol, from_vote, to_year, to_symbol, to_vote,
    from_roll_call_id, to_roll_call_id. Sorted by to-date, then code.
    """
    mine = votes[votes["roll_call_id"].isin(calls["roll_call_id"])][["roll_call_id", "country_code", "vote"]].copy()
    mine["vote"] = mine["vote"].astype(str)
    mine["country_code"] = mine["country_code"].astype(str)
    if not include_non_voting:
        mine = mine[mine["vote"].isin(["Y", "N", "A"])]
    order = {rc: i for i, rc in enumerate(calls["roll_call_id"])}
    mine["position"] = mine["roll_call_id"].map(order)
    mine = mine.sort_values(["country_code", "position"], kind="stable")
    previous = mine.groupby("country_code", sort=False).shift(1)
    changed = previous["vote"].notna() & (previous["vote"] != mine["vote"])
    info = calls.set_index("roll_call_id")
    before = previous.loc[changed, "roll_call_id"].astype(int).to_numpy()
    after = mine.loc[changed, "roll_call_id"].to_numpy()
    frame = pd.DataFrame({
        "country_code": mine.loc[changed, "country_code"].to_numpy(),
        "from_year": info.loc[before, "year"].to_numpy(), "from_symbol": info.loc[before, "symbol"].astype(str).to_numpy(),
        "from_vote": previous.loc[changed, "vote"].to_numpy(),
        "to_year": info.loc[after, "year"].to_numpy(), "to_symbol": info.loc[after, "symbol"].astype(str).to_numpy(),
        "to_vote": mine.loc[changed, "vote"].to_numpy(),
        "from_roll_call_id": before, "to_roll_call_id": after,
    })
    frame["position"] = frame["to_roll_call_id"].map(order)
    return frame.sort_values(["position", "country_code"], kind="stable").drop(columns="position").reset_index(drop=True)


def series_tallies(votes: pd.DataFrame, calls: pd.DataFrame) -> pd.DataFrame:
    """`calls` (one row per roll call of a series) with the count of each vote in the member lists
    (yes_listed, no_listed, abstain_listed, non_voting_listed) beside the stored tallies, and changes:
    how many states voted differently from their previous vote on the series (Yes / No / Abstain only)."""
    mine = votes[votes["roll_call_id"].isin(calls["roll_call_id"])]
    listed = pd.crosstab(mine["roll_call_id"], mine["vote"].astype(str))
    out = calls.copy()
    for letter, column in (("Y", "yes_listed"), ("N", "no_listed"), ("A", "abstain_listed"), ("X", "non_voting_listed")):
        out[column] = out["roll_call_id"].map(listed[letter] if letter in listed else {}).fillna(0).astype(np.int64)
    changes = vote_changes(votes, calls)
    out["changes"] = out["roll_call_id"].map(changes["to_roll_call_id"].value_counts()).fillna(0).astype(np.int64)
    return out
