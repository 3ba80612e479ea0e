"""Dashboard pieces for the store's fidelity: representation notes, old symbol spellings, the audit.

Small helpers the Resolutions, Countries and About pages call; the facts come from
`scraper.countries` (representation notes), `scraper.store` (the alias lookup) and `scraper.audit`.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from scraper import countries, store
from scraper.symbols import normalise_symbol


@st.cache_data(show_spinner=False, max_entries=256)
def vote_symbol(db: str, version: str, text: str) -> str | None:
    """The roll call's symbol for a symbol in any spelling, or of a record merged into it; None if unknown."""
    found = store.find_roll_call(db, text)
    return found[1] if found else None


def symbol_query(db: str, version: str, query: str) -> str:
    """A search query as typed, except a symbol of a record merged into a vote (`A/RES/61/128[B-IV]`),
    which becomes that vote's symbol, so the search finds it."""
    text = query.strip()
    if not text.upper().replace(" ", "").startswith("A/"):
        return query
    found = vote_symbol(db, version, text)
    return found if found and not found.startswith(normalise_symbol(text)) else query


@st.cache_data(show_spinner=False, max_entries=64)
def _records_of(db: str, version: str, symbol: str) -> list[str]:
    records = store.load_records(db)
    return sorted(set(records.loc[records["symbol"] == symbol, "record_symbol"]))


def show_merged_records(db: str, version: str, symbol: str) -> None:
    """A caption under a vote the Library recorded several times, naming its records."""
    records = _records_of(db, version, symbol)
    if len(records) > 1 or (records and records[0] != symbol):
        st.caption(f"The UN Digital Library records this one vote {len(records)} times ({', '.join(records)}); "
                   "it is counted once here (`python -m scraper show --records` lists them).")


def show_representation_notes(codes, date, names: dict[str, str]) -> None:
    """One note per state among `codes` whose seat's representation is in question on `date`
    (Myanmar after the 2021 coup, South Africa 1974–94, China before 1971…)."""
    day = pd.Timestamp(date).date().isoformat()
    for code in sorted({str(c) for c in codes}):
        for note in countries.representation_notes(code, day):
            st.info(f"**{names.get(code, code)}:** {note}", icon=":material/how_to_vote:")


def show_country_notes(code: str, names: dict[str, str]) -> None:
    """Every representation note about one state's seat, with its dates."""
    table = countries.load_representation_notes()
    for row in table[table["country_code"] == code].itertuples(index=False):
        period = f"{row.valid_from} to {row.valid_to or 'today'}"
        st.info(f"**Who cast {names.get(code, code)}'s votes, {period}:** {row.note}", icon=":material/how_to_vote:")


@st.cache_data(show_spinner=False, max_entries=2)
def _fidelity_report(db: str, version: str) -> dict:
    from scraper.audit import fidelity_report

    return fidelity_report(db)


def show_fidelity_report(db: str, version: str) -> None:
    """The About page's expander: the fidelity report (`python -m scraper audit`) in plain words."""
    with st.expander("How faithful is this data? (the fidelity report)"):
        report = _fidelity_report(db, version)
        st.markdown(
            f"**{report['counted']:,} resolutions voted on** are counted in every number here, out of "
            f"{report['roll_calls']:,} recorded votes in the store. Left out: decisions and other non-resolutions "
            f"({len(report['not_resolutions'])}), and records on which no member voted ({len(report['excluded'])}). "
            f"The UN Digital Library sometimes records one vote several times (a resolution and each of its parts): "
            f"**{report['records_merged']} such records were merged into {len(report['merges'])} votes**, so each "
            "vote counts once. The same command-line report: `python -m scraper audit`.")
        checks = pd.DataFrame([{"check": c["check"], "result": "passed" if c["ok"] else f"{c['count']} cases",
                                "detail": c["detail"]} for c in report["checks"]])
        st.dataframe(checks, hide_index=True, width="stretch")
        merges = pd.DataFrame([{"vote": m["symbol"], "date": m["date"],
                                "records merged into it": ", ".join(r["symbol"] for r in m["records"]),
                                "why": "; ".join(sorted({r["merged"] for r in m["records"] if r["merged"]}))}
                               for m in report["merges"]])
        if not merges.empty:
            st.markdown("**Votes the Library recorded several times**")
            st.dataframe(merges, hide_index=True, width="stretch")
