"""`python -m analysis`: agreement, blocs, the map, ideal points, outliers, topics and named groups
from the command line, as table, CSV, JSON or Parquet, stamped with the store's data version.

The CLI composes the analysis functions and formats their frames; it holds no analysis of its own.
Same store, same command and options → byte-identical output.
"""
from __future__ import annotations

import argparse
import calendar
import io
import json
import math
import re
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.agreement import METRICS, agreement_matrix, pairwise_agreement
from analysis.matrix import SelectionError, check_country, vote_matrix

FORMATS = ("table", "csv", "json", "parquet")
OUTLIER_KINDS = ("dissenters", "defectors", "breaks", "movers")
DECIMALS = 6  # every float is rounded to this many decimals so text output is stable and readable


class UsageError(ValueError):
    """An argument that cannot be used as given; the message says which and how to fix it."""


# ---------------------------------------------------------------------------------------------
# Arguments


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
    if not values:
        return None
    sessions: list[str] = []
    for value in values:
        for part in filter(None, (p.strip() for p in value.split(","))):
            span = re.fullmatch(r"(\d+)-(\d+)", part)
            if span:
                low, high = int(span.group(1)), int(span.group(2))
                if low > high:
                    raise UsageError(f"Session range {part!r} is reversed; write {high}-{low}.")
                sessions.extend(str(s) for s in range(low, high + 1))
            else:
                sessions.append(part.upper())
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


def build_parser() -> argparse.ArgumentParser:
    """The `python -m analysis` argument parser (every subcommand has --help)."""
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

    clustering = argparse.ArgumentParser(add_help=False)
    options = clustering.add_argument_group("blocs")
    options.add_argument("--k", type=int, help="number of blocs (default: chosen by silhouette over 2..10)")
    options.add_argument("--method", choices=("hierarchical", "spectral", "kmeans"), default="hierarchical")
    options.add_argument("--linkage", choices=("ward", "average", "complete"), default="ward")
    options.add_argument("--random-state", type=int, default=0)

    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Analyse the General Assembly's recorded votes in the store.",
        epilog="Every subcommand has --help. Output is stamped with the store's data version.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    agreement = commands.add_parser("agreement", parents=[common], help="how alike pairs of states vote",
                                    description="One row per pair of states (all five measures); with --country, that state's partners ranked by --metric.")
    agreement.add_argument("--partner", metavar="CODE", help="with --country: only this pair")
    agreement.add_argument("--by", choices=("period", "year"), default="period", help="one figure for the period (default) or one per year")
    agreement.add_argument("--top", type=int, metavar="N", help="with --country: only the N closest partners")

    cluster = commands.add_parser("cluster", parents=[common, clustering], help="voting blocs",
                                  description="One row per state: its bloc, the bloc's name and the state's centrality.")
    cluster.add_argument("--every", type=int, metavar="YEARS", help="cluster consecutive windows of this many years, bloc numbers matched across them")
    cluster.add_argument("--cohesion", action="store_true", help="one row per bloc with its cohesion instead")
    cluster.add_argument("--explain", action="store_true",
                         help="the votes that split each pair of blocs (and each bloc from the rest) most instead")

    commands.add_parser("map", parents=[common, clustering], help="2-D coordinates of every state, with its bloc",
                        description="One row per state: x, y (classical MDS of 1 − agreement; the US on positive x) and its bloc.")

    ideal = commands.add_parser("idealpoints", parents=[common], help="ideal points per country and year",
                                description="One row per (country, year): ideal point and standard error (the US positive).")
    ideal.add_argument("--no-cache", action="store_true", help="estimate afresh instead of reading the cache")

    outliers = commands.add_parser("outliers", parents=[common, clustering], help="lone dissenters, bloc defectors, breaks, movers",
                                   description="dissenters: states against a near-unanimous majority; defectors: states far from their bloc; "
                                               "breaks: votes where --country broke from its bloc (or --group members from their group); "
                                               "movers: states whose alignment changed most between --periods A B.")
    outliers.add_argument("kind", choices=OUTLIER_KINDS)
    outliers.add_argument("--max-dissenters", type=int, default=3, metavar="N", help="dissenters: at most N on the other side (default 3)")
    outliers.add_argument("--min-majority", type=float, default=0.9, metavar="SHARE", help="dissenters: majority's share of Yes+No votes (default 0.9)")
    outliers.add_argument("--include-abstentions", action="store_true", help="dissenters: abstainers dissent too")
    outliers.add_argument("--symbol", help="dissenters: only this resolution (e.g. A/RES/75/287)")
    outliers.add_argument("--title", help="dissenters: only roll calls whose title contains this text")
    outliers.add_argument("--group", help="breaks: members of this named group voting against its majority (e.g. asean)")
    outliers.add_argument("--periods", nargs=2, metavar="FROM:TO", help="movers: the two periods, e.g. 1985:1990 1993:1998")
    outliers.add_argument("--by", choices=("agreement", "idealpoint"), default="agreement", help="movers: by agreement profile (default) or ideal point")

    topics = commands.add_parser("topics", parents=[common], help="topic tags of every roll call",
                                 description="One row per (roll call, topic): the UN's subjects and the six issue areas.")
    topics.add_argument("--no-classifier", action="store_true", help="only Voeten's labels (1946–2019) and the UN's subjects, not the classifier's tags")

    groups = commands.add_parser("groups", parents=[common], help="cohesion of named groups (EU, NATO, ASEAN, ...)",
                                 description="One row per named group: its cohesion (Agreement Index) in the period.")
    groups.add_argument("--group", nargs="+", help="group ids (default: all); see --list")
    groups.add_argument("--by", choices=("period", "year"), default="period")
    groups.add_argument("--list", action="store_true", help="list the group ids and names")
    return parser


# ---------------------------------------------------------------------------------------------
# Loading and selecting


class Context:
    """The store and the resolved options one command works on (loaded lazily, once)."""

    def __init__(self, args: argparse.Namespace):
        from scraper import store

        self.args = args
        self.db = Path(args.db) if args.db else store.default_db_path()
        if not self.db.exists():
            raise UsageError(f"No store at {self.db}; build one with `python -m scraper import ...` or pass --db FILE.")
        self._store = store
        self.start = parse_period_bound(args.start, end=False)
        self.end = parse_period_bound(args.end, end=True)
        if self.start and self.end and self.start > self.end:
            raise UsageError(f"--from {args.start} is after --to {args.end}; swap them.")
        self.sessions = parse_sessions(args.sessions)
        if args.min_shared < 1:
            raise UsageError(f"--min-shared {args.min_shared}: must be at least 1.")
        self._votes: pd.DataFrame | None = None
        self._roll_calls: pd.DataFrame | None = None
        self._countries: pd.DataFrame | None = None

    @property
    def version(self) -> str:
        return self._store.data_version(self.db)

    @property
    def votes(self) -> pd.DataFrame:
        if self._votes is None:
            from scraper.cache import cached_votes

            self._votes = cached_votes(self.db)
        return self._votes

    @property
    def roll_calls(self) -> pd.DataFrame:
        if self._roll_calls is None:
            self._roll_calls = self._store.load_roll_calls(self.db)
        return self._roll_calls

    @property
    def countries(self) -> pd.DataFrame:
        if self._countries is None:
            self._countries = self._store.load_countries(self.db)
        return self._countries

    @property
    def successions(self) -> pd.DataFrame:
        return self._store.load_successions(self.db)

    @property
    def names(self) -> dict[str, str]:
        from analysis.blocs import country_labels

        return country_labels(self.countries)

    def country(self, code: str | None = None, option: str = "--country") -> str | None:
        """The `--country` code checked against the store (historical codes included)."""
        code = code if code is not None else self.args.country
        if code is None:
            return None
        known = set(self.countries["country_code"].astype(str)) | set(self.votes["country_code"].astype(str).unique())
        return check_country(known, code, f"the store ({option})")

    def topic_roll_calls(self) -> list[int] | None:
        """Roll-call ids tagged with `--topic`, or None without it."""
        if not self.args.topic:
            return None
        from analysis import topics  # lazy: its classifier is only loaded when a topic is asked for

        wanted = topics.roll_calls_on_topic(topics.cached_topic_tags(self.db), self.args.topic)
        if not wanted:
            raise SelectionError(f"No roll call is tagged with topic {self.args.topic!r}.")
        return sorted(wanted)

    def topic_tags(self, roll_calls: pd.DataFrame | None = None, *, subjects: bool = True, use_classifier: bool = True) -> pd.DataFrame:
        """`tag_roll_calls` of the store's roll calls: Voeten's labels where ../shared has them, else the classifier."""
        from analysis import topics

        calls = self.roll_calls if roll_calls is None else roll_calls
        labels = topics.load_labels(self.roll_calls)
        return topics.tag_roll_calls(calls, labels, use_classifier=use_classifier, subjects=subjects)

    def selection(self) -> dict:
        """The keyword arguments of `vote_matrix` / `select_votes` that the options ask for."""
        return dict(
            start=self.start, end=self.end, sessions=self.sessions, roll_call_ids=self.topic_roll_calls(),
            successions=self.successions if self.args.merge_successors else None,
            merge_successors=self.args.merge_successors,
        )

    def matrix(self, start: str | None = None, end: str | None = None) -> pd.DataFrame:
        options = self.selection()
        if start is not None or end is not None:
            options.update(start=start, end=end)
        return vote_matrix(self.votes, non_voting=self.args.non_voting, drop_unanimous=self.args.drop_unanimous, **options)

    def selected_votes(self) -> pd.DataFrame:
        from analysis.matrix import select_votes

        votes = select_votes(self.votes, **self.selection())
        if self.args.non_voting == "abstain":
            votes = votes.assign(vote=votes["vote"].astype(str).replace({"X": "A"}))
        return votes

    def years(self) -> list[int]:
        """Every calendar year of the period that has votes (the store's range when open)."""
        dates = self.votes["date"]
        first = pd.Timestamp(self.start).year if self.start else dates.min().year
        last = pd.Timestamp(self.end).year if self.end else dates.max().year
        return list(range(first, last + 1))


# ---------------------------------------------------------------------------------------------
# Commands: each returns the frame to write


def run_agreement(ctx: Context) -> pd.DataFrame:
    args = ctx.args
    country = ctx.country()
    partner = ctx.country(args.partner, "--partner") if args.partner else None
    if partner and not country:
        raise UsageError("--partner needs --country.")
    if args.top is not None and not country:
        raise UsageError("--top needs --country.")
    if args.by == "year":
        frames = []
        for year in ctx.years():
            try:
                matrix = ctx.matrix(f"{year}-01-01", f"{year}-12-31")
            except SelectionError:
                continue  # a year without votes in the selection has no row
            frame = _agreement_rows(matrix, args, country, partner, ctx.names)
            frame.insert(0, "year", year)
            frames.append(frame)
        if not frames:
            raise SelectionError("No votes in any year of the selection; widen it.")
        return pd.concat(frames, ignore_index=True)
    return _agreement_rows(ctx.matrix(), args, country, partner, ctx.names)


def _agreement_rows(matrix: pd.DataFrame, args, country: str | None, partner: str | None, names: dict[str, str]) -> pd.DataFrame:
    pairs = pairwise_agreement(matrix, METRICS, args.min_shared)
    if not country:
        return pairs
    if country not in matrix.index:
        return pd.DataFrame(columns=["country_code", "partner_code", "partner_name", "shared_votes", *METRICS, "rank"])
    mine = pairs[(pairs["country_a"] == country) | (pairs["country_b"] == country)]
    other = np.where(mine["country_a"] == country, mine["country_b"], mine["country_a"])
    frame = pd.DataFrame({"country_code": country, "partner_code": other})
    frame["partner_name"] = frame["partner_code"].map(lambda code: names.get(code, code))
    frame["shared_votes"] = mine["shared_votes"].to_numpy()
    for metric in METRICS:
        frame[metric] = mine[metric].to_numpy()
    if partner:
        frame = frame[frame["partner_code"] == partner]
    frame = frame.sort_values([args.metric, "partner_code"], ascending=[False, True], na_position="last", kind="stable")
    frame["rank"] = np.where(frame[args.metric].notna(), np.arange(1, len(frame) + 1), 0)
    frame["rank"] = frame["rank"].where(frame["rank"] > 0).astype("Int64")
    if args.top is not None:
        frame = frame.head(args.top)
    return frame.reset_index(drop=True)


def _blocs(ctx: Context, matrix: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    from analysis.blocs import cluster_countries

    args = ctx.args
    agreement = agreement_matrix(matrix, args.metric, args.min_shared)
    blocs = cluster_countries(agreement, args.k, method=args.method, linkage=args.linkage,
                              random_state=args.random_state, names=ctx.names,
                              date=f"{pd.Timestamp(matrix.attrs['dates'].max()):%Y-%m-%d}")
    return agreement, blocs


def run_cluster(ctx: Context) -> pd.DataFrame:
    from analysis.blocs import bloc_cohesion, match_blocs

    args = ctx.args
    if args.explain:
        return _explain_blocs(ctx)
    windows = _windows(ctx) if args.every else [(ctx.start, ctx.end)]
    frames, previous = [], None
    for start, end in windows:
        matrix = ctx.matrix(start, end) if args.every else ctx.matrix()
        _, blocs = _blocs(ctx, matrix)
        if previous is not None:
            blocs = match_blocs(previous, blocs)
        previous = blocs
        if args.cohesion:
            frame = bloc_cohesion(matrix, blocs)
        else:
            frame = blocs.copy()
            frame.insert(1, "name", frame["country_code"].map(lambda code: ctx.names.get(code, code)))
            if args.country:
                frame = frame[frame["country_code"] == ctx.country()]
        if args.every:
            frame.insert(0, "period_start", start)
            frame.insert(1, "period_end", end)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _windows(ctx: Context) -> list[tuple[str, str]]:
    if ctx.args.every < 1:
        raise UsageError(f"--every {ctx.args.every}: must be at least 1 year.")
    years = ctx.years()
    windows = []
    for first in range(years[0], years[-1] + 1, ctx.args.every):
        last = min(first + ctx.args.every - 1, years[-1])
        start = max(f"{first}-01-01", ctx.start or "")
        end = min(f"{last}-12-31", ctx.end or "9999")
        windows.append((start, end))
    return windows


def run_map(ctx: Context) -> pd.DataFrame:
    from analysis.embedding import alignment_map

    agreement, blocs = _blocs(ctx, ctx.matrix())
    coordinates = alignment_map(agreement, random_state=ctx.args.random_state)
    frame = coordinates.merge(blocs[["country_code", "bloc", "bloc_name"]], on="country_code", how="left")
    frame.insert(1, "name", frame["country_code"].map(lambda code: ctx.names.get(code, code)))
    if ctx.args.country:
        frame = frame[frame["country_code"] == ctx.country()]
    return frame.sort_values("country_code").reset_index(drop=True)


def run_idealpoints(ctx: Context) -> pd.DataFrame:
    from analysis import idealpoints  # lazy: written in parallel, and heavy

    args = ctx.args
    filtered = bool(ctx.sessions or args.topic or args.merge_successors or args.non_voting != "exclude")
    if filtered or args.no_cache:
        result = idealpoints.estimate_ideal_points(ctx.selected_votes(), roll_calls=ctx.roll_calls)
    else:
        result = idealpoints.cached_ideal_points(ctx.db)
    if ctx.start:
        result = result[result["year"] >= pd.Timestamp(ctx.start).year]
    if ctx.end:
        result = result[result["year"] <= pd.Timestamp(ctx.end).year]
    if args.country:
        result = result[result["country_code"].astype(str) == ctx.country()]
    if result.empty:
        raise SelectionError("No ideal points in the selection; widen the period or check --country.")
    return result.reset_index(drop=True)


def run_outliers(ctx: Context) -> pd.DataFrame:
    args = ctx.args
    return {"dissenters": _dissenters, "defectors": _defectors, "breaks": _breaks, "movers": _movers}[args.kind](ctx)


def _dissenters(ctx: Context) -> pd.DataFrame:
    from analysis.outliers import find_lone_dissenters

    args = ctx.args
    if args.max_dissenters < 1:
        raise UsageError(f"--max-dissenters {args.max_dissenters}: must be at least 1.")
    if not 0.5 <= args.min_majority <= 1:
        raise UsageError(f"--min-majority {args.min_majority}: must be a share between 0.5 and 1.")
    votes = ctx.selected_votes()
    if args.symbol or args.title:
        calls = ctx.roll_calls
        keep = pd.Series(True, index=calls.index)
        if args.symbol:
            from scraper.symbols import normalise_symbol

            keep &= calls["symbol"].astype(str).map(normalise_symbol) == normalise_symbol(args.symbol)
        if args.title:
            keep &= calls["title"].fillna("").str.contains(args.title, case=False, regex=False)
        ids = calls.loc[keep, "roll_call_id"]
        if ids.empty:
            raise SelectionError(f"No roll call matches {'--symbol ' + args.symbol if args.symbol else '--title ' + repr(args.title)}.")
        votes = votes[votes["roll_call_id"].isin(ids)]
        if votes.empty:
            raise SelectionError("The roll calls matching --symbol/--title fall outside the period or sessions selected.")
    frame = find_lone_dissenters(votes, max_dissenters=args.max_dissenters, min_majority=args.min_majority,
                                 include_abstentions=args.include_abstentions)
    if args.country:
        frame = frame[frame["country_code"] == ctx.country()]
    return frame.reset_index(drop=True)


def _defectors(ctx: Context) -> pd.DataFrame:
    from analysis.outliers import find_bloc_defectors

    matrix = ctx.matrix()
    agreement, blocs = _blocs(ctx, matrix)
    frame = find_bloc_defectors(blocs, agreement, matrix)
    frame.insert(1, "name", frame["country_code"].map(lambda code: ctx.names.get(code, code)))
    if ctx.args.country:
        frame = frame[frame["country_code"] == ctx.country()]
    return frame.reset_index(drop=True)


def _breaks(ctx: Context) -> pd.DataFrame:
    args = ctx.args
    if args.group:
        from analysis import groups  # lazy: written in parallel

        frame = groups.group_breakers(ctx.selected_votes(), args.group, ctx.start, ctx.end)
        if args.country:
            frame = frame[frame["country_code"].astype(str) == ctx.country()]
        return frame.reset_index(drop=True)
    if not args.country:
        raise UsageError("outliers breaks needs --country CODE (breaks from its bloc) or --group ID (breaks from a named group).")
    from analysis.outliers import find_bloc_breaks

    matrix = ctx.matrix()
    _, blocs = _blocs(ctx, matrix)
    code = ctx.country()
    if code not in set(blocs["country_code"]):
        raise SelectionError(f"{code} has too few votes in the selection to be placed in a bloc.")
    return find_bloc_breaks(matrix, blocs, code, roll_calls=ctx.roll_calls)


def _movers(ctx: Context) -> pd.DataFrame:
    from analysis.outliers import find_ideal_point_movers, find_movers

    args = ctx.args
    if not args.periods:
        raise UsageError("outliers movers needs --periods FROM:TO FROM:TO, e.g. --periods 1985:1990 1993:1998.")
    period_a, period_b = (parse_span(text) for text in args.periods)
    if args.by == "idealpoint":
        from analysis import idealpoints  # lazy

        frame = find_ideal_point_movers(idealpoints.cached_ideal_points(ctx.db), period_a, period_b)
    else:
        selection = ctx.selection()
        frame = find_movers(ctx.votes, period_a, period_b, metric=args.metric, min_shared=args.min_shared,
                            successions=selection["successions"], merge_successors=args.merge_successors,
                            non_voting=args.non_voting, drop_unanimous=args.drop_unanimous,
                            roll_call_ids=selection["roll_call_ids"])
    frame.insert(1, "name", frame["country_code"].map(lambda code: ctx.names.get(code, code)))
    if args.country:
        frame = frame[frame["country_code"] == ctx.country()]
    return frame.reset_index(drop=True)


def run_topics(ctx: Context) -> pd.DataFrame:
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


def run_groups(ctx: Context) -> pd.DataFrame:
    from analysis import groups  # lazy: written in parallel

    args = ctx.args
    if args.list:
        return pd.DataFrame({"group": list(groups.GROUPS), "group_name": list(groups.GROUPS.values())})
    votes = ctx.selected_votes()
    return groups.group_cohesion(votes, args.group or list(groups.GROUPS), ctx.start, ctx.end, by=args.by)


COMMANDS: dict[str, Callable[[Context], pd.DataFrame]] = {
    "agreement": run_agreement,
    "cluster": run_cluster,
    "map": run_map,
    "idealpoints": run_idealpoints,
    "outliers": run_outliers,
    "topics": run_topics,
    "groups": run_groups,
}


# ---------------------------------------------------------------------------------------------
# Output


def describe_query(args: argparse.Namespace) -> str:
    """The command and the options that shape the result, in a fixed order (not --db, --out, --format)."""
    skip = {"db", "out", "format", "command"}
    parts = [args.command] + [f"{key}={value}" for key, value in sorted(vars(args).items())
                              if key not in skip and value is not None and value is not False and value != []]
    return " ".join(parts)


def _prepare(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_datetime64_any_dtype(series):
            out[column] = series.dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_float_dtype(series):
            out[column] = series.round(DECIMALS)
        elif isinstance(series.dtype, pd.CategoricalDtype):
            out[column] = series.astype(str)
    return out.reset_index(drop=True)


def render(frame: pd.DataFrame, fmt: str, version: str, query: str) -> bytes:
    """The bytes of `frame` in one format, stamped with the data version and the query."""
    frame = _prepare(frame)
    header = f"# data_version: {version}\n# query: {query}\n"
    if fmt == "csv":
        return (header + frame.to_csv(index=False, lineterminator="\n", float_format=f"%.{DECIMALS}g")).encode()
    if fmt == "table":
        body = frame.to_string(index=False, na_rep="", float_format=lambda v: f"{v:.{min(DECIMALS, 3)}f}") if len(frame) else "(no rows)"
        return (header + body + "\n").encode()
    if fmt == "json":
        rows = [{key: _json_value(value) for key, value in row.items()} for row in frame.to_dict(orient="records")]
        def dump(value) -> str:
            return json.dumps(value, ensure_ascii=False, allow_nan=False)

        # One row a line: readable, diffable, and still one JSON document.
        text = (f'{{"data_version": {dump(version)},\n "query": {dump(query)},\n "columns": {dump(list(frame.columns))},\n'
                f' "rows": [' + ",\n  ".join(dump(row) for row in rows) + "]}\n")
        return text.encode()
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    metadata = dict(table.schema.metadata or {})
    metadata.update({b"data_version": version.encode(), b"query": query.encode()})
    table = table.replace_schema_metadata(metadata)
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def _json_value(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; bad arguments and empty selections give one line on stderr and exit status 2."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        ctx = Context(args)
        frame = COMMANDS[args.command](ctx)
        data = render(frame, args.format, ctx.version, describe_query(args))
    except (ValueError, sqlite3.Error, OSError) as error:
        print(f"python -m analysis {args.command}: error: {error}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as error:
        if not (error.name or "").startswith("analysis."):
            raise
        print(f"python -m analysis {args.command}: error: {error.name} is not installed in this checkout yet.", file=sys.stderr)
        return 2
    if args.out:
        Path(args.out).write_bytes(data)
    elif args.format == "parquet" and sys.stdout.isatty():
        print("python -m analysis: error: Parquet is binary; pass --out FILE.", file=sys.stderr)
        return 2
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def _explain_blocs(ctx: Context) -> pd.DataFrame:
    """`cluster --explain`: one row per (pair of blocs, dividing vote), as `analysis.explain.all_dividing_votes`,
    with the blocs' names; `second` = -1 is every state outside bloc `first`."""
    from analysis import explain, topics

    matrix = ctx.matrix()
    _, blocs = _blocs(ctx, matrix)
    labels = explain.topic_labels_by_roll_call(topics.cached_topic_tags(ctx.db), topics.TOPICS)
    frame = explain.all_dividing_votes(matrix, blocs, ctx.roll_calls, topics=labels)
    names = dict(zip(blocs["bloc"], blocs["bloc_name"]))
    frame.insert(1, "first_name", frame["first"].map(names))
    frame.insert(3, "second_name", frame["second"].map(lambda b: names.get(b, "all other blocs")))
    return frame
