"""The command line: build the vote store from the UN's files and ask it about any vote.

    python -m scraper import FILE...     python -m scraper status     python -m scraper show A/RES/75/287
    python -m scraper audit              (the fidelity report)
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import pandas as pd

from scraper import countries, store
from scraper.importing import ImportFailed, import_files
from scraper.symbols import normalise_symbol, parse_symbol

VOTE_WORDS = {"Y": "in favour", "N": "against", "A": "abstaining", "X": "not voting"}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return args.handler(args)
    except (store.StoreError, ImportFailed) as error:  # PackageError is reported by its commands
        print(f"error: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and cut short: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("interrupted: the store keeps what was saved before (each save is all-or-nothing)", file=sys.stderr)
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scraper",
        description="Collect the UN General Assembly's recorded votes into a local SQLite store and inspect it.",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    def add(name: str, help_text: str, handler) -> argparse.ArgumentParser:
        command = commands.add_parser(name, help=help_text, description=help_text)
        command.add_argument("--db", help="the store (default: $UNGA_DB, else data/unvotes.sqlite)")
        command.set_defaults(handler=handler)
        return command

    command = add("import", "Import files into the store in one transaction: the Library's bulk CSV (gzip or "
                  "plain), the UN's per-session JSON extracts, or Library pages saved in a browser.", run_import)
    command.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    command.add_argument("--quiet", action="store_true", help="no progress bar")

    command = add("setup", "Build the store if it is empty: import the data package shipped in data/package "
                  "(every recorded vote since 1946), warm the caches, then sync anything newer. With --from, "
                  "import the UN's files from a folder instead.", run_setup)
    command.add_argument("--from", dest="source_dir", type=Path, default=None,
                         help="folder with undl_ga_voting_*.csv[.gz] and unxml/*.json to import instead of the package")
    command.add_argument("--package", type=Path, default=None,
                         help="the data package to import (default: data/package in the repository)")
    command.add_argument("--no-sync", action="store_true", help="do not try to sync after building the store")
    command.add_argument("--quiet", action="store_true", help="no progress bar")

    command = add("export", "Write the store as an open data package (Parquet tables and a Frictionless "
                  "datapackage.json): the same store always gives the same bytes.", run_export)
    command.add_argument("--package", type=Path, required=True, metavar="DIR", help="folder to write (e.g. data/package)")

    command = add("status", "What the store holds: votes, dates, sessions, sources, disagreements, flags.", run_status)
    command.add_argument("--all", action="store_true", help="list every disagreement and flagged record")
    command.add_argument("--json", action="store_true", help="print JSON instead of text")

    command = add("show", "One vote: metadata, tallies and every member's vote.", run_show)
    command.add_argument("symbol", help="resolution symbol, e.g. A/RES/75/287 (spacing and part letters as you like)")
    command.add_argument("--json", action="store_true", help="print JSON instead of text")
    command.add_argument("--records", action="store_true",
                         help="also list every source record of this vote one by one (the Library's records "
                              "merged into it, with why)")

    command = add("audit", "The fidelity report: roll calls per session and kind, merged records, flags, "
                  "disagreements between sources and the checks that must hold (exit 1 if one fails).", run_audit)
    command.add_argument("--all", action="store_true", help="list every merge, pair kept apart and session")
    command.add_argument("--json", action="store_true", help="print JSON instead of text")

    try:  # the network commands (sync, fetch-record, rebuild) live beside the HTTP code
        from scraper.cli_sync import register
    except ImportError:
        pass
    else:
        register(commands)
    return parser


def run_import(args: argparse.Namespace) -> int:
    report = import_files(args.paths, db=args.db, show_progress=not args.quiet)
    for line in report.lines():
        print(line)
    from scraper.package import warm_caches

    warm_caches(args.db or store.default_db_path())  # votes, topic tags, ideal points: no wait for the first visitor
    return 0


def run_setup(args: argparse.Namespace) -> int:
    from scraper import package

    db = Path(args.db) if args.db else store.default_db_path()
    if store.data_version(store.connect(db)) != "empty":
        print(f"the store {db.name} already holds votes: nothing to do "
              "(python -m scraper status tells what it holds; python -m scraper sync brings it up to date)")
        package.warm_caches(db)
        return 0
    if args.source_dir is not None:
        files = sorted(args.source_dir.glob("undl_ga_voting_*.csv*")) + sorted((args.source_dir / "unxml").glob("*.json"))
        if not files:
            print(f"error: no undl_ga_voting_*.csv[.gz] or unxml/*.json in {args.source_dir}", file=sys.stderr)
            return 1
        print(f"building the store from {len(files)} files in {args.source_dir} …")
        for line in import_files(files, db=db, show_progress=not args.quiet).lines():
            print(line)
    else:
        folder = args.package or package.DEFAULT_PACKAGE
        try:
            package.import_package(folder, db)
        except package.PackageError as error:
            print(f"error: the data package cannot be used: {error}. Restore it (git checkout data/package) or "
                  "build the store from files: python -m scraper setup --from FOLDER", file=sys.stderr)
            return 1
        print(f"built the store from the data package: {package.package_summary(folder)}")
    package.warm_caches(db)
    if args.no_sync:
        return 0
    return try_sync(db, quiet=args.quiet)


def try_sync(db: Path, quiet: bool) -> int:
    """Sync anything newer than what the store holds; no network or a failed sync is a line, not an error."""
    from scraper import autosync

    outcome = autosync.run_sync(db, show_progress=not quiet)
    autosync.write_status(db, outcome)
    print(outcome.message)
    return 0


def run_export(args: argparse.Namespace) -> int:
    from scraper import package

    db = Path(args.db) if args.db else store.default_db_path()
    if not db.exists():
        print(f"error: no store {db.name} to export: build it first (python -m scraper setup)", file=sys.stderr)
        return 1
    descriptor = package.export_package(db, args.package)
    if args.package.resolve() == package.DEFAULT_PACKAGE.resolve() and package.stamp_citation(descriptor):
        print(f"CITATION.cff now cites data version {descriptor['data_version']}")
    total = sum(resource["bytes"] for resource in descriptor["resources"])
    print(f"wrote {len(descriptor['resources'])} tables and datapackage.json to {args.package} "
          f"({total / 1e6:.2f} MB, data version {descriptor['data_version']})")
    return 0


def run_status(args: argparse.Namespace) -> int:
    status = collect_status(args.db)
    if args.json:
        print(json.dumps(status, indent=2, default=str))
        return 0
    print(f"store: {status['db']} (data version {status['data_version']})")
    print(f"votes: {status['roll_calls']:,} recorded votes, {status['vote_rows']:,} member votes, "
          f"{status['first_date']} to {status['last_date']}, {status['sessions']} sessions")
    print("chosen source per vote: " + ", ".join(f"{k} {v:,}" for k, v in status["chosen_source"].items()))
    print("observations per source: " + ", ".join(f"{k} {v:,}" for k, v in status["observations"].items()))
    print(f"imported files and fetched sources: {len(status['sources'])}")
    for source in status["sources"]:
        print(f"  {source['imported_at']}  {source['kind']:<12} {source['name']}  sha256 {source['sha256'][:12]}  "
              f"{source['roll_calls']:,} votes, {source['vote_rows']:,} rows (new {source['new']}, "
              f"changed {source['changed']}, unchanged {source['unchanged']})")
    limit = None if args.all else 10
    print(f"disagreements between sources: {len(status['disagreements'])}")
    for item in status["disagreements"][:limit]:
        print(f"  {item['symbol']} ({item['date']}): {item['detail']}")
    print(f"merged: {sum(len(m['records']) for m in status['merges'])} source records into "
          f"{len(status['merges'])} roll calls (one recorded vote, one roll call; python -m scraper audit says why)")
    for item in status["merges"][:limit]:
        print(f"  {item['symbol']} ({item['date']}): {', '.join(item['records'])}")
    print(f"flagged records (member votes don't add up to the record's tallies): {len(status['flagged'])}")
    for item in status["flagged"][:limit]:
        print(f"  {item['symbol']} ({item['date']}, {item['source']}): {item['flag']}")
    if limit and max(len(status["disagreements"]), len(status["flagged"]), len(status["merges"])) > limit:
        print("(--all lists them all)")
    return 0


def collect_status(db) -> dict:
    conn = store.connect(db, readonly=True)
    try:
        def one(sql: str):
            return conn.execute(sql).fetchone()

        roll_calls, first, last, sessions = one("SELECT COUNT(*), MIN(date), MAX(date), COUNT(DISTINCT session) FROM roll_calls")
        return {
            "db": str(Path(db) if db else store.default_db_path()),
            "data_version": store.data_version(conn),
            "roll_calls": roll_calls,
            "vote_rows": one("SELECT COUNT(*) FROM votes")[0],
            "first_date": first,
            "last_date": last,
            "sessions": sessions,
            "chosen_source": dict(conn.execute("SELECT source, COUNT(*) FROM roll_calls GROUP BY source ORDER BY source")),
            "observations": dict(conn.execute(
                "SELECT source_kind, COUNT(*) FROM observations GROUP BY source_kind ORDER BY source_kind")),
            "sources": store.load_sources(conn).to_dict("records"),
            "disagreements": store.load_disagreements(conn).to_dict("records"),
            "merges": [{"symbol": symbol, "date": date, "records": records.split(",")} for symbol, date, records in conn.execute(
                "SELECT r.symbol, r.date, group_concat(o.symbol, ',') FROM roll_calls r JOIN observations o USING (roll_call_id)"
                " WHERE r.roll_call_id IN (SELECT roll_call_id FROM observations WHERE merged != '')"
                " GROUP BY r.roll_call_id ORDER BY r.date, r.symbol")],
            "flagged": [dict(zip(("symbol", "date", "source", "flag"), row)) for row in conn.execute(
                "SELECT symbol, date, source, flag FROM roll_calls WHERE flag IS NOT NULL ORDER BY date, symbol")],
        }
    finally:
        conn.close()


def run_show(args: argparse.Namespace) -> int:
    conn = store.connect(args.db, readonly=True)
    try:
        found = store.find_roll_call(conn, args.symbol)
        if found is None:
            symbol = normalise_symbol(args.symbol)
            # Suggestions: other parts of the same resolution. A typed % or _ is a character, never a
            # wildcard: such a symbol is matched as typed (escaped below), and so finds nothing.
            typed = args.symbol.strip().upper()
            base = typed if any(ch in typed for ch in "%_") else parse_symbol(symbol).base
            prefix = base.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            suggestions = [s for (s,) in conn.execute(
                "SELECT symbol FROM roll_calls WHERE symbol LIKE ? ESCAPE '\\' ORDER BY symbol LIMIT 5", (prefix + "%",))]
            hint = f" Close matches: {', '.join(suggestions)}." if suggestions else ""
            print(f"error: no recorded vote {symbol} in the store.{hint} "
                  "Only resolutions adopted by a recorded vote are stored.", file=sys.stderr)
            return 1
        roll_call_id, symbol = found
        row = conn.execute("SELECT * FROM roll_calls WHERE roll_call_id = ?", (roll_call_id,)).fetchone()
        columns = [c[0] for c in conn.execute("SELECT * FROM roll_calls LIMIT 0").description]
        record = dict(zip(columns, row))
        members = store.load_member_votes(conn, symbol).to_dict("records")
        disagreement = conn.execute("SELECT sources, detail FROM disagreements WHERE roll_call_id = ?",
                                    (roll_call_id,)).fetchone()
        observations = {kind: {"yes": rc.yes, "no": rc.no, "abstain": rc.abstain, "non_voting": rc.non_voting,
                               "members": rc.members}
                        for kind, rc in store.load_observations(conn, symbol)}
        records = store.load_records(conn)
        records = records[records["roll_call_id"] == roll_call_id]
    finally:
        conn.close()
    record["disagreement"] = disagreement[1] if disagreement else None
    record["observations"] = observations
    record["records"] = [{k: (None if v is None or v is pd.NA else v) for k, v in r.items()} for r in
                         records.drop(columns=["roll_call_id", "symbol", "date"]).astype(object).to_dict("records")]
    record["representation_notes"] = {code: notes for code in sorted({m["country_code"] for m in members})
                                      if (notes := countries.representation_notes(code, record["date"]))}
    record["votes"] = members
    if args.json:
        print(json.dumps(record, indent=2, ensure_ascii=False, default=str))
        return 0
    if normalise_symbol(args.symbol) != record["symbol"]:
        print(f"({normalise_symbol(args.symbol)} is one of the records of this vote)")
    print(f"{record['symbol']}  {record['title']}")
    print(f"adopted {record['date']} (session {record['session']}), meeting {record['meeting'] or '—'}, "
          f"UN Digital Library record {record['undl_id'] or '—'}")
    if record["agenda"]:
        print(f"agenda: {record['agenda']}")
    print(f"tallies: {record['yes']} in favour, {record['no']} against, {record['abstain']} abstaining, "
          f"{record['non_voting']} not voting, of {record['members']} members (source: {record['source']})")
    if record["kind"] != "resolution":
        print(f"kind: {record['kind']} (analyses count resolutions only unless asked for all kinds)")
    if record["excluded"]:
        print(f"excluded from analyses: {record['excluded']}")
    if parse_symbol(record["symbol"]).is_placeholder:
        print("flag: placeholder symbol: no source gives this resolution's number yet")
    if record["flag"]:
        print(f"flag: {record['flag']}")
    if disagreement:
        print(f"sources disagree ({disagreement[0]}): {disagreement[1]}")
    merged = [r for r in record["records"] if r["merged"]]
    if merged:
        print(f"one vote, recorded by the sources as {len(record['records'])} records: "
              + ", ".join(sorted({r['record_symbol'] for r in record['records']})) + " (--records lists them)")
    for code, notes in record["representation_notes"].items():
        for note in notes:
            print(f"note on {code}: {note}")
    if args.records:
        print(f"\nsource records ({len(record['records'])}):")
        for r in record["records"]:
            print(f"  {r['record_symbol']:<22} {r['source_kind']:<12} record {r['undl_id'] or '—'}  "
                  f"{r['yes']}/{r['no']}/{r['abstain']}/{r['non_voting']}" + (f"  merged: {r['merged']}" if r["merged"] else ""))
    for code in "YNAX":
        names = [m["country_name"] + (f" [{m['country_code']}]") + (
                 f" (later stated: {VOTE_WORDS[m['stated_intention']]})" if m["stated_intention"] else "")
                 for m in members if m["vote"] == code]
        print(f"\n{VOTE_WORDS[code]} ({len(names)}):")
        print("  " + ", ".join(names) if names else "  —")
    return 0


def run_audit(args: argparse.Namespace) -> int:
    from scraper.audit import fidelity_report, report_lines

    report = fidelity_report(args.db)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    else:
        for line in report_lines(report, everything=args.all):
            print(line)
    return 0 if all(c["ok"] or not c["hard"] for c in report["checks"]) else 1


if __name__ == "__main__":
    sys.exit(main())
