"""How sure the numbers are, for the pages that show them: agreement over time with its interval band,
each state's bloc confidence (and the states on the edge), and how the blocs change with the measure.

Pages call these in one line each; the numbers come from `analysis.uncertainty` and
`analysis.sensitivity`, cached here per store version and selection.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from views import charts, controls, data

RESAMPLES = 200  # enough for a 95 % interval to settle to about ±0.01
SEED = 0  # fixed: everyone who opens the same link sees the same intervals


# ---------------------------------------------------------------------------------------------
# Agreement over time, with interval bands


@st.cache_data(show_spinner=False, max_entries=16)
def agreement_intervals_by_year(db: str, version: str, country: str, partners: tuple[str, ...], topic: str,
                                successors: str, nonvoting: str, metric: str) -> pd.DataFrame:
    """One row per (year, partner): year, partner_code, value, low, high (95 % bootstrap interval over
    that year's shared votes, 200 resamples, seed 0), shared_votes. Years with fewer than 10 shared
    votes are left out, as on the charts without bands."""
    from analysis import matrix
    from analysis.uncertainty import agreement_intervals

    columns = ["year", "partner_code", "value", "low", "high", "shared_votes"]
    votes = matrix.select_votes(data.load_votes(db, version), roll_call_ids=data.topic_roll_call_ids(db, version, topic),
                                successions=data.load_successions(db, version), merge_successors=successors == "merge")
    votes = votes[votes["country_code"].astype(str).isin([country, *partners])]
    try:
        grid = matrix.vote_matrix(votes, non_voting=nonvoting)
    except matrix.SelectionError:
        return pd.DataFrame(columns=columns)
    if country not in grid.index:
        return pd.DataFrame(columns=columns)
    years = pd.DatetimeIndex(grid.attrs["dates"].to_numpy()).year.to_numpy()
    frames = []
    for year in np.unique(years):
        intervals = agreement_intervals(grid.loc[:, years == year], metric, n_resamples=RESAMPLES, seed=SEED, min_shared=10)
        mine = intervals[((intervals["country_a"] == country) | (intervals["country_b"] == country)) & intervals["value"].notna()]
        if mine.empty:
            continue
        partner = np.where(mine["country_a"] == country, mine["country_b"], mine["country_a"])
        frames.append(pd.DataFrame({"year": int(year), "partner_code": partner, "value": mine["value"].to_numpy(),
                                    "low": mine["low"].to_numpy(), "high": mine["high"].to_numpy(),
                                    "shared_votes": mine["shared_votes"].to_numpy()}))
    if not frames:
        return pd.DataFrame(columns=columns)
    frame = pd.concat(frames, ignore_index=True)
    frame = frame[frame["partner_code"].isin(partners)]
    order = {code: i for i, code in enumerate(partners)}
    return frame.sort_values(["partner_code", "year"], key=lambda s: s.map(order) if s.name == "partner_code" else s).reset_index(drop=True)


def lines_with_bands(frame: pd.DataFrame, series: str, labels: dict[str, str], y_title: str) -> go.Figure:
    """One line per `series` value over the years, with its low–high band shaded in the line's colour."""
    figure = go.Figure()
    for index, (key, part) in enumerate(frame.groupby(series, sort=False)):
        colour = charts.BLOC_COLOURS[index % len(charts.BLOC_COLOURS)]
        label = labels.get(str(key), str(key))
        figure.add_trace(go.Scatter(x=list(part["year"]) + list(part["year"])[::-1],
                                    y=list(part["high"]) + list(part["low"])[::-1], fill="toself", fillcolor=colour,
                                    opacity=0.18, line=dict(width=0), hoverinfo="skip", showlegend=False))
        figure.add_trace(go.Scatter(
            x=part["year"], y=part["value"], mode="lines+markers", name=label, line=dict(color=colour, width=2),
            marker=dict(size=4), customdata=np.stack([part["low"], part["high"], part["shared_votes"]], axis=1),
            hovertemplate=f"{label}<br>%{{x}}: %{{y:.3f}} (95 % range %{{customdata[0]:.2f}}–%{{customdata[1]:.2f}}, "
                          "%{customdata[2]} shared votes)<extra></extra>"))
    figure.update_layout(height=380, margin=dict(l=10, r=10, t=10, b=10), yaxis_title=y_title, xaxis_title="year",
                         legend=dict(orientation="h", yanchor="top", y=-0.18))
    return figure


def agreement_over_time_figure(context, view, country: str, partners: tuple[str, ...], names: dict[str, str],
                               measure: str, pair_label: str | None = None) -> go.Figure:
    """The agreement-over-time chart with a 95 % band per line (what the Countries and Compare pages draw).

    `pair_label` names the one line of a pair (Compare page) instead of the partner's name."""
    with st.spinner("Resampling each year's votes to show how sure each point is…"):
        frame = agreement_intervals_by_year(context.db, context.version, country, tuple(partners), view.topic,
                                            view.successors, view.nonvoting, view.metric)
    labels = {code: names.get(code, code) for code in partners}
    if pair_label is not None and len(partners) == 1:
        labels = {partners[0]: pair_label}
    return lines_with_bands(frame, "partner_code", labels, measure)


BAND_CAPTION = ("The shaded band is the 95 % range of the value when that year's votes are drawn again at random "
                "(200 times): wide where the two shared few votes, narrow where they shared many.")


# ---------------------------------------------------------------------------------------------
# Blocs: confidence and sensitivity


@st.cache_data(show_spinner=False, max_entries=8)
def bloc_certainty(chosen: data.Selection) -> dict[str, pd.DataFrame]:
    """`bloc_uncertainty` of the Blocs page's blocs: frames `states` and `blocs` (200 resamples, seed 0)."""
    from analysis.uncertainty import bloc_uncertainty

    result = data.blocs(chosen)
    matrix = data.vote_matrix(chosen)
    certainty = bloc_uncertainty(matrix, result["blocs"], chosen.metric, n_resamples=RESAMPLES, seed=SEED)
    return {"states": certainty.states, "blocs": certainty.blocs}


@st.cache_data(show_spinner=False, max_entries=8)
def bloc_sensitivity(db: str, version: str, start: str, end: str, topic: str, successors: str,
                     k: int | None) -> dict[str, pd.DataFrame]:
    """`analysis.sensitivity.bloc_sensitivity` of one selection: frames `states` and `variants`."""
    from analysis.sensitivity import bloc_sensitivity as compute

    states, variants = compute(
        data.load_votes(db, version), k=k, names=data.short_names(db, version), start=start, end=end,
        roll_call_ids=data.topic_roll_call_ids(db, version, topic), successions=data.load_successions(db, version),
        merge_successors=successors == "merge")
    return {"states": states, "variants": variants}


def blocs_section(context, view, blocs: pd.DataFrame, names: dict[str, str]) -> None:
    """The Blocs page's "How sure are these blocs?": each state's confidence with the states on the
    edge marked, each bloc's stability, and (on demand) how the blocs change with the measure."""
    st.subheader("How sure are these blocs?")
    st.caption("The votes are drawn again at random 200 times (some twice, some not at all) and the blocs found anew "
               "each time. A state's **confidence** is the share of those redraws in which it lands in the same bloc; "
               "a state below 80 % is **on the edge** between two blocs.")
    if not st.toggle("Redraw the votes and show each state's confidence (a few seconds)", key="w_bloc_certainty"):
        return
    with st.spinner("Redrawing the votes 200 times…"):
        result = bloc_certainty(data.selection(context, view))
    states, summary = result["states"], result["blocs"]
    edge = states[states["on_edge"]]
    if edge.empty:
        st.success("Every state lands in its bloc in at least 80 % of the redraws: these blocs are firm.",
                   icon=":material/verified:")
    else:
        listed = ", ".join(f"{names.get(c, c)} ({share:.0%})" for c, share in zip(edge["country_code"], edge["confidence"]))
        st.warning(f"**On the edge:** {listed}.", icon=":material/warning:")
    table = pd.DataFrame({
        "state": [("⚠ " if on_edge else "") + names.get(c, c) for c, on_edge in zip(states["country_code"], states["on_edge"])],
        "code": states["country_code"],
        "bloc": states["bloc"] + 1,  # numbered as the page shows them (the resampled blocs are the page's)
        "confidence": states["confidence"],
        "otherwise in": [f"{name} ({share:.0%})" if name else "" for name, share in zip(states["other_bloc_name"], states["other_share"])],
    }).sort_values(["confidence", "state"], kind="stable")
    st.dataframe(table, hide_index=True, width="stretch", height=320, column_config={
        "confidence": st.column_config.ProgressColumn("confidence", format="percent", min_value=0, max_value=1,
                                                      help="Share of 200 redraws of the votes in which the state lands in this bloc."),
        "otherwise in": st.column_config.TextColumn(help="The bloc it lands in otherwise, and how often.")})
    controls.csv_download(states, f"bloc-confidence-{view.period_slug}")
    stability = summary.assign(bloc=summary["bloc"] + 1)[["bloc", "bloc_name", "size", "stability", "on_edge"]]
    st.caption("A bloc's **stability** is how much of it stays together from one redraw to the next (1 = always the "
               "same members; above 0.85 is stable, below 0.5 it falls apart).")
    st.dataframe(stability.rename(columns={"bloc_name": "name", "on_edge": "states on the edge"}), hide_index=True,
                 width="stretch", column_config={"stability": st.column_config.NumberColumn(format="%.2f")})

    if st.toggle("Also try other measures and ways of counting (about ten seconds)", key="w_bloc_sensitivity"):
        with st.spinner("Finding the blocs 12 ways…"):
            frames = bloc_sensitivity(context.db, context.version, view.start_date, view.end_date, view.topic,
                                      view.successors, view.n_blocs)
        variants, moved = frames["variants"], frames["states"]
        st.caption("The same votes, with 3 measures × non-voting left out or counted as abstention × unanimous votes "
                   "kept or dropped (12 ways; the first row is the page's default). **moved**: states in another bloc; "
                   "**alike**: the adjusted Rand index with the default (1 = the same blocs, 0 = no more alike than chance).")
        st.dataframe(variants[["label", "moved", "adjusted_rand", "own_k"]].rename(
            columns={"label": "computed with", "adjusted_rand": "alike", "own_k": "blocs it would choose"}),
            hide_index=True, width="stretch", column_config={"alike": st.column_config.NumberColumn(format="%.2f")})
        movers = moved[moved["moved"] > 0]
        if len(movers):
            shown = pd.DataFrame({"state": [names.get(c, c) for c in movers["country_code"]],
                                  "moves in": [f"{m} of 11" for m in movers["moved"]], "when": movers["moved_in"]})
            st.dataframe(shown, hide_index=True, width="stretch", height=240)
        controls.csv_download(moved, f"bloc-sensitivity-{view.period_slug}")

