"""Resolution symbols parsed into their parts, so every vote has one spelling and its relatives are known.

A General Assembly symbol names a body (`RES` resolution, `DEC` decision), a session and a number,
then optionally a part (`B`, or a range of parts `A-C`) and a sub-part in Roman numerals (`B-IV`,
or `IX` alone for resolutions numbered by section). Sources spell the same thing many ways —
`A/RES/75/250 B`, `A/RES/75/250[B]`, `A/RES/33/116[A-IV]`, `A/RES/39/236[SECTIONXI]`,
`A/RES/36//235IX` — and `parse_symbol` reads them all into a `Symbol` whose `canonical` spelling is
the one the store keys votes by: `A/RES/75/250B`, `A/RES/33/116A-IV`, `A/RES/39/236XI`,
`A/RES/36/235IX`. Symbols of the first thirty sessions (`A/RES/1514(XV)`) keep the Library's
bracketed qualifier (`A/RES/181(II)[A]`, `A/RES/63(I)[PARA.1]`), which also marks separate votes on
paragraphs and rules.

Ambiguity, resolved the way the records use it: one letter after the number is a part, even I, V
or X (`A/RES/53/77V` is part V of a 26-part omnibus); two or more Roman numerals are a sub-part
(`A/RES/36/235XIII`); after a part, `-I`, `-V`, `-X` or a longer numeral is a sub-part and any
other letter ends a range (`A/RES/33/116A-I` is part A, section I; `A/RES/75/254A-C` parts A to C).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_ROMAN = re.compile(r"^M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")
_MODERN = re.compile(r"^A/(?P<body>RES|DEC)/(?P<session>(?:ES-|S-)?\d+)/(?P<number>\d+|X+)(?P<suffix>.*)$")
_OLD = re.compile(r"^A/(?P<body>RES|DEC)/(?P<number>\d+)\((?P<session>(?:ES-|S-)?[IVXLC\d]+)\)(?P<suffix>.*)$")


@dataclass(frozen=True)
class Symbol:
    """A parsed General Assembly symbol. `canonical` is its one spelling.

    `session` is Arabic ("75", "ES-10", "S-1"); `number` is "" for a symbol that could not be read
    (then `canonical` is the cleaned text and `kind` "other"); `part` is "", "B" or a range "A-C"
    (old symbols may carry "AA"); `subpart` a Roman numeral or ""; `qualifier` any other bracketed
    qualifier ("PARA.1", "RULE-73"); `old_style` marks `A/RES/181(II)` symbols, whose parenthesis is
    kept as written in `old_session`.
    """

    canonical: str
    body: str = ""
    session: str = ""
    number: str = ""
    part: str = ""
    subpart: str = ""
    qualifier: str = ""
    old_style: bool = False
    old_session: str = ""

    @property
    def kind(self) -> str:
        """"resolution", "decision" or "other" (a symbol this parser cannot read)."""
        return {"RES": "resolution", "DEC": "decision"}.get(self.body, "other") if self.number else "other"

    @property
    def is_placeholder(self) -> bool:
        """True for the Library's stand-ins for a number not yet assigned (`A/RES/79/XX`)."""
        return self.number.startswith("X")

    @property
    def base(self) -> str:
        """The whole resolution's symbol, without part, sub-part or qualifier."""
        if not self.number:
            return self.canonical
        if self.old_style:
            return f"A/{self.body}/{self.number}({self.old_session})"
        return f"A/{self.body}/{self.session}/{self.number}"

    @property
    def parts_covered(self) -> frozenset[str]:
        """The part letters this symbol names: {"A","B","C"} for A-C, {"B"} for B-IV, {} for the whole."""
        if "-" in self.part:
            first, last = self.part.split("-")
            return frozenset(chr(c) for c in range(ord(first), ord(last) + 1))
        return frozenset({self.part}) if self.part else frozenset()

    @property
    def is_whole(self) -> bool:
        return not (self.part or self.subpart or self.qualifier)

    @property
    def breadth(self) -> int:
        """How much of the resolution the symbol names: the whole 3, a range 2, a part 1, a sub-part or paragraph 0."""
        if self.is_whole:
            return 3
        if self.subpart or self.qualifier:
            return 0
        return 2 if "-" in self.part else 1

    def within(self, other: Symbol) -> bool:
        """True if this symbol names a piece of what `other` names (same resolution; B-IV within B,
        B within A-C, everything within the whole). A symbol is within itself."""
        if self.base != other.base or not self.number:
            return False
        if other.is_whole:
            return True
        if other.qualifier or self.qualifier:
            return self == other
        if other.subpart:
            return self.part == other.part and self.subpart == other.subpart
        return bool(self.parts_covered) and self.parts_covered <= other.parts_covered


def _clean(text: str) -> str:
    text = re.sub(r"\s+", "", text.strip().upper())
    return re.sub(r"/{2,}", "/", text)


def _is_subpart_numeral(text: str) -> bool:
    # Sub-parts never reach 40, so only I, V and X occur: "CD" or "DC" are not numerals here.
    return bool(re.fullmatch(r"[IVX]+", text)) and bool(_ROMAN.match(text))


def _split_suffix(suffix: str) -> tuple[str, str, str]:
    """(part, subpart, qualifier) of what follows the number: "B", "[B-IV]", "IX", "[SECTIONXI]"…"""
    text = suffix.replace("[", "").replace("]", "")
    text = re.sub(r"^SECTION", "", text)
    if not text:
        return "", "", ""
    if re.fullmatch(r"[A-Z]", text):
        return text, "", ""
    if _is_subpart_numeral(text) and len(text) >= 2:
        return "", text, ""
    match = re.fullmatch(r"([A-Z])-?([A-Z]+)", text)
    if match and "-" in text:
        first, second = match.groups()
        if len(second) == 1 and second not in "IVX":
            return (f"{first}-{second}", "", "") if second > first else ("", "", text)
        if _is_subpart_numeral(second):
            return first, second, ""
    return "", "", text


def parse_symbol(symbol: str) -> Symbol:
    """Read any spelling of a General Assembly symbol (see the module docstring).

    >>> parse_symbol("A/RES/33/116[A-IV]").canonical
    'A/RES/33/116A-IV'
    >>> parse_symbol("A/RES/1514(XV)").session
    '15'
    """
    text = _clean(symbol)
    match = _MODERN.match(text)
    if match:
        part, subpart, qualifier = _split_suffix(match["suffix"])
        return _build(match["body"], match["session"], match["number"], part, subpart, qualifier)
    match = _OLD.match(text)
    if match:
        part, subpart, qualifier = _old_suffix(match["suffix"])
        raw_session = match["session"]
        prefix, _, numeral = raw_session.rpartition("-")
        session = numeral if numeral.isdigit() else str(roman_to_int(numeral)) if _ROMAN.match(numeral) else ""
        if session:
            session = f"{prefix}-{session}" if prefix else session
            return _build(match["body"], session, match["number"], part, subpart, qualifier,
                          old_style=True, old_session=raw_session)
    return Symbol(canonical=text)


def _old_suffix(suffix: str) -> tuple[str, str, str]:
    """Old symbols keep the Library's own qualifiers: letters are parts, "[II]" sub-parts, the rest as written."""
    text = suffix.replace("[", "").replace("]", "")
    if not text:
        return "", "", ""
    if re.fullmatch(r"[A-Z]{1,2}", text):
        return text, "", ""
    if re.fullmatch(r"[A-Z]-[A-Z]", text) and text[2] > text[0]:
        return text, "", ""
    if _ROMAN.match(text):
        return "", text, ""
    return "", "", text


def _build(body, session, number, part, subpart, qualifier, *, old_style=False, old_session="") -> Symbol:
    if old_style:
        inner = "-".join(p for p in (part, subpart) if p) or qualifier
        canonical = f"A/{body}/{number}({old_session})" + (f"[{inner}]" if inner else "")
    else:
        tail = f"{part}-{subpart}" if part and subpart else part or subpart or (f"[{qualifier}]" if qualifier else "")
        canonical = f"A/{body}/{session}/{number}{tail}"
    return Symbol(canonical, body, session, number, part, subpart, qualifier, old_style, old_session)


def normalise_symbol(symbol: str) -> str:
    """Return the canonical spelling of a General Assembly symbol.

    >>> normalise_symbol("A/RES/75/250 B")
    'A/RES/75/250B'
    >>> normalise_symbol(" a/res/75/254[A] ")
    'A/RES/75/254A'
    >>> normalise_symbol("A/RES/181(II)[A]")
    'A/RES/181(II)[A]'
    >>> normalise_symbol("A/RES/50/38[B-II]")
    'A/RES/50/38B-II'
    """
    return parse_symbol(symbol).canonical


def session_of(symbol: str) -> str:
    """The session a resolution symbol belongs to: "75", "ES-10", "S-32"; "" if it has none.

    Pre-1976 symbols carry the session as a Roman numeral in brackets: A/RES/181(II) is session 2,
    A/RES/1000(ES-I) the first emergency special session.
    """
    return parse_symbol(symbol).session


def roman_to_int(roman: str) -> int:
    """XXVI -> 26: the session numerals of pre-1976 symbols."""
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for current, following in zip(roman, roman[1:] + " "):
        value = values[current]
        total += -value if following != " " and values[following] > value else value
    return total
