"""How the dashboard's charts reach the browser: plotly.js's configuration, and an early start.

Every page draws plotly charts. The browser fetches and runs plotly.js (4.6 MB) only when the first
chart arrives, which takes it 1–2 s on a modest machine, and fetches the world's shapes only when
the first map is drawn. `start_loading` sends a tiny map the moment a session opens, before the
server imports pandas or reads the store, so both loads overlap the server's own work instead of
following it. This module imports nothing heavier than Streamlit for that reason.

`heavy_imports` is the lock that makes this safe with many sessions at once: plotly (and Streamlit's
type checks) look pandas and numpy up in `sys.modules` without importing them, so a figure built in
one session while another session's thread is half-way through `import pandas` meets a partially
initialised module (`AttributeError: ... has no attribute 'Series'`). Building the tiny map and the
dashboard's first imports under the one lock serialises them; once imported, the lock is free in
microseconds.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager

import streamlit as st

# Maps use plotly's own country shapes (`locationmode="ISO-3"`), fetched from `topojsonURL`: here the
# app's static folder (static/world_110m.json, served by Streamlit's static file serving), not
# plotly's CDN, so maps draw with no internet. Relative, so it resolves under the app's own address,
# also behind a proxy path (Streamlit Community Cloud): pages live one level deep (/blocs).
PLOTLY_CONFIG = {"topojsonURL": "app/static/", "displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}

_IMPORT_LOCK = threading.RLock()


@contextmanager
def heavy_imports():
    """Hold while importing pandas, plotly and the analysis (and while building the tiny map), so
    no session sees a module another session is still importing."""
    with _IMPORT_LOCK:
        yield


# The tiny map's container: laid out and drawn (so plotly.js loads and fetches the shapes) but out of
# the sidebar's flow, taking no room, and unseen; `visibility` also keeps it from screen readers.
# Streamlit sends CSS-only `st.html` to its event container, where it takes no room either.
HIDDEN_STYLE = ("<style>.st-key-chart_library {position: absolute; width: 100%; height: 0; overflow: hidden; "
                "visibility: hidden; pointer-events: none}</style>")


def start_loading():
    """Put a tiny world map, drawn but hidden, at the top of the sidebar, on every run; returns its slot.

    The map stays for the whole session. Removing it once the page's own charts are out (as this
    did) purges it in the browser while plotly.js may still be fetching the world's shapes for it,
    and the fetch's callback then throws (`Cannot read properties of undefined (reading
    '_axisMatchGroups')` in the browser's console on first visits). Sent again on every run, it is
    the same element, which the browser leaves as it is. It is hidden by CSS rather than made 0 px
    high: plotly draws nothing under 10 px, and a 10-px map showed as a white box under the
    navigation.
    """
    st.html(HIDDEN_STYLE)
    slot = st.sidebar.empty()
    tiny_map = {
        "data": [{"type": "choropleth", "locations": [], "z": [], "locationmode": "ISO-3", "showscale": False}],
        # No base layers: the shapes the app ships (static/world_110m.json) hold countries and land
        # only, and plotly's default coastlines, missing from them, throw in the browser
        # (`Cannot read properties of undefined (reading 'type')`).
        "layout": {"height": 10, "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
                   "geo": {"showcoastlines": False, "showland": False, "showcountries": False, "showocean": False,
                           "showlakes": False, "showrivers": False, "showframe": False}},
    }
    with heavy_imports():
        slot.plotly_chart(tiny_map, config={**PLOTLY_CONFIG, "staticPlot": True}, height=10, key="chart_library")
    return slot
