"""Compose fetch → archive → parse → save for `sync`, `fetch-record` and `rebuild`.

Every body is archived raw (by `scraper.http`) before it is parsed; every record or file then lands
in its own transaction (`store.save_roll_calls`), so a run killed at any moment loses nothing and a
rerun duplicates nothing. `rebuild` replays the raw archive through the very same landing code, so
its store equals the one `sync` built.
"""
from __future__ import annotations

import copy
import hashlib
import os
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from tqdm import tqdm

from scraper import store
from scraper.http import (
    BotChallenge,
    FetchedResponse,
    FetchError,
    PoliteSession,
    RobotsDisallowed,
    RunDeadlineExceeded,
    Unreachable,
    Validators,
)
from scraper.parse.marcxml import parse_marcxml_collection, parse_search_total
from scraper.parse.record_html import parse_record_html
from scraper.parse.unxml_json import parse_unxml
from scraper.raw import RawArchive, RawArchiveError, RawEntry
from scraper.records import RollCall
from scraper.sources import undl, unxml
from scraper.symbols import normalise_symbol

# Failures that end the whole run at once: retrying or moving to the next source cannot help.
RUN_STOPPERS = (BotChallenge, Unreachable, RunDeadlineExceeded)

# Raw kinds `rebuild` knows how to land; the page kinds are MARCXML search pages split into records.
KIND_UNXML = "unxml"
KIND_RECORD_XML = "undl_marcxml"
KIND_RECORD_HTML = "undl_html"
KIND_YEAR_PAGE = "undl_search_xm"  # a year's listing: records not yet in the store land
KIND_LOOKUP_PAGE = "undl_lookup_xm"  # a search for one symbol: the records with that symbol land


# How far a run has got, for whoever shows it: called as progress(what, done, total) when a source
# starts (done 0) and after each of its steps. `what` is UNXML_PROGRESS ("UN extracts", steps are
# files) or UNDL_PROGRESS ("Digital Library", steps are years). `total` is None while unknown: which
# extracts exist is learnt by asking until a 404, so their total is given once the last one is in.
Progress = Callable[[str, int, int | None], None]
UNXML_PROGRESS = "UN extracts"
UNDL_PROGRESS = "Digital Library"
PROGRESS_UNITS = {UNXML_PROGRESS: "files", UNDL_PROGRESS: "years"}


class TerminalProgress:
    """`Progress` drawn as one tqdm bar per source (the CLI's); silent when output is not a terminal."""

    def __init__(self) -> None:
        self._bars: dict[str, tqdm] = {}

    def __call__(self, what: str, done: int, total: int | None) -> None:
        bar = self._bars.get(what)
        if bar is None:
            unit = " " + PROGRESS_UNITS.get(what, "steps")
            bar = self._bars[what] = tqdm(desc=what, unit=unit, total=total, disable=None, leave=False)
        bar.total = total
        bar.update(done - bar.n)

    def close(self) -> None:
        for bar in self._bars.values():
            bar.close()


def _no_progress(what: str, done: int, total: int | None) -> None:
    pass


class RebuildError(ValueError):
    """`rebuild` was asked to overwrite a store, or has no raw archive to read."""


@dataclass
class SyncSummary:
    """What a run did: counts from the store's saves, records skipped as not recorded votes,
    304 answers, and every failure as (what, why). `stopped` holds the reason a run stopped early."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    flagged: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    not_voting_records: int = 0
    not_modified: int = 0
    requests: int = 0
    stopped: str = ""

    @property
    def ok(self) -> bool:
        return not self.failed and not self.stopped

    def add(self, saved: store.SaveSummary) -> None:
        self.new += saved.new
        self.changed += saved.changed
        self.unchanged += saved.unchanged
        self.flagged += saved.flagged

    def fail(self, what: str, reason: str) -> None:
        self.failed.append((what, reason))

    def lines(self, limit: int = 20) -> list[str]:
        """The summary a user reads at the end of a run."""
        out = [
            f"new {self.new:,}, changed {self.changed:,}, unchanged {self.unchanged:,}, "
            f"flagged {len(self.flagged):,}, failed {len(self.failed):,}"
            + (f"; {self.not_modified} unchanged upstream (HTTP 304)" if self.not_modified else "")
            + (f"; {self.not_voting_records} records skipped (not General Assembly recorded votes)" if self.not_voting_records else "")
            + (f"; {self.requests} requests" if self.requests else "")
        ]
        for symbol, reason in self.flagged[:limit]:
            out.append(f"  flagged {symbol}: {reason}")
        for what, reason in self.failed[:limit]:
            out.append(f"  failed {what}: {reason}")
        hidden = max(0, len(self.flagged) - limit) + max(0, len(self.failed) - limit)
        if hidden:
            out.append(f"  … and {hidden} more")
        if self.stopped:
            out.append(f"stopped: {self.stopped}")
        return out


@dataclass
class _Landing:
    """One save to make: a source and its roll calls."""

    source: store.SourceInfo
    roll_calls: list[RollCall]


KnownIds = dict[int, int]  # undl_id → year of the vote, for every Library record in the store


def load_known_ids(db: str | os.PathLike) -> KnownIds:
    """The Library record ids the store holds, with the year of each vote."""
    roll_calls = store.load_roll_calls(db)
    stored = roll_calls.dropna(subset=["undl_id"])
    return {int(undl_id): int(date.year) for undl_id, date in zip(stored["undl_id"], stored["date"])}


def _name_of(url: str) -> str:
    """A short source name for the store and for messages: "80.json", "record 3929594 (MARCXML)",
    "record 3929594 (HTML)", "search page" (the URL is kept beside it)."""
    path = urllib.parse.urlsplit(url).path.rstrip("/")
    record = re.search(r"/record/(\d+)(/export/xm)?$", path)
    if record:
        return f"record {record[1]} ({'MARCXML' if record[2] else 'HTML'})"
    if path.endswith("/search"):
        return "search page"
    return path.rsplit("/", 1)[-1] or url


def plan_landings(kind: str, body: bytes, url: str, retrieved_at: str, known: KnownIds, summary: SyncSummary) -> list[_Landing]:
    """Parse one raw body into the saves it makes. Parse failures go to `summary.failed`; records of
    a year page already in `known` are left out (they are in the store already)."""
    sha256 = hashlib.sha256(body).hexdigest()
    name = _name_of(url)

    def source(source_kind: str, source_name: str, digest: str) -> store.SourceInfo:
        return store.SourceInfo(source_kind, source_name, digest, url, retrieved_at)

    if kind == KIND_UNXML:
        try:
            return [_Landing(source(KIND_UNXML, name, sha256), parse_unxml(body, name))]
        except ValueError as error:
            summary.fail(url, str(error))
            return []
    if kind == KIND_RECORD_XML:
        return _plan_marcxml(body, url, name, source(KIND_RECORD_XML, name, sha256), summary, required=True)
    if kind == KIND_RECORD_HTML:
        try:
            return [_Landing(source(KIND_RECORD_HTML, name, sha256), [parse_record_html(body, name)])]
        except ValueError as error:
            summary.fail(url, str(error))
            return []
    if kind in (KIND_YEAR_PAGE, KIND_LOOKUP_PAGE):
        wanted = ""
        if kind == KIND_LOOKUP_PAGE:
            query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
            wanted = normalise_symbol(query.get("p", "").strip('"'))
        landings = []
        for listed in undl.split_search_page(body):
            if kind == KIND_YEAR_PAGE and listed.undl_id in known:
                continue
            what = f"record {listed.undl_id} in {url}"
            # Each record is its own source: the store keys sources by content, and a record must
            # land (or fail) alone even when its page-mates don't.
            digest = hashlib.sha256(listed.marcxml).hexdigest()
            record_source = source(KIND_RECORD_XML, f"record {listed.undl_id} (MARCXML, {name})", digest)
            planned = _plan_marcxml(listed.marcxml, what, name, record_source, summary, required=False)
            if wanted:
                planned = [
                    _Landing(landing.source, [rc for rc in landing.roll_calls if rc.symbol == wanted])
                    for landing in planned
                ]
                planned = [landing for landing in planned if landing.roll_calls]
            landings += planned
        return landings
    return []


def _plan_marcxml(
    body: bytes, what: str, source_name: str, source: store.SourceInfo, summary: SyncSummary, *, required: bool
) -> list[_Landing]:
    try:
        collection = parse_marcxml_collection(body, source_name)
    except ValueError as error:
        summary.fail(what, str(error))
        return []
    summary.not_voting_records += len(collection.skipped)
    if not collection.roll_calls:
        if required:
            reasons = "; ".join(f"{s.undl_id} {s.symbol}: {s.reason}" for s in collection.skipped) or "no records"
            summary.fail(what, f"not a General Assembly recorded vote ({reasons})")
        return []
    return [_Landing(source, collection.roll_calls)]


def save_landings(db: str | os.PathLike, landings: list[_Landing], known: KnownIds, summary: SyncSummary) -> bool:
    """Save each landing in its own transaction; True when all of them landed."""
    all_landed = True
    for landing in landings:
        try:
            saved = store.save_roll_calls(
                db,
                landing.roll_calls,
                source_kind=landing.source.kind,
                source_name=landing.source.name,
                sha256=landing.source.sha256,
                url=landing.source.url,
                retrieved_at=landing.source.retrieved_at,
            )
        except ValueError as error:  # unknown country name, a member twice, …: this record only
            all_landed = False
            summary.fail(landing.source.name, str(error))
            continue
        summary.add(saved)
        remember_ids([landing], known)
    return all_landed


def remember_ids(landings: list[_Landing], known: KnownIds) -> None:
    """Add the Library record ids of saved roll calls to `known`."""
    for landing in landings:
        for roll_call in landing.roll_calls:
            if roll_call.undl_id is not None:
                known[roll_call.undl_id] = int(roll_call.date[:4])


def land(db: str | os.PathLike, kind: str, response: FetchedResponse, known: KnownIds, summary: SyncSummary) -> bool:
    """Parse and save one fetched body; True when everything in it landed."""
    failures_before = len(summary.failed)
    landings = plan_landings(kind, response.body, response.url, response.retrieved_at, known, summary)
    landed = save_landings(db, landings, known, summary)
    return landed and len(summary.failed) == failures_before


# ---------------------------------------------------------------------------------------------- sync


def sync(
    db: str | os.PathLike,
    http: PoliteSession,
    *,
    include_undl: bool = False,
    unxml_base: str | None = None,
    undl_base: str | None = None,
    since: int | None = None,
    show_progress: bool = True,
    progress: Progress | None = None,
) -> SyncSummary:
    """Bring the store up to date: the UN's extracts, then (opt-in) the Digital Library.

    A bot challenge or robots.txt refusal stops that source at once and is reported in the summary.
    `progress` is told how far the run has got (see `Progress`); without it, `show_progress` draws
    tqdm bars on a terminal.
    """
    summary = SyncSummary()
    store.connect(db).close()  # create or migrate before anything is fetched
    archive = http.archive
    if archive is None:
        raise ValueError("sync needs a PoliteSession with a raw archive: every fetched body is kept for `rebuild`")
    terminal = TerminalProgress() if progress is None and show_progress else None
    report = progress or terminal or _no_progress
    requests_before = http.requests_sent
    try:
        sync_unxml(db, http, archive, unxml_base, summary, report)
        if include_undl:
            sync_undl(db, http, undl_base, summary, since, report)
    except RUN_STOPPERS as error:
        summary.stopped = str(error)
    finally:
        if terminal is not None:
            terminal.close()
    summary.requests = http.requests_sent - requests_before
    return summary


def sync_unxml(
    db: str | os.PathLike, http: PoliteSession, archive: RawArchive, base: str | None, summary: SyncSummary, progress: Progress
) -> None:
    """Fetch every session's extract conditionally; re-read and save a file whole when it changed."""
    base = unxml.resolve_base(base)
    saved_bodies = set(store.load_sources(db)["sha256"])
    validators = archive.load_validators()
    known = load_known_ids(db)

    def validators_for(url: str) -> Validators | None:
        # Only ask "changed since?" about a body the store really holds (it may have been replaced).
        remembered = validators.get(url)
        if remembered and remembered.get("sha256") in saved_bodies:
            return Validators(remembered.get("etag", ""), remembered.get("last_modified", ""))
        return None

    found = 0
    progress(UNXML_PROGRESS, found, None)
    try:
        for session_file in unxml.fetch_session_files(http, base, validators_for):
            found += 1
            response = session_file.response
            if response.not_modified:
                summary.not_modified += 1
            elif land(db, KIND_UNXML, response, known, summary):
                # Remembered only once the file is in the store: a kill before this line means a full re-fetch.
                validators[response.url] = {
                    "etag": response.validators.etag,
                    "last_modified": response.validators.last_modified,
                    "sha256": response.sha256,
                }
                archive.save_validators(validators)
            progress(UNXML_PROGRESS, found, None)
    except RUN_STOPPERS:
        raise
    except FetchError as error:  # robots.txt refusal, server errors, timeouts: this source stops
        summary.fail(f"UN extracts ({base})", str(error))
        return
    progress(UNXML_PROGRESS, found, found)  # every series has reached its 404: now the total is known
    if not found:
        summary.fail(f"UN extracts ({base})", f"no {unxml.session_url(base, '74')}: is the base URL right (--unxml-base, $UNGA_UNXML_BASE)?")


def sync_undl(
    db: str | os.PathLike, http: PoliteSession, base: str | None, summary: SyncSummary, since: int | None, progress: Progress
) -> None:
    """List the Library's voting records year by year and save those the store lacks.

    Years from `since` (else the year of the newest Library record in the store, else 1946) to this
    year. Within a year, pages come newest first; paging stops at a page holding a record already
    stored once the store holds as many of the year's records as the search reports, so a year left
    half-done by a killed run is finished by the next.
    """
    base = undl.resolve_base(base)
    known = load_known_ids(db)
    this_year = datetime.now(timezone.utc).year
    first = since or (max(known.values()) if known else undl.FIRST_YEAR)
    years = range(first, this_year + 1)
    progress(UNDL_PROGRESS, 0, len(years))
    for done, year in enumerate(years, start=1):
        jrec = 1
        while True:
            try:
                response = undl.fetch_year_page(http, base, year, jrec)
            except RobotsDisallowed as error:
                summary.fail("UN Digital Library search", str(error))
                return
            except RUN_STOPPERS:
                raise
            except FetchError as error:
                # Stop here rather than skip: later years would move the resume point past this one.
                summary.fail(f"{year} voting records from {jrec}", str(error))
                return
            if response.status != 200:
                summary.fail(f"{year} voting records from {jrec}", f"{response.url} answered HTTP {response.status}")
                return
            total = parse_search_total(response.body)
            page_ids = [listed.undl_id for listed in undl.split_search_page(response.body)]
            already = any(undl_id in known for undl_id in page_ids)
            land(db, KIND_YEAR_PAGE, response, known, summary)
            if total is None:
                summary.fail(f"{year} voting records from {jrec}", f"{response.url}: no result count in the page; not a search page?")
                break
            if total > undl.RESULT_LIMIT and jrec == 1:
                summary.fail(
                    f"{year} voting records",
                    f"the search reports {total} results but pages stop near {undl.RESULT_LIMIT}; "
                    "records past that need the bulk file or fetch-record",
                )
            stored_this_year = sum(1 for record_year in known.values() if record_year == year)
            # Advance by what came back, not by what was asked: a server may answer fewer per page.
            jrec += len(page_ids)
            if not page_ids or jrec > min(total, undl.RESULT_LIMIT):
                break
            if already and stored_this_year >= total:
                break
        progress(UNDL_PROGRESS, done, len(years))


def fetch_record(
    db: str | os.PathLike, target: str, http: PoliteSession, *, undl_base: str | None = None, html: bool = False
) -> SyncSummary:
    """Fetch one voting record, by Library record id (its MARCXML export, or its HTML page when
    `html`) or by resolution symbol (a search for the symbol), and save it even if already stored."""
    summary = SyncSummary()
    store.connect(db).close()
    known = load_known_ids(db)
    base = undl.resolve_base(undl_base)
    requests_before = http.requests_sent
    target = target.strip()
    try:
        if target.isdigit():
            undl_id = int(target)
            fetch = undl.fetch_record_page if html else undl.fetch_record_export
            response = fetch(http, base, undl_id)
            if response.status != 200:
                summary.fail(f"record {undl_id}", f"{response.url} answered HTTP {response.status}")
            else:
                land(db, KIND_RECORD_HTML if html else KIND_RECORD_XML, response, known, summary)
        else:
            symbol = normalise_symbol(target)
            response = undl.fetch_symbol_search(http, base, symbol)
            if response.status != 200:
                summary.fail(symbol, f"{response.url} answered HTTP {response.status}")
            else:
                before = summary.new + summary.changed + summary.unchanged
                land(db, KIND_LOOKUP_PAGE, response, known, summary)
                if summary.new + summary.changed + summary.unchanged == before and not summary.failed:
                    summary.fail(symbol, f"no voting record with the symbol {symbol} in the Library's Voting Data collection")
    except RUN_STOPPERS as error:
        summary.stopped = str(error)
    except FetchError as error:
        summary.fail(target, str(error))
    summary.requests = http.requests_sent - requests_before
    return summary


# ------------------------------------------------------------------------------------------- rebuild

LANDED_KINDS = frozenset({KIND_UNXML, KIND_RECORD_XML, KIND_RECORD_HTML, KIND_YEAR_PAGE, KIND_LOOKUP_PAGE})


def rebuild(
    db: str | os.PathLike,
    archive: RawArchive,
    *,
    force: bool = False,
    show_progress: bool = True,
    batch_size: int = 200,
) -> SyncSummary:
    """Build a fresh store at `db` from the raw archive alone, replaying it in the order it was fetched.

    The store is built beside `db` and moved into place at the end, so an interrupted rebuild leaves
    any existing store untouched. Replays go `batch_size` bodies per transaction for speed; a batch
    that fails is replayed body by body, exactly as `sync` saved them, so the result is the same.
    """
    db = Path(db)
    if db.exists() and not force:
        raise RebuildError(f"{db} already exists; rebuild writes a fresh store: give another --db, or --force to replace it")
    entries, seen = [], set()
    for entry in archive.entries():
        key = (entry.source_kind, entry.url, entry.sha256)
        # The same bytes from the same URL again (a re-run after a kill, a failing file fetched on
        # every run) change nothing the second time: the store keeps each body once.
        if entry.status == 200 and entry.source_kind in LANDED_KINDS and key not in seen:
            seen.add(key)
            entries.append(entry)
    if not entries:
        raise RebuildError(f"{archive.manifest_path}: no raw captures to rebuild from (run `python -m scraper sync` first)")
    building = db.with_name(db.name + ".rebuilding")
    _remove_sqlite(building)
    summary = SyncSummary()
    known: KnownIds = {}
    conn = store.connect(building)
    bar = tqdm(total=len(entries), desc="rebuild", unit=" captures", disable=None if show_progress else True, leave=False)
    try:
        for start in range(0, len(entries), batch_size):
            batch = entries[start : start + batch_size]
            _replay_batch(conn, archive, batch, known, summary)
            bar.update(len(batch))
    finally:
        bar.close()
        conn.close()
    if force:
        _remove_sqlite(db)
    os.replace(building, db)
    return summary


def _replay_batch(conn, archive: RawArchive, batch: list[RawEntry], known: KnownIds, summary: SyncSummary) -> None:
    known_before, summary_before = dict(known), copy.deepcopy(summary)
    landings = []
    for entry in batch:
        body = _read_raw(archive, entry, summary)
        if body is not None:
            planned = plan_landings(entry.source_kind, body, entry.url, entry.retrieved_at, known, summary)
            # As if saved already, so later pages in the batch skip these records as sync did.
            remember_ids(planned, known)
            landings += planned
    try:
        saved = store.save_batches(conn, [(landing.source, landing.roll_calls) for landing in landings])
    except ValueError:
        # Some record in the batch does not save: replay the batch body by body, each in its own
        # transaction as sync did, so the failure stays with its record.
        known.clear()
        known.update(known_before)
        summary.__dict__.update(summary_before.__dict__)
        for entry in batch:
            body = _read_raw(archive, entry, summary)
            if body is not None:
                planned = plan_landings(entry.source_kind, body, entry.url, entry.retrieved_at, known, summary)
                save_landings(conn, planned, known, summary)
        return
    summary.add(saved)


def _read_raw(archive: RawArchive, entry: RawEntry, summary: SyncSummary) -> bytes | None:
    try:
        return archive.read(entry)
    except RawArchiveError as error:
        summary.fail(entry.url, str(error))
        return None


def _remove_sqlite(path: Path) -> None:
    # A stale -wal beside a new main file would be replayed into it: remove all three together.
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def open_session(
    raw_dir: str | os.PathLike, *, contact: str | None = None, min_delay: float = 1.0, **options: object
) -> PoliteSession:
    """The polite session for a run, archiving every body under `raw_dir`."""
    return PoliteSession(contact=contact, min_delay=min_delay, archive=RawArchive(raw_dir), **options)

