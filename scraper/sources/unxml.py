"""The UN's per-session extracts (GitHub UNxml/GAresolutions, `data_extract/<session>.json`).

The default, scriptable source for sessions 74 on. Which files exist is learnt by asking for the next
session of each series until the server answers 404; each file is fetched conditionally, so an
unchanged file costs one 304.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from scraper.http import FetchedResponse, HttpStatusError, PoliteSession, Validators

DEFAULT_BASE = "https://raw.githubusercontent.com/UNxml/GAresolutions/main/data_extract/"
BASE_ENV = "UNGA_UNXML_BASE"
SOURCE_KIND = "unxml"

# (prefix, first number in the repository): regular sessions from 74 (2019), emergency special
# sessions from ES-10, special sessions from S-32. Each series is followed until its first 404.
SESSION_SERIES: tuple[tuple[str, int], ...] = (("", 74), ("ES-", 10), ("S-", 32))


@dataclass(frozen=True)
class SessionFile:
    """One answer about one session's extract: 200 with the file, or 304 (unchanged since `validators`)."""

    session: str
    url: str
    response: FetchedResponse


def resolve_base(base: str | None = None) -> str:
    """The extracts' base URL: the argument, else $UNGA_UNXML_BASE, else GitHub; always ending in '/'."""
    base = base or os.environ.get(BASE_ENV) or DEFAULT_BASE
    return base if base.endswith("/") else base + "/"


def session_url(base: str, session: str) -> str:
    return f"{resolve_base(base)}{session}.json"


def fetch_session_files(
    http: PoliteSession, base: str, validators_for: Callable[[str], Validators | None]
) -> Iterator[SessionFile]:
    """Ask for every session's extract, series by series, until each series' first 404.

    Yields one `SessionFile` per existing session (status 200 or 304), in order; the caller saves
    each before the next is fetched, so an interrupted run resumes where it stopped. Other statuses
    raise `scraper.http.HttpStatusError`.
    """
    for prefix, first in SESSION_SERIES:
        number = first
        while True:
            session = f"{prefix}{number}"
            url = session_url(base, session)
            response = http.get(url, validators=validators_for(url), source_kind=SOURCE_KIND)
            if response.status == 404:
                break
            if response.status not in (200, 304):
                raise HttpStatusError(url, f"{url} answered HTTP {response.status}; expected the session's file or 404.", response.status)
            yield SessionFile(session, url, response)
            number += 1
