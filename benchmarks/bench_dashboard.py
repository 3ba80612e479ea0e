"""Benchmark the dashboard as a user meets it: `streamlit run dashboard.py` on a free local port,
driven by headless Chromium (playwright).

    python benchmarks/bench_dashboard.py [--db data/unvotes.sqlite] [--runs 3] [--no-cold]

Prints, for the full store, the median (min–max) of `--runs` runs against the store as it is, with
its disk cache of derived frames (scraper/cache.py: votes, topic tags) in place, as on every start
but the first after a sync; and, unless `--no-cold`, one run against a copy of the store with no
cache (the first start after a sync, when the dashboard builds the cache):
- server start: from launching `streamlit run` until it answers its health check;
- first render of the Blocs page (the issue's shared link): from the server answering until the
  world map has drawn the blocs, and until the whole page is drawn (target ≤ 5 s), the latter also
  counted from launching the process;
- re-render after changing a control: the measure (first time for that measure: computed; back to
  a measure seen before: cached) and the number of blocs (target ≤ 1 s), from the click until the URL shows
  the new value, the map has redrawn and the script has finished;
- the server's memory after visiting every page: resident and peak (VmHWM) (target ≤ 1.5 GB).

Then, unless `--no-floor`, the floor (issue 11): a bare Streamlit page drawing one plotly map
(benchmarks/floor_app.py) and the Blocs page of the shared human-rights link, each on its own warm
server (visited once first), opened `--runs` times in turn in a fresh browser tab, from the request
until the script has finished, no grey placeholder is left and every chart is drawn. The Blocs
page's median over the floor's median is the ratio the issue sets at ≤ 2.5.
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))
from scraper.cache import cache_dir  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SHARED_LINK = "/?page=blocs&from=2015&to=2025&topic=human-rights"
# One path per country with data: the blank map shown while blocs are computed has none, the real one ~190.
MAP_DRAWN = "() => document.querySelectorAll('path.choroplethlocation').length > 150"
# Streamlit marks its root element with the script's state: "running" while a run is going on.
IDLE = "() => document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state') === 'notRunning'"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident, peak resident) of a process in MB, from /proc."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def start_server(db: str, script: str = "dashboard.py") -> tuple[subprocess.Popen, str, float]:
    port = free_port()
    launched = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPOSITORY / script), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=REPOSITORY, env={**os.environ, "UNGA_DB": db}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                return process, base, launched
        except OSError:
            if time.monotonic() - launched > 60:
                process.kill()
                raise SystemExit("streamlit did not start within 60 s")
            time.sleep(0.05)


def timed_change(page, action, url_fragment: str) -> float:
    """Seconds from choosing a new value until the URL shows it, the script is done and the map is drawn."""
    started = time.monotonic()
    action()
    page.wait_for_function(f"() => window.location.search.includes('{url_fragment}')", timeout=60_000)
    page.wait_for_function(IDLE, timeout=60_000)
    page.wait_for_function(MAP_DRAWN, timeout=60_000)
    return time.monotonic() - started


def choose(page, label: str, option: str):
    """Open a select box; the returned action picks the option (the click the timing starts from)."""
    page.locator("[data-testid='stSelectbox']").filter(has_text=label).click()
    return lambda: page.get_by_role("option", name=option, exact=True).click()


def one_run(db: str) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        # The browser is up before the server starts, so its own start-up is not counted.
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        process, base, launched = start_server(db)
        ready = time.monotonic()
        result: dict[str, float] = {"server start": ready - launched}
        try:
            page.goto(base + SHARED_LINK)
            page.wait_for_function(MAP_DRAWN, timeout=120_000)
            result["map with blocs drawn after server start"] = time.monotonic() - ready
            page.wait_for_function(IDLE, timeout=120_000)
            done = time.monotonic()
            result["whole page drawn after server start"] = done - ready
            result["whole page drawn after launch"] = done - launched
            result["change measure (computed)"] = timed_change(page, choose(page, "Measure of agreement", "Scott's pi"),
                                                               "measure=pi")
            result["change measure (cached)"] = timed_change(
                page, choose(page, "Measure of agreement", "Exact agreement"), "measure=agreement")
            result["change blocs k (computed)"] = timed_change(page, choose(page, "Number of blocs", "4"), "k=4")
            for path in ("/outliers", "/resolutions?vote=A/RES/75/287", "/countries", "/compare", "/about"):
                page.goto(base + path)
                page.wait_for_selector("h1", timeout=120_000)
                page.wait_for_function(IDLE, timeout=180_000)
            resident, peak = memory_mb(process.pid)
            result["server memory, resident MB"] = resident
            result["server memory, peak MB"] = peak
        finally:
            browser.close()
            process.terminate()
            process.wait(timeout=20)
    return result


# Until nothing is left to draw: the script done, no grey placeholder, every plotly chart drawn.
NO_PLACEHOLDERS = ("() => !document.querySelector('[data-testid=stSkeleton], [data-testid=stSkeletonElement], "
                   "[data-testid=stAppSkeleton]')")
CHARTS_DRAWN = ("() => { const charts = document.querySelectorAll('[data-testid=stPlotlyChart]');"
                " return charts.length > 0 && [...charts].every(c => c.querySelector('.main-svg')); }")


def fully_drawn(browser, address: str) -> float:
    """Seconds from opening `address` in a fresh tab until the page is wholly drawn."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    started = time.monotonic()
    page.goto(address)
    page.wait_for_selector("h1", timeout=120_000)
    for condition in (IDLE, NO_PLACEHOLDERS, CHARTS_DRAWN):
        page.wait_for_function(condition, timeout=120_000)
    seconds = time.monotonic() - started
    context.close()
    return seconds


def floor_run(db: str, runs: int) -> dict[str, list[float]]:
    """The floor page and the shared Blocs link, each on a warm server, opened in turn `runs` times."""
    from playwright.sync_api import sync_playwright

    floor, floor_base, _ = start_server(db, "benchmarks/floor_app.py")
    app, app_base, _ = start_server(db)
    times: dict[str, list[float]] = {"floor: one plotly map": [], "Blocs, shared human-rights link": []}
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            fully_drawn(browser, floor_base + "/")  # warm both servers: imports, caches
            fully_drawn(browser, app_base + SHARED_LINK)
            for _ in range(runs):
                times["floor: one plotly map"].append(fully_drawn(browser, floor_base + "/"))
                times["Blocs, shared human-rights link"].append(fully_drawn(browser, app_base + SHARED_LINK))
            browser.close()
    finally:
        for process in (floor, app):
            process.terminate()
            process.wait(timeout=20)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=os.environ.get("UNGA_DB") or str(REPOSITORY / "data" / "unvotes.sqlite"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-cold", action="store_true", help="skip the run without the disk cache")
    parser.add_argument("--no-floor", action="store_true", help="skip the comparison with a bare plotly page")
    parser.add_argument("--floor-only", action="store_true", help="only the comparison with a bare plotly page")
    args = parser.parse_args()
    if not Path(args.db).exists():
        print(f"no store at {args.db}: build it first (python -m scraper import ...)", file=sys.stderr)
        return 1
    if not args.no_floor:
        times = floor_run(args.db, args.runs)
        print(f"floor: warm servers, fresh tab, until wholly drawn; {args.runs} runs each (median, min–max)")
        for name, values in times.items():
            print(f"  {name:<40} {statistics.median(values):8.2f} s   ({min(values):.2f}–{max(values):.2f})")
        medians = [statistics.median(values) for values in times.values()]
        print(f"  {'ratio Blocs / floor (target ≤ 2.5)':<40} {medians[1] / medians[0]:8.2f}")
        if args.floor_only:
            return 0
    if not args.no_cold:
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "unvotes.sqlite"
            shutil.copy(args.db, copy)  # no cache/ beside the copy: the dashboard builds it
            cold = one_run(str(copy))
        print(f"dashboard benchmark, store {args.db}")
        print("cold: first start after a sync (no disk cache yet), 1 run")
        for name, value in cold.items():
            print(f"  {name:<40} {value:8.2f}{'' if 'MB' in name else ' s'}")
    if not any(cache_dir(args.db).glob("votes-*")):
        one_run(args.db)  # fills the disk cache; not counted
    runs = [one_run(args.db) for _ in range(args.runs)]
    print(f"warm: with the disk cache, {args.runs} runs (median, min–max)")
    for name in runs[0]:
        values = [run[name] for run in runs]
        unit = "" if "MB" in name else " s"
        print(f"  {name:<40} {statistics.median(values):8.2f}{unit}   ({min(values):.2f}–{max(values):.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
