"""The Compare page: two states side by side — their agreement over time and the votes of the
period on which they split."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from analysis.matrix import SelectionError, vote_letters
from views import charts, controls, data
from views.controls import Context
from views.state import MEASURES
from views.vote_labels import label_columns

VOTE_WORDS = {"Y": "Yes", "N": "No", "A": "Abstain", "": "—"}


def render(context: Context) -> None:
    """Draw the Compare page for the current view state."""
    catalog = context.catalog
    names = data.short_names(context.db, context.version)
    view = controls.view()
    first, second = (view.countries + ("", ""))[:2]
    left, right = st.columns(2)
    # Two pickers over one URL parameter (`countries=USA,RUS`): each edits its half.
    with left:
        a = _picker("First country", 0, first, catalog)
    with right:
        b = _picker("Second country", 1, second, catalog)
    controls.update(countries=(a, b))
    view = controls.view()
    st.title(f"{names.get(a, a)} and {names.get(b, b)}")
    if a == b:
        st.info("Choose two different countries.")
        return
    measure = MEASURES[view.measure]

    with st.spinner("Computing agreement year by year…"):
        yearly = data.agreement_by_year(context.db, context.version, a, (b,), view.topic, view.successors,
                                        view.nonvoting, view.metric)
    st.subheader("Agreement over time")
    if yearly.empty:
        st.info("These two states shared too few votes in any year to compare.")
    else:
        from views import certainty  # issue 12: the line with its 95 % band
        figure = certainty.agreement_over_time_figure(context, view, a, (b,), names, measure,
                                                      pair_label=f"{names.get(a, a)} – {names.get(b, b)}")
        st.caption(certainty.BAND_CAPTION)
        figure.add_vrect(x0=view.start_year - 0.5, x1=view.end_year + 0.5, fillcolor="#999999", opacity=0.12,
                         line_width=0, annotation_text="selected period", annotation_position="top left")
        st.plotly_chart(figure, config=charts.PLOTLY_CONFIG, key="pair_over_time")
        st.caption(f"How alike {names.get(a, a)} and {names.get(b, b)} voted, year by year ({measure.lower()}); "
                   "the grey band marks the period chosen in the sidebar.")
        controls.html_download(figure, f"agreement-{a}-{b}", f"{names.get(a, a)} and {names.get(b, b)}: agreement over time")
        controls.csv_download(yearly.assign(country_code=a), f"agreement-{a}-{b}")

    st.subheader(f"Votes where they split, {view.period_label}")
    try:
        grid = data.vote_matrix(data.selection(context, view))
    except SelectionError as error:
        st.info(f"{error}")
        return
    missing = [code for code in (a, b) if code not in grid.index]
    if missing:
        st.info(f"{', '.join(names.get(c, c) for c in missing)} cast no vote in this selection.")
        return
    splits = split_votes(grid, a, b)
    both = int((grid.loc[[a, b]].notna().all(axis=0)).sum())
    total = grid.shape[1]
    st.caption(f"They both voted on {both:,} of the period's {total:,} recorded {'vote' if total == 1 else 'votes'} "
               f"and split on {len(splits):,} of {'it' if both == 1 else 'them'}.")
    if splits.empty:
        return
    calls = data.load_roll_calls(context.db, context.version).set_index("roll_call_id")
    table = pd.DataFrame({
        "date": calls.loc[splits["roll_call_id"], "date"].dt.date.to_numpy(),
        names.get(a, a): splits["vote_a"].map(VOTE_WORDS).to_numpy(),
        names.get(b, b): splits["vote_b"].map(VOTE_WORDS).to_numpy(),
        "vote": [controls.link("resolutions", vote=s) for s in calls.loc[splits["roll_call_id"], "symbol"]],
        **label_columns(splits["roll_call_id"], context.db, context.version),
    }).sort_values("date", ascending=False, kind="stable")
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        "vote": st.column_config.LinkColumn("vote", display_text=r"vote=([^&]+)", help="Open this vote"),
        "title": st.column_config.TextColumn("title", width="medium", help="What the vote was about")})
    controls.csv_download(table, f"splits-{a}-{b}-{view.period_slug}")


def split_votes(matrix: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """The roll calls of a vote matrix on which states `a` and `b` both voted, differently.

    One row per roll call: roll_call_id, vote_a, vote_b (Y / A / N).
    """
    pair = matrix.loc[[a, b]].to_numpy()
    split = ~np.isnan(pair).any(axis=0) & (pair[0] != pair[1])
    return pd.DataFrame({
        "roll_call_id": matrix.columns[split].astype(int),
        "vote_a": vote_letters(pair[0, split]),
        "vote_b": vote_letters(pair[1, split]),
    })


def _picker(label: str, position: int, value: str, catalog) -> str:
    options = sorted(catalog.countries, key=lambda code: catalog.countries[code])
    key = f"w_countries_{position}"
    if key not in st.session_state or st.session_state[key] not in catalog.countries:
        st.session_state[key] = value if value in catalog.countries else options[position]
    return st.selectbox(label, options, format_func=lambda c: f"{catalog.countries[c]} ({c})", key=key)
