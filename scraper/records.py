"""The records every parser returns and the store saves: one recorded vote with its member votes.

Parsers (bulk CSV, UN extracts, MARCXML, HTML pages) produce these; `store.save_roll_calls` is the
only thing that writes them. Names match the store's columns and the README's data dictionary.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

VOTE_CODES = ("Y", "N", "A", "X")  # yes, no, abstention, non-voting (member present in the list, not voting)


class ParseError(ValueError):
    """Input that cannot be read as the format it claims to be; the message names the file and row."""


class MemberVote(NamedTuple):
    """How one member state voted on one roll call, as the source wrote it.

    `country_name` is the name the source used at the time (upper case); `country_code` is the
    source's own code when it gives one (may be empty: the store maps names through
    `scraper.countries`). A named tuple because an import builds a million of them. `stated_intention` is the Y/N/A a non-voting state later told the
    Secretariat it meant to cast (the lower-case prefix on old record pages), else "".
    """

    country_name: str
    vote: str  # one of VOTE_CODES
    country_code: str = ""
    stated_intention: str = ""


@dataclass
class RollCall:
    """One General Assembly resolution adopted by a recorded vote, from one source.

    `symbol` is normalised by `scraper.symbols.normalise_symbol`. Tallies are the source's own
    numbers (None where the source gives none). `votes` may be empty when a source gives counts only.
    `sponsors` are the states named on the draft (the main sponsors); `additional_sponsors` those
    that joined later, as the UN's extracts list them apart (empty in records saved before the two
    were kept apart: those hold both lists in `sponsors`).
    """

    symbol: str
    date: str  # ISO YYYY-MM-DD
    session: str  # "75", "ES-10", "S-32"
    undl_id: int | None = None
    title: str = ""
    agenda: str = ""
    subjects: tuple[str, ...] = ()
    meeting: str = ""
    draft: str = ""
    committee_report: str = ""
    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    non_voting: int | None = None
    members: int | None = None
    votes: list[MemberVote] = field(default_factory=list)
    sponsors: tuple[str, ...] = ()
    sdgs: tuple[str, ...] = ()
    additional_sponsors: tuple[str, ...] = ()  # last, with a default: older encoded records still decode
