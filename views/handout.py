"""Printable, self-contained HTML handouts of a story or a page, with the charts drawn as inline SVG.

Why SVG drawn here rather than plotly's static export: plotly's `to_image` needs the kaleido package
and a Chrome it drives, which a free host or a school's machine may lack; a picture that fails to
render would leave a handout without its charts. The pictures a handout needs are few and simple
(a world map coloured by vote or bloc, lines over the years, bars of tallies), and the app already
ships the world's shapes (static/world_110m.json), so this module draws them as SVG text: no
dependency, no browser, no network, a few milliseconds each, sharp when printed, and the same
picture on the page and on paper. The handout is one HTML file with no external reference at all
(no script, font, stylesheet or image URL), so it opens offline and prints as it looks.

`handout_html` builds the file from `Section`s; `download_button` puts it behind a button (built
only when clicked). Any page can call them with its title, text, pictures and a table.
"""
from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import pandas as pd

from views.charts import BLOC_COLOURS, NO_DATA_COLOUR, SHAPES_FILE

MAP_WIDTH = 960
MAP_TOP_LATITUDE, MAP_BOTTOM_LATITUDE = 84.0, -58.0  # Antarctica and the Arctic sea ice add nothing
MAX_TABLE_ROWS = 60  # a handout is for paper: the page and its CSV download have every row
FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif"
# A chart is drawn 760 units wide and scaled to the page: its 15-unit labels read as 15 px on a
# screen or on paper, but as 7 px on a phone, where the picture shrinks to about 360 px. Below
# PHONE_WIDTH the labels grow to PHONE_LABEL_SIZE units (13 px at 360 px) and every other year is
# left out to make room; the margins fit the larger labels. The media query measures the page in a
# handout (an SVG inline) and the picture itself where it is an image (the Stories page).
LABEL_SIZE, PHONE_LABEL_SIZE, PHONE_WIDTH = 15, 28, 560
CHART_STYLE = (f"<style>@media (max-width:{PHONE_WIDTH}px){{.axis-label{{font-size:{PHONE_LABEL_SIZE}px}}"
               ".thin-label{display:none}}</style>")


def _label(x: float, y: float, text: str, anchor: str = "middle", dy: str = "0", thin: bool = False,
           fill: str = "") -> str:
    """An axis label at (x, y); `dy` in em, so a label that grows on a phone keeps its place
    (below its tick, or centred on it); `thin` ones are left out on a phone."""
    classes = "axis-label thin-label" if thin else "axis-label"
    colour = f' fill="{fill}"' if fill else ""
    return (f'<text class="{classes}" x="{x:.1f}" y="{y:.1f}" dy="{dy}" text-anchor="{anchor}" '
            f'font-size="{LABEL_SIZE}"{colour}>{html.escape(text)}</text>')


@dataclass(frozen=True)
class Section:
    """One part of a handout: a heading, text (light Markdown: paragraphs, **bold**, *italic*,
    [links](…)), an optional picture (SVG text) with its caption, the link that opens the view, a
    question for discussion and an optional table."""

    heading: str
    text: str = ""
    picture: str = ""
    legend: tuple[tuple[str, str], ...] = ()
    caption: str = ""
    link: str = ""
    question: str = ""
    table: pd.DataFrame | None = field(default=None, compare=False)


# ------------------------------------------------------------------------------------------
# Pictures


def _project(lon: float, lat: float) -> tuple[float, float]:
    """Equirectangular projection onto a MAP_WIDTH-wide box from 180°W and MAP_TOP_LATITUDE."""
    scale = MAP_WIDTH / 360.0
    return (lon + 180.0) * scale, (MAP_TOP_LATITUDE - lat) * scale


def map_height() -> float:
    return (MAP_TOP_LATITUDE - MAP_BOTTOM_LATITUDE) * MAP_WIDTH / 360.0


@lru_cache(maxsize=1)
def world_paths() -> dict[str, tuple[str, str]]:
    """ISO alpha-3 code → (country name, SVG path data) for every shape of static/world_110m.json.

    The file is TopoJSON: shared borders ("arcs") stored once as quantised, delta-encoded points;
    a polygon's ring lists the arcs it follows (a negative index ~i: arc i reversed)."""
    topology = json.loads(SHAPES_FILE.read_text(encoding="utf-8"))
    (scale_x, scale_y), (shift_x, shift_y) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append(_project(x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)

    def ring_path(ring: Sequence[int]) -> str:
        points: list[tuple[float, float]] = []
        for index in ring:
            part = arcs[index] if index >= 0 else arcs[~index][::-1]
            points.extend(part if not points else part[1:])
        # Whole pixels of the 960-wide map (finer than the 1:110m shapes themselves near the equator), written
        # as relative moves: the picture is sent to the browser on every step, so its size is its speed.
        kept: list[tuple[int, int]] = []
        for x, y in points:
            point = (round(x), round(y))
            if not kept or point != kept[-1]:
                kept.append(point)
        if len(kept) < 3:
            return ""
        moves = [f"M{kept[0][0]},{kept[0][1]}"]
        moves += [f"l{x - px},{y - py}" for (px, py), (x, y) in zip(kept, kept[1:])]
        return "".join(moves) + "z"

    shapes = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = geometry.get("id")
        if not code or "arcs" not in geometry:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        path = "".join(ring_path(ring) for polygon in polygons for ring in polygon)
        name = str(geometry.get("properties", {}).get("name", code)).replace("\x00", "").strip()
        shapes[code] = (name, path)
    return shapes


def world_map_svg(colours: Mapping[str, str], labels: Mapping[str, str] | None = None, title: str = "") -> str:
    """A world map: each state in `colours` (code → colour) filled so, every other shape grey;
    `labels` (code → text) become hover tooltips. The legend is HTML beside it (`legend_html`)."""
    labels = labels or {}
    height = map_height()
    shapes = []
    for code, (name, path) in world_paths().items():
        if not path or code == "ATA":  # Antarctica: no state, and below the map's edge
            continue
        fill = colours.get(code, NO_DATA_COLOUR)
        tip = html.escape(labels.get(code, name))
        shapes.append(f'<path d="{path}" fill="{fill}"><title>{tip}</title></path>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {MAP_WIDTH} {height:.0f}" role="img" '
            f'aria-label="{html.escape(title or "World map")}" style="width:100%;height:auto;{FONT}">'
            f'<clipPath id="map-edge"><rect width="{MAP_WIDTH}" height="{height:.0f}"/></clipPath>'
            f'<g clip-path="url(#map-edge)" stroke="#ffffff" stroke-width="0.4" stroke-linejoin="round">{"".join(shapes)}</g>'
            '</svg>')


def lines_svg(series: Sequence[tuple[str, str, Sequence[tuple[float, float]]]], y_label: str,
              y_range: tuple[float, float] = (0.0, 100.0), y_suffix: str = "%", title: str = "") -> str:
    """A line chart: `series` is (label, colour, [(x, y), ...]) per line; x are years. The legend is
    HTML beside it (`legend_html`), so it stays readable on a phone."""
    width, height = 760, 300
    left, right, top, bottom = 88, 36, 40, 42  # room for the labels at their phone size ("100%", half a year)
    xs = [x for _, _, points in series for x, _ in points]
    if not xs:
        return ""
    x_min, x_max = min(xs), max(xs)
    if x_min == x_max:
        x_min, x_max = x_min - 1, x_max + 1
    y_min, y_max = y_range

    def px(x: float) -> float:
        return left + (x - x_min) / (x_max - x_min) * (width - left - right)

    def py(y: float) -> float:
        return top + (y_max - y) / (y_max - y_min) * (height - top - bottom)

    parts = []
    for tick in [y_min + i * (y_max - y_min) / 4 for i in range(5)]:
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{py(tick):.1f}" y2="{py(tick):.1f}" stroke="#ddd"/>'
                     + _label(left - 8, py(tick), f"{tick:g}{y_suffix}", anchor="end", dy="0.32em"))
    step = max(1, round((x_max - x_min) / 8 / 5) * 5) if x_max - x_min > 10 else 1
    first_tick = int(x_min) + (-int(x_min)) % step
    for number, year in enumerate(range(first_tick, int(x_max) + 1, step)):
        parts.append(_label(px(year), height - bottom + 6, str(year), dy="0.8em", thin=number % 2 == 1))
    parts.append(_label(left, top - 12, y_label, anchor="start", fill="#444"))
    for label, colour, points in series:
        ordered = sorted(points)
        # A gap of more than a year (no shared votes that year) breaks the line rather than bridging it.
        segments, current = [], []
        for x, y in ordered:
            if current and x - current[-1][0] > 1:
                segments.append(current)
                current = []
            current.append((x, y))
        if current:
            segments.append(current)
        for segment in segments:
            coordinates = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in segment)
            parts.append(f'<polyline points="{coordinates}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
            if len(segment) == 1:
                x, y = segment[0]
                parts.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{html.escape(title or y_label)}" style="width:100%;height:auto;{FONT}">{CHART_STYLE}{"".join(parts)}</svg>')


def tally_bars_svg(rows: pd.DataFrame, colours: Mapping[str, str], title: str = "") -> str:
    """Stacked bars of Yes / No / Abstain, one bar per vote in date order; `rows` has date, yes, no, abstain.
    The legend is HTML beside it (`legend_html`)."""
    width, height = 760, 280
    left, right, top, bottom = 64, 36, 18, 42  # room for the labels at their phone size ("200", half a year)
    rows = rows.sort_values("date")
    if rows.empty:
        return ""
    totals = (rows[["yes", "no", "abstain"]].fillna(0).sum(axis=1)).max() or 1
    slot = (width - left - right) / len(rows)
    parts = []
    for tick in (0, 50, 100, 150, 200):
        if tick > totals * 1.05:
            break
        y = top + (1 - tick / totals) * (height - top - bottom)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                     + _label(left - 8, y, str(tick), anchor="end", dy="0.32em"))
    last_label, labels = None, 0
    for index, row in enumerate(rows.itertuples(index=False)):
        x = left + index * slot
        base = height - bottom
        for column, label in (("yes", "Yes"), ("no", "No"), ("abstain", "Abstain")):
            value = getattr(row, column)
            value = 0 if pd.isna(value) else float(value)
            bar = value / totals * (height - top - bottom)
            base -= bar
            parts.append(f'<rect x="{x + slot * 0.1:.1f}" y="{base:.1f}" width="{slot * 0.8:.1f}" height="{bar:.1f}" '
                         f'fill="{colours[label]}"><title>{row.date:%Y}: {label} {int(value)}</title></rect>')
        year = f"{row.date:%Y}"
        if year != last_label and (index % max(1, len(rows) // 8) == 0):
            parts.append(_label(x + slot / 2, height - bottom + 6, year, dy="0.8em", thin=labels % 2 == 1))
            last_label, labels = year, labels + 1
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{html.escape(title or "Votes")}" style="width:100%;height:auto;{FONT}">{CHART_STYLE}{"".join(parts)}</svg>')


def legend_html(legend: Sequence[tuple[str, str]]) -> str:
    """A legend as HTML: a small SVG swatch (which prints, unlike a CSS background) and the label, per
    entry, wrapping onto as many lines as it needs so no name is ever cut off."""
    entries = [f'<span style="display:inline-block;margin:0 1.2em .2em 0;white-space:nowrap">'
               f'<svg width="12" height="12" viewBox="0 0 12 12" style="vertical-align:-1px;margin-right:.35em">'
               f'<rect width="12" height="12" fill="{html.escape(colour)}" stroke="#555" stroke-width="0.6"/></svg>'
               f"{html.escape(label)}</span>" for label, colour in legend]
    return f'<div class="legend" style="font-size:.9em;line-height:1.6">{"".join(entries)}</div>'


def line_colour(index: int) -> str:
    """The colour of the `index`-th line of a chart (the palette the dashboard's charts use)."""
    return BLOC_COLOURS[index % len(BLOC_COLOURS)]


# ------------------------------------------------------------------------------------------
# The handout


def markdown_html(text: str) -> str:
    """Light Markdown to HTML: blank-line paragraphs, **bold**, *italic*, `code`, [text](url) links.
    Everything else is escaped, so a story's text cannot inject markup."""
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text.strip()) if part.strip()]
    out = []
    for paragraph in paragraphs:
        escaped = html.escape(" ".join(paragraph.split()), quote=False)
        escaped = re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)",
                         lambda m: f'<a href="{html.escape(m.group(2))}">{m.group(1)}</a>', escaped)
        escaped = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped)
        escaped = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", escaped)
        escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
        out.append(f"<p>{escaped}</p>")
    return "\n".join(out)


STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;max-width:820px;margin:24px auto;
padding:0 16px;color:#1b1b1b;line-height:1.5}
h1{font-size:1.7em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:1.6em;border-top:1px solid #ccc;padding-top:.8em}
.meta{color:#555}.question{background:#f3f6fb;border-left:4px solid #0072B2;padding:.5em .8em;margin:.8em 0}
figure{margin:.8em 0}figcaption{color:#444;font-size:.92em}a{color:#0b5cad;word-break:break-all}
table{border-collapse:collapse;font-size:.88em;margin:.6em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}
.link{font-size:.9em}.notes{border-bottom:1px solid #999;height:2.2em}footer{margin-top:2em;color:#555;font-size:.85em}
@media print{body{margin:0;max-width:none}section{break-inside:avoid-page}a{color:#000}}
"""


def handout_html(title: str, sections: Sequence[Section], intro: str = "", meta: str = "", link: str = "",
                 source: str = "") -> str:
    """A whole handout as one HTML document with no external reference: text, pictures as inline SVG,
    the links written out in full (they work on paper too), questions with space for notes."""
    body = [f"<h1>{html.escape(title)}</h1>"]
    if meta:
        body.append(f'<p class="meta">{html.escape(meta)}</p>')
    if intro:
        body.append(markdown_html(intro))
    if link:
        body.append(f'<p class="link">Online: <a href="{html.escape(link)}">{html.escape(link)}</a></p>')
    for number, section in enumerate(sections, start=1):
        parts = [f"<h2>{html.escape(section.heading)}</h2>"]
        if section.text:
            parts.append(markdown_html(section.text))
        if section.picture:
            caption = f"<figcaption>{html.escape(section.caption)}</figcaption>" if section.caption else ""
            legend = legend_html(section.legend) if section.legend else ""
            parts.append(f"<figure>{section.picture}{legend}{caption}</figure>")
        if section.table is not None and not section.table.empty:
            parts.append(section.table.to_html(index=False, border=0, escape=True))
        if section.link:
            parts.append(f'<p class="link">Open this view: <a href="{html.escape(section.link)}">'
                         f"{html.escape(section.link)}</a></p>")
        if section.question:
            parts.append(f'<div class="question"><strong>Discuss:</strong> {html.escape(section.question)}</div>'
                         '<div class="notes"></div><div class="notes"></div>')
        body.append(f'<section id="section-{number}">{"".join(parts)}</section>')
    footer = source or ("Votes of the United Nations General Assembly (UN Digital Library voting data and the UN's "
                        "UNxml resolution extracts); acknowledge the United Nations as the source.")
    body.append(f"<footer>{html.escape(footer)} Handout made on {date.today().day} {date.today():%B %Y}.</footer>")
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width,initial-scale=1'>"
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>{''.join(body)}</body></html>")


def file_name(title: str) -> str:
    """'Myanmar after the coup (2021)' → 'handout-myanmar-after-the-coup-2021.html'."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].strip("-")
    return f"handout-{slug or 'page'}.html"


def download_button(title: str, build: Callable[[], str], key: str, label: str = "Download handout (HTML)",
                    container=None, help: str | None = None) -> None:
    """A button that downloads the handout `build()` returns (built only when clicked), named after `title`."""
    import streamlit as st

    container = container or st
    container.download_button(
        label, lambda: build().encode("utf-8"), file_name=file_name(title), mime="text/html", key=f"handout_{key}",
        on_click="ignore", icon=":material/print:",
        help=help or "A printable page with the text, the charts as pictures, the links and the questions; "
                     "it opens without internet. Print it from your browser (Ctrl+P).")


@dataclass(frozen=True)
class Picture:
    """A chart as a handout shows it: the SVG, its legend ((label, colour) pairs), a one-sentence
    caption, and the numbers behind it as a small table (printed under it on a page handout)."""

    svg: str
    legend: tuple[tuple[str, str], ...] = ()
    caption: str = ""
    table: pd.DataFrame | None = field(default=None, compare=False)


def page_handout(title: str, intro: str, pictures: Sequence[Picture] = (), table: pd.DataFrame | None = None,
                 link: str = "", questions: Sequence[str] = ()) -> str:
    """A handout of one dashboard page: its title, a few sentences, its pictures, an optional table
    (the first 60 rows), the page's link and questions to discuss."""
    def rows(table: pd.DataFrame | None) -> pd.DataFrame | None:
        return None if table is None else table.head(MAX_TABLE_ROWS)

    def caption(picture: Picture) -> str:
        long = picture.table is not None and len(picture.table) > MAX_TABLE_ROWS
        return picture.caption + (f" The table shows the first {MAX_TABLE_ROWS} rows; the page has all." if long else "")

    sections = [Section(heading=f"Chart {number}" if len(pictures) > 1 else "What the page shows", picture=picture.svg,
                        legend=picture.legend, caption=caption(picture), table=rows(picture.table))
                for number, picture in enumerate(pictures, start=1)
                if picture.svg or picture.table is not None]
    if table is not None and not table.empty:
        sections.append(Section(heading="Table" + (f" (first {MAX_TABLE_ROWS} rows)" if len(table) > MAX_TABLE_ROWS else ""),
                                table=table.head(MAX_TABLE_ROWS)))
    if questions:
        sections.append(Section(heading="To discuss", text="", question=" ".join(questions)))
    return handout_html(title, sections, intro=intro, link=link)


# What each page is for, in the words a handout opens with, and questions that suit it.
PAGE_TEXT = {
    "blocs": ("States that vote alike form a bloc: the map colours each state by its bloc, computed from the votes "
              "alone.", ("Which states share a bloc that you did not expect? Why might they vote alike?",
                         "What do the states in the largest bloc have in common?")),
    "outliers": ("States that voted differently from almost everyone else, or from their own bloc or group.",
                 ("Pick one vote in the table: why might a state stand alone on it?",)),
    "resolutions": ("A vote of the General Assembly: how many states voted Yes, No or Abstain, and who.",
                    ("Who voted against, and what might they have in common?",
                     "Why might a state abstain rather than vote No?")),
    "countries": ("How often one state voted the same way as its partners, year by year.",
                  ("When did the lines move apart or together? What happened in the world then?",)),
    "compare": ("How often two states voted the same way, year by year.",
                ("On which kinds of votes do you expect these two states to disagree? Check on the page.",)),
    "about": ("Where the votes come from and how the numbers are made.", ()),
}


def page_handout_for(db: str, version: str, title: str, page: str, view: str, base: str) -> str:
    """The handout of one page as the user sees it: `view` is its link within the app
    ('/countries?country=MMR&…'), drawn as the Stories page draws a step's view, with the
    numbers behind the picture, the full link and questions for the page."""
    from views.stories import step_picture

    text, questions = PAGE_TEXT.get(page, ("", ()))
    picture = step_picture(db, version, view)
    if not picture.svg and picture.table is None:
        text += " " + (picture.caption or "This page has no picture in a handout; open the link to see it.")
    link = (base or "") + view
    return page_handout(f"UN General Assembly votes: {title}", text, [picture], link=link,
                        questions=questions)


def download_page(db: str, version: str, title: str, page: str, params: Mapping[str, str], container=None) -> None:
    """The "Download this page as a handout" button, for the dashboard's shared sidebar."""
    from views.state import query_string
    from views.stories import app_base_url

    path = "/" if page == "blocs" else f"/{page}"
    query = query_string(dict(params))
    view = f"{path}?{query}" if query else path
    base = app_base_url()
    download_button(f"{title} {query}", lambda: page_handout_for(db, version, title, page, view, base),
                    key=f"page_{page}", label="Download this page as a handout", container=container)
