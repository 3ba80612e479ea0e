"""`python -m analysis topics`: the topic tags of every roll call in the selection."""
from __future__ import annotations

import argparse

import pandas as pd

from analysis.cli.context import Context
from analysis.matrix import SelectionError


def register(commands, common: argparse.ArgumentParser, clustering: argparse.ArgumentParser) -> None:
    parser = commands.add_parser("topics", parents=[common], help="topic tags of every roll call",
                                 description="One row per (roll call, topic): the UN's subjects and the six issue areas.")
    parser.add_argument("--no-classifier", action="store_true", help="only Voeten's labels (1946–2019) and the UN's subjects, not the classifier's tags")
    parser.set_defaults(run=run)


def run(ctx: Context) -> pd.DataFrame:
    from analysis import topics  # lazy: loads a trained model

    args = ctx.args
    calls = ctx.roll_calls
    if ctx.start:
        calls = calls[calls["date"] >= pd.Timestamp(ctx.start)]
    if ctx.end:
        calls = calls[calls["date"] <= pd.Timestamp(ctx.end)]
    if ctx.sessions:
        calls = calls[calls["session"].astype(str).isin(ctx.sessions)]
    if calls.empty:
        raise SelectionError("No roll calls in the selection; widen the period or sessions.")
    tags = ctx.topic_tags(calls, use_classifier=not args.no_classifier)
    if args.topic:
        tags = tags[tags["topic"] == topics.topic_id(args.topic)]
    frame = tags.merge(calls[["roll_call_id", "symbol", "date", "title"]], on="roll_call_id", how="left")
    first = ["roll_call_id", "symbol", "date"]
    frame = frame[first + [c for c in frame.columns if c not in first]]
    return frame.sort_values(["date", "roll_call_id", "topic"], kind="stable").reset_index(drop=True)
