"""What a vote is about, for every table that names votes by symbol: its short title and its topics.

The Outliers, Countries and Compare pages list votes; a symbol alone (A/RES/78/7) tells a student
nothing, so each such table adds the title and the issue areas beside it.
"""
from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from views import data

_TITLE_TAIL = re.compile(r"\s*:\s*resolution\s*/\s*adopted by the General Assembly.*$", re.IGNORECASE)


def short_title(title: object) -> str:
    """A title without the Library's " : resolution / adopted by the General Assembly" tail.

    >>> short_title("The situation in Myanmar : resolution / adopted by the General Assembly")
    'The situation in Myanmar'
    """
    if title is None or (isinstance(title, float) and pd.isna(title)):
        return ""
    return _TITLE_TAIL.sub("", str(title)).strip()


@st.cache_data(show_spinner=False, max_entries=2)
def vote_labels(db: str, version: str) -> pd.DataFrame:
    """One row per roll call (index roll_call_id): title (short), topic (its issue areas in words,
    comma-joined; empty when it has none)."""
    calls = data.load_roll_calls(db, version)
    titles = pd.Series([short_title(t) for t in calls["title"]], index=calls["roll_call_id"].astype(int).to_numpy())
    words = {code: label for code, label in data.topic_slugs().values()}
    try:
        tags = data.load_topic_tags(db, version)
    except Exception:  # noqa: BLE001 — topics are an extra here: a vote list must show without them
        tags = pd.DataFrame(columns=["roll_call_id", "topic"])
    named = tags.assign(label=tags["topic"].astype(str).map(words)).dropna(subset=["label"])
    topics = named.groupby(named["roll_call_id"].astype(int))["label"].agg(lambda labels: ", ".join(sorted(set(labels))))
    return pd.DataFrame({"title": titles, "topic": topics.reindex(titles.index).fillna("")})


def label_columns(roll_call_ids, db: str, version: str) -> dict[str, list[str]]:
    """The `title` and `topic` columns for a table of votes, in the order of `roll_call_ids`."""
    labels = vote_labels(db, version).reindex(pd.Index(roll_call_ids).astype(int))
    return {"title": labels["title"].fillna("").tolist(), "topic": labels["topic"].fillna("").tolist()}
