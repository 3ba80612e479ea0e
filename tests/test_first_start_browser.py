"""The first start in a real browser: `streamlit run dashboard.py` on an empty data folder shows the
Blocs map of the last ten years without any click (the store is built from the data package); with
no package, a shared link lands on the first-run page, never on "Page not found".

Needs Debian's chromium; not ../shared (the package is in the repository).
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.dashboard_helpers import ARTIFACTS, MAP_SHAPES, assert_no_error, start_dashboard, stop, wait_until_idle

pytestmark = pytest.mark.timeout(300)


def serve(db: Path, name: str):
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / f"streamlit-{name}.log", "w")
    process, base = start_dashboard(db, log)
    if base is None:
        stop(process)
        pytest.fail(f"streamlit did not start within 60 s; see {ARTIFACTS / f'streamlit-{name}.log'}")
    return process, base, log


def test_empty_data_folder_shows_the_blocs_map_without_a_click(browser, tmp_path):
    db = tmp_path / "data" / "unvotes.sqlite"
    process, base, log = serve(db, "first-start")
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        started = time.monotonic()
        page.goto(base + "/")
        page.wait_for_function(f"() => document.querySelectorAll('{MAP_SHAPES}').length > 150", timeout=120_000)
        first_map = time.monotonic() - started
        wait_until_idle(page)
        assert_no_error(page)
        text = page.inner_text("body")
        assert "Voting blocs, 2017–2026" in text, text[:500]
        assert "Getting the record" not in text
        page.screenshot(path=str(ARTIFACTS / "first-start-desktop.png"))
        phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        tab = phone.new_page()
        tab.goto(base + "/about")
        wait_until_idle(tab)
        assert_no_error(tab)
        assert "data version" in tab.inner_text("body")
        tab.screenshot(path=str(ARTIFACTS / "first-start-about-phone.png"), full_page=True)
        phone.close()
        context.close()
        print(f"empty data folder to the first map: {first_map:.1f} s")
        # The 25 s budget is measured by benchmarks/bench_package.py; here only a bound that a shared,
        # busy test machine keeps (about 50 s at a load of 15 on 2 cores).
        assert first_map < 90, f"{first_map:.1f} s"
    finally:
        stop(process)
        log.close()


def test_shared_link_without_a_package_lands_on_the_first_run_page(browser, tmp_path, monkeypatch):
    monkeypatch.setenv("UNGA_PACKAGE", str(tmp_path / "no-package"))
    db = tmp_path / "data" / "unvotes.sqlite"
    process, base, log = serve(db, "no-package")
    try:
        for viewport, name in (({"width": 1280, "height": 900}, "desktop"), ({"width": 390, "height": 844}, "phone")):
            context = browser.new_context(viewport=viewport)
            page = context.new_page()
            page.goto(base + "/countries?country=USA&from=2015")
            wait_until_idle(page)
            page.wait_for_timeout(500)  # a "Page not found" dialog would open by now
            assert_no_error(page)
            text = page.inner_text("body")
            assert "Page not found" not in text
            assert "The data package that comes with the app cannot be used" in text and "datapackage.json is missing" in text
            assert str(tmp_path) not in text
            page.screenshot(path=str(ARTIFACTS / f"first-run-no-package-{name}.png"), full_page=True)
            context.close()
    finally:
        stop(process)
        log.close()
