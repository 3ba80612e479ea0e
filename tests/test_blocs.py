"""Blocs (clustering, k, stable labels, names, cohesion) and the 2-D map, on small hand-made data."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.agreement import agreement_matrix
from analysis.blocs import (
    GROUP_SHORT_NAMES,
    TooManyBlocs,
    bloc_changes,
    bloc_cohesion,
    cluster_countries,
    country_labels,
    match_blocs,
    central_members,
    name_bloc,
    prominence,
    silhouette,
)
from analysis.embedding import alignment_map, classical_mds

CODE = {"Y": 1.0, "A": 2.0, "N": 3.0, "-": np.nan}
LINES = {  # three blocs' lines over 12 votes
    "west": "Y Y Y N N N A A Y N Y N",
    "east": "N N N Y Y Y Y Y N Y N Y",
    "south": "Y Y A Y Y A Y Y Y Y A A",
}
MEMBERS = {"west": ["USA", "GBR", "FRA", "DEU"], "east": ["RUS", "BLR", "CHN"], "south": ["IND", "BRA", "ZAF", "EGY", "CUB"]}


def bloc_matrix(flip: dict[str, int] | None = None) -> pd.DataFrame:
    """States voting their bloc's line; `flip` = {code: number of votes switched to the west's line}."""
    rows, index = [], []
    for bloc, codes in MEMBERS.items():
        for offset, code in enumerate(codes):
            line = LINES[bloc].split()
            line[offset] = LINES["west"].split()[offset] if bloc != "west" else LINES["south"].split()[offset]  # a little noise
            for position in range((flip or {}).get(code, 0)):
                line[-1 - position] = LINES["west"].split()[-1 - position]
            rows.append([CODE[v] for v in line])
            index.append(code)
    return pd.DataFrame(rows, index=pd.Index(index, name="country_code"), dtype=np.float32)


def blocs_of(frame: pd.DataFrame) -> set[frozenset[str]]:
    return {frozenset(group["country_code"]) for _, group in frame.groupby("bloc")}


def test_finds_the_three_blocs_and_chooses_k_3():
    agreement = agreement_matrix(bloc_matrix(), min_shared=5)
    blocs = cluster_countries(agreement)
    assert blocs.attrs["k"] == 3
    assert blocs_of(blocs) == {frozenset(codes) for codes in MEMBERS.values()}
    assert set(blocs.attrs["criterion"]) == set(range(2, 11)) & set(range(2, len(agreement)))
    # bloc 0 is the largest (south, 5 states)
    assert set(blocs.loc[blocs["bloc"] == 0, "country_code"]) == set(MEMBERS["south"])


@pytest.mark.parametrize("method", ["hierarchical", "spectral", "kmeans"])
def test_every_method_is_deterministic_and_finds_the_blocs_with_k_given(method):
    agreement = agreement_matrix(bloc_matrix(), min_shared=5)
    first = cluster_countries(agreement, 3, method=method, random_state=0)
    second = cluster_countries(agreement, 3, method=method, random_state=0)
    pd.testing.assert_frame_equal(first, second)
    assert blocs_of(first) == {frozenset(codes) for codes in MEMBERS.values()}


def test_centrality_and_names():
    agreement = agreement_matrix(bloc_matrix(), min_shared=5)
    blocs = cluster_countries(agreement, 3, names={"USA": "United States"})
    west = blocs[blocs["country_code"].isin(MEMBERS["west"])]
    # centrality is the mean agreement with the other members, computed here directly
    for row in west.itertuples():
        others = [c for c in MEMBERS["west"] if c != row.country_code]
        assert row.centrality == pytest.approx(agreement.loc[row.country_code, others].mean())
    ordered = west.sort_values("centrality", ascending=False, kind="stable")["country_code"].tolist()
    assert west["bloc_name"].iloc[0] == name_bloc(ordered, lambda code: {"USA": "United States"}.get(code, code))
    assert west["central_members"].iloc[0] == central_members(ordered, lambda code: {"USA": "United States"}.get(code, code))


def test_bloc_names_put_groups_and_best_known_members_first():
    # Two or three states: named by their members, the best known first.
    assert name_bloc(["ISR", "USA"], size=2) == "USA and ISR"
    assert name_bloc(["PLW", "ISR", "USA"], size=3) == "USA, ISR and PLW"
    # Larger blocs: the groups held, then P5 before G20 before regional powers before the rest,
    # most central first within a tier (the list is in centrality order).
    members = ["LUX", "NLD", "DEU", "FRA", "BEL", "GBR"]
    assert name_bloc(members, groups=["EU", "NATO", "Western Group"]) == "EU and NATO: FRA, GBR, DEU, …"
    assert name_bloc(["TUV", "NRU", "KIR", "FJI"]) == "TUV, NRU, KIR, …"
    assert [prominence(code) for code in ("CHN", "IND", "NGA", "TUV")] == [0, 1, 2, 3]
    assert central_members(["A", "B"]) == "A, B" and central_members(["A", "B", "C", "D"]) == "A, B, C, …"


def test_too_many_blocs():
    agreement = agreement_matrix(bloc_matrix(), min_shared=5)
    with pytest.raises(TooManyBlocs, match="only 12 countries"):
        cluster_countries(agreement, 50)


def test_match_blocs_keeps_numbers_across_periods_and_bloc_changes_reports_movers():
    before = cluster_countries(agreement_matrix(bloc_matrix(), min_shared=5), 3)
    # EGY and CUB now vote the west's line on most votes: still three blocs, but numbered afresh
    after = cluster_countries(agreement_matrix(bloc_matrix({"EGY": 12, "CUB": 12}), min_shared=5), 3)
    matched = match_blocs(before, after)
    west_before = before.loc[before["country_code"] == "USA", "bloc"].item()
    assert matched.loc[matched["country_code"] == "USA", "bloc"].item() == west_before
    assert matched.loc[matched["country_code"] == "RUS", "bloc"].item() == before.loc[before["country_code"] == "RUS", "bloc"].item()
    changes = bloc_changes(before, after)
    assert set(changes["country_code"]) == {"CUB", "EGY"}
    assert (changes["bloc_after"] == west_before).all()


def test_match_blocs_gives_new_numbers_to_new_blocs():
    before = pd.DataFrame({"country_code": ["A", "B", "C", "D"], "bloc": [0, 0, 1, 1], "bloc_name": ["x"] * 4, "centrality": [1.0] * 4})
    after = pd.DataFrame({"country_code": ["A", "B", "C", "D"], "bloc": [1, 1, 0, 2], "bloc_name": ["y"] * 4, "centrality": [1.0] * 4})
    matched = match_blocs(before, after).set_index("country_code")["bloc"].to_dict()
    assert matched == {"A": 0, "B": 0, "C": 1, "D": 2}


def test_bloc_cohesion_agreement_index_worked_by_hand():
    # Bloc of three over 3 votes: YYY → AI 1; YYN → (2 − ½·1)/3 = 0.5; Y A N → (1 − ½·2)/3 = 0
    matrix = pd.DataFrame([[1, 1, 1], [1, 1, 2], [1, 3, 3]], index=pd.Index(["A", "B", "C"], name="country_code"), dtype=np.float32)
    blocs = pd.DataFrame({"country_code": ["A", "B", "C"], "bloc": [0, 0, 0], "bloc_name": ["A, B, C"] * 3})
    row = bloc_cohesion(matrix, blocs).iloc[0]
    assert row["size"] == 3
    assert row["cohesion"] == pytest.approx((1 + 0.5 + 0) / 3)
    # pairs: A–B 2/3, A–C 1/3, B–C 1/3
    assert row["mean_agreement"] == pytest.approx((2 / 3 + 1 / 3 + 1 / 3) / 3)


def test_country_labels_shorten_official_names():
    countries = pd.DataFrame({"country_code": ["BOL", "FRA", "LCA"], "name": ["BOLIVIA (PLURINATIONAL STATE OF)", "FRANCE", "SAINT LUCIA"]})
    labels = country_labels(countries)
    assert labels["BOL"] == "Bolivia" and labels["FRA"] == "France" and labels["LCA"] == "Saint Lucia"
    assert labels["USA"] == "United States"


def test_classical_mds_recovers_points_on_a_line():
    points = np.array([0.0, 1.0, 3.0, 6.0])
    distance = np.abs(points[:, None] - points[None, :])
    coordinates, eigenvalues = classical_mds(distance, 2)
    recovered = np.abs(coordinates[:, 0][:, None] - coordinates[:, 0][None, :])
    np.testing.assert_allclose(recovered, distance, atol=1e-9)
    assert abs(eigenvalues[1]) < 1e-9


def test_map_puts_the_us_on_positive_x_and_separates_the_blocs():
    agreement = agreement_matrix(bloc_matrix(), min_shared=5)
    coordinates = alignment_map(agreement).set_index("country_code")
    assert coordinates.loc["USA", "x"] > 0
    assert (coordinates.loc[MEMBERS["west"], "x"] > 0).all()
    # flipping the order of the rows changes nothing but the order
    reordered = agreement.iloc[::-1, ::-1]
    again = alignment_map(reordered).set_index("country_code").loc[coordinates.index]
    np.testing.assert_allclose(again[["x", "y"]].to_numpy(), coordinates[["x", "y"]].to_numpy(), atol=1e-9)
    assert 0 < sum(alignment_map(agreement).attrs["explained"]) <= 1


def test_bloc_names_skip_members_that_vote_on_a_sliver_of_the_agenda():
    matrix = bloc_matrix()
    tiny = [CODE[v] for v in LINES["west"].split()]
    tiny[:4] = [np.nan] * 4  # votes only on roll calls 5–11 (where no western state strays), with the west's line
    tiny[11] = np.nan
    matrix.loc["TUV"] = np.array(tiny, dtype=np.float32)
    blocs = cluster_countries(agreement_matrix(matrix, min_shared=5), 3)
    west = blocs[blocs["country_code"] == "USA"].iloc[0]
    assert blocs.loc[blocs["country_code"] == "TUV", "bloc"].item() == west["bloc"]
    assert blocs[blocs["bloc"] == west["bloc"]].iloc[0]["country_code"] == "TUV"  # the most central on its sliver
    assert "TUV" not in west["bloc_name"]


@pytest.mark.parametrize("seed", range(6))
def test_silhouette_equals_scikit_learns(seed):
    from sklearn.metrics import silhouette_score

    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 60))
    points = rng.normal(size=(n, 3))
    distance = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2))
    k = int(rng.integers(2, min(n, 8)))
    labels = rng.integers(0, k, size=n)
    labels[: k] = np.arange(k)  # every bloc used at least once
    if seed == 0:
        labels[-1] = k  # one state alone in its bloc: scores 0
    assert silhouette(distance, labels) == pytest.approx(silhouette_score(distance, labels, metric="precomputed"),
                                                         abs=1e-12)


def test_silhouette_is_undefined_for_one_bloc_or_all_singletons():
    distance = np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 1.5], [2.0, 1.5, 0.0]])
    assert np.isnan(silhouette(distance, np.array([0, 0, 0])))
    assert np.isnan(silhouette(distance, np.array([0, 1, 2])))


# ------------------------------------------------------------------------------------------
# Bloc names on the real store: checked against the groups' overlap, computed separately


def real_blocs(db, start: str, end: str, metric: str) -> pd.DataFrame:
    from analysis import matrix
    from scraper import store

    grid = matrix.vote_matrix(store.load_votes(db), start=start, end=end, successions=store.load_successions(db))
    return cluster_countries(agreement_matrix(grid, metric), None, names=country_labels(store.load_countries(db)),
                             date=end)


def named_groups_agree_with_overlap(blocs: pd.DataFrame, end: str) -> None:
    """Every group a name shows holds more than half of its clustered members in that bloc."""
    from analysis.groups import bloc_group_overlap

    overlap = bloc_group_overlap(blocs, None, end)
    short = {name: group for group, name in GROUP_SHORT_NAMES.items()} | {"EEC": "eu", "OAU": "au"}
    for bloc, name in blocs.drop_duplicates("bloc")[["bloc", "bloc_name"]].itertuples(index=False):
        if ": " not in name:
            continue
        for group_name in name.split(": ")[0].split(" and "):
            row = overlap[(overlap["bloc"] == bloc) & (overlap["group"] == short[group_name])].iloc[0]
            assert row["share_of_group"] > 0.5, (name, group_name, row["share_of_group"])


def bloc_of(blocs: pd.DataFrame, code: str) -> pd.Series:
    return blocs[blocs["bloc"] == blocs.loc[blocs["country_code"] == code, "bloc"].iloc[0]]


def test_real_bloc_names_2015_2025_say_who_they_are(full_store):
    blocs = real_blocs(full_store, "2015-01-01", "2025-12-31", "agreement")
    named_groups_agree_with_overlap(blocs, "2025-12-31")
    west, rest = bloc_of(blocs, "DEU"), bloc_of(blocs, "IND")
    assert {"EU", "NATO"} <= set(west["bloc_name"].iloc[0].split(": ")[0].split(" and ")), west["bloc_name"].iloc[0]
    assert rest["bloc_name"].iloc[0].startswith("G77"), rest["bloc_name"].iloc[0]
    assert "China" in rest["bloc_name"].iloc[0] and "Russia" in rest["bloc_name"].iloc[0]  # P5 members shown first
    us = bloc_of(blocs, "USA")
    if len(us) == 2:  # exact agreement sets the United States and Israel apart in this decade
        assert us["bloc_name"].iloc[0] == "United States and Israel"
    # the statistical name stays, as a column
    assert ":" not in west["central_members"].iloc[0] and west["central_members"].iloc[0].count(", ") == 3


def test_real_bloc_names_1980s_show_the_three_camps(full_store):
    blocs = real_blocs(full_store, "1980-01-01", "1989-12-31", "kappa")
    named_groups_agree_with_overlap(blocs, "1989-12-31")
    names = {code: bloc_of(blocs, code)["bloc_name"].iloc[0] for code in ("USA", "SUN", "IND")}
    assert len(set(names.values())) == 3, names
    assert "NATO" in names["USA"] and "EEC" in names["USA"]
    assert names["SUN"].startswith("Eastern European Group") and "USSR" in names["SUN"]
    assert names["IND"].startswith("G77")


# ------------------------------------------------------------------------------------------
# Defaults that show what a specialist expects in every decade (see benchmarks/bloc_defaults.py)


def catalog_1946_2025():
    from views.state import Catalog

    return Catalog(first_year=1946, last_year=2025, countries={"USA": "United States"}, topics={}, groups={})


def test_a_cold_war_link_without_a_measure_opens_with_kappa():
    from views.state import parse_params

    catalog = catalog_1946_2025()
    assert parse_params({"from": "1980", "to": "1989"}, catalog)[0].measure == "kappa"
    assert parse_params({"from": "1985", "to": "1991"}, catalog)[0].measure == "kappa"
    assert parse_params({"from": "1985", "to": "1992"}, catalog)[0].measure == "agreement"
    assert parse_params({}, catalog)[0].measure == "agreement"  # the default view: the last ten years
    # a measure the link names is kept
    assert parse_params({"from": "1980", "to": "1989", "measure": "agreement"}, catalog)[0].measure == "agreement"


def test_with_the_defaults_the_1980s_and_today_show_the_expected_camps(full_store):
    from views.state import default_state, parse_params

    catalog = catalog_1946_2025()
    cold_war = parse_params({"from": "1980", "to": "1989"}, catalog)[0]
    found = real_blocs(full_store, cold_war.start_date, cold_war.end_date, cold_war.metric)
    bloc_of = dict(zip(found["country_code"], found["bloc"]))
    assert len({bloc_of["USA"], bloc_of["SUN"], bloc_of["IND"]}) == 3, "West, Soviet bloc and non-aligned apart"
    today = default_state(catalog)
    found = real_blocs(full_store, today.start_date, today.end_date, today.metric)
    bloc_of = dict(zip(found["country_code"], found["bloc"]))
    assert bloc_of["USA"] != bloc_of["CHN"] and bloc_of["DEU"] != bloc_of["IND"], "the West apart from the rest"


# ------------------------------------------------------------------------------------------
# The Blocs page (AppTest on the small synthetic store)


def page_text(app) -> str:
    return "\n".join([*(m.value for m in app.markdown), *(c.value for c in app.caption),
                      *(s.value for s in app.subheader), *(i.value for i in app.info)])


def test_blocs_page_says_what_divides_the_blocs_in_plain_words(small_store, monkeypatch):
    from tests.dashboard_helpers import assert_clean, open_app

    app = open_app(small_store, monkeypatch, **{"from": "2010", "to": "2019"}, k="3")
    assert_clean(app)
    text = page_text(app)
    assert "What divides the blocs" in text and "resolutions?vote=" in text  # the votes, linked
    assert "predecessors apart" not in text and " 1 votes" not in text
    assert "counted on their own" in text
    # the pair chooser lists every pair and each bloc against the rest (3 blocs: 3 + 3)
    chooser = next(box for box in app.selectbox if box.key == "blocs_divide_pair")
    assert len(chooser.options) == 6
    chooser.select_index(4).run()
    assert_clean(app)
    assert "the others:" in page_text(app)
    # who changed bloc: no raw codes, and the caption says what was compared
    for frame in app.dataframe:
        assert "country_code" not in frame.value.columns
    assert "Compared with 2000–2009, cut into 3 blocs like this period" in page_text(app)


def test_blocs_page_tells_no_earlier_period_from_nobody_changed(small_store, monkeypatch):
    from tests.dashboard_helpers import assert_clean, open_app

    app = open_app(small_store, monkeypatch, **{"from": "1985", "to": "1990"}, k="3")
    assert_clean(app)
    assert next(box for box in app.selectbox if box.key == "w_measure").value == "kappa"  # a Cold War link
    text = page_text(app)
    assert "There is no earlier period of the same length" in text
    assert "No state changed bloc" not in text
    # a Cold War period under exact agreement offers Cohen's kappa, with a link
    app = open_app(small_store, monkeypatch, **{"from": "1985", "to": "1990"}, k="3", measure="agreement")
    assert_clean(app)
    assert "measure=kappa" in page_text(app)
