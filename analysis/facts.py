"""Facts a text states about the votes, written so a machine can check them against the store.

A story (stories/*.md) writes each number or name it states as `{{shown text | fact}}`: the page
shows "shown text", and `check_fact` computes the fact from the tidy tables so a test can compare
the two. A fact is one line of words:

    tally SYMBOL yes|no|abstain|nonvoting|members how many states voted so (the store's tally), or were members
    vote SYMBOL CODE                              how one state voted: yes, no, abstain, absent
    voters SYMBOL yes|no|abstain|nonvoting        the states that voted so, as codes (USA,ISR)
    date SYMBOL                                   the day of the vote, YYYY-MM-DD
    agreement CODE CODE FROM-TO                   percent of the votes both cast (yes, no or abstain)
                                                  in those calendar years on which they cast the same
    count "TITLE WORDS" FROM-TO                   how many recorded votes in those years have a title
                                                  holding all the words
    count "TITLE WORDS" FROM-TO no=CODES          …of which the states voting No were exactly CODES
    count "TITLE WORDS" FROM-TO with=CODES        …of which the states voting No included CODES

What the shown text claims is the shown text itself (`{{119 | tally A/RES/75/287 yes}}`), or what
follows `=` at the end of the fact when the words differ from the value
(`{{Belarus alone | voters A/RES/75/287 no = BLR}}`).
"""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

import pandas as pd

FACT_PATTERN = re.compile(r"\{\{\s*([^{}|]+?)\s*\|\s*([^{}]+?)\s*\}\}")
VOTE_LETTERS = {"yes": "Y", "no": "N", "abstain": "A", "nonvoting": "X"}
TALLY_COLUMNS = {"yes": "yes", "no": "no", "abstain": "abstain", "nonvoting": "non_voting", "members": "members"}
VOTE_WORDS = {"Y": "yes", "N": "no", "A": "abstain", "X": "absent"}
KINDS = ("tally", "vote", "voters", "date", "agreement", "count")


class FactError(ValueError):
    """A fact that cannot be read or computed; the message says which and why."""


@dataclass(frozen=True)
class Fact:
    """One checkable statement: what the text shows, the fact's words, and the value it claims."""

    shown: str
    expression: str
    claim: str

    @property
    def kind(self) -> str:
        return self.expression.split()[0].lower()


def find_facts(text: str) -> list[Fact]:
    """Every `{{shown | fact}}` in `text`, in order; raises FactError for one of an unknown kind."""
    facts = []
    for shown, body in FACT_PATTERN.findall(text):
        expression, _, claim = body.partition(" = ")
        expression = expression.strip()
        if not expression or expression.split()[0].lower() not in KINDS:
            raise FactError(f"unknown fact '{body[:40]}' (a fact starts with one of: {', '.join(KINDS)})")
        facts.append(Fact(shown=shown.strip(), expression=expression, claim=(claim or shown).strip()))
    return facts


def show_facts(text: str) -> str:
    """`text` as readers see it: each `{{shown | fact}}` replaced by its shown words."""
    return FACT_PATTERN.sub(lambda match: match.group(1).strip(), text)


def normalise_claim(fact: Fact) -> str:
    """The claim in the form `check_fact` answers: '1,234' → '1234', '36%' → '36', 'USA, ISR' → 'ISR,USA'."""
    claim = fact.claim.strip()
    if fact.kind in ("tally", "agreement", "count"):
        return claim.replace(",", "").replace("%", "").strip()
    if fact.kind == "voters":
        return ",".join(sorted(part.strip().upper() for part in claim.split(",") if part.strip()))
    if fact.kind == "vote":
        word = claim.lower()
        return {"in favour": "yes", "against": "no", "abstained": "abstain", "abstention": "abstain",
                "non-voting": "absent", "did not vote": "absent"}.get(word, word)
    return claim


def _years(text: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    match = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", text)
    if not match:
        raise FactError(f"'{text}' is not a year or a range of years like 1992-2025")
    first, last = int(match.group(1)), int(match.group(2) or match.group(1))
    return pd.Timestamp(f"{first}-01-01"), pd.Timestamp(f"{last}-12-31")


def _roll_call(roll_calls: pd.DataFrame, symbol: str) -> pd.Series:
    from scraper.symbols import normalise_symbol

    match = roll_calls[roll_calls["symbol"].astype(str) == normalise_symbol(symbol)]
    if match.empty:
        raise FactError(f"no recorded vote {symbol} in the store")
    return match.iloc[0]


def _member_votes(votes: pd.DataFrame, roll_call_id: int) -> pd.DataFrame:
    return votes[votes["roll_call_id"] == roll_call_id]


def check_fact(expression: str, votes: pd.DataFrame, roll_calls: pd.DataFrame) -> str:
    """The value of one fact computed from the tidy tables (`votes` as `load_votes`, `roll_calls` as
    `load_roll_calls`), in the form `normalise_claim` gives a claim. Raises FactError when the fact
    is malformed or names a vote or state the store does not hold."""
    try:
        words = shlex.split(expression)
    except ValueError as error:
        raise FactError(f"cannot read fact '{expression}': {error}") from None
    kind, args = words[0].lower(), words[1:]
    if kind == "tally":
        if len(args) != 2 or args[1].lower() not in TALLY_COLUMNS:
            raise FactError(f"'{expression}': write `tally SYMBOL yes|no|abstain|nonvoting|members`")
        column = TALLY_COLUMNS[args[1].lower()]
        value = _roll_call(roll_calls, args[0])[column]
        if pd.isna(value):
            raise FactError(f"the store has no {column} tally for {args[0]}")
        return str(int(value))
    if kind == "voters":
        if len(args) != 2 or args[1].lower() not in VOTE_LETTERS:
            raise FactError(f"'{expression}': write `voters SYMBOL yes|no|abstain|nonvoting`")
        roll_call = _roll_call(roll_calls, args[0])
        letter = VOTE_LETTERS[args[1].lower()]
        members = _member_votes(votes, roll_call["roll_call_id"])
        return ",".join(sorted(members.loc[members["vote"] == letter, "country_code"].astype(str)))
    if kind == "vote":
        if len(args) != 2:
            raise FactError(f"'{expression}': write `vote SYMBOL CODE`")
        roll_call = _roll_call(roll_calls, args[0])
        members = _member_votes(votes, roll_call["roll_call_id"])
        row = members[members["country_code"].astype(str) == args[1].upper()]
        return "not a member" if row.empty else VOTE_WORDS[str(row["vote"].iloc[0])]
    if kind == "date":
        if len(args) != 1:
            raise FactError(f"'{expression}': write `date SYMBOL`")
        return f"{_roll_call(roll_calls, args[0])['date']:%Y-%m-%d}"
    if kind == "agreement":
        if len(args) != 3:
            raise FactError(f"'{expression}': write `agreement CODE CODE FROM-TO`")
        start, end = _years(args[2])
        value = exact_agreement(votes, args[0].upper(), args[1].upper(), start, end)
        if value is None:
            raise FactError(f"{args[0]} and {args[1]} cast no vote together in {args[2]}")
        return str(round(100 * value))
    if kind == "count":
        if len(args) not in (2, 3) or (len(args) == 3 and not re.match(r"(?i)(no|with)=", args[2])):
            raise FactError(f"'{expression}': write `count \"TITLE WORDS\" FROM-TO [no=CODES | with=CODES]`")
        start, end = _years(args[1])
        found = votes_titled(roll_calls, args[0], start, end)
        if len(args) == 3:
            rule, _, codes = args[2].partition("=")
            wanted = {code.strip().upper() for code in codes.split(",") if code.strip()}
            against = votes[votes["roll_call_id"].isin(found["roll_call_id"]) & (votes["vote"] == "N")]
            sets = {rid: set(part.astype(str))
                    for rid, part in against.groupby("roll_call_id", observed=True)["country_code"]}
            exact = rule.lower() == "no"
            found = found[[(sets.get(rid, set()) == wanted) if exact else wanted <= sets.get(rid, set())
                           for rid in found["roll_call_id"]]]
        return str(len(found))
    raise FactError(f"unknown fact '{expression}' (a fact starts with one of: {', '.join(KINDS)})")


def votes_titled(roll_calls: pd.DataFrame, words: str, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """The recorded votes between `start` and `end` whose title holds every one of `words`
    (case-insensitive): one row per roll call, as `load_roll_calls`."""
    rows = roll_calls[(roll_calls["date"] >= start) & (roll_calls["date"] <= end)]
    title = rows["title"].fillna("").str.lower()
    keep = pd.Series(True, index=rows.index)
    for word in words.lower().split():
        keep &= title.str.contains(word, regex=False)
    return rows[keep]


def exact_agreement(votes: pd.DataFrame, first: str, second: str, start: pd.Timestamp, end: pd.Timestamp) -> float | None:
    """The share (0–1) of the roll calls between `start` and `end` on which both states cast Yes, No
    or Abstain and cast the same; None when they shared no such vote. Non-voting is left out, as the
    dashboard's default "Exact agreement" does."""
    window = votes[(votes["date"] >= start) & (votes["date"] <= end) & (votes["vote"] != "X")]
    a = window[window["country_code"].astype(str) == first].set_index("roll_call_id")["vote"].astype(str)
    b = window[window["country_code"].astype(str) == second].set_index("roll_call_id")["vote"].astype(str)
    both = a.to_frame("a").join(b.to_frame("b"), how="inner")
    if both.empty:
        return None
    return float((both["a"] == both["b"]).mean())
