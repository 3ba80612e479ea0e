"""Read a search-results page of the UN Digital Library (`/search?...&of=hb`, or saved in a browser).

Bytes in, `SearchPage` out; no I/O. Each hit gives a record id, symbol, title, date and, for a
recorded vote, the Library's tallies ("Yes: … | No: … | Abstentions: … | Non-Voting: … | Total
voting membership: …"): enough to list what to fetch, or to keep a vote's counts without its members.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from scraper.parse.bulk_csv import strip_title_statement
from scraper.parse.marcxml import RECORD_ID, NotAVotingRecord, is_assembly_symbol, parse_search_total, read_iso_date, shown
from scraper.parse.record_html import page_kind, parse_html, parse_vote_summary
from scraper.records import ParseError, RollCall
from scraper.symbols import normalise_symbol, session_of

_RECORDS_FOUND = re.compile(r"(?<![0-9,])([0-9]{1,3}(?:,[0-9]{3}){0,3}|[0-9]{1,12})\s+records? found", re.IGNORECASE)


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


@dataclass(frozen=True)
class SearchHit:
    """One result on a search page. Tallies are None when the hit shows none (adopted without a vote).

    `note` is the line the Library shows above the tallies ("ADOPTED WITHOUT VOTE",
    "RECORDED - No machine generated vote"), "" when there is none.
    """

    undl_id: int
    symbol: str
    title: str
    date: str  # ISO YYYY-MM-DD, "" when the hit shows none
    yes: int | None
    no: int | None
    abstain: int | None
    non_voting: int | None
    members: int | None
    note: str = ""

    @property
    def is_general_assembly_vote(self) -> bool:
        """A General Assembly resolution or decision adopted by a recorded vote (tallies shown)."""
        return self.symbol.startswith("A/") and is_assembly_symbol(self.symbol) and self.yes is not None


@dataclass(frozen=True)
class SearchPage:
    """The hits of one search page, in page order, and the total number of results of the search."""

    hits: list[SearchHit]
    total: int | None


def sniff(head: bytes) -> bool:
    """True when `head` (the first bytes of a file) is an HTML search-results page of the Library."""
    return page_kind(head) == "search"


def parse_search_html(data: bytes, source_name: str) -> SearchPage:
    """Parse a search-results page into its hits, every record on the page, in page order.

    `total` is the `Search-Engine-Total-Number-Of-Results` comment when the page has it, else the
    page's "N records found" line, else None. Raises `ParseError` naming `source_name` and the hit for
    an unreadable page, a hit without a record id, a record listed twice, a tally line or date that
    cannot be read.
    """
    document = parse_html(data, source_name)
    hits: list[SearchHit] = []
    seen: dict[int, int] = {}
    for number, marker in enumerate(document.xpath(f"//abbr[{_has_class('unapi-id')}]"), start=1):
        hit = _read_hit(marker, f"{source_name}, hit #{number}")
        if hit.undl_id in seen:
            raise ParseError(f"{source_name}, hit #{number}: record {hit.undl_id} is listed twice (also hit #{seen[hit.undl_id]})")
        seen[hit.undl_id] = number
        hits.append(hit)
    total = parse_search_total(data)
    if total is None:
        total = _records_found(document)
    return SearchPage(hits=hits, total=total)


def hit_to_roll_call(hit: SearchHit) -> RollCall:
    """The recorded vote a hit shows, with the Library's tallies and no member votes.

    Raises `NotAVotingRecord` for a hit that is not a General Assembly recorded vote, `ParseError`
    for one without a date or whose symbol names no session.
    """
    where = f"search hit for record {hit.undl_id} ({hit.symbol or 'no symbol'})"
    if not hit.is_general_assembly_vote:
        raise NotAVotingRecord(f"{where}: not a General Assembly recorded vote ({hit.note or 'no tallies shown'})")
    session = session_of(hit.symbol)
    if not session:
        raise ParseError(f"{where}: cannot tell the session from the symbol")
    if not hit.date:
        raise ParseError(f"{where}: the hit shows no date")
    return RollCall(
        symbol=hit.symbol,
        date=hit.date,
        session=session,
        undl_id=hit.undl_id,
        title=strip_title_statement(hit.title),
        yes=hit.yes,
        no=hit.no,
        abstain=hit.abstain,
        non_voting=hit.non_voting,
        members=hit.members,
    )


def _read_hit(marker: etree._Element, where: str) -> SearchHit:
    record_id = (marker.get("title") or "").strip()
    if not RECORD_ID.fullmatch(record_id):
        raise ParseError(f"{where}: record id {shown(record_id)} is not a number")
    undl_id = int(record_id)
    where = f"{where} (record {undl_id})"
    rows = marker.xpath("ancestor::tr[1]")
    if not rows:
        raise ParseError(f"{where}: the hit is not inside a result row")
    row = rows[0]
    title = _text(row.xpath(f".//div[{_has_class('result-title')}]"))
    note = _text(row.xpath(f".//div[{_has_class('authors')}]"))
    symbol = normalise_symbol(_tail(row.xpath(f".//i[{_has_class('fa-globe')}]")))
    date_text = _tail(row.xpath(f".//i[{_has_class('fa-calendar')}]"))
    date = read_iso_date(date_text, where) if date_text else ""
    abstract = _text(row.xpath(f".//div[{_has_class('result-abstract')}]"))
    tallies: tuple[int | None, ...] = (None,) * 5
    if "Yes:" in abstract:
        tallies = parse_vote_summary(abstract, where)
    yes, no, abstain, non_voting, members = tallies
    return SearchHit(undl_id, symbol, title, date, yes, no, abstain, non_voting, members, note)


def _text(elements: list[etree._Element]) -> str:
    return " ".join(elements[0].text_content().split()) if elements else ""


def _tail(elements: list[etree._Element]) -> str:
    return (elements[0].tail or "").strip() if elements else ""


def _records_found(document: etree._Element) -> int | None:
    for box in document.xpath(f"//td[{_has_class('searchresultsrecsfound')}] | //span[{_has_class('rec-count')}]"):
        match = _RECORDS_FOUND.search(box.text_content())
        if match:
            return int(match[1].replace(",", ""))
    return None
