"""What the blocs and the alignment map mean: the votes that split two blocs most, and the votes most
tied to each axis of the map, so a reader sees the politics behind the colours and the positions.

How "split" is measured: on each roll call, each bloc's members that cast a vote are a distribution
over Yes, Abstain and No; the **split** is the total-variation distance between the two blocs'
distributions, ½ Σ |share in A − share in B| over the three votes. It runs from 0 (the two blocs
voted in the same proportions) to 1 (every member of one bloc voted one way and every member of the
other another way) and reads as "the share of members that would have to change their vote for the
blocs to vote alike". Unlike a difference of Yes shares it sees a Yes/Abstain split as well as a
Yes/No one, and it needs no model. A roll call counts only if at least half of each bloc's members
(and at least one) cast a vote on it, so a split is never read from a handful of voters. The
Assembly votes on many resolutions every year under the same title; a list shows each title once
(its largest split, the most recent on a tie) with the number of times it was voted on, so ten
rows show ten different questions rather than one question ten years running.

How an axis is read: each roll call is coded Yes = +1, Abstain = 0, No = −1 for every state that
voted; its **tie to an axis** is the Pearson correlation between that coding and the states'
coordinates on the axis (states that did not vote left out; at least 20 voters). The votes with the
largest |correlation| are what the axis measures; the axis label in words names their most common
topic and says which side voted Yes.
"""
from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Mapping

import numpy as np
import pandas as pd

VOTE_CODES = {1.0: "Yes", 2.0: "Abstain", 3.0: "No"}  # the values of `analysis.matrix.vote_matrix`
REST = -1  # the bloc number that stands for "every state outside the other bloc"
MIN_VOTERS_ON_AXIS = 20


def vote_shares(values: np.ndarray) -> np.ndarray:
    """Shares of Yes, Abstain, No per column of a (members × roll calls) array coded 1/2/3 with NaN
    for no vote: a (3 × roll calls) array (NaN where nobody voted), and the number who voted."""
    counts = np.stack([(values == code).sum(axis=0) for code in (1.0, 2.0, 3.0)]).astype(np.float64)
    voted = counts.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return counts / voted, voted


def dividing_votes(
    matrix: pd.DataFrame,
    blocs: pd.DataFrame,
    roll_calls: pd.DataFrame,
    first: int,
    second: int = REST,
    *,
    top: int = 10,
    topics: Mapping[int, str] | None = None,
) -> pd.DataFrame:
    """The roll calls on which bloc `first` and bloc `second` (or, with `REST`, every other clustered
    state) voted most differently.

    `matrix` is country × roll call (1 = Yes, 2 = Abstain, 3 = No, NaN no vote) as
    `analysis.matrix.vote_matrix` returns; `blocs` has one row per clustered country (country_code,
    bloc); `roll_calls` one row per recorded vote (roll_call_id, symbol, date, title, undl_id);
    `topics` maps roll_call_id to a topic label.

    One row per question (title), largest split first (ties: the question voted on most often,
    then the most recent), at most `top`:
    roll_call_id, symbol, date, title, topic (of the roll call shown), split (0–1, see the module
    docstring), vote_first and vote_second (how each side voted, e.g. "Yes 96% · No 2% · Abstain
    2%"), majority_first and majority_second (each side's most common vote), times (roll calls in
    the selection under this title that qualify), undl_id. Empty when no roll call qualifies.
    """
    bloc_of = dict(zip(blocs["country_code"].astype(str), blocs["bloc"].astype(int)))
    codes = matrix.index.astype(str)
    in_first = np.array([bloc_of.get(code) == first for code in codes])
    if second == REST:
        in_second = np.array([code in bloc_of and bloc_of[code] != first for code in codes])
    else:
        in_second = np.array([bloc_of.get(code) == second for code in codes])
    columns = ["roll_call_id", "symbol", "date", "title", "topic", "split", "vote_first", "vote_second",
               "majority_first", "majority_second", "times", "undl_id"]
    if not in_first.any() or not in_second.any():
        return pd.DataFrame(columns=columns)
    values = matrix.to_numpy(dtype=np.float64)
    shares_a, voted_a = vote_shares(values[in_first])
    shares_b, voted_b = vote_shares(values[in_second])
    enough = (voted_a >= max(1, in_first.sum() / 2)) & (voted_b >= max(1, in_second.sum() / 2))
    split = 0.5 * np.abs(shares_a - shares_b).sum(axis=0)
    split = np.where(enough, split, np.nan)
    ids = matrix.columns.to_numpy()
    # all_dividing_votes reads the roll calls once for every pair
    calls = roll_calls if isinstance(roll_calls, _RollCallInfo) else _RollCallInfo.of(roll_calls, ids)
    question = calls.questions
    counted = Counter(q for q, finite in zip(question, np.isfinite(split)) if finite)
    times = np.array([counted.get(q, 1) if q else 1 for q in question])
    order, seen = [], set()
    # Ties (many votes split the blocs completely) go to the question asked most often, then the latest.
    for i in np.lexsort((-ids.astype(np.int64), -times, -np.round(np.nan_to_num(split, nan=-1.0), 9))):
        if not np.isfinite(split[i]) or len(order) == top:
            break
        if question[i] and question[i] in seen:
            continue
        seen.add(question[i])
        order.append(i)
    if not order:
        return pd.DataFrame(columns=columns)
    rows = []
    for i in order:
        call_id = int(ids[i])
        rows.append({
            "roll_call_id": call_id, "symbol": calls.symbols[i], "date": pd.Timestamp(calls.dates[i]),
            "title": calls.titles[i], "topic": (topics or {}).get(call_id, ""), "split": float(split[i]),
            "vote_first": describe_shares(shares_a[:, i]), "vote_second": describe_shares(shares_b[:, i]),
            "majority_first": majority(shares_a[:, i]), "majority_second": majority(shares_b[:, i]),
            "times": int(times[i]), "undl_id": calls.undl_ids[i],
        })
    return pd.DataFrame(rows, columns=columns)


class _RollCallInfo:
    """What a list of votes shows about each column of a vote matrix, as plain lists read once
    (looking rows up in the roll-call frame one by one cost more than the analysis)."""

    def __init__(self, symbols: list[str], dates: list, titles: list[str], undl_ids: list):
        self.symbols, self.dates, self.titles, self.undl_ids = symbols, dates, titles, undl_ids
        self.questions = [_question(title) for title in titles]

    @classmethod
    def of(cls, roll_calls: pd.DataFrame, ids: np.ndarray) -> _RollCallInfo:
        info = roll_calls.set_index("roll_call_id").reindex(ids)
        undl = info["undl_id"] if "undl_id" in info else pd.Series([None] * len(ids))
        return cls([str(symbol) for symbol in info["symbol"].tolist()], info["date"].to_numpy(),
                   [str(title) if isinstance(title, str) else "" for title in info["title"].tolist()],
                   [None if pd.isna(value) else int(value) for value in undl.tolist()])


@functools.lru_cache(maxsize=None)
def _question(title: str) -> str:
    """A title reduced to what stays the same from year to year: lower case, letters and digits only
    ("non-proliferation" and "non proliferation" are one question)."""
    return " ".join("".join(ch if ch.isalnum() else " " for ch in title.lower()).split())


def describe_shares(shares: np.ndarray) -> str:
    """"Yes 96% · No 3% · Abstain 1%": the votes cast, largest share first, rounded, zeros left out."""
    parts = sorted(((share, VOTE_CODES[code]) for share, code in zip(shares, (1.0, 2.0, 3.0)) if share > 0.005),
                   key=lambda part: -part[0])
    return " · ".join(f"{label} {share:.0%}" for share, label in parts)


def majority(shares: np.ndarray) -> str:
    """The most common vote ("Yes", "Abstain", "No"); ties go to Yes, then Abstain."""
    return VOTE_CODES[(1.0, 2.0, 3.0)[int(np.nanargmax(shares))]]


def bloc_pairs(blocs: pd.DataFrame) -> list[tuple[int, int]]:
    """Every pair of blocs (smaller number first), then each bloc against the rest (`REST`); with two
    blocs the "against the rest" pairs say the same as the one pair and are left out."""
    numbers = sorted(int(b) for b in blocs["bloc"].unique())
    pairs = [(a, b) for i, a in enumerate(numbers) for b in numbers[i + 1:]]
    if len(numbers) > 2:
        pairs += [(a, REST) for a in numbers]
    return pairs


def all_dividing_votes(
    matrix: pd.DataFrame,
    blocs: pd.DataFrame,
    roll_calls: pd.DataFrame,
    *,
    top: int = 10,
    topics: Mapping[int, str] | None = None,
) -> pd.DataFrame:
    """`dividing_votes` for every pair of `bloc_pairs`: one row per (pair, roll call), with the
    columns `first` and `second` (bloc numbers; `REST` = −1 for all other blocs) in front."""
    calls = _RollCallInfo.of(roll_calls, matrix.columns.to_numpy())
    frames = [dividing_votes(matrix, blocs, calls, a, b, top=top, topics=topics).assign(first=a, second=b)
              for a, b in bloc_pairs(blocs)]
    frames = [frame for frame in frames if not frame.empty]
    if not frames:
        return pd.DataFrame(columns=["first", "second", "roll_call_id", "symbol", "date", "title", "topic", "split",
                                     "vote_first", "vote_second", "majority_first", "majority_second", "times",
                                     "undl_id"])
    out = pd.concat(frames, ignore_index=True)
    return out[["first", "second", *[c for c in out.columns if c not in ("first", "second")]]]


def axis_votes(
    matrix: pd.DataFrame,
    coordinates: pd.DataFrame,
    roll_calls: pd.DataFrame,
    *,
    top: int = 10,
    topics: Mapping[int, str] | None = None,
) -> pd.DataFrame:
    """The roll calls most tied to each axis of the alignment map.

    `coordinates` has one row per state: country_code, x, y (`analysis.embedding.alignment_map`).
    One row per (axis, question), for axis "x" then "y", strongest tie first, at most `top` each
    (each title once, as in `dividing_votes`):
    axis, roll_call_id, symbol, date, title, topic, correlation (Pearson r of Yes = +1, Abstain = 0,
    No = −1 with the coordinate; positive: states on the positive side voted Yes), voters.
    """
    columns = ["axis", "roll_call_id", "symbol", "date", "title", "topic", "correlation", "voters"]
    placed = coordinates.set_index(coordinates["country_code"].astype(str))
    common = [code for code in matrix.index.astype(str) if code in placed.index]
    if len(common) < 3:
        return pd.DataFrame(columns=columns)
    values = matrix.loc[common].to_numpy(dtype=np.float64)
    voted = np.isin(values, (1.0, 2.0, 3.0)).astype(np.float64)
    position = np.select([values == 1.0, values == 3.0], [1.0, -1.0], 0.0)  # Abstain and no vote: 0
    counts = voted.sum(axis=0)
    ids = matrix.columns.to_numpy()
    calls = _RollCallInfo.of(roll_calls, ids)
    question = calls.questions
    # Pearson r over each roll call's voters, for every roll call at once: sums over voters are
    # products with the voted mask (a state that did not vote has position 0 and mask 0).
    place = placed.loc[common, ["x", "y"]].to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_place = place.T @ voted / counts
        mean_position = position.sum(axis=0) / counts
        covariance = place.T @ position / counts - mean_place * mean_position
        var_place = (place ** 2).T @ voted / counts - mean_place ** 2
        var_position = (position ** 2).sum(axis=0) / counts - mean_position ** 2
        correlations = covariance / np.sqrt(var_place * var_position)
    rows = []
    for number, axis in enumerate(("x", "y")):
        r = correlations[number]
        r = np.where((counts >= MIN_VOTERS_ON_AXIS) & np.isfinite(r) & (var_position > 1e-12), r, np.nan)
        order, seen = [], set()
        for i in np.lexsort((-ids.astype(np.int64), -np.nan_to_num(np.abs(r), nan=-1.0))):
            if not np.isfinite(r[i]) or len(order) == top:
                break
            if question[i] and question[i] in seen:
                continue
            seen.add(question[i])
            order.append(i)
        for i in order:
            rows.append({"axis": axis, "roll_call_id": int(ids[i]), "symbol": calls.symbols[i],
                         "date": pd.Timestamp(calls.dates[i]), "title": calls.titles[i], "topic": (topics or {}).get(int(ids[i]), ""),
                         "correlation": float(r[i]), "voters": int(counts[i])})
    return pd.DataFrame(rows, columns=columns)


def axis_label(tied: pd.DataFrame, axis: str, positive_side: str, negative_side: str) -> str:
    """An axis in words, from its most tied votes (`axis_votes`): e.g. "Mostly votes on the
    Palestinian conflict and human rights: states to the left voted Yes, states to the right No or
    abstained."

    `positive_side` / `negative_side` name the directions ("right"/"left", "top"/"bottom"). The
    topics are the two most common among the tied votes that have one (ties: first seen); which
    side voted Yes is the sign most of them share.
    """
    rows = tied[tied["axis"] == axis]
    if rows.empty:
        return f"No vote is clearly tied to the {axis} axis."
    labelled = [topic for topic in rows["topic"] if topic]
    common = pd.Series(labelled).value_counts(sort=True).index[:2].tolist() if labelled else []
    what = " and ".join(topic.lower().replace("palestinian", "Palestinian") for topic in common) if common else ""
    what = f"votes on {what}" if what else "votes"
    yes_side = positive_side if (rows["correlation"] > 0).sum() >= len(rows) / 2 else negative_side
    no_side = negative_side if yes_side == positive_side else positive_side
    return f"Mostly {what}: states to the {yes_side} voted Yes, states to the {no_side} No or abstained."


def topic_labels_by_roll_call(tags: pd.DataFrame, labels: Mapping[str, str]) -> dict[int, str]:
    """roll_call_id → the label of its best-scored topic, from topic tags (roll_call_id, topic,
    score, as `analysis.topics.cached_topic_tags`) and topic code → label."""
    if tags.empty:
        return {}
    best = tags.sort_values(["roll_call_id", "score"], ascending=[True, False]).drop_duplicates("roll_call_id")
    return {int(call): labels.get(str(topic), str(topic)) for call, topic in zip(best["roll_call_id"], best["topic"])}
