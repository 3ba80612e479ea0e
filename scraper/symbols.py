"""One spelling per resolution symbol, so the same vote from two sources is one vote.

The Library writes `A/RES/75/250B` or `A/RES/75/254[A]`, the UN's extracts `A/RES/75/250 B`; all of
them become `A/RES/75/250B`. Pre-1976 symbols (`A/RES/181(II)[A]`) keep the Library's bracketed
qualifiers, which also mark separate votes on parts and paragraphs (`[PARA.1]`), and only lose stray
white space.
"""
from __future__ import annotations

import re

# A/RES/<session>/<number> then an optional part: "A", "B", "A-C", written after a space or in brackets.
_MODERN = re.compile(
    r"^A/RES/(?P<session>(?:ES-|S-)?\d+)/(?P<number>\d+)\s*(?:\[(?P<bracketed>[A-Z](?:-[A-Z])?)\]|(?P<part>[A-Z](?:-[A-Z])?))?$"
)


def normalise_symbol(symbol: str) -> str:
    """Return the canonical spelling of a General Assembly resolution symbol.

    >>> normalise_symbol("A/RES/75/250 B")
    'A/RES/75/250B'
    >>> normalise_symbol(" a/res/75/254[A] ")
    'A/RES/75/254A'
    >>> normalise_symbol("A/RES/181(II)[A]")
    'A/RES/181(II)[A]'
    """
    text = re.sub(r"\s+", " ", symbol.strip().upper())
    match = _MODERN.match(text)
    if not match:
        return text.replace(" ", "")
    part = match["bracketed"] or match["part"] or ""
    return f"A/RES/{match['session']}/{match['number']}{part}"


def session_of(symbol: str) -> str:
    """The session a resolution symbol belongs to: "75", "ES-10", "S-32"; "" if it has none.

    Pre-1976 symbols carry the session as a Roman numeral in brackets: A/RES/181(II) is session 2,
    A/RES/1000(ES-I) the first emergency special session.
    """
    text = normalise_symbol(symbol)
    match = _MODERN.match(text)
    if match:
        return match["session"]
    old = re.match(r"^A/RES/\d+\s*\((?P<prefix>ES-|S-)?(?P<roman>[IVXLC]+)\)", text)
    if not old:
        return ""
    return f"{old['prefix'] or ''}{roman_to_int(old['roman'])}"


def roman_to_int(roman: str) -> int:
    """XXVI -> 26: the session numerals of pre-1976 symbols."""
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for current, following in zip(roman, roman[1:] + " "):
        value = values[current]
        total += -value if following != " " and values[following] > value else value
    return total
