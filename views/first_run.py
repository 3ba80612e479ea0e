"""Building the vote store from inside the dashboard.

With no store, the first start builds it from the open data package shipped in data/package/
(`build_from_package`): a progress bar, then the Blocs page, no questions asked. One build runs
per server process, in a thread of its own, so any number of sessions may arrive meanwhile (each
watches the same bar) and a visitor closing the tab does not stop it.

Only when the package is missing or damaged, or the store file cannot be written, does the
first-run page (`render`) appear, saying exactly that and offering the other ways: upload the
UN's files (size-limited), sync from the UN's extracts, or — on a machine where the operator has
set UNGA_LOCAL_FILES=1 — give paths on the server. A visitor's word never opens a server path
otherwise. This is the only place the dashboard writes.
"""
from __future__ import annotations

import glob
import os
import tempfile
import threading
import time
from functools import partial
from pathlib import Path

import streamlit as st

from views.state import PAGE_PARAMS

REPOSITORY = Path(__file__).resolve().parent.parent
BULK_RECORD_URL = "https://digitallibrary.un.org/record/4060887"
PACKAGE_ENV = "UNGA_PACKAGE"          # where the data package is (default: data/package in the repository)
LOCAL_FILES_ENV = "UNGA_LOCAL_FILES"  # "1": the page may read paths on this machine (never on a public server)
UPLOAD_LIMIT_ENV = "UNGA_MAX_UPLOAD_MB"
DEFAULT_UPLOAD_LIMIT_MB = 150         # the Library's bulk CSV is ~100 MB unzipped, ~15 MB gzipped
# Every page's address, so a shared link opened before the store exists lands on this page rather
# than on Streamlit's "Page not found": the pages a link can name (state.PAGE_PARAMS), and Stories.
PAGE_PATHS = (*PAGE_PARAMS, "stories")


def package_folder() -> Path:
    return Path(os.environ.get(PACKAGE_ENV) or REPOSITORY / "data" / "package")


def local_files_enabled() -> bool:
    return os.environ.get(LOCAL_FILES_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def upload_limit_mb() -> int:
    try:
        return max(1, int(os.environ.get(UPLOAD_LIMIT_ENV, DEFAULT_UPLOAD_LIMIT_MB)))
    except ValueError:
        return DEFAULT_UPLOAD_LIMIT_MB


# ------------------------------------------------------------------------------------------------
# The automatic build from the package


class _Build:
    """One build of a store in this process: its thread, how far it has got, and how it ended."""

    def __init__(self, db: str) -> None:
        self.fraction, self.text, self.problem = 0.0, "Starting…", None
        self.thread = threading.Thread(target=self._run, args=(db,), name="unga-build-store", daemon=True)

    def report(self, fraction: float, text: str) -> None:
        self.fraction, self.text = fraction, text

    def _run(self, db: str) -> None:
        self.problem = _build(db, self.report)


_builds: dict[str, _Build] = {}
_builds_lock = threading.Lock()


def build_from_package(db: str) -> str | None:
    """Build the store at `db` from the data package, showing a progress bar; its data version, or
    None when it cannot be built (then `problem(db)` says why in words).

    A build that failed is tried again on the next page view: reading a missing package fails in
    milliseconds, and one restored meanwhile then works."""
    from views import data

    with _builds_lock:
        build = _builds.get(db)
        if build is None or (not build.thread.is_alive() and data.read_version(db) is None):
            build = _builds[db] = _Build(db)
            build.thread.start()
    if build.thread.is_alive():
        slot = st.empty()  # cleared when done: the page that follows starts with its own title
        with slot.container():
            st.title("UN General Assembly votes")
            st.markdown("Getting the record of every General Assembly vote since 1946 ready. This happens once, "
                        "when the app starts with no data; it takes a few seconds.")
            bar = st.progress(0.0, text=build.text)
        while build.thread.is_alive():
            bar.progress(min(1.0, build.fraction), text=build.text)
            build.thread.join(0.25)
        slot.empty()
    if build.problem:
        return None
    return data.read_version(db)


def problem(db: str) -> str | None:
    """Why the last automatic build of the store at `db` failed, in words, or None."""
    build = _builds.get(db)
    return build.problem if build else None


def _build(db: str, report) -> str | None:
    """Import the package into the store at `db`; None when done, else why not, in words."""
    from scraper import package
    from scraper.cache import prepare_votes
    from views import data

    try:
        if data.read_version(db) is None:  # another server process may have built it meanwhile
            package.import_package(package_folder(), db, progress=lambda f, t: report(0.95 * f, t), only_if_empty=True)
        report(0.9, "Preparing the votes for the first page…")
        prepare_votes(db)
        # The slower derived frames (topic tags, ideal points) too, before any page draws: made beside
        # a class's first pages, they took the first start over the 1 GB a free host allows.
        report(0.93, "Preparing the topics and each country's position over time…")
        _warm(db)
    except package.PackageError as error:
        return f"The data package that comes with the app cannot be used: {error}."
    except Exception as error:  # a damaged or unwritable store file, a full disk: words, never a traceback
        print(f"building the store from the package failed: {error!r}", flush=True)
        return (f"The vote store file {Path(db).name} cannot be written ({_first_line(error)}). If it is "
                "damaged, whoever runs this app can delete or move it and start the app again.")
    report(1.0, "Done.")
    return None


def _warm(db: str) -> None:
    from scraper.package import warm_caches

    try:
        warm_caches(db)
    except Exception as error:  # only the first visit to a page pays for it then
        print(f"warming the caches failed: {error!r}", flush=True)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__


# ------------------------------------------------------------------------------------------------
# The first-run page: only when the package cannot be used


def pages(db: str, reason: str | None) -> list:
    """The first-run page under the setup address and every page's address."""
    return [st.Page(partial(render, db, reason), title="Build the vote store", url_path="setup",
                    icon=":material/database:", default=True)] + [
        st.Page(partial(render, db, reason), title="Build the vote store", url_path=path, icon=":material/database:")
        for path in PAGE_PATHS]


def render(db: str, reason: str | None = None) -> None:
    """Say why there is no store and offer the ways to build the store at `db`."""
    st.title("UN General Assembly votes")
    st.error(reason or "There is no vote store yet, and the data package that comes with the app is missing.",
             icon=":material/error:")
    st.markdown(
        "The dashboard needs the record of every General Assembly resolution adopted by a recorded vote, with "
        "each member state's vote. Normally it builds it by itself from the data package in `data/package`. "
        "Until that works again, build the record here: from the UN's files, or from the UN's own sources "
        "over the internet. The page gives way to the dashboard as soon as the record is there."
    )
    importing, syncing, command_line = st.tabs(["Upload the UN's files", "Sync from the UN's sources", "Command line"])
    with importing:
        _import_files(db)
    with syncing:
        _sync(db)
    with command_line:
        st.markdown("Whoever runs the app can restore the package and build the record from the project's folder:")
        st.code("git checkout data/package\npython -m scraper setup\nstreamlit run dashboard.py", language="bash")


def _import_files(db: str) -> None:
    limit = upload_limit_mb()
    st.markdown(
        f"1. Download the UN Digital Library's bulk file **United Nations General Assembly Voting Data** "
        f"in your browser from [record 4060887]({BULK_RECORD_URL}) (a CSV file; gzip is fine). Optionally "
        "add the UN's per-session extracts (`data_extract/<session>.json` from UNxml/GAresolutions) for the "
        "latest sessions.\n"
        f"2. Upload them here (at most {limit} MB each; gzip the CSV if it is larger) and build."
    )
    paths_text = ""
    if local_files_enabled():  # the operator's own machine: paths on it are allowed
        paths_text = st.text_area("Paths of the files on this computer (one per line, `*` allowed)", height=90,
                                  key="first_run_paths", placeholder="/home/me/Downloads/2026_02_06_ga_voting.csv")
    uploads = st.file_uploader("Upload the files", accept_multiple_files=True, type=["csv", "gz", "json", "xml", "html"],
                               key="first_run_uploads", max_upload_size=limit)
    if not st.button("Build the store from these files", type="primary", key="first_run_import"):
        return
    paths: list[Path] = []
    missing: list[str] = []
    for line in paths_text.splitlines():
        pattern = line.strip()
        if not pattern:
            continue
        matches = sorted(glob.glob(str(Path(pattern).expanduser())))
        files = [Path(match) for match in matches if Path(match).is_file()]
        if files:
            paths.extend(files)
        else:
            missing.append(Path(pattern).name)
    if missing:
        st.error(f"No file called {', '.join(missing[:3])} there. Check the path, or upload the file instead.",
                 icon=":material/error:")
        return
    too_big = [upload.name for upload in uploads or [] if upload.size > limit * 1024 * 1024]
    if too_big:
        st.error(f"{Path(too_big[0]).name} is larger than {limit} MB: gzip it first, then upload it.",
                 icon=":material/error:")
        return
    with tempfile.TemporaryDirectory() as folder:
        for upload in uploads or []:
            target = Path(folder) / Path(upload.name).name
            target.write_bytes(upload.getvalue())
            paths.append(target)
        if not paths:
            st.error("Upload at least one file first.", icon=":material/error:")
            return
        if build_store(db, paths):
            st.success("The store is ready.")
            st.rerun()


def build_store(db: str, paths: list[Path]) -> bool:
    """Parse every file, then save them all in one transaction, showing progress; True on success.

    Uses the scraper's own reader and store (`scraper.importing.read_roll_calls`,
    `scraper.store.save_batches`): the same checks and all-or-nothing saving as
    `python -m scraper import`. Errors name files, never paths on the server.
    """
    from scraper import countries, importing, store

    bar = st.progress(0.0, text="Reading the files…")
    batches = []
    try:
        for index, path in enumerate(paths):
            bar.progress(0.3 * index / len(paths), text=f"Reading {path.name}…")
            kind, raw, roll_calls = importing.read_roll_calls(path)
            batches.append((store.SourceInfo(kind=kind, name=path.name, sha256=store.sha256_of(raw)), roll_calls))
        total = max(1, sum(len(roll_calls) for _, roll_calls in batches))
        done = [0]

        def progress(_: int) -> None:
            done[0] += 1
            if done[0] % 50 == 0 or done[0] == total:
                bar.progress(0.3 + 0.7 * done[0] / total, text=f"Saving vote {done[0]:,} of {total:,}…")

        summary = store.save_batches(db, batches, progress=progress)
    except (importing.ImportFailed, countries.UnknownCountryError, ValueError) as error:
        bar.empty()
        st.error(f"Nothing was imported: {_without_folders(str(error), paths)}", icon=":material/error:")
        return False
    except Exception as error:  # a damaged or unwritable store: words and a way on, never a traceback
        bar.empty()
        print(f"first-run import failed: {error!r}", flush=True)
        st.error(f"Nothing was imported: the vote store file {Path(db).name} cannot be written "
                 f"({_first_line(error)}). Whoever runs the app can delete or move it and start again.",
                 icon=":material/error:")
        return False
    bar.progress(1.0, text=f"Done: {summary.new:,} new votes.")
    _warm(db)
    return True


def _without_folders(message: str, paths: list[Path]) -> str:
    """The message with each file's folders removed: a visitor sees file names, never server paths."""
    for path in sorted(paths, key=lambda p: -len(str(p))):
        message = message.replace(str(path), path.name)
    return message


def _sync(db: str) -> None:
    st.markdown(
        "Fetches the UN's per-session extracts (sessions 74 on, 2019 to today) over the internet — the source "
        "that allows scripts. For the full record since 1946, upload the Library's bulk file (first tab): its "
        "terms ask for the Library's approval before automated downloads, so this app does not fetch it."
    )
    if not st.button("Sync now", key="first_run_sync"):
        return
    from scraper import autosync, sync

    problem_now = autosync.network_problem()
    if problem_now:
        st.error("This server cannot reach the internet right now (it could not look up the UN's server). Nothing "
                 "was changed. Try again later, or upload the UN's files in the first tab.", icon=":material/wifi_off:")
        return
    bar = st.progress(0.0, text="Fetching the UN's per-session extracts (a few seconds per session)…")

    def show(what: str, done: int, total: int | None) -> None:
        unit = sync.PROGRESS_UNITS.get(what, "steps")
        if total:
            bar.progress(done / total, text=f"{what}: {done} of {total} {unit}")
        else:  # how many extracts exist is learnt as they come: a bar that slows, and fills at the end
            bar.progress(done / (done + 3), text=f"{what}: {done} {unit} so far…")

    outcome = autosync.run_sync(db, progress=show)
    autosync.write_status(db, outcome)
    bar.empty()
    if outcome.ok and Path(db).exists():
        st.success(f"Done: {outcome.message}.")
        time.sleep(0.5)
        st.rerun()
    st.error(f"The sync did not work: {outcome.message}. Try again later, or upload the UN's files in the first tab.",
             icon=":material/error:")
