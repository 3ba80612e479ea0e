"""`python -m analysis sensitivity`: how the blocs (or, with --country, a state's closest partners) change
with the measure, the treatment of non-voting and dropping unanimous votes."""
from __future__ import annotations

import argparse

import pandas as pd

from analysis.cli.arguments import UsageError
from analysis.cli.context import Context


def register(commands, common: argparse.ArgumentParser, clustering: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "sensitivity", parents=[common, clustering], help="how blocs and partners change with the measure and vote choices",
        description="12 variants: measure (exact, Voeten, kappa) × non-voting (left out, as abstention) × unanimous votes "
                    "(kept, dropped); the baseline is exact / left out / kept, and --k (default: chosen for the baseline) holds "
                    "in every variant. One row per state: its baseline bloc and in how many variants it lands in another. "
                    "--variants: one row per variant (states moved, agreement with the baseline). --country: that state's "
                    "closest partners' ranks under every variant. --metric, --non-voting and --drop-unanimous are ignored "
                    "here: the command varies them.")
    parser.add_argument("--variants", action="store_true", help="one row per variant instead of per state")
    parser.add_argument("--top", type=int, default=10, metavar="N", help="with --country: partners among the N closest in any variant")
    parser.set_defaults(run=run)


def run(ctx: Context) -> pd.DataFrame:
    from analysis.sensitivity import bloc_sensitivity, partner_sensitivity

    args = ctx.args
    if args.top < 1:
        raise UsageError(f"--top {args.top}: must be at least 1.")
    if args.method != "hierarchical":
        raise UsageError("sensitivity uses hierarchical blocs (the baseline's); leave --method out.")
    selection = ctx.selection()
    if args.country:
        code = ctx.country()
        frame = partner_sensitivity(ctx.votes, code, n=args.top, min_shared=args.min_shared, **selection)
        frame.insert(0, "country_code", code)
        frame.insert(2, "partner_name", frame["partner_code"].map(ctx.name_of))
        return frame
    states, variants = bloc_sensitivity(ctx.votes, k=args.k, min_shared=args.min_shared, names=ctx.names, **selection)
    if args.variants:
        return variants
    states.insert(1, "name", states["country_code"].astype(str).map(ctx.name_of))
    return states
