"""The Countries page: one state's closest and farthest partners in a period, its agreement over
time with chosen partners (e.g. Myanmar with Belarus, Russia, China and the United States), its
ideal point over time, and the votes where it stood alone."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.matrix import SelectionError
from views import charts, controls, data
from views.controls import Context
from views.state import MAX_PARTNERS, MEASURES


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
    measure = MEASURES[view.measure]

    st.subheader(f"Closest and farthest partners, {view.period_label}")
    try:
        scores = data.agreement_matrix(context.db, context.version, view.start_date, view.end_date, view.topic,
                                       view.successors, view.nonvoting, view.metric)
    except SelectionError as error:
        st.info(f"{error}", icon=":material/filter_alt_off:")
        scores = None
    if scores is not None and country not in scores.index:
        st.info(f"{names.get(country, country)} cast no vote in this selection.")
    elif scores is not None:
        from analysis.agreement import closest_partners, farthest_partners

        near, far = st.columns(2)
        for column, title, frame in ((near, "Closest", closest_partners(scores, country)),
                                     (far, "Farthest", farthest_partners(scores, country))):
            table = pd.DataFrame({
                "rank": frame["rank"],
                "state": [names.get(c, c) for c in frame["country_code"]],
                "country": [controls.link("compare", countries=f"{country},{c}", **view.period_params)
                            for c in frame["country_code"]],
                measure: frame["value"],
            })
            column.markdown(f"**{title}**")
            column.dataframe(table, hide_index=True, width="stretch", column_config={
                "country": st.column_config.LinkColumn("compare", display_text=r"countries=[A-Z]+,([A-Z]+)",
                                                       help="Compare the two side by side"),
                measure: st.column_config.NumberColumn(format="%.3f")})
            column_name = f"{title.lower()}-partners-{country}-{view.period_slug}"
            controls.csv_download(table.drop(columns="country").assign(country_code=frame["country_code"]),
                                  column_name, container=column)

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
            st.plotly_chart(figure, config=charts.PLOTLY_CONFIG, key="agreement_over_time")
            st.caption(certainty.BAND_CAPTION)
            st.caption(f"{names.get(country, country)}'s {measure.lower()} with each partner, year by year, "
                       "over the whole record (years with fewer than 10 shared votes left out).")
            controls.html_download(figure, f"agreement-over-time-{country}", f"{names.get(country, country)}: agreement over time")
            controls.csv_download(yearly, f"agreement-over-time-{country}")

    st.subheader(f"Votes where {names.get(country, country)} stood alone, {view.period_label}")
    try:
        alone = _stood_alone(context, country)
    except SelectionError as error:
        st.info(f"{error}")
        alone = None
    if alone is None:
        pass
    elif alone.empty:
        st.caption("None in this period: it never was one of at most three states against a 90 % majority.")
    else:
        st.dataframe(alone, hide_index=True, width="stretch", column_config={
            "vote": st.column_config.LinkColumn("vote", display_text=r"vote=([^&]+)")})
        controls.csv_download(alone, f"lone-votes-{country}-{view.period_slug}")


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
        st.plotly_chart(figure, config=charts.PLOTLY_CONFIG, key="ideal_points")
        st.caption("One score per state per year on the main dimension of Assembly conflict (ordered item-response "
                   "model bridged by resolutions repeated across sessions); the band is ±1.96 standard errors.")
        controls.html_download(figure, f"ideal-points-{country}", f"{names.get(country, country)}: ideal point over time")
        controls.csv_download(shown.drop(columns="order"), f"ideal-points-{country}")


def _stood_alone(context: Context, country: str) -> pd.DataFrame:
    """One row per vote of the period where `country` was a lone dissenter: date, vote link, how, others."""
    from analysis import matrix, outliers

    view = controls.view()
    votes = matrix.select_votes(
        data.load_votes(context.db, context.version), start=view.start_date, end=view.end_date,
        roll_call_ids=data.topic_roll_call_ids(context.db, context.version, view.topic),
        successions=data.load_successions(context.db, context.version), merge_successors=view.successors == "merge")
    found = outliers.find_lone_dissenters(votes)
    mine = found[found["country_code"].astype(str) == country]
    titles = data.load_roll_calls(context.db, context.version).set_index("roll_call_id")["title"]
    words = {"Y": "Yes", "N": "No", "A": "Abstain"}
    return pd.DataFrame({
        "date": pd.to_datetime(mine["date"]).dt.date,
        "vote": [controls.link("resolutions", vote=s) for s in mine["symbol"].astype(str)],
        "voted": mine["vote"].astype(str).map(words),
        "title": [str(titles.get(i, "")).split(" : ")[0] for i in mine["roll_call_id"]],
        "dissenters": mine["dissenters"],
    }).sort_values("date", ascending=False, kind="stable")
