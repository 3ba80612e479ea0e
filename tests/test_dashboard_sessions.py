"""The dashboard's period chosen by regular session (`?sessions=70-79`) rather than by calendar year:
the URL state on its own (pure, with a hand-made catalogue and worked answers), the session dates
read from a store, and the app run headless with AppTest on the small store (and the full one when
../shared is there)."""
from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from scraper import store
from tests.dashboard_helpers import assert_clean, open_app
from views import data, state


# Sessions 1–80 each open on 15 September of year 1945 + n and end the day before the next opens;
# the 19th (1964–65) took no recorded vote, as in the real record, so the 18th runs until the 20th.
SESSIONS = {n: (f"{1945 + n}-09-15", f"{1946 + n}-09-14") for n in range(1, 81) if n not in (18, 19)}
SESSIONS[18] = ("1963-09-15", "1965-09-14")
CATALOG = state.Catalog(first_year=1946, last_year=2026, countries={"USA": "United States", "RUS": "Russia"},
                        topics={"human-rights": "Human rights"}, groups={"asean": "ASEAN"}, sessions=SESSIONS)


# ----------------------------------------------------------------------------------------------
# The URL state on its own


def test_a_sessions_link_gives_the_sessions_dates_and_writes_itself_back():
    view, notices = state.parse_params({"sessions": "70-79", "topic": "human-rights"}, CATALOG)
    assert notices == []
    assert (view.sessions.first, view.sessions.last) == (70, 79)
    assert (view.start_date, view.end_date) == ("2015-09-15", "2025-09-14")
    assert (view.start_year, view.end_year) == (2015, 2025)
    assert view.period_label == "sessions 70–79 (2015–2025)"
    assert view.session_numbers == (70, 79)
    for page in ("blocs", "outliers", "resolutions", "countries", "compare"):
        params = state.to_params(view, page)
        assert params["sessions"] == "70-79" and "from" not in params and "to" not in params, page
        again, notices = state.parse_params(params, CATALOG)
        assert notices == [] and (again.sessions, again.start_date, again.end_date) == (view.sessions, "2015-09-15",
                                                                                        "2025-09-14")
    assert state.parse_params(state.to_params(view, "blocs"), CATALOG)[0] == view


def test_a_single_session_round_trips():
    view, notices = state.parse_params({"sessions": " 75 "}, CATALOG)
    assert notices == []
    assert (view.start_date, view.end_date, view.period_label) == ("2020-09-15", "2021-09-14", "session 75 (2020–2021)")
    assert state.to_params(view, "blocs")["sessions"] == "75"
    assert state.parse_params({"sessions": "75-75"}, CATALOG)[0] == view
    assert state.parse_params({"sessions": "75–75"}, CATALOG)[0] == view  # an en dash, as titles write it


def test_years_links_write_no_sessions_and_years_replace_a_sessions_view():
    by_sessions, _ = state.parse_params({"sessions": "70-79"}, CATALOG)
    view, notices = state.parse_params({"from": "1990", "to": "1999"}, CATALOG, base=by_sessions)
    assert notices == []
    assert view.sessions is None and (view.start_date, view.end_date) == ("1990-01-01", "1999-12-31")
    assert view.period_label == "1990–1999"
    params = state.to_params(view, "blocs")
    assert (params["from"], params["to"]) == ("1990", "1999") and "sessions" not in params
    # An empty `sessions=` names no period, and a link that names none keeps the one it is read over.
    assert state.parse_params({"sessions": " "}, CATALOG) == state.parse_params({}, CATALOG)
    assert state.parse_params({"measure": "pi"}, CATALOG, base=by_sessions)[0].sessions == by_sessions.sessions


@pytest.mark.parametrize("raw, sessions, fragment", [
    ({"sessions": "abc"}, None, "not a session"),                              # garbage: the default years
    ({"sessions": "70-79-80"}, None, "not a session"),
    ({"sessions": "90-95"}, (71, 80), "run from 1 to 80"),                     # wholly outside: the last ten
    ({"sessions": "75-95"}, (75, 80), "run from 1 to 80"),                     # partly outside: clipped
    ({"sessions": "0-3"}, (1, 3), "run from 1 to 80"),
    ({"sessions": "79-70"}, (70, 79), "backwards"),                            # reversed: swapped
    ({"sessions": "19"}, (20, 20), "No vote was recorded in session 19"),     # no votes: the next session
    ({"sessions": "70-79", "from": "2000", "to": "2010"}, (70, 79), "both"),   # mixed: the sessions win
    ({"sessions": "x", "from": "2000", "to": "2010"}, None, "not a session"),  # bad sessions: the years given
])
def test_bad_sessions_give_one_notice_and_a_sensible_period(raw, sessions, fragment):
    view, notices = state.parse_params(raw, CATALOG)
    assert len(notices) == 1 and fragment in notices[0], notices
    assert len(notices[0]) < 300
    assert view.session_numbers == sessions
    if sessions is None:
        expected = (2000, 2010) if "from" in raw else (2017, 2026)
        assert (view.start_year, view.end_year) == expected


def test_a_store_without_regular_sessions_ignores_the_parameter():
    view, notices = state.parse_params({"sessions": "70-79"}, replace(CATALOG, sessions={}))
    assert view.sessions is None and len(notices) == 1 and "no regular session" in notices[0]


def test_a_range_holding_a_session_without_votes_spans_its_neighbours():
    view, notices = state.parse_params({"sessions": "19-21"}, CATALOG)
    assert notices == []
    assert (view.start_date, view.end_date) == ("1965-09-15", "1967-09-14")  # sessions 20 and 21
    assert (state.parse_params({"sessions": "18-19"}, CATALOG)[0].end_date) == "1965-09-14"


def test_switching_between_years_and_sessions_keeps_the_period():
    """Sessions stand for the years they opened in, so years → sessions → years comes back unchanged."""
    assert state.sessions_covering(CATALOG, 2015, 2024) == (70, 79)
    assert state.years_of_sessions(CATALOG, 70, 79) == (2015, 2024)
    for first, last in ((1946, 1950), (1990, 1990), (2000, 2026)):
        sessions = state.sessions_covering(CATALOG, first, last)
        assert state.years_of_sessions(CATALOG, *sessions) == (first, min(last, 2025))
    assert state.sessions_covering(CATALOG, 1964, 1964) == (18, 18)  # no session opened in 1964: the one sitting
    assert state.sessions_covering(CATALOG, 1900, 1910) == (1, 1)    # outside the record: the nearest session
    assert state.sessions_covering(CATALOG, 2050, 2060) == (80, 80)
    assert state.sessions_covering(replace(CATALOG, sessions={}), 2015, 2024) is None


def test_the_earlier_period_has_as_many_sessions_or_years():
    view, _ = state.parse_params({"sessions": "70-79"}, CATALOG)
    earlier = state.earlier_period(view, CATALOG)
    assert (earlier.session_numbers, earlier.start_date, earlier.end_date) == ((60, 69), "2005-09-15", "2015-09-14")
    assert earlier.period_label == "sessions 60–69 (2005–2015)"
    assert data._previous_period(view.start_date, view.end_date, view.session_numbers, CATALOG) == (
        "2005-09-15", "2015-09-14")
    assert state.earlier_period(state.parse_params({"sessions": "3-7"}, CATALOG)[0], CATALOG) is None
    assert data._previous_period("2015-09-15", "2025-09-14", (3, 7), CATALOG) is None
    by_years, _ = state.parse_params({"from": "2015", "to": "2024"}, CATALOG)
    assert state.earlier_period(by_years, CATALOG).period_label == "2005–2014"
    assert data._previous_period(by_years.start_date, by_years.end_date) == ("2005-01-01", "2014-12-31")


# ----------------------------------------------------------------------------------------------
# Session dates read from a store


def test_session_dates_tile_the_record_from_each_sessions_first_vote(small_store):
    roll_calls = store.load_roll_calls(small_store)
    dates = data._session_dates(roll_calls)
    with sqlite3.connect(small_store) as conn:
        firsts = dict(conn.execute("SELECT CAST(session AS INTEGER), min(date) FROM roll_calls GROUP BY session"))
        last_vote = conn.execute("SELECT max(date) FROM roll_calls").fetchone()[0]
    assert {number: first for number, (first, _) in dates.items()} == firsts
    numbers = sorted(dates)
    for number, following in zip(numbers, numbers[1:]):
        day_before = roll_calls.loc[roll_calls["session"] == str(following), "date"].min() - pd.Timedelta(days=1)
        assert dates[number][1] == f"{day_before:%Y-%m-%d}"
    assert dates[numbers[-1]][1] == last_vote


def test_special_sessions_are_left_out_of_the_session_numbers_but_inside_their_dates(full_store):
    roll_calls = store.load_roll_calls(full_store)
    dates = data._session_dates(roll_calls)
    assert 19 not in dates and min(dates) == 1  # the 19th session took no recorded vote
    assert dates[75][0] <= "2021-06-18" <= dates[75][1]  # A/RES/75/287 (Myanmar)
    # ES-11 (Ukraine, 2 March 2022) falls in session 76's dates.
    assert dates[76][0] <= "2022-03-02" <= dates[76][1]


# ----------------------------------------------------------------------------------------------
# The app, headless


def count_votes_between_sessions(db: Path, first: int, last: int) -> int:
    """Recorded votes from session `first`'s first vote to the day before session `last + 1`'s first."""
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT count(*) FROM roll_calls WHERE date >= (SELECT min(date) FROM roll_calls WHERE session = ?)"
            " AND date < (SELECT min(date) FROM roll_calls WHERE session = ?)", (str(first), str(last + 1))).fetchone()[0]


def test_sessions_link_sets_the_widgets_the_title_and_the_votes(small_store, monkeypatch):
    app = open_app(small_store, monkeypatch, sessions="70-78")
    assert_clean(app)
    assert not app.warning, [w.value for w in app.warning]
    assert app.get_by_key("w_period_by").value == "sessions"
    assert app.get_by_key("w_sessions").value == (70, 78)
    assert app.title[0].value == "Voting blocs, sessions 70–78 (2015–2024)"
    assert app.query_params["sessions"] == "70-78" and "from" not in app.query_params
    expected = count_votes_between_sessions(small_store, 70, 78)
    assert expected > 0
    assert any(metric.label == "Recorded votes" and metric.value == f"{expected:,}" for metric in app.metric)

    app = open_app(small_store, monkeypatch, page="resolutions", sessions="70-78")
    assert_clean(app)
    assert any(caption.value.startswith(f"{expected:,} votes in sessions 70–78 (2015–2024)") for caption in app.caption)


@pytest.mark.parametrize("params, fragment", [
    ({"sessions": "abc"}, "not a session"),
    ({"sessions": "90-95"}, "run from 40 to 79"),
    ({"sessions": "79-70"}, "backwards"),
    ({"sessions": "70-79", "from": "2000", "to": "2010"}, "both"),
])
def test_bad_sessions_link_gives_a_notice(small_store, monkeypatch, params, fragment):
    app = open_app(small_store, monkeypatch, **params)
    assert_clean(app)
    notices = [w.value for w in app.warning]
    assert any(fragment in notice for notice in notices), notices
    assert app.title[0].value.startswith("Voting blocs, ")


def test_switching_the_period_kind_keeps_the_period_and_rewrites_the_url(small_store, monkeypatch):
    app = open_app(small_store, monkeypatch, **{"from": "2015", "to": "2023"})
    assert app.get_by_key("w_period_by").value == "years"
    app.get_by_key("w_period_by").set_value("sessions").run()
    assert_clean(app)
    assert app.get_by_key("w_sessions").value == (70, 78)
    assert app.query_params["sessions"] == "70-78" and "from" not in app.query_params
    assert app.title[0].value == "Voting blocs, sessions 70–78 (2015–2024)"

    app.get_by_key("w_sessions").set_value((72, 74)).run()
    assert_clean(app)
    assert app.query_params["sessions"] == "72-74"
    assert app.title[0].value == "Voting blocs, sessions 72–74 (2017–2020)"

    app.get_by_key("w_period_by").set_value("years").run()
    assert_clean(app)
    assert app.get_by_key("w_years").value == (2017, 2019)
    assert (app.query_params["from"], app.query_params["to"]) == ("2017", "2019")
    assert "sessions" not in app.query_params
    assert app.title[0].value == "Voting blocs, 2017–2019"


def test_every_page_renders_by_sessions(small_store, monkeypatch):
    for page in ("blocs", "outliers", "resolutions", "countries", "compare"):
        app = open_app(small_store, monkeypatch, page=page, sessions="60-69")
        assert_clean(app)
        assert not app.warning, (page, [w.value for w in app.warning])
        assert app.query_params["sessions"] == "60-69", page
    app = open_app(small_store, monkeypatch, page="outliers", list="movers", sessions="60-69")
    assert_clean(app)
    assert any("between sessions 50–59" in caption.value for caption in app.caption)


def test_session_75_covers_the_myanmar_resolution_on_the_full_store(full_store, monkeypatch):
    # Words of the title search the period (a symbol opens its vote in any period: see
    # test_searching_a_symbol_opens_the_vote): December 2020's Rohingya vote and June 2021's.
    app = open_app(full_store, monkeypatch, page="resolutions", sessions="75-75", q="situation in Myanmar")
    assert_clean(app)
    assert not app.warning, [w.value for w in app.warning]
    assert any(caption.value.startswith("2 votes in session 75 (2020–2021)") for caption in app.caption), \
        [caption.value for caption in app.caption]
    assert "2021-06-18" in app.dataframe[0].value["date"].astype(str).tolist()

    app = open_app(full_store, monkeypatch, page="resolutions", sessions="76", q="situation in Myanmar")
    assert_clean(app)
    assert any(caption.value.startswith("0 votes in session 76") for caption in app.caption)


def test_downloads_name_the_period_as_it_was_chosen():
    by_sessions, _ = state.parse_params({"sessions": "70-79"}, CATALOG)
    by_years, _ = state.parse_params({"from": "1990", "to": "1999"}, CATALOG)
    one_session, _ = state.parse_params({"sessions": "75"}, CATALOG)
    assert (by_sessions.period_slug, by_years.period_slug, one_session.period_slug) == (
        "sessions-70-79", "1990-1999", "sessions-75")
