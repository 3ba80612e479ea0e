"""How fast the analysis core is on the whole record, and how much faster than the naive way.

    python benchmarks/bench_analysis.py [--db data/unvotes.sqlite] [--pairs 400] [--repeat 7]

Prints: loading; the vote matrix; all five measures for every pair over 1946–today (best of
`--repeat`); the naive pairwise-merge baseline (`naive_pairwise.py`) timed on a random sample of
pairs and extrapolated to all pairs, after checking that both give the same numbers; blocs + map
for every decade, 5-year window and the whole record (worst case); peak memory. BLAS runs on 2
threads (the machine's two cores).
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from analysis.agreement import METRICS, agreement_matrix, pairwise_agreement  # noqa: E402
from analysis.blocs import cluster_countries  # noqa: E402
from analysis.embedding import alignment_map  # noqa: E402
from analysis.matrix import vote_matrix  # noqa: E402
from naive_pairwise import naive_pairwise_agreement  # noqa: E402
from scraper import store  # noqa: E402


def best_of(repeat: int, function, *args, **kwargs):
    """(best wall time in seconds, result) over `repeat` calls: the best run is the least disturbed by other load."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return min(times), float(np.median(times)), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=str(store.default_db_path()))
    parser.add_argument("--pairs", type=int, default=400, help="pairs the naive baseline is timed on (default 400)")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    with threadpool_limits(2):
        start = time.perf_counter()
        votes = store.load_votes(args.db)
        load = time.perf_counter() - start
        print(f"store {args.db} (data version {store.data_version(args.db)}): {len(votes):,} votes, load_votes {load:.2f} s")
        print(f"load average at start: {', '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores; other work on the machine slows the medians)")

        best, median, matrix = best_of(args.repeat, vote_matrix, votes)
        print(f"vote_matrix, whole record: {matrix.shape[0]} states x {matrix.shape[1]:,} roll calls: best {best:.3f} s, median {median:.3f} s")

        best, median, fast = best_of(args.repeat, pairwise_agreement, matrix, METRICS, 20)
        fast_time = best
        print(f"all five measures, every pair ({len(fast):,} pairs): best {best:.3f} s, median {median:.3f} s"
              f"  [target <= 0.2 s] {'OK' if best <= 0.2 else 'SLOW'}")

        with threadpool_limits(1):
            best1, median1, _ = best_of(args.repeat, pairwise_agreement, matrix, METRICS, 20)
        print(f"  the same on 1 BLAS thread: best {best1:.3f} s, median {median1:.3f} s "
              "(OpenBLAS's two threads spin against other processes on a busy 2-core machine)")

        rng = random.Random(0)
        codes = sorted(matrix.index)
        all_pairs = [(a, b) for i, a in enumerate(codes) for b in codes[i + 1:]]
        sample = sorted(rng.sample(all_pairs, min(args.pairs, len(all_pairs))))
        start = time.perf_counter()
        naive = naive_pairwise_agreement(votes, 20, sample)
        naive_sample = time.perf_counter() - start
        naive_total = naive_sample / len(sample) * len(all_pairs)
        merged = naive.merge(fast, on=["country_a", "country_b"], suffixes=("_naive", ""))
        assert len(merged) == len(naive), "the naive and vectorised results list different pairs"
        assert (merged["shared_votes_naive"] == merged["shared_votes"]).all()
        worst = max(np.nanmax(np.abs(merged[f"{m}_naive"] - merged[m])) for m in METRICS)
        assert worst < 1e-9, worst
        print(f"naive pairwise merge: {len(sample)} pairs in {naive_sample:.2f} s -> {naive_total:.1f} s for all "
              f"{len(all_pairs):,} pairs (extrapolated); same numbers (max difference {worst:.1e})")
        speedup = naive_total / fast_time
        print(f"speed-up: {speedup:,.0f}x  [target >= 300x] {'OK' if speedup >= 300 else 'SLOW'}")

        cluster_countries(agreement_matrix(vote_matrix(votes, start="2000-01-01", end="2009-12-31")))  # warm-up: imports
        first, last = votes["date"].min().year, votes["date"].max().year
        periods = [(f"{y}-01-01", f"{y + 9}-12-31") for y in range(first - first % 10, last + 1, 10)]
        periods += [(f"{y}-01-01", f"{y + 4}-12-31") for y in range(first - first % 5, last + 1, 5)]
        periods += [(f"{first}-01-01", f"{last}-12-31")]
        for threads in (2, 1):
            timings = []
            with threadpool_limits(threads):
                for start_date, end_date in periods:
                    def blocs_and_map():
                        period_matrix = vote_matrix(votes, start=start_date, end=end_date)
                        agreement = agreement_matrix(period_matrix)
                        return cluster_countries(agreement), alignment_map(agreement), period_matrix.shape

                    best, median, (blocs, _, shape) = best_of(5, blocs_and_map)
                    timings.append((best, median, start_date[:4], end_date[:4], shape, blocs.attrs["k"]))
            worst_case = max(timings)
            print(f"vote matrix + agreement + blocs (auto k over 2..10) + map, {len(periods)} periods, {threads} BLAS thread(s): "
                  f"worst best-of-5 {worst_case[0]:.3f} s ({worst_case[2]}–{worst_case[3]}, {worst_case[4][0]} x {worst_case[4][1]}, "
                  f"k={worst_case[5]}), median period {np.median([t[0] for t in timings]):.3f} s  "
                  f"[target <= 0.5 s] {'OK' if worst_case[0] <= 0.5 else 'SLOW'}")

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS, whole run incl. loading): {peak:,.0f} MB  [target <= 1,536 MB] {'OK' if peak <= 1536 else 'HIGH'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
