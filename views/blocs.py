"""The Blocs page: who votes with whom in a period and topic — a world map coloured by bloc, the
2-D alignment map, each bloc's members and cohesion, what changed since the previous period, and
how the blocs overlap the named groups (EU, ASEAN, G77...)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.matrix import SelectionError
from views import charts, controls, data
from views.controls import Context
from views.state import K_CHOICES, MEASURES, earlier_period


def render(context: Context) -> None:
    """Draw the Blocs page for the current view state."""
    catalog = context.catalog
    with st.sidebar:
        controls.choice("Number of blocs", "k", {k: ("chosen automatically" if k == "auto" else k) for k in K_CHOICES},
                        help="'Automatic' picks the number with the best silhouette between 2 and 10.")
        controls.choice("Highlight a named group", "group", {"": "none", **catalog.groups})
    view = controls.view()
    chosen = data.selection(context, view)
    topic = "all topics" if view.topic == "all" else catalog.topics[view.topic].lower()
    st.title(f"Voting blocs, {view.period_label}")
    st.caption(f"{topic.capitalize()} · {MEASURES[view.measure]} · "
               f"{'predecessors merged' if view.successors == 'merge' else 'predecessors apart'} · "
               f"non-voting {'as abstention' if view.nonvoting == 'abstain' else 'left out'}")

    header = st.container()
    map_slot = st.empty()
    try:
        with st.spinner("Finding the blocs…"):
            result = data.blocs(chosen)
            matrix = data.vote_matrix(chosen)
    except SelectionError as error:
        map_slot.info(f"{error}", icon=":material/filter_alt_off:")
        return
    except ValueError as error:  # too few countries for a map in a tiny selection
        map_slot.info(f"Not enough votes to find blocs here: {error}", icon=":material/filter_alt_off:")
        return

    names = data.short_names(context.db, context.version)
    blocs = result["blocs"]
    highlight = _group_members(view.group, view.end_date) if view.group else []
    k = int(blocs["bloc"].nunique())
    first, second, third = header.columns(3)
    first.metric("Recorded votes", f"{matrix.shape[1]:,}")
    second.metric("States clustered", f"{len(blocs):,}")
    third.metric("Blocs", f"{k}" + (" (automatic)" if view.k == "auto" else ""))

    header.subheader("World map by bloc")
    world = charts.bloc_world_map(blocs, names, data.load_successions(context.db, context.version), highlight)
    map_slot.plotly_chart(world, config=charts.PLOTLY_CONFIG, key="bloc_map")
    controls.html_download(world, f"bloc-map-{view.period_slug}",
                           f"Voting blocs {view.period_label} ({topic})")

    left, right = st.columns([1, 1])
    with left:
        st.subheader("Alignment map")
        points = result["map"].merge(blocs[["country_code", "bloc", "bloc_name"]], on="country_code")
        scatter = charts.alignment_scatter(points, names, highlight)
        st.plotly_chart(scatter, config=charts.PLOTLY_CONFIG, key="alignment_map")
        st.caption("Each dot is a state; the closer two dots, the more alike they voted (multidimensional "
                   "scaling of the agreement matrix, the United States on the right).")
        controls.html_download(scatter, f"alignment-map-{view.period_slug}",
                               f"Alignment map {view.period_label} ({topic})")
    with right:
        st.subheader("How many blocs")
        criterion = result["criterion"]
        if view.k == "auto" and not criterion.empty:
            st.caption("The number of blocs with the best silhouette (how much closer each state is to its own "
                       "bloc than to the next) is chosen; higher is better.")
            st.plotly_chart(charts.silhouette_bars(criterion, k), config=charts.PLOTLY_CONFIG, key="silhouette")
        else:
            st.caption(f"Fixed at {k} in the controls; choose 'automatic' to let the silhouette decide.")

    st.subheader("Blocs, their members and how united they voted")
    members = _members_table(blocs, result["cohesion"], names)
    st.dataframe(members, hide_index=True, width="stretch",
                 column_config={"cohesion": st.column_config.NumberColumn(format="%.2f",
                                help="Mean Agreement Index of the bloc's members (1 = always voted alike)."),
                                "mean agreement": st.column_config.NumberColumn(format="%.2f")})
    controls.csv_download(members, f"blocs-{view.period_slug}")

    st.subheader("Who changed bloc since the previous period")
    with st.spinner("Comparing with the previous period…"):
        context_frames = data.bloc_context(chosen)
    changes = context_frames["changes"]
    if changes.empty:
        st.caption("No earlier period of the same length to compare with, or no state changed bloc.")
    else:
        shown = changes.assign(
            country=[names.get(code, code) for code in changes["country_code"]],
            before=[f"{b + 1}. {n}" for b, n in zip(changes["bloc_before"], changes["bloc_name_before"])],
            after=[f"{b + 1}. {n}" for b, n in zip(changes["bloc_after"], changes["bloc_name_after"])],
        )[["country", "country_code", "before", "after"]]
        earlier = earlier_period(view, catalog)
        if earlier is not None:
            st.caption(f"Compared with {earlier.period_label}.")
        st.dataframe(shown, hide_index=True, width="stretch")
        controls.csv_download(shown, f"bloc-changes-{view.period_slug}")

    st.subheader("How the blocs overlap the named groups")
    overlap = context_frames["overlap"]
    if overlap.empty:
        st.caption("No named group had members among the states clustered.")
    else:
        table = overlap.pivot_table(index="group_name", columns="bloc", values="share_of_group", aggfunc="first")
        labels = {b: f"{b + 1}. {blocs.loc[blocs['bloc'] == b, 'bloc_name'].iloc[0]}" for b in table.columns}
        table.columns = [labels[b] for b in table.columns]
        st.caption("Share of each group's members (on the last day of the period) that fall in each bloc.")
        st.dataframe(table.reset_index().rename(columns={"group_name": "group"}), hide_index=True, width="stretch",
                     column_config={label: st.column_config.ProgressColumn(label, format="percent", min_value=0,
                                                                           max_value=1) for label in labels.values()})
        controls.csv_download(overlap, f"bloc-group-overlap-{view.period_slug}")


def _members_table(blocs: pd.DataFrame, cohesion: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """One row per bloc: bloc, name, size, cohesion, mean agreement, members (most central first)."""
    members = blocs.groupby("bloc", sort=True)["country_code"].apply(lambda codes: ", ".join(names.get(c, c) for c in codes))
    table = cohesion.assign(members=cohesion["bloc"].map(members))
    table["bloc"] = table["bloc"] + 1
    return table.rename(columns={"bloc_name": "name", "mean_agreement": "mean agreement"})[
        ["bloc", "name", "size", "cohesion", "mean agreement", "members"]]


def _group_members(group: str, date: str) -> list[str]:
    from analysis import groups

    try:
        return groups.group_members(group, date)
    except ValueError:
        return []
