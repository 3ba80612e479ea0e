"""The network commands of `python -m scraper`: sync, fetch-record, rebuild. Composes, no logic."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scraper import store
from scraper.raw import RawArchive, default_raw_dir
from scraper.sync import RebuildError, SyncSummary, fetch_record, open_session, rebuild, sync

UNDL_TERMS_NOTE = (
    "note: the UN Digital Library's terms ask for the Library's approval before automated downloads; "
    "use --undl only if you have it. Without it, download the bulk file in a browser from "
    "https://digitallibrary.un.org/record/4060887 and run `python -m scraper import FILE`."
)


def register(commands: argparse._SubParsersAction) -> None:
    """Add `sync`, `fetch-record` and `rebuild` to the CLI's sub-commands."""
    command = commands.add_parser(
        "sync",
        help="Bring the store up to date from the UN's per-session extracts (and, with --undl, the UN Digital Library).",
        description="Fetch what is new or changed, politely (one request per second per host, robots.txt obeyed), "
        "keep every body under the raw archive, and save each file or record in its own transaction: "
        "a run killed at any moment can simply be run again.",
    )
    _add_common(command)
    _add_network(command)
    command.add_argument("--undl", action="store_true", help="also the UN Digital Library's Voting Data (needs the Library's approval)")
    command.add_argument("--since", type=int, metavar="YEAR", help="Library: list from this year (default: the newest year in the store)")
    command.add_argument("--unxml-base", metavar="URL", help="base URL of the <session>.json extracts (default: $UNGA_UNXML_BASE, else GitHub UNxml/GAresolutions)")
    command.set_defaults(handler=run_sync)

    command = commands.add_parser(
        "fetch-record",
        help="Fetch one UN Digital Library voting record, by record id (3929594) or symbol (A/RES/75/287).",
        description="Fetch one voting record from the UN Digital Library and save it (again, if already stored). "
        "By symbol it searches the Voting Data collection, which the Library's robots.txt may not allow.",
    )
    command.add_argument("target", metavar="ID_OR_SYMBOL")
    command.add_argument("--html", action="store_true", help="read the record's HTML page instead of its MARCXML export")
    _add_common(command)
    _add_network(command)
    command.set_defaults(handler=run_fetch_record)

    command = commands.add_parser(
        "rebuild",
        help="Build a fresh store from the raw archive alone (no network).",
        description="Replay every raw capture, in the order it was fetched, into a new store; the result equals "
        "the store sync built. Files loaded with `import` are not in the raw archive: import them again after.",
    )
    _add_common(command)
    command.add_argument("--force", action="store_true", help="replace an existing store at --db")
    command.set_defaults(handler=run_rebuild)


def _add_common(command: argparse.ArgumentParser) -> None:
    command.add_argument("--db", help="the store (default: $UNGA_DB, else data/unvotes.sqlite)")
    command.add_argument("--raw-dir", metavar="DIR", help="raw archive (default: raw/ beside the store)")
    command.add_argument("--quiet", action="store_true", help="no progress bar")


def _add_network(command: argparse.ArgumentParser) -> None:
    command.add_argument("--undl-base", metavar="URL", help="base URL of the Digital Library (default: $UNGA_UNDL_BASE, else https://digitallibrary.un.org)")
    command.add_argument("--contact", metavar="URL_OR_EMAIL", help="contact put in the User-Agent (default: $UNGA_CONTACT)")
    command.add_argument("--delay", type=float, default=1.0, metavar="SECONDS", help="minimum pause between two requests to one host (default 1)")


def _paths(args: argparse.Namespace) -> tuple[Path, Path]:
    db = Path(args.db) if args.db else store.default_db_path()
    return db, Path(args.raw_dir) if args.raw_dir else default_raw_dir(db)


def _report(summary: SyncSummary, db: Path) -> int:
    for line in summary.lines():
        print(line)
    if summary.stopped:
        print(f"error: {summary.stopped}", file=sys.stderr)
    from scraper.package import warm_caches

    warm_caches(db)  # votes, topic tags, ideal points: the next visitor waits for none of them
    return 0 if summary.ok else 1


def run_sync(args: argparse.Namespace) -> int:
    db, raw_dir = _paths(args)
    if args.undl and not args.quiet:
        print(UNDL_TERMS_NOTE, file=sys.stderr)
    with open_session(raw_dir, contact=args.contact, min_delay=args.delay) as http:
        summary = sync(db, http, include_undl=args.undl, unxml_base=args.unxml_base, undl_base=args.undl_base,
                       since=args.since, show_progress=not args.quiet)
    return _report(summary, db)


def run_fetch_record(args: argparse.Namespace) -> int:
    db, raw_dir = _paths(args)
    with open_session(raw_dir, contact=args.contact, min_delay=args.delay) as http:
        summary = fetch_record(db, args.target, http, undl_base=args.undl_base, html=args.html)
    return _report(summary, db)


def run_rebuild(args: argparse.Namespace) -> int:
    db, raw_dir = _paths(args)
    try:
        summary = rebuild(db, RawArchive(raw_dir), force=args.force, show_progress=not args.quiet)
    except RebuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return _report(summary, db)
