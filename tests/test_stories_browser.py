"""A story in a real browser: open a story's link, walk its steps with the Next button, download the
handout and open it with the network cut off, checking its pictures are there. Screenshots of the
page (1280 and 390 px wide) and of the handout go to artifacts/.

Skips without ../shared (the full store) or without Debian's chromium.
"""
from __future__ import annotations

import pytest

from tests.dashboard_helpers import ARTIFACTS, IDLE
from views.stories import STORIES_DIR, load_stories

pytestmark = [pytest.mark.timeout(300), pytest.mark.browser]


def wait_for_step(page, number: int, heading: str) -> None:
    page.wait_for_function(f"() => new URLSearchParams(window.location.search).get('step') === '{number}'",
                           timeout=30_000)
    page.locator("h2", has_text=f"{number}. {heading}").wait_for(timeout=30_000)
    page.wait_for_function(IDLE, timeout=60_000)


def test_a_story_link_walks_with_next_and_its_handout_opens_offline(browser, full_dashboard, tmp_path):
    story = next(story for story in load_stories(STORIES_DIR)[0] if story.slug == "myanmar-2021")
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{full_dashboard}/stories?story={story.slug}&step=1")
    wait_for_step(page, 1, story.steps[0].heading)
    assert page.locator("[data-testid='stException']").count() == 0
    page.locator("[data-testid='stImage'] img").wait_for(timeout=30_000)  # the step's picture
    assert page.locator("[data-testid='stImage'] img").count() == 1
    page.screenshot(path=str(ARTIFACTS / "stories-step-1280.png"))

    for number, step in enumerate(story.steps[1:], start=2):
        page.get_by_role("button", name="Next").click()
        wait_for_step(page, number, step.heading)
        assert page.locator("[data-testid='stException']").count() == 0
        assert step.question[:40] in page.inner_text("body")
    assert page.get_by_role("button", name="Next").is_disabled()
    assert [url for url in requests if not url.startswith((full_dashboard, "data:", "blob:", "about:"))] == []

    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Download this story as a handout").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith("handout-myanmar")
    context.close()

    # The handout with every network request refused: it must show its text and pictures from the file alone.
    offline = browser.new_context(viewport={"width": 900, "height": 1200}, offline=True)
    fetched: list[str] = []
    offline.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else
                  (fetched.append(route.request.url), route.abort()))
    sheet = offline.new_page()
    sheet.goto(saved.as_uri())
    assert sheet.locator("section").count() == len(story.steps)
    pictures = sheet.locator("figure > svg")
    assert pictures.count() == len(story.steps)
    for index in range(pictures.count()):
        box = pictures.nth(index).bounding_box()
        assert box and box["width"] > 500 and box["height"] > 150, box
    # The maps draw every state: Belarus, alone against, in the No colour.
    first_map = pictures.nth(0)
    assert first_map.locator("path").count() > 150
    assert "Belarus: No" in first_map.inner_html()
    assert sheet.locator(".question").count() == len(story.steps)
    assert fetched == []
    sheet.screenshot(path=str(ARTIFACTS / "stories-handout.png"))
    offline.close()

    # On a phone the charts shrink to the screen; their axis labels must still be readable (they were
    # 7 px high, drawn at 15 units of a 760-unit picture): at least 11 px, none wider than the screen.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, offline=True)
    sheet = phone.new_page()
    sheet.goto(saved.as_uri())
    labels = sheet.evaluate("() => [...document.querySelectorAll('figure svg text')].filter(t => t.getBBox().width"
                            " && getComputedStyle(t).display !== 'none').map(t => t.getBoundingClientRect().height)")
    assert labels and min(labels) >= 11, labels
    assert sheet.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 1
    sheet.locator("figure:has(svg text)").first.screenshot(path=str(ARTIFACTS / "stories-handout-chart-390.png"))
    phone.close()


def test_the_story_page_fits_a_phone(browser, full_dashboard):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.goto(f"{full_dashboard}/stories?story=cuba-embargo&step=2")
    page.locator("h2", has_text="2. Every year since").wait_for(timeout=60_000)
    page.wait_for_function(IDLE, timeout=60_000)
    assert page.locator("[data-testid='stException']").count() == 0
    # Nothing wider than the screen: no sideways scrolling on a phone.
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
    page.locator("[data-testid='stImage'] img").wait_for(timeout=30_000)
    image = page.locator("[data-testid='stImage'] img").bounding_box()
    assert image and image["width"] <= 390
    page.screenshot(path=str(ARTIFACTS / "stories-step-390.png"))
    context.close()
