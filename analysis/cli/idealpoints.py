"""`python -m analysis idealpoints`: ideal point and standard error per country and year."""
from __future__ import annotations

import argparse

import pandas as pd

from analysis.cli.context import Context
from analysis.matrix import SelectionError


def register(commands, common: argparse.ArgumentParser, clustering: argparse.ArgumentParser) -> None:
    parser = commands.add_parser("idealpoints", parents=[common], help="ideal points per country and year",
                                 description="One row per (country, year): ideal point and standard error (the US positive).")
    parser.add_argument("--no-cache", action="store_true", help="estimate afresh instead of reading the cache")
    parser.set_defaults(run=run)


def run(ctx: Context) -> pd.DataFrame:
    from analysis import idealpoints  # lazy: heavy

    args = ctx.args
    filtered = bool(ctx.sessions or args.topic or args.merge_successors or args.non_voting != "exclude")
    if filtered or args.no_cache:
        result = idealpoints.estimate_ideal_points(ctx.selected_votes(), roll_calls=ctx.roll_calls)
    else:
        result = idealpoints.cached_ideal_points(ctx.db)
    if ctx.start:
        result = result[result["year"] >= pd.Timestamp(ctx.start).year]
    if ctx.end:
        result = result[result["year"] <= pd.Timestamp(ctx.end).year]
    if args.country:
        result = result[result["country_code"].astype(str) == ctx.country()]
    if result.empty:
        raise SelectionError("No ideal points in the selection; widen the period or check --country.")
    return result.reset_index(drop=True)
