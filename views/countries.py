"""The Countries page: one state's closest and farthest partners in a period, its agreement over
time with chosen partners (e.g. Myanmar with Belarus, Russia, China and the United States), its
ideal point over time, and the votes where it stood alone."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

from analysis.matrix import SelectionError
from views import charts, controls, data
from views import fidelity
from views.controls import Context
from views.state import MAX_PARTNERS, MEASURES
from views.vote_labels import label_columns

# Measures that discount the agreement two states would reach by chance, voting Yes as often as they do.
CHANCE_CORRECTED = ("kappa", "pi")


def render(context: Context) -> None:
    """Draw the Countries page for the current view state."""
    catalog = context.catalog
    names = data.short_names(context.db, context.version)
    left, right = st.columns([1, 2])
    with left:
        country = controls.country_picker("Country", "country", catalog)
    with right:
        partners = controls.countries_picker("Partners to follow over time", "partners", catalog, MAX_PARTNERS)
    view = controls.view()
    st.title(names.get(country, country))
    fidelity.show_country_notes(country, names)
    measure = MEASURES[view.measure]

    st.subheader(f"Closest and farthest partners, {view.period_label}")
    # Exact agreement ranks first the states that vote Yes on nearly everything (Myanmar 2017–2026:
    # Turkmenistan 0.93, kappa 0.01 over 569 shared votes); a chance-corrected measure ranks first the
    # states that share a country's distinctive votes (Venezuela, Zimbabwe, Cuba). So partners are
    # ranked by the page's measure when it corrects for chance, else by Cohen's kappa.
    rank_metric = view.metric if view.metric in CHANCE_CORRECTED else "kappa"
    rank_name = {"kappa": "Cohen's kappa", "pi": "Scott's pi"}[rank_metric]
    try:
        chosen = data.selection(context, view)
        ranked = data.agreement_matrix(replace(chosen, metric=rank_metric))
        exact = data.agreement_matrix(replace(chosen, metric="agreement"))
        grid = data.vote_matrix(chosen)
    except SelectionError as error:
        st.info(f"{error}", icon=":material/filter_alt_off:")
        ranked = None
    if ranked is not None and country not in ranked.index:
        st.info(f"{names.get(country, country)} cast no vote in this selection.")
    elif ranked is not None:
        # Tabs rather than side-by-side columns: six columns each do not fit half a page (or a phone).
        near, far = st.tabs(["Closest", "Farthest"])
        for column, title, farthest in ((near, "Closest", False), (far, "Farthest", True)):
            frame = partner_table(ranked, exact, grid, country, farthest=farthest)
            table = pd.DataFrame({
                "rank": frame["rank"],
                "state": [names.get(c, c) for c in frame["country_code"]],
                "country": [controls.link("compare", countries=f"{country},{c}", **view.period_params)
                            for c in frame["country_code"]],
                rank_name: frame["value"],
                "same vote": frame["agreement"] * 100,
                "shared votes": frame["shared_votes"],
            })
            column.dataframe(table, hide_index=True, width="stretch", column_config={
                "country": st.column_config.LinkColumn("compare", display_text=r"countries=[A-Z]+,([A-Z]+)",
                                                       help="Compare the two side by side"),
                rank_name: st.column_config.NumberColumn(format="%.3f", help=(
                    "Agreement beyond chance: 0 = no more alike than chance, 1 = always alike, below 0 = opposed")),
                "same vote": st.column_config.NumberColumn(format="%.0f %%", help=(
                    "Share of the votes both cast on which they cast the same vote")),
                "shared votes": st.column_config.NumberColumn(help="Votes on which both cast Yes, No or Abstain")})
            column_name = f"{title.lower()}-partners-{country}-{view.period_slug}"
            controls.csv_download(table.drop(columns="country").assign(country_code=frame["country_code"]),
                                  column_name, container=column)
        st.caption(f"Ranked by {rank_name}: how much more often two states vote alike than two states voting Yes, "
                   "No and Abstain as often as they each do would by chance. \"Same vote\" alone misleads: most "
                   "resolutions pass with large majorities, so two states that vote Yes on nearly everything agree "
                   "on over 90 % of votes without sharing any stand. Pairs with fewer than 20 shared votes are left out.")

    st.subheader("Agreement over time")
    if not partners:
        st.caption("Choose partners above to follow them over time.")
    else:
        with st.spinner("Computing agreement year by year…"):
            yearly = data.agreement_by_year(context.db, context.version, country, partners, view.topic,
                                            view.successors, view.nonvoting, view.metric)
        if yearly.empty:
            st.info("These states shared too few votes in any year to compare.")
        else:
            from views import certainty  # issue 12: the same lines with their 95 % bands
            figure = certainty.agreement_over_time_figure(context, view, country, partners, names, measure)
            colour_by_state(figure, state_colours([country, *partners]), names)
            st.plotly_chart(figure, config=charts.PLOTLY_CONFIG, key="agreement_over_time")
            st.caption(certainty.BAND_CAPTION)
            st.caption(f"{names.get(country, country)}'s {measure.lower()} with each partner, year by year, "
                       "over the whole record (years with fewer than 10 shared votes left out).")
            controls.html_download(figure, f"agreement-over-time-{country}", f"{names.get(country, country)}: agreement over time")
            controls.csv_download(yearly, f"agreement-over-time-{country}")

    name = names.get(country, country)
    st.subheader(f"Votes where {name} stood alone, {view.period_label}")
    from analysis.outliers import MIN_MAJORITY, lone_dissent_rule

    try:
        alone = _stood_alone(context, country, names)
    except SelectionError as error:
        st.info(f"{error}")
        alone = None
    if alone is not None:
        st.caption(f"Alone: {name} was the only state on its side, against a side that cast at least "
                   f"{MIN_MAJORITY * 100:g} % of all Yes, No and Abstain votes. The Outliers page lists lone dissents more widely "
                   f"({lone_dissent_rule()}).")
        solo = alone[alone["states against"] == 1].drop(columns=["states against", "with"])
        if solo.empty:
            st.caption("None in this period.")
        else:
            st.dataframe(solo, hide_index=True, width="stretch", column_config=_VOTE_LINK)
            controls.csv_download(solo, f"lone-votes-{country}-{view.period_slug}")
        nearly = alone[alone["states against"] > 1].drop(columns="states against")
        if not nearly.empty:
            st.markdown(f"**Nearly alone**: {name} and one or two other states against the rest")
            st.dataframe(nearly, hide_index=True, width="stretch", column_config=_VOTE_LINK)

    from views import sponsorship  # issue 12: co-sponsorship, session 74 on
    sponsorship.country_section(context, country, names)

    st.subheader("Ideal point over time")
    with st.spinner("Scaling every country-year (first time only: up to a minute)…"):
        points = data.ideal_points(context.db, context.version)
    shown = points[points["country_code"].isin([country, *partners])]
    if shown.empty:
        st.caption("No ideal points for these states.")
    else:
        order = [country, *partners]
        shown = shown.assign(order=shown["country_code"].map({c: i for i, c in enumerate(order)}))
        shown = shown.sort_values(["order", "year"])
        figure = charts.lines_over_time(shown, "year", "ideal_point", "country_code", names,
                                        "ideal point (United States positive)", band="se")
        colour_by_state(figure, state_colours([country, *partners]), names)
        st.plotly_chart(figure, config=charts.PLOTLY_CONFIG, key="ideal_points")
        from analysis.idealpoints import MIN_VOTES

        st.caption("One score per state per year on the main dimension of Assembly conflict: higher means voting "
                   "more like the United States and its allies, lower more like their opponents (the Soviet bloc in "
                   "the Cold War; Cuba, Iran, Syria, North Korea since). Ordered item-response model bridged by "
                   "resolutions repeated across sessions; the band is ±1.96 standard errors. Years in "
                   f"which a state cast fewer than {MIN_VOTES} of the votes scaled have no point (the line joins the years "
                   "around them): a point on so few votes would be a guess.")
        controls.html_download(figure, f"ideal-points-{country}", f"{names.get(country, country)}: ideal point over time")
        controls.csv_download(shown.drop(columns="order"), f"ideal-points-{country}")


_VOTE_LINK = {"vote": st.column_config.LinkColumn("vote", display_text=r"vote=([^&]+)", help="Open this vote"),
              "title": st.column_config.TextColumn("title", width="medium", help="What the vote was about")}


def _stood_alone(context: Context, country: str, names: dict[str, str]) -> pd.DataFrame:
    """One row per vote of the period where `country` was a lone dissenter (`find_lone_dissenters`' rule):
    date, how it voted, with (the others against), vote link, title, topic, states against (1 = alone)."""
    from analysis import matrix, outliers

    view = controls.view()
    votes = matrix.select_votes(
        data.load_votes(context.db, context.version), start=view.start_date, end=view.end_date,
        roll_call_ids=data.topic_roll_call_ids(context.db, context.version, view.topic),
        successions=data.load_successions(context.db, context.version), merge_successors=view.successors == "merge")
    found = outliers.find_lone_dissenters(votes)
    mine = found[found["country_code"].astype(str) == country]
    words = {"Y": "Yes", "N": "No", "A": "Abstain"}
    return pd.DataFrame({
        "date": pd.to_datetime(mine["date"]).dt.date,
        "voted": mine["vote"].astype(str).map(words).tolist(),
        "with": [", ".join(names.get(c, c) for c in together.split("|") if c != country)
                 for together in mine["dissenting_with"].astype(str)],
        "vote": [controls.link("resolutions", vote=s) for s in mine["symbol"].astype(str)],
        **label_columns(mine["roll_call_id"], context.db, context.version),
        "states against": mine["dissenters"].tolist(),
    }).sort_values("date", ascending=False, kind="stable")


def partner_table(ranked: pd.DataFrame, exact: pd.DataFrame, matrix: pd.DataFrame, country: str, n: int = 10,
                  *, farthest: bool = False) -> pd.DataFrame:
    """A state's closest (or farthest) partners by the measure of `ranked`, with the plain share of
    identical votes (`exact`, the agreement matrix) and how many votes they both cast (`matrix`).

    One row per partner: country_code, value (the ranking measure), agreement, shared_votes, rank.
    """
    from analysis.agreement import closest_partners

    frame = closest_partners(ranked, country, n, farthest=farthest)
    cast = matrix.notna()
    both = cast.loc[frame["country_code"]].to_numpy() & cast.loc[country].to_numpy()[None, :]
    frame["agreement"] = exact.loc[country].reindex(frame["country_code"]).to_numpy()
    frame["shared_votes"] = both.sum(axis=1).astype(np.int64)
    return frame[["country_code", "value", "agreement", "shared_votes", "rank"]]


def state_colours(codes: list[str]) -> dict[str, str]:
    """One colour per state for every chart of the page, in the order the states were chosen."""
    palette = charts.BLOC_COLOURS
    return {code: palette[index % len(palette)] for index, code in enumerate(dict.fromkeys(codes))}


def colour_by_state(figure, colours: dict[str, str], names: dict[str, str]) -> None:
    """Recolour a `charts.lines_over_time` figure so each state keeps its page colour.

    A line is recognised by its name (the state's name); its error band, drawn just before it, gets
    the same colour."""
    by_name = {names.get(code, code): colour for code, colour in colours.items()}
    traces = list(figure.data)
    for index, trace in enumerate(traces):
        colour = by_name.get(trace.name)
        if colour is None:
            continue
        trace.line.color = colour
        before = traces[index - 1] if index else None
        if before is not None and before.fill == "toself" and before.name is None:
            before.fillcolor = colour
