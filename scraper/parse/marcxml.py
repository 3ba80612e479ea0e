"""Read the UN Digital Library's MARCXML: one voting record (`/record/<id>/export/xm`) or a search page (`of=xm`).

Bytes in, `RollCall` records out; no I/O. Only General Assembly recorded votes become records; every
other record in a collection (a Security Council vote, a resolution adopted without a vote, a
document's own record) is skipped and counted, with the reason, by `parse_marcxml_collection`.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from lxml import etree

from scraper import validate
from scraper.validate import shown
from scraper.parse.bulk_csv import strip_title_statement
from scraper.records import MemberVote, ParseError, RollCall
from scraper.symbols import normalise_symbol, session_of

MARC_NAMESPACE = "http://www.loc.gov/MARC21/slim"
# 967 is the member list; the brief for older records names 968 and 969 as well. They are read
# exactly like 967 ($a order, $c code, $d vote, $e name), in document order.
MEMBER_TAGS = ("967", "968", "969")
_TOTAL_COMMENT = re.compile(rb"<!--\s*Search-Engine-Total-Number-Of-Results:\s*(\d{1,12})\s*-->")
_ROOT_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:collection|record)\b")
# Old record pages put a lower-case letter before a non-voting state's name ("a AUSTRALIA"): the vote
# it later told the Secretariat it meant to cast. The row stays non-voting; the letter is kept apart.
_STATED_INTENTION = re.compile(r"^(?P<letter>[a-z]) +(?P<name>\S.*)$")
_SUBFIELD_TAGS = frozenset({f"{{{MARC_NAMESPACE}}}subfield", "subfield"})
_SESSION = re.compile(r"^(?:ES-|S-)?[0-9]{1,3}$")
# Counts and record ids are short: a bound keeps int() from meeting a 5,000-digit "number".
RECORD_ID = re.compile(r"[0-9]{1,12}")
_COUNT = re.compile(r"[0-9]{1,9}")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})|([0-9]{4})([0-9]{2})([0-9]{2})")


class NotAVotingRecord(ParseError):
    """Readable input that is not a General Assembly recorded vote (a Security Council vote, a
    resolution adopted without a vote, a resolution document's own page). Importers may skip it."""


@dataclass(frozen=True)
class SkippedRecord:
    """One record of a collection that is not a General Assembly recorded vote, and why."""

    undl_id: int | None
    symbol: str
    reason: str


@dataclass
class MarcxmlCollection:
    """What one MARCXML file holds: its General Assembly recorded votes and the records skipped."""

    roll_calls: list[RollCall] = field(default_factory=list)
    skipped: list[SkippedRecord] = field(default_factory=list)


def sniff(head: bytes) -> bool:
    """True when `head` (the first bytes of a file) is a MARCXML `<record>` or `<collection>`."""
    return MARC_NAMESPACE.encode() in head and _ROOT_TAG.search(head) is not None


def parse_marcxml(data: bytes, source_name: str) -> list[RollCall]:
    """Parse a MARCXML record or collection into its General Assembly recorded votes, in file order.

    Records that are not General Assembly recorded votes are left out; `parse_marcxml_collection`
    returns them too, with the reason. Raises `ParseError` naming `source_name` and the record for
    anything unreadable: bad XML, a record without a control number or date, a tally that is not a
    number, a vote code other than Y/N/A, a member without a name or listed twice.
    """
    return parse_marcxml_collection(data, source_name).roll_calls


def parse_marcxml_collection(data: bytes, source_name: str) -> MarcxmlCollection:
    """Parse a MARCXML record or collection; keep the recorded votes, count what was skipped and why."""
    root = _parse_xml(data, source_name)
    name = _local_name(root)
    if name == "record":
        records = [root]
    elif name == "collection":
        records = [child for child in root if _local_name(child) == "record"]
    else:
        raise ParseError(f"{source_name}: not MARCXML: the root element is <{name}>, not <collection> or <record>")
    result = MarcxmlCollection()
    for position, record in enumerate(records, start=1):
        read = _read_record(record, f"{source_name}, record #{position}", source_name)
        if isinstance(read, SkippedRecord):
            result.skipped.append(read)
        else:
            result.roll_calls.append(read)
    return result


def parse_search_total(data: bytes) -> int | None:
    """The number of search results the Library reports in its `Search-Engine-Total-Number-Of-Results`
    comment (in both `of=xm` and HTML search pages), or None when the page has no such comment."""
    match = _TOTAL_COMMENT.search(data)
    return int(match[1]) if match else None


def read_iso_date(text: str, where: str) -> str:
    """The Library's date ("2024-03-15", or "20240315" in some fields) as ISO YYYY-MM-DD."""
    text = text.strip()
    match = _DATE.fullmatch(text)
    try:
        day = datetime.date(int(match[1] or match[4]), int(match[2] or match[5]), int(match[3] or match[6]))
    except (TypeError, ValueError):  # no match, or no such day (1960-02-31)
        raise ParseError(f"{where}: date {shown(text)} is not YYYY-MM-DD") from None
    return validate.check_date(day, where, text)  # no 9999-12-31: inside the Assembly's record


def read_member(name: str, vote: str, country_code: str, where: str) -> MemberVote:
    """One member's vote from the Library's vote code (Y/N/A, or empty for non-voting) and name.

    A lower-case y/n/a, either as the vote code or before the name ("a AUSTRALIA"), marks a state
    that did not vote but later stated how it meant to vote: it becomes `X` with `stated_intention`.
    """
    name, vote = name.strip(), vote.strip()
    intention = ""
    prefixed = _STATED_INTENTION.match(name)
    if prefixed:
        if vote:
            raise ParseError(f"{where}: {shown(name)} carries both the vote {shown(vote)} and a stated-intention prefix")
        vote, name = prefixed["letter"], prefixed["name"].strip()
    if vote in ("y", "n", "a"):
        vote, intention = "X", vote.upper()
    elif vote == "":
        vote = "X"
    elif vote not in ("Y", "N", "A"):
        raise ParseError(f"{where}: vote code {shown(vote)} for {shown(name) if name else 'a member'} is not Y, N or A (or empty for non-voting)")
    if not name:
        raise ParseError(f"{where}: a member with no name (vote {shown(vote)}, code {shown(country_code)})")
    return MemberVote(country_name=name, vote=vote, country_code=country_code.strip(), stated_intention=intention)


def _parse_xml(data: bytes, source_name: str) -> etree._Element:
    # No entity expansion, no network, no DTD: a saved page is untrusted input.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise ParseError(
            f"{source_name}: not well-formed XML ({error}); the file may be truncated or saved in the "
            "wrong encoding: download /record/<id>/export/xm again"
        ) from error
    except (etree.LxmlError, ValueError) as error:
        raise ParseError(f"{source_name}: not readable as XML ({error})") from error
    if root is None:
        raise ParseError(f"{source_name}: empty XML document")
    if root.getroottree().docinfo.internalDTD is not None:
        # Entities are never expanded (above); a document that declares them is not the Library's.
        raise ParseError(f"{source_name}: the document declares a DTD with entities; the Library's MARCXML never does")
    return root


def _local_name(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):  # comments and processing instructions
        return ""
    return tag.rsplit("}", 1)[-1]


class _Field:
    """One datafield: its first indicator and its (code, text) subfields in order."""

    __slots__ = ("indicator1", "subfields", "_first")

    def __init__(self, indicator1: str, subfields: list[tuple[str, str]]):
        self.indicator1 = indicator1
        self.subfields = subfields
        self._first = dict(reversed(subfields))  # reversed: the first subfield of a code wins

    def first(self, code: str) -> str:
        return self._first.get(code, "")

    def joined(self, codes: str) -> str:
        return " ".join(text for c, text in self.subfields if c in codes and text)


def _text(element: etree._Element) -> str:
    # An element with children (an XML comment, say) still has all its text as the value; the
    # common case, text alone, is read directly because a record has ~800 subfields.
    return (element.text or "").strip() if len(element) == 0 else "".join(element.itertext()).strip()


def _read_record(record: etree._Element, where: str, source_name: str) -> RollCall | SkippedRecord:
    controls: dict[str, str] = {}
    fields: dict[str, list[_Field]] = {}
    for child in record:
        kind = _local_name(child)
        if kind == "controlfield":
            controls.setdefault(child.get("tag", ""), _text(child))
        elif kind == "datafield":
            subfields = [(sub.get("code", ""), _text(sub)) for sub in child if sub.tag in _SUBFIELD_TAGS]
            fields.setdefault(child.get("tag", ""), []).append(_Field(child.get("ind1", "").strip(), subfields))
    control_number = controls.get("001", "")
    if not RECORD_ID.fullmatch(control_number):
        raise ParseError(f"{where}: control number (001) {shown(control_number)} is not a record id")
    undl_id = int(control_number)
    where = f"{source_name}, record {undl_id}"

    raw_symbol = next((f.first("a") for f in fields.get("791", []) if f.first("a")), "")
    symbol = normalise_symbol(raw_symbol)
    members = [f for tag in MEMBER_TAGS for f in fields.get(tag, [])]
    if not symbol:
        return SkippedRecord(undl_id, "", "no resolution symbol (791): not a voting record")
    if not symbol.startswith("A/"):
        return SkippedRecord(undl_id, symbol, "not a General Assembly vote")
    if not is_assembly_symbol(symbol):
        return SkippedRecord(undl_id, symbol, "not a General Assembly resolution or decision")
    if "996" not in fields and not members:
        return SkippedRecord(undl_id, symbol, "no recorded vote (no tallies in 996, no member list in 967)")

    dates = [f.first("a") for tag in ("992", "269") for f in fields.get(tag, []) if f.first("a")]
    if not dates:
        raise ParseError(f"{where} ({symbol}): no vote date (992 or 269)")
    # The symbol is the one spelling every source shares; the 791 $c session is the fallback.
    session_field = next((f.first("c") for f in fields.get("791", []) if f.first("c")), "")
    session = session_of(symbol) or (session_field if _SESSION.match(session_field) else "")
    if not session:
        raise ParseError(f"{where}: cannot tell the session of {shown(raw_symbol)} (791 $c is {shown(session_field)})")
    tallies = fields.get("996", [])
    if len(tallies) > 1:
        raise ParseError(f"{where} ({symbol}): {len(tallies)} tally fields (996); a record has one")
    tally = tallies[0] if tallies else _Field("", [])
    votes = [
        read_member(f.first("e"), f.first("d"), f.first("c"), f"{where} ({symbol}), member #{i}")
        for i, f in enumerate(members, start=1)
    ]
    check_no_member_twice(votes, f"{where} ({symbol})")
    return RollCall(
        symbol=symbol,
        date=read_iso_date(dates[0], f"{where} ({symbol})"),
        session=session,
        undl_id=undl_id,
        title=strip_title_statement(" ".join(f.joined("abc") for f in fields.get("245", [])[:1])),
        agenda=" | ".join(f.joined("abcd") for f in fields.get("991", []) if f.joined("abcd")),
        meeting=" | ".join(f.first("a") for f in fields.get("952", []) if f.first("a")),
        # 993 with first indicator 2 is the draft; other indicators are not drafts on the captures seen.
        draft=" | ".join(f.first("a") for f in fields.get("993", []) if f.indicator1 in ("2", "") and f.first("a")),
        yes=_tally(tally, "b", where, "yes"),
        no=_tally(tally, "c", where, "no"),
        abstain=_tally(tally, "d", where, "abstain"),
        non_voting=_tally(tally, "e", where, "non-voting"),
        members=_tally(tally, "f", where, "members"),
        votes=votes,
    )


def _tally(tally: _Field, code: str, where: str, label: str) -> int | None:
    text = tally.first(code)
    if not text:
        return None
    if not _COUNT.fullmatch(text):
        raise ParseError(f"{where}: tally 996 ${code} ({label}) {shown(text)} is not a whole number")
    return validate.count(text, f"{where}: tally 996 ${code} ({label})")


def is_assembly_symbol(symbol: str) -> bool:
    """True for a General Assembly resolution or decision symbol (A/RES/…, A/DEC/…)."""
    try:
        validate.assembly_symbol(symbol, "")
    except ParseError:
        return False
    return True


def check_no_member_twice(votes: list[MemberVote], where: str) -> None:
    """Raise `ParseError` when one member (the same code, or the same name) appears twice in one vote."""
    seen: set[tuple[str, str]] = set()
    for vote in votes:
        keys = {("name", vote.country_name.upper())} | ({("code", vote.country_code)} if vote.country_code else set())
        if keys & seen:
            raise ParseError(f"{where}: {vote.country_name} ({vote.country_code or 'no code'}) is listed twice in the member votes")
        seen |= keys
