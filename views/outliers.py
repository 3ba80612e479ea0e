"""The Outliers page: lone dissenters, bloc defectors, members breaking from their named group, and
movers — each row links to the vote or the country it names (links that open that view)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.matrix import SelectionError
from views import controls, data
from views.vote_labels import label_columns
from views.controls import Context
from views.state import OUTLIER_LISTS, ViewState, earlier_period

VOTE_WORDS = {"Y": "Yes", "N": "No", "A": "Abstain", "X": "Non-voting"}


def render(context: Context) -> None:
    """Draw the Outliers page for the current view state."""
    catalog = context.catalog
    view = controls.view()
    st.title(f"Outliers, {view.period_label}")
    chosen = controls.choice("Show", "outlier_list", OUTLIER_LISTS, container=st, horizontal=True)
    if chosen in ("bloc-defectors",):
        with st.sidebar:
            controls.choice("Number of blocs", "k", {"auto": "chosen automatically",
                                                     **{str(k): str(k) for k in range(2, 13)}})
    if chosen == "group-breakers":
        groups = dict(catalog.groups)
        if not controls.view().group:
            controls.update(group="asean" if "asean" in groups else next(iter(groups)))
        controls.choice("Named group", "group", groups, container=st)
    view = controls.view()
    names = data.short_names(context.db, context.version)
    try:
        with st.spinner("Looking for outliers…"):
            table, column_config, help_text = _TABLES[chosen](context, view, names)
    except SelectionError as error:
        st.info(f"{error}", icon=":material/filter_alt_off:")
        return
    st.caption(help_text)
    if table.empty:
        st.info("Nothing to list for this selection.", icon=":material/check_circle:")
        return
    st.dataframe(table, hide_index=True, width="stretch", column_config=column_config)
    controls.csv_download(table, f"{chosen}-{view.period_slug}")


def _vote_link(symbol: str) -> str:
    return controls.link("resolutions", vote=symbol)


def _country_link(code: str, view: ViewState) -> str:
    return controls.link("countries", country=code, **view.period_params)


def _selected_votes(context: Context, view: ViewState) -> pd.DataFrame:
    """The store's tidy votes inside the view's period and topic (one row per roll call × state)."""
    from analysis import matrix

    return matrix.select_votes(
        data.load_votes(context.db, context.version), start=view.start_date, end=view.end_date,
        roll_call_ids=data.topic_roll_call_ids(context.db, context.version, view.topic),
        successions=data.load_successions(context.db, context.version),
        merge_successors=view.successors == "merge",
    )


_LINKS = {
    "vote": st.column_config.LinkColumn("vote", display_text=r"vote=([^&]+)", help="Open this vote"),
    "country": st.column_config.LinkColumn("country", display_text=r"country=([A-Z]+)", help="Open this country"),
    # A long title would push the other columns out of sight; the full title shows on hover.
    "title": st.column_config.TextColumn("title", width="medium", help="What the vote was about"),
    "topic": st.column_config.TextColumn("topic", width="small", help="Its issue areas"),
}


def _vote_by_state_columns(found: pd.DataFrame, names: dict[str, str], view: ViewState, context: Context) -> dict:
    """The columns every one-row-per-(vote, state) table starts with: date, linked vote, what it was
    about (title and topic), the state and how it voted."""
    return {
        "date": pd.to_datetime(found["date"]).dt.date,
        "state": [names.get(c, c) for c in found["country_code"].astype(str)],
        "voted": found["vote"].astype(str).map(VOTE_WORDS),
        "vote": [_vote_link(s) for s in found["symbol"].astype(str)],
        **label_columns(found["roll_call_id"], context.db, context.version),
        "country": [_country_link(c, view) for c in found["country_code"].astype(str)],
    }


def _lone_dissenters(context: Context, view: ViewState, names: dict[str, str]):
    from analysis import outliers

    found = outliers.find_lone_dissenters(_selected_votes(context, view))
    table = pd.DataFrame({
        **_vote_by_state_columns(found, names, view, context),
        "majority": found["majority_vote"].astype(str).map(VOTE_WORDS),
        "majority share": found["majority_share"].astype(float),
        "states against": found["dissenters"],
        "with": [", ".join(names.get(c, c) for c in together.split("|") if c != code)
                 for together, code in zip(found["dissenting_with"].astype(str), found["country_code"].astype(str))],
    }).sort_values("date", ascending=False, kind="stable")
    config = {**_LINKS, "majority share": st.column_config.NumberColumn(
        format="percent", help="The winning side's share of all Yes, No and Abstain votes")}
    return table, config, (f"A lone dissent: {outliers.lone_dissent_rule()} (abstentions count in the total; "
                           "states that did not vote do not). \"States against\" is how many stood on the losing "
                           "side; 1 means the state stood alone. Click a vote or a country to open it.")


def _bloc_defectors(context: Context, view: ViewState, names: dict[str, str]):
    from analysis import outliers

    chosen = data.selection(context, view)
    result = data.blocs(chosen)
    scores = data.agreement_matrix(chosen)
    found = outliers.find_bloc_defectors(result["blocs"], scores)
    bloc_names = result["blocs"].drop_duplicates("bloc").set_index("bloc")["bloc_name"]
    table = pd.DataFrame({
        "state": [names.get(c, c) for c in found["country_code"].astype(str)],
        "country": [_country_link(c, view) for c in found["country_code"].astype(str)],
        "bloc": [f"{b + 1}. {bloc_names.get(b, '')}" for b in found["bloc"]],
    })
    for column in found.columns:
        if column not in ("country_code", "bloc", "bloc_name", "nearest_bloc"):
            table[column.replace("_", " ")] = found[column].to_numpy()
    table.insert(3, "nearest bloc", [f"{b + 1}. {bloc_names.get(b, '')}" if pd.notna(b) else "" for b in found["nearest_bloc"]])
    return table, _LINKS, ("States far from the centre of their own bloc in this period (distance from the bloc's "
                           "centre, and its z-score within the bloc): the likeliest to change sides.")


def _group_breakers(context: Context, view: ViewState, names: dict[str, str]):
    from analysis import groups

    found = groups.group_breakers(_selected_votes(context, view), view.group, view.start_date, view.end_date)
    table = pd.DataFrame(_vote_by_state_columns(found, names, view, context))
    if "group_majority" in found.columns:
        table["group majority"] = found["group_majority"].astype(str).map(VOTE_WORDS)
    table = table.sort_values("date", ascending=False, kind="stable")
    return table, _LINKS, (f"Members of {context.catalog.groups.get(view.group, view.group)} that voted against the "
                           "group's majority: the vote more than half of its members cast, counting every Yes, No and Abstain "
                           "(membership on the day of each vote).")


def _movers(context: Context, view: ViewState, names: dict[str, str]):
    from analysis import outliers

    earlier = earlier_period(view, context.catalog)
    if earlier is None:
        length = (f"{view.sessions.last - view.sessions.first + 1} sessions" if view.sessions
                  else f"{view.end_year - view.start_year + 1} years")
        raise SelectionError(f"Movers compare this period with the {length} before it; "
                             f"there are no votes before {context.catalog.first_year}. Start the period later.")
    before = (earlier.start_date, earlier.end_date)
    found = outliers.find_movers(
        data.load_votes(context.db, context.version), before, (view.start_date, view.end_date), metric=view.metric,
        successions=data.load_successions(context.db, context.version), merge_successors=view.successors == "merge",
        non_voting=view.nonvoting, roll_call_ids=data.topic_roll_call_ids(context.db, context.version, view.topic),
        closest_metric=view.metric if view.metric in ("kappa", "pi") else "kappa")
    table = pd.DataFrame({
        "rank": found["rank"],
        "state": [names.get(c, c) for c in found["country_code"].astype(str)],
        "country": [_country_link(c, view) for c in found["country_code"].astype(str)],
        "shift": found["shift"],
        "mean change": found["mean_change"],
        "moved toward": [names.get(c, c) for c in found["toward"].astype(str)],
        "moved away from": [names.get(c, c) for c in found["away_from"].astype(str)],
        "closest before": [names.get(c, c) for c in found["closest_before"].astype(str)],
        "closest after": [names.get(c, c) for c in found["closest_after"].astype(str)],
    })
    config = {**_LINKS, "shift": st.column_config.NumberColumn(format="%.3f"),
              "mean change": st.column_config.NumberColumn(format="%+.3f")}
    closest_by = "Scott's pi" if view.metric == "pi" else "Cohen's kappa"
    return table, config, (f"States whose alignment changed most between {earlier.period_label} and "
                           f"{view.period_label}: shift is how much a state's agreement with every other state "
                           f"changed (root mean square; 0.1 is a large move). Closest partners are by {closest_by}, "
                           "which discounts the agreement of states that vote Yes on nearly everything.")


_TABLES = {
    "lone-dissenters": _lone_dissenters,
    "bloc-defectors": _bloc_defectors,
    "group-breakers": _group_breakers,
    "movers": _movers,
}
