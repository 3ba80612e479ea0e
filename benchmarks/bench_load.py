"""A class at once: 30 sessions moving through the dashboard's pages for a few minutes.

    python benchmarks/bench_load.py [--db data/unvotes.sqlite] [--sessions 30] [--minutes 3]

Starts `streamlit run dashboard.py` on a free local port and opens `--sessions` sessions on it, as
browser tabs do: each speaks Streamlit's own websocket protocol (the messages a tab exchanges with
the server, as tests/test_dashboard_during_sync.py does), starts within the first 10 s, and then
opens one link after another — the links a teacher shares: a period, a topic, a measure, a vote,
a country — in its own shuffled order, with a pause of 1–4 s between pages (a student reading),
until `--minutes` have passed. Not counted: the browser's own drawing (bench_dashboard.py measures
that); counted: how long the server takes to run each page, from the request until the run ends.

Prints, per page, how many runs, the median, 95th percentile and slowest time; the slowest page;
every error a session met (an exception, a page that failed, a run that never ended); and the
server's memory: resident at the end and its peak (VmHWM), sampled every second (target < 1 GB).
Exit status 1 if any session met an error or the peak reached 1 GB.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from websockets.sync.client import connect  # noqa: E402

sys.path.insert(0, str(REPOSITORY / "benchmarks"))
from bench_dashboard import free_port, memory_mb  # noqa: E402
from views.controls import PAGE_FAILED  # noqa: E402

# (page path, query): what a class opens. Blocs is the default page, at the root ("").
LINKS = [
    ("", "from=2015&to=2025&topic=human-rights"),
    ("", "from=2015&to=2025&topic=human-rights&measure=kappa"),
    ("", "from=1980&to=1989&k=3"),
    ("", "sessions=70-79&topic=all"),
    ("outliers", "from=2015&to=2025&list=lone-dissenters"),
    ("outliers", "from=2015&to=2025&list=bloc-defectors"),
    ("resolutions", "vote=A/RES/75/287"),
    ("resolutions", "q=Myanmar&from=2015&to=2025"),
    ("resolutions", "vote=A/RES/ES-11/1"),
    ("countries", "country=MMR&partners=BLR,RUS,CHN,USA&from=2015&to=2025"),
    ("countries", "country=UKR&from=1992&to=2025"),
    ("compare", "countries=USA,RUS&from=2015&to=2025"),
    ("compare", "countries=CUB,USA&from=1992&to=2025"),
    ("about", ""),
]
RUN_TIMEOUT = 300  # s: a run that takes longer counts as an error


@dataclass
class SessionLog:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def run_page(session, path: str, query: str) -> tuple[float, list[str]]:
    """Ask the server to run the page at `path` with `query`, as a tab does on a link; seconds until the
    run finished, and the errors the page showed."""
    message = BackMsg()
    message.rerun_script.query_string = query
    message.rerun_script.page_name = path
    started = time.monotonic()
    session.send(message.SerializeToString())
    errors = []
    titled = False
    while True:
        forward = ForwardMsg()
        forward.ParseFromString(session.recv(timeout=RUN_TIMEOUT))
        kind = forward.WhichOneof("type")
        if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
            element = forward.delta.new_element
            if element.WhichOneof("type") == "exception":
                errors.append(f"exception: {element.exception.type}: {element.exception.message[:200]}")
            elif element.WhichOneof("type") == "alert" and PAGE_FAILED in element.alert.body:
                errors.append("page failed: " + element.alert.body[:200])
            elif element.WhichOneof("type") == "heading" and element.heading.tag == "h1":
                titled = True
        elif kind == "page_not_found":
            errors.append("page not found")
        if kind == "script_finished" and forward.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            if not titled:
                errors.append("the page drew no title")
            return time.monotonic() - started, errors


def one_session(base: str, number: int, until: float, log: SessionLog) -> None:
    rng = random.Random(number)
    time.sleep(rng.uniform(0, 10))
    links = LINKS[:]
    rng.shuffle(links)
    try:
        with connect(base.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"], max_size=None,
                     open_timeout=60) as session:
            turn = 0
            while time.monotonic() < until:
                path, query = links[turn % len(links)]
                turn += 1
                seconds, errors = run_page(session, path, query)
                name = f"/{path}?{query}"
                log.times.setdefault(name, []).append(seconds)
                log.errors.extend(f"session {number}, {name}: {error}" for error in errors)
                time.sleep(rng.uniform(1, 4))
    except Exception as error:  # noqa: BLE001 -- a lost connection or a timeout is an error of the run
        log.errors.append(f"session {number}: {type(error).__name__}: {error}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=os.environ.get("UNGA_DB") or str(REPOSITORY / "data" / "unvotes.sqlite"))
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--minutes", type=float, default=3)
    args = parser.parse_args()
    if not Path(args.db).exists():
        print(f"no store at {args.db}: build it first (python -m scraper import ...)", file=sys.stderr)
        return 1
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPOSITORY / "dashboard.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=REPOSITORY, env={**os.environ, "UNGA_DB": args.db}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("streamlit did not start within 60 s")
                time.sleep(0.2)
        started = time.monotonic()
        until = started + args.minutes * 60
        logs = [SessionLog() for _ in range(args.sessions)]
        threads = [threading.Thread(target=one_session, args=(base, n, until, logs[n]), daemon=True)
                   for n in range(args.sessions)]
        for thread in threads:
            thread.start()
        peak_seen = 0.0
        while any(thread.is_alive() for thread in threads):
            peak_seen = max(peak_seen, memory_mb(server.pid)[0])
            time.sleep(1)
        elapsed = time.monotonic() - started
        resident, peak = memory_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=20)

    times: dict[str, list[float]] = {}
    for log in logs:
        for name, values in log.times.items():
            times.setdefault(name, []).extend(values)
    errors = [error for log in logs for error in log.errors]
    runs = sum(len(values) for values in times.values())
    print(f"load benchmark: {args.sessions} sessions for {elapsed / 60:.1f} min, {runs} page runs, store {args.db}")
    print(f"  {'page':<62} {'runs':>5} {'median':>7} {'p95':>7} {'max':>7}")
    for name, values in sorted(times.items(), key=lambda item: -max(item[1])):
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        print(f"  {name[:62]:<62} {len(values):>5} {statistics.median(values):>6.2f}s {p95:>6.2f}s {max(values):>6.2f}s")
    slowest = max(times.items(), key=lambda item: statistics.median(item[1]))
    print(f"slowest page (median): {slowest[0]} {statistics.median(slowest[1]):.2f} s")
    print(f"server memory: resident at the end {resident:.0f} MB, peak {max(peak, peak_seen):.0f} MB (target < 1024 MB)")
    print(f"errors: {len(errors)}")
    for error in errors[:20]:
        print("  " + error)
    return 1 if errors or max(peak, peak_seen) >= 1024 else 0


if __name__ == "__main__":
    raise SystemExit(main())
