"""The fidelity report: what a researcher would check before citing a number from the store.

`fidelity_report(db)` returns a dict (what `python -m scraper audit` prints and the About page
shows): roll calls per session and kind, the records merged into one vote and why, pairs kept
apart on purpose, flags, disagreements between sources, and checks that must hold after every
import or sync (each with `ok` and the cases that fail).
"""
from __future__ import annotations

import sqlite3
import time

from scraper import store
from scraper.merging import find_merges
from scraper.symbols import parse_symbol

# The seat codes researchers use (scraper/data/seat_codes.csv): no vote may sit under the wrong one.
_SEAT_CHECKS = (
    ("no vote of China's seat before 26 Oct 1971 under CHN (the Republic of China's votes are TWN)",
     "country_code = 'CHN' AND r.date <= '1971-10-25'"),
    ("no vote under TWN after 25 Oct 1971", "country_code = 'TWN' AND r.date > '1971-10-25'"),
    ("no vote under the SFRY's code YUG after its dissolution (27 Apr 1992: the FRY's votes are SCG)",
     "country_code = 'YUG' AND r.date >= '1992-04-27'"),
)


def fidelity_report(db=None) -> dict:
    """The fidelity report of store `db` (see the module docstring). Takes a few seconds on the full store."""
    started = time.perf_counter()
    conn = store.connect(db, readonly=True)
    try:
        report = _report(conn)
    finally:
        conn.close()
    report["seconds"] = round(time.perf_counter() - started, 2)
    return report


def _report(conn: sqlite3.Connection) -> dict:
    per_session: dict[str, dict[str, int]] = {}
    # Sessions in the order they first met (special and emergency sessions between regular ones).
    for session, kind, excluded, count in conn.execute(
            "SELECT session, kind, excluded != '', COUNT(*) FROM roll_calls GROUP BY 1, 2, 3"
            " ORDER BY MIN(MIN(date)) OVER (PARTITION BY session), session"):
        label = "excluded" if excluded else kind
        per_session.setdefault(session, {}).setdefault(label, 0)
        per_session[session][label] += count
    sessions = per_session
    kinds = dict(conn.execute("SELECT kind, COUNT(*) FROM roll_calls GROUP BY kind ORDER BY kind"))

    merges: dict[str, dict] = {}
    for symbol, date, record, source, reason in conn.execute(
            "SELECT r.symbol, r.date, o.symbol, o.source_kind, o.merged FROM observations o JOIN roll_calls r"
            " USING (roll_call_id) WHERE r.roll_call_id IN (SELECT roll_call_id FROM observations WHERE merged != '')"
            " ORDER BY r.date, r.symbol, o.symbol"):
        entry = merges.setdefault(symbol, {"symbol": symbol, "date": date, "records": []})
        entry["records"].append({"symbol": record, "source": source, "merged": reason})

    summaries = store.roll_call_summaries(conn)
    leftover, apart = find_merges(summaries)
    by_key = {s.key: s for s in summaries}
    placeholders = [s.symbol for s in summaries if parse_symbol(s.symbol).is_placeholder]
    unparsed = [s.symbol for s in summaries if parse_symbol(s.symbol).kind == "other"]
    not_canonical = [s.symbol for s in summaries if parse_symbol(s.symbol).canonical != s.symbol]

    extract_total = extract_equal = 0
    extract_unequal = []
    for symbol, record_symbol, oy, on, oa, ry, rn, ra in conn.execute(
            "SELECT r.symbol, o.symbol, o.yes, o.no, o.abstain, r.yes, r.no, r.abstain FROM observations o"
            " JOIN roll_calls r USING (roll_call_id) WHERE o.source_kind = 'unxml' AND o.yes IS NOT NULL"):
        extract_total += 1
        if (oy, on or 0, oa) == (ry, rn, ra):
            extract_equal += 1
        else:
            extract_unequal.append(f"{record_symbol}: the UN's extract {oy}/{on}/{oa}, the store {ry}/{rn}/{ra}")

    checks = [
        _check("every symbol is in its one canonical spelling", not_canonical),
        _check("no two roll calls on one day are one vote by the merge rule (same meeting, member votes, resolution)",
               [f"{m.name}: " + ", ".join(by_key[k].symbol for k in m.keys) for m in leftover]),
        _check("no placeholder symbol left (A/RES/79/XX…) that another source could resolve", placeholders,
               hard=False),
        _check("the store's Y/N/A tallies equal the UN's extracts (sessions 74 on), except listed disagreements",
               [u for u in extract_unequal if not _listed_disagreement(conn, u.split(":")[0])],
               detail=f"{extract_equal} of {extract_total} extract votes equal"),
    ]
    for label, where in _SEAT_CHECKS:
        rows = conn.execute(f"SELECT r.symbol FROM votes v JOIN roll_calls r USING (roll_call_id) WHERE {where}"
                            " LIMIT 20").fetchall()
        checks.append(_check(label, [r[0] for r in rows]))

    return {
        "data_version": store.data_version(conn),
        "roll_calls": sum(kinds.values()),
        "counted": conn.execute(f"SELECT COUNT(*) FROM roll_calls WHERE {store._COUNTED}").fetchone()[0],
        "kinds": kinds,
        "per_session": sessions,
        "merges": list(merges.values()),
        "records_merged": sum(len(m["records"]) for m in merges.values()),
        "kept_apart": [{"date": a.date, "symbols": [a.symbol, b.symbol], "reason": why} for a, b, why in apart],
        "excluded": [dict(zip(("symbol", "date", "reason"), row)) for row in conn.execute(
            "SELECT symbol, date, excluded FROM roll_calls WHERE excluded != '' ORDER BY date")],
        "not_resolutions": [dict(zip(("symbol", "date", "kind"), row)) for row in conn.execute(
            "SELECT symbol, date, kind FROM roll_calls WHERE kind != 'resolution' ORDER BY date")],
        "placeholders": placeholders,
        "unparsed_symbols": unparsed,
        "flagged": [dict(zip(("symbol", "date", "flag"), row)) for row in conn.execute(
            "SELECT symbol, date, flag FROM roll_calls WHERE flag IS NOT NULL ORDER BY date")],
        "disagreements": store.load_disagreements(conn)[["symbol", "date", "detail"]].to_dict("records"),
        "extract_tallies": {"equal": extract_equal, "total": extract_total, "unequal": extract_unequal},
        "checks": checks,
    }


def _listed_disagreement(conn: sqlite3.Connection, record_symbol: str) -> bool:
    return conn.execute("SELECT 1 FROM disagreements d JOIN observations o USING (roll_call_id) WHERE o.symbol = ?",
                        (record_symbol,)).fetchone() is not None


def _check(label: str, failures: list[str], *, hard: bool = True, detail: str = "") -> dict:
    return {"check": label, "ok": not failures, "hard": hard, "failures": failures[:50],
            "count": len(failures), "detail": detail}


def report_lines(report: dict, *, everything: bool = False) -> list[str]:
    """The report as text for the terminal (`everything` lists every merge and session)."""
    limit = None if everything else 12
    lines = [f"fidelity report, data version {report['data_version']} ({report['seconds']} s)",
             f"roll calls: {report['roll_calls']:,} ({', '.join(f'{k} {v:,}' for k, v in report['kinds'].items())}); "
             f"counted by analyses (resolutions that were voted on): {report['counted']:,}",
             "", "checks:"]
    for check in report["checks"]:
        mark = "ok  " if check["ok"] else ("FAIL" if check["hard"] else "note")
        lines.append(f"  {mark} {check['check']}" + (f" — {check['detail']}" if check["detail"] else "")
                     + ("" if check["ok"] else f": {check['count']} — " + "; ".join(check["failures"][:5])))
    lines += ["", f"merged: {report['records_merged']} source records into {len(report['merges'])} roll calls "
              "(one recorded vote, one roll call)"]
    for merge in report["merges"][:limit]:
        reasons = sorted({r["merged"] for r in merge["records"] if r["merged"]})
        lines.append(f"  {merge['symbol']} ({merge['date']}): " + ", ".join(
            f"{r['symbol']} [{r['source']}]" for r in merge["records"]) + f" — {'; '.join(reasons)}")
    lines += ["", f"kept apart on purpose (same day, same member votes, same resolution): {len(report['kept_apart'])}"]
    for item in report["kept_apart"][:limit]:
        lines.append(f"  {' and '.join(item['symbols'])} ({item['date']}): {item['reason']}")
    lines += ["", f"left out of analyses by default: {len(report['excluded'])} excluded, "
              f"{len(report['not_resolutions'])} not resolutions"]
    for item in report["excluded"] + report["not_resolutions"]:
        lines.append(f"  {item['symbol']} ({item['date']}): {item.get('reason') or item.get('kind')}")
    lines += ["", f"placeholder symbols still unresolved: {len(report['placeholders'])}"
              + (": " + ", ".join(report["placeholders"]) if report["placeholders"] else "")]
    lines += [f"records whose member votes don't add up to their own tallies: {len(report['flagged'])}"]
    lines += [f"disagreements between sources: {len(report['disagreements'])}"]
    for item in report["disagreements"][:limit]:
        lines.append(f"  {item['symbol']} ({item['date']}): {item['detail']}")
    lines += ["", "roll calls per session (resolution / decision / other / excluded):"]
    sessions = list(report["per_session"].items())
    shown = sessions if everything else sessions[-8:]
    if not everything and len(sessions) > 8:
        lines.append(f"  … {len(sessions) - 8} earlier sessions (--all lists them)")
    for session, counts in shown:
        lines.append(f"  {session:>6}: " + " / ".join(str(counts.get(k, 0)) for k in ("resolution", "decision", "other", "excluded")))
    return lines
