"""Recurring resolutions: series found by title words or symbol, typos joined, changes of vote,
checked by hand on a small frame and on the real store (the Cuba-embargo series)."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.cli import main
from analysis.series import find_series, series_keys, series_roll_calls, series_tallies, vote_changes

TITLE = "Necessity of ending the economic, commercial and financial embargo imposed by the United States of America against Cuba"


def hand_made() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Four yearly votes on one title (the 2004 one with the Library's typo) and one unrelated vote."""
    calls = pd.DataFrame({
        "roll_call_id": [1, 2, 3, 4, 5],
        "symbol": ["A/RES/58/7", "A/RES/59/11", "A/RES/60/12", "A/RES/61/11", "A/RES/61/99"],
        "date": pd.to_datetime(["2003-11-04", "2004-10-28", "2005-11-08", "2006-11-08", "2006-12-01"]),
        "session": ["58", "59", "60", "61", "61"],
        "title": [TITLE + " : resolution / adopted by the General Assembly", TITLE.replace("United States", "Unites States"),
                  TITLE, TITLE.upper(), "Something else entirely"],
        "yes": [3, 2, 2, 1, 3], "no": [0, 1, 0, 1, 0], "abstain": [0, 0, 1, 1, 0], "non_voting": [0, 0, 0, 0, 0],
    })
    rows = [  # (roll call, state, vote)
        (1, "USA", "Y"), (2, "USA", "N"), (3, "USA", "A"), (4, "USA", "N"),
        (1, "BRA", "Y"), (2, "BRA", "X"), (3, "BRA", "Y"), (4, "BRA", "Y"),   # missed a year, same vote: no change
        (1, "CUB", "Y"), (2, "CUB", "Y"), (3, "CUB", "Y"), (4, "CUB", "A"),
        (5, "USA", "Y"), (5, "BRA", "Y"), (5, "CUB", "Y"),
    ]
    votes = pd.DataFrame(rows, columns=["roll_call_id", "country_code", "vote"])
    return calls, votes


def test_series_joins_the_typo_and_counts_changes_by_hand():
    calls, votes = hand_made()
    keys = series_keys(calls)
    assert keys.iloc[0] == keys.iloc[1] == keys.iloc[2] == keys.iloc[3] != keys.iloc[4]
    found = find_series(calls, "cuba EMBARGO")
    assert found[["votes", "first_year", "last_year", "last_symbol"]].iloc[0].tolist() == [4, 2003, 2006, "A/RES/61/11"]
    assert find_series(calls, "A/RES/59/11")["series"].tolist() == found["series"].tolist()  # by symbol
    assert find_series(calls, "embargo against Mars").empty
    with pytest.raises(ValueError, match="empty query"):
        find_series(calls, "  ")
    series = series_roll_calls(calls, found["series"].iloc[0])
    changes = vote_changes(votes, series)
    assert changes[["country_code", "from_symbol", "from_vote", "to_symbol", "to_vote"]].values.tolist() == [
        ["USA", "A/RES/58/7", "Y", "A/RES/59/11", "N"],
        ["USA", "A/RES/59/11", "N", "A/RES/60/12", "A"],
        ["CUB", "A/RES/60/12", "Y", "A/RES/61/11", "A"],
        ["USA", "A/RES/60/12", "A", "A/RES/61/11", "N"],
    ]
    with_absence = vote_changes(votes, series, include_non_voting=True)
    assert len(with_absence) == 6  # Brazil Y → did not vote → Y counts twice
    tallies = series_tallies(votes, series)
    assert tallies["changes"].tolist() == [0, 1, 1, 2]
    assert tallies["non_voting_listed"].tolist() == [0, 1, 0, 0]


def test_cuba_embargo_series_on_the_real_store(full_store, capsys):
    code = main(["series", "Cuba embargo", "--db", str(full_store), "--changes", "--format", "csv"])
    out, err = capsys.readouterr()
    assert code == 0, err
    frame = pd.read_csv(__import__("io").StringIO(out), comment="#")
    us_2016 = frame[(frame["country_code"] == "USA") & (frame["to_symbol"] == "A/RES/71/5")]
    assert us_2016[["from_vote", "to_vote", "from_symbol"]].values.tolist() == [["N", "A", "A/RES/70/5"]]
    back = frame[(frame["country_code"] == "USA") & (frame["from_symbol"] == "A/RES/71/5")]
    assert back[["to_vote", "to_symbol"]].values.tolist() == [["N", "A/RES/72/4"]]
    brazil_2019 = frame[(frame["country_code"] == "BRA") & (frame["to_symbol"] == "A/RES/74/7")]
    assert brazil_2019[["from_vote", "to_vote", "from_symbol", "to_year"]].values.tolist() == [["Y", "N", "A/RES/73/8", 2019]]
    code = main(["series", "embargo Cuba", "--db", str(full_store), "--format", "csv"])
    out, err = capsys.readouterr()
    tallies = pd.read_csv(__import__("io").StringIO(out), comment="#")
    # every year from 1992 (A/RES/47/19) with the 2004 typo included; the UN's tallies for 2016: 191-0-2
    assert tallies["symbol"].iloc[0] == "A/RES/47/19" and "A/RES/59/11" in set(tallies["symbol"])
    assert tallies.loc[tallies["symbol"] == "A/RES/71/5", ["yes", "no", "abstain"]].values.tolist() == [[191, 0, 2]]
    assert tallies.loc[tallies["symbol"] == "A/RES/74/7", ["yes", "no", "abstain"]].values.tolist() == [[187, 3, 2]]
