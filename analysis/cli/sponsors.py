"""`python -m analysis sponsors [VIEW]`: co-sponsorship of draft resolutions, session 74 (2019) on."""
from __future__ import annotations

import argparse

import pandas as pd

from analysis.cli.arguments import UsageError
from analysis.cli.cluster import find_blocs
from analysis.cli.context import Context
from analysis.matrix import SelectionError

VIEWS = ("list", "network", "communities", "partners", "not-yes", "compare")


def register(commands, common: argparse.ArgumentParser, clustering: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "sponsors", parents=[common, clustering], help="co-sponsorship: who sponsors drafts together (sessions 74 on)",
        description="list: one row per (resolution, sponsor), names normalised to member codes, with its role "
                    "(main: named on the draft; additional: joined it later); "
                    "network: one row per pair of states with the drafts they sponsored together; "
                    "communities: the co-sponsorship blocs; partners: --country's top co-sponsors; "
                    "not-yes: sponsors that did not vote Yes on their own draft; "
                    "compare: each state's co-sponsorship bloc beside its vote bloc. "
                    "Every view counts main and additional sponsors alike unless --main-only.")
    parser.add_argument("view", nargs="?", choices=VIEWS, default="list")
    parser.add_argument("--top", type=int, default=10, metavar="N", help="partners: the N closest co-sponsors (default 10)")
    parser.add_argument("--min-drafts", type=int, default=3, metavar="N",
                        help="communities, compare: only states that sponsored at least N drafts (default 3)")
    parser.add_argument("--main-only", action="store_true",
                        help="count only the main sponsors, the states named on the draft, and leave out the "
                             "additional sponsors that joined it later (every view; e.g. partners, network)")
    parser.set_defaults(run=run)


def run(ctx: Context) -> pd.DataFrame:
    from analysis import sponsors

    args = ctx.args
    if args.top < 1:
        raise UsageError(f"--top {args.top}: must be at least 1.")
    if args.min_drafts < 1:
        raise UsageError(f"--min-drafts {args.min_drafts}: must be at least 1.")
    calls = ctx.roll_calls
    if ctx.start:
        calls = calls[calls["date"] >= pd.Timestamp(ctx.start)]
    if ctx.end:
        calls = calls[calls["date"] <= pd.Timestamp(ctx.end)]
    table = sponsors.sponsor_table(calls, ctx.sessions)
    if args.main_only:
        table = table[table["role"] == "main"].reset_index(drop=True)
    if table.empty:
        raise SelectionError("No resolution in the selection lists its sponsors (the UN's extracts give them from session 74, 2019).")
    country = ctx.country() if args.country else None
    if args.view == "list":
        frame = table
        if country:
            frame = frame[frame["country_code"] == country]
        return frame.reset_index(drop=True)
    if args.view == "network":
        frame = sponsors.co_sponsorship_network(table)
        if country:
            frame = frame[(frame["country_a"] == country) | (frame["country_b"] == country)]
        return frame.reset_index(drop=True)
    if args.view == "partners":
        if not country:
            raise UsageError("sponsors partners needs --country CODE.")
        frame = sponsors.top_co_sponsors(table, country, args.top)
        frame.insert(0, "country_code", country)
        frame.insert(2, "partner_name", frame["partner_code"].map(ctx.name_of))
        return frame
    if args.view == "not-yes":
        frame = sponsors.sponsored_not_yes(table, ctx.votes)
        frame.insert(4, "name", frame["country_code"].map(ctx.name_of))
        if country:
            frame = frame[frame["country_code"] == country]
        return frame.reset_index(drop=True)
    communities = sponsors.sponsorship_blocs(table, args.k, min_drafts=args.min_drafts, names=ctx.names)
    if args.view == "communities":
        frame = communities.copy()
        frame.insert(1, "name", frame["country_code"].map(ctx.name_of))
    else:  # compare: vote blocs of the same roll calls' period, with the same k
        ids = table["roll_call_id"].unique().tolist()
        from analysis.matrix import vote_matrix

        matrix = vote_matrix(ctx.votes, roll_call_ids=ids, non_voting=args.non_voting)
        # As many vote blocs as co-sponsorship communities (unless --k), so the two partitions compare.
        _, vote_blocs = find_blocs(ctx, matrix, k=args.k or communities.attrs["k"])
        frame = sponsors.compare_with_vote_blocs(communities, vote_blocs)
        frame.insert(1, "name", frame["country_code"].map(ctx.name_of))
        frame["adjusted_rand"] = frame.attrs["adjusted_rand"]
    if country:
        frame = frame[frame["country_code"] == country]
    return frame.reset_index(drop=True)

