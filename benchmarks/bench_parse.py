"""How long the UN Digital Library parsers take on one 193-member voting record (target: ≤ 20 ms).

Run from the repository root:  python benchmarks/bench_parse.py [runs]
Reads the real captures in ../shared/fixtures/undl/ (falls back to the project's own small fixtures
when they are absent) and prints the median wall-clock and CPU time and the slowest wall-clock time per parse over `runs` runs (default 50).
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scraper.parse.marcxml import parse_marcxml  # noqa: E402
from scraper.parse.record_html import parse_record_html  # noqa: E402
from scraper.parse.search_html import parse_search_html  # noqa: E402

SHARED = ROOT.parent / "shared" / "fixtures" / "undl"
OWN = ROOT / "tests" / "fixtures" / "undl"
CASES = [
    ("MARCXML record (193 members)", parse_marcxml, "record_4040686.marcxml.xml", "old_record_968_969.marcxml.xml"),
    ("HTML record page (193 members)", parse_record_html, "record_4031242.html", "record_stated_intention.html"),
    ("HTML search page (50 hits, 1.4 MB)", parse_search_html, "search_voting_data.html", "search_small.html"),
]


def time_parse(parse, data: bytes, name: str, runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per call of `parse(data, name)`, one entry per run, after a
    warm-up call. CPU time is reported too because the machine is often shared: it is what the
    parser itself costs, wall time what a user waits."""
    parse(data, name)
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        parse(data, name)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    for label, parse, real, own in CASES:
        path = SHARED / real if (SHARED / real).exists() else OWN / own
        wall, cpu = time_parse(parse, path.read_bytes(), path.name, runs)
        print(f"{label:36s} {path.name:28s} median {statistics.median(wall):6.2f} ms wall, "
              f"{statistics.median(cpu):6.2f} ms CPU; slowest {max(wall):6.2f} ms wall ({runs} runs)")


if __name__ == "__main__":
    main()
