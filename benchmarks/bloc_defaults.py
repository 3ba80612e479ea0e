"""Which measure and number of blocs show, in every decade, the blocs a specialist expects?

    python benchmarks/bloc_defaults.py [--db data/unvotes.sqlite]

For each decade since the 1950s and each agreement measure, clusters the states with the Blocs
page's method (Ward, number of blocs chosen by silhouette) and prints the blocs' names and sizes,
and whether the camps a historian expects are apart: during the Cold War (to 1991) the West (the
United States), the Soviet bloc (the USSR) and the non-aligned majority (India) in three different
blocs; after it, the West (the United States) apart from China and India, the non-aligned majority
(Russia sided with the West in the 1990s, so it is not a test). This is the evidence behind the dashboard's default measure (README, About page).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from analysis import agreement, blocs, matrix  # noqa: E402
from scraper import store  # noqa: E402
from scraper.cache import cached_votes  # noqa: E402

DECADES = [(1950, 1959), (1960, 1969), (1970, 1979), (1980, 1989), (1990, 1999), (2000, 2009), (2010, 2019),
           (2016, 2025)]
METRICS = ("agreement", "voeten", "s_score", "kappa", "pi")


COLD_WAR_ENDS = 1991  # the USSR's last year in the Assembly


def camps_apart(frame, last_year: int) -> bool:
    """Whether the expected camps are in different blocs (see the module docstring)."""
    bloc_of = dict(zip(frame["country_code"], frame["bloc"]))
    if last_year <= COLD_WAR_ENDS:
        leaders = ["USA", "SUN", "IND"]
        return all(code in bloc_of for code in leaders) and len({bloc_of[c] for c in leaders}) == 3
    return all(code in bloc_of for code in ("USA", "CHN", "IND")) and bloc_of["USA"] not in {bloc_of["CHN"], bloc_of["IND"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(REPOSITORY / "data" / "unvotes.sqlite"))
    args = parser.parse_args()
    votes = cached_votes(args.db)
    names = blocs.country_labels(store.load_countries(args.db))
    successions = store.load_successions(args.db)
    tally = {metric: 0 for metric in METRICS}
    per_period = 0
    for first, last in DECADES:
        grid = matrix.vote_matrix(votes, start=f"{first}-01-01", end=f"{last}-12-31", successions=successions)
        print(f"\n{first}–{last}: {grid.shape[1]} recorded votes, {grid.shape[0]} states")
        for metric in METRICS:
            started = time.perf_counter()
            frame = blocs.cluster_countries(agreement.agreement_matrix(grid, metric), None, names=names,
                                            date=f"{last}-12-31")
            seconds = time.perf_counter() - started
            apart = camps_apart(frame, last)
            tally[metric] += apart
            if metric == ("kappa" if last <= COLD_WAR_ENDS else "agreement"):
                per_period += apart
            sizes = frame.groupby("bloc").size()
            print(f"  {metric:9} k={frame.attrs['k']:<2} silhouette {frame.attrs['silhouette']:.2f} "
                  f"camps apart: {'yes' if apart else 'NO '} ({seconds:.2f} s)")
            for bloc, name in frame.drop_duplicates("bloc")[["bloc", "bloc_name"]].itertuples(index=False):
                print(f"      {sizes[bloc]:4}  {name}")
    print("\nDecades in which the expected camps are apart, by measure:")
    for metric, count in tally.items():
        print(f"  {metric:9} {count} of {len(DECADES)}")
    print(f"  Cohen's kappa for periods ending by {COLD_WAR_ENDS}, exact agreement after: {per_period} of {len(DECADES)}")


if __name__ == "__main__":
    main()
