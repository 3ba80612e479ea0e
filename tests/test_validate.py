"""Hostile and malformed files at the edge: each refused in one line naming file and line, exit 1,
the store unchanged (same data version, same rows)."""
from __future__ import annotations

import csv
import gzip
import io
import json
import sqlite3
import time
from pathlib import Path

import pytest

from scraper import store, validate
from scraper.__main__ import main
from scraper.importing import import_files
from scraper.records import ParseError
from tests.localserver import make_unxml_line

HEADER = ["undl_id", "ms_code", "ms_name", "ms_vote", "date", "session", "resolution", "title", "total_yes",
          "total_no", "total_abstentions", "total_non_voting", "total_ms"]
MEMBERS = [("USA", "UNITED STATES", "N"), ("FRA", "FRANCE", "Y"), ("CHN", "CHINA", "A")]


def bulk_rows(undl_id=1, symbol="A/RES/75/1", date="2020-12-07", tallies=("1.0", "1.0", "1.0", "0.0", "3.0")):
    return [[str(undl_id), code, name, vote, date, "75", symbol, "Test", *tallies] for code, name, vote in MEMBERS]


def write_bulk(path: Path, rows: list[list[str]], header=HEADER) -> Path:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = text.getvalue().encode()
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


def snapshot(db: Path) -> tuple:
    conn = sqlite3.connect(db)
    try:
        return (store.data_version(conn), conn.execute("SELECT COUNT(*) FROM roll_calls").fetchone()[0],
                conn.execute("SELECT COUNT(*) FROM votes").fetchone()[0], conn.execute("SELECT COUNT(*) FROM sources").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture
def db(tmp_path) -> Path:
    """A store holding one good vote, so 'unchanged' means something."""
    path = tmp_path / "store.sqlite"
    import_files([write_bulk(tmp_path / "good.csv", bulk_rows(undl_id=7, symbol="A/RES/75/7"))], db=path, show_progress=False)
    return path


def refused(db: Path, path: Path, capsys, *needles: str) -> str:
    """Import `path` through the CLI: exit 1, one line on stderr naming the file and `needles`, store unchanged."""
    before = snapshot(db)
    code = main(["import", str(path), "--db", str(db), "--quiet"])
    err = capsys.readouterr().err.strip()
    assert code == 1, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert path.name in err, err
    for needle in needles:
        assert needle in err, err
    assert snapshot(db) == before
    return err


@pytest.mark.parametrize("date, why", [
    ("2020-13-45", "does not exist"),
    ("2020-02-30", "does not exist"),
    ("9999-12-31", "outside the Assembly's record"),
    ("1900-01-01", "outside the Assembly's record"),
    ("20201207", "not YYYY-MM-DD"),
])
def test_bulk_file_with_an_impossible_date_is_refused(db, tmp_path, capsys, date, why):
    rows = bulk_rows() + bulk_rows(undl_id=2, symbol="A/RES/75/2", date=date)
    # Line 1 is the header, lines 2-4 the first vote, line 5 the first row of the bad one.
    refused(db, write_bulk(tmp_path / "dates.csv.gz", rows), capsys, "line 5", why, date)


@pytest.mark.parametrize("symbol", ["S/RES/2720", "hello world", "A/75/L.1", "A/RES/"])
def test_bulk_file_with_a_symbol_that_is_not_an_assembly_resolution_is_refused(db, tmp_path, capsys, symbol):
    rows = bulk_rows() + bulk_rows(undl_id=2, symbol=symbol)
    refused(db, write_bulk(tmp_path / "symbols.csv", rows), capsys, "line 5", "not a General Assembly resolution")


@pytest.mark.parametrize("tally, why", [
    ("nan", "not a whole number"), ("-1", "not a whole number"), ("1.5", "not a whole number"),
    ("1e300", "not a whole number"), ("100000000", "not a count of members"), ("inf", "not a whole number"),
])
def test_bulk_file_with_a_tally_that_is_not_a_count_is_refused(db, tmp_path, capsys, tally, why):
    rows = bulk_rows(tallies=(tally, "1.0", "1.0", "0.0", "3.0"))
    refused(db, write_bulk(tmp_path / "tallies.csv", rows), capsys, "line 2", why)


def test_ragged_row_names_its_line(db, tmp_path, capsys):
    rows = bulk_rows() + [bulk_rows(undl_id=2, symbol="A/RES/75/2")[0] + ["extra", "cells"]]
    refused(db, write_bulk(tmp_path / "ragged.csv", rows), capsys, "line 5", "15 cells where the header has 13")


def test_row_longer_than_a_block_names_its_line(db, tmp_path, capsys):
    rows = bulk_rows()
    rows[1][7] = "x" * (2 << 20)  # a 2 MB title on line 3
    refused(db, write_bulk(tmp_path / "long.csv", rows), capsys, "line 3", "title cell is longer than 1 MB")


def test_gzip_bomb_stops_at_the_unpacked_limit(db, tmp_path, capsys, monkeypatch):
    # 40 MB of one repeated row compresses to ~40 kB: with a 4 MB limit the reader must stop early.
    monkeypatch.setenv(validate.MAX_UNPACKED_MB_ENV, "4")
    row = ",".join(bulk_rows()[0]) + "\n"
    data = (",".join(HEADER) + "\n").encode() + row.encode() * (40_000_000 // len(row))
    bomb = tmp_path / "bomb.csv.gz"
    bomb.write_bytes(gzip.compress(data, compresslevel=9))
    assert bomb.stat().st_size < 1_000_000
    started = time.monotonic()
    refused(db, bomb, capsys, "unpacks to more than 4 MB", validate.MAX_UNPACKED_MB_ENV)
    assert time.monotonic() - started < 10


def test_dev_zero_stops_at_the_file_size_limit(db, capsys, monkeypatch):
    monkeypatch.setenv(validate.MAX_FILE_MB_ENV, "2")
    started = time.monotonic()
    refused(db, Path("/dev/zero"), capsys, "larger than 2 MB", validate.MAX_FILE_MB_ENV)
    assert time.monotonic() - started < 5


def test_a_bad_size_limit_is_refused_in_words(monkeypatch):
    monkeypatch.setenv(validate.MAX_FILE_MB_ENV, "lots")
    with pytest.raises(ParseError, match="UNGA_MAX_FILE_MB='lots' is not a number"):
        validate.max_file_bytes()


@pytest.mark.parametrize("field, value, why", [
    ("symbol", 123, "symbol 123 is not text"),
    ("symbol", None, "symbol None is not text"),
    ("symbol", "S/RES/2720", "not a General Assembly resolution"),
    ("adoption_date", "30 February 2021", "is not a date"),
    ("adoption_date", "31 December 9999", "outside the Assembly's record"),
    ("adoption_date", 20210618, "is not a date"),
    ("MS_in_favour_count", "NaN", "not a whole number"),
    ("MS_in_favour_count", -3, "not a count of members"),
    ("MS_in_favour_count", 10**30, "not a count of members"),
    ("MS_in_favour_count", [1], "is not a number"),
    ("MS_in_favour_count", True, "is not a number"),
    ("MS_against", "FRANCE", "not a list of names"),
    ("title", {"en": "x"}, "title {'en': 'x'} is not text"),
    ("sponsors", [1, 2], "not a list of names"),
    ("subjects", 5, "is not a list"),
])
def test_extract_with_wrong_types_or_values_is_refused(db, tmp_path, capsys, field, value, why):
    good = json.loads(make_unxml_line("A/RES/75/3", "7 December 2020", yes=["FRANCE"], no=["CHINA"]))
    bad = dict(good, symbol="A/RES/75/4")
    bad[field] = value
    path = tmp_path / "75.json"
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    refused(db, path, capsys, "line 2", why)


def test_extract_with_more_votes_than_members_is_refused(db, tmp_path, capsys):
    line = json.loads(make_unxml_line("A/RES/75/3", "7 December 2020", yes=["FRANCE"]))
    line["MS_in_favour_count"] = "900"
    path = tmp_path / "75.json"
    path.write_text(json.dumps(line) + "\n")
    refused(db, path, capsys, "line 1", "more than the 193 members")


def test_the_same_file_given_twice_is_read_once_and_said_so(tmp_path, capsys):
    path = write_bulk(tmp_path / "one.csv", bulk_rows())
    copy = tmp_path / "copy.csv"
    copy.write_bytes(path.read_bytes())
    db = tmp_path / "twice.sqlite"
    assert main(["import", str(path), str(path), str(copy), "--db", str(db), "--quiet"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{path}: undl_bulk, 1 votes")
    assert "already imported" not in out[0]
    assert out[1] == f"{path}: the same file as {path}, read once"
    assert out[2] == f"{copy}: the same file as {path}, read once"
    assert out[3].startswith("new 1, changed 0, unchanged 0")
    assert snapshot(db)[1:] == (1, 3, 1)


def test_good_file_still_imports_whole(tmp_path):
    db = tmp_path / "ok.sqlite"
    report = import_files([write_bulk(tmp_path / "ok.csv.gz", bulk_rows(date="1946-01-26"))], db=db, show_progress=False)
    assert report.summary.new == 1
    roll_calls = store.load_roll_calls(db)
    assert roll_calls["symbol"].tolist() == ["A/RES/75/1"]
    assert roll_calls[["yes", "no", "abstain", "members"]].iloc[0].tolist() == [1, 1, 1, 3]


def test_check_functions_directly():
    assert validate.iso_date(" 2020-02-29 ", "f") == "2020-02-29"
    assert validate.assembly_symbol("a/res/181 (ii) [a]", "f") == "A/RES/181(II)[A]"
    assert validate.assembly_symbol("A/DEC/75/550", "f") == "A/DEC/75/550"
    assert validate.count("120.0", "f") == 120 and validate.count(0, "f") == 0 and validate.count("", "f") is None


def test_a_100_mb_line_names_its_line(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_bytes(b"undl_id,ms_name,ms_vote,date,resolution\n" + b"y" * (100 << 20) + b"\n")
    from scraper.parse.bulk_csv import parse_bulk_csv

    with pytest.raises(ParseError, match=r"^huge.csv, line 2: a row longer than"):
        parse_bulk_csv(path.read_bytes(), "huge.csv")


OWN_PAGE = Path(__file__).parent / "fixtures" / "undl" / "record_stated_intention.html"


@pytest.mark.parametrize("damage, message", [
    # The Vote field emptied (a page cut off mid-way): not an empty vote.
    (lambda page: page.replace(page[page.index(b" Y ARGENTINA"):page.index(b"</span></div>", page.index(b" Y ARGENTINA"))], b""),
     "lists no member votes"),
    # Four of the seven members the Vote summary counts.
    (lambda page: page.replace(b"<br/> y JORDAN<br/>  TANGANYIKA<br/> Y C&#212;TE D&#39;IVOIRE", b""),
     "lists 4 member votes but its Vote summary counts 7 members"),
])
def test_a_damaged_record_page_is_refused_not_imported_as_an_empty_vote(db, tmp_path, capsys, damage, message):
    page = tmp_path / "record.html"
    page.write_bytes(damage(OWN_PAGE.read_bytes()))
    refused(db, page, capsys, message)
