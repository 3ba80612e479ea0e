"""The dashboard run headless with Streamlit's AppTest on the small synthetic store (and, when
../shared is there, on the full one): every page renders, the URL sets the view, bad links give a
notice and defaults, widgets write the URL back, downloads carry the table, and an empty store
opens the first-run page that builds it."""
from __future__ import annotations

import io
import re
from dataclasses import replace

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from scraper import store
from tests.dashboard_helpers import assert_clean, open_app
from views import state

PAGES = ("blocs", "outliers", "resolutions", "countries", "compare", "about")


def widget(app: AppTest, key: str):
    return app.get_by_key(key)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_exception(small_store, monkeypatch, page):
    app = open_app(small_store, monkeypatch, page=page)
    assert_clean(app)
    assert not app.warning, [w.value for w in app.warning]
    assert app.title, f"page {page} drew no title"


def test_outlier_lists_render_without_exception(small_store, monkeypatch):
    for listing in state.OUTLIER_LISTS:
        app = open_app(small_store, monkeypatch, page="outliers", list=listing, **{"from": "2010", "to": "2019"})
        assert_clean(app)
        assert app.query_params["list"] == listing


def test_shared_link_sets_every_widget(small_store, monkeypatch):
    app = open_app(small_store, monkeypatch, **{"from": "1995", "to": "2004"}, topic="all", measure="kappa", k="3",
                   successors="merge", nonvoting="abstain", group="nato")
    assert_clean(app)
    assert not app.warning
    assert widget(app, "w_years").value == (1995, 2004)
    assert widget(app, "w_measure").value == "kappa"
    assert widget(app, "w_k").value == "3"
    assert widget(app, "w_successors").value is True
    assert widget(app, "w_nonvoting").value is True
    assert widget(app, "w_group").value == "nato"
    assert app.title[0].value == "Voting blocs, 1995–2004"
    # Three blocs asked for, three drawn (the metric reads "3").
    assert any(metric.value == "3" for metric in app.metric)


def test_country_links_set_the_country_pickers(small_store, monkeypatch):
    app = open_app(small_store, monkeypatch, page="countries", country="mmr", partners="BLR,RUS,CHN,USA")
    assert_clean(app)
    assert widget(app, "w_country").value == "MMR"
    assert list(widget(app, "w_partners").value) == ["BLR", "RUS", "CHN", "USA"]
    assert app.query_params["country"] == "MMR"  # written back in canonical form

    app = open_app(small_store, monkeypatch, page="compare", countries="CUB,USA")
    assert_clean(app)
    assert (widget(app, "w_countries_0").value, widget(app, "w_countries_1").value) == ("CUB", "USA")
    assert app.title[0].value == "Cuba and United States"


@pytest.mark.parametrize("params, fragment", [
    ({"from": "2010", "to": "1990"}, "backwards"),
    ({"from": "1900", "to": "2050"}, "run from 1985 to 2024"),
    ({"from": "abcd"}, "not a year"),
    ({"topic": "astrology"}, "Unknown topic"),
    ({"measure": "vibes"}, "Unknown measure"),
    ({"k": "99"}, "Unknown k"),
    ({"group": "hogwarts"}, "Unknown group"),
    ({"page": "nowhere"}, "Unknown page"),
    ({"page": "countries", "country": "XXX"}, "Unknown country code"),
    ({"page": "countries", "partners": "USA,ZZZ,QQQ"}, "Unknown country codes"),
    ({"page": "compare", "countries": "USA"}, "needs two countries"),
    ({"topic": "x" * 5000}, "5,000 characters"),
    ({"page": "resolutions", "vote": "A/RES/99/999"}, "No recorded vote"),
])
def test_bad_link_gives_a_short_notice_and_defaults(small_store, monkeypatch, params, fragment):
    app = open_app(small_store, monkeypatch, **params)
    assert_clean(app)
    notices = [w.value for w in app.warning]
    assert any(fragment in notice for notice in notices), notices
    assert all(len(notice) < 300 for notice in notices)


def test_bad_values_fall_back_to_sensible_defaults(small_store, monkeypatch):
    app = open_app(small_store, monkeypatch, **{"from": "2010", "to": "1990"}, topic="astrology", measure="x" * 5000)
    assert_clean(app)
    assert widget(app, "w_years").value == (1990, 2010)  # swapped, not dropped
    assert widget(app, "w_topic").value == "all"
    assert widget(app, "w_measure").value == "agreement"
    assert app.query_params["from"] == "1990" and app.query_params["to"] == "2010"
    assert app.query_params["measure"] == "agreement"


def test_garbage_query_string_still_opens(small_store, monkeypatch):
    app = open_app(small_store, monkeypatch, **{"from": "<script>", "to": "%00", "k": "-1", "q": "';DROP TABLE votes;--",
                                                "zzz": "1", "page": "resolutions"})
    assert_clean(app)
    assert app.title


def test_changing_a_widget_updates_the_url(small_store, monkeypatch):
    app = open_app(small_store, monkeypatch, **{"from": "2000", "to": "2009"})
    assert app.query_params["measure"] == "agreement"
    widget(app, "w_measure").select("pi").run()
    assert_clean(app)
    assert app.query_params["measure"] == "pi"
    widget(app, "w_years").set_value((2001, 2003)).run()
    assert_clean(app)
    assert (app.query_params["from"], app.query_params["to"]) == ("2001", "2003")
    assert app.title[0].value == "Voting blocs, 2001–2003"


def test_resolution_link_opens_the_vote_with_its_tallies(small_store, monkeypatch):
    roll_calls = store.load_roll_calls(small_store)
    call = roll_calls[roll_calls["symbol"] == "A/RES/75/3"].iloc[0]
    app = open_app(small_store, monkeypatch, page="resolutions", vote="a/res/75/3")
    assert_clean(app)
    assert app.title[0].value == "A/RES/75/3"
    tallies = {metric.label: metric.value for metric in app.metric}
    assert tallies["Yes"] == str(call["yes"]) and tallies["No"] == str(call["no"])
    assert tallies["Abstentions"] == str(call["abstain"])
    assert app.query_params["vote"] == "A/RES/75/3"


def test_download_offers_the_table_shown(small_store, monkeypatch):
    """The vote page offers its member votes as CSV. The file is made on click (a deferred download:
    the button carries the id of the function that writes it); the browser test clicks it and reads
    the file, and here the bytes that function returns are the store's member votes."""
    from views import controls

    app = open_app(small_store, monkeypatch, page="resolutions", vote="A/RES/75/3")
    assert_clean(app)
    buttons = [button for button in app.get("download_button") if button.proto.id.endswith("csv_member-votes-A-RES-75-3")]
    assert len(buttons) == 1 and buttons[0].proto.deferred_file_id, "no download button for the member votes"
    member_votes = store.load_member_votes(small_store, "A/RES/75/3")
    parsed = pd.read_csv(io.BytesIO(controls.table_csv(member_votes)))
    assert len(parsed) == 16 and set(parsed["vote"]) <= {"Y", "N", "A", "X"}
    assert dict(zip(parsed["country_code"], parsed["vote"])) == dict(zip(member_votes["country_code"], member_votes["vote"]))


def test_empty_store_opens_the_first_run_page_which_builds_it(tmp_path, small_bulk_file, monkeypatch):
    """With no data package (else the app builds from it unasked: tests/test_first_start.py) and
    paths allowed by the operator (UNGA_LOCAL_FILES=1)."""
    db = tmp_path / "fresh" / "unvotes.sqlite"
    monkeypatch.setenv("UNGA_PACKAGE", str(tmp_path / "no-package"))
    monkeypatch.setenv("UNGA_LOCAL_FILES", "1")
    app = open_app(db, monkeypatch)
    assert_clean(app)
    assert app.title[0].value == "UN General Assembly votes"
    assert any("data package" in block.value and "missing" in block.value for block in app.error)
    app.text_area(key="first_run_paths").input(str(small_bulk_file))
    app.button(key="first_run_import").click().run()
    assert_clean(app)
    assert store.data_version(db) != "empty"
    assert len(store.load_roll_calls(db)) == 40 * 8
    app.run()
    assert_clean(app)
    assert app.title[0].value.startswith("Voting blocs")


def test_first_run_page_names_a_missing_file(tmp_path, monkeypatch):
    db = tmp_path / "fresh" / "unvotes.sqlite"
    monkeypatch.setenv("UNGA_PACKAGE", str(tmp_path / "no-package"))
    monkeypatch.setenv("UNGA_LOCAL_FILES", "1")
    app = open_app(db, monkeypatch)
    app.text_area(key="first_run_paths").input(str(tmp_path / "nope.csv.gz"))
    app.button(key="first_run_import").click().run()
    assert_clean(app)
    assert any("No file called nope.csv.gz" in error.value for error in app.error)
    assert not any(str(tmp_path) in error.value for error in app.error), "a server path reached the page"
    assert not db.exists()


# ----------------------------------------------------------------------------------------------
# The URL state on its own (views/state.py is pure): hand-made catalogue, worked answers.

CATALOG = state.Catalog(first_year=1946, last_year=2026,
                        countries={"USA": "United States", "RUS": "Russia", "MMR": "Myanmar", "BLR": "Belarus",
                                   "CHN": "China", "SUN": "USSR"},
                        topics={"human-rights": "Human rights"}, groups={"asean": "ASEAN"})


def test_parse_params_reads_a_full_link_and_writes_it_back():
    raw = {"from": "1985", "to": "1991", "topic": "Human rights", "measure": "s_score", "k": "4",
           "successors": "merge", "country": "sun", "partners": "usa, rus,USA"}
    view, notices = state.parse_params(raw, CATALOG)
    assert notices == []
    assert (view.start_year, view.end_year, view.topic, view.measure, view.metric) == (1985, 1991, "human-rights", "s-score", "s_score")
    assert (view.n_blocs, view.successors, view.country, view.partners) == (4, "merge", "SUN", ("USA", "RUS"))
    assert (view.start_date, view.end_date) == ("1985-01-01", "1991-12-31")
    params = state.to_params(view, "countries")
    assert params["country"] == "SUN" and params["partners"] == "USA,RUS" and params["topic"] == "human-rights"
    again, _ = state.parse_params(params, CATALOG)
    assert again == replace(view, k="auto")  # the Countries page does not use (or write) the number of blocs


@pytest.mark.parametrize("raw, years", [
    ({"from": "2000", "to": "1990"}, (1990, 2000)),      # reversed: swapped
    ({"from": "1900", "to": "1950"}, (1946, 1950)),      # before the record: clipped
    ({"from": "2030", "to": "2040"}, (2017, 2026)),      # wholly outside: the default period
    ({"from": "20x5"}, (2017, 2026)),                    # not a year: the default period
    ({"to": "1950"}, (1946, 1950)),                      # only an end: the ten years up to it, clipped
])
def test_parse_params_repairs_periods(raw, years):
    view, notices = state.parse_params(raw, CATALOG)
    assert (view.start_year, view.end_year) == years
    assert notices


def test_should_read_url_only_when_the_link_changed():
    written = {"from": "2015", "to": "2025"}
    assert state.should_read_url(written, None, "blocs")                       # a link just opened
    sync = state.UrlSync(written=written, page="blocs")
    assert not state.should_read_url(written, sync, "blocs")                   # our own URL: widgets rule
    assert not state.should_read_url({}, sync, "outliers")                     # page switch from the menu
    assert state.should_read_url({"from": "1990", "to": "2025"}, sync, "blocs")  # edited by hand


# ----------------------------------------------------------------------------------------------
# The full store (skipped without ../shared): the facts a teacher will check first.


def test_myanmar_resolution_shows_belarus_alone_against(full_store, monkeypatch):
    app = open_app(full_store, monkeypatch, page="resolutions", vote="A/RES/75/287")
    assert_clean(app)
    tallies = {metric.label: metric.value for metric in app.metric}
    assert (tallies["Yes"], tallies["No"], tallies["Abstentions"], tallies["Non-voting"]) == ("119", "1", "36", "37")
    # Belarus was the only No, but with 36 abstentions the Yes side holds 76 % of the votes cast: not
    # the near-unanimous Assembly a lone dissent needs (analysis.outliers.lone_dissent_rule).
    lone = [s.value for s in app.success]
    assert not any("Lone dissent" in text for text in lone), lone
    # ...and the page still says who stood alone against, and why the rule does not call it a lone dissent
    said = [i.value for i in app.info if "to vote against" in i.value]
    assert len(said) == 1 and "**Belarus** was the only state to vote against" in said[0], said
    assert "with 36 abstaining, the Yes side cast 76%" in said[0], said


def test_human_rights_blocs_link_on_the_full_store(full_store, monkeypatch):
    app = open_app(full_store, monkeypatch, page="blocs", **{"from": "2015", "to": "2025"}, topic="human-rights")
    assert_clean(app)
    assert not app.warning, [w.value for w in app.warning]
    assert app.title[0].value == "Voting blocs, 2015–2025"
    assert widget(app, "w_topic").value == "human-rights"


# ----------------------------------------------------------------------------------------------
# Links are anyone's to write: values shown as text, aliases, unknown names, page addresses.


@pytest.mark.parametrize("value, shown", [
    ("[Log in](//ex.io)", "`[Log in](//ex.io)`"),
    ("![x](//ex.io/a.png)", "`![x](//ex.io/a.png)`"),
    ("<img src=x onerror=alert(1)>", "`<img src=x onerror=al…`"),
    ("a`b", "``a`b``"),
    ("`x", "`` `x ``"),
    ("  two\n lines ", "`two lines`"),
    ("", "(empty)"),
])
def test_quoted_values_are_code_spans_the_value_cannot_close(value, shown):
    assert state.quoted(value) == shown


def test_notices_quote_hostile_values_and_names_as_code():
    raw = {"topic": "[Log in](//ex.io)", "[x](//ex.io)": "1", "k": "![x](//ex.io/a.png)"}
    _, notices = state.parse_params(raw, CATALOG)
    assert len(notices) == 3, notices
    for notice in notices:
        # Every "ex.io" sits inside a code span: no Markdown link or image can form around it.
        outside = re.sub(r"(`+).*?\1", "", notice)
        assert "ex.io" not in outside and "](" not in outside, notice


def test_aliases_and_unknown_parameter_names():
    view, notices = state.parse_params({"symbol": "a/res/75/287", "search": "Myanmar", "colour": "red"}, CATALOG)
    assert (view.vote, view.query) == ("A/RES/75/287", "Myanmar")
    assert notices == ["Unknown parameter `colour` in the link; ignored it."]
    view, _ = state.parse_params({"vote": "A/RES/1/1", "symbol": "A/RES/2/2"}, CATALOG)
    assert view.vote == "A/RES/1/1"  # the parameter's own name wins over its alias
    _, notices = state.parse_params({"page": "blocs", "embed": "true"}, CATALOG)
    assert notices == []


@pytest.mark.parametrize("url, base_path, page, expected", [
    ("http://host:8501/blocs?from=1", "", "blocs", "http://host:8501/?k=3"),
    ("http://host:8501/?page=outliers", "", "outliers", "http://host:8501/outliers?k=3"),
    ("http://host:8501/outliers?from=1", "", "outliers", "http://host:8501/outliers?k=3"),
    ("http://host:8501/nothing?from=1", "", "blocs", "http://host:8501/?k=3"),  # a mistyped page
    ("http://host:8501/Outliers/x?from=1", "", "blocs", "http://host:8501/?k=3"),
    ("https://school.org/votes/countries", "/votes/", "countries", "https://school.org/votes/countries?k=3"),
    ("https://school.org/votes", "votes", "blocs", "https://school.org/votes/?k=3"),
    ("", "", "about", "/about?k=3"),
])
def test_page_link_is_the_pages_own_address(url, base_path, page, expected):
    assert state.page_link(url, base_path, page, {"k": "3"}) == expected


def test_a_damaged_store_is_reported_not_rebuilt(tmp_path, monkeypatch):
    db = tmp_path / "unvotes.sqlite"
    db.write_bytes(b"not a database at all" * 100)
    app = open_app(db, monkeypatch)
    assert_clean(app)
    assert any("cannot be read" in error.value and "unvotes.sqlite" in error.value for error in app.error)
    assert not any(str(tmp_path) in error.value for error in app.error)
    assert db.read_bytes() == b"not a database at all" * 100


# ----------------------------------------------------------------------------------------------
# Finding a vote by its symbol, in any spelling.


@pytest.mark.parametrize("query, symbol", [
    ("75/287", "A/RES/75/287"), ("A/RES/75/287", "A/RES/75/287"), ("a / res / 75 / 287", "A/RES/75/287"),
    ("res 75/287", "A/RES/75/287"), ("a/res/75/250 B", "A/RES/75/250B"), ("A/RES/75/254[A]", "A/RES/75/254A"),
    ("es 11/1", "A/RES/ES-11/1"), ("A/RES/ES-11/1", "A/RES/ES-11/1"), ("1514 (xv)", "A/RES/1514(XV)"),
    ("A/RES/33/116[A-IV]", "A/RES/33/116A-IV"), ("A/DEC/80/506", "A/DEC/80/506"),
    ("Myanmar", None), ("287", None), ("human rights 2020", None),
])
def test_symbol_query_reads_any_spelling(query, symbol):
    from views.resolutions import symbol_query

    assert symbol_query(query) == symbol


def test_symbol_search_finds_parts_not_longer_numbers():
    from views.resolutions import search

    roll_calls = pd.DataFrame({
        "roll_call_id": [1, 2, 3, 4, 5],
        "symbol": ["A/RES/75/28", "A/RES/75/284", "A/RES/75/28A", "A/RES/75/28B", "A/RES/1514(XV)"],
        "date": pd.to_datetime(["2020-12-01", "2021-05-01", "2020-12-02", "2020-12-02", "1960-12-14"]),
        "title": ["t"] * 5, "agenda": [""] * 5,
    })
    assert set(search(roll_calls, "75/28", "2000-01-01", "2000-12-31", None)["symbol"]) == {
        "A/RES/75/28", "A/RES/75/28A", "A/RES/75/28B"}  # every year, whatever the period; never 75/284
    assert list(search(roll_calls, "1514 (XV)", "2020-01-01", "2020-12-31", [1])["symbol"]) == ["A/RES/1514(XV)"]


def test_searching_a_symbol_opens_the_vote(small_store, monkeypatch):
    app = open_app(small_store, monkeypatch, page="resolutions", **{"from": "1990", "to": "1991"})
    assert app.title[0].value == "Resolutions"
    app.text_input(key="w_query").input("75/3").run()
    assert_clean(app)
    assert app.title[0].value == "A/RES/75/3"  # opened, though 2020 is outside the period chosen
    assert app.query_params["vote"] == "A/RES/75/3"
    assert not app.dataframe or all("A/RES/75/3" not in str(frame.value) for frame in app.dataframe[:1])
    app.text_input(key="w_query").input("75/").run()  # not a symbol: words of the title, in the period
    assert_clean(app)
    assert any("0 votes" in caption.value for caption in app.caption)
