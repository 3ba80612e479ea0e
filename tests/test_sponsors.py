"""Co-sponsorship: sponsor names as the UN's extracts write them → member codes, the network counted by
hand, "sponsored then did not vote Yes", and A/RES/75/287's sponsors on the real store."""
from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from analysis.cli import main
from analysis.sponsors import (co_sponsorship_network, compare_with_vote_blocs, parse_sponsor, sponsor_table,
                               sponsored_not_yes, top_co_sponsors)
from tests.conftest import UNXML_DIR


@pytest.mark.parametrize("name, expected", [
    ("BRAZIL", [("BRA", "", "state")]),
    ("TÜRKİYE", [("TUR", "", "state")]),
    ("BAHAMAS (THE)", [("BHS", "", "state")]),
    ("THE NIGER", [("NER", "", "state")]),
    ("CZECHI A", [("CZE", "", "state")]),
    ("STATE OF PALESTINE", [("PSE", "", "observer")]),
    ("GUYANA (ON BEHALF OF THE STATES MEMBERS OF THE UNITED NATIONS THAT ARE MEMBERS OF THE GROUP OF 77 AND CHINA)",
     [("GUY", "ON BEHALF OF THE STATES MEMBERS OF THE UNITED NATIONS THAT ARE MEMBERS OF THE GROUP OF 77 AND CHINA", "state")]),
    ("EGYPT, ON BEHALF OF THE STATES MEMBERS OF THE UNITED NATIONS THAT ARE MEMBERS OF THE LEAGUE OF ARAB STATES",
     [("EGY", "ON BEHALF OF THE STATES MEMBERS OF THE UNITED NATIONS THAT ARE MEMBERS OF THE LEAGUE OF ARAB STATES", "state")]),
    ("SUBMITTED BY THE PRESIDENT OF THE GENERAL ASSEMBLY", [("", "", "body")]),
    ("UNITED STATES AND VIET NAM", [("USA", "", "state"), ("VNM", "", "state")]),
    ("ANGOLA BAHAMAS", [("AGO", "", "state"), ("BHS", "", "state")]),
    ("COMOROS  CONGO", [("COM", "", "state"), ("COG", "", "state")]),
])
def test_sponsor_names_as_the_extracts_write_them(name, expected):
    assert parse_sponsor(name, "2021-06-01") == expected


def test_a_name_that_is_no_state_is_refused_clearly():
    from analysis.sponsors import UnknownSponsor

    with pytest.raises(UnknownSponsor, match="'ATLANTIS'"):
        parse_sponsor("ATLANTIS", "2021-06-01")


def hand_made():
    """Three drafts: A by X, Y, Z; B by X, Y; C by Z and the President. X voted No on B."""
    calls = pd.DataFrame({"roll_call_id": [1, 2, 3], "symbol": ["A/RES/75/1", "A/RES/75/2", "A/RES/75/3"],
                          "date": pd.to_datetime(["2020-10-01"] * 3), "session": ["75"] * 3,
                          "sponsors": ["FRANCE|GERMANY|ITALY", "FRANCE|GERMANY", "ITALY|SUBMITTED BY THE PRESIDENT OF THE GENERAL ASSEMBLY"]})
    votes = pd.DataFrame([(1, "FRA", "Y"), (1, "DEU", "Y"), (1, "ITA", "A"), (2, "FRA", "N"), (2, "DEU", "Y"), (2, "ITA", "Y"),
                          (3, "FRA", "Y"), (3, "DEU", "Y"), (3, "ITA", "Y")], columns=["roll_call_id", "country_code", "vote"])
    return calls, votes


def test_network_partners_and_not_yes_counted_by_hand():
    calls, votes = hand_made()
    table = sponsor_table(calls)
    assert table["kind"].tolist() == ["state"] * 5 + ["state", "body"]
    edges = co_sponsorship_network(table).set_index(["country_a", "country_b"])
    assert edges.loc[("DEU", "FRA"), ["together", "drafts_a", "drafts_b", "jaccard"]].tolist() == [2, 2, 2, 1.0]
    assert edges.loc[("DEU", "ITA"), "together"] == 1 and edges.loc[("DEU", "ITA"), "jaccard"] == pytest.approx(1 / 3)
    partners = top_co_sponsors(table, "ITA")
    assert partners[["partner_code", "together", "share"]].values.tolist() == [["DEU", 1, 0.5], ["FRA", 1, 0.5]]
    assert top_co_sponsors(table, "USA").empty
    not_yes = sponsored_not_yes(table, votes)
    assert not_yes[["symbol", "country_code", "vote"]].values.tolist() == [["A/RES/75/1", "ITA", "A"], ["A/RES/75/2", "FRA", "N"]]


def test_compare_blocs_matches_numbers_and_scores_agreement():
    vote = pd.DataFrame({"country_code": list("ABCDEF"), "bloc": [0, 0, 0, 1, 1, 1], "bloc_name": ["v0"] * 3 + ["v1"] * 3,
                         "centrality": 1.0})
    sponsor = pd.DataFrame({"country_code": list("ABCDEF"), "bloc": [1, 1, 0, 0, 0, 0], "bloc_name": ["s1"] * 2 + ["s0"] * 4,
                            "centrality": 1.0})
    frame = compare_with_vote_blocs(sponsor, vote).set_index("country_code")
    assert frame["same"].to_dict() == {"A": True, "B": True, "C": False, "D": True, "E": True, "F": True}
    assert frame.loc["A", "sponsor_bloc"] == 0  # renumbered to the vote bloc it overlaps most
    assert 0 < frame.attrs["adjusted_rand"] < 1 and frame.attrs["agreeing"] == pytest.approx(5 / 6)


EXPECTED_75_287 = ("ALB AND AUT BEL BWA BGR CAN CHL COL CRI HRV CYP CZE DNK DOM ECU EST FIN FRA GMB DEU GRC HUN ISL IRL ITA "
                   "LVA LIE LTU LUX MWI MLT MHL MCO MNE NLD MKD NOR POL PRT KOR MDA ROU SMR SVK SVN ESP SWE CHE TUR UKR "
                   "GBR USA AGO AUS JPN MEX NZL").split()  # written by hand from the extract's 53 + 5 names


def test_sponsors_of_a_res_75_287_match_the_extract(full_store):
    from scraper.store import load_roll_calls

    entry = next(json.loads(line) for line in (UNXML_DIR / "75.json").read_text(encoding="utf-8").splitlines()
                 if json.loads(line)["symbol"] == "A/RES/75/287")
    listed = entry["sponsors"] + entry["additional_sponsors"]
    table = sponsor_table(load_roll_calls(full_store), ["75"])
    mine = table[table["symbol"] == "A/RES/75/287"]
    assert mine["name"].tolist() == listed  # main sponsors, then additional ones, in the extract's order
    assert mine["country_code"].tolist() == EXPECTED_75_287
    assert (mine["kind"] == "state").all() and mine["position"].tolist() == list(range(1, 59))
    assert mine["role"].tolist() == ["main"] * len(entry["sponsors"]) + ["additional"] * len(entry["additional_sponsors"])
    everything = sponsor_table(load_roll_calls(full_store))
    assert (everything["kind"] == "unknown").mean() < 0.001  # 1 entry of 23,000 ("THE OF KOREA")
    assert set(everything["session"]) <= {"74", "75", "76", "77", "78", "79", "80", "ES-10", "ES-11"}


def test_sponsors_command_on_the_real_store(full_store, capsys):
    db = ["--db", str(full_store), "--format", "csv"]
    assert main(["sponsors", "partners", "--country", "BRA", "--top", "3", *db]) == 0
    partners = pd.read_csv(io.StringIO(capsys.readouterr().out), comment="#")
    assert partners["rank"].tolist() == [1, 2, 3] and partners["together"].is_monotonic_decreasing
    assert main(["sponsors", "compare", "--sessions", "74-80", *db]) == 0
    compared = pd.read_csv(io.StringIO(capsys.readouterr().out), comment="#")
    assert compared["adjusted_rand"].nunique() == 1 and 0 < compared["adjusted_rand"].iloc[0] <= 1
    assert main(["sponsors", "--from", "1990", "--to", "1995", *db]) == 2
    assert "session 74" in capsys.readouterr().err
