"""Cached reads of the vote store and cached analysis results, for every page of the dashboard.

Every cached function takes the store's path and its `data_version` (the analysis loaders: a
`Selection` holding them), so a sync (which changes the version) invalidates everything computed
from the old data, and nothing cached reads a global. The app only reads the store here: the one place that writes is
the first-run page, when the user asks it to build the store.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st
from threadpoolctl import threadpool_limits

from scraper import store
from views.state import Catalog, ViewState, sessions_before

REPOSITORY = Path(__file__).resolve().parent.parent

# The dashboard's linear algebra is on small matrices (about 190 states): one BLAS thread does each in
# milliseconds, while OpenBLAS's default of a thread per core spins against the server's other work —
# numpy.linalg.eigh of a 190 × 190 matrix took 0.34 s with two threads on a busy 2-core machine, 0.004 s with one.
threadpool_limits(1, user_api="blas")


def store_path() -> str:
    """The store the dashboard reads: `$UNGA_DB`, else data/unvotes.sqlite beside the code."""
    return str(Path(os.environ.get("UNGA_DB") or REPOSITORY / "data" / "unvotes.sqlite"))


def read_version(db: str) -> str | None:
    """The store's data version, or None when there is no store or it holds no votes yet.

    Not cached: it is one indexed read, and it is what tells every cached function that a sync
    has changed the data.
    """
    if not Path(db).exists():
        return None
    try:
        version = store.data_version(db)
    except Exception:  # a store being created by an import right now, or a damaged file
        return None
    return None if version == "empty" else version


# ------------------------------------------------------------------------------------------
# The store's tidy tables


@st.cache_data(show_spinner=False, max_entries=2)
def load_votes(db: str, version: str) -> pd.DataFrame:
    """One row per (roll call, member state), as `scraper.store.load_votes`, through the disk cache
    (`scraper.cache`): a new server process reads it in 0.05 s instead of a second."""
    from scraper.cache import cached_votes

    return cached_votes(db)


@st.cache_data(show_spinner=False, max_entries=2)
def load_roll_calls(db: str, version: str) -> pd.DataFrame:
    """One row per recorded vote, as `scraper.store.load_roll_calls`."""
    return store.load_roll_calls(db)


@st.cache_data(show_spinner=False, max_entries=2)
def load_countries(db: str, version: str) -> pd.DataFrame:
    """One row per state that ever sat in the Assembly, as `scraper.store.load_countries`."""
    return store.load_countries(db)


@st.cache_data(show_spinner=False, max_entries=2)
def load_successions(db: str, version: str) -> pd.DataFrame:
    """One row per (predecessor, successor), as `scraper.store.load_successions`."""
    return store.load_successions(db)


@st.cache_data(show_spinner=False, max_entries=2)
def load_sources(db: str, version: str) -> pd.DataFrame:
    """One row per imported file or fetched response, as `scraper.store.load_sources`."""
    return store.load_sources(db)


@st.cache_data(show_spinner=False, max_entries=2)
def load_disagreements(db: str, version: str) -> pd.DataFrame:
    """One row per vote on which two sources disagree, as `scraper.store.load_disagreements`."""
    return store.load_disagreements(db)


@st.cache_data(show_spinner=False, max_entries=64)
def load_member_votes(db: str, version: str, symbol: str) -> pd.DataFrame:
    """One row per member on one roll call: country_code, country_name (as written then), vote."""
    return store.load_member_votes(db, symbol)


@st.cache_data(show_spinner=False, max_entries=2)
def short_names(db: str, version: str) -> dict[str, str]:
    """Country code → the name people use ("Russia", "Bolivia"), from `analysis.blocs.country_labels`."""
    from analysis.blocs import country_labels

    return country_labels(load_countries(db, version))


@st.cache_data(show_spinner=False, max_entries=2)
def load_catalog(db: str, version: str) -> Catalog:
    """The values URL parameters may take: years and regular sessions covered, every state that sat,
    topics, groups.

    Reads the small tables only (not the votes), so the page's frame and controls draw at once.
    """
    from analysis import groups

    roll_calls = load_roll_calls(db, version)
    names = short_names(db, version)
    codes = sorted(load_countries(db, version)["country_code"].astype(str))
    return Catalog(
        first_year=int(roll_calls["date"].min().year),
        last_year=int(roll_calls["date"].max().year),
        countries={code: names.get(code, code) for code in codes},
        topics=topic_labels(),
        groups=dict(groups.GROUPS),
        sessions=_session_dates(roll_calls),
    )


def _session_dates(roll_calls: pd.DataFrame) -> dict[int, tuple[str, str]]:
    """Regular session number → (the day it opened, the day before the next regular session opened,
    or the last vote of all for the last session), as ISO dates.

    A session opens on its first recorded vote after the previous session's last one. Regular
    sessions do not overlap, so an earlier vote is a misdated one (the bulk file dates A/RES/37/84
    1982-02-21, during session 36's resumed part) and must not pull the session open early.
    Session labels are "1".."80" for regular sessions, "S-1".. and "ES-1".. for special and
    emergency special ones; these are left out here and fall inside the regular sessions' dates.
    """
    labels = roll_calls["session"].astype(str)
    regular = roll_calls[labels.str.fullmatch(r"\d+")]
    by_session = regular.groupby(regular["session"].astype(str).astype(int))["date"]
    numbers = sorted(by_session.groups)
    opened: dict[int, pd.Timestamp] = {}
    previous_last = None
    for number in numbers:
        days = by_session.get_group(number)
        later = days[days > previous_last] if previous_last is not None else days
        opened[number] = (later if len(later) else days).min()
        previous_last = days.max()
    dates: dict[int, tuple[str, str]] = {}
    for number, following in zip(numbers, numbers[1:] + [None]):
        first = opened[number]
        end = roll_calls["date"].max() if following is None else opened[following] - pd.Timedelta(days=1)
        dates[number] = (f"{first:%Y-%m-%d}", f"{max(end, first):%Y-%m-%d}")
    return dates


def topic_labels() -> dict[str, str]:
    """URL slug → display label of the six issue areas (slugs as `analysis.topics` defines them)."""
    return {slug: label for slug, (code, label) in topic_slugs().items()}


def topic_slugs() -> dict[str, tuple[str, str]]:
    """URL slug → (issue code used in `analysis.topics`, display label)."""
    try:
        from analysis import topics
    except ImportError:  # analysis.topics not there yet: every vote, no topic filter
        return {}

    slugs = getattr(topics, "TOPIC_SLUGS", None)
    out: dict[str, tuple[str, str]] = {}
    for code, label in topics.TOPICS.items():
        slug = slugs[code] if slugs and code in slugs else label.lower().replace(" ", "-")
        out[slug] = (code, label)
    return out


# ------------------------------------------------------------------------------------------
# Selections and analysis results (small frames; cheap to cache per view)


@st.cache_data(show_spinner=False, max_entries=2)
def load_topic_tags(db: str, version: str) -> pd.DataFrame:
    """One row per (roll call, issue area): roll_call_id, topic (an `analysis.topics.TOPIC_IDS` id),
    source, score. Voeten's labels decide where they exist (1946–2019, named by $UNGA_UNVOTES_DIR when
    is there); the shipped classifier tags the rest. Through the disk cache, so a new server process
    neither imports scikit-learn nor runs the classifier to draw its first page."""
    from analysis import topics

    return topics.cached_topic_tags(db)


def topic_roll_call_ids(db: str, version: str, topic: str) -> list[int] | None:
    """The roll calls tagged with a topic slug, or None for every topic."""
    if topic == "all":
        return None
    code = topic_slugs()[topic][0]
    tags = load_topic_tags(db, version)
    return sorted(tags.loc[tags["topic"].astype(str) == code, "roll_call_id"].astype(int).unique())


@dataclass(frozen=True)
class Selection:
    """One analysis selection: which store and data version, which period, topic and options.

    Frozen and hashable, so it is the one cache key of every loader below: a new view parameter is a
    new field here, not a new argument threaded through ten functions. `sessions` = (first, last)
    when the period was chosen as regular sessions (it decides what "the previous period" is).
    Build it from a page's view state with `selection(context, view)`.
    """

    db: str
    version: str
    start: str
    end: str
    topic: str = "all"
    successors: str = "separate"
    nonvoting: str = "exclude"
    metric: str = "agreement"
    k: int | None = None
    sessions: tuple[int, int] | None = None

    def votes_only(self) -> Selection:
        """This selection without what only the analysis uses (measure, k, how the period was chosen):
        the key of the vote matrix, so changing the measure does not rebuild it."""
        return replace(self, metric="agreement", k=None, sessions=None)

    def without_k(self) -> Selection:
        """This selection without the number of blocs: the key of the agreement matrix."""
        return replace(self, k=None, sessions=None)


def selection(context: Any, view: ViewState) -> Selection:
    """The selection a page's view state makes, on the store of `context` (a `views.controls.Context`)."""
    return Selection(db=context.db, version=context.version, start=view.start_date, end=view.end_date,
                     topic=view.topic, successors=view.successors, nonvoting=view.nonvoting, metric=view.metric,
                     k=view.n_blocs, sessions=view.session_numbers)


def vote_matrix(chosen: Selection) -> pd.DataFrame:
    """Country × roll call (Y=1, A=2, N=3) for one period and topic; see `analysis.matrix.vote_matrix`."""
    return _vote_matrix(chosen.votes_only())


@st.cache_data(show_spinner=False, max_entries=16)
def _vote_matrix(chosen: Selection) -> pd.DataFrame:
    from analysis import matrix

    return matrix.vote_matrix(
        load_votes(chosen.db, chosen.version),
        start=chosen.start,
        end=chosen.end,
        roll_call_ids=topic_roll_call_ids(chosen.db, chosen.version, chosen.topic),
        successions=load_successions(chosen.db, chosen.version),
        merge_successors=chosen.successors == "merge",
        non_voting=chosen.nonvoting,
    )


def agreement_matrix(chosen: Selection) -> pd.DataFrame:
    """Country × country agreement for one selection and measure (NaN below 20 shared votes)."""
    return _agreement_matrix(chosen.without_k())


@st.cache_data(show_spinner=False, max_entries=16)
def _agreement_matrix(chosen: Selection) -> pd.DataFrame:
    from analysis import agreement

    return agreement.agreement_matrix(vote_matrix(chosen), chosen.metric)


def blocs(chosen: Selection) -> dict[str, pd.DataFrame]:
    """The blocs of one selection, what the Blocs page draws first.

    Returns frames: `blocs` (one row per country: country_code, bloc, bloc_name, central_members, centrality),
    `map` (country_code, x, y), `cohesion` (one row per bloc), `criterion` (one row per k tried:
    k, silhouette). Bloc numbers are matched to the previous period's (same length, just before:
    as many years, or as many sessions when `sessions` = (first, last) chose the period) so a bloc
    keeps its colour when the period moves.
    """
    return _blocs(chosen)


@st.cache_data(show_spinner=False, max_entries=16)
def _blocs(chosen: Selection) -> dict[str, pd.DataFrame]:
    from analysis import blocs as blocs_module
    from analysis import embedding

    matrix = vote_matrix(chosen)
    scores = agreement_matrix(chosen)
    current = blocs_module.cluster_countries(scores, chosen.k, names=short_names(chosen.db, chosen.version),
                                             date=chosen.end)
    # The previous period is cut into as many blocs as this one, so "who changed bloc" compares like with like.
    earlier = _previous_blocs(chosen, int(current.attrs["k"]))
    if earlier is not None:
        current = blocs_module.match_blocs(earlier, current)
    criterion = current.attrs.get("criterion", {})
    return {
        "blocs": current,
        "map": embedding.alignment_map(scores),
        "cohesion": blocs_module.bloc_cohesion(matrix, current),
        "criterion": pd.DataFrame({"k": list(criterion), "silhouette": list(criterion.values())}),
    }


def bloc_context(chosen: Selection) -> dict[str, pd.DataFrame]:
    """What the Blocs page draws below the maps: `changes` (one row per country whose bloc differs
    from the previous period's; empty when there is none), `compared` (one row, k: the number of
    blocs the previous period was cut into, when there was a previous period to compare with; no
    row otherwise) and `overlap` (one row per bloc × named group, as
    `analysis.groups.bloc_group_overlap`, membership on the period's last day)."""
    return _bloc_context(chosen)


@st.cache_data(show_spinner=False, max_entries=16)
def _bloc_context(chosen: Selection) -> dict[str, pd.DataFrame]:
    from analysis import blocs as blocs_module
    from analysis import groups

    current = blocs(chosen)["blocs"]
    earlier = _previous_blocs(chosen, int(current.attrs["k"]))
    changes = blocs_module.bloc_changes(earlier, current) if earlier is not None else pd.DataFrame(columns=["country_code"])
    # Whether there was an earlier period to compare with: "nobody changed" and "nothing to compare
    # with" both give an empty `changes`, and the page must tell them apart.
    compared = pd.DataFrame({"k": [int(earlier.attrs["k"])]} if earlier is not None else {"k": []})
    return {"changes": changes, "overlap": groups.bloc_group_overlap(current, None, chosen.end), "compared": compared}


@st.cache_data(show_spinner=False, max_entries=16)
def _previous_blocs(chosen: Selection, k: int) -> pd.DataFrame | None:
    """The `k` blocs of the period of the same length just before the selection's; None if it has too few votes."""
    from analysis import blocs as blocs_module

    catalog = load_catalog(chosen.db, chosen.version) if chosen.sessions else None
    previous = _previous_period(chosen.start, chosen.end, chosen.sessions, catalog)
    if previous is None:
        return None
    try:
        before = agreement_matrix(replace(chosen, start=previous[0], end=previous[1]))
        return blocs_module.cluster_countries(before, min(k, len(before) - 1),
                                              names=short_names(chosen.db, chosen.version), date=previous[1])
    except ValueError:  # too few earlier votes or states to cluster (SelectionError is a ValueError)
        return None


def _roll_call_topics(chosen: Selection) -> dict[int, str]:
    return roll_call_topics(chosen.db, chosen.version)


@st.cache_data(show_spinner=False, max_entries=2)
def roll_call_topics(db: str, version: str) -> dict[int, str]:
    """roll_call_id → the label of its best-scored topic (`analysis.explain.topic_labels_by_roll_call`)."""
    from analysis import explain, topics

    return explain.topic_labels_by_roll_call(load_topic_tags(db, version), topics.TOPICS)


@st.cache_data(show_spinner=False, max_entries=32)
def bloc_divides(chosen: Selection, first: int, second: int) -> pd.DataFrame:
    """The votes that split bloc `first` from bloc `second` (`analysis.explain.REST`: from all the
    others) most: one row per vote, as `analysis.explain.dividing_votes`. One pair at a time, the
    one the page shows: a new selection computes one list, not one per pair."""
    from analysis import explain

    return explain.dividing_votes(vote_matrix(chosen), blocs(chosen)["blocs"],
                                  load_roll_calls(chosen.db, chosen.version), first, second,
                                  topics=_roll_call_topics(chosen))


def map_axes(chosen: Selection) -> pd.DataFrame:
    """One row per map axis × vote most tied to it, as `analysis.explain.axis_votes`. Keyed without
    the number of blocs: the map does not depend on it, so changing k does not recompute this."""
    return _map_axes(chosen.without_k())


@st.cache_data(show_spinner=False, max_entries=16)
def _map_axes(chosen: Selection) -> pd.DataFrame:
    from analysis import embedding, explain

    coordinates = embedding.alignment_map(agreement_matrix(chosen))
    return explain.axis_votes(vote_matrix(chosen), coordinates, load_roll_calls(chosen.db, chosen.version),
                              topics=_roll_call_topics(chosen))


def _previous_period(start: str, end: str, sessions: tuple[int, int] | None = None,
                     catalog: Catalog | None = None) -> tuple[str, str] | None:
    """The period of the same number of years just before [start, end]; None before 1946.

    When the period was chosen as regular sessions (`sessions` = (first, last)), the same number of
    sessions just before, with dates from `catalog`; None before the first session.
    """
    if sessions is not None and catalog is not None:
        earlier = sessions_before(catalog, *sessions)
        return None if earlier is None else (earlier.start_date, earlier.end_date)
    first, last = int(start[:4]), int(end[:4])
    length = last - first + 1
    if first - length < 1946:
        return None
    return f"{first - length}-01-01", f"{first - 1}-12-31"


@st.cache_data(show_spinner=False, max_entries=8)
def ideal_points(db: str, version: str) -> pd.DataFrame:
    """One row per (country_code, year): ideal_point, se, n_votes (from the analysis disk cache)."""
    from analysis import idealpoints

    try:
        return idealpoints.cached_ideal_points(db)
    except OSError:  # the store's folder is read-only (a shared deployment): compute in memory
        return idealpoints.estimate_ideal_points(load_votes(db, version), roll_calls=load_roll_calls(db, version))


@st.cache_data(show_spinner=False, max_entries=8)
def agreement_by_year(db: str, version: str, country: str, partners: tuple[str, ...], topic: str, successors: str,
                      nonvoting: str, metric: str) -> pd.DataFrame:
    """One row per (year, partner): year, partner_code, value (agreement of `country` with it), shared_votes.

    Years in which a pair shares fewer than 10 votes are left out: one or two votes say nothing.
    """
    from analysis import agreement, matrix

    wanted = [country, *partners]
    votes = matrix.select_votes(load_votes(db, version), roll_call_ids=topic_roll_call_ids(db, version, topic),
                                successions=load_successions(db, version), merge_successors=successors == "merge")
    votes = votes[votes["country_code"].astype(str).isin(wanted)]
    rows = []
    try:
        grid = matrix.vote_matrix(votes, non_voting=nonvoting)
    except matrix.SelectionError:
        return pd.DataFrame(rows, columns=["year", "partner_code", "value", "shared_votes"])
    if country not in grid.index:
        return pd.DataFrame(rows, columns=["year", "partner_code", "value", "shared_votes"])
    years = pd.DatetimeIndex(grid.attrs["dates"].to_numpy()).year.to_numpy()
    for year in np.unique(years):
        scores = agreement.agreement_matrix(grid.loc[:, years == year], metric, min_shared=10)
        shared = pd.DataFrame(scores.attrs["shared"], index=scores.index, columns=scores.index)
        for partner in partners:
            if partner in scores.index and not np.isnan(scores.loc[country, partner]):
                rows.append({"year": int(year), "partner_code": partner, "value": float(scores.loc[country, partner]),
                             "shared_votes": int(shared.loc[country, partner])})
    return pd.DataFrame(rows, columns=["year", "partner_code", "value", "shared_votes"])
