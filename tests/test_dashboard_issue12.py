"""The dashboard parts of issue 12, run headless (AppTest): the Recurring votes page, the Blocs page's
confidence and sensitivity, and each vote's sponsors (real store)."""
from __future__ import annotations

from tests.dashboard_helpers import assert_clean, open_app


def test_recurring_votes_page_on_the_small_store(small_store, monkeypatch):
    app = open_app(small_store, monkeypatch, page="series", q="embargo Cuba")
    assert_clean(app)
    assert app.title[0].value == "Recurring votes"
    assert any("embargo" in header.value for header in app.subheader)
    metrics = {metric.label: metric.value for metric in app.metric}
    assert int(metrics["Votes in the series"]) >= 30  # one a year in the small store, 1985–2024
    assert any(header.value == "Who changed their vote" for header in app.subheader)
    app = open_app(small_store, monkeypatch, page="series", q="no such title anywhere")
    assert_clean(app)
    assert "No resolution voted on at least twice" in app.info[0].value


def test_blocs_page_confidence_and_sensitivity(small_store, monkeypatch):
    app = open_app(small_store, monkeypatch, page="blocs", **{"from": "1990", "to": "2024", "k": "3"})
    assert_clean(app)
    assert any(header.value == "How sure are these blocs?" for header in app.subheader)
    app.toggle(key="w_bloc_certainty").set_value(True).run()
    assert_clean(app)
    verdicts = [box.value for box in app.success] + [box.value for box in app.warning]
    assert any("80 %" in text or "On the edge" in text for text in verdicts), verdicts
    confidence = next(frame.value for frame in app.dataframe if "confidence" in frame.value.columns)
    assert confidence["confidence"].between(0, 1).all() and len(confidence) >= 15
    app.toggle(key="w_bloc_sensitivity").set_value(True).run()
    assert_clean(app)
    variants = next(frame.value for frame in app.dataframe if "computed with" in frame.value.columns)
    assert len(variants) == 12 and variants["moved"].iloc[0] == 0


def test_a_votes_page_lists_its_sponsors(full_store, monkeypatch):
    app = open_app(full_store, monkeypatch, page="resolutions", vote="A/RES/75/287")
    assert_clean(app)
    assert any(header.value == "Sponsors (58)" for header in app.subheader)
    listing = " ".join(block.value for block in app.markdown)
    assert "Liechtenstein" in listing and "New Zealand" in listing
