"""The memory of a long-running dashboard server: `streamlit run dashboard.py` serving --sessions
sessions (default 500), each opened as a browser tab does (Streamlit's own websocket protocol),
run once on a page and a period that vary from session to session, then closed.

    python benchmarks/bench_memory.py [--db data/unvotes.sqlite] [--sessions 500] [--parallel 4] [--port 8645]
    python benchmarks/bench_memory.py --empty    # the server starts on an empty data folder (the first start)

Prints the server's resident and peak memory (VmRSS, VmHWM) after every 50 sessions and once the
sessions have closed (target: under 1 GB), the slowest run, and any session that saw an error.
With --empty the first session's run includes building the store from the data package.
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from tests.dashboard_helpers import of_kind, run_in_session  # noqa: E402

PAGES = ("blocs", "outliers", "resolutions", "countries", "compare", "about")


def memory_mb(pid: int) -> tuple[float, float]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def query(number: int) -> str:
    """A different but plausible view per session: the page, a ten-year period, sometimes a topic."""
    chooser = random.Random(number)
    start = chooser.randrange(1950, 2017)
    parts = [f"page={PAGES[number % len(PAGES)]}", f"from={start}", f"to={start + 9}"]
    if chooser.random() < 0.3:
        parts.append("topic=" + chooser.choice(["human-rights", "nuclear-weapons", "palestinian-conflict"]))
    return "&".join(parts)


def one_session(base: str, number: int) -> tuple[float, list[str]]:
    """(seconds the run took, the exceptions it showed)."""
    started = time.perf_counter()
    elements = run_in_session(base, query(number), open_timeout=60, timeout=300)
    return time.perf_counter() - started, [exception.message for exception in of_kind(elements, "exception")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=str(REPOSITORY / "data" / "unvotes.sqlite"))
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--parallel", type=int, default=4)
    parser.add_argument("--port", type=int, default=8645)
    parser.add_argument("--empty", action="store_true", help="start on an empty data folder")
    args = parser.parse_args()
    scratch = tempfile.TemporaryDirectory()
    db = str(Path(scratch.name) / "unvotes.sqlite") if args.empty else args.db
    print(f"load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
         "--server.port", str(args.port), "--server.address", "127.0.0.1"],
        cwd=REPOSITORY, env={**os.environ, "UNGA_DB": db}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        print(f"server started: {memory_mb(process.pid)[0]:.0f} MB resident")
        times, failures, done = [], [], 0
        with ThreadPoolExecutor(args.parallel) as pool:
            for start in range(0, args.sessions, 50):
                batch = range(start, min(start + 50, args.sessions))
                for seconds, errors in pool.map(lambda n: one_session(base, n), batch):
                    times.append(seconds)
                    failures += errors
                done += len(batch)
                resident, peak = memory_mb(process.pid)
                print(f"after {done:4d} sessions: resident {resident:6.0f} MB, peak {peak:6.0f} MB, "
                      f"slowest run so far {max(times):5.1f} s")
        time.sleep(5)
        resident, peak = memory_mb(process.pid)
        verdict = "ok" if peak < 1024 else "OVER 1 GB"
        print(f"all {args.sessions} sessions closed: resident {resident:.0f} MB, peak {peak:.0f} MB ({verdict}); "
              f"median run {sorted(times)[len(times) // 2]:.2f} s, slowest {max(times):.1f} s; "
              f"{len(failures)} errors{': ' + failures[0][:200] if failures else ''}")
    finally:
        process.terminate()
        process.wait(timeout=30)
        scratch.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
