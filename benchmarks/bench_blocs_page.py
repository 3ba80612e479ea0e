"""Benchmark the Blocs page on the server side, without a browser: the script's first run for the
shared human-rights link and its re-runs after a control change, through Streamlit's AppTest.

    python benchmarks/bench_blocs_page.py [--db data/unvotes.sqlite] [--runs 3] [--code DIR]

Prints the median (min–max) wall time and CPU time (all threads of this process) of each step.
CPU time is what to compare between two versions on a busy machine: wall time there mostly
measures the wait for a core. `--code DIR` times another checkout of the project (for instance
the commit before a change, unpacked with `git archive COMMIT | tar -x -C DIR`) against the same
store. The browser's share (drawing, fetching the page's frames) is in bench_dashboard.py.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
STEPS = [("first run", None, None), ("change measure (computed)", "w_measure", "pi"),
         ("change measure (cached)", "w_measure", "agreement"), ("change blocs k (computed)", "w_k", "4"),
         ("change blocs k (cached)", "w_k", "auto")]


def one_run(code: Path, db: str) -> dict[str, tuple[float, float]]:
    """(wall, CPU) seconds of each step, in a fresh process (the caches start empty, as a new server's)."""
    script = f"""
import json, os, sys, time
sys.path.insert(0, {str(code)!r}); os.chdir({str(code)!r}); os.environ["UNGA_DB"] = {db!r}
from streamlit.testing.v1 import AppTest
app = AppTest.from_file("dashboard.py", default_timeout=600)
for key, value in {{"from": "2015", "to": "2025", "topic": "human-rights"}}.items():
    app.query_params[key] = value
out = {{}}
for label, key, value in {STEPS!r}:
    if key:
        next(w for w in app.selectbox if w.key == key).select(value)
    wall, cpu = time.perf_counter(), time.process_time()
    app.run()
    out[label] = (time.perf_counter() - wall, time.process_time() - cpu)
    assert not app.exception, [e.value for e in app.exception]
print(json.dumps(out))
"""
    import json

    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(code)})
    return {label: tuple(value) for label, value in json.loads(done.stdout.strip().splitlines()[-1]).items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(REPOSITORY / "data" / "unvotes.sqlite"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--code", type=Path, default=REPOSITORY, help="the checkout to time (default: this one)")
    args = parser.parse_args()
    started = time.perf_counter()
    runs = [one_run(args.code.resolve(), str(Path(args.db).resolve())) for _ in range(args.runs)]
    print(f"Blocs page, {args.code}: {args.runs} runs (median, min–max), load average {os.getloadavg()[0]:.1f}")
    for label, *_ in STEPS:
        walls = [run[label][0] for run in runs]
        cpus = [run[label][1] for run in runs]
        print(f"  {label:28} wall {statistics.median(walls):6.2f} s ({min(walls):.2f}–{max(walls):.2f})"
              f"   CPU {statistics.median(cpus):6.2f} s ({min(cpus):.2f}–{max(cpus):.2f})")
    print(f"  ({time.perf_counter() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
