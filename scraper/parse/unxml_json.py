"""Read the UN's per-session extracts of General Assembly resolutions (UNxml/GAresolutions).

JSON lines, one resolution a line. Only resolutions adopted by a recorded vote become `RollCall`s.
The extracts list the states in favour, against and abstaining; every other state that was a
member on the day is added as non-voting (`X`), so a roll call has one row per member as the
Library's records do. Bytes in, records out; the only data read is the project's country table.
"""
from __future__ import annotations

import functools
import json
import re
from datetime import datetime

from scraper import countries, validate
from scraper.records import MemberVote, ParseError, RollCall
from scraper.symbols import session_of

_LISTS = (("MS_in_favour", "MS_in_favour_count", "Y"), ("MS_against", "MS_against_count", "N"),
          ("MS_abstaining", "MS_abstaining_count", "A"))


def sniff(head: bytes) -> bool:
    """True when the first line of `head` is a JSON object shaped like one extract entry."""
    first = head.lstrip().split(b"\n", 1)[0]
    return first.startswith(b"{") and b'"symbol"' in first and b'"MS_in_favour' in first


def parse_unxml(data: bytes, source_name: str) -> list[RollCall]:
    """Parse one extract file into the recorded votes it holds, in file order.

    Quirks handled as the UN's files have them: a count of "N.A." where its list is empty; lists that
    repeat every name twice (read once); one entry for several parts with empty lists (kept with
    counts only, no member rows); part letters after a space ("A/RES/78/183 A"); an entry repeated
    further down the file (the later one, a revision, wins); part A written without its letter when
    part B follows.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ParseError(f"{source_name}: not UTF-8 text at byte {error.start}") from error
    roll_calls: dict[str, RollCall] = {}
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as error:
            raise ParseError(f"{source_name}, line {line_number}: not valid JSON ({error.msg}); the file may be truncated") from error
        if not isinstance(entry, dict) or "symbol" not in entry:
            raise ParseError(f"{source_name}, line {line_number}: not a resolution entry (no 'symbol')")
        if _is_recorded_vote(entry, f"{source_name}, line {line_number}"):
            roll_call = _roll_call(entry, f"{source_name}, line {line_number}")
            # Upstream appends revised entries: a later entry for the same symbol replaces the earlier.
            roll_calls[roll_call.symbol] = roll_call
    return _name_first_parts(list(roll_calls.values()))


def _name_first_parts(roll_calls: list[RollCall]) -> list[RollCall]:
    """Where a file has "A/RES/75/250" and "A/RES/75/250 B", the first is part A, as the Library writes it."""
    symbols = {rc.symbol for rc in roll_calls}
    for roll_call in roll_calls:
        if roll_call.symbol[-1].isdigit() and f"{roll_call.symbol}B" in symbols:
            roll_call.symbol += "A"
    return roll_calls


def _is_recorded_vote(entry: dict, where: str) -> bool:
    if entry.get("adoption_type") == "By a recorded vote":
        return True
    # An empty adoption type with real counts is still a recorded vote.
    return any(_count(entry.get(count_key), f"{where}: {count_key}") for _, count_key, _ in _LISTS)


def _roll_call(entry: dict, where: str) -> RollCall:
    symbol = validate.assembly_symbol(entry["symbol"], where)
    date = _iso_date(entry.get("adoption_date", ""), where)
    listed: dict[str, MemberVote] = {}
    tallies = {}
    for list_key, count_key, vote in _LISTS:
        names = _unique_names(entry.get(list_key) or [], where, list_key)
        tallies[vote] = _count(entry.get(count_key), f"{where}: {count_key}")
        if not names and tallies[vote] is None:
            tallies[vote] = 0  # "N.A." for an empty list means none
        for name in names:
            try:
                code = countries.resolve_code(name, date)
            except countries.UnknownCountryError as error:
                raise ParseError(f"{where}: {error}") from error
            if code in listed:
                raise ParseError(f"{where}: {name} is listed under two votes ({listed[code].vote} and {vote}) on {symbol}")
            listed[code] = MemberVote(name, vote, code)
    members = countries.members_on(date)
    votes: list[MemberVote] = []
    if listed:
        current_names = _current_names()
        votes = list(listed.values()) + [
            MemberVote(current_names[code], "X", code) for code in sorted(members - listed.keys())
        ]
    yes, no, abstain = tallies["Y"], tallies["N"], tallies["A"]
    if (yes or 0) + (no or 0) + (abstain or 0) > len(members):
        raise ParseError(f"{where}: {symbol} counts {yes or 0} + {no or 0} + {abstain or 0} votes, more than the "
                         f"{len(members)} members on {date}")
    return RollCall(
        symbol=symbol,
        date=date,
        session=session_of(symbol),
        title=_text(entry, "title", where),
        agenda=_agenda(entry),
        subjects=_subjects(entry.get("subjects"), where),
        meeting=_text(entry, "pv", where),
        draft=_blank_na(entry.get("originating_document")),
        committee_report=_blank_na(entry.get("committee")),
        yes=yes,
        no=no,
        abstain=abstain,
        # The extracts give no non-voting count: it is everyone else who was a member that day.
        non_voting=len(members) - (yes or 0) - (no or 0) - (abstain or 0),
        members=len(members),
        votes=votes,
        sponsors=_strings(entry, "sponsors", where),
        additional_sponsors=_strings(entry, "additional_sponsors", where),
        sdgs=tuple(str(s) for s in _list(entry, "SDGs", where) if isinstance(s, (str, int)) and not isinstance(s, bool)),
    )


def _text(entry: dict, key: str, where: str) -> str:
    value = entry.get(key)
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ParseError(f"{where}: {key} {validate.shown(value)} is not text")
    return str(value).strip()


def _list(entry: dict, key: str, where: str) -> list:
    value = entry.get(key)
    if value is None or value == "":
        return []
    if not isinstance(value, list):
        raise ParseError(f"{where}: {key} {validate.shown(value)} is not a list")
    return value


def _strings(entry: dict, key: str, where: str) -> tuple[str, ...]:
    values = _list(entry, key, where)
    if not all(isinstance(v, str) for v in values):
        raise ParseError(f"{where}: {key} is not a list of names")
    return tuple(values)


def _subjects(value, where: str) -> tuple[str, ...]:
    """UNBIS subjects, written as [term, thesaurus] pairs (or plain terms)."""
    subjects = _list({"subjects": value}, "subjects", where)
    out = []
    for subject in subjects:
        term = subject[0] if isinstance(subject, list) and subject else subject
        if not isinstance(term, str):
            raise ParseError(f"{where}: subjects holds {validate.shown(subject)}, not a term")
        out.append(term)
    return tuple(out)


@functools.cache
def _current_names() -> dict[str, str]:
    table = countries.load_country_table()
    return dict(zip(table["country_code"], table["name"]))


def _unique_names(names: list, where: str, list_key: str) -> list[str]:
    """The list's names in order, each once: some extracts repeat every name twice."""
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ParseError(f"{where}: {list_key} is not a list of names")
    return list(dict.fromkeys(n.strip() for n in names if n.strip()))


def _count(value, where: str) -> int | None:
    return validate.count(value, where, none_words=("N.A.", "N.A"))


def _iso_date(text: object, where: str) -> str:
    if not isinstance(text, str):
        raise ParseError(f"{where}: adoption_date {validate.shown(text)} is not a date like '18 June 2021'")
    text = re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()
    for pattern in ("%d %B %Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            day = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        return validate.check_date(day, f"{where}: adoption_date", text)
    raise ParseError(f"{where}: adoption_date {validate.shown(text)} is not a date like '18 June 2021'")


def _agenda(entry: dict) -> str:
    item, name = _blank_na(entry.get("agenda_item")), _blank_na(entry.get("agenda_item_name"))
    return f"{item}: {name}" if item and name else item or name


def _blank_na(value) -> str:
    text = value.strip() if isinstance(value, str) else ""
    return "" if text in ("N.A.", "N.A") else text
