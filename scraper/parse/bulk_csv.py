"""Read the UN Digital Library's official bulk file "United Nations General Assembly Voting Data".

One row per member state per recorded vote (record 4060887 of the Library). Both layouts are
recognised: the 2025–26 one (`ms_code`, `ms_vote` with `X`) and December 2024's (`ms_codes`,
`ms_votes` with `NV`). Gzip or plain text. Bytes in, `RollCall` records out; no I/O.
"""
from __future__ import annotations

import csv
import io
import re
import zlib

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from scraper import countries, validate
from scraper.records import VOTE_CODES, MemberVote, ParseError, RollCall
from scraper.symbols import session_of

REQUIRED_COLUMNS = ("undl_id", "ms_name", "date", "resolution")
_PER_MEMBER_COLUMNS = ("undl_id", "ms_code", "ms_name", "ms_vote", "date", "resolution")
_PER_VOTE_COLUMNS = ("undl_id", "date", "session", "draft", "committee_report", "meeting", "title", "agenda_title",
                     "subjects", "total_yes", "total_no", "total_abstentions", "total_non_voting", "total_ms")
# Columns that the two published layouts spell differently, mapped onto the current spelling.
_LAYOUT_ALIASES = {"ms_codes": "ms_code", "ms_votes": "ms_vote"}
_VOTE_ALIASES = {"NV": "X", "": "X"}
# Old record pages put a lower-case letter before a non-voting state's name: the vote it later said it
# meant to cast (y, n, a). The row stays non-voting; the letter is kept apart as a stated intention.
# The Library's titles end with a statement of responsibility that says nothing about the vote.
_TITLE_STATEMENT = re.compile(r"\s*:\s*(draft )?resolutions?\s*/\s*adopted by the General Assembly\.?\s*$", re.IGNORECASE)
_STATED_INTENTION = re.compile(r"^(?P<letter>[yna]) (?P<name>.+)$")


def sniff(head: bytes) -> bool:
    """True when `head` (the first bytes of a file, gzip or not) looks like the bulk file."""
    text = _decompress_head(head)
    first_line = text.split("\n", 1)[0].lower()
    columns = {c.strip().strip('"') for c in first_line.split(",")}
    # Recognised by its key and member columns even when one is missing, so the parser can say which.
    return "undl_id" in columns and any(c.startswith("ms_") for c in columns)


def parse_bulk_csv(data: bytes, source_name: str) -> list[RollCall]:
    """Parse the whole bulk file into one `RollCall` per recorded vote, members in file order.

    Raises `ParseError` naming `source_name` and the line for a truncated gzip, a missing column, an
    unknown vote code, a row without a name, or one vote (symbol) that appears under two record ids
    or lists a member twice.
    """
    try:
        # pyarrow's reader is several times faster than pandas' on the million-row file, and keeps
        # the per-vote columns (title, agenda…) compact until one row per vote is taken from them.
        table = _read_table(data, source_name)
    except (pa.ArrowInvalid, csv.Error, StopIteration, UnicodeDecodeError, OSError) as error:
        raise ParseError(f"{source_name}: not a readable CSV file ({error})") from error
    table = table.rename_columns([_LAYOUT_ALIASES.get(c.strip(), c.strip()) for c in table.column_names])
    missing = [c for c in (*REQUIRED_COLUMNS, "ms_vote") if c not in table.column_names]
    if missing:
        raise ParseError(
            f"{source_name}: missing column(s) {', '.join(missing)}; the bulk file's columns are "
            "described in BULK_FILE_COLUMNS.md (undl_id, ms_code, ms_name, ms_vote, date, resolution, …)"
        )
    frame = table.select([c for c in _PER_MEMBER_COLUMNS if c in table.column_names]).to_pandas()
    if "ms_code" not in frame.columns:
        frame["ms_code"] = ""
    frame["line"] = frame.index + 2  # the header is line 1
    frame["ms_vote"] = frame["ms_vote"].str.strip().str.upper().replace(_VOTE_ALIASES)
    bad_votes = frame[~frame["ms_vote"].isin(VOTE_CODES)]
    if len(bad_votes):
        row = bad_votes.iloc[0]
        raise ParseError(
            f"{source_name}, line {row['line']}: unknown vote code {row['ms_vote']!r} "
            f"(expected Y, N, A, X or NV); {len(bad_votes)} such row(s)"
        )
    nameless = frame[frame["ms_name"].str.strip() == ""]
    if len(nameless):
        raise ParseError(f"{source_name}, line {nameless.iloc[0]['line']}: a member row without a name")
    blank = frame[(frame["resolution"].str.strip() == "") | (frame["undl_id"].str.strip() == "")]
    if len(blank):
        raise ParseError(f"{source_name}, line {blank.iloc[0]['line']}: a row without a resolution symbol or undl_id")
    symbols = {s: _assembly_symbol(s, frame, source_name) for s in frame["resolution"].unique()}
    frame["symbol"] = frame["resolution"].map(symbols)
    _check_one_record_per_symbol(frame, source_name)
    _check_no_member_twice(frame, source_name)
    intention = frame["ms_name"].str.strip().str.extract(_STATED_INTENTION)
    has_intention = intention["letter"].notna()
    frame["name"] = frame["ms_name"].str.strip().where(~has_intention, intention["name"])
    frame["intention"] = intention["letter"].fillna("").str.upper()
    frame["ms_code"] = _codes_for_blank(frame, source_name)
    columns = {c: frame[c].tolist() for c in ("name", "ms_code", "ms_vote", "intention")}
    first_rows = frame.drop_duplicates("undl_id").index.to_numpy()
    firsts = {}
    for position, row in zip(first_rows, table.take(first_rows).to_pylist()):
        firsts[position] = {column: row.get(column, "") for column in _PER_VOTE_COLUMNS} | {
            "symbol": frame.at[position, "symbol"], "line": position + 2}
    del table
    roll_calls = []
    for positions in frame.groupby("undl_id", sort=False).indices.values():
        votes = [
            MemberVote(columns["name"][i], columns["ms_vote"][i], columns["ms_code"][i].strip(), columns["intention"][i])
            for i in positions
        ]
        roll_calls.append(_roll_call(firsts[positions[0]], votes, source_name))
    return roll_calls


def _codes_for_blank(frame: pd.DataFrame, source_name: str) -> pd.Series:
    """The file's codes, with names it left uncoded (USSR, BURMA… about 8% of rows) mapped by name and date."""
    codes = frame["ms_code"].str.strip()
    blank = frame.loc[codes == "", ["name", "date", "line"]]
    resolved = {}
    for name, date, line in blank.drop_duplicates(["name", "date"]).itertuples(index=False):
        try:
            resolved[(name, date)] = countries.resolve_code(name, date)
        except countries.UnknownCountryError as error:
            raise ParseError(f"{source_name}, line {line}: {error}") from error
    codes.loc[blank.index] = [resolved[key] for key in zip(blank["name"], blank["date"])]
    return codes


def _roll_call(first: dict, votes: list[MemberVote], source_name: str) -> RollCall:
    return RollCall(
        symbol=first["symbol"],
        date=_iso_date(first["date"], source_name, first["line"]),
        # The file's own session column is occasionally wrong; the symbol is not.
        session=session_of(first["symbol"]) or first["session"].strip(),
        undl_id=_int(first["undl_id"], source_name, first["line"], "undl_id"),
        title=strip_title_statement(first["title"]),
        agenda=first["agenda_title"].strip(),
        subjects=tuple(s.strip() for s in first["subjects"].split("|") if s.strip()),
        meeting=first["meeting"].strip(),
        draft=first["draft"].strip(),
        committee_report=first["committee_report"].strip(),
        yes=_count(first["total_yes"], source_name, first["line"]),
        no=_count(first["total_no"], source_name, first["line"]),
        abstain=_count(first["total_abstentions"], source_name, first["line"]),
        non_voting=_count(first["total_non_voting"], source_name, first["line"]),
        members=_count(first["total_ms"], source_name, first["line"]),
        votes=votes,
    )


def _assembly_symbol(resolution: str, frame: pd.DataFrame, source_name: str) -> str:
    try:
        return validate.assembly_symbol(resolution, source_name)
    except ParseError:
        line = frame.loc[frame["resolution"] == resolution, "line"].iloc[0]
        return validate.assembly_symbol(resolution, f"{source_name}, line {line}")


def strip_title_statement(title: str) -> str:
    """'The situation in Myanmar : resolution / adopted by the General Assembly' -> 'The situation in Myanmar'."""
    return _TITLE_STATEMENT.sub("", title.strip())


def _check_no_member_twice(frame: pd.DataFrame, source_name: str) -> None:
    member = frame["ms_code"].str.strip().where(frame["ms_code"].str.strip() != "", frame["ms_name"].str.strip().str.upper())
    repeated = frame[member.duplicated(keep=False) & frame.assign(member=member).duplicated(["undl_id", "member"], keep=False)]
    if len(repeated):
        first, second = repeated.iloc[0], repeated.iloc[1]
        raise ParseError(
            f"{source_name}, line {second['line']}: {second['ms_name'].strip()} appears twice in the vote on "
            f"{second['symbol']} (also at line {first['line']})"
        )


def _check_one_record_per_symbol(frame: pd.DataFrame, source_name: str) -> None:
    ids_per_symbol = frame.groupby("symbol")["undl_id"].nunique()
    clashes = ids_per_symbol[ids_per_symbol > 1]
    if len(clashes):
        symbol = clashes.index[0]
        rows = frame[frame["symbol"] == symbol].drop_duplicates("undl_id")
        spellings = ", ".join(f"{r.resolution!r} (record {r.undl_id}, line {r.line})" for r in rows.itertuples())
        raise ParseError(f"{source_name}: one vote under two records: {spellings} are all {symbol}")
    symbols_per_id = frame.groupby("undl_id")["symbol"].nunique()
    mixed = symbols_per_id[symbols_per_id > 1]
    if len(mixed):
        rows = frame[frame["undl_id"] == mixed.index[0]].drop_duplicates("symbol")
        raise ParseError(
            f"{source_name}, line {rows.iloc[1]['line']}: record {mixed.index[0]} carries two symbols: "
            + ", ".join(rows["resolution"])
        )


def _read_table(data: bytes, source_name: str) -> pa.Table:
    """Every column as text, empty cells as "" (never null). Gzip is inflated as a stream, capped at
    `validate.max_unpacked_bytes()`: inflating the 300 MB file in one piece would double the peak
    memory, and a gzip bomb must stop at the cap, not at the end of the machine's memory."""
    gzipped = data[:2] == b"\x1f\x8b"
    head = _decompress_head(data[:65536]) if gzipped else data[:65536].decode("utf-8", errors="replace")
    header = next(csv.reader([head.removeprefix("\ufeff").split("\n", 1)[0]]))
    if not header:
        raise ParseError(f"{source_name}, line 1: no column names")
    stream = validate.GunzipReader(data, source_name) if gzipped else pa.BufferReader(data)
    ragged: list[str] = []

    def refuse_ragged(row) -> str:
        # Stop at the first row with too few or too many cells; its line is found below.
        ragged.append(f"{row.actual_columns} cells where the header has {row.expected_columns}")
        return "error"

    try:
        table = pa_csv.read_csv(
            stream,
            read_options=pa_csv.ReadOptions(block_size=_BLOCK_BYTES),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True, invalid_row_handler=refuse_ragged),
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.string() for name in header}, strings_can_be_null=False
            ),
        )
    except validate.UnpackedTooLarge:
        raise
    except zlib.error as error:
        raise ParseError(f"{source_name}: the gzip file is truncated or damaged ({error}); download it again") from error
    except (pa.ArrowInvalid, OSError) as error:
        if isinstance(error, OSError) and gzipped and not isinstance(error, pa.ArrowInvalid):
            raise ParseError(f"{source_name}: the gzip file is truncated or damaged ({error}); download it again") from error
        line, problem = _locate_bad_line(data, source_name, len(header), ragged)
        if line is None:
            raise
        raise ParseError(f"{source_name}, line {line}: {problem}") from error
    _check_cell_sizes(table, source_name)
    return table


# The longest real cell (an agenda line) is under 10 kB; a megabyte is not a title but damage.
_MAX_CELL_BYTES = 1 << 20


def _check_cell_sizes(table: pa.Table, source_name: str) -> None:
    for name, column in zip(table.column_names, table.columns):
        lengths = pc.binary_length(column)
        if table.num_rows and pc.max(lengths).as_py() > _MAX_CELL_BYTES:
            row = pc.index(pc.greater(lengths, _MAX_CELL_BYTES), True).as_py()
            raise ParseError(
                f"{source_name}, line {row + 2}: the {name} cell is longer than {_MAX_CELL_BYTES >> 20} MB "
                "(not the bulk file's layout)"
            )


# pyarrow reads in blocks and cannot split a row across two; a row longer than a block is refused
# with the line named. 16 MB is fifty times the longest real row (agenda and title of a vote).
_BLOCK_BYTES = 16 << 20


def _locate_bad_line(data: bytes, source_name: str, columns: int, ragged: list[str]) -> tuple[int | None, str]:
    """(line number, what is wrong) for the first line too long for a block or with the wrong number
    of cells, read with the standard csv module (slower, but only after pyarrow has refused the file)."""
    stream = validate.GunzipReader(data, source_name) if data[:2] == b"\x1f\x8b" else io.BytesIO(data)
    text = io.TextIOWrapper(stream, encoding="utf-8", errors="replace", newline="")
    csv.field_size_limit(_BLOCK_BYTES * 4)
    reader = csv.reader(text)
    try:
        for row in reader:
            if reader.line_num > 1 and len(row) != columns:
                return reader.line_num, f"{len(row)} cells where the header has {columns} (a ragged row)"
            if sum(len(cell) for cell in row) >= _BLOCK_BYTES:
                return reader.line_num, f"a row longer than {_BLOCK_BYTES >> 20} MB (not the bulk file's layout)"
    except csv.Error as error:
        return reader.line_num or 1, f"a row longer than {_BLOCK_BYTES >> 20} MB or not CSV ({error})"
    return None, ragged[0] if ragged else ""


def _decompress_head(head: bytes) -> str:
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head)
        except zlib.error:
            return ""
    return head.decode("utf-8-sig", errors="replace")


def _iso_date(text: str, source_name: str, line: int) -> str:
    return validate.iso_date(text, f"{source_name}, line {line}")


def _int(text: str, source_name: str, line: int, column: str) -> int:
    if not re.fullmatch(r"[0-9]{1,12}", text.strip()):  # a record id: bounded, so int() never meets 5,000 digits
        raise ParseError(f"{source_name}, line {line}: {column} {validate.shown(text)} is not a record number")
    return int(text.strip())


def _count(text: str, source_name: str, line: int) -> int | None:
    # The file writes counts as "120.0".
    return validate.count(text, f"{source_name}, line {line}: tally")
