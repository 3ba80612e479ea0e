"""The Recurring votes page: a resolution the Assembly votes on again and again under the same title
(the Cuba embargo, Palestine, human rights in Iran…) — its tallies year by year and the states that
changed their vote, each change linked to both votes."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from views import charts, controls, data
from views.controls import Context

EXAMPLES = ("Cuba embargo", "human rights Iran", "Golan", "nuclear weapon free world", "Myanmar")


@st.cache_data(show_spinner=False, max_entries=32)
def find(db: str, version: str, query: str) -> pd.DataFrame:
    """`analysis.series.find_series` on the store's roll calls."""
    from analysis.series import find_series

    return find_series(data.load_roll_calls(db, version), query)


@st.cache_data(show_spinner=False, max_entries=16)
def series_frames(db: str, version: str, series: str) -> dict[str, pd.DataFrame]:
    """The series' `tallies` (one row per vote) and `changes` (one row per state that changed its vote)."""
    from analysis.series import series_roll_calls, series_tallies, vote_changes

    calls = series_roll_calls(data.load_roll_calls(db, version), series)
    votes = data.load_votes(db, version)
    return {"tallies": series_tallies(votes, calls), "changes": vote_changes(votes, calls)}


def tallies_chart(tallies: pd.DataFrame) -> go.Figure:
    """Stacked bars per vote of the series: Yes, Abstain, No (the UN's tallies), by year."""
    figure = go.Figure()
    for column, label, colour in (("yes", "Yes", "#2a9d8f"), ("abstain", "Abstain", "#e9c46a"), ("no", "No", "#e76f51")):
        figure.add_trace(go.Bar(x=tallies["year"].astype(str) + " · " + tallies["symbol"], y=tallies[column], name=label,
                                marker_color=colour, hovertemplate=f"%{{x}}<br>{label}: %{{y}}<extra></extra>"))
    figure.update_layout(barmode="stack", height=360, margin=dict(l=10, r=10, t=10, b=10), yaxis_title="states",
                         xaxis=dict(tickangle=-60), legend=dict(orientation="h", yanchor="top", y=1.12))
    return figure


def render(context: Context) -> None:
    """Draw the page: a search for the title, the series' tallies by year and who changed their vote."""
    names = data.short_names(context.db, context.version)
    st.title("Recurring votes")
    st.caption("Many resolutions come back every year under the same title. Follow one over time: how many states "
               "voted Yes, No or Abstain each year, and which states changed their vote.")
    query = controls.text("Words of the title (or a symbol such as A/RES/75/289)", "query",
                          placeholder="e.g. " + ", ".join(EXAMPLES[:3]))
    if not query:
        query = EXAMPLES[0]
        st.caption(f"Showing an example, **{query}**; type other words above.")
    try:
        found = find(context.db, context.version, query)
    except ValueError as error:
        st.info(f"{error}")
        return
    if found.empty:
        st.info("No resolution voted on at least twice has all these words in its title. Try fewer words, e.g. "
                + ", ".join(f"“{example}”" for example in EXAMPLES) + ".", icon=":material/search_off:")
        return
    options = found["series"].tolist()
    labels = {row.series: f"{row.title} ({row.votes} votes, {row.first_year}–{row.last_year})" for row in found.itertuples()}
    chosen = st.selectbox(f"{len(found)} series match" if len(found) > 1 else "The series", options,
                          format_func=lambda key: labels[key][:160], key="w_series_choice")
    frames = series_frames(context.db, context.version, chosen)
    tallies, changes = frames["tallies"], frames["changes"]

    st.subheader(found.set_index("series").loc[chosen, "title"])
    first, second, third = st.columns(3)
    first.metric("Votes in the series", f"{len(tallies)}")
    second.metric("Years", f"{tallies['year'].min()}–{tallies['year'].max()}")
    third.metric("Changes of vote", f"{len(changes)}", help="A state voting differently from its previous vote on this series "
                                                            "(Yes, No or Abstain; years it did not vote are skipped).")
    st.plotly_chart(tallies_chart(tallies), config=charts.PLOTLY_CONFIG, key="series_tallies")
    st.caption("Each bar is one vote: the UN's count of states voting Yes, Abstain and No. A year that opened a "
               "session counts the vote even when it was held the next spring.")
    shown = pd.DataFrame({
        "year": tallies["year"], "vote": [controls.link("resolutions", vote=s) for s in tallies["symbol"]],
        "Yes": tallies["yes"], "No": tallies["no"], "Abstain": tallies["abstain"], "changed": tallies["changes"]})
    st.dataframe(shown, hide_index=True, width="stretch", height=260, column_config={
        "vote": st.column_config.LinkColumn("vote", display_text=r"vote=([^&]+)", help="Open this vote"),
        "changed": st.column_config.NumberColumn("states that changed", help="Voted differently from their previous vote on this series")})
    controls.csv_download(tallies, "series-tallies")

    st.subheader("Who changed their vote")
    if changes.empty:
        st.caption("No state ever changed its vote on this series.")
        return
    words = {"Y": "Yes", "N": "No", "A": "Abstain", "X": "did not vote"}
    table = pd.DataFrame({
        "state": [names.get(c, c) for c in changes["country_code"]],
        "from": [f"{words.get(v, v)} in {y}" for v, y in zip(changes["from_vote"], changes["from_year"])],
        "to": [f"{words.get(v, v)} in {y}" for v, y in zip(changes["to_vote"], changes["to_year"])],
        "earlier vote": [controls.link("resolutions", vote=s) for s in changes["from_symbol"]],
        "later vote": [controls.link("resolutions", vote=s) for s in changes["to_symbol"]],
    }).iloc[::-1]  # latest first
    country = st.selectbox("Only one state", ["", *sorted(set(changes["country_code"]), key=lambda c: names.get(c, c))],
                           format_func=lambda c: "all states" if c == "" else names.get(c, c), key="w_series_country")
    if country:
        table = table[changes["country_code"].iloc[::-1].to_numpy() == country]
    st.dataframe(table, hide_index=True, width="stretch", height=360, column_config={
        "earlier vote": st.column_config.LinkColumn("earlier vote", display_text=r"vote=([^&]+)"),
        "later vote": st.column_config.LinkColumn("later vote", display_text=r"vote=([^&]+)")})
    controls.csv_download(changes.assign(name=[names.get(c, c) for c in changes["country_code"]]), "series-changes")
