"""Main sponsors (named on the draft) and additional sponsors (joined later) kept apart: the parser, the
store and its migration, the data package, `sponsor_table`'s role, the CLI and each vote's page.

A small extract written here in the UN's real format runs everywhere; A/RES/75/287 is checked against
../shared's extract of session 75 when it is there."""
from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import zlib
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from analysis.cli import main as analysis_main
from analysis.sponsors import sponsor_table
from scraper import package, store
from scraper.importing import import_files
from scraper.parse.unxml_json import parse_unxml
from tests.conftest import UNXML_DIR
from tests.localserver import make_unxml_line
from tests.test_package import assert_same_store

EU = "GERMANY (ON BEHALF OF THE STATES MEMBERS OF THE UNITED NATIONS THAT ARE MEMBERS OF THE EUROPEAN UNION)"


def extract_lines() -> list[dict]:
    """Three entries of an extract of session 75: A with main and additional sponsors (Italy named in
    both lists, as 17 entries of the real extracts are), B submitted by the President, C with one
    main sponsor and two that joined later."""
    votes = dict(yes=["FRANCE", "GERMANY", "ITALY", "JAPAN"], no=["UNITED STATES"], abstain=["CHINA"])
    a = json.loads(make_unxml_line("A/RES/75/3", "7 December 2020", title="Draft A", **votes))
    a.update(sponsors=["FRANCE", EU, "ITALY"], additional_sponsors=["JAPAN", "ITALY"])
    b = json.loads(make_unxml_line("A/RES/75/4", "7 December 2020", title="Draft B", **votes))
    b.update(sponsors=["SUBMITTED BY THE PRESIDENT OF THE GENERAL ASSEMBLY"])
    c = json.loads(make_unxml_line("A/RES/75/5", "8 December 2020", title="Draft C", **votes))
    c.update(sponsors=["CHINA"], additional_sponsors=["UNITED STATES", "FRANCE"])
    return [a, b, c]


def write_extract(path: Path) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in extract_lines()), encoding="utf-8")
    return path


@pytest.fixture
def extract_store(tmp_path) -> Path:
    db = tmp_path / "store.sqlite"
    import_files([write_extract(tmp_path / "75.json")], db=db, show_progress=False)
    return db


# --- parser and store ----------------------------------------------------------------------------


def test_the_parser_keeps_the_two_lists_apart(tmp_path):
    calls = {rc.symbol: rc for rc in parse_unxml(write_extract(tmp_path / "75.json").read_bytes(), "75.json")}
    assert calls["A/RES/75/3"].sponsors == ("FRANCE", EU, "ITALY")
    assert calls["A/RES/75/3"].additional_sponsors == ("JAPAN", "ITALY")
    assert calls["A/RES/75/4"].additional_sponsors == ()
    assert calls["A/RES/75/5"].sponsors == ("CHINA",)


def test_the_store_keeps_them_apart(extract_store):
    calls = store.load_roll_calls(extract_store).set_index("symbol")
    assert calls.loc["A/RES/75/3", "sponsors"] == f"FRANCE|{EU}|ITALY"
    assert calls.loc["A/RES/75/3", "additional_sponsors"] == "JAPAN|ITALY"
    assert calls.loc["A/RES/75/4", "additional_sponsors"] == ""
    (kind, record), = store.load_observations(extract_store, "A/RES/75/5")
    assert (kind, record.sponsors, record.additional_sponsors) == ("unxml", ("CHINA",), ("UNITED STATES", "FRANCE"))


def test_a_library_row_takes_both_lists_from_the_extract(tmp_path):
    """The Library's record wins the row (it ranks first) but has no sponsors: both lists come from
    the extract, together."""
    from tests.test_validate import bulk_rows, write_bulk

    db = tmp_path / "store.sqlite"
    bulk = write_bulk(tmp_path / "bulk.csv", bulk_rows(undl_id=9, symbol="A/RES/75/5", date="2020-12-08"))
    import_files([bulk, write_extract(tmp_path / "75.json")], db=db, show_progress=False)
    row = store.load_roll_calls(db).set_index("symbol").loc["A/RES/75/5"]
    assert row["source"] == "undl_bulk"
    assert (row["sponsors"], row["additional_sponsors"]) == ("CHINA", "UNITED STATES|FRANCE")


def test_a_record_encoded_before_the_field_existed_still_decodes():
    record = parse_unxml(json.dumps(extract_lines()[0]).encode(), "75.json")[0]
    values = json.loads(zlib.decompress(store._encode(record)))
    del values["additional_sponsors"]  # as the store's observations.record blobs of schema 2 hold them
    old = zlib.compress(json.dumps(values, sort_keys=True).encode())
    decoded = store._decode(old)
    assert decoded.additional_sponsors == () and decoded.sponsors == record.sponsors
    assert decoded.votes == record.votes


def test_a_version_2_store_gains_the_column_empty(extract_store):
    """A store of schema 2 (no additional_sponsors) migrates on first open: the column is added empty,
    every other field as it was, and saving works on it."""
    before = store.load_roll_calls(extract_store).drop(columns="additional_sponsors")
    conn = sqlite3.connect(extract_store, isolation_level=None)
    conn.execute("ALTER TABLE roll_calls DROP COLUMN additional_sponsors")
    conn.execute("PRAGMA user_version = 2")
    conn.close()
    after = store.load_roll_calls(extract_store)  # a reader migrates an old store once
    assert (after["additional_sponsors"] == "").all()
    pd.testing.assert_frame_equal(after.drop(columns="additional_sponsors"), before)
    assert sqlite3.connect(extract_store).execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION == 3


# --- data package --------------------------------------------------------------------------------


def test_export_and_import_keep_the_column(extract_store, tmp_path):
    descriptor = package.export_package(extract_store, tmp_path / "package")
    fields = next(r for r in descriptor["resources"] if r["name"] == "roll_calls")["schema"]["fields"]
    described = {f["name"]: f.get("description", "") for f in fields}
    assert "joined the draft later" in described["additional_sponsors"] and "named on the draft" in described["sponsors"]
    assert package.package_problems(descriptor) == []
    restored = tmp_path / "restored.sqlite"
    package.import_package(tmp_path / "package", restored)
    assert_same_store(extract_store, restored)
    (_, record), = store.load_observations(restored, "A/RES/75/3")
    assert record.additional_sponsors == ("JAPAN", "ITALY")


def test_an_older_package_without_the_column_imports_with_it_empty(extract_store, tmp_path):
    folder = tmp_path / "package"
    descriptor = package.export_package(extract_store, folder)
    resource = next(r for r in descriptor["resources"] if r["name"] == "roll_calls")
    table = pq.read_table(folder / "roll_calls.parquet").drop(["additional_sponsors"])
    package._write_parquet(table, folder / "roll_calls.parquet")
    data = (folder / "roll_calls.parquet").read_bytes()
    resource["schema"]["fields"] = [f for f in resource["schema"]["fields"] if f["name"] != "additional_sponsors"]
    resource.update(bytes=len(data), hash="sha256:" + hashlib.sha256(data).hexdigest())
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    restored = tmp_path / "restored.sqlite"
    package.import_package(folder, restored)
    calls = store.load_roll_calls(restored).set_index("symbol")
    assert (calls["additional_sponsors"] == "").all()
    assert calls.loc["A/RES/75/3", "sponsors"] == f"FRANCE|{EU}|ITALY"
    assert set(sponsor_table(calls.reset_index())["role"]) == {"main"}


# --- analysis and CLI ----------------------------------------------------------------------------


def test_sponsor_table_gives_each_sponsor_its_role(extract_store):
    table = sponsor_table(store.load_roll_calls(extract_store))
    a = table[table["symbol"] == "A/RES/75/3"]
    assert a[["country_code", "role", "position"]].values.tolist() == [
        ["FRA", "main", 1], ["DEU", "main", 2], ["ITA", "main", 3], ["JPN", "additional", 4]]  # Italy counted once, as main
    assert a.set_index("country_code").loc["DEU", "on_behalf_of"].endswith("EUROPEAN UNION")
    b = table[table["symbol"] == "A/RES/75/4"]
    assert b[["kind", "role"]].values.tolist() == [["body", "main"]]
    c = table[table["symbol"] == "A/RES/75/5"]
    assert c[["country_code", "role"]].values.tolist() == [["CHN", "main"], ["USA", "additional"], ["FRA", "additional"]]


def test_cli_lists_the_role_and_counts_main_sponsors_only_on_request(extract_store, capsys):
    db = ["--db", str(extract_store), "--format", "csv"]
    assert analysis_main(["sponsors", "list", *db]) == 0
    listed = pd.read_csv(io.StringIO(capsys.readouterr().out), comment="#")
    assert listed["role"].value_counts().to_dict() == {"main": 5, "additional": 3}
    assert analysis_main(["sponsors", "partners", "--country", "FRA", *db]) == 0
    partners = pd.read_csv(io.StringIO(capsys.readouterr().out), comment="#")
    assert sorted(partners["partner_code"]) == ["CHN", "DEU", "ITA", "JPN", "USA"]
    assert analysis_main(["sponsors", "partners", "--country", "FRA", "--main-only", *db]) == 0
    partners = pd.read_csv(io.StringIO(capsys.readouterr().out), comment="#")
    assert sorted(partners["partner_code"]) == ["DEU", "ITA"]  # Japan joined A later; France joined C later
    assert analysis_main(["sponsors", "network", "--main-only", *db]) == 0
    network = pd.read_csv(io.StringIO(capsys.readouterr().out), comment="#")
    assert sorted(zip(network["country_a"], network["country_b"])) == [("DEU", "FRA"), ("DEU", "ITA"), ("FRA", "ITA")]


def test_main_only_is_documented_in_the_help(capsys):
    with pytest.raises(SystemExit):
        analysis_main(["sponsors", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--main-only" in text and "joined it later" in text


# --- real data: A/RES/75/287 ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def session_75(tmp_path_factory):
    """(store built from ../shared's extract of session 75, that extract's entry for A/RES/75/287)."""
    path = UNXML_DIR / "75.json"
    if not path.exists():
        pytest.skip(f"needs the UN's extract {path} (../shared beside the checkout), which is absent here")
    db = tmp_path_factory.mktemp("s75") / "store.sqlite"
    import_files([path], db=db, show_progress=False)
    entry = next(e for e in map(json.loads, path.read_text(encoding="utf-8").splitlines()) if e["symbol"] == "A/RES/75/287")
    return db, entry


def test_a_res_75_287_main_and_additional_sponsors_match_the_extract(session_75):
    db, entry = session_75
    row = store.load_roll_calls(db).set_index("symbol").loc["A/RES/75/287"]
    assert row["sponsors"].split("|") == entry["sponsors"]
    assert row["additional_sponsors"].split("|") == entry["additional_sponsors"]
    mine = sponsor_table(store.load_roll_calls(db), ["75"]).query("symbol == 'A/RES/75/287'")
    assert mine[mine["role"] == "main"]["name"].tolist() == entry["sponsors"]
    assert mine[mine["role"] == "additional"]["name"].tolist() == entry["additional_sponsors"]
    # What the extract says, counted by hand on 2026-11-30: 53 on the draft, 5 joined later.
    assert (len(entry["sponsors"]), len(entry["additional_sponsors"])) == (53, 5)
    assert mine[mine["role"] == "additional"]["country_code"].tolist() == ["AGO", "AUS", "JPN", "MEX", "NZL"]


def test_vote_page_shows_the_draft_sponsors_and_those_that_joined_later(full_store, monkeypatch):
    from tests.dashboard_helpers import assert_clean, open_app

    app = open_app(full_store, monkeypatch, page="resolutions", vote="A/RES/75/287")
    assert_clean(app)
    assert any(header.value == "Sponsors (58)" for header in app.subheader)
    blocks = [block.value for block in app.markdown]
    on_draft = next(text for text in blocks if text.startswith("**Sponsors (on the draft)** (53)"))
    later = next(text for text in blocks if text.startswith("**Joined later** (5)"))
    assert "Liechtenstein" in on_draft and "New Zealand" not in on_draft
    assert all(name in later for name in ("Angola", "Australia", "Japan", "Mexico", "New Zealand"))
    assert "Liechtenstein" not in later
