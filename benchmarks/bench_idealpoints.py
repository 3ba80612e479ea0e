"""Time the ideal-point model on the whole record: fit (wall and CPU), sweeps, cache read, peak memory.

    python benchmarks/bench_idealpoints.py [--db data/unvotes.sqlite]

Budget (issue 4): all years <= 60 s on the project's 2-core machine, cached; peak memory <= 1.5 GB.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.idealpoints import cached_ideal_points, estimate_ideal_points  # noqa: E402
from scraper.store import default_db_path, load_roll_calls, load_votes  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(default_db_path()))
    args = parser.parse_args()

    start = time.perf_counter()
    votes, roll_calls = load_votes(args.db), load_roll_calls(args.db)
    print(f"load votes + roll calls: {time.perf_counter() - start:.2f} s ({len(votes):,} votes)")

    wall, cpu = time.perf_counter(), time.process_time()
    points = estimate_ideal_points(votes, roll_calls=roll_calls)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    attrs = points.attrs
    print(f"estimate_ideal_points, all years: {wall:.1f} s wall, {cpu:.1f} s CPU; "
          f"{attrs['iterations']} sweeps, converged={attrs['converged']}; "
          f"{len(points):,} country-years, {attrs['n_roll_calls']:,} roll calls "
          f"({attrs['n_bridged_roll_calls']:,} in {attrs['n_chains']:,} chains of repeated titles)")

    with tempfile.TemporaryDirectory() as scratch:
        db = Path(scratch) / "unvotes.sqlite"
        shutil.copy(args.db, db)
        begin = time.perf_counter()
        cached_ideal_points(db)
        cold = time.perf_counter() - begin
        begin = time.perf_counter()
        cached_ideal_points(db)
        warm = time.perf_counter() - begin
    print(f"cached_ideal_points: first call {cold:.1f} s (load + fit + write), cached call {warm:.3f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak:.0f} MB")


if __name__ == "__main__":
    main()
