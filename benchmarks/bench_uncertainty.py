"""Speed of issue 12's analyses on the real store (build it first: see README, "Analysis from the command line").

    python benchmarks/bench_uncertainty.py [--db data/unvotes.sqlite]

Targets on a 2-core machine: 200 bootstrap resamples of the blocs of one decade ≤ 10 s; agreement
intervals for every pair of one decade (200 resamples) ≤ 5 s; the co-sponsorship network of
sessions 74–80 ≤ 2 s.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def timed(label: str, target: float, function):
    start = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - start
    print(f"{label:<62} {seconds:6.2f} s   (target ≤ {target:g} s{', MISSED' if seconds > target else ''})")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="data/unvotes.sqlite")
    db = parser.parse_args().db
    from analysis.agreement import agreement_matrix
    from analysis.blocs import cluster_countries
    from analysis.matrix import vote_matrix
    from analysis.uncertainty import agreement_intervals, bloc_uncertainty
    from scraper.cache import cached_votes
    from scraper.store import load_roll_calls

    votes = cached_votes(db)
    matrix = vote_matrix(votes, start="2010-01-01", end="2019-12-31")
    print(f"one decade, 2010–2019: {matrix.shape[0]} states × {matrix.shape[1]} roll calls")
    blocs = cluster_countries(agreement_matrix(matrix))
    timed("bloc confidence, 200 resamples (k chosen on the real votes)", 10,
          lambda: bloc_uncertainty(matrix, blocs, n_resamples=200, seed=0))
    timed("agreement intervals, every pair, 200 resamples (exact)", 5,
          lambda: agreement_intervals(matrix, "agreement", n_resamples=200, seed=0))
    timed("agreement intervals, every pair, 200 resamples (kappa)", 5,
          lambda: agreement_intervals(matrix, "kappa", n_resamples=200, seed=0))
    try:
        from analysis import sponsors
    except ImportError:
        return
    roll_calls = load_roll_calls(db)
    timed("co-sponsorship network + communities, sessions 74–80", 2,
          lambda: sponsors.sponsorship_network_with_communities(roll_calls, sessions=[str(s) for s in range(74, 81)]))


if __name__ == "__main__":
    main()
