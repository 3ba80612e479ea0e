"""`python -m analysis`: agreement, blocs, the map, ideal points, outliers, topics and named groups
from the command line, as table, CSV, JSON or Parquet, stamped with the store's data version.

One module per subcommand (`agreement.py`, `cluster.py`, ...), each with `register` (its options)
and `run` (Context → the frame to write); the options they share are in `arguments.py`, the store
and selection in `context.py`, the writing in `output.py`. The CLI composes the analysis functions
and formats their frames; it holds no analysis of its own. Same store, same command and options →
byte-identical output.
"""
from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from analysis.cli import agreement, cluster, groups, idealpoints, map, outliers, sensitivity, series, sponsors, topics
from analysis.cli.arguments import FORMATS, UsageError, check_out_path, parse_period_bound, parse_sessions, parse_span
from analysis.cli.context import Context
from analysis.cli.output import describe_query, render

SUBCOMMANDS = (agreement, cluster, map, idealpoints, outliers, topics, groups, series, sponsors, sensitivity)

__all__ = ["FORMATS", "Context", "UsageError", "build_parser", "describe_query", "main", "parse_period_bound",
           "parse_sessions", "parse_span", "render"]


def build_parser() -> argparse.ArgumentParser:
    """The `python -m analysis` argument parser (every subcommand has --help)."""
    from analysis.cli.arguments import clustering_options, common_options

    common, clustering = common_options(), clustering_options()
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Analyse the General Assembly's recorded votes in the store.",
        epilog="Every subcommand has --help. Output is stamped with the store's data version.",
    )
    parser.add_argument("--cite", dest="cite_only", action="store_true",
                        help="print how to cite the tool version, the data version and the sources, and stop")
    parser.add_argument("--db", dest="cite_db", metavar="FILE", help="with --cite: the store (default: $UNGA_DB, else data/unvotes.sqlite)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for subcommand in SUBCOMMANDS:
        subcommand.register(commands, common, clustering)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; bad arguments and empty selections give one line on stderr and exit status 2."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.cite_only or getattr(args, "cite", False):
        return _cite(args)
    if args.command is None:
        parser.error("a COMMAND is required (or --cite); see --help.")
    try:
        ctx = Context(args)
        out = check_out_path(args.out, ctx.db)
        frame = args.run(ctx)
        data = render(frame, args.format, ctx.version, describe_query(args))
        if out is not None:
            out.write_bytes(data)
    except (ValueError, sqlite3.Error, OSError) as error:
        print(f"python -m analysis {args.command}: error: {error}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as error:
        if not (error.name or "").startswith("analysis."):
            raise
        print(f"python -m analysis {args.command}: error: {error.name} is not installed in this checkout yet.", file=sys.stderr)
        return 2
    if out is not None:
        pass  # written above, where a failure is reported like any other
    elif args.format == "parquet" and sys.stdout.isatty():
        print("python -m analysis: error: Parquet is binary; pass --out FILE.", file=sys.stderr)
        return 2
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def _cite(args: argparse.Namespace) -> int:
    """Print `analysis.cite.citation` of the store; a missing store is one line and exit 2."""
    from analysis.cite import citation
    from scraper import store

    db = Path(getattr(args, "db", None) or args.cite_db or store.default_db_path())
    try:
        if not db.exists():
            raise UsageError(f"No store at {db}; build one with `python -m scraper import ...` or pass --db FILE.")
        sys.stdout.write(citation(db))
    except (ValueError, sqlite3.Error, OSError) as error:
        print(f"python -m analysis: error: {error}", file=sys.stderr)
        return 2
    return 0
