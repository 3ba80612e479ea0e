"""Co-sponsorship on the pages: a section on the Countries page (the state's top co-sponsors, the drafts
it sponsored and then did not vote Yes on, its co-sponsorship bloc beside its vote bloc) and the
sponsor list on each vote's page. From the UN's extracts, session 74 (2019) on."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from views import controls, data

FIRST_SESSION = 74  # the UN's extracts list sponsors from the 74th session (2019) on


@st.cache_data(show_spinner=False, max_entries=2)
def sponsor_table(db: str, version: str) -> pd.DataFrame:
    """`analysis.sponsors.sponsor_table` of every roll call in the store that lists sponsors."""
    from analysis.sponsors import sponsor_table as build

    return build(data.load_roll_calls(db, version))


@st.cache_data(show_spinner=False, max_entries=2)
def blocs_compared(db: str, version: str) -> pd.DataFrame:
    """Co-sponsorship blocs (sessions 74 on) beside the vote blocs of the same resolutions, as many of each."""
    from analysis.agreement import agreement_matrix
    from analysis.blocs import cluster_countries
    from analysis.matrix import vote_matrix
    from analysis.sponsors import compare_with_vote_blocs, sponsorship_blocs

    table = sponsor_table(db, version)
    names = data.short_names(db, version)
    communities = sponsorship_blocs(table, names=names)
    matrix = vote_matrix(data.load_votes(db, version), roll_call_ids=table["roll_call_id"].unique().tolist())
    vote_blocs = cluster_countries(agreement_matrix(matrix), int(communities.attrs["k"]), names=names)
    return compare_with_vote_blocs(communities, vote_blocs)


def country_section(context, country: str, names: dict[str, str]) -> None:
    """The Countries page's co-sponsorship section for `country`."""
    from analysis.sponsors import sponsored_not_yes, top_co_sponsors

    name = names.get(country, country)
    st.subheader(f"Who {name} writes resolutions with")
    table = sponsor_table(context.db, context.version)
    if table.empty:
        st.caption("The store holds no sponsor lists (they come from the UN's extracts, session 74 on).")
        return
    mine = table[table["country_code"] == country]
    drafts = mine["roll_call_id"].nunique()
    st.caption(f"States that put their name on a draft resolution are its **sponsors**. From the UN's own lists "
               f"(sessions {FIRST_SESSION} on, {table['date'].min():%Y}–{table['date'].max():%Y}), for resolutions that "
               f"went to a recorded vote: {name} sponsored **{drafts}** of "
               f"{table['roll_call_id'].nunique()}.")
    if drafts == 0:
        return
    left, right = st.columns(2)
    partners = top_co_sponsors(table, country, 10)
    left.markdown("**Most frequent co-sponsors**")
    left.dataframe(pd.DataFrame({
        "rank": partners["rank"], "state": [names.get(c, c) for c in partners["partner_code"]],
        "drafts together": partners["together"], f"share of {name}'s": partners["share"]}),
        hide_index=True, width="stretch", height=280, column_config={
            f"share of {name}'s": st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1,
                                                                  help="Share of this state's drafts the partner also sponsored")})
    votes = data.load_votes(context.db, context.version)
    not_yes = sponsored_not_yes(mine, votes)
    words = {"N": "voted No", "A": "abstained", "X": "did not vote", "": "was absent"}
    right.markdown(f"**Sponsored, then did not vote Yes** ({len(not_yes)})")
    if not_yes.empty:
        right.caption(f"{name} voted Yes on every resolution it sponsored.")
    else:
        right.dataframe(pd.DataFrame({
            "date": not_yes["date"].dt.strftime("%Y-%m-%d"),
            "vote": [controls.link("resolutions", vote=s) for s in not_yes["symbol"]],
            "what it did": [words.get(v, v) for v in not_yes["vote"]]}),
            hide_index=True, width="stretch", height=280,
            column_config={"vote": st.column_config.LinkColumn("resolution", display_text=r"vote=([^&]+)")})
    with st.spinner("Comparing co-sponsorship blocs with vote blocs…"):
        compared = blocs_compared(context.db, context.version)
    row = compared[compared["country_code"] == country]
    if len(row):
        row = row.iloc[0]
        verdict = "the same company" if row["same"] else "different company"
        st.caption(f"**Blocs:** by co-sponsorship {name} sits with *{row['sponsor_bloc_name']}*; by votes on the same "
                   f"resolutions with *{row['vote_bloc_name']}* — {verdict}. Across all states the two groupings agree "
                   f"for {compared.attrs['agreeing']:.0%} of states (adjusted Rand index {compared.attrs['adjusted_rand']:.2f}; "
                   "1 = the same blocs, 0 = no more alike than chance).")
    controls.csv_download(partners.assign(country_code=country), f"co-sponsors-{country}")


def vote_sponsors(context, symbol: str, names: dict[str, str]) -> None:
    """The sponsor list of one vote (under its member votes on the Resolutions page): the states named
    on the draft, then those that joined later, apart."""
    table = sponsor_table(context.db, context.version)
    mine = table[table["symbol"] == symbol]
    if mine.empty:
        return
    states = mine[mine["country_code"] != ""]
    st.subheader(f"Sponsors ({len(states)})")
    groups = {group for group in mine["on_behalf_of"] if group}
    # A store saved before the two lists were kept apart holds every sponsor as "main": no draft in it
    # has a latecomer, so one list is all it can honestly show.
    split = bool((table["role"] == "additional").any())
    if not split:
        st.markdown(_sponsor_names(states, names) or "—")
        st.caption("The countries that put their name on the draft resolution to back it, as the UN's extract "
                   "lists them" + (" (a country tabling a draft for a group is listed once, with the group)." if groups else "."))
    else:
        st.caption("Sponsors are the countries that put their name on a draft resolution to back it. Some signed it "
                   "before it was handed in; others added their name after it was published."
                   + (" A country that tabled the draft for a group is shown with the group." if groups else ""))
        main, later = states[states["role"] == "main"], states[states["role"] == "additional"]
        st.markdown(f"**Sponsors (on the draft)** ({len(main)}): the countries named on the draft when it was "
                    f"handed in. {_sponsor_names(main, names) or 'None.'}")
        if later.empty:
            st.markdown("**Joined later** (0): no other country added its name.")
        else:
            st.markdown(f"**Joined later** ({len(later)}): countries that added their name after the draft was "
                        f"published. {_sponsor_names(later, names)}")
    if (mine["kind"] == "body").any():
        st.caption("Submitted by an officer of the Assembly or a committee.")


def _sponsor_names(states: pd.DataFrame, names: dict[str, str]) -> str:
    """The states' names, comma-separated, each with "(observer)" or its group where it has one."""
    parts = []
    for code, group, kind in zip(states["country_code"], states["on_behalf_of"], states["kind"]):
        label = names.get(code, code) + (" (observer)" if kind == "observer" else "")
        parts.append(f"{label} ({group.lower()})" if group else label)
    return ", ".join(parts).replace("[", "(").replace("]", ")")
