"""`python -m analysis` on the small synthetic store: every command, every format, the data-version
stamp, byte-identical reruns, and one clear line on stderr for bad arguments."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from analysis.cli import main, parse_period_bound, parse_sessions, parse_span, UsageError
from scraper.store import data_version

REPOSITORY = Path(__file__).resolve().parent.parent


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def read_csv(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), comment="#", keep_default_na=False, na_values=[""])


def test_period_bounds_and_sessions():
    assert parse_period_bound("1992", end=False) == "1992-01-01"
    assert parse_period_bound("1992", end=True) == "1992-12-31"
    assert parse_period_bound("2024-02", end=True) == "2024-02-29"
    assert parse_period_bound("1992-03-15", end=True) == "1992-03-15"
    with pytest.raises(UsageError):
        parse_period_bound("1992-13", end=False)
    with pytest.raises(UsageError):
        parse_period_bound("soon", end=False)
    assert parse_sessions(["74,75", "ES-11", "70-72"]) == ["74", "75", "ES-11", "70", "71", "72"]
    assert parse_span("1985:1990") == ("1985-01-01", "1990-12-31")
    with pytest.raises(UsageError, match="reversed"):
        parse_span("1990:1985")


def test_agreement_pairs_stamped_with_the_data_version(small_store, capsys):
    code, out, err = run(["agreement", "--db", str(small_store), "--from", "2000", "--to", "2009", "--format", "csv"], capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == f"# data_version: {data_version(small_store)}"
    assert lines[1].startswith("# query: agreement ")
    frame = read_csv(out)
    assert list(frame.columns) == ["country_a", "country_b", "shared_votes", "agreement", "voeten", "s_score", "kappa", "pi"]
    assert len(frame) == 16 * 15 // 2
    assert (frame["country_a"] < frame["country_b"]).all()
    assert frame["agreement"].between(0, 1).all() and frame["kappa"].between(-1, 1).all()


def test_agreement_for_one_country_ranks_partners(small_store, capsys):
    code, out, _ = run(["agreement", "--db", str(small_store), "--country", "usa", "--metric", "kappa", "--top", "3", "--format", "csv"], capsys)
    assert code == 0
    frame = read_csv(out)
    assert len(frame) == 3 and frame["rank"].tolist() == [1, 2, 3]
    assert frame["kappa"].is_monotonic_decreasing
    assert set(frame["partner_code"]) <= {"ISR", "GBR", "FRA", "DEU", "CAN"}  # the small store's western bloc


def test_agreement_by_year_for_one_pair(small_store, capsys):
    args = ["agreement", "--db", str(small_store), "--country", "UKR", "--partner", "RUS", "--by", "year", "--min-shared", "5", "--format", "csv"]
    code, out, _ = run(args, capsys)
    assert code == 0
    assert read_csv(out)["year"].tolist() == list(range(1992, 2025))  # Russia's own seat from 1992
    code, out, _ = run([*args, "--merge-successors"], capsys)
    frame = read_csv(out)
    assert frame["year"].tolist() == list(range(1985, 2025))  # the USSR's votes counted as Russia's
    assert (frame["partner_code"] == "RUS").all()


def test_every_format_is_byte_identical_on_rerun_and_stamped(small_store, tmp_path, capsys):
    version = data_version(small_store)
    for fmt in ("table", "csv", "json", "parquet"):
        paths = []
        for attempt in range(2):
            path = tmp_path / f"map{attempt}.{fmt}"
            code, _, err = run(["map", "--db", str(small_store), "--from", "1995", "--to", "2005", "--k", "3", "--format", fmt, "--out", str(path)], capsys)
            assert code == 0, err
            paths.append(path)
        assert paths[0].read_bytes() == paths[1].read_bytes(), fmt
    document = json.loads((tmp_path / "map0.json").read_text())
    assert document["data_version"] == version
    assert document["columns"][:4] == ["country_code", "name", "x", "y"]
    rows = {row["country_code"]: row for row in document["rows"]}
    assert rows["USA"]["x"] > 0
    table = pq.read_table(tmp_path / "map0.parquet")
    assert table.schema.metadata[b"data_version"].decode() == version
    assert table.num_rows == len(rows)


def test_cluster_finds_the_small_stores_blocs(small_store, capsys):
    code, out, err = run(["cluster", "--db", str(small_store), "--k", "3", "--merge-successors", "--format", "csv"], capsys)
    assert code == 0, err
    frame = read_csv(out)
    blocs = {frozenset(group["country_code"]) for _, group in frame.groupby("bloc")}
    assert blocs == {frozenset({"USA", "ISR", "GBR", "FRA", "DEU", "CAN"}), frozenset({"RUS", "BLR", "CHN", "UKR"}),
                     frozenset({"CUB", "IND", "MMR", "BRA", "ZAF", "EGY"})}
    # kept apart, the USSR (1985–91) and Russia (1992–) never voted together; the imputed
    # agreement from their profiles still puts them in one bloc
    code, out, _ = run(["cluster", "--db", str(small_store), "--k", "3", "--format", "csv"], capsys)
    frame = read_csv(out).set_index("country_code")
    assert frame.loc["SUN", "bloc"] == frame.loc["RUS", "bloc"]


def test_cluster_every_window_keeps_bloc_numbers(small_store, capsys):
    code, out, _ = run(["cluster", "--db", str(small_store), "--from", "1990", "--to", "2009", "--every", "10", "--k", "3", "--format", "csv"], capsys)
    assert code == 0
    frame = read_csv(out)
    assert frame["period_start"].unique().tolist() == ["1990-01-01", "2000-01-01"]
    usa = frame.loc[frame["country_code"] == "USA", "bloc"].tolist()
    assert usa[0] == usa[1]
    code, out, _ = run(["cluster", "--db", str(small_store), "--k", "3", "--cohesion", "--merge-successors", "--format", "csv"], capsys)
    cohesion = read_csv(out)
    assert list(cohesion.columns) == ["bloc", "bloc_name", "size", "cohesion", "mean_agreement"]
    assert cohesion["size"].sum() == 16


def test_outliers_commands(small_store, capsys):
    db = ["--db", str(small_store), "--format", "csv"]
    code, out, err = run(["outliers", "dissenters", *db, "--max-dissenters", "2", "--min-majority", "0.8"], capsys)
    assert code == 0, err
    assert "dissenting_with" in read_csv(out).columns
    code, out, err = run(["outliers", "defectors", *db, "--k", "3", "--merge-successors"], capsys)
    assert code == 0, err
    assert len(read_csv(out)) == 16
    code, out, err = run(["outliers", "breaks", *db, "--k", "3", "--country", "ISR", "--from", "2020"], capsys)
    assert code == 0, err
    assert set(read_csv(out)["country_code"]) <= {"ISR"}
    code, out, err = run(["outliers", "movers", *db, "--periods", "1985:1994", "2015:2024", "--min-shared", "5"], capsys)
    assert code == 0, err
    assert read_csv(out)["rank"].tolist()[:3] == [1, 2, 3]


@pytest.mark.parametrize("args, message", [
    (["agreement", "--country", "XYZ"], "Unknown country code 'XYZ'"),
    (["agreement", "--from", "2030"], "No votes left after filtering from 2030-01-01"),
    (["cluster", "--k", "40"], "k = 40 blocs asked for, but only 17 countries"),  # 16 states, USSR and Russia apart
    (["map", "--from", "2010", "--to", "2000"], "--from 2010 is after --to 2000"),
    (["outliers", "breaks"], "needs --country"),
    (["outliers", "movers"], "needs --periods"),
    (["agreement", "--sessions", "500"], "sessions 500"),
])
def test_bad_arguments_give_one_clear_line_and_status_2(small_store, capsys, args, message):
    code, out, err = run([*args, "--db", str(small_store)], capsys)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_missing_store(tmp_path, capsys):
    code, _, err = run(["agreement", "--db", str(tmp_path / "none.sqlite")], capsys)
    assert code == 2 and "No store at" in err


def test_help_everywhere_and_a_real_process_exit(small_store):
    for command in ([], ["agreement"], ["cluster"], ["map"], ["idealpoints"], ["outliers"], ["topics"], ["groups"], ["series"],
                    ["sponsors"], ["sensitivity"]):
        done = subprocess.run([sys.executable, "-m", "analysis", *command, "--help"], cwd=REPOSITORY, capture_output=True, text=True)
        assert done.returncode == 0 and "usage: python -m analysis" in done.stdout, command
    done = subprocess.run([sys.executable, "-m", "analysis", "cluster", "--db", str(small_store), "--k", "99"],
                          cwd=REPOSITORY, capture_output=True, text=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "k = 99" in done.stderr


def test_groups_command(small_store, capsys):
    pytest.importorskip("analysis.groups")
    code, out, err = run(["groups", "--db", str(small_store), "--group", "nato", "--format", "csv"], capsys)
    assert code == 0, err
    assert read_csv(out)["group"].tolist() == ["nato"]


def test_idealpoints_command(small_store, capsys):
    pytest.importorskip("analysis.idealpoints")
    code, out, err = run(["idealpoints", "--db", str(small_store), "--from", "2020", "--country", "USA", "--format", "csv"], capsys)
    assert code == 0, err
    frame = read_csv(out)
    assert frame["year"].tolist() == [2020, 2021, 2022, 2023, 2024]
    assert (frame["ideal_point"] > 0).all()  # polarity: the United States positive


# ---------------------------------------------------------------------------------------------
# Issue 13, item 8: arguments checked at the edge, fast, one line, exit 2


@pytest.mark.parametrize("args, message", [
    (["agreement", "--sessions", "1-99999999"], "goes past 999"),
    (["agreement", "--sessions", ""], "names no session"),
    (["agreement", "--sessions", ","], "names no session"),
    (["cluster", "--every", "0"], "--every 0"),
    (["cluster", "--every", "-3"], "--every -3"),
    (["agreement", "--country", "USA", "--top", "-5"], "--top -5"),
    (["agreement", "--country", "USA", "--top", "0"], "--top 0"),
    (["agreement", "--bootstrap", "0"], "--bootstrap 0"),
    (["cluster", "--bootstrap", "100000000"], "--bootstrap 100000000"),
    (["agreement", "--seed", "4"], "--seed needs --bootstrap"),
    (["agreement", "--bootstrap", "5", "--level", "1.5"], "--level 1.5"),
])
def test_out_of_range_arguments_are_refused_fast(small_store, capsys, args, message):
    import time

    start = time.perf_counter()
    code, out, err = run([*args, "--db", str(small_store)], capsys)
    assert time.perf_counter() - start < 5  # `--sessions 1-99999999` took 153 s and 20 GB before
    assert code == 2 and out == "" and message in err and err.count("\n") == 1, err


def test_out_never_overwrites_the_store_and_bad_paths_are_one_line(small_store, tmp_path, capsys):
    before = small_store.read_bytes()
    code, _, err = run(["agreement", "--db", str(small_store), "--out", str(small_store)], capsys)
    assert code == 2 and "is the store itself" in err and err.count("\n") == 1
    assert small_store.read_bytes() == before
    other_store = tmp_path / "copy.sqlite"
    other_store.write_bytes(before)
    code, _, err = run(["agreement", "--db", str(small_store), "--out", str(other_store)], capsys)
    assert code == 2 and "is an SQLite database" in err and other_store.read_bytes() == before
    for out, message in ((tmp_path, "is a folder"), (tmp_path / "missing" / "x.csv", "does not exist"), ("", "--out is empty")):
        code, stdout, err = run(["agreement", "--db", str(small_store), "--out", str(out)], capsys)
        assert code == 2 and message in err and err.count("\n") == 1 and "Traceback" not in err, (out, err)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        import os

        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who may write anywhere (root): a read-only folder cannot be tested")
        code, _, err = run(["agreement", "--db", str(small_store), "--out", str(locked / "x.csv")], capsys)
        assert code == 2 and "cannot be written" in err and err.count("\n") == 1
    finally:
        locked.chmod(0o700)


# ---------------------------------------------------------------------------------------------
# Issue 12: --bootstrap


def test_bootstrap_columns_and_same_seed_byte_identical(small_store, tmp_path, capsys):
    base = ["--db", str(small_store), "--from", "2000", "--k", "3", "--merge-successors", "--bootstrap", "40"]
    outputs = []
    for seed in ("5", "5", "6"):
        path = tmp_path / f"cluster-{len(outputs)}.csv"
        code, _, err = run(["cluster", *base, "--seed", seed, "--format", "csv", "--out", str(path)], capsys)
        assert code == 0, err
        outputs.append(path.read_bytes())
    assert outputs[0] == outputs[1]
    frame = read_csv(outputs[0].decode())
    assert {"confidence", "placed", "other_bloc_name", "on_edge"} <= set(frame.columns)
    assert frame["confidence"].between(0, 1).all() and (frame["placed"] <= 40).all()
    assert "seed=5" in outputs[0].decode().splitlines()[1]
    code, out, err = run(["cluster", *base, "--cohesion", "--format", "csv"], capsys)
    assert code == 0, err
    assert read_csv(out)["stability"].between(0, 1).all()
    code, out, err = run(["agreement", "--db", str(small_store), "--country", "USA", "--metric", "kappa", "--bootstrap", "30",
                          "--format", "csv"], capsys)
    assert code == 0, err
    pairs = read_csv(out).dropna(subset=["kappa"])
    assert ((pairs["kappa_low"] <= pairs["kappa_high"]) & (pairs["resamples"] <= 30)).all()
    # without --bootstrap the output is unchanged: no interval columns, no seed in the query line
    code, out, _ = run(["agreement", "--db", str(small_store), "--country", "USA", "--format", "csv"], capsys)
    assert "kappa_low" not in out and "seed=" not in out


def test_cite_names_tool_data_version_and_sources(small_store, capsys):
    code, out, err = run(["--cite", "--db", str(small_store)], capsys)
    assert code == 0, err
    assert f"data version {data_version(small_store)}" in out and "version 0.1" in out
    assert "General Assembly Voting Data (record 4060887)" in out
    assert str(small_store.parent) not in out  # file names only, never server paths
    again = run(["cluster", "--cite", "--db", str(small_store)], capsys)
    assert again[0] == 0 and again[1] == out  # the same text from any command, byte for byte
    code, _, err = run(["--cite", "--db", str(small_store.parent / "none.sqlite")], capsys)
    assert code == 2 and "No store at" in err and err.count("\n") == 1
