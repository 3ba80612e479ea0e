"""The dashboard keeps serving while a sync writes to the store.

A real writer — a subprocess that parses a synthetic bulk file with the importer and saves it
through `store.save_batches`, the one write path `import` and `sync` use — opens its transaction on a
copy of the small store and holds it open, at its first saved vote, until the test says commit. The
dashboard meanwhile renders its pages: headless through Streamlit's AppTest, and from a real
`streamlit run` server through Streamlit's own websocket protocol (the messages a browser tab
exchanges with it). The store's WAL journal lets readers go on reading the last committed data;
this checks that it does: no render fails or waits, every render inside the write transaction shows
the data from before it, and the first render after the commit shows the new data, with no restart.

The writer waits for the test rather than for a clock, so the check does not depend on how fast
this machine parses or renders.
"""
from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from scraper import store
from tests.conftest import write_small_bulk_file
from tests.dashboard_helpers import DASHBOARD, REPOSITORY, of_kind, run_in_session, start_dashboard, stop

# About shows the data version and the number of votes; Blocs is the page a link opens by default.
PAGES = ("about", "blocs", "resolutions", "about")
# The writer's file: 79 years × 20 votes of the small store's 16 states (its 1985–2024 votes among them).
WRITER_YEARS = range(1946, 2025)
WRITER_VOTES_PER_YEAR = 20

# The writer: the importer's parser, then the store's one write path, holding its transaction open at
# the first saved vote until a line "commit" comes on its standard input.
HOLDING_WRITER = """
import sys
from pathlib import Path
from scraper import importing, store

kind, data, roll_calls = importing.read_roll_calls(Path(sys.argv[1]))
source = store.SourceInfo(kind=kind, name=sys.argv[1], sha256=store.sha256_of(data))
held = False

def hold(done):
    global held
    if not held:
        held = True
        print("holding", flush=True)
        assert sys.stdin.readline().strip() == "commit"

store.save_batches(sys.argv[2], [(source, roll_calls)], progress=hold)
print("committed", flush=True)
"""

pytestmark = pytest.mark.timeout(120)


@dataclass
class Render:
    """What one render of a page showed, and whether it ran wholly inside the writer's transaction."""

    how: str  # "AppTest" or "server"
    page: str
    title: str
    version: str | None  # the data version the About page prints
    votes: str | None  # the About page's "Recorded votes"
    exceptions: list[str] = field(default_factory=list)
    seconds: float = 0.0
    inside_write: bool = False  # ran while the writer held its transaction open


def write_lock_held(db: Path) -> bool:
    """True when another connection holds the store's write lock (a write transaction is open)."""
    probe = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as error:
        assert "locked" in str(error), error
        return True
    finally:
        probe.close()


def shown_version(texts: list[str]) -> str | None:
    found = [m[1] for text in texts if (m := re.search(r"data version `(\w+)`", text))]
    return found[0] if found else None


def render_headless(page: str, *, cold: bool) -> Render:
    """Run the dashboard once with AppTest ($UNGA_DB set by the test); `cold` empties the data
    cache first, so the render reads the store itself rather than what an earlier render cached."""
    if cold:
        st.cache_data.clear()
    app = AppTest.from_file(DASHBOARD, default_timeout=60)
    app.query_params["page"] = page
    app.run()
    votes = [metric.value for metric in app.metric if metric.label == "Recorded votes"]
    return Render("AppTest", page, app.title[0].value if app.title else "",
                  shown_version([block.value for block in app.markdown]), votes[0] if votes else None,
                  [str(exception.value) for exception in app.exception])


def render_on_server(base: str, page: str, *, cold: bool) -> Render:
    """Run the page in a session on the running server, as a browser tab does; `cold` first asks
    the server to clear its caches."""
    elements = run_in_session(base, f"page={page}", clear_cache=cold)
    votes = [metric.body for metric in of_kind(elements, "metric") if metric.label == "Recorded votes"]
    titles = [heading.body for heading in of_kind(elements, "heading") if heading.tag == "h1"]
    return Render("server", page, titles[0] if titles else "",
                  shown_version([m.body for m in of_kind(elements, "markdown")]), votes[0] if votes else None,
                  [exception.message for exception in of_kind(elements, "exception")])


def timed(render, **kwargs) -> Render:
    began = time.monotonic()
    shown = render(**kwargs)
    shown.seconds = time.monotonic() - began
    return shown


def test_dashboard_serves_the_old_data_during_a_write_and_the_new_data_after(small_store, tmp_path, monkeypatch):
    db = tmp_path / "unvotes.sqlite"
    with sqlite3.connect(small_store) as source, sqlite3.connect(db) as copy:
        source.backup(copy)
    store.connect(db).close()  # the copy in WAL mode, as every store is
    monkeypatch.setenv("UNGA_DB", str(db))
    more = write_small_bulk_file(tmp_path / "more.csv", seed=100, years=WRITER_YEARS, per_year=WRITER_VOTES_PER_YEAR)
    log = tmp_path / "streamlit.log"
    log_file = log.open("w")
    server, base = start_dashboard(db, log_file)
    writer = None
    try:
        if base is None:
            pytest.fail(f"streamlit did not start:\n{log.read_text()[-3000:]}")
        old_version = store.data_version(db)
        old_votes = f"{len(store.load_roll_calls(db)):,}"
        # One render of each kind before the write, so the renders during it don't pay for the first imports.
        before = [timed(render_headless, page="about", cold=True), timed(render_on_server, base=base, page="about", cold=True)]

        writer = subprocess.Popen([sys.executable, "-c", HOLDING_WRITER, str(more), str(db)], cwd=REPOSITORY,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        said = writer.stdout.readline().strip()
        assert said == "holding", f"the writer did not open its transaction: {said}\n{writer.stdout.read()}"
        assert write_lock_held(db), "the writer says it holds its transaction, but the store's write lock is free"

        # Every page, headless and on the server, with empty caches so each reads the store itself.
        during: list[Render] = []
        for page in PAGES:
            during.append(timed(render_headless, page=page, cold=True))
            during.append(timed(render_on_server, base=base, page=page, cold=True))
        for render in during:
            render.inside_write = True
        still_held = write_lock_held(db)
        unchanged = store.data_version(db) == old_version

        writer.stdin.write("commit\n")
        writer.stdin.flush()
        output, _ = writer.communicate(timeout=60)
        new_version = store.data_version(db)
        new_votes = f"{len(store.load_roll_calls(db)):,}"
        # Caches warm from the renders above, no restart: the new data version alone must make
        # everything cached from the old data stale.
        after = [timed(render_headless, page="about", cold=False), timed(render_on_server, base=base, page="about", cold=False)]
    finally:
        if writer is not None and writer.poll() is None:
            writer.kill()
        stop(server)
        log_file.close()

    summary = "renders:\n" + "\n".join(
        f"{r.how:8} {r.page:12} {r.seconds:4.1f} s inside={r.inside_write!s:5} {r.title!r} "
        f"{r.version} {r.votes} {r.exceptions}" for r in before + during + after)
    assert still_held and unchanged, f"the write transaction ended while the pages rendered\n{summary}"
    assert writer.returncode == 0 and "committed" in output, output
    assert new_version != old_version and new_votes != old_votes, output
    for render in before + during + after:
        assert not render.exceptions, summary
        # A store it cannot read looks empty to the dashboard, which then shows the first-run page.
        assert render.title and render.title != "UN General Assembly votes", summary
    for render in before + during:
        # Inside the write, the last committed data: the old version and count, read without waiting.
        if render.page == "about":
            assert (render.version, render.votes) == (old_version, old_votes), summary
        assert render.seconds < 30, f"a render waited for the writer\n{summary}"
    for render in after:
        assert (render.version, render.votes) == (new_version, new_votes), summary
    server_log = log.read_text()
    assert "Traceback" not in server_log and "locked" not in server_log, server_log[-3000:]

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert new_votes == f"{len(WRITER_YEARS) * WRITER_VOTES_PER_YEAR:,}"  # the small store's votes are among them
