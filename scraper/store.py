"""The vote store: one SQLite file holding every recorded vote, its member votes and where each came from.

Writers go through `save_batches` / `save_roll_calls` (one transaction each: a save lands whole or not
at all); readers use the `load_*` functions, which return the tidy tables described in the README's
data dictionary. WAL journaling lets readers (the dashboard) keep reading while an import writes.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import sqlite3
import time
import urllib.request
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from scraper import countries
from scraper.merging import RecordSummary, find_merges
from scraper.records import MemberVote, RollCall
from scraper.symbols import normalise_symbol, parse_symbol

REPOSITORY = Path(__file__).resolve().parent.parent
SCHEMA_VERSION = 3

# Which source's observation of a vote becomes the store's row, best first. The Library's voting
# records list every member (non-voting ones too) under the Library's own codes; the UN's extracts
# list only Y/N/A states, so their non-voting members are inferred from membership dates; a search
# results page carries counts only. Among observations of the same rank, the latest saved wins.
SOURCE_RANK = {"undl_bulk": 0, "undl_marcxml": 0, "undl_html": 0, "unxml": 1, "undl_search": 2}

_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE sources (
        source_id    INTEGER PRIMARY KEY,
        kind         TEXT NOT NULL,
        name         TEXT NOT NULL,
        url          TEXT NOT NULL DEFAULT '',
        sha256       TEXT NOT NULL UNIQUE,
        retrieved_at TEXT,
        imported_at  TEXT NOT NULL,
        roll_calls   INTEGER NOT NULL,
        vote_rows    INTEGER NOT NULL,
        new          INTEGER NOT NULL,
        changed      INTEGER NOT NULL,
        unchanged    INTEGER NOT NULL
    );
    CREATE TABLE roll_calls (
        roll_call_id     INTEGER PRIMARY KEY,
        symbol           TEXT NOT NULL UNIQUE,
        undl_id          INTEGER,
        date             TEXT NOT NULL,
        session          TEXT NOT NULL,
        title            TEXT NOT NULL DEFAULT '',
        agenda           TEXT NOT NULL DEFAULT '',
        subjects         TEXT NOT NULL DEFAULT '',
        meeting          TEXT NOT NULL DEFAULT '',
        draft            TEXT NOT NULL DEFAULT '',
        committee_report TEXT NOT NULL DEFAULT '',
        yes              INTEGER,
        no               INTEGER,
        abstain          INTEGER,
        non_voting       INTEGER,
        members          INTEGER,
        sponsors         TEXT NOT NULL DEFAULT '',
        sdgs             TEXT NOT NULL DEFAULT '',
        source           TEXT NOT NULL,
        flag             TEXT
    );
    CREATE INDEX roll_calls_by_date ON roll_calls (date);
    CREATE INDEX roll_calls_by_undl_id ON roll_calls (undl_id);
    CREATE TABLE votes (
        roll_call_id     INTEGER NOT NULL REFERENCES roll_calls,
        country_code     TEXT NOT NULL,
        country_name     TEXT NOT NULL,
        vote             TEXT NOT NULL CHECK (vote IN ('Y', 'N', 'A', 'X')),
        stated_intention TEXT NOT NULL DEFAULT '' CHECK (stated_intention IN ('', 'Y', 'N', 'A')),
        PRIMARY KEY (roll_call_id, country_code)
    ) WITHOUT ROWID;
    CREATE TABLE observations (
        roll_call_id INTEGER NOT NULL REFERENCES roll_calls,
        source_kind  TEXT NOT NULL,
        source_id    INTEGER NOT NULL REFERENCES sources,
        yes          INTEGER,
        no           INTEGER,
        abstain      INTEGER,
        non_voting   INTEGER,
        members      INTEGER,
        record       BLOB NOT NULL,
        PRIMARY KEY (roll_call_id, source_kind)
    );
    CREATE TABLE disagreements (
        roll_call_id INTEGER PRIMARY KEY REFERENCES roll_calls,
        sources      TEXT NOT NULL,
        detail       TEXT NOT NULL
    );
    CREATE TABLE countries (
        country_code TEXT PRIMARY KEY,
        name         TEXT NOT NULL,
        admitted     TEXT,
        left         TEXT,
        un_m49       TEXT
    );
    CREATE TABLE country_names (
        name         TEXT NOT NULL,
        country_code TEXT NOT NULL REFERENCES countries,
        valid_from   TEXT,
        valid_to     TEXT
    );
    CREATE TABLE successions (
        predecessor_code TEXT NOT NULL REFERENCES countries,
        successor_code   TEXT NOT NULL REFERENCES countries,
        date             TEXT,
        kind             TEXT NOT NULL,
        continuator      INTEGER NOT NULL DEFAULT 0
    );
    """,
    # Version 2: one recorded vote, one roll call. A source's record is keyed by its own symbol and
    # points at the roll call it was merged into (`merged` says why, empty when the record names
    # the roll call); roll calls get a `kind` and an `excluded` reason. The old tables are rebuilt
    # from the kept observations (`_replay_observations`), so no source record is lost.
    2: """
    ALTER TABLE observations RENAME TO observations_v1;
    DROP TABLE disagreements;
    DROP TABLE votes;
    DROP TABLE roll_calls;
    CREATE TABLE roll_calls (
        roll_call_id     INTEGER PRIMARY KEY,
        symbol           TEXT NOT NULL UNIQUE,
        undl_id          INTEGER,
        date             TEXT NOT NULL,
        session          TEXT NOT NULL,
        title            TEXT NOT NULL DEFAULT '',
        agenda           TEXT NOT NULL DEFAULT '',
        subjects         TEXT NOT NULL DEFAULT '',
        meeting          TEXT NOT NULL DEFAULT '',
        draft            TEXT NOT NULL DEFAULT '',
        committee_report TEXT NOT NULL DEFAULT '',
        yes              INTEGER,
        no               INTEGER,
        abstain          INTEGER,
        non_voting       INTEGER,
        members          INTEGER,
        sponsors         TEXT NOT NULL DEFAULT '',
        sdgs             TEXT NOT NULL DEFAULT '',
        source           TEXT NOT NULL,
        flag             TEXT,
        kind             TEXT NOT NULL DEFAULT 'resolution' CHECK (kind IN ('resolution', 'decision', 'other')),
        excluded         TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX roll_calls_by_date ON roll_calls (date);
    CREATE INDEX roll_calls_by_undl_id ON roll_calls (undl_id);
    CREATE TABLE votes (
        roll_call_id     INTEGER NOT NULL REFERENCES roll_calls,
        country_code     TEXT NOT NULL,
        country_name     TEXT NOT NULL,
        vote             TEXT NOT NULL CHECK (vote IN ('Y', 'N', 'A', 'X')),
        stated_intention TEXT NOT NULL DEFAULT '' CHECK (stated_intention IN ('', 'Y', 'N', 'A')),
        PRIMARY KEY (roll_call_id, country_code)
    ) WITHOUT ROWID;
    CREATE TABLE observations (
        source_kind  TEXT NOT NULL,
        symbol       TEXT NOT NULL,
        roll_call_id INTEGER NOT NULL REFERENCES roll_calls,
        source_id    INTEGER NOT NULL REFERENCES sources,
        undl_id      INTEGER,
        yes          INTEGER,
        no           INTEGER,
        abstain      INTEGER,
        non_voting   INTEGER,
        members      INTEGER,
        record       BLOB NOT NULL,
        merged       TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (source_kind, symbol)
    );
    CREATE INDEX observations_by_roll_call ON observations (roll_call_id);
    CREATE INDEX observations_by_symbol ON observations (symbol);
    CREATE TABLE disagreements (
        roll_call_id INTEGER PRIMARY KEY REFERENCES roll_calls,
        sources      TEXT NOT NULL,
        detail       TEXT NOT NULL
    );
    """,
    # Version 3: the states that joined a draft later (the extracts' "additional sponsors") kept apart
    # from those named on it. Rows saved before keep both lists in `sponsors`, this column empty, until
    # the extracts are imported again into a new store (their kept records do not hold the split either).
    3: """
    ALTER TABLE roll_calls ADD COLUMN additional_sponsors TEXT NOT NULL DEFAULT ''
    """,
}

EXCLUDED_NO_VOTES = "no member voted Yes, No or Abstain (0-0-0): not a recorded vote"


class StoreError(RuntimeError):
    """The store cannot be opened or written; the message says what to do."""


@dataclass
class SourceInfo:
    """Where a batch of roll calls came from: one imported file or one fetched response."""

    kind: str  # a key of SOURCE_RANK
    name: str  # file name or URL path
    sha256: str
    url: str = ""
    retrieved_at: str | None = None


@dataclass
class SaveSummary:
    """What a save did. `flagged` lists (symbol, reason) for records whose votes don't add up."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    flagged: list[tuple[str, str]] = field(default_factory=list)
    skipped_sources: list[str] = field(default_factory=list)  # already imported, byte for byte

    def add(self, other: SaveSummary) -> None:
        self.new += other.new
        self.changed += other.changed
        self.unchanged += other.unchanged
        self.flagged += other.flagged
        self.skipped_sources += other.skipped_sources


def default_db_path() -> Path:
    """`$UNGA_DB` if set, else data/unvotes.sqlite in the repository."""
    return Path(os.environ.get("UNGA_DB") or REPOSITORY / "data" / "unvotes.sqlite")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# How long a writer waits for another to finish before giving up (a whole import takes ~20 s).
LOCK_TIMEOUT_SECONDS = 30.0


def connect(db: str | os.PathLike | None = None, *, readonly: bool = False) -> sqlite3.Connection:
    """Open the store, creating and migrating it on first use (unless `readonly`).

    A read-only store (the file, or its folder, not writable) opens for reading all the same. Any
    failure (not a store, damaged, locked, disk full, read-only when writing) is a `StoreError` whose
    one-line message names the store and says what to do.
    """
    path = Path(db) if db else default_db_path()
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a vote store: give the store's file, e.g. {path / 'unvotes.sqlite'}")
    if readonly and not path.exists():
        raise StoreError(
            f"no vote store at {path}. Build it first: python -m scraper setup (the record shipped in "
            "data/package, in seconds), or python -m scraper import FILE... for the Library's bulk file"
        )
    try:
        return _open_for_reading(path) if readonly else _open_for_writing(path)
    except sqlite3.Error as error:
        raise StoreError(describe_sqlite_error(error, path)) from None
    except OSError as error:
        raise StoreError(f"cannot open the store at {path}: {error.strerror or error}") from None


def _open_for_reading(path: Path) -> sqlite3.Connection:
    uri = "file:" + urllib.request.pathname2url(str(path.resolve()))
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=LOCK_TIMEOUT_SECONDS, isolation_level=None)
    try:
        _probe(conn)
        if 0 < conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            # A store written by an older version: migrate it once (readers need the new columns).
            conn.close()
            try:
                _open_for_writing(path).close()
            except sqlite3.OperationalError as error:
                raise StoreError(f"the store at {path} has an older schema and cannot be migrated here ({error}): "
                                 "open it once where it can be written (python -m scraper status)") from None
            conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=LOCK_TIMEOUT_SECONDS, isolation_level=None)
        return conn
    except sqlite3.OperationalError as error:
        conn.close()
        if not _is_read_only_error(error):
            raise
    # A WAL store whose folder cannot be written (a read-only deployment): SQLite cannot create the
    # shared-memory file beside it, so open it as immutable. Nobody can write to it from there.
    conn = sqlite3.connect(f"{uri}?immutable=1", uri=True, timeout=LOCK_TIMEOUT_SECONDS, isolation_level=None)
    try:
        _probe(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _open_for_writing(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + LOCK_TIMEOUT_SECONDS
    while True:
        conn = sqlite3.connect(path, timeout=LOCK_TIMEOUT_SECONDS, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            _migrate(conn)
            return conn
        except sqlite3.OperationalError as error:
            conn.close()
            # Switching a brand-new file to WAL while another process creates the same store answers
            # "database is locked" at once, without SQLite's busy wait: wait and try again.
            if "locked" not in str(error).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
        except BaseException:
            conn.close()
            raise


def _probe(conn: sqlite3.Connection) -> None:
    # Opening is lazy: the first read is what finds a damaged, foreign or unreadable file.
    conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()


def _is_read_only_error(error: sqlite3.Error) -> bool:
    text = str(error).lower()
    return "readonly" in text or "read-only" in text or "unable to open" in text


def describe_sqlite_error(error: sqlite3.Error, path: Path) -> str:
    """One line a user can act on, for an SQLite error met on the store at `path`."""
    text = str(error)
    lowered = text.lower()
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return (f"{path} is not a vote store or is damaged ({text}); give another --db, or move it aside and "
                "build the store again (python -m scraper setup)")
    if "locked" in lowered or "busy" in lowered:
        return (f"the store at {path} is busy: another import or sync held it for over "
                f"{LOCK_TIMEOUT_SECONDS:.0f} s; nothing was saved; run again when it has finished")
    if "disk is full" in lowered or "disk full" in lowered:
        return f"the disk holding {path} is full: nothing was saved; free some space and run again"
    if _is_read_only_error(error):
        return (f"the store at {path} cannot be written (read-only file or folder): status, show, the analysis "
                "and the dashboard can read it; to import or sync, give a writable --db")
    return f"the store at {path}: {text}"


def _migrate(conn: sqlite3.Connection) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(f"the store has schema version {version}, newer than this code's {SCHEMA_VERSION}: update the project")
    for target in range(version + 1, SCHEMA_VERSION + 1):
        with _transaction(conn):
            # Read again under the write lock: another process creating the same new store may
            # have migrated it while this one waited ("table meta already exists" otherwise).
            if conn.execute("PRAGMA user_version").fetchone()[0] >= target:
                continue
            # Statement by statement: executescript() would commit and break the transaction.
            for statement in _MIGRATIONS[target].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {target}")
            if target == 1:
                _refresh_country_tables(conn)
            # Version 2's rebuild of the roll calls from the kept records writes every column this code
            # knows, so it runs once the newest schema is in place (with the last step, in its transaction).
            if target == SCHEMA_VERSION and conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'observations_v1'").fetchone():
                _replay_observations(conn)


def _replay_observations(conn: sqlite3.Connection) -> None:
    """Rebuild roll calls, votes and disagreements from the kept source records (migration 2):
    every record is saved again under its canonical symbol, then the merge rule runs."""
    rows = conn.execute("SELECT o.source_kind, o.source_id, o.record FROM observations_v1 o ORDER BY o.source_id").fetchall()
    dates = set()
    for kind, source_id, payload in rows:
        roll_call = _decode(payload)
        roll_call.symbol = normalise_symbol(roll_call.symbol)
        _save_roll_call(conn, SourceInfo(kind, "", ""), source_id, _with_codes(roll_call, "the store"))
        dates.add(roll_call.date)
    conn.execute("DROP TABLE observations_v1")
    _apply_merge_rule(conn, dates)
    if rows:
        _stamp_data_version(conn)


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    # IMMEDIATE takes the write lock at once, so two writers queue instead of failing half-way.
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        # SQLite has already rolled back after some errors (disk full): a second ROLLBACK would fail
        # with "no transaction is active" and hide the real error.
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def save_roll_calls(
    db: str | os.PathLike | sqlite3.Connection | None,
    roll_calls: Iterable[RollCall],
    *,
    source_kind: str,
    source_name: str,
    sha256: str,
    url: str = "",
    retrieved_at: str | None = None,
) -> SaveSummary:
    """Save the roll calls of one source in one transaction; re-saving the same bytes changes nothing."""
    source = SourceInfo(source_kind, source_name, sha256, url, retrieved_at)
    return save_batches(db, [(source, list(roll_calls))])


def save_batches(
    db: str | os.PathLike | sqlite3.Connection | None,
    batches: Sequence[tuple[SourceInfo, Sequence[RollCall]]],
    progress=None,
) -> SaveSummary:
    """Save several sources' roll calls in ONE transaction: all land, or (on any error) none.

    Raises `countries.UnknownCountryError` (naming source, symbol and name) for a name the country
    table doesn't know, `ValueError` for an unknown source kind or two names that map to one member.
    `progress`, if given, is called with the number of roll calls done after each one.
    """
    conn = db if isinstance(db, sqlite3.Connection) else connect(db)
    summary = SaveSummary()
    try:
        with _transaction(conn):
            _refresh_country_tables(conn)
            for source, roll_calls in batches:
                summary.add(_save_source(conn, source, roll_calls, progress))
            if summary.new or summary.changed:
                # Several records of one vote (a resolution and its parts…) become one roll call. The
                # rule decides afresh on every day touched, from the records as they now are: a
                # corrected record that no longer matches its vote's other records leaves the merge.
                dates = {rc.date for _, roll_calls in batches for rc in roll_calls}
                _undo_merges(conn, dates)
                _apply_merge_rule(conn, dates)
            # Stamped whenever a source was added, even one that changed no vote: the version is a
            # digest of the sources, so `sync` and a `rebuild` of its archive stamp the same one.
            if len(summary.skipped_sources) < len(batches):
                _stamp_data_version(conn)
    except sqlite3.Error as error:
        raise StoreError(describe_sqlite_error(error, _path_of(conn, db))) from None
    finally:
        if not isinstance(db, sqlite3.Connection):
            conn.close()
    return summary


def _save_source(conn: sqlite3.Connection, source: SourceInfo, roll_calls: Sequence[RollCall], progress) -> SaveSummary:
    if source.kind not in SOURCE_RANK:
        raise ValueError(f"unknown source kind {source.kind!r}; expected one of {', '.join(SOURCE_RANK)}")
    summary = SaveSummary()
    if conn.execute("SELECT 1 FROM sources WHERE sha256 = ?", (source.sha256,)).fetchone():
        summary.unchanged = len(roll_calls)
        summary.skipped_sources.append(source.name)
        return summary
    cursor = conn.execute(
        "INSERT INTO sources (kind, name, url, sha256, retrieved_at, imported_at, roll_calls, vote_rows, new, changed, unchanged)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0)",
        (source.kind, source.name, source.url, source.sha256, source.retrieved_at, _now(), len(roll_calls),
         sum(len(r.votes) for r in roll_calls)),
    )
    source_id = cursor.lastrowid
    seen: set[str] = set()
    for done, roll_call in enumerate(roll_calls, start=1):
        if roll_call.symbol in seen:
            raise ValueError(f"{source.name}: {roll_call.symbol} appears twice in one source")
        seen.add(roll_call.symbol)
        outcome, flag = _save_roll_call(conn, source, source_id, _with_codes(roll_call, source.name))
        setattr(summary, outcome, getattr(summary, outcome) + 1)
        if flag:
            summary.flagged.append((roll_call.symbol, flag))
        if progress:
            progress(done)
    conn.execute(
        "UPDATE sources SET new = ?, changed = ?, unchanged = ? WHERE source_id = ?",
        (summary.new, summary.changed, summary.unchanged, source_id),
    )
    return summary


@functools.cache
def _known_codes() -> frozenset[str]:
    return frozenset(countries.load_country_table()["country_code"])


def _with_codes(roll_call: RollCall, source_name: str) -> RollCall:
    """The roll call with every member carrying a known country code; each member once."""
    known = _known_codes()
    coded = []
    seen: dict[str, str] = {}
    for vote in roll_call.votes:
        code = countries.seat_code(vote.country_code, roll_call.date) if vote.country_code in known else ""
        if not code:
            try:
                code = countries.resolve_code(vote.country_name, roll_call.date)
            except countries.UnknownCountryError as error:
                raise ValueError(f"{source_name}, {roll_call.symbol}: {error}") from error
        if code in seen:
            raise ValueError(
                f"{source_name}, {roll_call.symbol}: {seen[code]!r} and {vote.country_name!r} are both {code}: "
                "a member listed twice"
            )
        seen[code] = vote.country_name
        coded.append(vote._replace(country_code=code))
    roll_call.votes = coded
    return roll_call


def _save_roll_call(conn: sqlite3.Connection, source: SourceInfo, source_id: int, roll_call: RollCall) -> tuple[str, str | None]:
    """Save one source record. It joins the roll call that already holds this source's record of
    the symbol, else the roll call of that symbol (or the one a record of that symbol was merged
    into), else a new one."""
    roll_call.symbol = normalise_symbol(roll_call.symbol)
    payload = _encode(roll_call)
    previous = conn.execute("SELECT roll_call_id, record, merged FROM observations WHERE source_kind = ? AND symbol = ?",
                            (source.kind, roll_call.symbol)).fetchone()
    merged = ""
    if previous is not None:
        if previous[1] == payload:
            return "unchanged", None
        if roll_call.votes and (partial := vote_count_flag(roll_call)) and vote_count_flag(_decode(previous[1])) is None:
            # The same source again, now listing fewer members than it counts (a record cut short):
            # the whole record already stored is not replaced by it.
            return "unchanged", (f"kept the whole {source.kind} record already stored; "
                                 f"the new one is partial ({partial})")
        roll_call_id, merged, outcome = previous[0], previous[2], "changed"
    else:
        row = (conn.execute("SELECT roll_call_id FROM roll_calls WHERE symbol = ?", (roll_call.symbol,)).fetchone()
               or conn.execute("SELECT roll_call_id FROM observations WHERE symbol = ? LIMIT 1", (roll_call.symbol,)).fetchone())
        if row is None:
            outcome = "new"
            roll_call_id = conn.execute(
                "INSERT INTO roll_calls (symbol, date, session, source) VALUES (?, ?, ?, ?)",
                (roll_call.symbol, roll_call.date, roll_call.session, source.kind),
            ).lastrowid
        else:
            roll_call_id, outcome = row[0], "changed"
    conn.execute(
        "INSERT OR REPLACE INTO observations (source_kind, symbol, roll_call_id, source_id, undl_id, yes, no, abstain,"
        " non_voting, members, record, merged) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (source.kind, roll_call.symbol, roll_call_id, source_id, roll_call.undl_id, roll_call.yes, roll_call.no,
         roll_call.abstain, roll_call.non_voting, roll_call.members, payload, merged),
    )
    flag = _settle(conn, roll_call_id, new=(outcome == "new"), latest=(source.kind, roll_call))
    return outcome, flag


def _settle(conn: sqlite3.Connection, roll_call_id: int, *, new: bool = False, latest: tuple[str, RollCall] | None = None) -> str | None:
    """Choose the observation that becomes the store's row (SOURCE_RANK), write it and its votes,
    and record where sources disagree. Returns the chosen record's flag, if any.

    Among records of the best source, the one whose symbol names the roll call wins, then the
    broadest symbol (the whole before a part), then the latest saved."""
    (name,) = conn.execute("SELECT symbol FROM roll_calls WHERE roll_call_id = ?", (roll_call_id,)).fetchone()
    if new:
        observations = [latest]
    else:
        rows = conn.execute(
            "SELECT source_kind, record FROM observations WHERE roll_call_id = ? ORDER BY source_id, symbol", (roll_call_id,)
        ).fetchall()
        observations = [(kind, _decode(record)) for kind, record in rows]
    # Stable sort, best last: the latest saved of the best rank wins; whole before partial (a record
    # whose member list does not add up, 1 of 193 listed, never displaces a whole one of the same
    # rank: it stays among the observations, and the save reports it); then the naming symbol.
    # Among parts of equal breadth the first part wins (part A's title, "Questions of American Samoa…",
    # describes an omnibus text better than part B's "Individual territories").
    ranked = sorted(observations, key=lambda o: (-SOURCE_RANK[o[0]], vote_count_flag(o[1]) is None, o[1].symbol == name,
                                                 parse_symbol(o[1].symbol).breadth, [-ord(ch) for ch in o[1].symbol]))
    kind, chosen = ranked[-1]
    if not chosen.votes:  # counts only: take member votes from a source that has them, if any
        with_votes = [o for o in ranked if o[1].votes]
        if with_votes:
            kind, chosen = with_votes[-1]
    flag = vote_count_flag(chosen)
    merged = _fill_blanks(chosen, [o[1] for o in reversed(ranked)])
    tallies = _tallies(merged)
    excluded = EXCLUDED_NO_VOTES if tallies[:3] == (0, 0, 0) else ""
    conn.execute(
        "UPDATE roll_calls SET undl_id = ?, date = ?, session = ?, title = ?, agenda = ?, subjects = ?, meeting = ?,"
        " draft = ?, committee_report = ?, yes = ?, no = ?, abstain = ?, non_voting = ?, members = ?, sponsors = ?,"
        " sdgs = ?, source = ?, flag = ?, kind = ?, excluded = ?, additional_sponsors = ? WHERE roll_call_id = ?",
        (merged.undl_id, merged.date, parse_symbol(name).session or merged.session, merged.title, merged.agenda,
         "|".join(merged.subjects), merged.meeting, merged.draft, merged.committee_report, *tallies,
         "|".join(merged.sponsors), "|".join(merged.sdgs), kind, flag, parse_symbol(name).kind, excluded,
         "|".join(merged.additional_sponsors), roll_call_id),
    )
    if not new:
        conn.execute("DELETE FROM votes WHERE roll_call_id = ?", (roll_call_id,))
    conn.executemany(
        "INSERT INTO votes (roll_call_id, country_code, country_name, vote, stated_intention) VALUES (?, ?, ?, ?, ?)",
        [(roll_call_id, v.country_code, v.country_name, v.vote, v.stated_intention) for v in chosen.votes],
    )
    if not new:
        _record_disagreement(conn, roll_call_id, observations)
    if latest is None:  # re-settled after a merge: no new record to report on
        return flag
    latest_kind, latest_record = latest
    latest_flag = None if new else vote_count_flag(latest_record)
    if latest_flag and latest_record.votes and SOURCE_RANK[latest_kind] == SOURCE_RANK[kind] and _encode(latest_record) != _encode(chosen):
        return f"kept the whole record from {kind}; the new {latest_kind} record is partial ({latest_flag})"
    return flag


def _mark_dates(conn: sqlite3.Connection, dates: set[str]) -> None:
    """The days a merge step looks at, in a temporary table the queries join."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS merge_dates (date TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM merge_dates")
    conn.executemany("INSERT OR IGNORE INTO merge_dates VALUES (?)", [(d,) for d in dates])


def _undo_merges(conn: sqlite3.Connection, dates: set[str]) -> None:
    """Split every merged roll call of `dates` back into one roll call per record symbol, so that
    `_apply_merge_rule` decides again. With nothing changed it merges them as before, into the same
    roll call under the same name; a record that changed so it no longer matches stays apart."""
    if not dates:
        return
    _mark_dates(conn, dates)
    rows = conn.execute(
        "SELECT o.roll_call_id, o.symbol FROM observations o JOIN roll_calls r ON r.roll_call_id = o.roll_call_id"
        " WHERE r.date IN (SELECT date FROM merge_dates) GROUP BY o.roll_call_id, o.symbol"
        " ORDER BY o.roll_call_id, MIN(o.source_id), o.symbol").fetchall()
    symbols_of: dict[int, list[str]] = {}
    for roll_call_id, symbol in rows:
        symbols_of.setdefault(roll_call_id, []).append(symbol)
    taken = lambda symbol, own: conn.execute(  # noqa: E731
        "SELECT 1 FROM roll_calls WHERE symbol = ? AND roll_call_id != ?", (symbol, own)).fetchone() is not None
    for roll_call_id, symbols in symbols_of.items():
        if len(symbols) < 2:
            continue
        name, date, session, source = conn.execute(
            "SELECT symbol, date, session, source FROM roll_calls WHERE roll_call_id = ?", (roll_call_id,)).fetchone()
        if name not in symbols and not taken(symbols[0], roll_call_id):
            # Named by the range its parts span: the first record's symbol holds the roll call meanwhile.
            name = symbols[0]
            conn.execute("UPDATE roll_calls SET symbol = ? WHERE roll_call_id = ?", (name, roll_call_id))
        for symbol in symbols:
            if symbol == name or taken(symbol, roll_call_id):
                continue  # (a symbol that names another day's vote stays where it was merged)
            split_id = conn.execute("INSERT INTO roll_calls (symbol, date, session, source) VALUES (?, ?, ?, ?)",
                                    (symbol, date, session, source)).lastrowid
            conn.execute("UPDATE observations SET roll_call_id = ?, merged = '' WHERE roll_call_id = ? AND symbol = ?",
                         (split_id, roll_call_id, symbol))
            _settle(conn, split_id)
        conn.execute("UPDATE observations SET merged = '' WHERE roll_call_id = ? AND symbol = ?", (roll_call_id, name))
        _settle(conn, roll_call_id)


def roll_call_summaries(conn: sqlite3.Connection, dates: set[str] | None = None) -> list[RecordSummary]:
    """The roll calls as the merge rule sees them (symbol, date, meeting, title, Y/N/A ballots,
    tallies, source rank): every one, or with `dates` those of the days among them that have two or
    more (only such a day can hold a merge). The import's rule and `audit` read them alike."""
    where = ""
    if dates is not None:
        _mark_dates(conn, dates)
        where = (" WHERE r.date IN (SELECT date FROM roll_calls WHERE date IN (SELECT date FROM merge_dates)"
                 " GROUP BY date HAVING COUNT(*) > 1)")
    rows = conn.execute(
        "SELECT r.roll_call_id, r.symbol, r.date, r.meeting, r.title, r.yes, r.no, r.abstain, r.source,"
        " (SELECT group_concat(country_code || vote, ',') FROM (SELECT country_code, vote FROM votes v"
        "   WHERE v.roll_call_id = r.roll_call_id AND v.vote != 'X' ORDER BY country_code))"
        " FROM roll_calls r" + where).fetchall()
    return [RecordSummary(key=r[0], symbol=r[1], date=r[2], meeting=r[3], title=r[4],
                          ballots=frozenset((r[9] or "").split(",")) - {""}, tallies=(r[5], r[6], r[7]),
                          rank=SOURCE_RANK[r[8]]) for r in rows]


def _apply_merge_rule(conn: sqlite3.Connection, dates: set[str]) -> None:
    """Merge the roll calls of `dates` that are one vote (scraper.merging): the survivor takes the
    others' source records (each keeps its own symbol and says why it joined), the others go."""
    if not dates:
        return
    summaries = roll_call_summaries(conn, dates)
    merges, _ = find_merges(summaries)
    for merge in merges:
        named = conn.execute(
            f"SELECT roll_call_id FROM roll_calls WHERE symbol = ? AND roll_call_id IN ({','.join('?' * len(merge.keys))})",
            (merge.name, *merge.keys)).fetchone()
        survivor = named[0] if named else min(merge.keys)
        others = [k for k in merge.keys if k != survivor]
        marks = ",".join("?" * len(others))
        conn.execute(f"UPDATE observations SET roll_call_id = ? WHERE roll_call_id IN ({marks})", (survivor, *others))
        for table in ("votes", "disagreements", "roll_calls"):
            conn.execute(f"DELETE FROM {table} WHERE roll_call_id IN ({marks})", others)
        if conn.execute("SELECT 1 FROM roll_calls WHERE symbol = ? AND roll_call_id != ?", (merge.name, survivor)).fetchone():
            # The name is another day's vote (a range spelled like it): keep the survivor's own symbol.
            merge = dataclasses.replace(merge, name=conn.execute(
                "SELECT symbol FROM roll_calls WHERE roll_call_id = ?", (survivor,)).fetchone()[0])
        conn.execute("UPDATE roll_calls SET symbol = ? WHERE roll_call_id = ?", (merge.name, survivor))
        reasons = {s.symbol: why for s in summaries if s.key in merge.reasons for why in [merge.reasons[s.key]]}
        for symbol, earlier in conn.execute("SELECT DISTINCT symbol, merged FROM observations WHERE roll_call_id = ?",
                                            (survivor,)).fetchall():
            why = "" if symbol == merge.name else reasons.get(symbol) or earlier or next(iter(merge.reasons.values()), "")
            conn.execute("UPDATE observations SET merged = ? WHERE roll_call_id = ? AND symbol = ?", (why, survivor, symbol))
        _settle(conn, survivor)


def _tallies(roll_call: RollCall) -> tuple[int | None, ...]:
    """The record's own tallies; where it gives none, the count of its member votes."""
    counted = count_votes(roll_call.votes)
    given = (roll_call.yes, roll_call.no, roll_call.abstain, roll_call.non_voting)
    if roll_call.votes:
        tallies = tuple(counted[code] if value is None else value for code, value in zip("YNAX", given))
        members = roll_call.members if roll_call.members is not None else len(roll_call.votes)
    else:
        tallies, members = given, roll_call.members
    return (*tallies, members)


def count_votes(votes: Sequence[MemberVote]) -> dict[str, int]:
    counts = dict.fromkeys("YNAX", 0)
    for vote in votes:
        counts[vote.vote] += 1
    return counts


def vote_count_flag(roll_call: RollCall) -> str | None:
    """Why a record's member votes don't add up to its own tallies, or None if they do."""
    if not roll_call.votes:
        return "counts only: the source lists no member votes"
    counted = count_votes(roll_call.votes)
    given = {"Y": roll_call.yes, "N": roll_call.no, "A": roll_call.abstain, "X": roll_call.non_voting}
    wrong = [f"{code} {counted[code]} listed vs {given[code]} stated" for code in "YNAX"
             if given[code] is not None and given[code] != counted[code]]
    if roll_call.members is not None and roll_call.members != len(roll_call.votes):
        wrong.append(f"{len(roll_call.votes)} members listed vs {roll_call.members} stated")
    return "; ".join(wrong) or None


def _fill_blanks(chosen: RollCall, others: list[RollCall]) -> RollCall:
    """The chosen record, with metadata it lacks (subjects, sponsors, undl_id…) taken from the others."""
    values = _fields_of(chosen)
    for other in others:
        for name in ("undl_id", "title", "agenda", "subjects", "meeting", "draft", "committee_report", "sdgs"):
            if not values[name]:
                values[name] = getattr(other, name)
        # The main and additional sponsors come together from one record: one source's main sponsors
        # beside another's latecomers would be neither source's list.
        if not (values["sponsors"] or values["additional_sponsors"]) and (other.sponsors or other.additional_sponsors):
            values["sponsors"], values["additional_sponsors"] = other.sponsors, other.additional_sponsors
    return RollCall(**values)


def _record_disagreement(conn: sqlite3.Connection, roll_call_id: int, observations: list[tuple[str, RollCall]]) -> None:
    """Where two sources disagree on Y/N/A tallies or on a member's vote, say how, per source."""
    conn.execute("DELETE FROM disagreements WHERE roll_call_id = ?", (roll_call_id,))
    if len(observations) < 2:
        return
    details = []
    kinds = list(dict.fromkeys(kind for kind, _ in observations))
    tallies = {kind: tuple(_tallies(rc)[:3]) for kind, rc in observations}
    if len(set(tallies.values())) > 1:
        details.append("Y/N/A tallies: " + "; ".join(f"{k} {'/'.join(map(str, t))}" for k, t in tallies.items()))
    with_votes = [(kind, {v.country_code: v.vote for v in rc.votes}) for kind, rc in observations if rc.votes]
    if len(with_votes) >= 2:
        (kind_a, votes_a), (kind_b, votes_b) = with_votes[0], with_votes[-1]
        # Non-voting in the extracts is inferred, so only a difference involving Y, N or A counts.
        differing = sorted(c for c in votes_a.keys() | votes_b.keys()
                           if votes_a.get(c, "X") != votes_b.get(c, "X"))
        if differing:
            details.append("member votes: " + ", ".join(
                f"{c} {votes_a.get(c, '-')} ({kind_a}) vs {votes_b.get(c, '-')} ({kind_b})" for c in differing))
    if details:
        details += [f"{kind}'s own record: {flag}" for kind, rc in observations if (flag := vote_count_flag(rc))]
        conn.execute("INSERT INTO disagreements VALUES (?, ?, ?)", (roll_call_id, ",".join(kinds), " | ".join(details)))


def _fields_of(roll_call: RollCall) -> dict:
    """A shallow dict of the record's fields (dataclasses.asdict deep-copies every member vote: slow)."""
    return {f.name: getattr(roll_call, f.name) for f in fields(roll_call)}


def _encode(roll_call: RollCall) -> bytes:
    values = _fields_of(roll_call)
    return zlib.compress(json.dumps(values, sort_keys=True, separators=(",", ":")).encode(), 6)


def _decode(payload: bytes) -> RollCall:
    values = json.loads(zlib.decompress(payload))
    values["votes"] = [MemberVote(*v) for v in values["votes"]]
    for name in ("subjects", "sponsors", "sdgs", "additional_sponsors"):
        if name in values:  # a record encoded before a field existed decodes with its default
            values[name] = tuple(values[name])
    return RollCall(**values)


@functools.cache
def _country_files_digest() -> str:
    digest = hashlib.sha256()
    for name in ("countries.csv", "country_names.csv", "successions.csv", "seat_codes.csv"):
        digest.update((Path(countries.__file__).parent / "data" / name).read_bytes())
    return digest.hexdigest()


def _refresh_country_tables(conn: sqlite3.Connection) -> None:
    """Copy the project's country tables into the store, so the store alone is enough for analysis.

    Skipped when the store already holds this version of them (a sync saves one record at a time)."""
    stored = conn.execute("SELECT value FROM meta WHERE key = 'country_tables'").fetchone()
    if stored and stored[0] == _country_files_digest():
        return
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('country_tables', ?)", (_country_files_digest(),))
    tables = {
        "countries": countries.load_country_table(),
        "country_names": countries.load_name_table(),
        "successions": countries.load_successions_table(),
    }
    for table, frame in tables.items():
        columns = [c[1] for c in conn.execute(f"PRAGMA table_info({table})")]
        frame = frame.reindex(columns=columns)
        rows = [tuple(None if pd.isna(v) or v == "" else str(v) for v in row) for row in frame.itertuples(index=False)]
        current = conn.execute(f"SELECT * FROM {table}").fetchall()
        if sorted(map(_text_row, current)) != sorted(map(_text_row, rows)):
            conn.execute(f"DELETE FROM {table}")
            conn.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(columns))})", rows)


def _text_row(row: tuple) -> tuple:
    return tuple("" if v is None else str(v) for v in row)


def _stamp_data_version(conn: sqlite3.Connection) -> None:
    digest = hashlib.sha256(f"schema {SCHEMA_VERSION}\n".encode())
    for (sha,) in conn.execute("SELECT sha256 FROM sources ORDER BY sha256"):
        digest.update(sha.encode())
    for table in ("countries", "country_names", "successions"):
        for row in conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2"):
            digest.update(repr(_text_row(row)).encode())
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('data_version', ?)", (digest.hexdigest()[:12],))
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('updated_at', ?)", (_now(),))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------------------
# Readers: the tidy tables


def _path_of(conn: sqlite3.Connection, db) -> Path:
    if not isinstance(db, sqlite3.Connection):
        return Path(db) if db else default_db_path()
    row = conn.execute("PRAGMA database_list").fetchone()
    return Path(row[2]) if row and row[2] else Path("(in memory)")


def _read(db) -> sqlite3.Connection:
    return db if isinstance(db, sqlite3.Connection) else connect(db, readonly=True)


@contextmanager
def _reading(db) -> Iterator[sqlite3.Connection]:
    conn = _read(db)
    try:
        yield conn
    except sqlite3.DatabaseError as error:  # a store damaged after it was opened
        raise StoreError(describe_sqlite_error(error, _path_of(conn, db))) from None
    finally:
        if not isinstance(db, sqlite3.Connection):
            conn.close()


def data_version(db=None) -> str:
    """A stamp that changes whenever the store's content changes ("empty" for a store with no votes)."""
    with _reading(db) as conn:
        row = conn.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    return row[0] if row else "empty"


# What analyses count by default: resolutions that were voted on. `all_kinds=True` adds decisions,
# other records and those excluded (every member non-voting).
_COUNTED = "kind = 'resolution' AND excluded = ''"


def load_votes(db=None, *, all_kinds: bool = False) -> pd.DataFrame:
    """One row per (roll call, member state): roll_call_id, symbol, date, session, country_code, vote.

    `vote` is Y, N, A or X (a member that did not vote). `symbol`, `session`, `country_code` and
    `vote` are categoricals: a million rows load in about a second and take little memory.
    Resolutions only, without records on which no member voted, unless `all_kinds` (decisions too).
    """
    where = "" if all_kinds else f" WHERE {_COUNTED}"
    with _reading(db) as conn:
        calls = conn.execute(f"SELECT roll_call_id, symbol, date, session FROM roll_calls{where} ORDER BY roll_call_id").fetchall()
        # One string per roll call ("AFGY,ALBY,…") instead of a tuple per member: 4x faster to fetch.
        within = "" if all_kinds else f" WHERE roll_call_id IN (SELECT roll_call_id FROM roll_calls{where})"
        packed = conn.execute(f"SELECT roll_call_id, group_concat(country_code || vote, ',') FROM votes{within}"
                              " GROUP BY roll_call_id ORDER BY roll_call_id").fetchall()
    call_ids = np.array([c[0] for c in calls], dtype=np.int64)
    members = [text.split(",") if text else [] for _, text in packed]
    roll_call_id = np.repeat(np.array([p[0] for p in packed], dtype=np.int64), [len(m) for m in members])
    tokens = np.array([token for m in members for token in m], dtype="<U4")
    position = np.searchsorted(call_ids, roll_call_id)  # each vote's roll call, as an index into `calls`
    session_codes, sessions = pd.factorize(pd.Series([c[3] for c in calls], dtype="str"))
    return pd.DataFrame({
        "roll_call_id": roll_call_id,
        "symbol": pd.Categorical.from_codes(position, categories=[c[1] for c in calls]),
        "date": pd.to_datetime(np.array([c[2] for c in calls], dtype="datetime64[D]")[position]),
        "session": pd.Categorical.from_codes(session_codes[position], categories=sessions),
        "country_code": pd.Categorical(tokens.astype("<U3")),
        "vote": pd.Categorical(np.char.ljust(tokens, 4).view("<U1")[3::4], categories=["Y", "N", "A", "X"]),
    })


def load_roll_calls(db=None, *, all_kinds: bool = False) -> pd.DataFrame:
    """One row per recorded vote, with its metadata, tallies, chosen source, flag, kind and
    exclusion reason (see the README). Resolutions that were voted on only, unless `all_kinds`."""
    where = "" if all_kinds else f" WHERE {_COUNTED}"
    with _reading(db) as conn:
        frame = pd.read_sql_query(
            "SELECT roll_call_id, symbol, undl_id, date, session, title, agenda, subjects, meeting, draft,"
            " committee_report, yes, no, abstain, non_voting, members, sponsors, additional_sponsors, sdgs, source, flag,"
            " kind, excluded"
            f" FROM roll_calls{where} ORDER BY date, roll_call_id", conn)
    frame["date"] = pd.to_datetime(frame["date"])
    for column in ("undl_id", "yes", "no", "abstain", "non_voting", "members"):
        frame[column] = frame[column].astype("Int64")
    return frame


def find_roll_call(db, symbol: str) -> tuple[int, str] | None:
    """(roll_call_id, symbol) of the roll call a symbol names, in any spelling: its canonical
    symbol, or the symbol of a source record merged into it (`A/RES/61/128[B-IV]` finds
    `A/RES/61/128A-B`). None if the store has no such vote."""
    canonical = normalise_symbol(symbol)
    with _reading(db) as conn:
        row = conn.execute("SELECT roll_call_id, symbol FROM roll_calls WHERE symbol = ?", (canonical,)).fetchone()
        if row is None:
            row = conn.execute("SELECT r.roll_call_id, r.symbol FROM observations o JOIN roll_calls r USING (roll_call_id)"
                               " WHERE o.symbol = ? LIMIT 1", (canonical,)).fetchone()
    return (row[0], row[1]) if row else None


def load_symbol_aliases(db=None) -> pd.DataFrame:
    """One row per other symbol that names a roll call (a merged source record's symbol):
    alias, roll_call_id, symbol (the roll call's own). Search uses it so old spellings still find their vote."""
    with _reading(db) as conn:
        return pd.read_sql_query(
            "SELECT DISTINCT o.symbol AS alias, r.roll_call_id, r.symbol FROM observations o JOIN roll_calls r"
            " USING (roll_call_id) WHERE o.symbol != r.symbol ORDER BY o.symbol", conn)


def load_records(db=None) -> pd.DataFrame:
    """One row per source record, as the source gave it (the Library's records one by one):
    source_kind, record_symbol, undl_id, roll_call_id and symbol of the roll call it belongs to, date,
    the record's own yes/no/abstain/non_voting/members, and `merged`: why it was merged into a roll
    call under another symbol (empty when the record names its roll call)."""
    with _reading(db) as conn:
        frame = pd.read_sql_query(
            "SELECT o.source_kind, o.symbol AS record_symbol, o.undl_id, r.roll_call_id, r.symbol, r.date,"
            " o.yes, o.no, o.abstain, o.non_voting, o.members, o.merged FROM observations o"
            " JOIN roll_calls r USING (roll_call_id) ORDER BY r.date, r.roll_call_id, o.source_id, o.symbol", conn)
    frame["date"] = pd.to_datetime(frame["date"])
    for column in ("undl_id", "yes", "no", "abstain", "non_voting", "members"):
        frame[column] = frame[column].astype("Int64")
    return frame


def load_member_votes(db, symbol: str) -> pd.DataFrame:
    """One row per member on one roll call (the symbol in any spelling, see `find_roll_call`):
    country_code, country_name (as written then), vote, stated_intention."""
    with _reading(db) as conn:
        found = find_roll_call(conn, symbol)
        return pd.read_sql_query(
            "SELECT v.country_code, v.country_name, v.vote, v.stated_intention FROM votes v"
            " WHERE v.roll_call_id = ? ORDER BY v.country_name",
            conn, params=(found[0] if found else -1,))


def load_countries(db=None) -> pd.DataFrame:
    """One row per state that ever sat in the Assembly: country_code, name, admitted, left, un_m49."""
    with _reading(db) as conn:
        frame = pd.read_sql_query("SELECT * FROM countries ORDER BY country_code", conn)
    for column in ("admitted", "left"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def load_successions(db=None) -> pd.DataFrame:
    """One row per (predecessor, successor): predecessor_code, successor_code, date, kind, continuator."""
    with _reading(db) as conn:
        frame = pd.read_sql_query("SELECT * FROM successions ORDER BY predecessor_code, successor_code", conn)
    frame["date"] = pd.to_datetime(frame["date"])
    frame["continuator"] = frame["continuator"].astype(int).astype(bool)
    return frame


def load_sources(db=None) -> pd.DataFrame:
    """One row per imported file or fetched response: kind, name, url, sha256, times and row counts."""
    with _reading(db) as conn:
        return pd.read_sql_query("SELECT * FROM sources ORDER BY source_id", conn)


def load_disagreements(db=None) -> pd.DataFrame:
    """One row per vote on which two sources disagree: roll_call_id, symbol, date, sources, detail."""
    with _reading(db) as conn:
        return pd.read_sql_query(
            "SELECT d.roll_call_id, r.symbol, r.date, d.sources, d.detail FROM disagreements d"
            " JOIN roll_calls r USING (roll_call_id) ORDER BY r.date, r.symbol", conn)


def load_observations(db, symbol: str) -> list[tuple[str, RollCall]]:
    """Every source's own record of one vote, as (source kind, RollCall), oldest first."""
    with _reading(db) as conn:
        found = find_roll_call(conn, symbol)
        rows = conn.execute(
            "SELECT o.source_kind, o.record FROM observations o WHERE o.roll_call_id = ? ORDER BY o.source_id, o.symbol",
            (found[0] if found else -1,)).fetchall()
    return [(kind, _decode(record)) for kind, record in rows]
