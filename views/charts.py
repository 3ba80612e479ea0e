"""Figure builders for the dashboard: world maps, the alignment scatter, lines over time; and the
offline HTML a chart downloads as.

Maps use plotly's own country shapes mechanism (`locationmode="ISO-3"`), but `PLOTLY_CONFIG`
(views/chart_library.py) points plotly.js at the shapes the app ships (static/world_110m.json,
served by Streamlit's static file serving) instead of its CDN, so maps draw with no internet. A
downloaded chart carries plotly.js and those shapes inline.
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from views.chart_library import PLOTLY_CONFIG

STATIC = Path(__file__).resolve().parent.parent / "static"
SHAPES_FILE = STATIC / "world_110m.json"

# Colours a reader with a colour-vision deficiency can still tell apart. Blocs: Okabe and Ito's eight,
# then four dark colours chosen (by a greedy search) to stay far from them and from the grey of "no
# recorded vote"; tests/test_charts.py simulates protanopia, deuteranopia and tritanopia (Machado
# et al. 2009) and requires every pair to stay at least 15 CIELAB units apart. The scatter adds a
# marker shape per bloc, so colour is never the only cue. Votes: blue Yes and dark red No (not
# green and red, which the commonest deficiencies confuse), gold Abstain, grey non-voting.
BLOC_COLOURS = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000",
    "#8000E0", "#602000", "#002080", "#604040",
)
BLOC_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "x", "triangle-down", "star",
                "hexagon", "pentagon", "triangle-left", "triangle-right")
VOTE_COLOURS = {"Yes": "#2166AC", "No": "#B2182B", "Abstain": "#E6AB02", "Non-voting": "#8c8c8c"}
VOTE_LABELS = {"Y": "Yes", "N": "No", "A": "Abstain", "X": "Non-voting"}
NO_DATA_COLOUR = "#e4e4e4"
NO_VOTE = "no recorded vote"


def bloc_colour(bloc: int) -> str:
    """The colour of bloc number `bloc` (stable: matched blocs keep their number, so their colour)."""
    return BLOC_COLOURS[int(bloc) % len(BLOC_COLOURS)]


def bloc_symbol(bloc: int) -> str:
    """The marker shape of bloc number `bloc` on the scatter (a second cue besides colour)."""
    return BLOC_SYMBOLS[int(bloc) % len(BLOC_SYMBOLS)]


def legend_label(bloc: int, name: str) -> str:
    """A bloc's legend entry, whole: "1. NATO and EU:<br>France, …" — the groups on one line and the
    members on the next, so a long name wraps on a phone instead of running off the chart."""
    return f"{int(bloc) + 1}. " + name.replace(": ", ":<br>", 1)


def spread_to_successors(frame: pd.DataFrame, successions: pd.DataFrame) -> pd.DataFrame:
    """Rows of `frame` (one per country_code) plus, for a historical state (USSR, Yugoslavia...),
    one row per successor that has no row of its own, carrying the predecessor's values.

    The map has today's shapes only; this draws the USSR's vote on the Soviet successors that had
    no seat of their own, without touching Ukraine's or Belarus's own votes. One row is one shape.
    """
    if successions is None or successions.empty or frame.empty:
        return frame
    present = set(frame["country_code"].astype(str))
    extra = []
    links = successions[["predecessor_code", "successor_code"]].astype(str)
    # Follow chains (YUG → SCG → SRB) so a predecessor reaches today's codes.
    children: dict[str, list[str]] = {}
    for predecessor, successor in links.itertuples(index=False):
        children.setdefault(predecessor, []).append(successor)
    for row in frame.itertuples(index=False):
        code = str(row.country_code)
        if code not in children:
            continue
        stack, seen = list(children[code]), set()
        while stack:
            successor = stack.pop()
            if successor in seen:
                continue
            seen.add(successor)
            stack.extend(children.get(successor, []))
            if successor not in present:
                present.add(successor)
                extra.append({**row._asdict(), "country_code": successor, "drawn_for": code})
    if not extra:
        return frame
    return pd.concat([frame, pd.DataFrame(extra)], ignore_index=True)


def _style_map(figure: go.Figure, height: int = 520) -> go.Figure:
    figure.update_geos(
        projection_type="natural earth",
        projection_rotation_lon=0,
        center_lon=0,
        lonaxis_range=[-180, 180],
        lataxis_range=[-58, 84],
        showland=False,  # every shape is drawn by the choropleth itself: see categorical_world_map
        showcountries=False,
        showcoastlines=False,
        showocean=False,
        showlakes=False,
        showrivers=False,
        showframe=False,
        bgcolor="rgba(0,0,0,0)",
    )
    figure.update_layout(
        height=height,
        margin=dict(l=0, r=0, t=10, b=0),
        legend=dict(orientation="h", yanchor="top", y=-0.02, xanchor="left", x=0),
    )
    return figure


def categorical_world_map(frame: pd.DataFrame, category: str, colours: Mapping[str, str],
                          hover: str = "name", order: Sequence[str] | None = None, height: int = 520) -> go.Figure:
    """A world map with one colour per category. `frame` has one row per country: country_code, the
    `category` column, and `hover`. Every other shape of the world (non-members, territories) is
    drawn grey, as "no recorded vote".

    One Choropleth trace with a stepped colour scale draws every shape, the grey ones included
    (plotly.js converts the world's shapes once per trace, so one trace draws several times faster
    than one per category, and plotly's own land and border layers, which it redraws whole on every
    update, are left off: 130 → 60 ms a redraw in headless Chromium). Empty Scattergeo traces give
    the legend its named colour swatches.
    """
    categories = [c for c in (list(order) if order is not None else list(pd.unique(frame[category].astype(str))))
                  if (frame[category].astype(str) == str(c)).any()]
    index = {value: i for i, value in enumerate(categories)}
    shown = frame[frame[category].astype(str).isin(categories)]
    n = len(categories)
    scale = []
    for i, value in enumerate(categories + [NO_VOTE]):
        colour = NO_DATA_COLOUR if i == n else colours.get(str(value), "#777777")
        scale += [[i / (n + 1), colour], [(i + 1) / (n + 1), colour]]
    shape_names = _shape_names()
    rest = sorted(set(shape_names) - set(shown["country_code"].astype(str)))
    figure = go.Figure()
    figure.add_trace(
        go.Choropleth(
            locations=list(shown["country_code"].astype(str)) + rest,
            locationmode="ISO-3",
            z=[index[str(v)] for v in shown[category].astype(str)] + [n] * len(rest),
            zmin=-0.5, zmax=n + 0.5,
            colorscale=scale,
            showscale=False,
            text=list(shown[hover].astype(str)) + [shape_names[code] for code in rest],
            customdata=list(shown[category].astype(str)) + [NO_VOTE] * len(rest),
            marker_line_color="#ffffff",
            marker_line_width=0.3,
            hovertemplate="%{text}<br>%{customdata}<extra></extra>",
            showlegend=False,
            name="",
        )
    )
    for value in categories:
        figure.add_trace(
            go.Scattergeo(lon=[None], lat=[None], mode="markers", name=str(value), showlegend=True,
                          marker=dict(size=11, symbol="square", color=colours.get(str(value), "#777777")),
                          hoverinfo="skip")
        )
    return _style_map(figure, height)


@lru_cache(maxsize=1)
def _shape_names() -> dict[str, str]:
    """ISO-3 code → name of every shape in the shipped world map, members of the Assembly or not."""
    geometries = json.loads(_shapes_json())["objects"]["countries"]["geometries"]
    return {shape["id"]: shape.get("properties", {}).get("name", shape["id"]).rstrip("\x00") for shape in geometries}


def bloc_world_map(blocs: pd.DataFrame, names: Mapping[str, str], successions: pd.DataFrame,
                   highlight: Sequence[str] = ()) -> go.Figure:
    """World map coloured by bloc; `blocs` has one row per country: country_code, bloc, bloc_name."""
    frame = blocs[["country_code", "bloc", "bloc_name"]].copy()
    frame["label"] = [legend_label(b, name) for b, name in zip(frame["bloc"], frame["bloc_name"])]
    frame = spread_to_successors(frame, successions)
    frame["name"] = [
        names.get(str(code), str(code)) + (f" (as {names.get(str(src), src)})" if isinstance(src, str) else "")
        for code, src in zip(frame["country_code"], frame.get("drawn_for", pd.Series([None] * len(frame))))
    ]
    labels = frame.drop_duplicates("bloc").sort_values("bloc")
    colours = {label: bloc_colour(b) for b, label in zip(labels["bloc"], labels["label"])}
    figure = categorical_world_map(frame, "label", colours, order=list(labels["label"]))
    if highlight:
        marked = frame[frame["country_code"].isin(list(highlight))]
        figure.add_trace(
            go.Choropleth(
                locations=marked["country_code"], locationmode="ISO-3", z=[1] * len(marked),
                colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], showscale=False,
                marker_line_color="#111111", marker_line_width=1.6, name="highlighted group",
                text=marked["name"], hovertemplate="%{text}<extra>group</extra>", showlegend=True,
            )
        )
    return figure


def vote_world_map(member_votes: pd.DataFrame, names: Mapping[str, str], successions: pd.DataFrame) -> go.Figure:
    """World map of one roll call: how each state voted; `member_votes` has country_code and vote (Y/N/A/X)."""
    frame = member_votes[["country_code", "vote"]].copy()
    frame["how"] = frame["vote"].astype(str).map(VOTE_LABELS)
    frame = spread_to_successors(frame, successions)
    frame["name"] = [names.get(str(code), str(code)) for code in frame["country_code"]]
    return categorical_world_map(frame, "how", VOTE_COLOURS, order=list(VOTE_COLOURS))


def alignment_scatter(points: pd.DataFrame, names: Mapping[str, str], highlight: Sequence[str] = (),
                      x_title: str = "← further from the United States · closer →",
                      y_title: str = "second dimension") -> go.Figure:
    """Each country a dot on the 2-D alignment map, coloured and shaped by bloc, named on hover.

    `points` has one row per country: country_code, x, y, bloc, bloc_name. Highlighted codes get
    a ring and a label. `x_title` / `y_title` say what the axes mean in words.
    """
    figure = go.Figure()
    for bloc, part in points.sort_values("bloc").groupby("bloc", sort=True):
        figure.add_trace(
            go.Scatter(
                x=part["x"], y=part["y"], mode="markers",
                marker=dict(size=9, color=bloc_colour(bloc), symbol=bloc_symbol(bloc),
                            line=dict(width=0.5, color="#ffffff")),
                name=legend_label(bloc, part["bloc_name"].iloc[0]),
                text=[names.get(code, code) for code in part["country_code"]],
                customdata=part["country_code"],
                hovertemplate="%{text} (%{customdata})<extra></extra>",
            )
        )
    marked = points[points["country_code"].isin(list(highlight))]
    if not marked.empty:
        figure.add_trace(
            go.Scatter(
                x=marked["x"], y=marked["y"], mode="markers+text",
                marker=dict(size=15, color="rgba(0,0,0,0)", line=dict(width=1.5, color="#111111")),
                text=marked["country_code"], textposition="top center", textfont=dict(size=9),
                name="highlighted group", hoverinfo="skip",
            )
        )
    figure.update_layout(
        height=460, margin=dict(l=10, r=10, t=10, b=10),
        xaxis=dict(title=dict(text=x_title, font=dict(size=12)), zeroline=False, showticklabels=False),
        yaxis=dict(title=dict(text=y_title, font=dict(size=12)), zeroline=False, showticklabels=False,
                   scaleanchor="x"),
        legend=dict(orientation="h", yanchor="top", y=-0.12),
    )
    return figure


def silhouette_bars(criterion: pd.DataFrame, chosen: int, height: int = 240) -> go.Figure:
    """One bar per number of blocs tried (`criterion`: k, silhouette), the chosen number in colour.

    A plotly chart rather than `st.bar_chart`: the page's other charts are plotly already, and a
    Vega-Lite chart would make the browser load and start a second chart library for one chart.
    """
    chosen_colour, other_colour = BLOC_COLOURS[0], "#b8c4cf"
    figure = go.Figure(go.Bar(
        x=criterion["k"].astype(str), y=criterion["silhouette"],
        marker_color=[chosen_colour if int(k) == chosen else other_colour for k in criterion["k"]],
        hovertemplate="%{x} blocs: silhouette %{y:.3f}<extra></extra>",
    ))
    figure.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10), xaxis_title="number of blocs",
                         yaxis_title="mean silhouette", showlegend=False)
    return figure


def lines_over_time(frame: pd.DataFrame, x: str, y: str, series: str, names: Mapping[str, str],
                    y_title: str, band: str | None = None) -> go.Figure:
    """One line per `series` value (a partner or a country) over `x` (years); optional ± `band`."""
    figure = go.Figure()
    for index, (key, part) in enumerate(frame.groupby(series, sort=False)):
        colour = BLOC_COLOURS[index % len(BLOC_COLOURS)]
        label = names.get(str(key), str(key))
        if band is not None:
            figure.add_trace(
                go.Scatter(
                    x=list(part[x]) + list(part[x])[::-1],
                    y=list(part[y] + 1.96 * part[band]) + list(part[y] - 1.96 * part[band])[::-1],
                    fill="toself", fillcolor=colour, opacity=0.15, line=dict(width=0),
                    hoverinfo="skip", showlegend=False,
                )
            )
        figure.add_trace(
            go.Scatter(x=part[x], y=part[y], mode="lines+markers", name=label,
                       line=dict(color=colour, width=2), marker=dict(size=4),
                       hovertemplate=f"{label}<br>%{{x}}: %{{y:.3f}}<extra></extra>")
        )
    figure.update_layout(height=380, margin=dict(l=10, r=10, t=10, b=10), yaxis_title=y_title,
                         xaxis_title="year", legend=dict(orientation="h", yanchor="top", y=-0.18))
    return figure


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


@lru_cache(maxsize=1)
def _shapes_json() -> str:
    return SHAPES_FILE.read_text(encoding="utf-8")


def figure_html(figure: go.Figure, title: str) -> str:
    """A self-contained HTML page of `figure` that opens offline: plotly.js inline and, for maps,
    the world shapes registered with plotly.js before the chart is drawn (no CDN fetch)."""
    has_map = any(getattr(trace, "type", "") in ("choropleth", "scattergeo") for trace in figure.data)
    div = figure.to_html(include_plotlyjs=False, full_html=False, config={**PLOTLY_CONFIG, "topojsonURL": "./"})
    shapes = ""
    if has_map:
        # plotly.js looks in window.PlotlyGeoAssets before fetching <topojsonURL>world_110m.json.
        shapes = ("<script>window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};"
                  f"window.PlotlyGeoAssets.topojson['world_110m'] = {_shapes_json()};</script>")
    escaped = json.dumps(title)[1:-1].replace("<", "&lt;")
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{escaped}</title><script>{_plotly_js()}</script>{shapes}</head>"
        f"<body><h3 style='font-family:sans-serif'>{escaped}</h3>{div}</body></html>"
    )
