"""Outliers on hand-made frames, and well-known facts about the real record (skipped without ../shared)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.agreement import METRICS, agreement_matrix, closest_partners
from analysis.matrix import SelectionError, UnknownCountry, vote_matrix
from analysis.outliers import (
    find_bloc_breaks,
    find_bloc_defectors,
    find_ideal_point_movers,
    find_lone_dissenters,
    find_movers,
    lone_dissent_rule,
)


def make_votes(table: dict[int, str], codes: list[str], dates: dict[int, str] | None = None) -> pd.DataFrame:
    """Votes in load_votes' shape from {roll_call_id: "Y Y N A X ..."} in the order of `codes`."""
    rows = []
    for roll_call_id, line in table.items():
        date = pd.Timestamp((dates or {}).get(roll_call_id, f"2020-01-{roll_call_id:02d}"))
        for code, vote in zip(codes, line.split()):
            if vote != "-":
                rows.append({"roll_call_id": roll_call_id, "symbol": f"A/RES/75/{roll_call_id}", "date": date,
                             "session": "75", "country_code": code, "vote": vote})
    frame = pd.DataFrame(rows)
    frame["country_code"] = pd.Categorical(frame["country_code"])
    frame["vote"] = pd.Categorical(frame["vote"], categories=["Y", "N", "A", "X"])
    return frame


CODES = [f"S{i:02d}" for i in range(20)]


def test_lone_dissenters_worked_by_hand():
    votes = make_votes({
        # 1: 18 Y, 1 N (S18), 1 A → Yes share of all votes cast 18/20 = .9 → S18 dissents alone
        1: " ".join(["Y"] * 18 + ["N", "A"]),
        # 2: 10 Y, 1 N, 9 A: abstainers count in the total → 10/20 = .5, not near-unanimous
        2: " ".join(["Y"] * 10 + ["N"] + ["A"] * 9),
        # 3: 15 Y, 5 N → 5 dissenters > 3 → not a lone dissent
        3: " ".join(["Y"] * 15 + ["N"] * 5),
        # 4: 2 Y against 18 N → 18/20 = .9 → S00 and S01 dissent together against a No majority
        4: " ".join(["Y", "Y"] + ["N"] * 18),
        # 6: as 4 with S19 abstaining → 17/20 = .85 < .9: not near-unanimous
        6: " ".join(["Y", "Y"] + ["N"] * 17 + ["A"]),
        # 7: as 4 with S19 not voting → 17/19 = .895 < .9 (non-voting is left out of the total)
        7: " ".join(["Y", "Y"] + ["N"] * 17 + ["X"]),
        # 8: 18 Y, 1 N (S18), S19 not voting → 18/19 = .947 → S18 alone
        8: " ".join(["Y"] * 18 + ["N", "X"]),
        # 5: unanimous → nobody
        5: " ".join(["Y"] * 20),
    }, CODES)
    found = find_lone_dissenters(votes)
    got = [(r.roll_call_id, r.country_code, r.vote, r.majority_vote, r.dissenters, r.dissenting_with) for r in found.itertuples()]
    assert got == [
        (1, "S18", "N", "Y", 1, "S18"),
        (4, "S00", "Y", "N", 2, "S00|S01"),
        (4, "S01", "Y", "N", 2, "S00|S01"),
        (8, "S18", "N", "Y", 1, "S18"),
    ]
    assert found.loc[0, "majority_share"] == pytest.approx(18 / 20)
    assert found.loc[3, "majority_share"] == pytest.approx(18 / 19)
    # a stricter rule: only one state against 95 % → vote 8 alone
    assert find_lone_dissenters(votes, max_dissenters=1, min_majority=0.94)["roll_call_id"].tolist() == [8]
    # counting abstainers as dissenters: vote 1 has 2 (S18 and the abstainer S19), the share unchanged
    with_abstentions = find_lone_dissenters(votes, include_abstentions=True)
    assert set(with_abstentions.loc[with_abstentions["roll_call_id"] == 1, "country_code"]) == {"S18", "S19"}
    assert set(with_abstentions.loc[with_abstentions["roll_call_id"] == 1, "dissenters"]) == {2}


def test_lone_dissenters_the_yes_minority_of_an_abstaining_assembly_is_not_a_majority():
    """A/RES/47/19 in miniature: 59 Yes, 3 No, 71 Abstain (numbers scaled down: 9 Y, 1 N, 10 A).
    On Yes and No alone the Yes side holds 90 %; among all votes cast it is a minority."""
    votes = make_votes({1: " ".join(["Y"] * 9 + ["N"] + ["A"] * 10)}, CODES)
    assert find_lone_dissenters(votes).empty
    assert find_lone_dissenters(votes, min_majority=0.51).empty


def test_lone_dissenters_reject_thresholds_that_mean_nothing():
    votes = make_votes({1: " ".join(["Y"] * 20)}, CODES)
    with pytest.raises(SelectionError, match="max_dissenters"):
        find_lone_dissenters(votes, max_dissenters=0)
    with pytest.raises(SelectionError, match="min_majority"):
        find_lone_dissenters(votes, min_majority=0.4)


def test_lone_dissent_rule_says_the_threshold_in_words():
    assert lone_dissent_rule() == "at most 3 states voted against a side that cast at least 90 % of all Yes, No and Abstain votes"
    assert lone_dissent_rule(1, 0.95).startswith("only one state voted against a side that cast at least 95 %")


def test_lone_dissenters_empty_result_has_the_columns():
    votes = make_votes({1: " ".join(["Y"] * 20)}, CODES)
    found = find_lone_dissenters(votes)
    assert found.empty and "dissenting_with" in found.columns


# Two blocs over 10 votes; W4 votes with the east on the last four votes.
WEST_LINE = "Y Y N N Y N Y N Y Y"
EAST_LINE = "N N Y Y N Y N Y N N"


def two_blocs() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    code = {"Y": 1.0, "A": 2.0, "N": 3.0}
    rows = {f"W{i}": WEST_LINE.split() for i in range(1, 5)} | {f"E{i}": EAST_LINE.split() for i in range(1, 5)}
    rows["W4"] = WEST_LINE.split()[:6] + EAST_LINE.split()[6:]
    matrix = pd.DataFrame({c: [code[v] for v in line] for c, line in rows.items()}).T.astype(np.float32)
    matrix.index.name, matrix.columns = "country_code", range(101, 111)
    matrix.attrs["dates"] = pd.Series(pd.date_range("2020-01-01", periods=10), index=matrix.columns)
    agreement = agreement_matrix(matrix, min_shared=5)
    blocs = pd.DataFrame({"country_code": list(rows), "bloc": [0] * 4 + [1] * 4, "bloc_name": ["west"] * 4 + ["east"] * 4})
    return matrix, agreement, blocs


def test_bloc_defectors_rank_the_state_far_from_its_bloc_first():
    matrix, agreement, blocs = two_blocs()
    defectors = find_bloc_defectors(blocs, agreement, matrix)
    top = defectors.iloc[0]
    assert top["country_code"] == "W4"
    assert top["agreement_with_bloc"] == pytest.approx(0.6)  # agrees with W1–W3 on 6 of 10
    assert top["nearest_bloc"] == 1 and top["agreement_with_nearest"] == pytest.approx(0.4)
    assert top["z_score"] > 1
    assert top["votes_cast"] == 10


def test_bloc_breaks_list_the_votes_where_the_state_left_its_bloc():
    matrix, _, blocs = two_blocs()
    breaks = find_bloc_breaks(matrix, blocs, "w4")
    assert breaks["roll_call_id"].tolist() == [107, 108, 109, 110]
    assert breaks["bloc_majority_share"].tolist() == [1.0] * 4
    assert breaks["vote"].tolist() == ["N", "Y", "N", "N"] and breaks["bloc_majority_vote"].tolist() == ["Y", "N", "Y", "Y"]
    assert breaks["date"].iloc[0] == pd.Timestamp("2020-01-07")
    assert find_bloc_breaks(matrix, blocs, "W1").empty
    with pytest.raises(UnknownCountry):
        find_bloc_breaks(matrix, blocs, "XXX")


def test_movers_find_the_state_that_changed_sides():
    codes = ["W1", "W2", "W3", "E1", "E2", "SW"]
    west, east = WEST_LINE.replace(" ", ""), EAST_LINE.replace(" ", "")
    table, dates = {}, {}
    for k in range(40):  # 20 votes in 1990, 20 in 2000; SW votes with the east, then with the west
        late = k >= 20
        w, e = west[k % 10], east[k % 10]
        table[k + 1] = " ".join([w, w, w, e, e, w if late else e])
        dates[k + 1] = f"{2000 if late else 1990}-03-{k % 20 + 1:02d}"
    votes = make_votes(table, codes, dates)
    movers = find_movers(votes, ("1990-01-01", "1990-12-31"), ("2000-01-01", "2000-12-31"))
    top = movers.iloc[0]
    assert top["country_code"] == "SW" and top["rank"] == 1
    assert top["shift"] == pytest.approx(1.0)  # every agreement went 0 → 1 or 1 → 0
    assert top["closest_before"] == "E1" and top["closest_after"] == "W1"
    assert movers.set_index("country_code").loc["W1", "shift"] == pytest.approx(np.sqrt(1 / 5))  # only its pair with SW changed


def test_movers_closest_partner_beyond_chance():
    """A votes Yes on 18 of 20; YS votes Yes on everything (agrees 90 %, kappa 0); P shares A's two
    No votes and adds three of its own (agrees 85 %, kappa 0.5). Exact agreement calls YS closest."""
    lines = {"A": "Y" * 18 + "NN", "YS": "Y" * 20, "P": "NNN" + "Y" * 15 + "NN", "Q": "N" * 10 + "Y" * 10}
    codes = list(lines)
    table, dates = {}, {}
    for k in range(40):  # the same 20 votes in 1990 and in 2000
        table[k + 1] = " ".join(lines[c][k % 20] for c in codes)
        dates[k + 1] = f"{2000 if k >= 20 else 1990}-03-{k % 20 + 1:02d}"
    votes = make_votes(table, codes, dates)
    periods = (("1990-01-01", "1990-12-31"), ("2000-01-01", "2000-12-31"))
    plain = find_movers(votes, *periods).set_index("country_code")
    beyond_chance = find_movers(votes, *periods, closest_metric="kappa").set_index("country_code")
    assert plain.loc["A", "closest_after"] == "YS"
    assert beyond_chance.loc["A", "closest_after"] == "P" and beyond_chance.loc["A", "closest_before"] == "P"
    assert (beyond_chance["shift"] == plain["shift"]).all()  # the ranking itself is unchanged


def test_ideal_point_movers():
    points = pd.DataFrame({
        "country_code": ["A", "A", "B", "B"], "year": [1990, 2000, 1990, 2000],
        "ideal_point": [-1.0, 1.0, 0.5, 0.4], "se": [0.1, 0.1, 0.1, 0.1],
    })
    movers = find_ideal_point_movers(points, ("1990-01-01", "1990-12-31"), ("2000-01-01", "2000-12-31"))
    assert movers["country_code"].tolist() == ["A", "B"]
    assert movers.loc[0, "shift"] == pytest.approx(2.0)
    assert movers.loc[0, "z"] == pytest.approx(2.0 / np.sqrt(0.02))


# ---------------------------------------------------------------------------------------------
# The real record (needs ../shared)

CUBA_TITLE = "embargo imposed by the United States of America against Cuba"


@pytest.fixture(scope="module")
def real(full_store):
    from scraper.store import load_roll_calls, load_successions, load_votes

    return {"votes": load_votes(full_store), "roll_calls": load_roll_calls(full_store), "successions": load_successions(full_store)}


def test_a_res_47_19_is_not_a_lone_dissent(real):
    """59 Yes, 3 No, 71 Abstain: the Yes side is 44 % of the votes cast, not a near-unanimous Assembly."""
    votes = real["votes"]
    on_it = votes[votes["symbol"].astype(str) == "A/RES/47/19"]
    counts = on_it["vote"].astype(str).value_counts()
    assert (counts.get("Y"), counts.get("N"), counts.get("A")) == (59, 3, 71)
    assert find_lone_dissenters(on_it).empty


def test_belarus_alone_on_a_res_75_287_only_under_a_looser_threshold(real):
    """119 Yes, Belarus alone No, 36 abstentions: a Yes side of 76 % of the votes cast, so not a lone
    dissent at the default 90 %; at 75 % Belarus is the one dissenter."""
    votes = real["votes"]
    on_myanmar = votes[votes["symbol"].astype(str) == "A/RES/75/287"]
    assert find_lone_dissenters(on_myanmar).empty
    found = find_lone_dissenters(on_myanmar, min_majority=0.75)
    assert found["country_code"].tolist() == ["BLR"]
    assert found.loc[0, "vote"] == "N" and found.loc[0, "majority_vote"] == "Y" and found.loc[0, "dissenters"] == 1
    assert found.loc[0, "majority_share"] == pytest.approx(119 / 156)


def test_every_lone_dissent_on_the_record_meets_the_rule_counted_afresh(real):
    """Recount Yes / No / Abstain of every flagged roll call from the votes themselves."""
    votes = real["votes"]
    found = find_lone_dissenters(votes)
    assert len(found) > 500
    flagged = votes[votes["roll_call_id"].isin(found["roll_call_id"])]
    counts = pd.crosstab(flagged["roll_call_id"], flagged["vote"].astype(str)).reindex(columns=["Y", "N", "A"], fill_value=0)
    cast = counts.sum(axis=1)
    majority = counts[["Y", "N"]].max(axis=1)
    minority = counts[["Y", "N"]].min(axis=1)
    assert (majority / cast >= 0.9).all()
    assert minority.between(1, 3).all()
    per_call = found.groupby("roll_call_id")["country_code"].count()
    assert (per_call == minority.loc[per_call.index]).all()
    assert (found["dissenters"] == found["roll_call_id"].map(per_call)).all()


def test_us_and_israel_lone_dissenters_on_the_cuba_embargo(real):
    """From 1998 (A/RES/53/4, 157-2-12) the Assembly was near-unanimous against the embargo; in
    1992-1997 so many states abstained (A/RES/47/19: 59-3-71) that the Yes side held under 90 % of
    the votes cast, so those years are not lone dissents."""
    calls = real["roll_calls"]
    cuba = calls[calls["title"].fillna("").str.contains(CUBA_TITLE, case=False) & calls["date"].dt.year.between(1992, 2024)]
    assert len(cuba) >= 30  # one a year since 1992
    found = find_lone_dissenters(real["votes"][real["votes"]["roll_call_id"].isin(cuba["roll_call_id"])], max_dissenters=4)
    us = set(found.loc[found["country_code"] == "USA", "roll_call_id"])
    israel = set(found.loc[found["country_code"] == "ISR", "roll_call_id"])
    late = set(cuba.loc[cuba["date"].dt.year >= 1998, "roll_call_id"])
    # In 2016 (A/RES/71/5) the United States abstained, for the only time; every other year from 1998
    # it voted No with at most three others.
    assert late - us == set(cuba.loc[cuba["symbol"] == "A/RES/71/5", "roll_call_id"])
    assert us <= late and us <= israel
    assert not found["roll_call_id"].isin(cuba.loc[cuba["date"].dt.year < 1998, "roll_call_id"]).any()


def test_us_closest_partner_is_israel_nearly_every_year_since_2000(real):
    """Israel is the United States' closest partner in nearly every year since 2000.

    With non-voting left out (the default), the Pacific states that vote on only part of the
    Assembly's agenda — Palau, the Marshall Islands, Nauru, which are present but do not vote on
    much of it — come out ahead of Israel in a few years (2002–2004, 2009–2011), on the subset they
    voted on. Counting their non-votes as the soft abstentions they are (`non_voting="abstain"`)
    puts Israel first in at least 20 of the 25 years under every measure.
    """
    votes = real["votes"]
    years = range(2000, 2025)
    for metric in METRICS:
        first = 0
        for year in years:
            matrix = vote_matrix(votes, start=f"{year}-01-01", end=f"{year}-12-31", non_voting="abstain")
            first += closest_partners(agreement_matrix(matrix, metric), "USA", n=1).loc[0, "country_code"] == "ISR"
        assert first >= 20, metric
    exceptions = 0
    for year in years:
        matrix = vote_matrix(votes, start=f"{year}-01-01", end=f"{year}-12-31")
        ranked = closest_partners(agreement_matrix(matrix), "USA", n=None)["country_code"].tolist()
        ahead = ranked[: ranked.index("ISR")]
        exceptions += bool(ahead)
        for partner in ahead:  # whoever comes before Israel voted on fewer of the year's roll calls
            assert matrix.loc[partner].notna().sum() < matrix.loc["ISR"].notna().sum(), (year, partner)
    assert exceptions <= 6


def test_ukraine_agreement_with_russia_falls_after_1991(real):
    votes, successions = real["votes"], real["successions"]

    def ukraine_russia(start: int, end: int) -> float:
        matrix = vote_matrix(votes, start=f"{start}-01-01", end=f"{end}-12-31", successions=successions, merge_successors=True)
        return agreement_matrix(matrix).loc["UKR", "RUS"]  # RUS holds the USSR's votes before 1992

    soviet, nineties, recent = ukraine_russia(1980, 1990), ukraine_russia(1992, 2000), ukraine_russia(2014, 2024)
    assert soviet > 0.95  # the Ukrainian SSR voted with the USSR
    assert nineties < soviet - 0.2
    assert recent < nineties
