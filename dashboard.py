"""UN General Assembly votes: blocs and outliers for any period and topic, in links teachers can share.

    streamlit run dashboard.py

This file only composes: it finds the store, picks the pages, keeps the view state and the URL in
step (views/controls.py, views/state.py), and draws the controls every page shares. The pages are
in views/, one module each; they read the store through views/data.py's cached loaders and call
`analysis`. With no store yet, the only page is the first-run page, which offers to build it.
"""
from __future__ import annotations

from functools import partial
from pathlib import Path

import streamlit as st

from views import chart_library, server_limits  # noqa: F401 -- server_limits: long links open (see there)

# A local icon: Streamlit fetches a Material or emoji page icon from Google's CDN, which a school
# network or CI may not reach.
st.set_page_config(page_title="UN General Assembly votes", page_icon=str(Path(__file__).parent / "static" / "favicon.png"),
                   layout="wide")
# Before the imports below (pandas, the analysis) and any read of the store: the browser loads the
# chart library meanwhile (see views/chart_library.py).
chart_library.start_loading()

with chart_library.heavy_imports():  # one session at a time imports pandas & co (see chart_library)
    from views import about, blocs, compare, controls, countries, data, first_run, outliers, resolutions, state  # noqa: E402
    from views import series  # noqa: E402  (the Recurring votes page)
    from views import handout, stories  # noqa: E402

db = data.store_path()
version = data.read_version(db)

if version is None and (damage := controls.store_damage(db)):
    controls.show_damaged_store(db, damage)
    st.stop()

if version is None:  # no store yet: build it from the shipped data package, else say why and offer other ways
    version = first_run.build_from_package(db)
    if version is None:
        st.navigation(first_run.pages(db, first_run.problem(db)), position="hidden").run()
        st.stop()
from views import background_sync  # noqa: E402

background_sync.start_if_due(db)  # opt-in (UNGA_SYNC_EVERY), at most that often; returns at once

catalog = data.load_catalog(db, version)
context = controls.Context(db=db, version=version, catalog=catalog)
pages = {
    "blocs": st.Page(partial(blocs.render, context), title="Blocs", url_path="home", icon=":material/public:",
                     default=True),
    "outliers": st.Page(partial(outliers.render, context), title="Outliers", url_path="outliers",
                        icon=":material/person_alert:"),
    "resolutions": st.Page(partial(resolutions.render, context), title="Resolutions", url_path="resolutions",
                           icon=":material/gavel:"),
    "countries": st.Page(partial(countries.render, context), title="Countries", url_path="countries",
                         icon=":material/flag:"),
    "compare": st.Page(partial(compare.render, context), title="Compare", url_path="compare",
                       icon=":material/compare_arrows:"),
    "series": st.Page(partial(series.render, context), title="Recurring votes", url_path="series",
                      icon=":material/event_repeat:"),
    "stories": st.Page(partial(stories.render, context), title="Stories", url_path="stories",
                       icon=":material/school:"),
    "about": st.Page(partial(about.render, context), title="About the data", url_path="about",
                     icon=":material/info:"),
}
# The Blocs page is the default, served at the root; `/blocs` (the address every other page's pattern
# suggests) opens it too, through a hidden twin, instead of Streamlit's "Page not found". (The default's
# own `url_path` is never shown, but must differ from the twin's.)
blocs_by_path = st.Page(partial(blocs.render, context), title="Blocs", url_path="blocs", icon=":material/public:",
                        visibility="hidden")
current = st.navigation([*pages.values(), blocs_by_path])
page = "blocs" if current is blocs_by_path else next(
    (name for name, candidate in pages.items() if candidate is current or candidate.url_path == current.url_path), "blocs")

# `?page=outliers&...` (the form a link may be written in by hand) opens that page with the rest.
alias = st.query_params.get("page")
if alias is not None:
    rest = {key: st.query_params.get_all(key) for key in st.query_params if key != "page"}
    target = alias.strip().lower()
    if target in pages and target != page:
        st.switch_page(pages[target], query_params=rest)
    if target not in pages:
        st.session_state["_page_notice"] = f"Unknown page {state.quoted(alias)}; showing {pages[page].title}."
    st.query_params.from_dict({key: values for key, values in rest.items()})

if page == "stories":  # a story keeps its own address (story, step); the shared controls do not apply
    try:
        current.run()
    except Exception as error:  # noqa: BLE001 -- a visitor gets words and a way on; the details go to the log
        controls.page_failed(page, error)
    st.stop()

notices = controls.begin(catalog, page)
if "_page_notice" in st.session_state:
    notices.insert(0, st.session_state.pop("_page_notice"))
for notice in notices[:4]:
    st.warning(notice, icon=":material/link_off:")
if len(notices) > 4:
    st.warning(f"…and {len(notices) - 4} more parameters of the link were ignored.", icon=":material/link_off:")

used = set(state.PAGE_PARAMS.get(page, ()))
with st.sidebar:
    if {"from", "to"} & used:
        controls.period(catalog)
    if "topic" in used:
        controls.choice("Topic", "topic", {"all": "All topics", **catalog.topics},
                        help="The six issue areas of Voeten's UN voting data; votes after 2019 are tagged by a "
                             "classifier trained on his labels.")
    if "measure" in used:
        controls.choice("Measure of agreement", "measure", state.MEASURES,
                        help="How alike two states vote; see 'About the data' for the definitions.")
    if "successors" in used:
        controls.toggle("Merge predecessor states into successors", "successors", "merge", "separate",
                        help="USSR → Russia, Yugoslavia → Serbia, GDR → Germany…: one line per state today.")
    if "nonvoting" in used:
        controls.toggle("Count non-voting as abstention", "nonvoting", "abstain", "exclude",
                        help="By default a member present but not voting is left out, not counted as an abstention.")

try:
    current.run()  # a page may add its own controls to the sidebar, below the shared ones
except Exception as error:  # noqa: BLE001 -- a visitor gets words and a way on; the details go to the log
    controls.page_failed(page, error)
controls.finish(page, st.sidebar.container())
handout.download_page(db, version, pages[page].title, page, state.to_params(controls.view(), page), st.sidebar)
