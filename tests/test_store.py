"""The vote store and its importers: facts from the UN's own files, and bad input that changes nothing."""
from __future__ import annotations

import csv
import gzip
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BULK_COLUMNS, BULK_FILE, REPOSITORY, UNXML_DIR, write_small_bulk_file
from scraper import store
from scraper.importing import ImportFailed, import_files
from scraper.symbols import normalise_symbol, session_of


def snapshot(db: Path) -> dict:
    """Everything a user could see in the store, to compare before and after a failed import."""
    conn = sqlite3.connect(db)
    try:
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
                for table in ("roll_calls", "votes", "observations", "sources", "disagreements", "meta")}
    finally:
        conn.close()


def run_cli(*args: str, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scraper", *args, "--db", str(db)],
                          cwd=REPOSITORY, capture_output=True, text=True, timeout=300)


# --- the real files -----------------------------------------------------------------------------


def test_full_store_covers_every_recorded_vote(full_store):
    roll_calls = store.load_roll_calls(full_store)
    bulk_symbols = set()
    with gzip.open(BULK_FILE, "rt", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            bulk_symbols.add(normalise_symbol(row["resolution"]))
    assert len(bulk_symbols) == 5539
    stored = set(roll_calls["symbol"])
    # Every record of the Library is kept, under its own symbol, in the roll call it belongs to
    # (several records of one vote are merged: see test_fidelity.py).
    assert bulk_symbols <= set(store.load_records(full_store)["record_symbol"])
    assert all(store.find_roll_call(full_store, symbol) for symbol in list(bulk_symbols)[::50])
    assert {"A/RES/79/287", "A/RES/79/290"} <= stored - bulk_symbols
    assert roll_calls["date"].min().isoformat()[:10] == "1946-01-26"
    assert roll_calls["date"].max().year == 2026
    votes = store.load_votes(full_store)
    assert votes["country_code"].isna().sum() == 0
    assert (votes["country_code"].astype(str).str.len() == 3).all()
    assert not votes.duplicated(["roll_call_id", "country_code"]).any()


def test_myanmar_arms_flow_resolution(full_store):
    result = run_cli("show", "A/RES/75/287", "--json", db=full_store)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert (record["yes"], record["no"], record["abstain"], record["non_voting"]) == (119, 1, 36, 37)
    assert record["date"] == "2021-06-18"
    by_code = {v["country_code"]: v["vote"] for v in record["votes"]}
    assert len(by_code) == 193
    assert [code for code, vote in by_code.items() if vote == "N"] == ["BLR"]
    assert by_code["CHN"] == by_code["IND"] == by_code["RUS"] == "A"
    assert by_code["MMR"] == "Y"
    text = run_cli("show", "a/res/75/287 ", db=full_store).stdout
    assert "against (1):\n  BELARUS [BLR]" in text


def _extract_tallies() -> dict[str, tuple[int, int, int]]:
    """The UN's own Y/N/A counts per recorded vote, read straight from the extracts (last entry wins)."""
    tallies = {}
    for path in sorted(UNXML_DIR.glob("*.json")):
        for line in path.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            if entry["adoption_type"] != "By a recorded vote":
                continue
            counts = tuple(int(entry[k]) if entry[k].isdigit() else 0
                           for k in ("MS_in_favour_count", "MS_against_count", "MS_abstaining_count"))
            tallies[normalise_symbol(entry["symbol"])] = counts
    return tallies


def test_tallies_equal_the_extracts_or_are_listed_as_disagreements(full_store):
    roll_calls = store.load_roll_calls(full_store).set_index("symbol")
    disagreeing = set(store.load_disagreements(full_store)["symbol"])
    checked = mismatched = 0
    for symbol, counts in _extract_tallies().items():
        if symbol not in roll_calls.index:
            symbol += "A"  # the extracts write part A without its letter when part B follows
        row = roll_calls.loc[symbol]
        checked += 1
        if (row["yes"], row["no"], row["abstain"]) != counts:
            mismatched += 1
            assert symbol in disagreeing, f"{symbol}: store {row['yes']}/{row['no']}/{row['abstain']} vs UN {counts}"
    assert checked > 700
    assert "A/RES/77/293" in disagreeing  # the one known disagreement: one abstention
    detail = store.load_disagreements(full_store).set_index("symbol").loc["A/RES/77/293", "detail"]
    assert "CMR" in detail


def test_reimporting_changes_nothing(full_store, tmp_path):
    before = snapshot(full_store)
    report = import_files([BULK_FILE, UNXML_DIR / "75.json"], db=full_store, show_progress=False)
    assert report.summary.new == report.summary.changed == 0
    assert snapshot(full_store) == before


def test_status_reports_coverage_sources_and_disagreements(full_store):
    result = run_cli("status", "--json", db=full_store)
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["roll_calls"] == len(store.load_roll_calls(full_store, all_kinds=True))
    assert status["first_date"] == "1946-01-26"
    assert status["observations"]["undl_bulk"] == 5539
    assert any(d["symbol"] == "A/RES/77/293" for d in status["disagreements"])
    assert {s["kind"] for s in status["sources"]} == {"undl_bulk", "unxml"}
    text = run_cli("status", db=full_store).stdout
    assert "A/RES/77/293" in text and "disagreements between sources: " in text


def test_historical_names_map_to_codes(full_store):
    conn = sqlite3.connect(full_store)
    names = dict(conn.execute("SELECT country_name, country_code FROM votes WHERE country_name IN "
                              "('USSR', 'BURMA', 'ZAIRE', 'UPPER VOLTA', 'DEMOCRATIC YEMEN', "
                              "'GERMAN DEMOCRATIC REPUBLIC', 'BYELORUSSIAN SSR') GROUP BY country_name"))
    assert names == {"USSR": "SUN", "BURMA": "MMR", "ZAIRE": "COD", "UPPER VOLTA": "BFA", "DEMOCRATIC YEMEN": "YMD",
                     "GERMAN DEMOCRATIC REPUBLIC": "DDR", "BYELORUSSIAN SSR": "BLR"}
    # A state that did not vote but later said how it meant to: non-voting, the intention kept apart.
    intentions = conn.execute("SELECT vote, COUNT(*) FROM votes WHERE stated_intention != '' GROUP BY vote").fetchall()
    assert intentions == [("X", 47)]


# --- small files the tests write ----------------------------------------------------------------


@pytest.fixture()
def store_with_small_file(tmp_path) -> tuple[Path, Path]:
    bulk = write_small_bulk_file(tmp_path / "bulk.csv", years=range(1990, 1994), per_year=4)
    db = tmp_path / "store.sqlite"
    import_files([bulk], db=db, show_progress=False)
    return db, bulk


def _rewrite(path: Path, target: Path, change) -> Path:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows = change(rows)
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        writer.writerows(rows)
    return target


def _set(rows, index, **values):
    rows[index] = {**rows[index], **values}
    return rows


BAD_FILES = {
    "unknown vote code": (lambda rows: _set(rows, 5, ms_vote="Q"), "line 7: unknown vote code 'Q'"),
    "unknown country name": (lambda rows: _set(rows, 3, ms_name="ATLANTIS", ms_code=""), "line 5: Country name 'ATLANTIS'"),
    "duplicate rows": (lambda rows: rows[:10] + [rows[4]] + rows[10:], "appears twice"),
    "missing column": (lambda rows: [{k: v for k, v in r.items() if k != "ms_vote"} for r in rows], "missing column(s) ms_vote"),
    "symbol in two formats": (
        lambda rows: rows + [{**r, "undl_id": "1", "resolution": r["resolution"].replace("/1", "/1 ")} for r in rows[:16]],
        "one vote under two records"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_files_give_a_clear_error_and_change_nothing(store_with_small_file, tmp_path, case):
    db, good = store_with_small_file
    change, message = BAD_FILES[case]
    bad = _rewrite(good, tmp_path / f"{case.replace(' ', '_')}.csv", change)
    before = snapshot(db)
    with pytest.raises(ImportFailed) as error:
        import_files([bad], db=db, show_progress=False)
    assert str(bad) in str(error.value) and message in str(error.value)
    assert "store is unchanged" in str(error.value)
    assert snapshot(db) == before
    # and through the command line: a message on stderr, a non-zero exit, no traceback
    result = run_cli("import", str(bad), db=db)
    assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr
    assert snapshot(db) == before


def test_truncated_gzip_changes_nothing(store_with_small_file, tmp_path):
    db, good = store_with_small_file
    packed = gzip.compress(good.read_bytes())
    truncated = tmp_path / "truncated.csv.gz"
    truncated.write_bytes(packed[: len(packed) // 2])
    before = snapshot(db)
    with pytest.raises(ImportFailed, match="truncated.csv.gz: the gzip file is truncated"):
        import_files([truncated], db=db, show_progress=False)
    assert snapshot(db) == before


def test_a_bad_file_among_good_ones_lands_nothing(store_with_small_file, tmp_path):
    db, good = store_with_small_file
    more = write_small_bulk_file(tmp_path / "more.csv", years=range(2001, 2003), per_year=3)
    bad = tmp_path / "notes.txt"
    bad.write_text("just some notes\n")
    before = snapshot(db)
    with pytest.raises(ImportFailed, match="notes.txt: not a format this tool reads"):
        import_files([more, bad], db=db, show_progress=False)
    assert snapshot(db) == before


def test_plain_and_gzip_files_are_one_source_each_and_reimport_is_a_no_op(store_with_small_file):
    db, good = store_with_small_file
    before = snapshot(db)
    report = import_files([good], db=db, show_progress=False)
    assert report.summary.skipped_sources == [str(good)]
    assert snapshot(db) == before


def test_tallies_that_dont_add_up_are_flagged(tmp_path):
    bulk = write_small_bulk_file(tmp_path / "bulk.csv", years=range(2010, 2011), per_year=2)
    wrong = _rewrite(bulk, tmp_path / "wrong.csv",
                     lambda rows: [{**r, "total_yes": "99.0"} if r["resolution"] == "A/RES/65/1" else r for r in rows])
    report = import_files([wrong], db=tmp_path / "s.sqlite", show_progress=False)
    assert [symbol for symbol, _ in report.summary.flagged] == ["A/RES/65/1"]
    assert "Y" in report.summary.flagged[0][1] and "99 stated" in report.summary.flagged[0][1]
    roll_calls = store.load_roll_calls(tmp_path / "s.sqlite").set_index("symbol")
    assert roll_calls.loc["A/RES/65/1", "flag"] and roll_calls["flag"].isna().sum() == 1


def test_old_layout_with_nv_and_plural_columns(tmp_path):
    bulk = write_small_bulk_file(tmp_path / "bulk.csv", years=range(2010, 2011), per_year=2)
    rows = list(csv.DictReader(io.StringIO(bulk.read_text(encoding="utf-8"))))
    old = tmp_path / "2024_09_12_ga_voting.csv"
    with open(old, "w", newline="", encoding="utf-8") as handle:
        names = ["undl_id", "ms_codes", "ms_name", "ms_votes", "date", "session", "resolution", "modality", "title"]
        writer = csv.DictWriter(handle, fieldnames=names)
        writer.writeheader()
        for r in rows:
            writer.writerow({"undl_id": r["undl_id"], "ms_codes": r["ms_code"], "ms_name": r["ms_name"],
                             "ms_votes": "NV" if r["ms_vote"] == "X" else r["ms_vote"], "date": r["date"],
                             "session": r["session"], "resolution": r["resolution"], "modality": "Recorded Vote",
                             "title": r["title"]})
    import_files([old], db=tmp_path / "s.sqlite", show_progress=False)
    votes = store.load_votes(tmp_path / "s.sqlite")
    expected = [("X" if r["ms_vote"] == "X" else r["ms_vote"]) for r in rows]
    assert sorted(votes["vote"].astype(str)) == sorted(expected)


def test_readers_keep_reading_while_an_import_writes(tmp_path):
    db = tmp_path / "s.sqlite"
    import_files([write_small_bulk_file(tmp_path / "a.csv", years=range(2000, 2002))], db=db, show_progress=False)
    seen_during = []

    def read_midway(done: int) -> None:
        if done == 5:  # the writer holds its transaction open here
            seen_during.append(len(store.load_roll_calls(db)))

    batch = store.SourceInfo("undl_bulk", "b.csv", "f" * 64)
    from scraper.parse.bulk_csv import parse_bulk_csv
    more = parse_bulk_csv(write_small_bulk_file(tmp_path / "b.csv", years=range(2005, 2007)).read_bytes(), "b.csv")
    store.save_batches(db, [(batch, more)], progress=read_midway)
    assert seen_during == [16]  # the reader saw the store as it was, without waiting
    assert len(store.load_roll_calls(db)) == 32


def test_schema_is_versioned(tmp_path):
    db = tmp_path / "s.sqlite"
    store.connect(db).close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(store.StoreError, match="newer than this code"):
        store.connect(db)


def test_missing_store_says_how_to_build_it(tmp_path):
    result = run_cli("status", db=tmp_path / "none.sqlite")
    assert result.returncode == 1
    assert "python -m scraper import" in result.stderr and "Traceback" not in result.stderr


def test_show_unknown_symbol_exits_non_zero(store_with_small_file):
    db, _ = store_with_small_file
    result = run_cli("show", "A/RES/99/999", db=db)
    assert result.returncode == 1 and "no recorded vote A/RES/99/999" in result.stderr


def test_cli_help_everywhere():
    for args in ([], ["import"], ["status"], ["show"]):
        result = subprocess.run([sys.executable, "-m", "scraper", *args, "--help"], cwd=REPOSITORY,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0 and "usage:" in result.stdout


@pytest.mark.parametrize("written, canonical", [
    ("A/RES/75/250 B", "A/RES/75/250B"), ("A/RES/75/254[A]", "A/RES/75/254A"), ("A/RES/75/254A-C", "A/RES/75/254A-C"),
    ("A/RES/75/101 A-B", "A/RES/75/101A-B"), ("A/RES/ES-10/21", "A/RES/ES-10/21"), ("A/RES/181(II)[A]", "A/RES/181(II)[A]"),
])
def test_symbols_have_one_spelling(written, canonical):
    assert normalise_symbol(written) == canonical


@pytest.mark.parametrize("symbol, session", [
    ("A/RES/75/287", "75"), ("A/RES/ES-11/1", "ES-11"), ("A/RES/S-32/1", "S-32"), ("A/RES/181(II)[A]", "2"),
    ("A/RES/1000(ES-I)", "ES-1"), ("A/RES/3379(XXX)", "30"), ("A/RES/2758(XXVI)", "26"),
])
def test_session_from_symbol(symbol, session):
    assert session_of(symbol) == session


def test_pages_saved_in_a_browser_import_and_agree_with_the_bulk_file(full_store, tmp_path, shared_dir):
    db = tmp_path / "copy.sqlite"
    source = sqlite3.connect(full_store)
    source.backup(target := sqlite3.connect(db))
    source.close(), target.close()
    pages = shared_dir / "fixtures" / "undl"
    report = import_files([pages / "record_4040686.marcxml.xml", pages / "record_4031242.html",
                           pages / "search_voting_data.html"], db=db, show_progress=False)
    assert report.summary.new == 0 and report.summary.changed >= 3  # all already known from the bulk file
    assert list(store.load_disagreements(db)["symbol"]) == ["A/RES/77/293"]
    roll_calls = store.load_roll_calls(db).set_index("symbol")
    assert roll_calls.loc["A/RES/78/264", "source"] == "undl_marcxml"  # the latest Library record wins
    assert tuple(roll_calls.loc["A/RES/78/264", ["yes", "no", "abstain", "non_voting", "members"]]) == (115, 0, 44, 34, 193)


def test_load_votes_equals_the_votes_table(small_store):
    votes = store.load_votes(small_store)
    conn = sqlite3.connect(small_store)
    expected = conn.execute("SELECT v.roll_call_id, r.symbol, r.date, r.session, v.country_code, v.vote FROM votes v"
                            " JOIN roll_calls r USING (roll_call_id) ORDER BY 1, 5").fetchall()
    got = [(int(r.roll_call_id), r.symbol, r.date.date().isoformat(), r.session, r.country_code, r.vote)
           for r in votes.sort_values(["roll_call_id", "country_code"]).itertuples()]
    assert got == expected and len(got) == 320 * 16
