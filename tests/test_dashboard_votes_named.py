"""Outliers, Countries and Compare: every vote named with its title and topic, partners ranked beyond
chance with their shared votes, "stood alone" meaning alone, one colour per state on the Countries page."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.agreement import agreement_matrix
from tests.dashboard_helpers import assert_clean, open_app
from views import charts
from views.countries import colour_by_state, partner_table, state_colours


def frames(app) -> list[pd.DataFrame]:
    return [element.value for element in app.dataframe]


def test_partner_table_counts_shared_votes_and_ranks_by_the_given_measure():
    code = {"Y": 1.0, "A": 2.0, "N": 3.0}
    lines = {  # 24 votes; YES votes Yes on all, A mirrors B's distinctive No votes
        "A": "Y" * 20 + "NNNN",
        "B": "Y" * 20 + "NNNN",
        "YES": "Y" * 24,
        "C": "Y" * 10 + "N" * 10 + "YYYY",
    }
    matrix = pd.DataFrame({c: [code[v] for v in line] for c, line in lines.items()}).T.astype(np.float32)
    matrix.loc["YES", 0] = np.nan  # YES did not vote once: 23 shared votes with A
    kappa, exact = agreement_matrix(matrix, "kappa"), agreement_matrix(matrix, "agreement")
    table = partner_table(kappa, exact, matrix, "A")
    assert table["country_code"].tolist()[0] == "B"
    row = table.set_index("country_code")
    assert row.loc["YES", "shared_votes"] == 23 and row.loc["B", "shared_votes"] == 24
    assert row.loc["YES", "agreement"] == pytest.approx(19 / 23)  # high raw agreement...
    assert row.loc["YES", "value"] == pytest.approx(0.0)  # ...no more than chance
    assert table["rank"].tolist() == [1, 2, 3]


def test_each_state_keeps_its_colour_across_the_page():
    names = {"MMR": "Myanmar", "BLR": "Belarus", "USA": "United States"}
    colours = state_colours(["MMR", "BLR", "USA"])
    assert len(set(colours.values())) == 3
    partners_only = pd.DataFrame({"year": [2000, 2001] * 2, "value": [0.5, 0.6, 0.1, 0.2],
                                  "partner_code": ["BLR", "BLR", "USA", "USA"]})
    with_country = pd.DataFrame({"year": [2000, 2001] * 3, "ideal_point": [-1, -1, -2, -2, 2, 2], "se": [0.1] * 6,
                                 "country_code": ["MMR", "MMR", "BLR", "BLR", "USA", "USA"]})
    first = charts.lines_over_time(partners_only, "year", "value", "partner_code", names, "agreement")
    second = charts.lines_over_time(with_country, "year", "ideal_point", "country_code", names, "ideal point", band="se")
    for figure in (first, second):
        colour_by_state(figure, colours, names)
    lines_first = {t.name: t.line.color for t in first.data}
    lines_second = {t.name: t.line.color for t in second.data if t.name}
    assert lines_first["Belarus"] == lines_second["Belarus"] == colours["BLR"]
    assert lines_first["United States"] == lines_second["United States"] == colours["USA"]
    bands = [t.fillcolor for t in second.data if t.fill == "toself"]
    assert bands == [colours["MMR"], colours["BLR"], colours["USA"]]


def test_pages_render_on_the_small_store(small_store, monkeypatch):
    for params in ({"page": "countries", "country": "MMR", "partners": "BLR,USA"},
                   {"page": "compare", "countries": "CUB,USA"},
                   {"page": "outliers", "list": "lone-dissenters"},
                   {"page": "outliers", "list": "group-breakers", "group": "nato"}):
        app = open_app(small_store, monkeypatch, **params)
        assert_clean(app)


# --- the real record (../shared) ----------------------------------------------------------------


def test_myanmar_partners_beyond_chance_and_votes_where_it_stood_alone(full_store, monkeypatch):
    app = open_app(full_store, monkeypatch, page="countries", country="MMR", partners="BLR,CHN",
                   **{"from": "2017", "to": "2026"})
    assert_clean(app)
    tables = frames(app)
    closest = next(t for t in tables if "shared votes" in t.columns)
    assert "Cohen's kappa" in closest.columns and closest["same vote"].between(0, 100).all()
    assert "Turkmenistan" not in closest["state"].tolist()  # 0.93 the same vote, kappa 0.01
    assert closest["state"].iloc[0] == "Venezuela"
    assert (closest["shared votes"] >= 20).all() and closest["Cohen's kappa"].is_monotonic_decreasing
    voted = [t for t in tables if "voted" in t.columns]
    for table in voted:
        assert {"title", "topic"} <= set(table.columns)
        assert table["title"].str.len().gt(0).all()
    captions = " ".join(c.value for c in app.caption)
    assert "only state on its side" in captions and "Ranked by Cohen's kappa" in captions


def test_outliers_name_each_vote_and_a_res_47_19_is_not_there(full_store, monkeypatch):
    app = open_app(full_store, monkeypatch, page="outliers", list="lone-dissenters", **{"from": "1992", "to": "1993"})
    assert_clean(app)
    table = frames(app)[0]
    assert {"title", "topic", "states against", "with"} <= set(table.columns)
    assert not table["vote"].str.contains("47/19&|47/19$").any()
    assert table["title"].str.len().gt(0).all()
    assert (table["majority share"] >= 0.9).all() and table["states against"].between(1, 3).all()
    assert any("of all Yes, No and Abstain votes" in c.value for c in app.caption)


def test_compare_names_each_split_vote(full_store, monkeypatch):
    app = open_app(full_store, monkeypatch, page="compare", countries="USA,ISR", **{"from": "2020", "to": "2021"})
    assert_clean(app)
    table = frames(app)[0]
    assert {"title", "topic"} <= set(table.columns)
    assert table["title"].str.len().gt(0).all() and table["topic"].str.len().gt(0).any()


def test_the_readme_s_turkmenistan_example(full_store):
    """Myanmar and Turkmenistan 2017–2026: the same vote on 93 % of 569 shared votes, kappa 0.01
    (570 before the Library's duplicate records of one vote were merged)."""
    from analysis.matrix import vote_matrix
    from scraper.store import load_votes

    matrix = vote_matrix(load_votes(full_store), start="2017-01-01", end="2026-12-31")
    kappa, exact = agreement_matrix(matrix, "kappa"), agreement_matrix(matrix, "agreement")
    table = partner_table(kappa, exact, matrix, "MMR", n=None).set_index("country_code")
    assert table.loc["TKM", "shared_votes"] == 569
    assert table.loc["TKM", "agreement"] == pytest.approx(0.932, abs=0.001)
    assert abs(table.loc["TKM", "value"]) < 0.02
    assert table.loc["TKM", "rank"] > 100  # by kappa, far from the closest
    assert table.index[:3].tolist() == ["VEN", "ZWE", "CUB"]


def test_stood_alone_lists_only_votes_with_one_state_against(full_store, monkeypatch):
    """The United States in 2024–2025 stood alone on some votes and beside Israel or Argentina on others:
    "stood alone" holds only the first kind, "nearly alone" the second, each checked against the rule."""
    from analysis.outliers import find_lone_dissenters
    from scraper.store import load_votes

    app = open_app(full_store, monkeypatch, page="countries", country="USA", partners="ISR",
                   **{"from": "2024", "to": "2025"})
    assert_clean(app)
    solo, nearly = [t for t in frames(app) if "voted" in t.columns]
    assert "with" not in solo.columns and "with" in nearly.columns
    votes = load_votes(full_store)
    found = find_lone_dissenters(votes[votes["date"].dt.year.between(2024, 2025)])
    against = found.groupby("symbol")["country_code"].count()
    symbol = r"vote=([^&]+)"
    solo_symbols = solo["vote"].str.extract(symbol)[0].str.replace("%2F", "/")
    nearly_symbols = nearly["vote"].str.extract(symbol)[0].str.replace("%2F", "/")
    assert len(solo_symbols) and (against.reindex(solo_symbols) == 1).all()
    assert len(nearly_symbols) and against.reindex(nearly_symbols).between(2, 3).all()
    assert nearly["with"].str.len().gt(0).all()
