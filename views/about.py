"""The About page: what the store covers, where the data comes from (with citation and the UN's
terms), when it was last updated, where the sources disagree, and how each measure is defined."""
from __future__ import annotations

from pathlib import PurePath

import pandas as pd
import streamlit as st

from views import controls, data, fidelity
from views.controls import Context

SOURCES = """
**UN Digital Library — "United Nations General Assembly Voting Data"** (Dag Hammarskjöld Library,
record 4060887): one row per member state per resolution adopted by a recorded vote, 1946 on, and
the Library's voting-record pages. *Cite as:* United Nations Dag Hammarskjöld Library, *General
Assembly Voting Data*, version and download date. *Terms:* © United Nations; non-commercial use,
with attribution. The Library asks for its approval before automated downloads; this project
fetches from it only when a user opts in (`python -m scraper sync --undl`).

**UN per-session extracts of General Assembly resolutions** (UNxml/GAresolutions, United Nations,
DGACM), sessions 74 on: titles, tallies, the states in favour, against and abstaining, sponsors,
subjects. They list no non-voting states, which the store fills in from membership dates. *Terms:*
acknowledge the United Nations as the source; given as is.

**The open data package** in the project's `data/package` folder holds this whole record as
Parquet tables with a `datapackage.json` (Frictionless Data) saying what each column means; a new
server builds its store from it in seconds. Acknowledgement, as the Library asks: © United
Nations, with the year and download date in `datapackage.json`, https://digitallibrary.un.org.

**Issue codes 1946–2019** (Erik Voeten, *United Nations General Assembly Voting Data*, Harvard
Dataverse, CC0; as packaged in the R package `unvotes`, MIT): the six issue areas used as topics,
and the labels the topic classifier learnt from.
"""

MEASURES = r"""
Two states are compared on the recorded votes both cast (Yes, No or Abstain). A member present
but not voting is **left out** by default (option: count it as an abstention); a state that was not
a member is always left out. A pair is compared only on at least 20 shared votes.

| measure | definition | range |
|---|---|---|
| Exact agreement | share of shared votes cast alike | 0 … 1 |
| Voeten's agreement | Yes = 1, Abstain = 2, No = 3; mean of 1 − \|a − b\| / 2 (an abstention half agrees) | 0 … 1 |
| S-score (Signorino–Ritter) | 1 − 2·Σ\|a − b\| / (n·2): Voeten's score rescaled, 2·voeten − 1 | −1 … 1 |
| Cohen's kappa | (p₀ − pₑ) / (1 − pₑ), pₑ from each state's own vote shares: agreement beyond chance | −1 … 1 |
| Scott's pi | as kappa, pₑ from the two states' pooled shares | −1 … 1 |

The Assembly passes most resolutions by large Yes majorities, so raw agreement is high for almost
every pair; kappa and pi count only the agreement that the states' vote shares do not already
predict. **Blocs** are found by hierarchical clustering on 1 − agreement (the number of blocs chosen
by the best silhouette unless fixed), named after the groups they hold most of and their best-known
members (the most central members are listed too), and matched to the
previous period's so a bloc keeps its colour. **Cohesion** is the mean Agreement Index of Hix, Noury
and Roland: (max(Y, N, A) − ½·(total − max)) / total over the bloc's members voting. The **alignment
map** is a classical multidimensional scaling of 1 − agreement (United States on the right).
**Ideal points** come from an ordered (Yes > Abstain > No) item-response model, one point per state
per year, bridged across years by resolutions the Assembly repeats (after Bailey, Strezhnev and
Voeten 2017). A **lone dissenter** is one of at most three states voting against a side that cast
at least 90 % of all Yes, No and Abstain votes (abstentions count in the total).
"""

BLOC_DEFAULTS = """
During the Cold War most states voted Yes on most resolutions, so by exact agreement the Soviet bloc
and the non-aligned majority look alike: for 1980–1989 they never separate into blocs of their own
(asked for 3 or 4 blocs, the West splits in two and Latin America breaks away instead). Cohen's kappa counts only the agreement that each
state's own habit of voting Yes does not already explain, and then the Western, Soviet and
non-aligned blocs come apart. After 1991 exact agreement shows today's split (the West, the rest,
often the United States and Israel on their own), while kappa sometimes files the United States
with the majority. So a link to a period that ends by 1991 and names no measure opens with Cohen's
kappa; every other period opens with exact agreement, and the Blocs page offers kappa whenever a
Cold War period is shown by another measure. The evidence, decade by decade for all five measures,
is printed by `python benchmarks/bloc_defaults.py`: the camps a historian expects are apart in 7 of
8 decades with this rule, against 5 with exact agreement alone and 6 with kappa alone.
"""


def render(context: Context) -> None:
    """Draw the About page."""
    roll_calls = data.load_roll_calls(context.db, context.version)
    votes = data.load_votes(context.db, context.version)
    sources = data.load_sources(context.db, context.version)
    st.title("About the data")

    st.header("Coverage")
    columns = st.columns(4)
    columns[0].metric("Recorded votes", f"{len(roll_calls):,}")
    columns[1].metric("Member votes", f"{len(votes):,}")
    columns[2].metric("States", f"{votes['country_code'].nunique():,}")
    columns[3].metric("Sessions", f"{roll_calls['session'].nunique():,}")
    st.markdown(f"From **{roll_calls['date'].min().day} {roll_calls['date'].min():%B %Y}** to **{roll_calls['date'].max().day} {roll_calls['date'].max():%B %Y}**. "
                "Only resolutions adopted by a recorded vote are here: most resolutions are adopted without a vote.")
    per_year = roll_calls.groupby(roll_calls["date"].dt.year).size().rename("votes").reset_index()
    per_year.columns = ["year", "votes"]
    st.bar_chart(per_year, x="year", y="votes", height=180)
    by_source = roll_calls.groupby("source").size().rename("votes").reset_index()
    st.caption("Which source each vote's row was taken from: " +
               ", ".join(f"{row.source} {row.votes:,}" for row in by_source.itertuples()))

    st.header("Last update")
    if sources.empty:
        st.caption("No import recorded.")
    else:
        last = pd.to_datetime(sources["imported_at"]).max()
        st.markdown(f"The record runs to **{roll_calls['date'].max().day} {roll_calls['date'].max():%B %Y}**; data version `{context.version}` "
                    f"(a stamp that changes whenever the data does: cite it with your numbers), last changed "
                    f"**{last.day} {last:%B %Y, %H:%M} UTC**.")
        # File names only: where a file sat on the machine that built the store is nobody's business.
        shown = sources[["kind", "name", "imported_at", "roll_calls", "new", "changed", "unchanged"]].assign(
            name=[file_name(name) for name in sources["name"]])
        st.dataframe(shown, hide_index=True, width="stretch")
        controls.csv_download(shown, "sources")
    _sync_status(context.db)

    st.header("Sources, citation and terms")
    st.markdown(SOURCES)

    st.header("Where the sources disagree")
    disagreements = data.load_disagreements(context.db, context.version)
    if disagreements.empty:
        st.caption("The sources agree on every vote they share.")
    else:
        st.markdown(f"{len(disagreements):,} " + ("vote is" if len(disagreements) == 1 else "votes are") + " recorded differently by two sources. The store keeps every "
                    "source's observation and shows the UN Digital Library's record where it has one.")
        shown = disagreements.assign(date=pd.to_datetime(disagreements["date"]).dt.date,
                                     link=[controls.link("resolutions", vote=s) for s in disagreements["symbol"]])
        st.dataframe(shown[["date", "link", "sources", "detail"]], hide_index=True, width="stretch", column_config={
            "link": st.column_config.LinkColumn("vote", display_text=r"vote=([^&]+)")})
        controls.csv_download(shown[["roll_call_id", "symbol", "date", "sources", "detail"]], "disagreements")
    flagged = roll_calls[roll_calls["flag"].notna() & (roll_calls["flag"].astype(str) != "")]
    if not flagged.empty:
        st.markdown(f"**{len(flagged):,} records are flagged** (their member votes do not add up to their own tallies):")
        table = flagged[["symbol", "date", "flag"]].assign(date=flagged["date"].dt.date)
        st.dataframe(table, hide_index=True, width="stretch")
        controls.csv_download(table, "flagged")

    fidelity.show_fidelity_report(context.db, context.version)

    st.header("How each measure is defined")
    st.markdown(MEASURES)

    st.header("Which measure shows the Cold War blocs")
    st.markdown(BLOC_DEFAULTS)

def file_name(name: str) -> str:
    """A source's name as shown: a URL as it is, a file's name without its folders."""
    text = str(name)
    if "://" in text:
        return text
    return PurePath(text.replace("\\", "/")).name or text


def _sync_status(db: str) -> None:
    """When the record was last brought up to date, how that went, and when it will be next."""
    from scraper import autosync
    from views import background_sync

    every, setting_problem = background_sync.interval()
    last = autosync.read_status(db)
    if last is None:
        said = "No sync with the UN's sources has run on this server yet"
    elif not last.finished_at:
        said = f"A sync with the UN's sources is running now (started {_when(last.started_at)})"
    elif last.ok:
        said = f"Last sync with the UN's sources: {_when(last.finished_at)}, it worked — {last.message}"
    else:
        said = f"Last sync with the UN's sources: {_when(last.finished_at)}, it **did not work** — {last.message}"
    if setting_problem:
        st.warning(f"Automatic updates are off: the setting {setting_problem}.", icon=":material/sync_problem:")
        nxt = "none planned"
    elif every is None:
        nxt = "none planned (automatic updates are off; the operator can turn them on with UNGA_SYNC_EVERY, e.g. 24h)"
    else:
        due = autosync.next_due(db, every)
        nxt = (f"due {_when(due.isoformat(timespec='seconds'))}" if due else "due now") + f"; this server syncs every {_period(every)}"
    box = st.error if last is not None and last.finished_at and not last.ok else st.info
    box(f"{said}. Next: {nxt}.", icon=":material/sync:")


def _when(iso: str) -> str:
    moment = pd.Timestamp(iso)
    if moment.tzinfo is None:
        moment = moment.tz_localize("UTC")
    now = pd.Timestamp.now(tz="UTC")
    if moment <= now:
        return f"{moment.day} {moment:%B %Y, %H:%M} UTC"
    return f"{moment.day} {moment:%B %Y, %H:%M} UTC (in {_period(moment - now)})"


def _period(delta) -> str:
    seconds = int(pd.Timedelta(delta).total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= 2 * size or (unit == "minute" and seconds >= size):
            count = round(seconds / size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return "less than a minute"
