"""`python -m analysis agreement`: how alike pairs of states vote, for the period or year by year."""
from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from analysis.agreement import METRICS, pairwise_agreement
from analysis.cli.arguments import UsageError, bootstrap_options, check_bootstrap
from analysis.cli.context import Context
from analysis.matrix import SelectionError


def register(commands, common: argparse.ArgumentParser, clustering: argparse.ArgumentParser) -> None:
    parser = commands.add_parser("agreement", parents=[common, bootstrap_options()], help="how alike pairs of states vote",
                                 description="One row per pair of states (all five measures); with --country, that state's partners ranked by --metric. "
                                             "With --bootstrap N: METRIC_low and METRIC_high, the interval of --metric over N resamples of the roll calls.")
    parser.add_argument("--partner", metavar="CODE", help="with --country: only this pair")
    parser.add_argument("--by", choices=("period", "year"), default="period", help="one figure for the period (default) or one per year")
    parser.add_argument("--top", type=int, metavar="N", help="with --country: only the N closest partners")
    parser.set_defaults(run=run)


def run(ctx: Context) -> pd.DataFrame:
    args = ctx.args
    country = ctx.country()
    partner = ctx.country(args.partner, "--partner") if args.partner else None
    if partner and not country:
        raise UsageError("--partner needs --country.")
    if args.top is not None and not country:
        raise UsageError("--top needs --country.")
    if args.top is not None and args.top < 1:
        raise UsageError(f"--top {args.top}: must be at least 1.")
    check_bootstrap(args)
    if args.by == "year":
        frames = []
        for year in ctx.years():
            try:
                matrix = ctx.matrix(f"{year}-01-01", f"{year}-12-31")
            except SelectionError:
                continue  # a year without votes in the selection has no row
            frame = agreement_rows(matrix, args, country, partner, ctx.names)
            frame.insert(0, "year", year)
            frames.append(frame)
        if not frames:
            raise SelectionError("No votes in any year of the selection; widen it.")
        return pd.concat(frames, ignore_index=True)
    return agreement_rows(ctx.matrix(), args, country, partner, ctx.names)


def agreement_rows(matrix: pd.DataFrame, args, country: str | None, partner: str | None, names: dict[str, str]) -> pd.DataFrame:
    """Every pair's five measures; with `country`, its partners ranked by `args.metric`."""
    pairs = pairwise_agreement(matrix, METRICS, args.min_shared)
    if args.bootstrap:
        pairs = _with_intervals(pairs, matrix, args)
    if not country:
        return pairs
    if country not in matrix.index:
        return pd.DataFrame(columns=["country_code", "partner_code", "partner_name", *pairs.columns[2:], "rank"])
    mine = pairs[(pairs["country_a"] == country) | (pairs["country_b"] == country)]
    other = np.where(mine["country_a"] == country, mine["country_b"], mine["country_a"])
    frame = pd.DataFrame({"country_code": country, "partner_code": other})
    frame["partner_name"] = frame["partner_code"].map(lambda code: names.get(code, code))
    frame["shared_votes"] = mine["shared_votes"].to_numpy()
    for column in mine.columns[3:]:
        frame[column] = mine[column].to_numpy()
    if partner:
        frame = frame[frame["partner_code"] == partner]
    frame = frame.sort_values([args.metric, "partner_code"], ascending=[False, True], na_position="last", kind="stable")
    frame["rank"] = np.where(frame[args.metric].notna(), np.arange(1, len(frame) + 1), 0)
    frame["rank"] = frame["rank"].where(frame["rank"] > 0).astype("Int64")
    if args.top is not None:
        frame = frame.head(args.top)
    return frame.reset_index(drop=True)


def _with_intervals(pairs: pd.DataFrame, matrix: pd.DataFrame, args) -> pd.DataFrame:
    """`pairs` with low, high (the bootstrap interval of --metric) and resamples (how many scored the pair)."""
    from analysis.uncertainty import agreement_intervals

    intervals = agreement_intervals(matrix, args.metric, n_resamples=args.bootstrap, seed=args.seed,
                                    min_shared=args.min_shared, level=args.level)
    intervals = intervals.rename(columns={"low": f"{args.metric}_low", "high": f"{args.metric}_high"})
    return pairs.merge(intervals[["country_a", "country_b", f"{args.metric}_low", f"{args.metric}_high", "resamples"]],
                       on=["country_a", "country_b"], how="left")
