"""Named groups: the membership file, known facts about it, and the group measures on hand-worked votes.

The facts asserted here (counts of members on given days, who voted how on A/RES/75/287) are
documented with their sources in analysis/data/GROUPS.md; they are not outputs of the code.
"""
from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.groups import (
    GROUPS,
    GROUPS_CSV,
    GroupsFileError,
    UnknownGroupError,
    UnknownRollCallError,
    agreement_index,
    bloc_group_overlap,
    check_groups,
    group_breakers,
    group_cohesion,
    group_members,
    load_groups,
    member_votes,
)

ROOT = Path(__file__).resolve().parents[1]
COUNTRIES_CSV = ROOT / "scraper" / "data" / "countries.csv"
REGIONAL = ["un-african", "un-asia-pacific", "un-eastern-european", "un-grulac", "un-weog"]
ASEAN_2020 = ["BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "VNM"]


def votes_frame(rows: list[tuple[int, str, str, str, str]]) -> pd.DataFrame:
    """A votes frame in the shape of scraper.store.load_votes from (id, symbol, date, country, vote)."""
    frame = pd.DataFrame(rows, columns=["roll_call_id", "symbol", "date", "country_code", "vote"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["session"] = "75"
    frame["country_code"] = frame["country_code"].astype("category")
    frame["vote"] = pd.Categorical(frame["vote"], categories=["Y", "N", "A", "X"])
    frame["symbol"] = frame["symbol"].astype("category")
    return frame[["roll_call_id", "symbol", "date", "session", "country_code", "vote"]]


def one_roll_call(roll_call_id: int, symbol: str, date: str, votes: dict[str, str]) -> list[tuple]:
    return [(roll_call_id, symbol, date, code, vote) for code, vote in votes.items()]


# --------------------------------------------------------------------------------------------
# The file


def test_file_parses_and_follows_its_own_rules():
    groups = load_groups()
    assert list(groups.columns) == ["group", "country_code", "joined", "left"]
    assert set(groups["group"]) == set(GROUPS), "every group has members and no other group appears"
    assert groups["joined"].notna().all()
    closed = groups["left"].notna()
    assert (groups.loc[closed, "joined"] < groups.loc[closed, "left"]).all()
    # check_groups (run by load_groups) rejects overlaps; here the same rule, independently.
    for (_, _), spells in groups.sort_values("joined").groupby(["group", "country_code"]):
        for before, after in itertools.pairwise(spells.itertuples()):
            assert pd.notna(before.left) and before.left <= after.joined


def test_every_code_is_a_state_that_sat_in_the_assembly():
    if not COUNTRIES_CSV.exists():
        pytest.skip("scraper/data/countries.csv is not there yet")
    known = set(pd.read_csv(COUNTRIES_CSV, dtype=str, keep_default_na=False)["country_code"])
    unknown = set(load_groups()["country_code"]) - known
    assert not unknown, f"codes not in scraper/data/countries.csv: {sorted(unknown)}"


def test_the_checker_rejects_broken_files():
    def table(*rows):
        return pd.DataFrame(rows, columns=["group", "country_code", "joined", "left"])

    good = table(("eu", "FRA", "1958-01-01", ""), ("nam", "MMR", "1961-09-01", "1979-01-01"), ("nam", "MMR", "1992-01-01", ""))
    assert len(check_groups(good)) == 3
    with pytest.raises(GroupsFileError, match="unknown group"):
        check_groups(table(("eec", "FRA", "1958-01-01", "")))
    with pytest.raises(GroupsFileError, match="line"):
        check_groups(table(("eu", "FRA", "1958-13-01", "")))
    with pytest.raises(GroupsFileError, match="joined < left"):
        check_groups(table(("eu", "GBR", "2020-02-01", "1973-01-01")))
    with pytest.raises(GroupsFileError, match="overlapping"):
        check_groups(table(("nam", "MMR", "1961-09-01", "1980-01-01"), ("nam", "MMR", "1979-01-01", "")))
    with pytest.raises(GroupsFileError, match="overlapping"):
        check_groups(table(("nam", "MMR", "1961-09-01", ""), ("nam", "MMR", "1992-01-01", "")))


def test_unknown_group_lists_the_valid_ids():
    with pytest.raises(UnknownGroupError) as raised:
        group_members("eec", "1980-01-01")
    assert isinstance(raised.value, ValueError)
    assert all(group in str(raised.value) for group in GROUPS)


# --------------------------------------------------------------------------------------------
# Known facts (sources in analysis/data/GROUPS.md)


@pytest.mark.parametrize(
    "group, day, size",
    [
        ("eu", "2024-01-01", 27),
        ("eu", "2019-01-01", 28),
        ("eu", "1958-01-01", 6),
        ("eu", "1995-01-01", 15),
        ("eu", "2004-05-01", 25),
        ("nato", "2024-06-01", 32),
        ("nato", "2022-01-01", 30),
        ("nato", "1950-01-01", 12),
        ("nato", "1990-01-01", 16),
        ("asean", "2024-01-01", 10),
        ("asean", "2025-10-27", 11),
        ("asean", "1967-08-08", 5),
        ("au", "2024-01-01", 54),  # 55 with the Sahrawi Republic, not a UN member
        ("arab-league", "2024-01-01", 21),  # 22 with Palestine
        ("oic", "2024-01-01", 56),  # 57 with Palestine
        ("nam", "2024-06-01", 120),  # 121 with Palestine
        ("g77", "2024-01-01", 132),  # 134 with Palestine and China
        ("brics", "2023-06-01", 5),
        ("brics", "2024-06-01", 9),
        ("brics", "2025-06-01", 10),
    ],
)
def test_group_sizes_on_known_days(group, day, size):
    assert len(group_members(group, day)) == size


def test_dated_accessions_and_exits():
    assert "GBR" in group_members("eu", "2020-01-31") and "GBR" not in group_members("eu", "2020-02-01")
    assert "FIN" not in group_members("nato", "2023-04-03") and "FIN" in group_members("nato", "2023-04-04")
    assert "SWE" not in group_members("nato", "2024-03-06") and "SWE" in group_members("nato", "2024-03-07")
    assert "FRA" in group_members("nato", "1970-01-01"), "France's 1966 withdrawal from the integrated command did not end membership"
    assert "MAR" in group_members("au", "1980-01-01")
    assert "MAR" not in group_members("au", "2000-01-01")
    assert "MAR" in group_members("au", "2018-01-01")
    assert "TLS" not in group_members("asean", "2025-10-25") and "TLS" in group_members("asean", "2025-10-26")
    assert "ZAF" not in group_members("brics", "2010-06-01") and "ZAF" in group_members("brics", "2011-01-01")
    assert "SAU" not in group_members("brics", "2025-06-01"), "Saudi Arabia has not taken up its 2023 invitation"
    assert "IDN" in group_members("brics", "2025-01-06")
    assert "MMR" not in group_members("nam", "1985-01-01") and "MMR" in group_members("nam", "1995-01-01")
    assert "ARG" in group_members("nam", "1980-01-01") and "ARG" not in group_members("nam", "1995-01-01")
    assert "MEX" in group_members("g77", "1990-01-01") and "MEX" not in group_members("g77", "2000-01-01")
    assert "CHN" not in group_members("g77", "2024-01-01"), "documented: China does not count itself a member"
    assert "YMD" in group_members("arab-league", "1980-01-01") and "YMD" not in group_members("arab-league", "1991-01-01")


def test_regional_groups_partition_the_193_members():
    day = "2024-01-01"
    memberships = {group: set(group_members(group, day)) for group in REGIONAL}
    assert sum(len(members) for members in memberships.values()) == 193
    assert len(set().union(*memberships.values())) == 193, "no state sits in two regional groups"
    assert {group: len(members) for group, members in memberships.items()} == {
        "un-african": 54, "un-asia-pacific": 54, "un-eastern-european": 23, "un-grulac": 33, "un-weog": 29,
    }
    # Documented cases: the US counts with WEOG for elections; Israel in WEOG since 2000; Kiribati
    # in the Asia-Pacific Group since 2010; Türkiye in WEOG; Cyprus in Asia-Pacific.
    assert {"USA", "ISR", "TUR"} <= memberships["un-weog"]
    assert {"KIR", "CYP"} <= memberships["un-asia-pacific"]
    if COUNTRIES_CSV.exists():
        countries = pd.read_csv(COUNTRIES_CSV, dtype=str, keep_default_na=False)
        sitting = countries[(countries["admitted"] <= day) & ((countries["left"] == "") | (countries["left"] > day))]
        assert set().union(*memberships.values()) == set(sitting["country_code"])


def test_regional_groups_before_and_without_a_group():
    assert all(group_members(group, "1963-12-16") == [] for group in REGIONAL), "documented start: 1963-12-17"
    in_any = lambda code, day: any(code in group_members(group, day) for group in REGIONAL)  # noqa: E731
    assert not in_any("ISR", "1999-06-01") and in_any("ISR", "2001-01-01")
    assert not in_any("KIR", "2005-01-01") and in_any("KIR", "2011-01-01")
    assert not in_any("ZAF", "1980-01-01") and in_any("ZAF", "1995-01-01")
    assert "SUN" in group_members("un-eastern-european", "1991-12-01")
    assert "RUS" in group_members("un-eastern-european", "1992-01-01") and "SUN" not in group_members("un-eastern-european", "1992-01-01")


# --------------------------------------------------------------------------------------------
# The measures, on votes worked by hand


def test_agreement_index_by_hand():
    # (max − ½(n − max)) / n: 6Y 3N 1A → (6 − 2)/10; 4Y 4N → (4 − 2)/8; all Y → 1; 2-2-2 → 0.
    assert agreement_index([6, 4, 5, 2], [3, 4, 0, 2], [1, 0, 0, 2]).tolist() == pytest.approx([0.4, 0.25, 1.0, 0.0])
    assert np.isnan(agreement_index([0], [0], [0])[0])


def asean_roll_calls() -> pd.DataFrame:
    unanimous = {code: "Y" for code in ASEAN_2020}
    split = dict(zip(ASEAN_2020, ["Y"] * 6 + ["N"] * 3 + ["A"]))  # BRN..MYS Yes, PHL SGP THA No, VNM abstains
    rows = (
        one_roll_call(1, "A/RES/75/1", "2020-10-01", unanimous | {"USA": "N", "TLS": "N"})  # non-members ignored
        + one_roll_call(2, "A/RES/75/2", "2020-11-01", split | {"USA": "Y"})
        + one_roll_call(3, "A/RES/75/3", "2021-03-01", {code: "X" for code in ASEAN_2020[:9]} | {"VNM": "Y"})
    )
    return votes_frame(rows)


def test_group_cohesion_by_hand():
    votes = asean_roll_calls()
    # Roll call 1: ten Yes → 1.0; roll call 2: 6Y 3N 1A → 0.4; roll call 3: one voter → skipped.
    whole = group_cohesion(votes, "asean")
    assert whole.to_dict("records") == [{
        "group": "asean", "group_name": "ASEAN", "roll_calls": 2, "voters": 10.0, "agreement_index": pytest.approx(0.7),
    }]
    yearly = group_cohesion(votes, "asean", by="year", min_voters=1)
    assert yearly[["year", "roll_calls", "agreement_index"]].to_dict("records") == [
        {"year": 2020, "roll_calls": 2, "agreement_index": pytest.approx(0.7)},
        {"year": 2021, "roll_calls": 1, "agreement_index": 1.0},
    ]
    only_november = group_cohesion(votes, "asean", start="2020-11-01", end="2020-11-01")
    assert only_november["agreement_index"].tolist() == pytest.approx([0.4])
    nothing = group_cohesion(votes, "brics")
    assert nothing["roll_calls"].tolist() == [0] and nothing["agreement_index"].isna().all()


def test_membership_is_applied_on_each_votes_date():
    eu_2020 = group_members("eu", "2020-01-15")
    assert len(eu_2020) == 28
    before = {code: ("N" if code == "GBR" else "Y") for code in eu_2020}
    votes = votes_frame(one_roll_call(1, "A/RES/74/1", "2020-01-15", before) + one_roll_call(2, "A/RES/74/2", "2020-03-01", before))
    cohesion = group_cohesion(votes, "eu", by="year")
    # 15 January: 27 Yes and the UK's No → (27 − ½)/28; 1 March: the UK has left → 27 Yes → 1.
    assert cohesion["agreement_index"].tolist() == pytest.approx([(26.5 / 28 + 1.0) / 2])
    assert cohesion["voters"].tolist() == pytest.approx([27.5])
    breakers = group_breakers(votes, "eu")
    assert breakers[["roll_call_id", "country_code", "vote", "group_majority"]].to_dict("records") == [
        {"roll_call_id": 1, "country_code": "GBR", "vote": "N", "group_majority": "Y"},
    ]
    assert breakers["majority_share"].tolist() == pytest.approx([27 / 28])


def test_group_breakers_by_hand():
    majority = dict(zip(ASEAN_2020, ["Y"] * 7 + ["A", "A", "X"]))  # BRN..PHL Yes, SGP THA abstain, VNM not voting
    tie = dict(zip(ASEAN_2020, ["Y"] * 4 + ["N"] * 4 + ["X", "X"]))
    plurality = dict(zip(ASEAN_2020, ["Y"] * 4 + ["N"] * 3 + ["A"] * 3))
    votes = votes_frame(
        one_roll_call(1, "A/RES/75/10", "2020-12-01", majority | {"USA": "N"})
        + one_roll_call(2, "A/RES/75/11", "2020-12-02", tie)
        + one_roll_call(3, "A/RES/75/12", "2020-12-03", plurality)
    )
    found = group_breakers(votes, "asean")
    # Roll call 1: 7 Yes of 9 voting; the two abstainers break, the non-voter does not. Roll call 2
    # is a tie (no majority); roll call 3's plurality (4 of 10) is no majority.
    assert found[["roll_call_id", "symbol", "country_code", "vote", "group_majority"]].to_dict("records") == [
        {"roll_call_id": 1, "symbol": "A/RES/75/10", "country_code": ASEAN_2020[7], "vote": "A", "group_majority": "Y"},
        {"roll_call_id": 1, "symbol": "A/RES/75/10", "country_code": ASEAN_2020[8], "vote": "A", "group_majority": "Y"},
    ]
    assert found["majority_share"].tolist() == pytest.approx([7 / 9, 7 / 9])
    assert list(found.columns) == ["roll_call_id", "symbol", "date", "country_code", "vote", "group_majority", "majority_share"]
    with_pluralities = group_breakers(votes, "asean", min_share=0)
    assert sorted(with_pluralities.loc[with_pluralities["roll_call_id"] == 3, "country_code"]) == sorted(ASEAN_2020[4:])
    assert group_breakers(votes, "asean", end="2020-11-30").empty


def test_member_votes_by_symbol_or_id():
    votes = asean_roll_calls()
    by_symbol = member_votes(votes, "asean", "A/RES/75/ 2")
    assert by_symbol["country_code"].tolist() == ASEAN_2020
    assert by_symbol["vote"].tolist() == ["Y"] * 6 + ["N"] * 3 + ["A"]
    assert member_votes(votes, "asean", 2).equals(by_symbol)
    assert set(member_votes(votes, "asean", 3)["vote"]) == {"X", "Y"}
    missing_member = member_votes(votes_frame(one_roll_call(9, "A/RES/75/9", "2020-10-01", {"IDN": "Y"})), "asean", 9)
    assert missing_member["vote"].isna().sum() == 9
    with pytest.raises(UnknownRollCallError, match="A/RES/75/999"):
        member_votes(votes, "asean", "A/RES/75/999")


def test_bloc_group_overlap_by_hand():
    blocs = pd.DataFrame({
        "country_code": ["USA", "GBR", "FRA", "DEU", "CHN", "RUS", "IND", "BRA", "ZAF", "CUB"],
        "bloc": [0, 0, 0, 0, 1, 1, 1, 1, 1, 1],
        "bloc_name": ["West"] * 4 + ["South"] * 6,
    })
    overlap = bloc_group_overlap(blocs, ["brics", "nato"], "2015-01-01").set_index(["bloc", "group"])
    brics_south = overlap.loc[(1, "brics")]
    # All five BRICS members are in bloc 1 (size 6): share of group 1, share of bloc 5/6, Jaccard 5/6.
    assert (brics_south["overlap"], brics_south["group_members"], brics_south["group_in_blocs"]) == (5, 5, 5)
    assert (brics_south["share_of_group"], brics_south["share_of_bloc"], brics_south["jaccard"]) == pytest.approx((1, 5 / 6, 5 / 6))
    nato_west = overlap.loc[(0, "nato")]
    # 28 NATO members on that day, 4 of them clustered, all in bloc 0 (size 4): Jaccard 1.
    assert (nato_west["group_members"], nato_west["group_in_blocs"], nato_west["jaccard"]) == (28, 4, 1.0)
    assert overlap.loc[(0, "brics"), "overlap"] == 0 and overlap.loc[(0, "brics"), "jaccard"] == 0
    assert len(overlap) == 4


def test_bad_arguments_are_clear():
    votes = asean_roll_calls()
    with pytest.raises(ValueError, match="after"):
        group_cohesion(votes, "asean", start="2021-01-01", end="2020-01-01")
    with pytest.raises(ValueError, match="not a date"):
        group_breakers(votes, "asean", start="last year")
    with pytest.raises(ValueError, match="lacks columns"):
        group_cohesion(votes.drop(columns=["symbol"]), "asean")
    with pytest.raises(UnknownGroupError):
        group_cohesion(votes, ["asean", "ASEAN"])


# --------------------------------------------------------------------------------------------
# On the real record (a store built from ../shared)


@pytest.fixture(scope="module")
def real_votes(request) -> pd.DataFrame:
    try:
        db = request.getfixturevalue("full_store")
    except pytest.FixtureLookupError:
        pytest.skip("no full_store fixture (tests/conftest.py builds it from ../shared)")
    from scraper.store import load_votes

    return load_votes(db)


def test_how_asean_voted_on_the_myanmar_resolution(real_votes):
    # A/RES/75/287, "The situation in Myanmar", 18 June 2021 (119–1–36). Checked independently in
    # ../shared/data/unxml/75.json, the UN's own extract: Indonesia, Malaysia, Myanmar, the
    # Philippines, Singapore and Viet Nam in favour; Brunei, Cambodia, Laos and Thailand abstaining.
    found = member_votes(real_votes, "asean", "A/RES/75/287")
    assert dict(zip(found["country_code"], found["vote"])) == {
        "IDN": "Y", "MYS": "Y", "MMR": "Y", "PHL": "Y", "SGP": "Y", "VNM": "Y",
        "BRN": "A", "KHM": "A", "LAO": "A", "THA": "A",
    }
    breakers = group_breakers(real_votes, "asean", "2021-06-18", "2021-06-18")
    on_myanmar = breakers[breakers["symbol"] == found["symbol"].iloc[0]]
    assert sorted(on_myanmar["country_code"]) == ["BRN", "KHM", "LAO", "THA"]
    assert on_myanmar["majority_share"].tolist() == pytest.approx([0.6] * 4)


def test_the_eu_votes_more_cohesively_than_the_g77(real_votes):
    cohesion = group_cohesion(real_votes, ["eu", "g77"], "2010-01-01", "2020-12-31").set_index("group")
    assert cohesion.loc["eu", "roll_calls"] > 500 and cohesion.loc["g77", "roll_calls"] > 500
    assert cohesion.loc["eu", "agreement_index"] > cohesion.loc["g77", "agreement_index"]
