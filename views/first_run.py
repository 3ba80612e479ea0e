"""The first-run page: shown when there is no vote store yet. It says what to do and offers to
build the store — import files the user has (the UN Digital Library's bulk voting file, the UN's
per-session extracts) or sync from the sources that allow scripts — with a progress bar.

This is the only place the dashboard writes, and only when the user clicks.
"""
from __future__ import annotations

import glob
import tempfile
from pathlib import Path

import streamlit as st

REPOSITORY = Path(__file__).resolve().parent.parent
BULK_RECORD_URL = "https://digitallibrary.un.org/record/4060887"
# Where a checkout beside the project's shared data finds the real files (development, CI).
SHARED_GUESS = REPOSITORY.parent / "shared" / "data"


def render(db: str) -> None:
    """Explain, and offer the ways to build the store at `db`."""
    st.title("UN General Assembly votes")
    st.markdown(
        f"There is no vote store yet at `{db}`. The dashboard needs one: every General Assembly "
        "resolution adopted by a recorded vote, with each member state's vote. Build it once, here or "
        "with the command line, and this page gives way to the dashboard."
    )
    importing, syncing, command_line = st.tabs(["Import files you have", "Sync from the UN's sources", "Command line"])
    with importing:
        _import_files(db)
    with syncing:
        _sync(db)
    with command_line:
        st.markdown("From the project's folder:")
        st.code("python -m scraper import path/to/ga_voting.csv.gz path/to/unxml/*.json\n"
                "python -m scraper sync\nstreamlit run dashboard.py", language="bash")


def _default_paths() -> str:
    if (SHARED_GUESS / "undl_ga_voting_1946-2025.csv.gz").exists():
        files = [SHARED_GUESS / "undl_ga_voting_1946-2025.csv.gz", SHARED_GUESS / "unxml" / "*.json"]
        return "\n".join(str(path) for path in files)
    return ""


def _import_files(db: str) -> None:
    st.markdown(
        f"1. Download the UN Digital Library's bulk file **United Nations General Assembly Voting Data** "
        f"in your browser from [record 4060887]({BULK_RECORD_URL}) (a CSV file; gzip is fine). Optionally "
        "add the UN's per-session extracts (`data_extract/<session>.json` from UNxml/GAresolutions) for the "
        "latest sessions.\n"
        "2. Give the files' paths on this computer (one per line, `*` allowed), or upload them, and build."
    )
    paths_text = st.text_area("Paths of the files", value=_default_paths(), height=90, key="first_run_paths",
                              placeholder="/home/me/Downloads/2026_02_06_ga_voting.csv")
    uploads = st.file_uploader("…or upload them", accept_multiple_files=True, type=["csv", "gz", "json", "xml", "html"],
                               key="first_run_uploads")
    if st.button("Build the store from these files", type="primary", key="first_run_import"):
        paths: list[Path] = []
        missing: list[str] = []
        for line in paths_text.splitlines():
            pattern = line.strip()
            if not pattern:
                continue
            matches = sorted(glob.glob(str(Path(pattern).expanduser())))
            if matches:
                paths.extend(Path(match) for match in matches)
            else:
                missing.append(pattern)
        if missing:
            st.error(f"No file at: {', '.join(missing[:3])}. Check the path, or upload the file instead.")
            return
        with tempfile.TemporaryDirectory() as folder:
            for upload in uploads or []:
                target = Path(folder) / Path(upload.name).name
                target.write_bytes(upload.getvalue())
                paths.append(target)
            if not paths:
                st.error("Give at least one file.")
                return
            if build_store(db, paths):
                st.success("The store is ready.")
                st.rerun()


def build_store(db: str, paths: list[Path]) -> bool:
    """Parse every file, then save them all in one transaction, showing progress; True on success.

    Uses the scraper's own reader and store (`scraper.importing.read_roll_calls`,
    `scraper.store.save_batches`): the same checks and all-or-nothing saving as
    `python -m scraper import`.
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
        st.error(f"Nothing was imported: {error}")
        return False
    bar.progress(1.0, text=f"Done: {summary.new:,} new votes.")
    return True


def _sync(db: str) -> None:
    st.markdown(
        "Fetches the UN's per-session extracts (sessions 74 on, 2019 to today) over the internet — the source "
        "that allows scripts. For the full record since 1946, import the Library's bulk file (first tab): its "
        "terms ask for the Library's approval before automated downloads, so this app does not fetch it."
    )
    if st.button("Sync now", key="first_run_sync"):
        from scraper import sync
        from scraper.raw import default_raw_dir

        bar = st.progress(0.0, text="Fetching the UN's per-session extracts (a few seconds per session)…")

        def show(what: str, done: int, total: int | None) -> None:
            unit = sync.PROGRESS_UNITS.get(what, "steps")
            if total:
                bar.progress(done / total, text=f"{what}: {done} of {total} {unit}")
            else:  # how many extracts exist is learnt as they come: a bar that slows, and fills at the end
                bar.progress(done / (done + 3), text=f"{what}: {done} {unit} so far…")

        try:
            with sync.open_session(default_raw_dir(db)) as http:
                summary = sync.sync(db, http, show_progress=False, progress=show)
        except Exception as error:  # a network failure must read as a message, not a traceback
            bar.empty()
            st.error(f"The sync failed: {error}. Nothing half-done was kept; try again later, or import files.")
            return
        if summary.ok:
            bar.progress(1.0, text=f"Done: {summary.new:,} new votes.")
        else:
            bar.empty()  # the lines below say what stopped it
        for line in summary.lines():
            st.caption(line)
        if summary.ok:
            st.rerun()
