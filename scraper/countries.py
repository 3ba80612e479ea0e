"""Member-state names → country codes across the General Assembly's history, admissions and successions.

The data lives in three CSV files beside this module (``scraper/data/``): ``countries.csv`` (one row
per state that ever sat in the Assembly), ``country_names.csv`` (every spelling any source uses, with
dates where one name meant different states), ``successions.csv`` (who followed whom),
``seat_codes.csv`` (where researchers code a seat's votes under another state than the Library
does: the Republic of China before 25 Oct 1971, the FRY from 1992) and ``representation_notes.csv``
(who cast a seat's votes when that is in question: Myanmar after 2021, South Africa 1974–94…). Countries
are keyed by code, never by name: a name that is not in the table is an error, never a blank.
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import re
import unicodedata
from importlib import resources

import pandas as pd

__all__ = [
    "UnknownCountryError",
    "normalise_name",
    "resolve_code",
    "members_on",
    "find_continuator",
    "load_country_table",
    "load_name_table",
    "load_successions_table",
    "seat_code",
    "load_representation_notes",
    "representation_notes",
]

NAME_TABLE_PATH = "scraper/data/country_names.csv"  # where the error message sends the user

_APOSTROPHES = re.compile("[\u2018\u2019\u201b\u02bc\u02b9\u0060\u00b4\u2032]")
_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2212]")
_SPACES = re.compile(r"\s+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class UnknownCountryError(ValueError):
    """A member-state name (at a date) that ``country_names.csv`` does not map to exactly one code."""

    def __init__(self, name: str, date: str | None = None, reason: str = "is not a known member-state name"):
        self.name = name
        self.date = date
        when = f" on {date}" if date else ""
        super().__init__(
            f"Country name {name!r}{when} {reason}; add it (with valid_from/valid_to if it meant "
            f"different states at different times) to {NAME_TABLE_PATH}"
        )


def normalise_name(name: str) -> str:
    """Return the key a name is looked up by: upper case, accents stripped, one kind of apostrophe
    and dash, single spaces.

    "CÔTE D'IVOIRE", "COTE D’IVOIRE" and "Cote d'Ivoire" all give "COTE D'IVOIRE"; "TÜRKİYE" gives
    "TURKIYE". (The mis-encoded "TÜRKÝYE" of some 2024–25 records gives "TURKYYE", which the name
    table lists as a spelling of its own rather than this function guessing at encodings.)
    """
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = _APOSTROPHES.sub("'", stripped)
    stripped = _DASHES.sub("-", stripped)
    return _SPACES.sub(" ", stripped).strip().upper()


def _read_data_csv(filename: str) -> pd.DataFrame:
    """Read one CSV from scraper/data as strings; empty cells stay empty strings, never NaN."""
    text = resources.files(__package__ or "scraper").joinpath("data", filename).read_text(encoding="utf-8")
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


@functools.cache
def _country_table() -> pd.DataFrame:
    return _read_data_csv("countries.csv")


@functools.cache
def _name_table() -> pd.DataFrame:
    return _read_data_csv("country_names.csv")


@functools.cache
def _successions_table() -> pd.DataFrame:
    table = _read_data_csv("successions.csv")
    table["continuator"] = table["continuator"].astype(int)
    return table


def load_country_table() -> pd.DataFrame:
    """Return the countries table: one row per state that ever sat in the General Assembly.

    Columns (all str): ``country_code`` (ISO 3166-1 alpha-3 as the UN uses it, or a historical code:
    SUN, CSK, YUG, SCG, DDR, YMD, ZZB), ``name`` (current or last UN short name, upper case),
    ``admitted`` (ISO date of admission; original members 1945-10-24), ``left`` (ISO date from which
    the state was no longer a member, "" while it is one), ``un_m49`` (3-digit M49 code, "" if none).
    """
    return _country_table().copy()


def load_name_table() -> pd.DataFrame:
    """Return the name table: one row per (spelling, code, validity) a source or a user may use.

    Columns (all str): ``name`` (as written), ``country_code``, ``valid_from`` and ``valid_to``
    (inclusive ISO dates bounding the rows of a name that meant different states at different
    times, "" = unbounded).
    """
    return _name_table().copy()


def load_successions_table() -> pd.DataFrame:
    """Return the successions table: one row per (predecessor, successor) state.

    Columns: ``predecessor_code``, ``successor_code``, ``date`` (ISO date the predecessor state
    ceased to exist), ``kind`` (``dissolution``, ``merger`` or ``absorption``), ``continuator``
    (int 1/0: 1 marks the ONE successor that analysis merges the predecessor into — the legal
    continuator where there is one, the Czech Republic for Czechoslovakia by convention).
    """
    return _successions_table().copy()


def _as_iso_date(date: str | dt.date) -> str:
    """Accept "YYYY-MM-DD" (or a longer timestamp string) or a date/datetime; return "YYYY-MM-DD"."""
    if isinstance(date, dt.date):
        return date.isoformat()[:10]
    text = str(date)[:10]
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(f"Date {date!r} is not an ISO date (YYYY-MM-DD)")
    return text


@functools.cache
def _name_index() -> dict[str, tuple[tuple[str, str, str], ...]]:
    """Map each normalised name to its (valid_from, valid_to, code) rows; checks the table once."""
    index: dict[str, set[tuple[str, str, str]]] = {}
    for row in _name_table().itertuples(index=False):
        index.setdefault(normalise_name(row.name), set()).add(
            (row.valid_from or "0000-00-00", row.valid_to or "9999-99-99", row.country_code)
        )
    for key, rows in index.items():
        ordered = sorted(rows)
        for (_, end, code), (start, _, other) in zip(ordered, ordered[1:]):
            if start <= end and code != other:
                raise ValueError(f"{NAME_TABLE_PATH}: {key!r} maps to {code} and {other} over the same dates")
    return {key: tuple(sorted(rows)) for key, rows in index.items()}


@functools.lru_cache(maxsize=None)
def resolve_code(name: str, date: str | dt.date | None = None) -> str:
    """Return the country code for a member-state name as used on ``date`` (ISO "YYYY-MM-DD").

    Without a date, the name must mean one state at all times ("YUGOSLAVIA" needs a date: the
    SFRY until 2000-10-31, the Federal Republic of Yugoslavia from 2000-11-01). Raises
    UnknownCountryError for a name (or a name at that date) the table does not map.
    Memoised: repeated (name, date) pairs cost a dict look-up.
    """
    rows = _name_index().get(normalise_name(name))
    if not rows:
        raise UnknownCountryError(name, None if date is None else str(date))
    if date is None:
        codes = {code for _, _, code in rows}
        if len(codes) > 1:
            raise UnknownCountryError(
                name, None, f"meant different states ({', '.join(sorted(codes))}) at different times: give a date"
            )
        return rows[0][2]
    day = _as_iso_date(date)
    for start, end, code in rows:
        if start <= day <= end:
            return code
    raise UnknownCountryError(name, day, "is not mapped for that date")


@functools.lru_cache(maxsize=None)
def members_on(date: str | dt.date) -> frozenset[str]:
    """Return the codes of the UN member states on ``date`` (admitted on or before it, not yet left).

    Membership is one period per code (see README: Syria inside the United Arab Republic 1958–61
    and Indonesia's absence 1965–66 are not modelled as gaps).
    """
    day = _as_iso_date(date)
    table = _country_table()
    is_member = (table["admitted"] <= day) & ((table["left"] == "") | (day < table["left"]))
    return frozenset(table.loc[is_member, "country_code"])


@functools.lru_cache(maxsize=None)
def find_continuator(code: str) -> str:
    """Return the code that analysis merges ``code`` into when it merges successors.

    Follows ``continuator == 1`` rows transitively (YUG → SCG → SRB); a code with no such row is
    its own continuator. Raises ValueError (naming the code) for a code not in countries.csv.
    """
    if code not in set(_country_table()["country_code"]):
        raise ValueError(f"Unknown country code {code!r}: not in scraper/data/countries.csv")
    table = _successions_table()
    forward = dict(
        zip(table.loc[table["continuator"] == 1, "predecessor_code"], table.loc[table["continuator"] == 1, "successor_code"])
    )
    seen = {code}
    while code in forward:
        code = forward[code]
        if code in seen:
            raise ValueError(f"scraper/data/successions.csv: continuator cycle through {code}")
        seen.add(code)
    return code


@functools.cache
def _seat_codes() -> tuple[tuple[str, str, str, str], ...]:
    table = _read_data_csv("seat_codes.csv")
    return tuple((r.source_code, r.valid_from or "0000-00-00", r.valid_to or "9999-99-99", r.country_code)
                 for r in table.itertuples(index=False))


def seat_code(code: str, date: str | dt.date) -> str:
    """The code a seat's vote is stored under on ``date``, given the code a source wrote.

    The Library writes CHN for China's seat throughout and YUG for Yugoslavia's; researchers code
    the Republic of China's votes until 25 October 1971 as TWN (as in Voeten's data) and the
    Federal Republic of Yugoslavia's from 27 April 1992 as SCG (``seat_codes.csv``). Any other code
    is returned as it is.
    """
    if code not in _recoded():
        return code
    day = _as_iso_date(date)
    for source, start, end, target in _seat_codes():
        if source == code and start <= day <= end:
            return target
    return code


@functools.cache
def _recoded() -> frozenset[str]:
    return frozenset(source for source, *_ in _seat_codes())


@functools.cache
def _notes() -> tuple[tuple[str, str, str, str], ...]:
    """The notes file, read once: (country_code, valid_from, valid_to, note) rows."""
    table = _read_data_csv("representation_notes.csv")
    return tuple(table[["country_code", "valid_from", "valid_to", "note"]].itertuples(index=False, name=None))


def load_representation_notes() -> pd.DataFrame:
    """One row per note on who cast a seat's votes: country_code, valid_from, valid_to (inclusive
    ISO dates, valid_to "" = still so), note (plain words, for the dashboard and ``show``)."""
    return pd.DataFrame(list(_notes()), columns=["country_code", "valid_from", "valid_to", "note"])


def representation_notes(code: str, date: str | dt.date | None = None) -> list[str]:
    """The notes about ``code``'s seat that hold on ``date`` (all of them without a date)."""
    day = None if date is None else _as_iso_date(date)
    return [note for country, valid_from, valid_to, note in _notes()
            if country == code and (day is None or (valid_from <= day and (valid_to == "" or day <= valid_to)))]
