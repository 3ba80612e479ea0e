"""`python -m analysis groups`: cohesion of named groups (EU, NATO, ASEAN, ...)."""
from __future__ import annotations

import argparse

import pandas as pd

from analysis.cli.context import Context


def register(commands, common: argparse.ArgumentParser, clustering: argparse.ArgumentParser) -> None:
    parser = commands.add_parser("groups", parents=[common], help="cohesion of named groups (EU, NATO, ASEAN, ...)",
                                 description="One row per named group: its cohesion (Agreement Index) in the period.")
    parser.add_argument("--group", nargs="+", help="group ids (default: all); see --list")
    parser.add_argument("--by", choices=("period", "year"), default="period")
    parser.add_argument("--list", action="store_true", help="list the group ids and names")
    parser.set_defaults(run=run)


def run(ctx: Context) -> pd.DataFrame:
    from analysis import groups

    args = ctx.args
    if args.list:
        return pd.DataFrame({"group": list(groups.GROUPS), "group_name": list(groups.GROUPS.values())})
    votes = ctx.selected_votes()
    return groups.group_cohesion(votes, args.group or list(groups.GROUPS), ctx.start, ctx.end, by=args.by)
