"""The checks every parser makes at the edge, before anything reaches the store: dates, symbols, counts, sizes.

Each check takes the value and `where` (the file and line, record or field it came from) and either
returns the clean value or raises `ParseError` with one line naming `where`. Size limits are read
from the environment at the time of the check, so a user with a bigger file can raise them.
"""
from __future__ import annotations

import datetime
import math
import os
import re
import zlib
from pathlib import Path

from scraper.records import ParseError
from scraper.symbols import normalise_symbol

# The Assembly first met on 10 January 1946; its first recorded vote is of 26 January 1946.
FIRST_DATE = datetime.date(1946, 1, 1)
# One day of slack past today (UTC): a vote dated "tomorrow" in some time zone is still real.
_SLACK = datetime.timedelta(days=1)

# The most members the Assembly could ever list: 193 today; the bound leaves room, and refuses
# tallies like 10**18 that would turn every share and chart into nonsense.
MAX_COUNT = 1000

# Size limits, in megabytes, overridable through the environment. The Library's bulk file is about
# 10 MB compressed and about 300 MB unpacked; the limits leave room for years of growth and stop a
# gzip bomb or /dev/zero before it eats the machine's memory.
MAX_FILE_MB_ENV = "UNGA_MAX_FILE_MB"
MAX_UNPACKED_MB_ENV = "UNGA_MAX_UNPACKED_MB"
DEFAULT_MAX_FILE_MB = 512
DEFAULT_MAX_UNPACKED_MB = 2048

# A General Assembly resolution (A/RES/…) or decision (A/DEC/…), spelled as `normalise_symbol`
# leaves it: no spaces; digits, capitals and the punctuation the Library's symbols use
# (A/RES/181(II)[A], A/RES/39/236[SECTIONIII], A/RES/37/235C-II, A/RES/ES-10/21).
_ASSEMBLY_SYMBOL = re.compile(r"A/(?:RES|DEC)/(?=[^/]*[0-9])[0-9A-Z()\[\]./\-]{1,60}")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def shown(value: object, limit: int = 60) -> str:
    """`value` quoted for an error message, cut short when long (hostile input can be megabytes)."""
    text = value if isinstance(value, str) else repr(value)
    return repr(text if len(text) <= limit else text[: limit - 1] + "…") if isinstance(value, str) else text[:limit]


def last_possible_date() -> datetime.date:
    """Today in UTC plus a day: no vote can be dated later."""
    return datetime.datetime.now(datetime.timezone.utc).date() + _SLACK


def check_date(value: datetime.date, where: str, text: str | None = None) -> str:
    """`value` as ISO YYYY-MM-DD when it falls inside the Assembly's record (1946 to today)."""
    if not FIRST_DATE <= value <= last_possible_date():
        raise ParseError(
            f"{where}: date {shown(text if text is not None else value.isoformat())} is outside the Assembly's record "
            f"({FIRST_DATE.isoformat()} to today)"
        )
    return value.isoformat()


def iso_date(text: object, where: str) -> str:
    """An ISO date `YYYY-MM-DD` that exists (no 2020-02-30) and falls inside the record (no 9999-12-31)."""
    if not isinstance(text, str):
        raise ParseError(f"{where}: date {shown(text)} is not text like 2020-12-07")
    stripped = text.strip()
    match = _ISO_DATE.fullmatch(stripped)
    if not match:
        raise ParseError(f"{where}: date {shown(stripped)} is not YYYY-MM-DD")
    try:
        day = datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ParseError(f"{where}: date {shown(stripped)} does not exist") from None
    return check_date(day, where, stripped)


def assembly_symbol(value: object, where: str) -> str:
    """The normalised symbol when `value` is a General Assembly resolution or decision, else ParseError.

    Refuses what is not text (a JSON number or null), other bodies' symbols (S/RES/2720) and words.
    """
    if not isinstance(value, str):
        raise ParseError(f"{where}: symbol {shown(value)} is not text like A/RES/75/287")
    symbol = normalise_symbol(value)
    if not _ASSEMBLY_SYMBOL.fullmatch(symbol):
        raise ParseError(
            f"{where}: symbol {shown(value.strip())} is not a General Assembly resolution or decision "
            "(A/RES/… or A/DEC/…)"
        )
    return symbol


def count(value: object, where: str, *, none_words: tuple[str, ...] = ()) -> int | None:
    """A tally: a whole number from 0 to MAX_COUNT, written as an int, "120", or "120.0"; None when
    empty (or one of `none_words`, such as the extracts' "N.A."). Refuses NaN, negatives, fractions,
    booleans, huge numbers and other JSON types."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ParseError(f"{where}: count {shown(value)} is not a number")
    if isinstance(value, str):
        text = value.strip()
        if not text or text in none_words:
            return None
        if len(text) > 12:
            raise ParseError(f"{where}: count {shown(text)} is not a count of members")
        if not re.fullmatch(r"[0-9]+(\.0*)?", text):
            raise ParseError(f"{where}: count {shown(text)} is not a whole number")
        value = float(text)
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value) or value != int(value)):
        raise ParseError(f"{where}: count {shown(value)} is not a whole number")
    number = int(value)
    if not 0 <= number <= MAX_COUNT:
        raise ParseError(f"{where}: count {number} is not a count of members (0 to {MAX_COUNT})")
    return number


def _limit_bytes(env: str, default_mb: int) -> int:
    text = os.environ.get(env, "").strip()
    if not text:
        return default_mb * 1024 * 1024
    try:
        megabytes = float(text)
    except ValueError:
        raise ParseError(f"${env}={text!r} is not a number of megabytes") from None
    if not megabytes > 0 or math.isinf(megabytes):
        raise ParseError(f"${env}={text!r} must be a positive number of megabytes")
    return int(megabytes * 1024 * 1024)


def max_file_bytes() -> int:
    """The largest input file read ($UNGA_MAX_FILE_MB, default 512 MB)."""
    return _limit_bytes(MAX_FILE_MB_ENV, DEFAULT_MAX_FILE_MB)


def max_unpacked_bytes() -> int:
    """The most bytes a compressed input may unpack to ($UNGA_MAX_UNPACKED_MB, default 2048 MB)."""
    return _limit_bytes(MAX_UNPACKED_MB_ENV, DEFAULT_MAX_UNPACKED_MB)


def read_file(path: Path) -> bytes:
    """The bytes of `path`, refusing one larger than `max_file_bytes()` without reading it all
    (so /dev/zero or a FIFO ends at the limit, not in a MemoryError). Raises ParseError or OSError."""
    limit = max_file_bytes()
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ParseError(
            f"{path}: larger than {limit // (1024 * 1024)} MB, the limit for one file; "
            f"set ${MAX_FILE_MB_ENV} to read a bigger one"
        )
    return data


class UnpackedTooLarge(ParseError):
    """A compressed input unpacks to more than `max_unpacked_bytes()`."""


def unpacked_too_large(where: str, limit: int) -> UnpackedTooLarge:
    return UnpackedTooLarge(
        f"{where}: unpacks to more than {limit // (1024 * 1024)} MB, the limit (a damaged or hostile "
        f"gzip file?); set ${MAX_UNPACKED_MB_ENV} to read a bigger one"
    )


class GunzipReader:
    """A read-only binary stream of a gzip body's unpacked bytes that stops at `limit`.

    Inflates in slices with `max_length`, so a 31 MB bomb never holds more than one slice unpacked
    at a time; reading past `limit` raises `UnpackedTooLarge` naming `where`. Handles gzip files
    of several members, as `gzip` writes when appending.
    """

    _SLICE = 1 << 20

    def __init__(self, data: bytes, where: str, limit: int | None = None):
        self._data = memoryview(data)
        self._where = where
        self._limit = max_unpacked_bytes() if limit is None else limit
        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._position = 0  # in the compressed input
        self.unpacked = 0
        self.closed = False

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        wanted = self._limit + 1 if size is None or size < 0 else size  # -1: everything, up to the limit
        out = bytearray()
        while len(out) < wanted:
            room = min(wanted - len(out), self._SLICE)
            if self._inflater.eof:  # checked first: past the end, input may sit in either tail
                rest = self._inflater.unused_data or self._inflater.unconsumed_tail
                if not rest and self._position < len(self._data):
                    rest = bytes(self._next_piece())
                if not rest.strip(b"\x00"):
                    break  # the end, or the zero padding some writers leave after the last member
                self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)  # the next gzip member
                chunk = self._inflater.decompress(rest, room)
            elif self._inflater.unconsumed_tail:
                chunk = self._inflater.decompress(self._inflater.unconsumed_tail, room)
            elif self._position < len(self._data):
                chunk = self._inflater.decompress(self._next_piece(), room)
            else:
                raise zlib.error("the gzip stream ends before its end marker (truncated)")
            out += chunk
            self.unpacked += len(chunk)
            if self.unpacked > self._limit:
                raise unpacked_too_large(self._where, self._limit)
        return bytes(out)

    def _next_piece(self) -> memoryview:
        piece = self._data[self._position : self._position + self._SLICE]
        self._position += len(piece)
        return piece

    def close(self) -> None:
        self.closed = True
