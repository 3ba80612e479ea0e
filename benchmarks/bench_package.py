"""Benchmark the open data package (data/package) and what a new user meets.

    python benchmarks/bench_package.py [--db data/unvotes.sqlite] [--runs 3] [--browser]

Prints:
- the package's size, per table and in all (target ≤ 2 MB);
- the choice of format: the votes and roll-call tables as gzip CSV and as Parquet, size and the
  time pandas alone takes to read each (median of --runs);
- reading the package's votes table with pandas alone (target ≤ 1 s);
- `export --package` from the store at --db (if there is one), and its byte-identical repeat;
- the package's import into an empty store (target ≤ 15 s), and `warm_caches` after it;
- `python -m scraper setup` in a fresh data folder with no network (import, caches, the offline
  sync attempt; the CI check allows 30 s);
- with --browser: `streamlit run dashboard.py` on an empty data folder until the Blocs map has
  drawn in headless Chromium (target ≤ 25 s), and the server's memory then.

The machine's load average is printed first: on a shared 2-core machine the times scale with it.
"""
from __future__ import annotations

import argparse
import gzip
import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

import pandas as pd  # noqa: E402

from scraper import package  # noqa: E402

PACKAGE = REPOSITORY / "data" / "package"


def timed(action, runs: int) -> tuple[float, float, float, float]:
    """(median, min, max) wall seconds of `runs` calls, and the median CPU seconds they used (this
    process and its children): on a loaded machine the CPU time is what an idle one would take."""
    times, cpu = [], []
    for _ in range(runs):
        before = _cpu()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
        cpu.append(_cpu() - before)
    return statistics.median(times), min(times), max(times), statistics.median(cpu)


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def show(label: str, result: tuple[float, ...], target: float | None = None) -> None:
    median, low, high = result[:3]
    cpu = f", CPU {result[3]:.2f} s" if len(result) > 3 else ""
    verdict = "" if target is None else ("  ok" if median <= target else f"  OVER the {target:g} s target")
    print(f"{label:<58} {median:6.2f} s  ({low:.2f}–{high:.2f}{cpu}){verdict}")


def sizes() -> None:
    total = 0
    for path in sorted(PACKAGE.iterdir()):
        total += path.stat().st_size
        print(f"  {path.name:<24} {path.stat().st_size / 1e3:8.1f} kB")
    print(f"package in all: {total / 1e6:.3f} MB ({total:,} bytes){'  ok' if total <= 2 * 1024 * 1024 else '  OVER 2 MB'}")


def formats(runs: int) -> None:
    print("\nformat choice: gzip CSV vs Parquet (pandas alone reading each)")
    for table in ("votes", "roll_calls"):
        frame = pd.read_parquet(PACKAGE / f"{table}.parquet")
        csv_bytes = gzip.compress(frame.to_csv(index=False).encode(), 9, mtime=0)
        parquet_bytes = (PACKAGE / f"{table}.parquet").read_bytes()
        csv_time = timed(lambda: pd.read_csv(io.BytesIO(csv_bytes), compression="gzip", keep_default_na=False), runs)
        parquet_time = timed(lambda: pd.read_parquet(io.BytesIO(parquet_bytes)), runs)
        print(f"  {table:<11} gzip CSV {len(csv_bytes) / 1e6:6.3f} MB, read {csv_time[0]:.2f} s | "
              f"Parquet {len(parquet_bytes) / 1e6:6.3f} MB, read {parquet_time[0]:.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=str(REPOSITORY / "data" / "unvotes.sqlite"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--browser", action="store_true", help="also the first start in a real browser")
    args = parser.parse_args()
    print(f"load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    sizes()
    formats(args.runs)
    print()
    show("pandas alone reads votes.parquet", timed(lambda: pd.read_parquet(PACKAGE / "votes.parquet"), args.runs), 1.0)

    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        if Path(args.db).exists():
            show("export --package from the store", timed(lambda: package.export_package(args.db, scratch / "p1"), 1))
            package.export_package(args.db, scratch / "p2")
            same = all((scratch / "p1" / f).read_bytes() == (scratch / "p2" / f).read_bytes()
                       for f in os.listdir(scratch / "p1"))
            print(f"{'a second export is byte-identical':<58} {same}")

        counter = iter(range(1000))

        def import_once() -> None:
            package.import_package(PACKAGE, scratch / f"s{next(counter)}" / "unvotes.sqlite")

        show("import the package into an empty store", timed(import_once, args.runs), 15.0)
        warm_db = scratch / "s0" / "unvotes.sqlite"
        show("warm_caches after it (votes, topic tags, ideal points)",
             timed(lambda: package.warm_caches(warm_db), 1))

        env = dict(os.environ, UNGA_DB=str(scratch / "setup" / "unvotes.sqlite"),
                   UNGA_UNXML_BASE="https://no-such-host.invalid/data_extract/")
        show("python -m scraper setup, fresh folder, no network", timed(
            lambda: subprocess.run([sys.executable, "-m", "scraper", "setup", "--quiet"], cwd=REPOSITORY, env=env,
                                   check=True, capture_output=True), 1), 30.0)
        if args.browser:
            first_map(scratch / "browser" / "unvotes.sqlite")
    return 0


def first_map(db: Path) -> None:
    """Empty data folder → `streamlit run` → the Blocs map drawn in Chromium, and the server's memory."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPOSITORY / "benchmarks"))
    from bench_dashboard import CHROMIUM, CHROMIUM_ARGS, MAP_DRAWN, free_port, memory_mb

    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true", "--server.port",
         str(port), "--server.address", "127.0.0.1"], cwd=REPOSITORY, env={**os.environ, "UNGA_DB": str(db)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            while True:
                try:
                    page.goto(f"http://127.0.0.1:{port}/")
                    break
                except Exception:
                    time.sleep(0.2)
            page.wait_for_function(MAP_DRAWN, timeout=180_000)
            elapsed = time.perf_counter() - started
            browser.close()
        show("empty data folder → first Blocs map in the browser", (elapsed, elapsed, elapsed), 25.0)
        time.sleep(2)
        resident, peak = memory_mb(process.pid)
        print(f"{'server memory after the first start: resident / peak':<58} {resident:.0f} / {peak:.0f} MB")
    finally:
        process.terminate()
        process.wait(timeout=20)


if __name__ == "__main__":
    sys.exit(main())
