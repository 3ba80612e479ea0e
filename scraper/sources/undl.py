"""The UN Digital Library (digitallibrary.un.org): the "Voting Data" collection, opt-in.

Its terms ask for the Library's approval before automated downloads, and its robots.txt may forbid
`/search`; `scraper.http` obeys whatever robots.txt says and stops at a bot challenge. Listing goes
one year at a time (the search pages stop near 500 results), newest record first, 100 a page, as
MARCXML (`of=xm`): those pages carry each record whole, the same as `/record/<id>/export/xm`, so a
listed record needs no second request.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

from scraper.http import FetchedResponse, PoliteSession

DEFAULT_BASE = "https://digitallibrary.un.org"
BASE_ENV = "UNGA_UNDL_BASE"
PAGE_SIZE = 100  # the most the search answers per page
RESULT_LIMIT = 500  # the search pages stop near here; one year never had that many recorded votes
FIRST_YEAR = 1946

MARC_NS = "http://www.loc.gov/MARC21/slim"
# The opening and closing tags of a record, found in one pass: a lazy `<record.*?</record>` would
# rescan the rest of the page from every unclosed `<record` (212 s on a 320 kB page of them).
_RECORD_TAG = re.compile(rb"(?P<close></(?:marc:)?record\s*>)|<(?:marc:)?record\b")
_CONTROL_001 = re.compile(rb"<(?:marc:)?controlfield\s+tag=\"001\"\s*>\s*([0-9]{1,12})\s*<")


@dataclass(frozen=True)
class ListedRecord:
    """One record as a search page carries it: its id (None when unreadable) and a standalone
    MARCXML collection document holding just that record."""

    undl_id: int | None
    marcxml: bytes


def resolve_base(base: str | None = None) -> str:
    """The Library's base URL: the argument, else $UNGA_UNDL_BASE, else digitallibrary.un.org; no trailing '/'."""
    return (base or os.environ.get(BASE_ENV) or DEFAULT_BASE).rstrip("/")


def record_export_url(base: str, undl_id: int) -> str:
    return f"{resolve_base(base)}/record/{undl_id}/export/xm"


def record_page_url(base: str, undl_id: int) -> str:
    return f"{resolve_base(base)}/record/{undl_id}?ln=en"


def year_search_params(year: int, jrec: int) -> dict[str, str | int]:
    """Query of one page of the year's General Assembly voting records, as MARCXML."""
    return {
        "cc": "Voting Data",
        "ln": "en",
        "fct__2": "General Assembly",
        "fct__9": "Vote",
        "fct__3": str(year),
        "of": "xm",
        "rg": PAGE_SIZE,
        "jrec": jrec,
    }


def symbol_search_params(symbol: str) -> dict[str, str | int]:
    """Query of the voting records that mention `symbol`, as MARCXML (a handful at most)."""
    return {"cc": "Voting Data", "ln": "en", "p": f'"{symbol}"', "of": "xm", "rg": 20}


def fetch_year_page(http: PoliteSession, base: str, year: int, jrec: int) -> FetchedResponse:
    """One page (records jrec … jrec+99) of the year's voting records."""
    return http.get(f"{resolve_base(base)}/search", params=year_search_params(year, jrec), source_kind="undl_search_xm")


def fetch_symbol_search(http: PoliteSession, base: str, symbol: str) -> FetchedResponse:
    return http.get(f"{resolve_base(base)}/search", params=symbol_search_params(symbol), source_kind="undl_lookup_xm")


def fetch_record_export(http: PoliteSession, base: str, undl_id: int) -> FetchedResponse:
    """One voting record as MARCXML."""
    return http.get(record_export_url(base, undl_id), source_kind="undl_marcxml")


def fetch_record_page(http: PoliteSession, base: str, undl_id: int) -> FetchedResponse:
    """One voting record's HTML page."""
    return http.get(record_page_url(base, undl_id), source_kind="undl_html")


def split_search_page(data: bytes) -> list[ListedRecord]:
    """The records of a MARCXML search page, each as its own collection document.

    Split on the text of `<record>…</record>` rather than by parsing the page, so that one broken
    record fails alone and the others on its page still land.
    """
    listed = []
    for chunk in _record_chunks(data):
        id_match = _CONTROL_001.search(chunk)
        standalone = (
            b'<?xml version="1.0" encoding="UTF-8"?>\n'
            + f'<collection xmlns="{MARC_NS}" xmlns:marc="{MARC_NS}">\n'.encode()
            + chunk
            + b"\n</collection>\n"
        )
        listed.append(ListedRecord(int(id_match.group(1)) if id_match else None, standalone))
    return listed


def _record_chunks(data: bytes) -> list[bytes]:
    """Each `<record …>…</record>` of the page, in one linear pass: from the first opening tag not
    yet closed to the next closing tag (an unclosed record runs on into the next one and fails
    to parse there, alone; a record never closed is no record)."""
    chunks = []
    start = None
    for tag in _RECORD_TAG.finditer(data):
        if not tag["close"]:
            start = tag.start() if start is None else start
        elif start is not None:
            chunks.append(data[start : tag.end()])
            start = None
    return chunks
