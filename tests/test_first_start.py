"""The dashboard on a server with no store: it builds the store from the data package unasked and
opens the Blocs page; a missing or damaged package or store gives the first-run page with the
reason in words; the opt-in background sync runs once however many sessions render, and a
failing network leaves the app serving and the About page saying so."""
from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from scraper import autosync, store
from tests.dashboard_helpers import DASHBOARD, assert_clean, open_app
from tests.localserver import LocalServer, make_unxml_line

REPOSITORY = Path(__file__).resolve().parent.parent
COMMITTED = REPOSITORY / "data" / "package"


def test_an_empty_data_folder_is_built_from_the_package_and_opens_on_blocs(tmp_path, monkeypatch):
    db = tmp_path / "data" / "unvotes.sqlite"
    app = open_app(db, monkeypatch)
    assert_clean(app)
    assert app.title[0].value.startswith("Voting blocs"), [t.value for t in app.title]
    assert not app.error, [e.value for e in app.error]
    roll_calls = store.load_roll_calls(db)
    assert len(roll_calls) >= 5650  # the 5,706 source records are 5,661 recorded votes once merged (one vote, one roll call)
    members = store.load_member_votes(db, "A/RES/75/287")
    assert list(members[members["vote"] == "N"]["country_code"]) == ["BLR"]


def damaged_package(tmp_path: Path) -> Path:
    folder = tmp_path / "package"
    shutil.copytree(COMMITTED, folder)
    votes = bytearray((folder / "votes.parquet").read_bytes())
    votes[1000] ^= 0xFF
    (folder / "votes.parquet").write_bytes(bytes(votes))
    return folder


def test_a_damaged_package_gives_the_first_run_page_saying_so(tmp_path, monkeypatch):
    db = tmp_path / "data" / "unvotes.sqlite"
    monkeypatch.setenv("UNGA_PACKAGE", str(damaged_package(tmp_path)))
    app = open_app(db, monkeypatch)
    assert_clean(app)
    assert app.title[0].value == "UN General Assembly votes"
    [error] = [e.value for e in app.error]
    assert "votes.parquet: damaged" in error and "data package" in error
    assert str(tmp_path) not in error, "a server path reached the page"
    assert not [e for e in app.text_area if e.key == "first_run_paths"], "path entry offered on a public server"
    assert store.data_version(db) == "empty" if db.exists() else True


def test_a_damaged_store_file_gives_words_not_a_traceback(tmp_path, monkeypatch):
    db = tmp_path / "data" / "unvotes.sqlite"
    db.parent.mkdir()
    db.write_bytes(b"this is not a SQLite file " * 200)
    app = open_app(db, monkeypatch)
    assert_clean(app)
    [error] = [e.value for e in app.error]
    assert "`unvotes.sqlite`, is damaged" in error and "delete the file" in error
    assert str(tmp_path) not in error


# --- the background sync ---------------------------------------------------------------------

SESSION_74 = make_unxml_line("A/RES/74/901", "18 December 2019", yes=["ALBANIA", "ALGERIA"], no=["BELARUS"],
                             abstain=["CHINA"]) + "\n"


@pytest.fixture
def synced_server():
    with LocalServer() as server:
        server.robots("User-agent: *\nAllow: /\n")
        server.serve("/data_extract/74.json", SESSION_74.encode(), "text/plain; charset=utf-8")
        yield server


def wait_for_background_sync(timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while autosync.is_running() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not autosync.is_running(), "the background sync did not finish"


def test_a_due_sync_runs_once_while_two_sessions_render(small_store, tmp_path, monkeypatch, synced_server):
    db = tmp_path / "data" / "unvotes.sqlite"
    db.parent.mkdir()
    shutil.copy(small_store, db)
    monkeypatch.setenv("UNGA_DB", str(db))
    monkeypatch.setenv("UNGA_SYNC_EVERY", "24h")
    monkeypatch.setenv("UNGA_UNXML_BASE", f"{synced_server.url}/data_extract/")
    sessions = [AppTest.from_file(DASHBOARD, default_timeout=120) for _ in range(2)]
    runners = [threading.Thread(target=session.run) for session in sessions]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()
    for session in sessions:
        assert_clean(session)
        assert session.title[0].value.startswith("Voting blocs")
    wait_for_background_sync()
    assert len(synced_server.hits("/data_extract/74.json")) == 1
    assert "A/RES/74/901" in set(store.load_roll_calls(db)["symbol"])
    status = autosync.read_status(db)
    assert status.ok and status.finished_at and "1 new" in status.message
    again = AppTest.from_file(DASHBOARD, default_timeout=120).run()  # not due again for 24 hours
    assert_clean(again)
    wait_for_background_sync()
    assert len(synced_server.hits("/data_extract/74.json")) == 1
    about = open_app(db, monkeypatch, page="about")
    assert_clean(about)
    shown = " ".join(block.value for block in about.info)
    assert "it worked" in shown and "Next: due" in shown and "every 24 hours" in shown


def test_a_failing_network_leaves_the_app_serving_and_about_saying_so(small_store, tmp_path, monkeypatch):
    db = tmp_path / "data" / "unvotes.sqlite"
    db.parent.mkdir()
    shutil.copy(small_store, db)
    before = store.data_version(db)
    monkeypatch.setenv("UNGA_SYNC_EVERY", "1h")
    monkeypatch.setenv("UNGA_UNXML_BASE", "https://no-such-host.invalid/data_extract/")
    app = open_app(db, monkeypatch)
    assert_clean(app)
    assert app.title[0].value.startswith("Voting blocs")
    wait_for_background_sync()
    assert store.data_version(db) == before
    about = open_app(db, monkeypatch, page="about")
    assert_clean(about)
    [shown] = [block.value for block in about.error]
    assert "did not work" in shown and "no network" in shown and "every 60 minutes" in shown


def test_an_unreadable_setting_turns_sync_off_and_says_so(small_store, tmp_path, monkeypatch):
    monkeypatch.setenv("UNGA_SYNC_EVERY", "every tuesday")
    about = open_app(small_store, monkeypatch, page="about")
    assert_clean(about)
    assert any("UNGA_SYNC_EVERY='every tuesday'" in w.value for w in about.warning)


@pytest.mark.parametrize("text, seconds", [("24h", 86400), ("90m", 5400), ("2d", 172800), ("6", 21600), ("30s", 60)])
def test_parse_interval(text, seconds):
    assert autosync.parse_interval(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["", "0", "off", None])
def test_parse_interval_off(text):
    assert autosync.parse_interval(text) is None


@pytest.mark.parametrize("text", ["-1h", "soon", "1w", "nan"])
def test_parse_interval_refuses(text):
    with pytest.raises(ValueError, match="UNGA_SYNC_EVERY"):
        autosync.parse_interval(text)


def test_the_setting_may_be_a_streamlit_secret(small_store, tmp_path, monkeypatch):
    db = tmp_path / "data" / "unvotes.sqlite"
    db.parent.mkdir()
    shutil.copy(small_store, db)
    monkeypatch.setenv("UNGA_DB", str(db))
    monkeypatch.delenv("UNGA_SYNC_EVERY", raising=False)
    monkeypatch.setenv("UNGA_UNXML_BASE", "https://no-such-host.invalid/data_extract/")
    app = AppTest.from_file(DASHBOARD, default_timeout=120)
    app.secrets["UNGA_SYNC_EVERY"] = "12h"
    app.query_params["page"] = "about"
    app.run()
    assert_clean(app)
    wait_for_background_sync()
    shown = " ".join([block.value for block in app.info] + [block.value for block in app.error])
    assert "this server syncs every 12 hours" in shown


def test_sync_now_with_no_network_says_so_in_a_box_at_once(tmp_path, monkeypatch):
    """The first-run page offline: a box in words with the next step, within seconds, no traceback."""
    monkeypatch.setenv("UNGA_PACKAGE", str(tmp_path / "no-package"))
    monkeypatch.setenv("UNGA_UNXML_BASE", "https://no-such-host.invalid/data_extract/")
    app = open_app(tmp_path / "data" / "unvotes.sqlite", monkeypatch)
    started = time.monotonic()
    app.button(key="first_run_sync").click().run()
    assert time.monotonic() - started < 10
    assert_clean(app)
    errors = [e.value for e in app.error]
    assert any("cannot reach the internet" in e and "upload the UN's files" in e for e in errors), errors
    assert not any("HTTPSConnectionPool" in e or "NameResolutionError" in e for e in errors)
