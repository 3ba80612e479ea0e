"""`Context`: the store and the resolved options one command works on, loaded lazily and once."""
from __future__ import annotations

import argparse
import functools
from pathlib import Path

import pandas as pd

from analysis.cli.arguments import UsageError, parse_period_bound, parse_sessions
from analysis.matrix import SelectionError, check_country, vote_matrix


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

    @functools.cached_property
    def names(self) -> dict[str, str]:
        """Code → name, built once (`name_of` reads it for every row of an output)."""
        from analysis.blocs import country_labels

        return country_labels(self.countries)

    @functools.cached_property
    def _known_codes(self) -> set[str]:
        return set(self.countries["country_code"].astype(str)) | set(self.votes["country_code"].astype(str).unique())

    def country(self, code: str | None = None, option: str = "--country") -> str | None:
        """The `--country` code checked against the store (historical codes included)."""
        code = code if code is not None else self.args.country
        if code is None:
            return None
        return check_country(self._known_codes, code, f"the store ({option})")

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
        """`tag_roll_calls` of the store's roll calls: Voeten's labels where $UNGA_UNVOTES_DIR names them, else the classifier."""
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

    def name_of(self, code: str) -> str:
        return self.names.get(code, code)
