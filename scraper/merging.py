"""The rule for when several source records are one recorded vote (pure: records in, decisions out).

The Library often catalogues one vote several times: a resolution and each of its parts
(A/RES/40/257 and 257 A, B, C), or every part and sub-part of an omnibus text adopted in one vote
(A/RES/61/128 A, A-B, B, B-I … B-XI). Counting each as a roll call counts one vote many times. The
rule, applied at import (see the README, "One recorded vote, one roll call"):

Two records are **one vote** when all of these hold:
  1. the same date, and the same meeting where both name one;
  2. the same vote of every member (Y/N/A; a member missing from one list counts as non-voting,
     because the UN's extracts do not list non-voting members) — or, where a record gives counts
     only, the same Y/N/A counts and a symbol that names the other's parts (`75/254 A-C`);
  3. symbols of the same resolution: one names the other's parts (the whole and part A, the
     range A-C and part B, part B and its section B-IV), or both are parts of one text of which
     every record that day has the same member votes (the text was adopted in one vote).
They are **separate votes**, even with identical results, when the meetings differ or a symbol
marks a separate vote on a paragraph or rule (`A/RES/63(I)[PARA.1]`), or when they are two parts
of a text whose other parts had other results (A/RES/38/83 E and K: parts voted one by one that
happen to match): such pairs are kept apart, with that reason. A placeholder symbol (`A/RES/79/XX`) is one vote with a record of the same
session, date, meeting, title and member votes under a real number.

The merged roll call is named by the broadest symbol among the best source's records (the whole
before a range before a part; the Library before the extracts, which may drop a part letter); if
only parts remain, by the range they span (`A/RES/50/38` A and B → `A/RES/50/38A-B`).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from scraper.symbols import Symbol, parse_symbol

ONE_VOTE_WHOLE_AND_PARTS = "a resolution and its parts adopted in one vote (same date, meeting and member votes)"
ONE_VOTE_PARTS = "parts of one text adopted in one vote (same date, meeting and member votes)"
ONE_VOTE_PLACEHOLDER = "placeholder symbol for this resolution (same date, meeting, title and member votes)"
APART_PARAGRAPHS = "separate votes on paragraphs or rules (the symbol's qualifier says so), though the results match"
APART_MEETINGS = "voted at different meetings, though the results match"
APART_SIBLINGS = ("parts voted one by one (other parts of this resolution had other results that day), "
                  "though these two results match")


@dataclass(frozen=True)
class RecordSummary:
    """What the rule needs to know of one record (or roll call).

    `ballots` is every member that voted Y, N or A, as (country_code, vote); empty for a record
    that gives counts only. `tallies` is (yes, no, abstain). `rank` is its source's rank (0 the
    Library, 1 the extracts…; lower is better).
    """

    key: int
    symbol: str
    date: str
    meeting: str = ""
    title: str = ""
    ballots: frozenset = frozenset()
    tallies: tuple = (None, None, None)
    rank: int = 0

    @property
    def parsed(self) -> Symbol:
        return parse_symbol(self.symbol)


@dataclass(frozen=True)
class Decision:
    """`same_vote` True: merge, `reason` says why; False with a reason: kept apart on purpose."""

    same_vote: bool
    reason: str


def _plain(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _same_votes(a: RecordSummary, b: RecordSummary) -> bool | None:
    """True/False on member votes; None if either gives counts only (then counts decide)."""
    if a.ballots and b.ballots:
        return a.ballots == b.ballots
    return None


def decide(a: RecordSummary, b: RecordSummary, *, text_voted_whole: bool = True) -> Decision | None:
    """Are records `a` and `b` one vote? None when they are plainly unrelated (another day, another
    resolution, different results); a Decision otherwise (merge, or keep apart with a reason).

    `text_voted_whole` says whether every record of this resolution on that day has the same
    member votes. If not, the parts were put to the vote one by one, and two sibling parts (E and
    K, neither naming the other) with matching results are still two votes."""
    if a.date != b.date:
        return None
    sa, sb = a.parsed, b.parsed
    if not sa.number or not sb.number or sa.kind != sb.kind:
        return None
    meetings_differ = bool(a.meeting and b.meeting and a.meeting != b.meeting)
    if sa.is_placeholder or sb.is_placeholder:
        if sa.is_placeholder and sb.is_placeholder or sa.session != sb.session or meetings_differ:
            return None
        if a.title and b.title and _plain(a.title) != _plain(b.title):
            return None
        if _same_votes(a, b) is True or (_same_votes(a, b) is None and a.tallies == b.tallies and None not in a.tallies):
            return Decision(True, ONE_VOTE_PLACEHOLDER)
        return None
    if sa.base != sb.base:
        return None
    votes = _same_votes(a, b)
    if votes is False:
        return None  # different results: separate votes, nothing to explain
    nested = sa.within(sb) or sb.within(sa)
    if votes is None and not (nested and a.tallies == b.tallies and None not in a.tallies):
        return None  # counts only: one vote only if the symbols say one names the other's parts
    if sa.qualifier or sb.qualifier:
        return Decision(False, APART_PARAGRAPHS)
    if meetings_differ:
        return Decision(False, APART_MEETINGS)
    if not nested and not text_voted_whole:
        return Decision(False, APART_SIBLINGS)
    return Decision(True, ONE_VOTE_WHOLE_AND_PARTS if sa.is_whole or sb.is_whole or nested else ONE_VOTE_PARTS)


@dataclass(frozen=True)
class Merge:
    """One group of records that are one vote: its name, and why each other record joined it."""

    name: str
    keys: tuple[int, ...]
    reasons: dict  # key -> reason, for every key whose symbol is not `name`


def find_merges(records: Sequence[RecordSummary]) -> tuple[list[Merge], list[tuple[RecordSummary, RecordSummary, str]]]:
    """Group `records` (any mix of dates) into votes.

    Returns the merges (groups of two or more records, each with the symbol that names it) and
    the pairs kept apart on purpose (record, record, reason).
    """
    by_day: dict[str, list[RecordSummary]] = {}
    for record in records:
        by_day.setdefault(record.date, []).append(record)
    merges, apart = [], []
    for day in sorted(by_day):
        day_records = by_day[day]
        parent = {r.key: r.key for r in day_records}
        joined_by: dict[int, str] = {}

        def root(key: int) -> int:
            while parent[key] != key:
                parent[key] = parent[parent[key]]
                key = parent[key]
            return key

        # Compare only records that could be related: same resolution, or a placeholder in the session.
        groups: dict[str, list[RecordSummary]] = {}
        for record in day_records:
            parsed = record.parsed
            groups.setdefault(f"session {parsed.session}" if parsed.is_placeholder else parsed.base, []).append(record)
        for label, members in groups.items():
            candidates = members
            if label.startswith("session "):
                session = label.split(" ", 1)[1]
                candidates = members + [r for r in day_records if r.parsed.session == session and not r.parsed.is_placeholder]
            voted_whole = len({r.ballots or r.tallies for r in members}) == 1
            for i, a in enumerate(candidates):
                for b in candidates[i + 1:]:
                    if a.key == b.key:
                        continue
                    decision = decide(a, b, text_voted_whole=voted_whole)
                    if decision is None:
                        continue
                    if not decision.same_vote:
                        apart.append((a, b, decision.reason))
                        continue
                    ra, rb = root(a.key), root(b.key)
                    if ra != rb:
                        parent[rb] = ra
                        joined_by.setdefault(b.key, decision.reason)
                        joined_by.setdefault(a.key, decision.reason)
        components: dict[int, list[RecordSummary]] = {}
        for record in day_records:
            components.setdefault(root(record.key), []).append(record)
        for members in components.values():
            if len(members) < 2:
                continue
            name = name_of_vote(members)
            reasons = {r.key: joined_by.get(r.key, ONE_VOTE_PARTS) for r in members if r.parsed.canonical != name}
            merges.append(Merge(name, tuple(r.key for r in members), reasons))
    # A pair kept apart is only worth reporting if it was not merged through another record.
    merged_keys = {frozenset(m.keys) for m in merges}
    apart = [(a, b, why) for a, b, why in apart if not any({a.key, b.key} <= keys for keys in merged_keys)]
    return merges, apart


def name_of_vote(records: Sequence[RecordSummary]) -> str:
    """The symbol a merged vote is stored under (see the module docstring)."""
    real = [r for r in records if not r.parsed.is_placeholder] or list(records)
    best_rank = min(r.rank for r in real)
    best = [r.parsed for r in real if r.rank == best_rank]
    widest = max(s.breadth for s in best)
    named = sorted({s.canonical for s in best if s.breadth == widest})
    if widest >= 2 or len(named) == 1:
        covering = [s for s in best if s.breadth == widest and all(o.within(s) for o in best)]
        if covering or len(named) == 1:
            return (covering[0] if covering else parse_symbol(named[0])).canonical
    letters = sorted(set().union(*(s.parts_covered for s in best)))
    base = best[0]
    if letters and all(len(x) == 1 for x in letters) and ord(letters[-1]) - ord(letters[0]) == len(letters) - 1:
        part = letters[0] if len(letters) == 1 else f"{letters[0]}-{letters[-1]}"
        return parse_symbol(base.base + (f"[{part}]" if base.old_style else part)).canonical
    return base.base
