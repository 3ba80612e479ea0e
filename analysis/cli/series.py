"""`python -m analysis series "Cuba embargo"`: a recurring resolution's tallies year by year, or the
states that changed their vote on it (`--changes`), or the series whose titles match (`--list`)."""
from __future__ import annotations

import argparse
import sys

import pandas as pd

from analysis.cli.context import Context
from analysis.matrix import SelectionError


def register(commands, common: argparse.ArgumentParser, clustering: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "series", parents=[common], help="a recurring resolution year by year, and who changed their vote",
        description="QUERY: words of the title (any order, e.g. \"Cuba embargo\") or a symbol of one of its votes "
                    "(A/RES/75/289). One row per vote of the series: year, symbol, the tallies and how many states changed "
                    "their vote since the previous one. With --changes: one row per change (state, from, to, both votes). "
                    "When several series match, the one with most votes is shown; --list shows them all.")
    parser.add_argument("query", help="words of the title, or a symbol")
    parser.add_argument("--changes", action="store_true", help="one row per state that changed its vote, with both votes")
    parser.add_argument("--include-non-voting", action="store_true", help="with --changes: 'did not vote' counts as a vote too")
    parser.add_argument("--list", action="store_true", help="list the series whose titles match")
    parser.set_defaults(run=run)


def run(ctx: Context) -> pd.DataFrame:
    from analysis.series import find_series, series_roll_calls, series_tallies, vote_changes

    args = ctx.args
    if len(args.query) > 300:
        raise SelectionError("The query is longer than 300 characters; give a few words of the title.")
    found = find_series(ctx.roll_calls, args.query)
    if found.empty:
        raise SelectionError(f"No recurring resolution (voted at least twice) has {args.query[:60]!r} in its title.")
    if args.list:
        return found
    if len(found) > 1:
        print(f"note: {len(found)} series match {args.query[:60]!r}; showing the one with most votes "
              f"({found['title'].iloc[0][:70]}); see --list.", file=sys.stderr)
    calls = series_roll_calls(ctx.roll_calls, found["series"].iloc[0])
    dates = calls["date"]
    keep = pd.Series(True, index=calls.index)
    if ctx.start:
        keep &= dates >= pd.Timestamp(ctx.start)
    if ctx.end:
        keep &= dates <= pd.Timestamp(ctx.end)
    if ctx.sessions:
        keep &= calls["session"].astype(str).isin(ctx.sessions)
    calls = calls[keep].reset_index(drop=True)
    if calls.empty:
        raise SelectionError("No vote of this series falls in the period or sessions selected.")
    if args.changes:
        frame = vote_changes(ctx.votes, calls, include_non_voting=args.include_non_voting)
        frame.insert(1, "name", frame["country_code"].map(ctx.name_of))
        if args.country:
            frame = frame[frame["country_code"] == ctx.country()]
        return frame.reset_index(drop=True)
    frame = series_tallies(ctx.votes, calls).drop(columns=["title"])
    if args.country:
        code = ctx.country()
        mine = ctx.votes[(ctx.votes["country_code"].astype(str) == code) & ctx.votes["roll_call_id"].isin(calls["roll_call_id"])]
        frame[f"vote_{code}"] = frame["roll_call_id"].map(dict(zip(mine["roll_call_id"], mine["vote"].astype(str)))).fillna("")
    return frame
