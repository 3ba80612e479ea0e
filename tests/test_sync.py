"""sync, fetch-record and rebuild end to end, against a real HTTP server on 127.0.0.1.

The server serves the real captures in ../shared/fixtures/undl/ (tests that need them skip without
it) and small captures written here in the same formats: UN per-session extracts and MARCXML voting
records whose tallies are worked out by hand from their member lists.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from scraper import store
from scraper.__main__ import main
from scraper.http import BULK_FILE_URL, PoliteSession
from scraper.raw import RawArchive
from scraper.sync import UNDL_PROGRESS, UNXML_PROGRESS, fetch_record, rebuild, sync
from tests.localserver import LibrarySite, LocalServer, Reply, make_unxml_line, make_voting_record

REPOSITORY = Path(__file__).resolve().parent.parent
FIXTURES = REPOSITORY.parent / "shared" / "fixtures" / "undl"
needs_fixtures = pytest.mark.skipif(not FIXTURES.is_dir(), reason="../shared/fixtures/undl (real Library captures) is not here")

FAST = dict(min_delay=0.01, backoff=0.01, timeout=(2.0, 5.0))

# Three resolutions of session 74, two of them recorded votes; tallies are the list lengths.
SESSION_74 = "\n".join([
    make_unxml_line("A/RES/74/901", "18 December 2019", yes=["ALBANIA", "ALGERIA", "ANDORRA"], no=["BELARUS"], abstain=["CHINA"]),
    make_unxml_line("A/RES/74/902", "18 December 2019", recorded=False),
    make_unxml_line("A/RES/74/903 A", "19 December 2019", yes=["FRANCE", "GERMANY"], no=[], abstain=["INDIA", "JAPAN"]),
]) + "\n"
SESSION_75 = make_unxml_line("A/RES/75/901", "2 December 2020", yes=["BRAZIL"], no=["CUBA", "EGYPT"], abstain=[]) + "\n"
SESSION_ES10 = make_unxml_line("A/RES/ES-10/901", "12 June 2020", yes=["MEXICO", "PERU"], no=["ISRAEL"], abstain=["FIJI"]) + "\n"

# The Library: 25 voting records dated 2023 (three pages of 10 on this server) and 3 dated 2024.
PATTERNS = ("YYYYNAX", "YYYYYYA", "YNNAAXY")


def library_records() -> dict[int, tuple[int, bytes]]:
    records = {}
    for i in range(25):
        undl_id = 4_000_000 + i
        records[undl_id] = (2023, make_voting_record(undl_id, f"A/RES/78/{600 + i}", f"2023-12-{1 + i % 28:02d}", pattern=PATTERNS[i % 3]))
    for i in range(3):
        undl_id = 4_100_000 + i
        records[undl_id] = (2024, make_voting_record(undl_id, f"A/RES/78/{700 + i}", f"2024-03-{10 + i:02d}", pattern=PATTERNS[i % 3]))
    return records


@pytest.fixture
def server():
    with LocalServer() as running:
        running.robots("User-agent: *\nAllow: /\n")
        running.serve("/data_extract/74.json", SESSION_74.encode(), "text/plain; charset=utf-8")
        running.serve("/data_extract/75.json", SESSION_75.encode(), "text/plain; charset=utf-8")
        running.serve("/data_extract/ES-10.json", SESSION_ES10.encode(), "text/plain; charset=utf-8")
        running.library = LibrarySite(running, library_records(), page_size=10)
        yield running


@pytest.fixture
def paths(tmp_path):
    return tmp_path / "unvotes.sqlite", RawArchive(tmp_path / "raw")


def run_sync(server, db, archive, **options) -> object:
    with PoliteSession(archive=archive, **FAST) as http:
        return sync(db, http, unxml_base=f"{server.url}/data_extract/", undl_base=server.url, show_progress=False, **options)


def comparable(db, with_retrieval_times: bool) -> dict[str, pd.DataFrame]:
    """The store's content, without the times at which things were saved (nor, unless asked, fetched)."""
    times = "retrieved_at, " if with_retrieval_times else ""
    with sqlite3.connect(db) as conn:
        sources = pd.read_sql_query(
            f"SELECT kind, name, url, sha256, {times}roll_calls, vote_rows, new, changed, unchanged FROM sources ORDER BY source_id", conn)
    return {
        "votes": store.load_votes(db),
        "roll_calls": store.load_roll_calls(db),
        "sources": sources,
        "data_version": pd.DataFrame({"v": [store.data_version(db)]}),
    }


def assert_same_store(first, second, *, same_fetches: bool = True) -> None:
    """Same votes, roll calls, sources and data version; `same_fetches`: also the same retrieval times
    (true of a rebuild from the run's own raw archive, not of two separate runs)."""
    a, b = comparable(first, same_fetches), comparable(second, same_fetches)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


def cli(server, db, raw_dir, *args) -> int:
    network = ["--undl-base", server.url, "--delay", "0.01"] if args[0] in ("sync", "fetch-record") else []
    return main([*args, "--db", str(db), "--raw-dir", str(raw_dir), "--quiet", *network])


# ----------------------------------------------------------------------------------- UN extracts


def test_full_sync_saves_every_recorded_vote_of_the_extracts(server, paths):
    db, archive = paths
    summary = run_sync(server, db, archive)
    assert summary.ok, summary.lines()
    # 74: two recorded votes of three resolutions; 75: one; ES-10: one.
    assert summary.new == 4
    roll_calls = store.load_roll_calls(db).set_index("symbol")
    assert set(roll_calls.index) == {"A/RES/74/901", "A/RES/74/903A", "A/RES/75/901", "A/RES/ES-10/901"}
    assert roll_calls.loc["A/RES/74/901", ["yes", "no", "abstain"]].tolist() == [3, 1, 1]
    votes = store.load_votes(db)
    belarus = votes[(votes["symbol"] == "A/RES/74/901") & (votes["country_code"] == "BLR")]
    assert belarus["vote"].tolist() == ["N"]
    # Series probed until their first 404: 76, ES-11, S-32.
    for missing in ("76", "ES-11", "S-32"):
        assert len(server.hits(f"/data_extract/{missing}.json")) == 1
    assert server.hits("/data_extract/77.json") == []


def test_second_sync_with_nothing_new_only_asks_if_changed(server, paths):
    db, archive = paths
    run_sync(server, db, archive)
    version = store.data_version(db)
    before = len(server.requests)
    manifest_lines = len(list(archive.entries()))
    summary = run_sync(server, db, archive)
    assert summary.ok and (summary.new, summary.changed) == (0, 0)
    assert summary.not_modified == 3
    assert store.data_version(db) == version
    second = server.requests[before:]
    for request in second:
        if request.path in ("/data_extract/74.json", "/data_extract/75.json", "/data_extract/ES-10.json"):
            assert "If-None-Match" in request.headers
    # Only the three 404 probes and robots.txt bring bodies; no extract is downloaded again.
    new_entries = list(archive.entries())[manifest_lines:]
    assert {(entry.status, entry.source_kind) for entry in new_entries} <= {(404, "unxml"), (200, "robots")}


def test_a_file_changed_upstream_is_read_again_whole(server, paths):
    db, archive = paths
    run_sync(server, db, archive)
    revised = SESSION_75.replace('"CUBA", "EGYPT"', '"CUBA"').replace('"MS_against_count": "2"', '"MS_against_count": "1"')
    server.serve("/data_extract/75.json", revised.encode(), "text/plain; charset=utf-8")
    summary = run_sync(server, db, archive)
    assert summary.ok and summary.changed == 1 and summary.new == 0
    votes = store.load_votes(db)
    egypt = votes[(votes["symbol"] == "A/RES/75/901") & (votes["country_code"] == "EGY")]
    assert egypt["vote"].tolist() == ["X"]  # no longer listed against: inferred non-voting


def test_sync_rides_out_a_server_error_and_a_truncated_body(server, paths):
    db, archive = paths
    server.script("/data_extract/74.json", [Reply(status=500), Reply(body=SESSION_74.encode(), truncate_to=50),
                                            Reply(body=SESSION_74.encode())])
    summary = run_sync(server, db, archive)
    assert summary.ok, summary.lines()
    assert summary.new == 4
    assert len(server.hits("/data_extract/74.json")) == 3


def test_malformed_file_fails_alone_and_the_exit_is_non_zero(server, paths, capsys):
    db, archive = paths
    broken = SESSION_74.splitlines()[0] + "\n" + SESSION_74.splitlines()[1][:40] + "\n"  # cut mid-line
    server.serve("/data_extract/74.json", broken.encode(), "text/plain; charset=utf-8")
    code = cli(server, db, archive.root, "sync", "--unxml-base", f"{server.url}/data_extract/")
    out = capsys.readouterr().out
    assert code == 1
    assert "failed 1" in out and "74.json" in out and "not valid JSON" in out
    # 75 and ES-10 landed all the same.
    assert set(store.load_roll_calls(db)["symbol"]) == {"A/RES/75/901", "A/RES/ES-10/901"}


def test_progress_counts_every_file_and_year_up_to_the_total(server, paths):
    db, archive = paths
    calls = []
    summary = run_sync(server, db, archive, include_undl=True, since=2023, progress=lambda *call: calls.append(call))
    assert summary.ok, summary.lines()
    extracts = [(done, total) for what, done, total in calls if what == UNXML_PROGRESS]
    library = [(done, total) for what, done, total in calls if what == UNDL_PROGRESS]
    # The extracts' total is learnt at the end (each series is followed to its 404): 74, 75, ES-10.
    assert extracts == [(0, None), (1, None), (2, None), (3, None), (3, 3)]
    years = datetime.now(timezone.utc).year - 2023 + 1
    assert library == [(done, years) for done in range(years + 1)]
    assert calls.index((UNDL_PROGRESS, 0, years)) == len(extracts)  # one source after the other

    calls.clear()
    summary = run_sync(server, db, archive, progress=lambda *call: calls.append(call))
    assert summary.not_modified == 3  # a file unchanged upstream (HTTP 304) counts as done all the same
    assert calls == [(UNXML_PROGRESS, done, None) for done in range(4)] + [(UNXML_PROGRESS, 3, 3)]


def test_first_run_page_syncs_the_extracts_and_gives_way_to_the_dashboard(server, tmp_path, monkeypatch):
    """The page's "Sync now" against the local server: $UNGA_UNXML_BASE is the sync's own setting
    for where the extracts are (the CLI's --unxml-base falls back to it)."""
    from streamlit.testing.v1 import AppTest

    db = tmp_path / "fresh" / "unvotes.sqlite"
    monkeypatch.setenv("UNGA_DB", str(db))
    monkeypatch.setenv("UNGA_UNXML_BASE", f"{server.url}/data_extract/")
    monkeypatch.setenv("UNGA_PACKAGE", str(tmp_path / "no-package"))  # else the app builds from the package
    app = AppTest.from_file(str(REPOSITORY / "dashboard.py"), default_timeout=120).run()
    assert app.title[0].value == "UN General Assembly votes"
    app.button(key="first_run_sync").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    assert set(store.load_roll_calls(db)["symbol"]) == {"A/RES/74/901", "A/RES/74/903A", "A/RES/75/901", "A/RES/ES-10/901"}
    assert {entry.url for entry in RawArchive(db.parent / "raw").entries()} >= {
        f"{server.url}/data_extract/{name}.json" for name in ("74", "75", "ES-10")}
    assert app.title[0].value != "UN General Assembly votes", "the first-run page did not give way to the dashboard"


# ------------------------------------------------------------------------------ Digital Library


def test_undl_full_then_incremental_sync(server, paths):
    db, archive = paths
    summary = run_sync(server, db, archive, include_undl=True, since=2023)
    assert summary.ok, summary.lines()
    assert summary.new == 4 + 28
    roll_calls = store.load_roll_calls(db)
    assert roll_calls["undl_id"].dropna().astype(int).isin(server.library.records).sum() == 28
    record = roll_calls.set_index("symbol").loc["A/RES/78/600"]
    # Pattern YYYYNAX over 193 members: 4 of every 7 yes → 28 full cycles (112 Y) + Y for the last 4.
    assert (record["yes"], record["no"], record["abstain"], record["non_voting"]) == (112, 27, 27, 27)
    assert server.hits("/record/4000000/export/xm") == []  # search pages carry whole records

    before = len(server.requests)
    server.library.add(4_100_010, 2024, make_voting_record(4_100_010, "A/RES/78/710", "2024-04-01"))
    summary = run_sync(server, db, archive, include_undl=True)
    assert summary.ok and summary.new == 1 and summary.changed == 0
    searched_years = {request.query["fct__3"] for request in server.requests[before:] if request.path == "/search"}
    assert "2023" not in searched_years and "2024" in searched_years  # resumes from the newest stored year


def test_malformed_record_fails_alone_and_its_page_mates_land(server, paths):
    db, archive = paths
    good = make_voting_record(4_100_001, "A/RES/78/701", "2024-03-11")
    broken = good.replace(b"<subfield code=\"b\">112</subfield>", b"<subfield code=\"b\">many</subfield>")
    broken = broken.replace(b"4100001", b"4100005").replace(b"A/RES/78/701", b"A/RES/78/705")
    server.library.add(4_100_005, 2024, broken)
    summary = run_sync(server, db, archive, include_undl=True, since=2024)
    assert not summary.ok
    assert [what for what, _ in summary.failed] == [f"record 4100005 in {server.url}/search?" + what.split("?", 1)[1] for what, _ in summary.failed]
    assert "is not a whole number" in summary.failed[0][1]
    assert set(store.load_roll_calls(db)["undl_id"].dropna().astype(int)) >= {4_100_000, 4_100_001, 4_100_002}


def test_bot_challenge_stops_everything_after_one_request(server, paths, capsys):
    db, archive = paths
    server.route("/data_extract/74.json", lambda request: Reply(status=202, headers={"x-amzn-waf-action": "challenge"}))
    code = cli(server, db, archive.root, "sync", "--undl", "--unxml-base", f"{server.url}/data_extract/")
    captured = capsys.readouterr()
    assert code == 1
    assert [request.path for request in server.requests] == ["/robots.txt", "/data_extract/74.json"]
    assert BULK_FILE_URL in captured.err and "python -m scraper import" in captured.err


def test_bot_challenge_on_the_library_keeps_what_landed_before(server, paths):
    db, archive = paths
    server.route("/search", lambda request: Reply(status=202))
    summary = run_sync(server, db, archive, include_undl=True, since=2023)
    assert "bot challenge" in summary.stopped and BULK_FILE_URL in summary.stopped
    assert len(server.hits("/search")) == 1
    assert summary.new == 4  # the extracts landed before the Library was asked


def test_robots_disallowing_search_means_no_search_request(server, paths):
    db, archive = paths
    server.robots("User-agent: *\nDisallow: /search\n")
    summary = run_sync(server, db, archive, include_undl=True, since=2023)
    assert server.hits("/search") == []
    assert summary.new == 4
    assert len(summary.failed) == 1 and "robots.txt does not allow" in summary.failed[0][1]


def test_fetch_record_by_id_and_by_symbol(server, paths):
    db, archive = paths
    with PoliteSession(archive=archive, **FAST) as http:
        by_id = fetch_record(db, "4000003", http, undl_base=server.url)
        by_symbol = fetch_record(db, "A/RES/78/ 604", http, undl_base=server.url)
        missing = fetch_record(db, "A/RES/78/9999", http, undl_base=server.url)
        again = fetch_record(db, "4000003", http, undl_base=server.url)
    assert by_id.ok and by_id.new == 1
    assert by_symbol.ok and by_symbol.new == 1
    assert not missing.ok and "no voting record" in missing.failed[0][1]
    assert again.ok and again.new == 0 and again.changed == 0
    assert set(store.load_roll_calls(db)["symbol"]) == {"A/RES/78/603", "A/RES/78/604"}


@needs_fixtures
def test_fetch_record_real_marcxml_capture(server, paths):
    db, archive = paths
    server.serve("/record/4040686/export/xm", (FIXTURES / "record_4040686.marcxml.xml").read_bytes(), "application/xml")
    code = cli(server, db, archive.root, "fetch-record", "4040686")
    assert code == 0
    record = store.load_roll_calls(db).set_index("symbol").loc["A/RES/78/264"]
    # The record's own 996 field: 115 yes, 0 no, 44 abstentions, 34 non-voting, 193 members.
    assert (record["yes"], record["no"], record["abstain"], record["non_voting"], record["members"]) == (115, 0, 44, 34, 193)
    assert record["undl_id"] == 4040686
    assert pd.isna(record["flag"])


@needs_fixtures
def test_fetch_record_real_html_capture_and_a_malformed_page(server, paths):
    db, archive = paths
    page = (FIXTURES / "record_4031242.html").read_bytes()
    server.serve("/record/4031242", page, "text/html; charset=utf-8")
    server.serve("/record/4031243", page[: len(page) // 3].replace(b"metadata-row", b"nothing-here"), "text/html")
    assert cli(server, db, archive.root, "fetch-record", "4031242", "--html") == 0
    record = store.load_roll_calls(db).set_index("symbol").loc["A/RES/78/165"]
    votes = store.load_votes(db)
    counted = votes[votes["symbol"] == "A/RES/78/165"]["vote"].value_counts()
    assert (record["yes"], record["no"], record["abstain"], record["non_voting"]) == (
        counted["Y"], counted.get("N", 0), counted.get("A", 0), counted.get("X", 0))
    assert cli(server, db, archive.root, "fetch-record", "4031243", "--html") == 1


# ------------------------------------------------------------------- resumable, and rebuildable


def test_rebuild_from_raw_equals_the_synced_store(server, paths, tmp_path):
    db, archive = paths
    run_sync(server, db, archive, include_undl=True, since=2023)
    revised = SESSION_75.replace('"CUBA", "EGYPT"', '"CUBA"').replace('"MS_against_count": "2"', '"MS_against_count": "1"')
    server.serve("/data_extract/75.json", revised.encode(), "text/plain; charset=utf-8")
    server.library.add(4_100_011, 2024, make_voting_record(4_100_011, "A/RES/78/711", "2024-05-01"))
    run_sync(server, db, archive, include_undl=True)
    rebuilt = tmp_path / "rebuilt.sqlite"
    requests_before = len(server.requests)
    summary = rebuild(rebuilt, archive, show_progress=False, batch_size=7)
    assert summary.ok, summary.lines()
    assert len(server.requests) == requests_before  # no network
    assert_same_store(db, rebuilt)


def test_rebuild_refuses_to_overwrite_and_replays_failures_alike(server, paths, tmp_path):
    db, archive = paths
    server.library.add(4_100_005, 2024, make_voting_record(4_100_005, "A/RES/78/705", "2024-03-11").replace(
        b'<subfield code="b">', b'<subfield code="b">x'))
    synced = run_sync(server, db, archive, include_undl=True, since=2024)
    assert len(synced.failed) == 1
    assert cli(server, db, archive.root, "rebuild") == 1  # the store exists
    rebuilt = tmp_path / "rebuilt.sqlite"
    summary = rebuild(rebuilt, archive, show_progress=False)
    assert summary.failed == synced.failed
    assert_same_store(db, rebuilt)


def _count_roll_calls(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT COUNT(*) FROM roll_calls").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_kill_9_mid_sync_then_resume_gives_the_uninterrupted_store(server, tmp_path):
    command = [sys.executable, "-m", "scraper", "sync", "--undl", "--since", "2023", "--quiet", "--delay", "0.02",
               "--unxml-base", f"{server.url}/data_extract/", "--undl-base", server.url]
    env = dict(os.environ, PYTHONPATH=str(REPOSITORY))

    def run(db: Path, kill_after: int | None = None) -> int | None:
        process = subprocess.Popen([*command, "--db", str(db)], cwd=REPOSITORY, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if kill_after is None:
            return process.wait(timeout=120)
        deadline = time.monotonic() + 60
        while _count_roll_calls(db) < kill_after and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        return None

    whole = tmp_path / "whole" / "unvotes.sqlite"
    assert run_sync(server, whole, RawArchive(whole.parent / "raw"), include_undl=True, since=2023).ok
    killed = tmp_path / "killed" / "unvotes.sqlite"
    run(killed, kill_after=9)  # the extracts (4) and a few Library records have landed
    interrupted_count = _count_roll_calls(killed)
    assert 4 <= interrupted_count < 32
    assert run(killed) == 0
    assert_same_store(whole, killed, same_fetches=False)
    # And the raw archive of the killed run, torn bits and all, rebuilds the same store. (A body
    # fetched twice, before and after the kill, is dated by its first retrieval in the rebuild.)
    rebuilt = tmp_path / "rebuilt.sqlite"
    assert rebuild(rebuilt, RawArchive(killed.parent / "raw"), show_progress=False).ok
    assert_same_store(killed, rebuilt, same_fetches=False)


# ------------------------------------------------------------------ whatever comes over the wire


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from scraper.sync import KIND_RECORD_XML, KIND_UNXML, KIND_YEAR_PAGE, SyncSummary, plan_landings  # noqa: E402

_PAGE = (
    b"<!-- Search-Engine-Total-Number-Of-Results: 2 -->\n"
    + make_voting_record(4_000_001, "A/RES/78/601", "2023-12-02").replace(b"</collection>\n", b"")
    + make_voting_record(4_000_002, "A/RES/78/602", "2023-12-03", pattern="YNA").split(b"<collection", 1)[1].split(b">", 1)[1]
)


@st.composite
def mutated(draw, original: bytes) -> bytes:
    """`original` cut, with bytes overwritten, or spliced with random bytes."""
    data = bytearray(original[: draw(st.integers(0, len(original)))])
    for _ in range(draw(st.integers(0, 8))):
        if data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    insert_at = draw(st.integers(0, len(data)))
    return bytes(data[:insert_at]) + draw(st.binary(max_size=64)) + bytes(data[insert_at:])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from([KIND_YEAR_PAGE, KIND_RECORD_XML, KIND_UNXML]), data=st.data())
def test_any_body_lands_or_fails_with_a_reason_never_a_crash(kind, data):
    original = SESSION_74.encode() if kind == KIND_UNXML else _PAGE
    body = data.draw(st.one_of(mutated(original), st.binary(max_size=512)))
    summary = SyncSummary()
    landings = plan_landings(kind, body, "http://127.0.0.1/x", "2026-01-01T00:00:00Z", {}, summary)
    for what, reason in summary.failed:
        assert what and reason
    for landing in landings:
        # An extract may hold no recorded vote (a session's first weeks); a Library record always does.
        assert landing.source.sha256 and (landing.roll_calls or kind == KIND_UNXML)


def test_sync_and_its_rebuild_give_the_same_data_version_when_a_file_changes_no_vote(server, paths, tmp_path):
    # The second sync fetches a new 74.json whose only change is a resolution adopted without a
    # vote: a new source, no new or changed vote. Its rebuild must stamp the same data version.
    db, archive = paths
    run_sync(server, db, archive)
    extra = make_unxml_line("A/RES/74/904", "20 December 2019", recorded=False)
    server.serve("/data_extract/74.json", (SESSION_74 + extra + "\n").encode(), "text/plain; charset=utf-8")
    summary = run_sync(server, db, archive)
    assert summary.ok and (summary.new, summary.changed) == (0, 0) and summary.unchanged == 2
    rebuilt = tmp_path / "rebuilt.sqlite"
    assert rebuild(rebuilt, archive, show_progress=False).ok
    assert store.data_version(rebuilt) == store.data_version(db)
    assert_same_store(db, rebuilt)


def test_sync_without_a_network_fails_fast_in_one_line(tmp_path, capsys):
    # A refused connection (nothing listens on the port): one clear line within a few seconds, no
    # back-off and no retries; the store is left as it was.
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    db = tmp_path / "unvotes.sqlite"
    started = time.monotonic()
    code = main(["sync", "--db", str(db), "--raw-dir", str(tmp_path / "raw"), "--quiet", "--undl",
                 "--unxml-base", f"http://127.0.0.1:{port}/data_extract/", "--undl-base", f"http://127.0.0.1:{port}"])
    assert code == 1
    assert time.monotonic() - started < 5
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: cannot reach 127.0.0.1: the connection was refused"), err
    assert store.data_version(db) == "empty"


@pytest.mark.parametrize("args, message", [
    (["sync", "--delay", "-1"], "argument --delay"),
    (["sync", "--delay", "nan"], "argument --delay"),
    (["sync", "--delay", "inf"], "argument --delay"),
    (["sync", "--unxml-base", "file:///etc/"], "argument --unxml-base"),
    (["sync", "--since", "99999999"], "argument --since"),
    (["fetch-record", "S/RES/2720"], "neither a Library record id"),
    (["fetch-record", "12", "--undl-base", "digitallibrary.un.org"], "argument --undl-base"),
])
def test_network_command_arguments_are_checked(args, message, capsys, tmp_path):
    with pytest.raises(SystemExit) as caught:
        main([*args, "--db", str(tmp_path / "x.sqlite")])
    assert caught.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.sqlite").exists()


def test_a_bad_base_url_from_the_environment_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("UNGA_UNXML_BASE", "not a url")
    assert main(["sync", "--db", str(tmp_path / "x.sqlite"), "--quiet"]) == 2
    assert capsys.readouterr().err.strip() == (
        "error: $UNGA_UNXML_BASE or --unxml-base 'not a url/' is not an http(s) address like https://digitallibrary.un.org")


def test_show_treats_percent_and_underscore_as_characters(server, paths, capsys):
    db, archive = paths
    run_sync(server, db, archive)
    capsys.readouterr()
    assert main(["show", "A/RES/74/90_", "--db", str(db)]) == 1
    assert "Close matches" not in capsys.readouterr().err
    assert main(["show", "A/RES/74/90", "--db", str(db)]) == 1
    assert "Close matches: A/RES/74/901, A/RES/74/903A" in capsys.readouterr().err


def test_a_page_of_unclosed_record_tags_is_split_in_linear_time(tmp_path):
    # 320 kB of `<record>` with no closing tag took 212 s with a lazy regex; sync and rebuild both
    # split the page, so both are timed here, on the same bytes from the raw archive.
    from scraper.sources.undl import split_search_page
    from scraper.sync import KIND_YEAR_PAGE, SyncSummary, plan_landings

    page = b'<?xml version="1.0"?>\n<collection xmlns="http://www.loc.gov/MARC21/slim">' + b"<record>" * 40_000
    assert len(page) > 320_000
    started = time.monotonic()
    assert split_search_page(page) == []
    assert plan_landings(KIND_YEAR_PAGE, page, "http://127.0.0.1/search?fct__3=2023", "2026-01-01T00:00:00Z", {}, SyncSummary()) == []
    # Linear: about 0.1 s; quadratic: minutes (212 s). 5 s leaves room for a busy machine, not for the bug.
    assert time.monotonic() - started < 5
    archive = RawArchive(tmp_path / "raw")
    archive.store(page, url="http://127.0.0.1/search?fct__3=2023&of=xm", status=200, content_type="application/xml",
                  source_kind=KIND_YEAR_PAGE, retrieved_at="2026-01-01T00:00:00Z")
    started = time.monotonic()
    summary = rebuild(tmp_path / "rebuilt.sqlite", archive, show_progress=False)
    assert time.monotonic() - started < 10
    assert (summary.new, summary.failed) == (0, [])


def test_split_keeps_each_closed_record_and_its_id():
    from scraper.sources.undl import split_search_page

    page = (b'<collection><record><controlfield tag="001">11</controlfield></record>\n'
            b'<marc:record><marc:controlfield tag="001">12</marc:controlfield></marc:record >'
            b"<record><controlfield tag=\"001\">13</controlfield>")  # the last one never closes
    assert [listed.undl_id for listed in split_search_page(page)] == [11, 12]
