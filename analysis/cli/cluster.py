"""`python -m analysis cluster`: voting blocs for the period, or window by window with bloc numbers matched."""
from __future__ import annotations

import argparse

import pandas as pd

from analysis.agreement import agreement_matrix
from analysis.cli.arguments import UsageError, bootstrap_options, check_bootstrap
from analysis.cli.context import Context


def register(commands, common: argparse.ArgumentParser, clustering: argparse.ArgumentParser) -> None:
    parser = commands.add_parser("cluster", parents=[common, clustering, bootstrap_options()], help="voting blocs",
                                 description="One row per state: its bloc, the bloc's name and the state's centrality. "
                                             "With --bootstrap N: each state's confidence (share of N resamples of the roll calls "
                                             "in which it lands in its bloc) and whether it is on the edge; with --cohesion, each bloc's stability.")
    parser.add_argument("--every", type=int, metavar="YEARS", help="cluster consecutive windows of this many years, bloc numbers matched across them")
    parser.add_argument("--cohesion", action="store_true", help="one row per bloc with its cohesion instead")
    parser.add_argument("--explain", action="store_true",
                        help="the votes that split each pair of blocs (and each bloc from the rest) most instead")
    parser.set_defaults(run=run)


def find_blocs(ctx: Context, matrix: pd.DataFrame, k: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(agreement matrix, blocs) of a vote matrix with the command's measure and clustering options
    (`k` in place of `--k` where given)."""
    from analysis.blocs import cluster_countries

    args = ctx.args
    agreement = agreement_matrix(matrix, args.metric, args.min_shared)
    blocs = cluster_countries(agreement, k or args.k, method=args.method, linkage=args.linkage,
                              random_state=args.random_state, names=ctx.names,
                              date=f"{pd.Timestamp(matrix.attrs['dates'].max()):%Y-%m-%d}")
    return agreement, blocs


def run(ctx: Context) -> pd.DataFrame:
    from analysis.blocs import bloc_cohesion, match_blocs

    args = ctx.args
    check_bootstrap(args)
    if args.explain:
        return explain_blocs(ctx)
    windows = _windows(ctx) if args.every is not None else [(ctx.start, ctx.end)]
    frames, previous = [], None
    for start, end in windows:
        matrix = ctx.matrix(start, end) if args.every is not None else ctx.matrix()
        _, blocs = find_blocs(ctx, matrix)
        if previous is not None:
            blocs = match_blocs(previous, blocs)
        previous = blocs
        certainty = _uncertainty(ctx, matrix, blocs) if args.bootstrap else None
        if args.cohesion:
            frame = bloc_cohesion(matrix, blocs)
            if certainty is not None:
                frame = frame.merge(certainty.blocs[["bloc", "stability", "dissolved", "mean_confidence", "on_edge"]], on="bloc", how="left")
        else:
            frame = blocs.copy()
            if certainty is not None:
                columns = ["country_code", "confidence", "placed", "other_bloc", "other_bloc_name", "other_share", "on_edge"]
                frame = frame.merge(certainty.states[columns], on="country_code", how="left")
            frame.insert(1, "name", frame["country_code"].map(ctx.name_of))
            if args.country:
                frame = frame[frame["country_code"] == ctx.country()]
        if args.every is not None:
            frame.insert(0, "period_start", start)
            frame.insert(1, "period_end", end)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _windows(ctx: Context) -> list[tuple[str, str]]:
    if not 1 <= ctx.args.every <= 200:
        raise UsageError(f"--every {ctx.args.every}: a window is between 1 and 200 years.")
    years = ctx.years()
    windows = []
    for first in range(years[0], years[-1] + 1, ctx.args.every):
        last = min(first + ctx.args.every - 1, years[-1])
        start = max(f"{first}-01-01", ctx.start or "")
        end = min(f"{last}-12-31", ctx.end or "9999")
        windows.append((start, end))
    return windows


def _uncertainty(ctx: Context, matrix: pd.DataFrame, blocs: pd.DataFrame):
    """`bloc_uncertainty` of these blocs with the command's options and --bootstrap / --seed."""
    from analysis.uncertainty import bloc_uncertainty

    args = ctx.args
    return bloc_uncertainty(matrix, blocs, args.metric, method=args.method, linkage=args.linkage,
                            random_state=args.random_state, min_shared=args.min_shared,
                            n_resamples=args.bootstrap, seed=args.seed)


def explain_blocs(ctx: Context) -> pd.DataFrame:
    """`cluster --explain`: one row per (pair of blocs, dividing vote), as `analysis.explain.all_dividing_votes`,
    with the blocs' names; `second` = -1 is every state outside bloc `first`."""
    from analysis import explain, topics

    matrix = ctx.matrix()
    _, blocs = find_blocs(ctx, matrix)
    labels = explain.topic_labels_by_roll_call(topics.cached_topic_tags(ctx.db), topics.TOPICS)
    frame = explain.all_dividing_votes(matrix, blocs, ctx.roll_calls, topics=labels)
    names = dict(zip(blocs["bloc"], blocs["bloc_name"]))
    frame.insert(1, "first_name", frame["first"].map(names))
    frame.insert(3, "second_name", frame["second"].map(lambda b: names.get(b, "all other blocs")))
    return frame
