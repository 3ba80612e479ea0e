"""`python -m analysis map`: 2-D coordinates of every state (classical MDS of 1 − agreement), with its bloc."""
from __future__ import annotations

import argparse

import pandas as pd

from analysis.cli.cluster import find_blocs
from analysis.cli.context import Context


def register(commands, common: argparse.ArgumentParser, clustering: argparse.ArgumentParser) -> None:
    parser = commands.add_parser("map", parents=[common, clustering], help="2-D coordinates of every state, with its bloc",
                                 description="One row per state: x, y (classical MDS of 1 − agreement; the US on positive x) and its bloc.")
    parser.set_defaults(run=run)


def run(ctx: Context) -> pd.DataFrame:
    from analysis.embedding import alignment_map

    agreement, blocs = find_blocs(ctx, ctx.matrix())
    coordinates = alignment_map(agreement, random_state=ctx.args.random_state)
    frame = coordinates.merge(blocs[["country_code", "bloc", "bloc_name"]], on="country_code", how="left")
    frame.insert(1, "name", frame["country_code"].map(ctx.name_of))
    if ctx.args.country:
        frame = frame[frame["country_code"] == ctx.country()]
    return frame.sort_values("country_code").reset_index(drop=True)
