"""End to end in a real browser: `streamlit run dashboard.py` on a free local port against the full
store, driven by headless Chromium through playwright. It opens a shared link, checks what a user
sees (a world map with its country shapes drawn from the shipped file, the bloc names, no error,
no request leaving this machine), changes a control and checks the URL followed, downloads a
table, and screenshots every page into artifacts/.

Skips without ../shared (the full store) or without Debian's chromium (`apt-get install chromium`).
"""
from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import pytest

from tests.dashboard_helpers import ARTIFACTS, MAP_SHAPES, NO_PLACEHOLDERS, assert_no_error, wait_until_idle

SHARED_LINK = "?page=blocs&from=2015&to=2025&topic=human-rights"

pytestmark = pytest.mark.timeout(300)


@pytest.fixture()
def page(browser, full_dashboard):
    """A fresh tab that records every request it makes."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    tab = context.new_page()
    tab.requests = []
    tab.on("request", lambda request: tab.requests.append(request.url))
    yield tab
    context.close()


def only_local_requests(page, base: str) -> list[str]:
    return [url for url in page.requests if not url.startswith((base, "data:", "blob:", "about:"))]


def test_shared_link_shows_blocs_map_and_follows_a_control(page, full_dashboard):
    started = time.monotonic()
    page.goto(full_dashboard + "/" + SHARED_LINK)
    page.wait_for_function(f"() => document.querySelectorAll('{MAP_SHAPES}').length > 150", timeout=90_000)
    wait_until_idle(page)
    assert_no_error(page)
    first_render = time.monotonic() - started
    text = page.inner_text("body")
    assert "Voting blocs, 2015–2025" in text
    assert "Human rights" in text or "human rights" in text
    # The legend and the members table name the blocs after their most central members.
    legend = [entry.text_content() or "" for entry in page.locator(".legendtext").all()]
    assert sum(1 for entry in legend if entry[:2] in {f"{n}." for n in range(1, 13)}) >= 2, legend
    assert "United States" in text
    # The map's shapes came from the app itself: nothing was fetched from another host.
    assert any(url.endswith("/app/static/world_110m.json") for url in page.requests)
    assert only_local_requests(page, full_dashboard) == []
    assert "from=2015" in page.url and "to=2025" in page.url and "topic=human-rights" in page.url
    # The tiny map that starts plotly.js early (views/chart_library.start_loading) is drawn but takes
    # no room: no white box under the navigation.
    preload = page.evaluate("() => { const e = document.querySelector('[data-testid=stSidebar] .st-key-chart_library');"
                            " return e && {height: e.getBoundingClientRect().height, drawn: e.querySelectorAll('.main-svg').length,"
                            " visibility: getComputedStyle(e).visibility}; }")
    assert preload == {"height": 0, "drawn": preload and preload["drawn"], "visibility": "hidden"}, preload
    assert preload["drawn"] > 0, preload
    page.screenshot(path=str(ARTIFACTS / "dashboard-blocs.png"), full_page=False)

    # Change the measure; the URL follows and the page redraws without error.
    page.locator("[data-testid='stSelectbox']").filter(has_text="Measure of agreement").click()
    page.get_by_role("option", name="Cohen's kappa").click()
    page.wait_for_function("() => window.location.search.includes('measure=kappa')", timeout=30_000)
    wait_until_idle(page)
    page.wait_for_function(f"() => document.querySelectorAll('{MAP_SHAPES}').length > 150", timeout=30_000)
    assert_no_error(page)
    assert "from=2015" in page.url and "topic=human-rights" in page.url
    print(f"first render of the shared link: {first_render:.1f} s")


def test_vote_page_maps_each_state_and_downloads_its_votes(page, full_dashboard):
    page.goto(full_dashboard + "/resolutions?vote=A/RES/75/287")
    page.wait_for_function(f"() => document.querySelectorAll('{MAP_SHAPES}').length > 150", timeout=60_000)
    wait_until_idle(page)
    assert_no_error(page)
    text = page.inner_text("body")
    assert "A/RES/75/287" in text and "Lone dissent" not in text  # 119-1-36: not near-unanimous
    page.screenshot(path=str(ARTIFACTS / "dashboard-resolutions.png"), full_page=False)
    button = page.locator("[data-testid='stDownloadButton']").filter(has_text="Download CSV").first
    with page.expect_download(timeout=30_000) as download:
        button.click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    votes = {row["country_code"]: row["vote"] for row in rows}
    assert votes["BLR"] == "N" and votes["MMR"] == "Y" and votes["CHN"] == "A"
    assert sum(1 for vote in votes.values() if vote == "N") == 1
    assert only_local_requests(page, full_dashboard) == []


@pytest.mark.parametrize("name, path, expect", [
    ("outliers", "/outliers?from=2015&to=2025", "Outliers, 2015–2025"),
    ("countries", "/countries?country=MMR&partners=BLR,RUS,CHN,USA&from=2015&to=2025", "Myanmar"),
    ("compare", "/compare?countries=USA,RUS&from=2015&to=2025", "United States and Russia"),
    ("about", "/about", "About the data"),
])
def test_every_page_draws_in_the_browser(page, full_dashboard, name, path, expect):
    page.goto(full_dashboard + path)
    page.wait_for_selector(f"h1:has-text('{expect}')", timeout=60_000)
    if name == "countries":  # the agreement-over-time chart, before the (slow, first-time) ideal points
        page.wait_for_selector("[data-testid='stPlotlyChart']", timeout=60_000)
        page.wait_for_function(NO_PLACEHOLDERS, timeout=60_000)
    else:
        wait_until_idle(page)
    assert_no_error(page)
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{name}.png"), full_page=False)
    assert only_local_requests(page, full_dashboard) == []


def test_bad_link_gives_a_notice_not_a_traceback(page, full_dashboard):
    page.goto(full_dashboard + "/?from=2030&to=1900&topic=astrology&k=" + "x" * 5000)
    wait_until_idle(page)
    page.wait_for_selector("[data-testid='stAlert']", timeout=30_000)
    assert_no_error(page)
    text = page.inner_text("body")
    assert "Unknown topic" in text and "characters long" in text
    assert "topic=all" in page.url



def test_downloaded_map_opens_offline(browser, tmp_path):
    """A map saved with 'Download chart (HTML)' draws its shapes from the file alone."""
    import pandas as pd

    from views.charts import _shape_names, figure_html, vote_world_map

    votes = pd.DataFrame({"country_code": ["USA", "BLR", "MMR", "CHN", "FRA", "BRA", "IND", "ZAF", "AUS", "CAN"],
                          "vote": ["Y", "N", "Y", "A", "Y", "Y", "A", "X", "Y", "Y"]})
    path = tmp_path / "vote-map.html"
    path.write_text(figure_html(vote_world_map(votes, {}, pd.DataFrame()), "test map"), encoding="utf-8")
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    tab = context.new_page()
    tab.goto(path.as_uri())
    # Every shape of the shipped file is drawn (the 10 voting states in colour, the rest grey), with nothing fetched.
    shapes = len(_shape_names())
    tab.wait_for_function(f"() => document.querySelectorAll('{MAP_SHAPES}').length === {shapes}", timeout=30_000)
    fills = tab.eval_on_selector_all(MAP_SHAPES, "paths => paths.map(path => getComputedStyle(path).fill)")
    assert len(set(fills)) == 1 + 4  # grey, and Yes / No / Abstain / Non-voting
    assert [url for url in requests if not url.startswith("file:")] == []
    context.close()
