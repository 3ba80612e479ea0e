"""`python -m analysis outliers KIND`: lone dissenters, bloc defectors, breaks from a bloc or group, movers."""
from __future__ import annotations

import argparse

import pandas as pd

from analysis.cli.arguments import UsageError, parse_span
from analysis.cli.cluster import find_blocs
from analysis.cli.context import Context
from analysis.matrix import SelectionError
from analysis.outliers import MAX_DISSENTERS, MIN_MAJORITY, lone_dissent_rule

OUTLIER_KINDS = ("dissenters", "defectors", "breaks", "movers")


def register(commands, common: argparse.ArgumentParser, clustering: argparse.ArgumentParser) -> None:
    parser = commands.add_parser("outliers", parents=[common, clustering], help="lone dissenters, bloc defectors, breaks, movers",
                                 description="dissenters: states against a near-unanimous majority; defectors: states far from their bloc; "
                                             "breaks: votes where --country broke from its bloc (or --group members from their group); "
                                             "movers: states whose alignment changed most between --periods A B.")
    parser.add_argument("kind", choices=OUTLIER_KINDS)
    parser.add_argument("--max-dissenters", type=int, default=MAX_DISSENTERS, metavar="N",
                        help=f"dissenters: at most N on the other side (default {MAX_DISSENTERS})")
    parser.add_argument("--min-majority", type=float, default=MIN_MAJORITY, metavar="SHARE",
                        help=f"dissenters: the majority's share of all votes cast, Yes+No+Abstain "
                             f"(default {MIN_MAJORITY:g}: {lone_dissent_rule().replace('%', '%%')})")
    parser.add_argument("--include-abstentions", action="store_true", help="dissenters: abstainers count as dissenters too (and towards --max-dissenters)")
    parser.add_argument("--symbol", help="dissenters: only this resolution (e.g. A/RES/75/287)")
    parser.add_argument("--title", help="dissenters: only roll calls whose title contains this text")
    parser.add_argument("--group", help="breaks: members of this named group voting against its majority (e.g. asean)")
    parser.add_argument("--periods", nargs=2, metavar="FROM:TO", help="movers: the two periods, e.g. 1985:1990 1993:1998")
    parser.add_argument("--by", choices=("agreement", "idealpoint"), default="agreement", help="movers: by agreement profile (default) or ideal point")
    parser.set_defaults(run=run)


def run(ctx: Context) -> pd.DataFrame:
    return {"dissenters": _dissenters, "defectors": _defectors, "breaks": _breaks, "movers": _movers}[ctx.args.kind](ctx)


def _dissenters(ctx: Context) -> pd.DataFrame:
    from analysis.outliers import find_lone_dissenters

    args = ctx.args
    if args.max_dissenters < 1:
        raise UsageError(f"--max-dissenters {args.max_dissenters}: must be at least 1.")
    if not 0.5 < args.min_majority <= 1:
        raise UsageError(f"--min-majority {args.min_majority}: must be a share between 0.5 and 1.")
    votes = ctx.selected_votes()
    if args.symbol or args.title:
        calls = ctx.roll_calls
        keep = pd.Series(True, index=calls.index)
        if args.symbol:
            from scraper.symbols import normalise_symbol

            keep &= calls["symbol"].astype(str).map(normalise_symbol) == normalise_symbol(args.symbol)
        if args.title:
            keep &= calls["title"].fillna("").str.contains(args.title, case=False, regex=False)
        ids = calls.loc[keep, "roll_call_id"]
        if ids.empty:
            raise SelectionError(f"No roll call matches {'--symbol ' + args.symbol if args.symbol else '--title ' + repr(args.title)}.")
        votes = votes[votes["roll_call_id"].isin(ids)]
        if votes.empty:
            raise SelectionError("The roll calls matching --symbol/--title fall outside the period or sessions selected.")
    frame = find_lone_dissenters(votes, max_dissenters=args.max_dissenters, min_majority=args.min_majority,
                                 include_abstentions=args.include_abstentions)
    if args.country:
        frame = frame[frame["country_code"] == ctx.country()]
    return frame.reset_index(drop=True)


def _defectors(ctx: Context) -> pd.DataFrame:
    from analysis.outliers import find_bloc_defectors

    matrix = ctx.matrix()
    agreement, blocs = find_blocs(ctx, matrix)
    frame = find_bloc_defectors(blocs, agreement, matrix)
    frame.insert(1, "name", frame["country_code"].map(ctx.name_of))
    if ctx.args.country:
        frame = frame[frame["country_code"] == ctx.country()]
    return frame.reset_index(drop=True)


def _breaks(ctx: Context) -> pd.DataFrame:
    args = ctx.args
    if args.group:
        from analysis import groups

        frame = groups.group_breakers(ctx.selected_votes(), args.group, ctx.start, ctx.end)
        if args.country:
            frame = frame[frame["country_code"].astype(str) == ctx.country()]
        return frame.reset_index(drop=True)
    if not args.country:
        raise UsageError("outliers breaks needs --country CODE (breaks from its bloc) or --group ID (breaks from a named group).")
    from analysis.outliers import find_bloc_breaks

    matrix = ctx.matrix()
    _, blocs = find_blocs(ctx, matrix)
    code = ctx.country()
    if code not in set(blocs["country_code"]):
        raise SelectionError(f"{code} has too few votes in the selection to be placed in a bloc.")
    return find_bloc_breaks(matrix, blocs, code, roll_calls=ctx.roll_calls)


def _movers(ctx: Context) -> pd.DataFrame:
    from analysis.outliers import find_ideal_point_movers, find_movers

    args = ctx.args
    if not args.periods:
        raise UsageError("outliers movers needs --periods FROM:TO FROM:TO, e.g. --periods 1985:1990 1993:1998.")
    period_a, period_b = (parse_span(text) for text in args.periods)
    if args.by == "idealpoint":
        from analysis import idealpoints  # lazy

        frame = find_ideal_point_movers(idealpoints.cached_ideal_points(ctx.db), period_a, period_b)
    else:
        selection = ctx.selection()
        frame = find_movers(ctx.votes, period_a, period_b, metric=args.metric, min_shared=args.min_shared,
                            successions=selection["successions"], merge_successors=args.merge_successors,
                            non_voting=args.non_voting, drop_unanimous=args.drop_unanimous,
                            roll_call_ids=selection["roll_call_ids"])
    frame.insert(1, "name", frame["country_code"].map(ctx.name_of))
    if args.country:
        frame = frame[frame["country_code"] == ctx.country()]
    return frame.reset_index(drop=True)
