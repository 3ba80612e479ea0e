"""Read a voting record's HTML page from the UN Digital Library (`/record/<id>?ln=en`, or saved in a browser).

Bytes in, one `RollCall` out; no I/O. The page lists its fields as `div.metadata-row` with a
`span.title` and a `span.value`; the Vote field holds one `<br/>`-separated line per member
("Y NAME", "N NAME", "A NAME", a name alone for non-voting) and "Vote summary" the Library's tallies.

lxml's HTML parser is used directly rather than through BeautifulSoup: the same libxml2 parser, twenty
times faster on these pages (0.6 ms against 12 ms to build the tree), which keeps a full rebuild short.
"""
from __future__ import annotations

import re

import lxml.html
from lxml import etree

from scraper import validate
from scraper.parse.bulk_csv import strip_title_statement
from scraper.parse.marcxml import (
    NotAVotingRecord,
    check_no_member_twice,
    is_assembly_symbol,
    read_iso_date,
    read_member,
    shown,
)
from scraper.records import ParseError, RollCall
from scraper.symbols import normalise_symbol, session_of

_RECORD_URL = re.compile(rb"digitallibrary\.un\.org/record/\d+")
_SEARCH_MARKERS = (
    b"Search-Engine-Total-Number-Of-Results",
    b"<title>Search Results",
    b"digitallibrary.un.org/search?",  # the canonical link, or a browser's "saved from url" comment
)
_RECORD_ID = re.compile(r"/record/([0-9]{1,12})(?![0-9])")
_HTML = re.compile(rb"<html[\s>]", re.IGNORECASE)
_SUMMARY = re.compile(
    r"Yes:\s*([0-9]{1,9})\s*\|\s*No:\s*([0-9]{1,9})\s*\|\s*Abstentions:\s*([0-9]{1,9})\s*\|\s*"
    r"Non-Voting:\s*([0-9]{1,9})\s*\|\s*Total voting membership:\s*([0-9]{1,9})(?![0-9])"
)
# A metadata-row's class attribute, matched as a whole word.
_ROWS = "//div[contains(concat(' ', normalize-space(@class), ' '), ' metadata-row ')]"


def sniff(head: bytes) -> bool:
    """True when `head` (the first bytes of a file) is an HTML record page of the UN Digital Library."""
    return page_kind(head) == "record"


def page_kind(head: bytes) -> str:
    """"record" or "search" for a page of the Library, judged by its `<head>` (canonical link,
    og:url, title), else "". Only the head is read: a record page links to searches in its body."""
    if _HTML.search(head) is None:
        return ""
    end = head.find(b"</head>")
    head = head[:end] if end >= 0 else head
    if _RECORD_URL.search(head):
        return "record"
    if any(marker in head for marker in _SEARCH_MARKERS):
        return "search"
    return ""


def parse_record_html(data: bytes, source_name: str) -> RollCall:
    """Parse one voting record's page into its `RollCall`, members in page order.

    Tallies are the page's own "Vote summary" (None when the page has none). Raises
    `NotAVotingRecord` (a `ParseError`) for a page that is not a General Assembly voting record (a
    resolution document's page, a Security Council vote), and `ParseError` naming `source_name` and
    the field or line for anything else unreadable: not UTF-8, no Resolution or Vote date field, a
    vote code other than Y/N/A, a line without a name, a member listed twice.
    """
    document = parse_html(data, source_name)
    fields = _read_fields(document, source_name)
    undl_id = _record_id(document)
    where = f"{source_name} (record {undl_id})" if undl_id else source_name
    if "Resolution" not in fields or ("Vote" not in fields and "Vote summary" not in fields):
        symbol = " ".join(_single(fields, "Symbol", where)) if "Symbol" in fields else ""
        raise NotAVotingRecord(
            f"{where}: not a voting record (no Resolution and Vote fields)"
            + (f"; it is the page of the document {symbol}: its votes are in the Library's 'Voting Data' collection" if symbol else "")
            + "; save the page of the voting record itself (in English, ?ln=en)"
        )
    symbol = normalise_symbol(" ".join(_single(fields, "Resolution", where)))
    if not symbol.startswith("A/") or not is_assembly_symbol(symbol):
        raise NotAVotingRecord(f"{where}: {symbol[:60] or 'an empty symbol'} is not a General Assembly resolution")
    where = f"{where} ({symbol})"
    session = session_of(symbol)
    if not session:
        raise ParseError(f"{where}: cannot tell the session from the symbol")
    if "Vote date" not in fields:
        raise ParseError(f"{where}: no 'Vote date' field")
    date = read_iso_date(" ".join(_single(fields, "Vote date", where)), where)
    tallies: tuple[int | None, ...] = (None,) * 5
    if "Vote summary" in fields:
        tallies = parse_vote_summary(" ".join(_single(fields, "Vote summary", where)), f"{where}, Vote summary")
    votes = []
    for number, line in enumerate(_single(fields, "Vote", where) if "Vote" in fields else [], start=1):
        letter, _, rest = line.partition(" ")
        # "Y NAME": a one-letter upper-case code then the name; anything else is a name alone
        # (non-voting), possibly after a lower-case stated intention ("a AUSTRALIA").
        if len(letter) == 1 and letter.isupper():
            votes.append(read_member(rest, letter, "", f"{where}, Vote line {number}"))
        else:
            votes.append(read_member(line, "", "", f"{where}, Vote line {number}"))
    check_no_member_twice(votes, where)
    _check_whole(votes, tallies, where)
    # Fields with several values (two agenda items, a report and its corrigendum) are joined with
    # " | ", as the Library's bulk file writes them.
    joined = {label: " | ".join(values[0]) for label, values in fields.items()}
    yes, no, abstain, non_voting, members = tallies
    return RollCall(
        symbol=symbol,
        date=date,
        session=session,
        undl_id=undl_id,
        title=strip_title_statement(joined.get("Title", "")),
        agenda=joined.get("Agenda", ""),
        meeting=joined.get("Meeting record", ""),
        draft=joined.get("Draft resolution", ""),
        committee_report=joined.get("Committee report", ""),
        yes=yes,
        no=no,
        abstain=abstain,
        non_voting=non_voting,
        members=members,
        votes=votes,
    )


def _check_whole(votes: list, tallies: tuple[int | None, ...], where: str) -> None:
    """Refuse a page cut short or damaged: a voting record lists its members, as many as its Vote
    summary counts. A page that lost them would otherwise land as an empty or partial vote."""
    if not votes:
        raise ParseError(f"{where}: the page lists no member votes (a damaged or cut-off page?); save it again")
    members = tallies[4]
    if members is not None and len(votes) < members:
        raise ParseError(
            f"{where}: the page lists {len(votes)} member votes but its Vote summary counts {members} members "
            "(a damaged or cut-off page?); save it again"
        )


def parse_vote_summary(text: str, where: str) -> tuple[int, int, int, int, int]:
    """(yes, no, abstain, non-voting, members) from the Library's line
    "Yes: 125 | No: 50 | Abstentions: 1 | Non-Voting: 17 | Total voting membership: 193"."""
    match = _SUMMARY.search(text)
    if not match:
        raise ParseError(f"{where}: {shown(' '.join(text.split()), 120)} is not 'Yes: n | No: n | Abstentions: n | "
                         "Non-Voting: n | Total voting membership: n'")
    yes, no, abstain, non_voting, members = (validate.count(group, where) for group in match.groups())
    return yes, no, abstain, non_voting, members


def parse_html(data: bytes, source_name: str) -> etree._Element:
    """The page's element tree; the Library serves UTF-8 and browsers save it so."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ParseError(
            f"{source_name}: not UTF-8 text at byte {error.start}; save the page again from the browser "
            "('Web page, HTML only')"
        ) from error
    if not data.strip():
        raise ParseError(f"{source_name}: empty file")
    try:
        return lxml.html.document_fromstring(data, parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (etree.LxmlError, ValueError) as error:
        raise ParseError(f"{source_name}: not readable as HTML ({error})") from error


def _read_fields(document: etree._Element, source_name: str) -> dict[str, list[list[str]]]:
    """Label -> the value of each row with that label, as the value's `<br/>`-separated lines."""
    fields: dict[str, list[list[str]]] = {}
    for row in document.xpath(_ROWS):
        titles = row.xpath("./span[contains(concat(' ', normalize-space(@class), ' '), ' title ')]")
        values = row.xpath("./span[contains(concat(' ', normalize-space(@class), ' '), ' value ')]")
        if not titles or not values:
            continue
        label = " ".join(titles[0].text_content().split())
        fields.setdefault(label, []).append(_lines(values[0]))
    if not fields:
        raise ParseError(f"{source_name}: no record fields (div.metadata-row) on the page; is it a record page?")
    return fields


def _single(fields: dict[str, list[list[str]]], label: str, where: str) -> list[str]:
    values = fields[label]
    if len(values) > 1:
        raise ParseError(f"{where}: the field {label!r} appears {len(values)} times")
    return values[0]


def _lines(element: etree._Element) -> list[str]:
    """The element's text split at `<br>`, each line with its white space collapsed, empty lines dropped."""
    lines: list[str] = []
    current: list[str] = []
    # Iterative, not recursive: a damaged page may nest deeply. Comments and processing instructions
    # carry no page text, but the text after them does.
    for event, node in etree.iterwalk(element, events=("start", "end", "comment", "pi")):
        if event == "start":
            if node.tag == "br":
                lines.append("".join(current))
                current = []
            else:
                current.append(node.text or "")
        elif node is not element:
            current.append(node.tail or "")
    lines.append("".join(current))
    return [" ".join(line.split()) for line in lines if line.strip()]


def _record_id(document: etree._Element) -> int | None:
    for url in document.xpath(
        "//meta[@property='og:url']/@content | //meta[@name='citation_abstract_html_url']/@content"
        " | //link[@rel='canonical']/@href"
    ):
        match = _RECORD_ID.search(url)
        if match:
            return int(match[1])
    return None
