"""Measure the vote store's targets: import the full bulk file (≤ 30 s), load every vote into pandas
(≤ 1.5 s), peak memory of either (≤ 1.5 GB); and the same votes read back from the disk cache
(`scraper.cache.cached_votes`, once it is written). Each measurement runs in a fresh process so
peak RSS is its own.

    python benchmarks/bench_store.py [--shared ../shared]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent

_IMPORT = """
import json, resource, sys, time
from scraper.importing import import_files
started = time.perf_counter()
import_files([sys.argv[1]], db=sys.argv[2], show_progress=False)
print(json.dumps({"seconds": time.perf_counter() - started,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
_LOAD = """
import json, resource, sys, time
from scraper.store import load_votes
started = time.perf_counter()
votes = load_votes(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - started, "rows": len(votes),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_CACHED = """
import json, resource, sys, time
from scraper.cache import cached_votes
started = time.perf_counter()
votes = cached_votes(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - started, "rows": len(votes),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(code: str, *args: str) -> dict:
    result = subprocess.run([sys.executable, "-c", code, *args], cwd=REPOSITORY, capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=REPOSITORY.parent / "shared")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    bulk = args.shared / "data" / "undl_ga_voting_1946-2025.csv.gz"
    with tempfile.TemporaryDirectory() as folder:
        imports = [run(_IMPORT, str(bulk), f"{folder}/run{i}.sqlite") for i in range(args.runs)]
        loads = [run(_LOAD, f"{folder}/run0.sqlite") for _ in range(args.runs * 2)]
        run(_CACHED, f"{folder}/run0.sqlite")  # writes the cache
        cached = [run(_CACHED, f"{folder}/run0.sqlite") for _ in range(args.runs * 2)]
    report = {
        "import_full_bulk_s": {"median": statistics.median(r["seconds"] for r in imports), "all": [round(r["seconds"], 2) for r in imports]},
        "import_peak_mb": max(r["peak_mb"] for r in imports),
        "load_votes_s": {"median": statistics.median(r["seconds"] for r in loads), "all": [round(r["seconds"], 3) for r in loads]},
        "load_votes_rows": loads[0]["rows"],
        "load_peak_mb": max(r["peak_mb"] for r in loads),
        "cached_votes_s": {"median": statistics.median(r["seconds"] for r in cached), "all": [round(r["seconds"], 3) for r in cached]},
        "cached_votes_rows": cached[0]["rows"],
        "cached_peak_mb": max(r["peak_mb"] for r in cached),
        "targets": {"import_full_bulk_s": 30, "load_votes_s": 1.5, "peak_mb": 1536},
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
