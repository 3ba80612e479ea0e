"""Measure the fidelity targets: a full import (bulk file and every UN extract) with the merge rule
(≤ 30 s), the time the merge rule itself takes within it, and `python -m scraper audit`'s report
(≤ 10 s). Each run is a fresh process; the numbers are wall-clock seconds and CPU seconds (the
second is what the code costs when the machine is shared).

    python benchmarks/bench_fidelity.py [--shared ../shared] [--runs 2]
"""
from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path

from bench_store import run  # each measurement in a fresh process; its last line is JSON

REPOSITORY = Path(__file__).resolve().parent.parent

_IMPORT = """
import json, sys, time
from scraper import store
from scraper.importing import import_files
spent = {"merge": 0.0}
def timed(step):
    def run(conn, dates):
        started = time.perf_counter(); step(conn, dates); spent["merge"] += time.perf_counter() - started
    return run
# The merge step: undoing the merges of the days touched, then the rule applied to them again.
store._undo_merges, store._apply_merge_rule = timed(store._undo_merges), timed(store._apply_merge_rule)
started, cpu = time.perf_counter(), time.process_time()
import_files(sys.argv[2:], db=sys.argv[1], show_progress=False)
print(json.dumps({"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu,
                  "merge_seconds": spent["merge"]}))
"""
_AUDIT = """
import json, sys, time
started, cpu = time.perf_counter(), time.process_time()
from scraper.audit import fidelity_report
report = fidelity_report(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu,
                  "checks_ok": all(c["ok"] for c in report["checks"] if c["hard"]),
                  "merged_records": report["records_merged"], "merged_votes": len(report["merges"])}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=REPOSITORY.parent / "shared")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    files = [str(args.shared / "data" / "undl_ga_voting_1946-2025.csv.gz"),
             *sorted(str(p) for p in (args.shared / "data" / "unxml").glob("*.json"))]
    with tempfile.TemporaryDirectory() as folder:
        imports = [run(_IMPORT, f"{folder}/run{i}.sqlite", *files) for i in range(args.runs)]
        audits = [run(_AUDIT, f"{folder}/run0.sqlite") for _ in range(args.runs + 1)]
    median = lambda rows, key: round(statistics.median(r[key] for r in rows), 2)  # noqa: E731
    print(json.dumps({
        "import_seconds": median(imports, "seconds"), "import_cpu_seconds": median(imports, "cpu"),
        "merge_rule_seconds": median(imports, "merge_seconds"), "import_target_seconds": 30,
        "audit_seconds": median(audits, "seconds"), "audit_cpu_seconds": median(audits, "cpu"),
        "audit_target_seconds": 10, "audit_checks_ok": audits[0]["checks_ok"],
        "merged": f"{audits[0]['merged_records']} records into {audits[0]['merged_votes']} votes",
    }, indent=2))


if __name__ == "__main__":
    main()
