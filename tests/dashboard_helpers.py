"""What the dashboard's tests share: running it headless (AppTest), serving it with `streamlit run`,
talking to that server as a browser tab does, and driving Debian's Chromium."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.testing.v1 import AppTest

REPOSITORY = Path(__file__).resolve().parent.parent
DASHBOARD = str(REPOSITORY / "dashboard.py")
ARTIFACTS = REPOSITORY / "artifacts"  # the browser tests' screenshots and server logs (ignored by git)


def open_app(db: Path, monkeypatch, **params: str) -> AppTest:
    """Run the dashboard once against store `db`, as a browser opening `?params` would."""
    monkeypatch.setenv("UNGA_DB", str(db))
    app = AppTest.from_file(DASHBOARD, default_timeout=120)
    for key, value in params.items():
        app.query_params[key] = value
    return app.run()


def assert_clean(app: AppTest) -> None:
    """No exception, and no page that failed (dashboard.py catches a page's exception and shows
    `controls.PAGE_FAILED` in words instead of the traceback)."""
    from views.controls import PAGE_FAILED

    assert not app.exception, [e.value for e in app.exception]
    failed = [e.value for e in app.error if PAGE_FAILED in e.value]
    assert not failed, failed


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_dashboard(db: Path, log: IO) -> tuple[subprocess.Popen, str]:
    """`streamlit run dashboard.py` on a free local port, reading store `db`, output to `log`;
    returns the process and its address once it answers its health check (None if it did not
    within 60 s: the caller fails the test with the log)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", DASHBOARD, "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=REPOSITORY, env={**os.environ, "UNGA_DB": str(db)}, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    return process, None


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@contextmanager
def serving(db: Path, log_path: Path) -> Iterator[str]:
    """The dashboard served by `streamlit run` on 127.0.0.1, reading store `db`, its output in
    `log_path`; yields its address and stops it on leaving. Fails the test if it does not start."""
    import pytest

    with log_path.open("w") as log:
        process, base = start_dashboard(db, log)
        try:
            if base is None:
                log.flush()
                pytest.fail(f"streamlit did not start within 60 s:\n{log_path.read_text()[-3000:]}")
            yield base
        finally:
            stop(process)


def run_in_session(base: str, query_string: str, *, clear_cache: bool = False, open_timeout: float = 30,
                   timeout: float = 60) -> list:
    """Open a session on the server at `base` as a browser tab does (Streamlit's own websocket
    protocol), run the script with `query_string`, and return every element (`Element` message) the
    server sent until the run finished. `clear_cache` first asks the server to clear its caches (the
    "Clear cache" of Streamlit's menu); `timeout` bounds the wait for each message."""
    from websockets.sync.client import connect

    elements = []
    with connect(base.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"], max_size=None,
                 open_timeout=open_timeout) as session:
        if clear_cache:
            session.send(BackMsg(clear_cache=True).SerializeToString())
        message = BackMsg()
        message.rerun_script.query_string = query_string
        session.send(message.SerializeToString())
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(session.recv(timeout=timeout))
            kind = forward.WhichOneof("type")
            if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                elements.append(forward.delta.new_element)
            # A `?page=` that switches page ends the first run early and starts another.
            if kind == "script_finished" and forward.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return elements


def of_kind(elements: list, name: str) -> list:
    """The `name` part ("metric", "exception", "markdown"…) of each element of that kind."""
    return [getattr(element, name) for element in elements if element.WhichOneof("type") == name]


# --- the real browser: Debian's Chromium driven by playwright (never a browser of playwright's own) ---

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# The app has finished its run: no script running, so every element of this run is on the page.
IDLE = "() => document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state') === 'notRunning'"
# Widgets and tables whose code the browser is still loading show as grey placeholders.
NO_PLACEHOLDERS = ("() => !document.querySelector('[data-testid=stSkeleton], [data-testid=stSkeletonElement], "
                   "[data-testid=stAppSkeleton]')")
MAP_SHAPES = "path.choroplethlocation"  # one SVG path per country a plotly choropleth drew


def wait_until_idle(page, timeout: float = 60_000) -> None:
    """Wait until Streamlit has finished running the script and every element is drawn."""
    page.wait_for_function(IDLE, timeout=timeout)
    page.wait_for_function(NO_PLACEHOLDERS, timeout=timeout)


def assert_no_error(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0, page.inner_text("body")[:2000]


def launch_chromium():
    """Yield a headless Chromium (a module's `browser` fixture); skip where Chromium or playwright is absent."""
    import pytest

    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
