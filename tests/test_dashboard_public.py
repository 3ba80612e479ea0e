"""The dashboard as a public deployment meets it: many first visitors at once on a fresh server,
hostile links (Markdown, HTML, script and overlong values in every parameter of every page), page
addresses typed by hand, and no traceback or server path shown to a visitor. A real
`streamlit run` server and headless Chromium (playwright); the small synthetic store, so these run
without ../shared.

Skips without Debian's chromium (`apt-get install chromium`).
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.dashboard_helpers import REPOSITORY, start_dashboard, stop

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
IDLE = "() => document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state') === 'notRunning'"
SHARED_LINK = "/?from=2015&to=2024&topic=human-rights"

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def serve(db: Path, log_path: Path):
    log = log_path.open("w")
    process, base = start_dashboard(db, log)
    if base is None:
        log.close()
        pytest.fail(f"streamlit did not start:\n{log_path.read_text()[-3000:]}")
    return process, base, log


def errors_shown(page) -> list[str]:
    """The text of every error box and exception Streamlit drew."""
    return [element.inner_text() for element in page.locator("[data-testid='stException']").all()]


def test_eight_first_visitors_at_once_on_a_fresh_server(browser, small_store, tmp_path):
    """Eight browsers open the shared link the moment a fresh server answers, three times over:
    every one gets the page, none a Python error (the import race of issue 13)."""
    failures = []
    for attempt in range(3):
        process, base, log = serve(small_store, tmp_path / f"server-{attempt}.log")
        contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in range(8)]
        try:
            pages = [context.new_page() for context in contexts]
            for page in pages:  # each returns once the HTML arrives: the eight sessions start together
                page.goto(base + SHARED_LINK, wait_until="commit")
            for number, page in enumerate(pages):
                page.wait_for_selector("h1, [data-testid='stException']", timeout=180_000)
                page.wait_for_function(IDLE, timeout=180_000)
                shown = errors_shown(page)
                if shown or "Voting blocs" not in page.inner_text("body"):
                    failures.append((attempt, number, shown[:1] or page.inner_text("body")[:300]))
        finally:
            for context in contexts:
                context.close()
            stop(process)
            log.close()
    assert not failures, failures
