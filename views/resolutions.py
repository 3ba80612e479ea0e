"""The Resolutions page: find votes by symbol, words of the title, topic and year; open one to see
its title, date, tallies, a world map of how each state voted, the list by vote and the lone
dissenters."""
from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from scraper.symbols import normalise_symbol
from views import charts, controls, data, fidelity, state
from views.controls import Context
from views.vote_labels import short_title

MAX_RESULTS = 300


def render(context: Context) -> None:
    """Draw the search, and the vote named in the URL (`vote=`) if there is one.

    A search that names one vote by its symbol (any spelling: `75/287`, `a/res/75/287`) opens that
    vote instead of listing it alone; the vote is drawn above the search, in `top`.
    """
    roll_calls = data.load_roll_calls(context.db, context.version)
    top = st.container()
    st.header("Find a vote")
    query = controls.text("Symbol or words of the title", "query", placeholder="75/287, A/RES/ES-11/1, or: Myanmar",
                          help="A symbol, in any spelling (75/287, A/RES/75/287, a/res/75/250 B, ES-11/1, 1514 (XV)), "
                               "or words that all appear in the title or agenda item. A symbol is looked for in "
                               "every year, whatever the period chosen.")
    view = controls.view()
    found = search(roll_calls, fidelity.symbol_query(context.db, context.version, query), view.start_date, view.end_date,
                   data.topic_roll_call_ids(context.db, context.version, view.topic))
    # A symbol typed in the box opens its vote; a link that names both a vote and a search (as the
    # search's own result links do) opens the vote it names until the box is changed.
    previous_query = st.session_state.get("_resolutions_query")
    st.session_state["_resolutions_query"] = query
    typed_now = previous_query is not None and previous_query != query
    opened_by_search = (symbol_query(query) is not None and len(found) == 1
                        and (not view.vote or typed_now))
    if opened_by_search:
        controls.update(vote=str(found["symbol"].iloc[0]))

    with top:
        view = controls.view()
        shown = False
        if view.vote:
            symbol = normalise_symbol(view.vote)
            if not (roll_calls["symbol"] == symbol).any():  # an old spelling, or a record merged into a vote
                symbol = fidelity.vote_symbol(context.db, context.version, view.vote) or symbol
            match = roll_calls[roll_calls["symbol"] == symbol]
            if match.empty:
                st.warning(f"No recorded vote {state.quoted(view.vote, 40)} in the store; search for it below.",
                           icon=":material/link_off:")
                controls.update(vote="")
            else:
                if symbol != view.vote:
                    controls.update(vote=symbol)
                _show_vote(context, match.iloc[0])
                st.divider()
                shown = True
        if not shown:
            st.title("Resolutions")

    if opened_by_search:
        st.caption(f"{state.quoted(query, 60)} is {found['symbol'].iloc[0]}, opened above.")
        return
    if symbol_query(query) is not None:
        where = "in any year"
    else:
        topic = "all topics" if view.topic == "all" else context.catalog.topics[view.topic].lower()
        where = f"in {view.period_label}, {topic}"
    st.caption(f"{len(found):,} " + ("vote" if len(found) == 1 else "votes") + f" {where}"
               + (f", matching {state.quoted(query, 60)}" if query else "")
               + (f"; the latest {MAX_RESULTS} shown." if len(found) > MAX_RESULTS else "."))
    shown_rows = found.head(MAX_RESULTS)
    table = pd.DataFrame({
        "date": shown_rows["date"].dt.date,
        "vote": [controls.link("resolutions", vote=s, q=query) for s in shown_rows["symbol"]],
        "title": shown_rows["title"].map(short_title),
        "yes": shown_rows["yes"], "no": shown_rows["no"], "abstain": shown_rows["abstain"],
    })
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        "vote": st.column_config.LinkColumn("vote", display_text=r"vote=([^&]+)", help="Open this vote"),
        "title": st.column_config.TextColumn(width="large"),
    })
    controls.csv_download(shown_rows[["symbol", "date", "session", "title", "yes", "no", "abstain", "non_voting",
                                      "members"]], "votes-found")


# A resolution or decision symbol as people type it: with or without "A/RES/", any case, spaces
# around the slashes, a part letter after a space or in brackets; `ES-11/1` or `ES 11/1`; and the
# pre-1976 form with the session in Roman numerals, `1514 (XV)`.
_SYMBOL_QUERY = re.compile(r"""
    ^(?:A\s*[/.]?\s*(?P<kind>RES|DEC)\s*[/.]?\s*|RES\s*[/.]?\s*)?
    (?:
        (?P<session>(?:E?S\s*-?\s*)?\d{1,3})\s*/\s*(?P<number>\d{1,4})\s*(?P<part>\[[^\]]{1,20}\]|[A-Z](?:\s*-\s*[A-Z])?)?
      | (?P<old>\d{1,4})\s*\(\s*(?P<old_session>[A-Z0-9\s-]{1,12}?)\s*\)\s*(?P<old_part>(?:\[[^\]]{1,20}\])*)
    )$""", re.IGNORECASE | re.VERBOSE)


def symbol_query(query: str) -> str | None:
    """The symbol a search names, in the store's spelling (`75/287` → `A/RES/75/287`,
    `es 11/1` → `A/RES/ES-11/1`, `1514 (xv)` → `A/RES/1514(XV)`); None when it is not a symbol."""
    match = _SYMBOL_QUERY.match(query.strip())
    if not match:
        return None
    kind = (match["kind"] or "RES").upper()
    if match["old"]:
        session = re.sub(r"\s+", "", match["old_session"]).upper()
        part = re.sub(r"\s+", "", match["old_part"]).upper()
        return f"A/{kind}/{match['old']}({session}){part}"
    session = re.sub(r"[\s-]+", "", match["session"]).upper()
    session = re.sub(r"^(E?S)(\d)", r"\1-\2", session)
    part = re.sub(r"\s+", "", match["part"] or "").upper()
    return normalise_symbol(f"A/{kind}/{session}/{match['number']}{part}")


def search(roll_calls: pd.DataFrame, query: str, start: str, end: str, roll_call_ids: list[int] | None) -> pd.DataFrame:
    """The recorded votes that match `query`: one row per roll call, newest first.

    A query that reads as a symbol (`symbol_query`) matches that symbol and its parts (75/250 finds
    A/RES/75/250A and 250B, never 75/2500) in every year and topic: whoever types a symbol wants
    that vote. Otherwise the votes in [start, end] (and among `roll_call_ids` if given) whose title
    or agenda contains every word, case-insensitively.
    """
    text = query.strip()
    symbol = symbol_query(text) if text else None
    if symbol is not None:
        names = roll_calls["symbol"].astype(str)
        after = names.str.slice(len(symbol), len(symbol) + 1)
        rows = roll_calls[names.str.startswith(symbol) & ~after.str.match(r"[0-9]")]
        return rows.sort_values(["date", "roll_call_id"], ascending=False, kind="stable")
    rows = roll_calls[(roll_calls["date"] >= pd.Timestamp(start)) & (roll_calls["date"] <= pd.Timestamp(end))]
    if roll_call_ids is not None:
        rows = rows[rows["roll_call_id"].isin(roll_call_ids)]
    if text:
        haystack = (rows["title"].fillna("") + " " + rows["agenda"].fillna("")).str.lower()
        for word in text.lower().split():
            rows = rows[haystack.loc[rows.index].str.contains(word, regex=False)]
    return rows.sort_values(["date", "roll_call_id"], ascending=False, kind="stable")


def lone_dissenters(member_votes: pd.DataFrame, max_dissenters: int = 3, min_majority: float = 0.9) -> pd.DataFrame:
    """The states that voted against a near-unanimous majority on one vote (as `analysis.outliers` defines it).

    `member_votes` is one row per member (country_code, vote). One row per dissenting state:
    country_code, vote. Empty when the majority of votes cast (Y/N/A) is below `min_majority` or
    more than `max_dissenters` states dissent.
    """
    from analysis import outliers

    frame = member_votes.assign(roll_call_id=0, symbol="", date=pd.Timestamp("2000-01-01"), session="")
    found = outliers.find_lone_dissenters(frame, max_dissenters=max_dissenters, min_majority=min_majority)
    return found[["country_code", "vote"]].reset_index(drop=True)


def _few_against(members: pd.DataFrame, names: dict[str, str]) -> None:
    """One to three states against, but not a lone dissent (many abstained): say who, and why the rule
    does not call it one. A/RES/75/287: Belarus the only state against, 36 abstaining."""
    from analysis.outliers import MAX_DISSENTERS, MIN_MAJORITY

    against = members[members["vote"] == "N"]
    cast = int(members["vote"].isin(["Y", "N", "A"]).sum())
    if not 1 <= len(against) <= MAX_DISSENTERS or cast == 0:
        return
    listed = ", ".join(sorted(names.get(c, c) for c in against["country_code"]))
    share = (members["vote"] == "Y").sum() / cast
    who = "was the only state" if len(against) == 1 else "were the only states"
    st.info(f"**{listed}** {who} to vote against. This is not counted as a lone dissent: with "
            f"{int((members['vote'] == 'A').sum())} abstaining, the Yes side cast {share:.0%} of all Yes, No and "
            f"Abstain votes, and a lone dissent needs a side with at least {MIN_MAJORITY * 100:g} %.", icon=":material/person_alert:")


def _show_vote(context: Context, roll_call: pd.Series) -> None:
    names = data.short_names(context.db, context.version)
    symbol = str(roll_call["symbol"])
    st.title(symbol)
    st.markdown(f"**{short_title(roll_call['title'])}**")
    meta = [f"Adopted {roll_call['date'].day} {roll_call['date']:%B %Y}", f"session {roll_call['session']}"]
    if roll_call.get("meeting"):
        meta.append(f"meeting {roll_call['meeting']}")
    if pd.notna(roll_call.get("undl_id")):
        meta.append(f"[UN Digital Library record {int(roll_call['undl_id'])}]"
                    f"(https://digitallibrary.un.org/record/{int(roll_call['undl_id'])})")
    st.caption(" · ".join(meta))
    columns = st.columns(5)
    for column, (label, field) in zip(columns, (("Yes", "yes"), ("No", "no"), ("Abstentions", "abstain"),
                                                ("Non-voting", "non_voting"), ("Members", "members"))):
        value = roll_call.get(field)
        column.metric(label, "—" if pd.isna(value) else f"{int(value)}")
    if isinstance(roll_call.get("flag"), str) and roll_call["flag"]:
        st.warning(f"This record is flagged: {roll_call['flag']}", icon=":material/flag:")

    members = data.load_member_votes(context.db, context.version, symbol)
    fidelity.show_merged_records(context.db, context.version, symbol)
    fidelity.show_representation_notes(members["country_code"], roll_call["date"], names)
    if members.empty:
        st.info("The source gives the tallies only, not how each state voted.")
        return
    alone = lone_dissenters(members)
    if not alone.empty:
        words = {"Y": "in favour", "N": "against", "A": "abstaining"}
        listed = ", ".join(names.get(c, c) for c in alone["country_code"])
        how = words.get(str(alone["vote"].iloc[0]), "")
        st.success(f"**Lone dissent:** {listed} {'alone ' if len(alone) == 1 else ''}{how}.", icon=":material/person_alert:")
    else:
        _few_against(members, names)

    figure = charts.vote_world_map(members, names, data.load_successions(context.db, context.version))
    st.plotly_chart(figure, config=charts.PLOTLY_CONFIG, key="vote_map")
    st.caption(f"How each member state voted on {symbol}, one colour per vote; grey: not a member that day, "
               "or no recorded vote.")
    safe = re.sub(r"[^A-Za-z0-9]+", "-", symbol).strip("-")
    controls.html_download(figure, f"vote-map-{safe}", f"{symbol}: how each state voted")

    st.subheader("How each state voted")
    listing = members.assign(state=[names.get(c, c) for c in members["country_code"]])
    columns = st.columns(4)
    for column, (letter, label) in zip(columns, charts.VOTE_LABELS.items()):
        part = listing[listing["vote"] == letter].sort_values("state")
        column.markdown(f"**{label} ({len(part)})**")
        column.dataframe(part[["state", "country_code"]], hide_index=True, width="stretch", height=300,
                         column_config={"country_code": st.column_config.TextColumn("code", width="small")})
    controls.csv_download(members, f"member-votes-{safe}")

    from views import sponsorship  # issue 12: who sponsored the draft
    sponsorship.vote_sponsors(context, symbol, names)
