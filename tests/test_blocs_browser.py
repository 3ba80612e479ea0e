"""The Blocs page in a real browser, as a phone and a keyboard user meet it: the page fits 390 px
without sideways scrolling, names the blocs, says what divides them, and a dividing vote's link is
reached with the Tab key and opened with Enter. Screenshots at 390 and 1280 px go to artifacts/.

Skips without ../shared (the full store) or without Debian's chromium.
"""
from __future__ import annotations

import pytest

from tests.dashboard_helpers import ARTIFACTS, assert_no_error, wait_until_idle

pytestmark = pytest.mark.timeout(300)


def open_blocs(browser, full_dashboard, width: int, link: str):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{full_dashboard}/{link}")
    page.get_by_text("What divides the blocs").wait_for(timeout=120_000)
    wait_until_idle(page, timeout=120_000)
    return context, page, errors


def test_blocs_page_fits_a_phone_and_explains_the_blocs(browser, full_dashboard):
    context, page, errors = open_blocs(browser, full_dashboard, 390, "?from=2015&to=2025")
    try:
        assert_no_error(page)
        assert not errors, errors
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the page scrolls sideways by {overflow} px at 390 px"
        text = page.inner_text("body")
        assert "NATO and EU" in text and "United States and Israel" in text  # names a student knows
        assert "predecessors apart" not in text and "country_code" not in text
        # the list of dividing votes is readable on the phone: no link wider than the screen
        widest = page.evaluate("() => Math.max(...[...document.querySelectorAll('a[href*=\"resolutions\"]')]"
                               ".map(a => a.getBoundingClientRect().right))")
        assert widest <= 390, widest
        page.screenshot(path=str(ARTIFACTS / "blocs-390.png"), full_page=True)
    finally:
        context.close()


def test_a_dividing_vote_opens_from_the_keyboard(browser, full_dashboard):
    context, page, errors = open_blocs(browser, full_dashboard, 1280, "?from=2015&to=2025")
    try:
        page.screenshot(path=str(ARTIFACTS / "blocs-1280.png"), full_page=True)
        # From the pair chooser, Tab moves to the first dividing vote's link.
        page.get_by_label("Compare").focus()
        page.keyboard.press("Tab")
        focused = page.evaluate("() => [document.activeElement.tagName, document.activeElement.getAttribute('href'),"
                                " document.activeElement.innerText]")
        assert focused[0] == "A" and "resolutions" in focused[1] and "vote=" in focused[1], focused
        title = focused[2]
        # Streamlit opens a Markdown link in a new tab: Enter on the focused link opens the vote there.
        with context.expect_page(timeout=60_000) as opened:
            page.keyboard.press("Enter")
        vote = opened.value
        vote.wait_for_load_state()
        assert "/resolutions?" in vote.url and "vote=" in vote.url, vote.url
        vote.get_by_text(title.split(" (")[0][:40]).first.wait_for(timeout=120_000)
        assert_no_error(vote)
        assert not errors, errors
    finally:
        context.close()
