"""The store under faults: read-only, created by two writers at once, disk full, locked, damaged, foreign.

Each fault ends in one line naming the store, exit 1 (never a traceback), and the store unchanged.
Read-only folders are tested as an unprivileged user (`setpriv`) when the suite runs as root, since
root ignores file permissions.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest

from scraper import store
from scraper.__main__ import main
from scraper.importing import import_files
from scraper.records import MemberVote, RollCall
from tests.test_validate import bulk_rows, snapshot, write_bulk

REPOSITORY = Path(__file__).resolve().parent.parent
AS_NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def run_cli(*args: str, user: str | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "scraper", *args]
    if user is not None:
        command = [*AS_NOBODY, *command]
    return subprocess.run(command, cwd=REPOSITORY, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})


def one_line_error(result: subprocess.CompletedProcess, *needles: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.fixture
def small_db(tmp_path) -> Path:
    db = tmp_path / "store.sqlite"
    import_files([write_bulk(tmp_path / "a.csv", bulk_rows() + bulk_rows(undl_id=2, symbol="A/RES/75/2"))],
                 db=db, show_progress=False)
    return db


def unprivileged_prefix() -> list[str]:
    """The command prefix that runs a process as an unprivileged user when the suite runs as root
    (root ignores file permissions); skips the test where that cannot be done."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: cannot make a folder read-only for the reader")
    if subprocess.run([*AS_NOBODY, "true"], capture_output=True).returncode != 0:
        # e.g. root only inside a user namespace (`unshare -r`), where uid 65534 is not mapped
        pytest.skip("running as root, and setpriv cannot switch to the unprivileged user 65534 here")
    if subprocess.run([*AS_NOBODY, sys.executable, "-c", "import scraper"], cwd=REPOSITORY, capture_output=True).returncode != 0:
        # e.g. a checkout inside a folder only root may enter (`mktemp -d` makes them 0700)
        pytest.skip(f"the unprivileged user 65534 cannot read this checkout or its Python ({REPOSITORY})")
    return AS_NOBODY


@pytest.fixture
def read_only_copy(small_db):
    """The store copied into a folder nobody may write: (path, user to run readers as or None)."""
    folder = Path(tempfile.mkdtemp(prefix="unga-ro-"))
    db = folder / "unvotes.sqlite"
    shutil.copy(small_db, db)  # a clean copy: no -wal or -shm beside it, as a deployment ships it
    db.chmod(0o444)
    folder.chmod(0o555)
    user = "nobody" if unprivileged_prefix() else None
    yield db, user
    folder.chmod(0o755)
    shutil.rmtree(folder)


def test_read_only_store_is_readable_by_status_show_and_the_loaders(read_only_copy):
    db, user = read_only_copy
    status = run_cli("status", "--db", str(db), user=user)
    assert status.returncode == 0, status.stderr
    assert "votes: 2 recorded votes, 6 member votes" in status.stdout
    show = run_cli("show", "A/RES/75/2", "--db", str(db), user=user)
    assert show.returncode == 0, show.stderr
    assert "tallies: 1 in favour, 1 against, 1 abstaining" in show.stdout
    loaders = subprocess.run(
        [*(AS_NOBODY if user else []), sys.executable, "-c",
         "import sys; from scraper import store; v = store.load_votes(sys.argv[1]); r = store.load_roll_calls(sys.argv[1]);"
         " print(len(v), len(r), store.data_version(sys.argv[1]))", str(db)],
        cwd=REPOSITORY, capture_output=True, text=True, timeout=120)
    assert loaders.returncode == 0, loaders.stderr
    assert loaders.stdout.split()[:2] == ["6", "2"]
    assert list(db.parent.iterdir()) == [db]  # nothing written beside it


def test_writing_to_a_read_only_store_is_one_line(read_only_copy, tmp_path):
    db, user = read_only_copy
    before = db.read_bytes()
    readable = Path(tempfile.mkdtemp(prefix="unga-in-"))  # pytest's tmp_path is private to root
    readable.chmod(0o755)
    extra = write_bulk(readable / "more.csv", bulk_rows(undl_id=3, symbol="A/RES/75/3"))
    extra.chmod(0o644)
    result = run_cli("import", str(extra), "--db", str(db), "--quiet", user=user)
    shutil.rmtree(readable)
    one_line_error(result, str(db), "cannot be written")
    assert db.read_bytes() == before


def test_two_writers_creating_a_new_store_at_once(tmp_path):
    # Four processes create the same new store at the same instant, four times over (before the fix,
    # about half of such races ended in "table meta already exists").
    script = ("import sys, time; from scraper import store\n"
              "start = float(sys.argv[2])\n"
              "time.sleep(max(0, start - time.time()))\n"
              "store.connect(sys.argv[1]).close()\n")
    for trial in range(4):
        db = tmp_path / f"new-{trial}.sqlite"
        start = time.time() + 1.5
        processes = [subprocess.Popen([sys.executable, "-c", script, str(db), str(start)], cwd=REPOSITORY,
                                      stderr=subprocess.PIPE, text=True) for _ in range(4)]
        errors = [process.communicate(timeout=120)[1] for process in processes]
        assert [process.returncode for process in processes] == [0] * 4, errors
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
            assert conn.execute("SELECT COUNT(*) FROM countries").fetchone()[0] > 190


def test_disk_full_is_one_line_and_saves_nothing(small_db):
    before = snapshot(small_db)
    conn = store.connect(small_db)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages + 2}")  # SQLite's own "database or disk is full"
    big = [RollCall(symbol=f"A/RES/75/{100 + i}", date="2020-12-07", session="75", title="x" * 5000,
                    votes=[MemberVote("FRANCE", "Y", "FRA"), MemberVote("CHINA", "N", "CHN")]) for i in range(200)]
    source = store.SourceInfo("undl_bulk", "big.csv", "f" * 64)
    with pytest.raises(store.StoreError, match=r"^the disk holding .*store.sqlite is full: nothing was saved"):
        store.save_batches(conn, [(source, big)])
    assert not conn.in_transaction
    conn.close()
    assert snapshot(small_db) == before


def test_lock_held_longer_than_the_timeout_is_one_line(small_db, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(store, "LOCK_TIMEOUT_SECONDS", 0.5)
    before = snapshot(small_db)
    holder = sqlite3.connect(small_db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        extra = write_bulk(tmp_path / "more.csv", bulk_rows(undl_id=3, symbol="A/RES/75/3"))
        started = time.monotonic()
        assert main(["import", str(extra), "--db", str(small_db), "--quiet"]) == 1
        assert time.monotonic() - started < 10
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: the store at {small_db} is busy") and "\n" not in err, err
    assert snapshot(small_db) == before


@pytest.mark.parametrize("damage", ["text", "header", "truncated"])
def test_damaged_or_foreign_store_is_one_line_for_every_command(small_db, tmp_path, damage):
    db = tmp_path / f"{damage}.sqlite"
    data = small_db.read_bytes()
    if damage == "text":
        db.write_text("not a database at all\n" * 100)
    elif damage == "header":
        db.write_bytes(b"\x00" * 100 + data[100:])
    else:
        db.write_bytes(data[:100] + b"\xff" * 4000)
    before = db.read_bytes()
    extra = write_bulk(tmp_path / "more.csv", bulk_rows(undl_id=3, symbol="A/RES/75/3"))
    for args in (["status"], ["show", "A/RES/75/1"], ["import", str(extra), "--quiet"]):
        result = run_cli(*args, "--db", str(db))
        one_line_error(result, str(db))
        assert "not a vote store or is damaged" in result.stderr, (args, result.stderr)
    assert db.read_bytes() == before


def test_a_folder_as_the_store_is_one_line(tmp_path):
    one_line_error(run_cli("status", "--db", str(tmp_path)), "is a folder, not a vote store")
    good = write_bulk(tmp_path / "good.csv", bulk_rows())
    one_line_error(run_cli("import", str(good), "--db", str(tmp_path)), "is a folder, not a vote store")


def partial_marcxml(undl_id: int, symbol: str, listed: list[tuple[str, str, str]], members: int) -> bytes:
    """A Library MARCXML voting record of `symbol` whose 996 counts `members` but lists only `listed`."""
    ns = "http://www.loc.gov/MARC21/slim"
    member_fields = "".join(
        f'<datafield tag="967" ind1=" " ind2=" "><subfield code="a">{i}</subfield><subfield code="c">{code}</subfield>'
        f'<subfield code="d">{vote}</subfield><subfield code="e">{name}</subfield></datafield>'
        for i, (code, name, vote) in enumerate(listed, start=1))
    return (f'<?xml version="1.0" encoding="UTF-8"?><collection xmlns="{ns}"><record>'
            f'<controlfield tag="001">{undl_id}</controlfield>'
            f'<datafield tag="269" ind1=" " ind2=" "><subfield code="a">2020-12-07</subfield></datafield>'
            f'<datafield tag="791" ind1=" " ind2=" "><subfield code="a">{symbol}</subfield></datafield>'
            f'<datafield tag="996" ind1=" " ind2=" "><subfield code="b">1</subfield><subfield code="c">1</subfield>'
            f'<subfield code="d">1</subfield><subfield code="e">0</subfield><subfield code="f">{members}</subfield></datafield>'
            f'{member_fields}</record></collection>').encode()


def test_a_partial_record_never_replaces_a_whole_one_without_a_flag(small_db, tmp_path, capsys):
    # The store holds A/RES/75/1 whole (3 members: USA N, FRA Y, CHN A). A Library record of the same
    # rank listing 1 of its 3 members arrives: the whole record stays, and the import says why.
    page = tmp_path / "record_1.xml"
    page.write_bytes(partial_marcxml(1, "A/RES/75/1", [("FRA", "FRANCE", "Y")], members=3))
    assert main(["import", str(page), "--db", str(small_db), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "flagged A/RES/75/1: kept the whole record from undl_bulk; the new undl_marcxml record is partial" in out
    assert "1 members listed vs 3 stated" in out
    votes = store.load_member_votes(small_db, "A/RES/75/1")
    assert sorted(zip(votes["country_code"], votes["vote"])) == [("CHN", "A"), ("FRA", "Y"), ("USA", "N")]
    row = store.load_roll_calls(small_db).set_index("symbol").loc["A/RES/75/1"]
    assert pd.isna(row["flag"]) and row["source"] == "undl_bulk"
    # Both observations are kept, and the disagreement is on record.
    assert [kind for kind, _ in store.load_observations(small_db, "A/RES/75/1")] == ["undl_bulk", "undl_marcxml"]
    assert "A/RES/75/1" in set(store.load_disagreements(small_db)["symbol"])


def test_a_partial_record_of_the_same_source_never_replaces_the_whole_one(tmp_path, capsys):
    # A whole Library record of A/RES/78/600 (every member on the day), then the same record again
    # listing 1 of those members: the store keeps the whole one and says so.
    from tests.localserver import make_voting_record

    db = tmp_path / "store.sqlite"
    whole = tmp_path / "whole.xml"
    whole.write_bytes(make_voting_record(4_000_000, "A/RES/78/600", "2023-12-01"))
    assert main(["import", str(whole), "--db", str(db), "--quiet"]) == 0
    members = len(store.load_member_votes(db, "A/RES/78/600"))
    assert members > 150
    cut = tmp_path / "cut.xml"
    cut.write_bytes(partial_marcxml(4_000_000, "A/RES/78/600", [("FRA", "FRANCE", "Y")], members=members))
    capsys.readouterr()
    assert main(["import", str(cut), "--db", str(db), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "flagged A/RES/78/600: kept the whole undl_marcxml record already stored; the new one is partial" in out
    assert len(store.load_member_votes(db, "A/RES/78/600")) == members
    assert pd.isna(store.load_roll_calls(db).set_index("symbol").loc["A/RES/78/600", "flag"])


def test_the_dashboard_serves_a_store_in_a_read_only_folder(small_store, tmp_path):
    # The real dashboard, run as a user who cannot write the store's folder, in a real browser:
    # the Blocs page of the store, not the first-run page ("no store").
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    from tests.dashboard_helpers import free_port

    folder = Path(tempfile.mkdtemp(prefix="unga-ro-dash-"))
    home = Path(tempfile.mkdtemp(prefix="unga-home-"))
    home.chmod(0o777)  # streamlit keeps a little state under $HOME
    db = folder / "unvotes.sqlite"
    source = sqlite3.connect(small_store)
    source.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the whole store in one file, as a deployment ships it
    source.close()
    shutil.copy(small_store, db)
    db.chmod(0o444)
    folder.chmod(0o555)
    port = free_port()
    prefix = unprivileged_prefix()
    log = open(tmp_path / "dashboard.log", "w")
    process = subprocess.Popen(
        [*prefix, sys.executable, "-m", "streamlit", "run", str(REPOSITORY / "dashboard.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=REPOSITORY, env={**os.environ, "UNGA_DB": str(db), "HOME": str(home)}, stdout=log, stderr=subprocess.STDOUT)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(chromium))
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            deadline = time.monotonic() + 90
            while True:
                try:
                    page.goto(f"http://127.0.0.1:{port}/?from=2015&to=2024", timeout=30_000)
                    break
                except Exception:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise
                    time.sleep(1)
            page.get_by_text("Voting blocs, 2015–2024").wait_for(timeout=90_000)
            page.get_by_text("States clustered").wait_for(timeout=90_000)
            text = page.inner_text("body")
            browser.close()
        assert "Recorded votes" in text and "Traceback" not in text and "no store" not in text.lower()
        assert list(folder.iterdir()) == [db]  # nothing written beside the store
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        folder.chmod(0o755)
        shutil.rmtree(folder)
        shutil.rmtree(home, ignore_errors=True)
