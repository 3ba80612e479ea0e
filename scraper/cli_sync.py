"""The network commands of `python -m scraper`: sync, fetch-record, rebuild. Composes, no logic."""
from __future__ import annotations

import argparse
import math
import sys
from datetime import datetime, timezone
from pathlib import Path

from scraper import store, validate
from scraper.http import check_delay, check_url
from scraper.records import ParseError
from scraper.sources import undl, unxml
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
    command.add_argument("--since", type=_year, metavar="YEAR", help="Library: list from this year (default: the newest year in the store)")
    command.add_argument("--unxml-base", type=_base_url, metavar="URL", help="base URL of the <session>.json extracts (default: $UNGA_UNXML_BASE, else GitHub UNxml/GAresolutions)")
    command.add_argument("--time-limit", type=_minutes, default=DEFAULT_TIME_LIMIT_MINUTES, metavar="MINUTES",
                         help=f"stop the run after this long; run again to continue (default {DEFAULT_TIME_LIMIT_MINUTES:g})")
    command.set_defaults(handler=run_sync)

    command = commands.add_parser(
        "fetch-record",
        help="Fetch one UN Digital Library voting record, by record id (3929594) or symbol (A/RES/75/287).",
        description="Fetch one voting record from the UN Digital Library and save it (again, if already stored). "
        "By symbol it searches the Voting Data collection, which the Library's robots.txt may not allow.",
    )
    command.add_argument("target", type=_record_target, metavar="ID_OR_SYMBOL")
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
    command.add_argument("--db", type=_store_path, help="the store (default: $UNGA_DB, else data/unvotes.sqlite)")
    command.add_argument("--raw-dir", type=_folder_path, metavar="DIR", help="raw archive (default: raw/ beside the store)")
    command.add_argument("--quiet", action="store_true", help="no progress bar")


def _add_network(command: argparse.ArgumentParser) -> None:
    command.add_argument("--undl-base", type=_base_url, metavar="URL", help="base URL of the Digital Library (default: $UNGA_UNDL_BASE, else https://digitallibrary.un.org)")
    command.add_argument("--contact", metavar="URL_OR_EMAIL", help="contact put in the User-Agent (default: $UNGA_CONTACT)")
    command.add_argument("--delay", type=_delay, default=1.0, metavar="SECONDS", help="minimum pause between two requests to one host (default 1, at most 3600)")


# --- argument checks: argparse turns a ValueError/ArgumentTypeError into "error: argument --x: …", exit 2

DEFAULT_TIME_LIMIT_MINUTES = 120.0


def _delay(text: str) -> float:
    try:
        seconds = check_delay(float(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 0 to 3600") from None
    if seconds > 3600:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 0 to 3600")
    return seconds


def _minutes(text: str) -> float:
    try:
        minutes = float(text)
    except ValueError:
        minutes = math.nan
    if not 0 < minutes <= 7 * 24 * 60:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of minutes from 0 to a week (10080)")
    return minutes


def _year(text: str) -> int:
    this_year = datetime.now(timezone.utc).year
    if not text.strip().isdigit() or not undl.FIRST_YEAR <= int(text) <= this_year:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year from {undl.FIRST_YEAR} to {this_year}")
    return int(text)


def _base_url(text: str) -> str:
    try:
        return check_url(text, "base URL")
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _record_target(text: str) -> str:
    text = text.strip()
    if text.isdigit() and len(text) <= 12:
        return text
    try:
        return validate.assembly_symbol(text, "ID_OR_SYMBOL")
    except ParseError:
        raise argparse.ArgumentTypeError(
            f"{text[:60]!r} is neither a Library record id (3929594) nor a General Assembly resolution (A/RES/75/287)") from None


def _store_path(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("the store's path is empty")
    if Path(text).is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a folder; give the store's file, e.g. {Path(text) / 'unvotes.sqlite'}")
    return text


def _folder_path(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("the folder's path is empty")
    if Path(text).exists() and not Path(text).is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a file, not a folder")
    return text


def _check_bases(args: argparse.Namespace) -> str | None:
    """The problem with a base URL taken from the environment ($UNGA_UNDL_BASE, $UNGA_UNXML_BASE), if any."""
    try:
        check_url(undl.resolve_base(getattr(args, "undl_base", None)), f"${undl.BASE_ENV} or --undl-base")
        if hasattr(args, "unxml_base"):
            check_url(unxml.resolve_base(args.unxml_base), f"${unxml.BASE_ENV} or --unxml-base")
    except ValueError as error:
        return str(error)
    return None


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
    if problem := _check_bases(args):
        print(f"error: {problem}", file=sys.stderr)
        return 2
    if args.undl and not args.quiet:
        print(UNDL_TERMS_NOTE, file=sys.stderr)
    with open_session(raw_dir, contact=args.contact, min_delay=args.delay, run_deadline=args.time_limit * 60) as http:
        summary = sync(db, http, include_undl=args.undl, unxml_base=args.unxml_base, undl_base=args.undl_base,
                       since=args.since, show_progress=not args.quiet)
    return _report(summary, db)


def run_fetch_record(args: argparse.Namespace) -> int:
    db, raw_dir = _paths(args)
    if problem := _check_bases(args):
        print(f"error: {problem}", file=sys.stderr)
        return 2
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
