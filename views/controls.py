"""Widgets that edit the view state, and the glue that keeps the view state and the URL in step.

Each run: `begin` reads the URL when it must (a link was just opened or edited) and shows the
notices for bad parameters; widgets (`period`, `choice`, `countries_picker`...) read their value
from the view state and write it back; `finish` writes the URL of the view shown and fills the
"link to this view" box.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd
import streamlit as st
from streamlit.logger import get_logger

from views import state as state_module
from views.state import Catalog, UrlSync, ViewState

_LOG = get_logger(__name__)
_VIEW = "_view"
_SYNC = "_url_sync"


@dataclass(frozen=True)
class Context:
    """What every page needs: the store it reads, its data version, the valid parameter values."""

    db: str
    version: str
    catalog: Catalog


def view() -> ViewState:
    """The view state of this session (set by `begin`)."""
    return st.session_state[_VIEW]


def update(**changes: Any) -> ViewState:
    """Change fields of the view state; returns the new state."""
    new = replace(view(), **changes)
    st.session_state[_VIEW] = new
    return new


def raw_query_params() -> dict[str, list[str]]:
    """Every query parameter of the browser's URL, all values of repeated ones."""
    return {key: st.query_params.get_all(key) for key in st.query_params}


def begin(catalog: Catalog, page: str) -> list[str]:
    """Take the view from the URL if this run must (see `state.should_read_url`); return notices."""
    raw = raw_query_params()
    flat = {key: (values[-1] if values else "") for key, values in raw.items()}
    sync: UrlSync | None = st.session_state.get(_SYNC)
    if _VIEW in st.session_state and not state_module.should_read_url(flat, sync, page):
        return []
    parsed, notices = state_module.parse_params(raw, catalog)
    st.session_state[_VIEW] = parsed
    # Widgets show what the URL says: drop their remembered values so they re-read the view.
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith("w_")]:
        del st.session_state[key]
    return notices


def finish(page: str, link_box) -> None:
    """Write the URL of the view shown (only when it changed) and show it in `link_box`: always the
    page's own address (`state.page_link`), whatever address the visitor came in by."""
    params = state_module.to_params(view(), page)
    current = {key: (values[-1] if values else "") for key, values in raw_query_params().items()}
    if current != params:
        st.query_params.from_dict(params)
    st.session_state[_SYNC] = UrlSync(written=dict(params), page=page)
    link = state_module.page_link(st.context.url or "", st.get_option("server.baseUrlPath") or "", page, params)
    # A Markdown link, not `st.code`: a code block makes a fresh browser fetch and start a syntax
    # highlighter (0.7–2.9 s of its main thread while the page draws, measured in Chromium's
    # profiler on the 2-core machine). Percent-encoded, the address holds no character that could
    # end the link or the code span around its text.
    address = quote(link, safe=":/?&=,%-._~+#")
    with link_box:
        st.caption(f"**Link to this view** — to share exactly what you see, copy it (right-click, or press and "
                   f"hold on a phone):  \n[`{address}`]({address})")


# ------------------------------------------------------------------------------------------
# What a visitor sees when something goes wrong: words and a way on, never a traceback or a path

PAGE_FAILED = "This page could not be drawn"


def page_failed(page: str, error: Exception) -> None:
    """Tell the visitor that `page` failed, in words, with a way on; log the details on the server."""
    _LOG.error("the %s page failed for ?%s", page, state_module.query_string(
        {key: values[-1] for key, values in raw_query_params().items() if values}), exc_info=error)
    st.error(f"**{PAGE_FAILED}.** Something went wrong on our side while working out this view. Try "
             "another period, topic or measure in the sidebar, or [open the start page](./). The details "
             "are in the server's log for whoever runs this site.", icon=":material/error:")


def store_damage(db: str) -> str | None:
    """Why the store file at `db` cannot be read as a database (e.g. 'file is not a database'), or
    None when it is absent, empty, readable or only busy (a lock, a read-only folder)."""
    import sqlite3

    path = Path(db)
    if not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)) as connection:
            problems = [row[0] for row in connection.execute("PRAGMA quick_check(3)")]
    except sqlite3.OperationalError:  # locked, or a folder it may not write its journal in: not damage
        return None
    except sqlite3.DatabaseError as error:
        return str(error)
    return None if problems == ["ok"] else "; ".join(problems)[:200]


def show_damaged_store(db: str, damage: str) -> None:
    """The page shown instead of the dashboard when the store file is damaged (never its path)."""
    _LOG.error("the store %s is damaged: %s", db, damage)
    st.title("UN General Assembly votes")
    st.error(f"**The vote store cannot be read.** Its file, `{Path(db).name}`, is damaged ({damage}). Nothing "
             "has been changed. Whoever runs this site can build it again (see the README: "
             "`python -m scraper import …`, or delete the file and open this page to build it anew).",
             icon=":material/database:")


def _seed(key: str, value: Any, valid: Sequence[Any] | None = None) -> None:
    """Give a widget its value from the view state unless it already holds a valid one."""
    if key not in st.session_state or (valid is not None and st.session_state[key] not in valid):
        st.session_state[key] = value


PERIOD_KINDS = {"years": "Years", "sessions": "Sessions"}


def period(catalog: Catalog, container=None) -> tuple[str, str]:
    """The period: by calendar years (`from`, `to` in the URL) or by regular sessions (`sessions`).

    A radio chooses how; switching it converts the period shown to the other kind (the sessions
    that opened in those years, or the years those sessions opened in), so the view stays put.
    Returns the period's first and last day.
    """
    container = container or st.sidebar
    current = view()
    by_key = "w_period_by"
    if catalog.sessions:
        _seed(by_key, "sessions" if current.sessions else "years", list(PERIOD_KINDS))
        by = container.radio("Period by", list(PERIOD_KINDS), format_func=PERIOD_KINDS.get, key=by_key,
                             horizontal=True,
                             help="Calendar years, or the regular sessions of the General Assembly by number "
                                  "(session 75 opened in September 2020).")
    else:  # a store without regular session numbers: years only
        by = "years"
    if by == "sessions":
        _session_slider(catalog, current, container)
    else:
        _year_slider(catalog, current, container)
    return view().start_date, view().end_date


def _year_slider(catalog: Catalog, current: ViewState, container) -> None:
    key = "w_years"
    if current.sessions is not None:  # just switched from sessions: the years those sessions opened in
        converted = state_module.years_of_sessions(catalog, current.sessions.first, current.sessions.last)
        st.session_state[key] = converted or (current.start_year, current.end_year)
    elif key not in st.session_state:
        st.session_state[key] = (current.start_year, current.end_year)
    if catalog.first_year == catalog.last_year:
        container.caption(f"Year: {catalog.first_year}")
        update(sessions=None, start_year=catalog.first_year, end_year=catalog.last_year)
        return
    start, end = container.slider("Years", min_value=catalog.first_year, max_value=catalog.last_year, key=key,
                                  help="The votes taken in these calendar years (inclusive).")
    st.session_state[_VIEW] = state_module.by_years(view(), int(start), int(end))


def _session_slider(catalog: Catalog, current: ViewState, container) -> None:
    key = "w_sessions"
    lowest, highest = min(catalog.sessions), max(catalog.sessions)
    if current.sessions is None:  # just switched from years: the sessions that opened in those years
        st.session_state[key] = (state_module.sessions_covering(catalog, current.start_year, current.end_year)
                                 or (lowest, highest))
    elif key not in st.session_state:
        st.session_state[key] = (current.sessions.first, current.sessions.last)
    if lowest == highest:
        first = last = lowest
        container.caption(f"Session: {lowest}")
    else:
        first, last = container.slider(
            "Sessions", min_value=lowest, max_value=highest, key=key,
            help="Regular sessions of the General Assembly (inclusive). The period runs from the first vote of "
                 "the first session to the day before the first vote of the session after the last one, so "
                 "special and emergency special sessions held in that time are included.")
    chosen, notices = state_module.choose_sessions(catalog, int(first), int(last))
    if chosen is None:  # unreachable with sessions in the catalog; keep the view as it was
        return
    st.session_state[_VIEW] = state_module.by_sessions(view(), chosen)
    covered = f"{_day(chosen.start_date)} – {_day(chosen.end_date)}"
    container.caption(" ".join(notices + [f"Covers {covered}."]))


def _day(iso: str) -> str:
    """'2015-10-27' → '27 Oct 2015'."""
    day = pd.Timestamp(iso)
    return f"{day.day} {day:%b %Y}"


def choice(label: str, attribute: str, options: Mapping[str, str], container=None, help: str | None = None,
           horizontal: bool = False) -> str:
    """A select box (or horizontal radio) over `options` (URL value → label) editing one view field."""
    container = container or st.sidebar
    key = f"w_{attribute}"
    _seed(key, getattr(view(), attribute), list(options))
    if horizontal:
        value = container.radio(label, list(options), format_func=lambda v: options[v], key=key, help=help,
                                horizontal=True)
    else:
        value = container.selectbox(label, list(options), format_func=lambda v: options[v], key=key, help=help)
    update(**{attribute: value})
    return value


def toggle(label: str, attribute: str, on: str, off: str, container=None, help: str | None = None) -> str:
    """A toggle between two URL values of one view field."""
    container = container or st.sidebar
    key = f"w_{attribute}"
    _seed(key, getattr(view(), attribute) == on, [True, False])
    value = on if container.toggle(label, key=key, help=help) else off
    update(**{attribute: value})
    return value


def country_picker(label: str, attribute: str, catalog: Catalog, container=None) -> str:
    """One country (a code in the URL, a name on screen)."""
    container = container or st
    options = _country_options(catalog)
    key = f"w_{attribute}"
    _seed(key, getattr(view(), attribute), options)
    value = container.selectbox(label, options, format_func=lambda c: f"{catalog.countries[c]} ({c})", key=key)
    update(**{attribute: value})
    return value


def countries_picker(label: str, attribute: str, catalog: Catalog, max_selections: int, container=None) -> tuple[str, ...]:
    """Several countries (comma-separated codes in the URL)."""
    container = container or st
    options = _country_options(catalog)
    key = f"w_{attribute}"
    current = [code for code in getattr(view(), attribute) if code in catalog.countries]
    if key not in st.session_state or not all(code in catalog.countries for code in st.session_state[key]):
        st.session_state[key] = current
    value = container.multiselect(label, options, format_func=lambda c: f"{catalog.countries[c]} ({c})", key=key,
                                  max_selections=max_selections)
    update(**{attribute: tuple(value)})
    return tuple(value)


def text(label: str, attribute: str, container=None, placeholder: str = "", help: str | None = None) -> str:
    """A free-text field (a search), at most `state.MAX_PARAM_LENGTH` characters."""
    container = container or st
    key = f"w_{attribute}"
    _seed(key, getattr(view(), attribute))
    value = container.text_input(label, key=key, placeholder=placeholder, help=help,
                                 max_chars=state_module.MAX_PARAM_LENGTH)
    value = " ".join(value.split())
    update(**{attribute: value})
    return value


def _country_options(catalog: Catalog) -> list[str]:
    return sorted(catalog.countries, key=lambda code: catalog.countries[code])


def set_widget(attribute: str, value: Any) -> None:
    """Change a view field and the widget that shows it (for buttons and links inside a page)."""
    update(**{attribute: value})
    st.session_state[f"w_{attribute}"] = value


def csv_download(frame: pd.DataFrame, name: str, label: str = "Download CSV", container=None) -> None:
    """A download button for a table, as CSV (UTF-8, no index), written only when clicked: a file
    made on every run is also fetched by the browser on every run, which slows each re-render."""
    container = container or st
    container.download_button(label, lambda: table_csv(frame), file_name=f"{name}.csv",
                              mime="text/csv", key=f"csv_{name}", on_click="ignore", icon=":material/download:")


def table_csv(frame: pd.DataFrame) -> bytes:
    """A table as the CSV its download gives: UTF-8, a header row, no index."""
    return frame.to_csv(index=False).encode("utf-8")


def html_download(figure, name: str, title: str, label: str = "Download chart (HTML)", container=None) -> None:
    """A download button for a chart as a self-contained HTML page (built only when clicked)."""
    from views.charts import figure_html

    container = container or st
    container.download_button(label, lambda: figure_html(figure, title).encode("utf-8"), file_name=f"{name}.html",
                              mime="text/html", key=f"html_{name}", on_click="ignore", icon=":material/download:")


def link(page: str, **params: str) -> str:
    """A relative link to `page` with these query parameters (pages are one level deep)."""
    path = "" if page == "blocs" else page
    query = state_module.query_string({k: v for k, v in params.items() if v != ""})
    return f"./{path}?{query}" if query else f"./{path}"
