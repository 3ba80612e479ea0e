"""vote_matrix and successor merging, on tiny hand-made vote frames in the store's shape."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.matrix import (
    DEFAULT_CONTINUATORS,
    EmptySelection,
    SelectionError,
    UnknownCountry,
    check_country,
    merge_successor_votes,
    resolve_continuators,
    select_votes,
    vote_matrix,
)


def make_votes(table: dict[int, dict[str, str]], dates: dict[int, str] | None = None, sessions: dict[int, str] | None = None) -> pd.DataFrame:
    """Votes in load_votes' shape from {roll_call_id: {country_code: vote}}."""
    rows = []
    for roll_call_id, cast in table.items():
        date = (dates or {}).get(roll_call_id, f"2000-01-{roll_call_id:02d}")
        session = (sessions or {}).get(roll_call_id, "54")
        for code, vote in cast.items():
            rows.append({"roll_call_id": roll_call_id, "symbol": f"A/RES/54/{roll_call_id}", "date": pd.Timestamp(date),
                         "session": session, "country_code": code, "vote": vote})
    frame = pd.DataFrame(rows)
    frame["country_code"] = pd.Categorical(frame["country_code"])
    frame["vote"] = pd.Categorical(frame["vote"], categories=["Y", "N", "A", "X"])
    return frame


VOTES = make_votes({
    1: {"USA": "Y", "CUB": "N", "FRA": "A"},
    2: {"USA": "N", "CUB": "X", "FRA": "N"},
    3: {"USA": "Y", "CUB": "Y", "FRA": "Y"},
    4: {"USA": "A", "FRA": "Y"},  # CUB absent (not a member that day, say)
})


def test_codes_yes_1_abstain_2_no_3_and_nan_for_absent_or_not_voting():
    matrix = vote_matrix(VOTES)
    assert list(matrix.index) == ["CUB", "FRA", "USA"]
    assert list(matrix.columns) == [1, 2, 3, 4]
    assert matrix.dtypes.unique().tolist() == [np.float32]
    expected = pd.DataFrame(
        [[3, np.nan, 1, np.nan], [2, 3, 1, 1], [1, 3, 1, 2]],
        index=["CUB", "FRA", "USA"], columns=[1, 2, 3, 4], dtype=np.float32,
    )
    np.testing.assert_array_equal(matrix.to_numpy(), expected.to_numpy())


def test_non_voting_counted_as_abstention_only_when_asked():
    matrix = vote_matrix(VOTES, non_voting="abstain")
    assert matrix.loc["CUB", 2] == 2.0
    assert np.isnan(matrix.loc["CUB", 4])  # absence is never an abstention


def test_drop_unanimous_removes_votes_everyone_cast_alike():
    # roll call 3: all Yes; roll call 2: both votes cast were No (Cuba did not vote)
    assert list(vote_matrix(VOTES, drop_unanimous=True).columns) == [1, 4]
    # counting Cuba's non-vote as an abstention makes roll call 2 divided
    assert list(vote_matrix(VOTES, drop_unanimous=True, non_voting="abstain").columns) == [1, 2, 4]


def test_period_and_session_filters():
    votes = make_votes({1: {"USA": "Y"}, 2: {"USA": "N"}, 3: {"USA": "A"}},
                       dates={1: "1999-12-31", 2: "2000-06-01", 3: "2001-01-01"},
                       sessions={1: "54", 2: "54", 3: "55"})
    assert list(vote_matrix(votes, start="2000-01-01", end="2000-12-31").columns) == [2]
    assert list(vote_matrix(votes, sessions=["54"]).columns) == [1, 2]
    assert list(vote_matrix(votes, roll_call_ids=[3]).columns) == [3]
    with pytest.raises(EmptySelection, match="from 2002-01-01"):
        vote_matrix(votes, start="2002-01-01")
    with pytest.raises(EmptySelection, match="sessions 99"):
        vote_matrix(votes, sessions=["99"])
    with pytest.raises(SelectionError, match="reversed"):
        vote_matrix(votes, start="2001-01-01", end="2000-01-01")


def test_drop_unanimous_on_all_unanimous_selection_says_so():
    with pytest.raises(EmptySelection, match="unanimous"):
        vote_matrix(VOTES, roll_call_ids=[3], drop_unanimous=True)


SUCCESSIONS = pd.DataFrame({
    "predecessor_code": ["SUN", "SUN", "YUG", "YUG", "SCG", "DDR"],
    "successor_code": ["RUS", "UKR", "SCG", "HRV", "SRB", "DEU"],
    "date": pd.to_datetime(["1991-12-26", "1991-12-26", "1992-04-27", "1992-04-27", "2006-06-03", "1990-10-03"]),
    "kind": ["dissolution", "dissolution", "dissolution", "dissolution", "dissolution", "absorption"],
    "continuator": [True, False, True, False, True, True],
})


def test_continuators_follow_chains_and_the_continuator_column():
    mapping = resolve_continuators(SUCCESSIONS)
    assert mapping == {"SUN": "RUS", "YUG": "SRB", "SCG": "SRB", "DDR": "DEU"}


def test_without_continuator_column_the_default_map_decides():
    mapping = resolve_continuators(SUCCESSIONS.drop(columns="continuator"))
    assert mapping["SUN"] == "RUS" and mapping["YUG"] == "SRB" and mapping["DDR"] == "DEU"
    assert resolve_continuators(None)["CSK"] == "CZE"
    # Only successors that continue the predecessor's seat: not Germany (the FRG's seat), Yemen, Tanzania.
    assert set(DEFAULT_CONTINUATORS) == {"SUN", "YUG", "SCG", "CSK"}


def test_merge_successors_joins_series_and_never_drops_a_vote_on_overlap():
    votes = make_votes({
        1: {"SUN": "N", "UKR": "N", "DDR": "N", "DEU": "Y"},  # GDR and FRG both members
        2: {"RUS": "Y", "UKR": "A", "DEU": "Y"},
        3: {"YUG": "A", "SCG": "N"},  # two predecessors of one seat on one day: neither merged, both kept
    })
    merged = merge_successor_votes(votes, SUCCESSIONS)
    got = {(r.roll_call_id, r.country_code): r.vote for r in merged.astype({"country_code": str, "vote": str}).itertuples()}
    assert got == {(1, "RUS"): "N", (1, "UKR"): "N", (1, "DDR"): "N", (1, "DEU"): "Y", (2, "RUS"): "Y",
                   (2, "UKR"): "A", (2, "DEU"): "Y", (3, "YUG"): "A", (3, "SCG"): "N"}
    assert len(merged) == len(votes)
    matrix = vote_matrix(votes, successions=SUCCESSIONS, merge_successors=True)
    assert list(matrix.index) == ["DDR", "DEU", "RUS", "SCG", "UKR", "YUG"]


def test_merge_successors_on_the_real_store_keeps_every_gdr_and_south_yemen_vote(full_store):
    from scraper.store import load_successions, load_votes

    votes = load_votes(full_store)
    merged = merge_successor_votes(votes, load_successions(full_store))
    assert len(merged) == len(votes)
    assert not merged.duplicated(["roll_call_id", "country_code"]).any()
    counts = merged["country_code"].astype(str).value_counts()
    before = votes["country_code"].astype(str).value_counts()
    assert counts["DDR"] == before["DDR"] > 0 and counts["YMD"] == before["YMD"] > 0
    assert "SUN" not in counts and counts["RUS"] == before["RUS"] + before["SUN"]
    assert "CSK" not in counts and "TWN" in counts  # the China seat is not merged (a documented choice)
    kept_apart = vote_matrix(votes)
    assert {"SUN", "DDR", "RUS"} <= set(kept_apart.index)


def test_select_votes_keeps_rows_unchanged_without_filters():
    assert select_votes(VOTES) is VOTES


def test_check_country():
    assert check_country(["USA", "CUB"], "usa") == "USA"
    with pytest.raises(UnknownCountry, match="'XYZ'"):
        check_country(["USA"], "XYZ")


def test_unknown_vote_code_raises():
    votes = VOTES.assign(vote=VOTES["vote"].astype(str).replace({"A": "Q"}))
    with pytest.raises(SelectionError, match="Unknown vote codes"):
        vote_matrix(votes)
