"""The Blocs page: who votes with whom in a period and topic — a world map coloured by bloc, the
2-D alignment map, each bloc's members and cohesion, what changed since the previous period, and
how the blocs overlap the named groups (EU, ASEAN, G77...)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import explain
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
    st.caption(f"{topic.capitalize()} · measure: {MEASURES[view.measure]} · "
               + ("former states (USSR, Yugoslavia…) counted with today's" if view.successors == "merge"
                  else "former states (USSR, Yugoslavia…) counted on their own")
               + " · " + ("a state present but not voting counts as abstaining" if view.nonvoting == "abstain"
                          else "a state present but not voting is left out"))
    _cold_war_advice(view)

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
    header.caption(f"Each state is coloured by its bloc: states of one colour voted most alike on the "
                   f"{plural(matrix.shape[1], 'recorded vote')} of {view.period_label}; grey states have no "
                   "recorded vote here or too few to place.")
    controls.html_download(world, f"bloc-map-{view.period_slug}",
                           f"Voting blocs {view.period_label} ({topic})")

    left, right = st.columns([1, 1])
    with left:
        st.subheader("Alignment map")
        points = result["map"].merge(blocs[["country_code", "bloc", "bloc_name"]], on="country_code")
        axes = data.map_axes(chosen)
        x_label = explain.axis_label(axes, "x", "right", "left")
        y_label = explain.axis_label(axes, "y", "top", "bottom")
        scatter = charts.alignment_scatter(points, names, highlight, x_title=_axis_title(axes, "x", "←", "→"),
                                           y_title=_axis_title(axes, "y", "↓", "↑"))
        st.plotly_chart(scatter, config=charts.PLOTLY_CONFIG, key="alignment_map")
        share = result["map"].attrs.get("explained", [0, 0])
        st.caption(f"Each dot is a state; the closer two dots, the more alike they voted. Left to right: "
                   f"{x_label[0].lower() + x_label[1:]} Bottom to top: {y_label[0].lower() + y_label[1:]} "
                   "(Classical multidimensional scaling of the agreement; the two directions show "
                   f"{share[0]:.0%} and {share[1]:.0%} of the differences between states.)")
        with st.expander("The votes behind each direction"):
            _axis_table(axes)
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
    st.caption("One row per bloc. The name gives the named groups a bloc holds most of and its best-known "
               "members; 'most central' are the members that voted most like the rest of their bloc. "
               "Cohesion 1 means the bloc always voted as one, 0 that it split evenly three ways.")
    st.dataframe(members, hide_index=True, width="stretch",
                 column_config={"cohesion": st.column_config.NumberColumn(format="%.2f",
                                help="Mean Agreement Index of the bloc's members (1 = always voted alike)."),
                                "mean agreement": st.column_config.NumberColumn(format="%.2f",
                                help="Average share of votes on which two members of the bloc voted alike."),
                                "name": st.column_config.TextColumn(width="large"),
                                "most central": st.column_config.TextColumn(
                                    help="The three members with the highest mean agreement with the rest of the bloc.")})
    controls.csv_download(members, f"blocs-{view.period_slug}")

    _what_divides(view, chosen, blocs)

    from views import certainty  # issue 12: each state's confidence, the states on the edge, other measures
    certainty.blocs_section(context, view, blocs, names)

    st.subheader("Who changed bloc since the previous period")
    with st.spinner("Comparing with the previous period…"):
        context_frames = data.bloc_context(chosen)
    changes = context_frames["changes"]
    earlier = earlier_period(view, catalog)
    if context_frames["compared"].empty or earlier is None:
        st.caption("There is no earlier period of the same length with enough votes to compare with.")
    else:
        earlier_k = int(context_frames["compared"]["k"].iloc[0])
        compared = (f"Compared with {earlier.period_label}, cut into {plural(earlier_k, 'bloc')}"
                    + (" like this period" if earlier_k == k else "") + " so the two can be matched bloc by bloc "
                    "(on its own the silhouette might choose another number there); a bloc keeps its number and "
                    "colour when most of its members stay.")
        if changes.empty:
            st.caption(f"No state changed bloc. {compared}")
        else:
            shown = pd.DataFrame({
                "state": [names.get(code, code) for code in changes["country_code"]],
                f"bloc in {earlier.period_label}": [short_bloc_label(b, n) for b, n in
                                                    zip(changes["bloc_before"], changes["bloc_name_before"])],
                f"bloc in {view.period_label}": [short_bloc_label(b, n) for b, n in
                                                 zip(changes["bloc_after"], changes["bloc_name_after"])],
            })
            st.caption(f"{plural(len(shown), 'state')} changed bloc. {compared}")
            st.dataframe(shown, hide_index=True, width="stretch")
            controls.csv_download(changes.assign(state=shown["state"]), f"bloc-changes-{view.period_slug}")

    st.subheader("How the blocs overlap the named groups")
    overlap = context_frames["overlap"]
    if overlap.empty:
        st.caption("No named group had members among the states clustered.")
    else:
        table = overlap.pivot_table(index="group_name", columns="bloc", values="share_of_group", aggfunc="first")
        labels = {b: short_bloc_label(b, blocs.loc[blocs['bloc'] == b, 'bloc_name'].iloc[0]) for b in table.columns}
        table.columns = [labels[b] for b in table.columns]
        st.caption("Share of each group's members (on the last day of the period) that fall in each bloc: "
                   "a full bar means the whole group voted in that bloc.")
        st.dataframe(table.reset_index().rename(columns={"group_name": "group"}), hide_index=True, width="stretch",
                     column_config={label: st.column_config.ProgressColumn(label, format="percent", min_value=0,
                                                                           max_value=1) for label in labels.values()})
        controls.csv_download(overlap, f"bloc-group-overlap-{view.period_slug}")


def _members_table(blocs: pd.DataFrame, cohesion: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """One row per bloc: bloc, name, size, cohesion, mean agreement, most central, members (most central first)."""
    members = blocs.groupby("bloc", sort=True)["country_code"].apply(lambda codes: ", ".join(names.get(c, c) for c in codes))
    central = blocs.drop_duplicates("bloc").set_index("bloc")["central_members"]
    table = cohesion.assign(members=cohesion["bloc"].map(members), central=cohesion["bloc"].map(central))
    table["bloc"] = table["bloc"] + 1
    return table.rename(columns={"bloc_name": "name", "mean_agreement": "mean agreement", "central": "most central"})[
        ["bloc", "name", "size", "cohesion", "mean agreement", "most central", "members"]]


def _group_members(group: str, date: str) -> list[str]:
    from analysis import groups

    try:
        return groups.group_members(group, date)
    except ValueError:
        return []


def plural(count: int, noun: str) -> str:
    """"1 vote", "2 votes", "1,426 votes"."""
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def long_date(day) -> str:
    """"4 June 2026" (no leading zero, the month in words)."""
    day = pd.Timestamp(day)
    return f"{day.day} {day:%B %Y}"


def _cold_war_advice(view) -> None:
    """During the Cold War only a chance-corrected measure sets the Soviet bloc apart from the
    non-aligned majority (benchmarks/bloc_defaults.py; About page): say so, with a link."""
    if view.end_year > 1991 or view.measure in ("kappa", "pi"):
        return
    target = controls.link("blocs", **view.period_params, topic=view.topic if view.topic != "all" else "",
                           measure="kappa", k=view.k if view.k != "auto" else "")
    st.info(f"Before 1992 most states voted Yes on most resolutions, so by {MEASURES[view.measure]} the "
            "Soviet bloc and the non-aligned majority look alike. Cohen's kappa discounts that shared Yes and sets "
            f"the Western, Soviet and non-aligned blocs apart: [show the blocs by Cohen's kappa]({target}).",
            icon=":material/lightbulb:")


def _axis_title(axes: pd.DataFrame, axis: str, low: str, high: str) -> str:
    """An axis title in words: which side voted Yes on the topic most tied to it."""
    rows = axes[axes["axis"] == axis]
    if rows.empty:
        return "second dimension" if axis == "y" else "first dimension"
    labelled = [topic for topic in rows["topic"] if topic]
    topic = pd.Series(labelled).value_counts().index[0].lower().replace("palestinian", "Palestinian") if labelled else "these votes"
    yes_high = (rows["correlation"] > 0).sum() >= len(rows) / 2
    return f"{low} Yes on {topic} · No {high}" if not yes_high else f"{low} No on {topic} · Yes {high}"


def _axis_table(axes: pd.DataFrame) -> None:
    """The votes most tied to each direction of the alignment map, with links."""
    if axes.empty:
        st.caption("No vote had enough voters to read the directions from.")
        return
    st.caption("The votes whose Yes and No line up best with each direction: the tie is the correlation between "
               "a state's vote (Yes +1, Abstain 0, No −1) and its place along the direction (±1 would mean the vote "
               "splits the map exactly along it; + means the right or top voted Yes). Each question once.")
    for axis, direction in (("x", "Left ↔ right"), ("y", "Bottom ↔ top")):
        rows = axes[axes["axis"] == axis]
        st.markdown(f"**{direction}**")
        st.markdown("\n".join(
            f"{i}. {_vote_link(symbol, title, 1)}  \n"
            f"   {' · '.join(part for part in (long_date(date), topic) if part)} — tie {correlation:+.2f}"
            for i, (symbol, title, date, topic, correlation) in enumerate(zip(
                rows["symbol"], rows["title"], rows["date"], rows["topic"], rows["correlation"]), start=1)))


def _what_divides(view, chosen: data.Selection, blocs: pd.DataFrame) -> None:
    """The votes that split a chosen pair of blocs (or one bloc from all the others) most."""
    st.subheader("What divides the blocs")
    names = blocs.drop_duplicates("bloc").set_index("bloc")["bloc_name"].to_dict()
    pairs = explain.bloc_pairs(blocs)
    if not pairs:
        st.caption("There is only one bloc here: nothing divides it from another.")
        return

    def label(pair: tuple[int, int]) -> str:
        first, second = pair
        other = "all the other blocs" if second == explain.REST else short_bloc_label(second, names[second])
        return f"{short_bloc_label(first, names[first])}  ↔  {other}"

    if st.session_state.get("blocs_divide_pair") not in pairs:  # the blocs changed: start from the first pair
        st.session_state.pop("blocs_divide_pair", None)
    pair = st.selectbox("Compare", pairs, format_func=label, key="blocs_divide_pair")
    rows = data.bloc_divides(chosen, *pair)
    if rows.empty:
        st.caption("No vote had enough members of both sides voting to compare them.")
        return
    first_label = f"bloc {pair[0] + 1}:"
    second_label = "the others:" if pair[1] == explain.REST else f"bloc {pair[1] + 1}:"
    st.caption("The votes on which the two sides voted most differently. 'Split' is the share of members that "
               "would have to change their vote for the two sides to vote alike (1 = every member of one side "
               "voted one way, every member of the other another). A question the Assembly votes on every year "
               "is listed once, with how many times it was voted on in the period.")
    st.markdown("\n".join(
        f"{i}. {_vote_link(symbol, title, times)}  \n"
        f"   {' · '.join(part for part in (long_date(date), topic) if part)} — **{first_label}** {first}; "
        f"**{second_label}** {second}; split {split:.2f}"
        for i, (symbol, title, times, date, topic, first, second, split) in enumerate(zip(
            rows["symbol"], rows["title"], rows["times"], rows["date"], rows["topic"], rows["vote_first"],
            rows["vote_second"], rows["split"]), start=1)))
    controls.csv_download(rows, f"bloc-divides-{view.period_slug}-{pair[0] + 1}-"
                                f"{'rest' if pair[1] == explain.REST else pair[1] + 1}")


def _vote_link(symbol: str, title: str, times: int) -> str:
    """The vote's title linked to its page in the dashboard, with its symbol and how often it recurs.
    (A list of links rather than a grid: it wraps on a phone, and the Tab key reaches every link.)"""
    text = title.replace("[", "(").replace("]", ")") or symbol
    again = f", voted on {times} times" if times > 1 else ""
    return f"[{text}]({controls.link('resolutions', vote=symbol)}) ({symbol}{again})"


def short_bloc_label(bloc: int, name: str) -> str:
    """"1. NATO and EU" — a bloc's number and the groups it holds (its members when it holds none),
    for tables where the full name would repeat on every row."""
    return f"{int(bloc) + 1}. {name.split(': ')[0]}"
