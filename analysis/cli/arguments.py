"""The options every `python -m analysis` subcommand shares, and the parsing of their values.

A value that cannot be used raises `UsageError` with one line that says which option and how to fix it.
"""
from __future__ import annotations

import argparse
import calendar
import os
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from analysis.agreement import METRICS

FORMATS = ("table", "csv", "json", "parquet")
MAX_SESSION = 999  # the 80th session opened in 2025; a range past this is a typo, not a request


class UsageError(ValueError):
    """An argument that cannot be used as given; the message says which and how to fix it."""


def parse_period_bound(text: str | None, *, end: bool) -> str | None:
    """`--from` / `--to` value → ISO date: a year (`1992`), a month (`1992-03`) or a date (`1992-03-15`).

    A year or month stands for its first day as a start and its last day as an end.
    """
    if text is None or text == "":
        return None
    value = text.strip()
    if re.fullmatch(r"\d{4}", value):
        return f"{value}-12-31" if end else f"{value}-01-01"
    if re.fullmatch(r"\d{4}-\d{2}", value):
        year, month = int(value[:4]), int(value[5:])
        if not 1 <= month <= 12:
            raise UsageError(f"{value!r} has no month {month}; write YYYY, YYYY-MM or YYYY-MM-DD.")
        day = calendar.monthrange(year, month)[1] if end else 1
        return f"{value}-{day:02d}"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return pd.Timestamp(value).date().isoformat()
        except ValueError as error:
            raise UsageError(f"{value!r} is not a date of the calendar; write YYYY, YYYY-MM or YYYY-MM-DD.") from error
    raise UsageError(f"{value!r} is not a year or date; write YYYY, YYYY-MM or YYYY-MM-DD.")


def parse_sessions(values: Sequence[str] | None) -> list[str] | None:
    """`--sessions 74,75 ES-11` or `--sessions 70-75` → session labels ("74", "75", "ES-11")."""
    if values is None or len(values) == 0:
        return None
    sessions: list[str] = []
    for value in values:
        for part in filter(None, (p.strip() for p in value.split(","))):
            span = re.fullmatch(r"(\d+)-(\d+)", part)
            if span:
                low, high = int(span.group(1)), int(span.group(2))
                if low > high:
                    raise UsageError(f"Session range {part!r} is reversed; write {high}-{low}.")
                if high > MAX_SESSION:
                    # checked before expanding: `1-99999999` would build a list of 10⁸ labels
                    raise UsageError(f"Session range {part!r} goes past {MAX_SESSION}; the Assembly's sessions are numbered 1 to about 80.")
                sessions.extend(str(s) for s in range(low, high + 1))
            else:
                if len(part) > 12:
                    raise UsageError(f"--sessions {part[:20]!r}…: not a session; write 75, 70-75 or ES-11.")
                sessions.append(part.upper())
    if not sessions:
        raise UsageError("--sessions names no session; write 75, 70-75 or ES-11, or leave the option out.")
    return sessions


def parse_span(text: str) -> tuple[str, str]:
    """`1985:1990` (or dates) → (start, end) ISO dates, for `outliers movers --periods`."""
    if ":" not in text:
        raise UsageError(f"Period {text!r} needs a colon: FROM:TO, e.g. 1985:1990.")
    start, end = text.split(":", 1)
    start_date, end_date = parse_period_bound(start, end=False), parse_period_bound(end, end=True)
    if start_date is None or end_date is None:
        raise UsageError(f"Period {text!r} needs both ends: FROM:TO, e.g. 1985:1990.")
    if start_date > end_date:
        raise UsageError(f"Period {text!r} is reversed: {start} is after {end}.")
    return start_date, end_date


def common_options() -> argparse.ArgumentParser:
    """Selection, measure and output options, shared by every subcommand that reads votes."""
    common = argparse.ArgumentParser(add_help=False)
    selection = common.add_argument_group("selection of votes")
    selection.add_argument("--db", help="the store (default: $UNGA_DB, else data/unvotes.sqlite)")
    selection.add_argument("--from", dest="start", metavar="WHEN", help="first year or date included (YYYY, YYYY-MM, YYYY-MM-DD)")
    selection.add_argument("--to", dest="end", metavar="WHEN", help="last year or date included")
    selection.add_argument("--sessions", nargs="+", metavar="S", help="sessions: 75, 70-75, ES-11 (comma or space separated)")
    selection.add_argument("--topic", help="only roll calls tagged with this topic (id or slug, e.g. me, human-rights)")
    selection.add_argument("--merge-successors", action="store_true",
                           help="count a predecessor's votes as its continuing successor's (USSR → Russia, ...)")
    selection.add_argument("--non-voting", choices=("exclude", "abstain"), default="exclude",
                           help="present but not voting: left out (default) or counted as abstention")
    selection.add_argument("--drop-unanimous", action="store_true", help="leave out roll calls on which everyone voted alike")
    measure = common.add_argument_group("measure")
    measure.add_argument("--metric", choices=METRICS, default="agreement", help="how alike two states vote (default: agreement)")
    measure.add_argument("--min-shared", type=int, default=20, metavar="N", help="score a pair only on at least N shared votes (default 20)")
    measure.add_argument("--country", metavar="CODE", help="one country (ISO-3166 alpha-3, e.g. USA, or historical: SUN)")
    output = common.add_argument_group("output")
    output.add_argument("--format", choices=FORMATS, default="table", help="table (default), csv, json or parquet")
    output.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    output.add_argument("--cite", action="store_true", help="print how to cite the tool, the data version and the sources instead")
    return common


def clustering_options() -> argparse.ArgumentParser:
    """How blocs are found: shared by `cluster`, `map` and `outliers`."""
    clustering = argparse.ArgumentParser(add_help=False)
    options = clustering.add_argument_group("blocs")
    options.add_argument("--k", type=int, help="number of blocs (default: chosen by silhouette over 2..10)")
    options.add_argument("--method", choices=("hierarchical", "spectral", "kmeans"), default="hierarchical")
    options.add_argument("--linkage", choices=("ward", "average", "complete"), default="ward")
    options.add_argument("--random-state", type=int, default=0)
    return clustering


MAX_RESAMPLES = 10_000  # 10,000 resamples of a decade take about three minutes; more adds nothing a paper needs


def bootstrap_options() -> argparse.ArgumentParser:
    """`--bootstrap N --seed S`: how sure the numbers are, from resampling the roll calls (`analysis.uncertainty`)."""
    parser = argparse.ArgumentParser(add_help=False)
    options = parser.add_argument_group("uncertainty (bootstrap over roll calls)")
    options.add_argument("--bootstrap", type=int, metavar="N",
                         help="resample the roll calls N times (e.g. 200) and add intervals / confidence columns")
    # Defaults applied by `check_bootstrap`, so they appear in the output's query line only with --bootstrap.
    options.add_argument("--seed", type=int, metavar="S", help="seed of the resampling (default 0): same seed, same output")
    options.add_argument("--level", type=float, metavar="SHARE", help="the intervals' level (default 0.95)")
    return parser


def check_bootstrap(args: argparse.Namespace) -> int | None:
    """The number of resamples asked for, checked (None without --bootstrap)."""
    if getattr(args, "bootstrap", None) is None:
        for option in ("seed", "level"):
            if getattr(args, option, None) is not None:
                raise UsageError(f"--{option} needs --bootstrap N.")
        return None
    args.seed = 0 if args.seed is None else args.seed
    args.level = 0.95 if args.level is None else args.level
    if not 1 <= args.bootstrap <= MAX_RESAMPLES:
        raise UsageError(f"--bootstrap {args.bootstrap}: give between 1 and {MAX_RESAMPLES:,} resamples (200 is usual).")
    if not 0 < args.level < 1:
        raise UsageError(f"--level {args.level}: an interval's level is a share between 0 and 1, e.g. 0.95.")
    if args.seed < 0:
        raise UsageError(f"--seed {args.seed}: must be 0 or more.")
    return args.bootstrap


def check_out_path(out: str | None, db: Path) -> Path | None:
    """`--out FILE` checked before any work: a file in an existing, writable folder, not a folder,
    and never the store itself or another SQLite database (writing there would destroy it)."""
    if out is None:
        return None
    if out.strip() == "":
        raise UsageError("--out is empty; give a file name, e.g. --out blocs.csv.")
    path = Path(out)
    if path.is_dir():
        raise UsageError(f"--out {out}: is a folder; give a file name inside it, e.g. {path / 'result.csv'}.")
    if path.exists():
        if db.exists() and path.resolve() == db.resolve():
            raise UsageError(f"--out {out}: is the store itself; writing there would destroy it. Choose another file.")
        try:
            with path.open("rb") as existing:
                if existing.read(16) == b"SQLite format 3\x00":
                    raise UsageError(f"--out {out}: is an SQLite database (a store?); not overwritten. Choose another file.")
        except PermissionError:
            raise UsageError(f"--out {out}: cannot be written (no permission).") from None
        if not os.access(path, os.W_OK):
            raise UsageError(f"--out {out}: cannot be written (read-only file).")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"--out {out}: the folder {folder} does not exist; create it first.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"--out {out}: the folder {folder} cannot be written (read-only).")
    return path
