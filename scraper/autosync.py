"""Keeping a store current: one sync run that never raises (for `setup` and a deployed dashboard),
and an opt-in background sync that runs at most every so often, one at a time across sessions and
processes, while readers go on reading.

The outcome of each run is kept in `sync-status.json` beside the store, so the dashboard's About
page can say when the last sync ran, how it went, and when the next one is due.
"""
from __future__ import annotations

import fcntl
import json
import os
import re
import socket
import sys
import threading
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

from scraper import store

SETTING = "UNGA_SYNC_EVERY"
STATUS_FILE = "sync-status.json"
LOCK_FILE = "sync.lock"
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_started_here = threading.Lock()  # one background run per process; the lock file makes it one per store


@dataclass
class SyncOutcome:
    """How one sync run went: `ok`, one line in words, when it started and finished (UTC, ISO), and
    whether the network could not be reached at all."""

    ok: bool
    message: str
    started_at: str
    finished_at: str
    offline: bool = False


def parse_interval(text: str | None) -> timedelta | None:
    """"24h", "90m", "2d", "3600s" (or a bare number of hours) as a timedelta; None for off ("", "0", "off").

    Raises ValueError naming the setting for anything else."""
    value = (text or "").strip().lower()
    if value in ("", "0", "off", "no", "false", "never"):
        return None
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([smhd]?)", value)
    if not match or float(match[1]) <= 0:
        raise ValueError(f"{SETTING}={text!r}: give a period such as 24h, 90m or 2d (or 0 for never)")
    seconds = float(match[1]) * _UNITS[match[2] or "h"]
    return timedelta(seconds=max(seconds, 60))  # at most once a minute, whatever is asked


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def last_vote_date(db: str | os.PathLike) -> str:
    try:
        conn = store.connect(db, readonly=True)
        try:
            return conn.execute("SELECT MAX(date) FROM roll_calls").fetchone()[0] or "—"
        finally:
            conn.close()
    except Exception:  # a store being built: the date is only for a message
        return "—"


def network_problem(base: str | None = None) -> str | None:
    """Why the UN's extracts cannot be reached at all (their host's name does not resolve), else None.

    A name lookup answers in milliseconds where there is no network; without it a sync would wait
    out its retries before saying so."""
    from scraper.sources import unxml

    host = urlsplit(unxml.resolve_base(base)).hostname or ""
    try:
        socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError, OSError):
        return f"cannot look up {host}"
    return None


def run_sync(db: str | os.PathLike, *, show_progress: bool = False, progress=None) -> SyncOutcome:
    """Sync store `db` from the UN's extracts once, then warm the caches; never raises.

    Every failure — no network, a server error, a bot challenge, a damaged store — comes back as
    an outcome whose message says in words what happened and that the store keeps what it had."""
    started = _iso(_now())
    held = f"the store holds the record to {last_vote_date(db)}"
    problem = network_problem()
    if problem:
        return SyncOutcome(False, f"no network ({problem}): {held}; run `python -m scraper sync` later",
                           started, _iso(_now()), offline=True)
    try:
        from scraper.package import warm_caches
        from scraper.raw import default_raw_dir
        from scraper.sync import open_session, sync

        with open_session(default_raw_dir(Path(db))) as http:
            summary = sync(db, http, show_progress=show_progress, progress=progress)
        if summary.new or summary.changed:
            warm_caches(db)
    except Exception as error:  # anything at all: a deployed app must keep serving
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        return SyncOutcome(False, f"the sync stopped ({reason[:200]}): {held}; nothing half-done was kept",
                           started, _iso(_now()))
    if summary.ok:
        return SyncOutcome(True, f"{summary.new:,} new and {summary.changed:,} changed votes; "
                                 f"the store holds the record to {last_vote_date(db)}", started, _iso(_now()))
    what, why = summary.failed[0] if summary.failed else ("sync", summary.stopped)
    return SyncOutcome(False, f"the sync did not finish ({what}: {why[:200]}): {held}", started, _iso(_now()))


# ---------------------------------------------------------------------------------------------
# Status kept beside the store


def status_path(db: str | os.PathLike) -> Path:
    return Path(db).resolve().parent / STATUS_FILE


def read_status(db: str | os.PathLike) -> SyncOutcome | None:
    """The last background or setup sync's outcome, or None if none ran (or its file is unreadable)."""
    try:
        return SyncOutcome(**json.loads(status_path(db).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def write_status(db: str | os.PathLike, outcome: SyncOutcome) -> None:
    from scraper.raw import write_atomically

    try:
        write_atomically(status_path(db), json.dumps(asdict(outcome), indent=1).encode("utf-8"))
    except OSError:  # a read-only deployment: the outcome is only lost for the About page
        pass


def next_due(db: str | os.PathLike, every: timedelta) -> datetime | None:
    """When the next background sync is due: `every` after the last one started (None: due now, none ran)."""
    last = read_status(db)
    if last is None:
        return None
    return datetime.fromisoformat(last.started_at) + every


def is_due(db: str | os.PathLike, every: timedelta) -> bool:
    due = next_due(db, every)
    return due is None or _now() >= due


def start_if_due(db: str | os.PathLike, every: timedelta | None) -> bool:
    """Start a background sync of store `db` when one is due; True if this call started one.

    Returns at once: the run is a daemon thread. At most one run per process (a lock) and per store
    (an exclusive lock on `sync.lock` beside it, taken without waiting), so any number of sessions
    and server processes may call this on every page view."""
    if every is None or not Path(db).exists() or not is_due(db, every):
        return False
    if not _started_here.acquire(blocking=False):
        return False
    try:
        lock = _take_file_lock(db)
    except OSError:
        lock = None
    if lock is None:
        _started_here.release()
        return False
    if not is_due(db, every):  # another process started one before we took the lock
        _release(lock)
        return False
    # Stamp the start first: a second caller sees the run as begun and does not start its own.
    write_status(db, SyncOutcome(True, "a sync is running now", _iso(_now()), "", False))

    def work() -> None:
        try:
            outcome = run_sync(db)
            write_status(db, outcome)
            if not outcome.ok:
                print(f"background sync: {outcome.message}", file=sys.stderr)
        finally:
            _release(lock)

    threading.Thread(target=work, name="unga-background-sync", daemon=True).start()
    return True


def _take_file_lock(db: str | os.PathLike):
    path = Path(db).resolve().parent / LOCK_FILE
    handle = open(path, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def _release(handle) -> None:
    try:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()
    finally:
        _started_here.release()


def is_running() -> bool:
    """Whether this process is running a background sync now."""
    return _started_here.locked()
