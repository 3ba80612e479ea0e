"""How long `rebuild` and a `sync` with nothing new take (targets: ≤ 2 min for ~5,600 records; ≤ 2 s
beyond the network waits).

Run from the repository root:  python benchmarks/bench_sync.py [--delay SECONDS] [--only rebuild|sync]

rebuild: every voting record of ../shared's bulk file is written as its own MARCXML export
(`/record/<id>/export/xm`, the format the Library serves) into a raw archive in a temporary
directory, then `rebuild` replays the archive into a fresh store. Also timed: the same records packed
100 to a search page (`of=xm`), as `sync --undl` archives them.

sync: a copy of a full store (data/unvotes.sqlite if present, else built from ../shared) is synced
against a local server serving the real UN extracts and a Library holding the bulk file's newest
year; a first sync learns the validators, the second is timed. Its network waits (the per-host
pause, counted by a sleep that records its time) are reported apart from the rest.
Needs ../shared; writes only under a temporary directory.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scraper import store  # noqa: E402
from scraper.http import PoliteSession  # noqa: E402
from scraper.importing import import_files  # noqa: E402
from scraper.parse.bulk_csv import parse_bulk_csv  # noqa: E402
from scraper.raw import RawArchive  # noqa: E402
from scraper.records import RollCall  # noqa: E402
from scraper.sync import rebuild, sync  # noqa: E402
from tests.localserver import MARC_NS, LibrarySite, LocalServer  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
BULK_FILE = SHARED / "undl_ga_voting_1946-2025.csv.gz"
UNXML_DIR = SHARED / "unxml"


def _field(tag: str, subfields: list[tuple[str, str]]) -> str:
    inner = "".join(f'<subfield code="{code}">{escape(text)}</subfield>' for code, text in subfields if text != "")
    return f'<datafield tag="{tag}" ind1=" " ind2=" ">{inner}</datafield>'


def marcxml_record(roll_call: RollCall) -> str:
    """The `<record>` the Library would export for `roll_call` (the fields the parser reads)."""
    fields = [
        f'<controlfield tag="001">{roll_call.undl_id}</controlfield>',
        _field("245", [("a", roll_call.title)]),
        _field("269", [("a", roll_call.date)]),
        _field("791", [("a", roll_call.symbol), ("b", "A/"), ("c", roll_call.session)]),
        _field("952", [("a", roll_call.meeting)]),
        _field("996", [("a", "Voting Summary")] + [(code, "" if value is None else str(value)) for code, value in
                       zip("bcdef", (roll_call.yes, roll_call.no, roll_call.abstain, roll_call.non_voting, roll_call.members))]),
    ]
    for position, vote in enumerate(roll_call.votes, start=1):
        name = f"{vote.stated_intention.lower()} {vote.country_name}" if vote.stated_intention else vote.country_name
        fields.append(_field("967", [("a", str(position)), ("c", vote.country_code),
                                     ("d", "" if vote.vote == "X" else vote.vote), ("e", name)]))
    return "<record>" + "".join(fields) + "</record>"


def collection(records: list[str], total: int | None = None) -> bytes:
    comment = f"<!-- Search-Engine-Total-Number-Of-Results: {total} -->\n" if total is not None else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{comment}<collection xmlns="{MARC_NS}">\n'
            + "\n".join(records) + "\n</collection>\n").encode()


def bench_rebuild(roll_calls: list[RollCall], workdir: Path) -> None:
    records = [(rc, marcxml_record(rc)) for rc in roll_calls]
    for label, captures in (
        ("one MARCXML export per record", [(f"https://digitallibrary.un.org/record/{rc.undl_id}/export/xm", "undl_marcxml",
                                            collection([xml])) for rc, xml in records]),
        ("search pages of 100 records", _pages(records)),
    ):
        archive = RawArchive(workdir / f"raw-{len(captures)}")
        for url, kind, body in captures:
            archive.store(body, url=url, status=200, content_type="application/xml", source_kind=kind,
                          retrieved_at="2026-01-01T00:00:00Z")
        db = workdir / f"rebuilt-{len(captures)}.sqlite"
        start, start_cpu = time.perf_counter(), time.process_time()
        summary = rebuild(db, archive, show_progress=False)
        wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        print(f"rebuild, {label}: {len(captures):,} captures → {summary.new:,} recorded votes "
              f"({len(summary.failed)} failed, {len(summary.flagged)} flagged) in {wall:.1f} s wall, {cpu:.1f} s CPU")
        for what, reason in summary.failed[:5]:
            print(f"  failed {what}: {reason}")


def _pages(records: list[tuple[RollCall, str]]) -> list[tuple[str, str, bytes]]:
    by_year: dict[str, list[str]] = {}
    for rc, xml in sorted(records, key=lambda item: -item[0].undl_id):
        by_year.setdefault(rc.date[:4], []).append(xml)
    pages = []
    for year, xmls in sorted(by_year.items()):
        for start in range(0, len(xmls), 100):
            url = (f"https://digitallibrary.un.org/search?cc=Voting+Data&fct__3={year}&of=xm&rg=100&jrec={start + 1}")
            pages.append((url, "undl_search_xm", collection(xmls[start : start + 100], total=len(xmls))))
    return pages


def bench_sync(roll_calls: list[RollCall], workdir: Path, delay: float) -> None:
    full = ROOT / "data" / "unvotes.sqlite"
    db = workdir / "sync" / "unvotes.sqlite"
    db.parent.mkdir()
    if full.exists():
        source = store.connect(full, readonly=True)
        target = store.connect(db)
        source.backup(target)  # a consistent copy even while someone else writes the original
        source.close()
        target.close()
    else:
        import_files([BULK_FILE, *sorted(UNXML_DIR.glob("*.json"))], db=db, show_progress=False)
    newest_year = max(int(rc.date[:4]) for rc in roll_calls)
    library = {rc.undl_id: (int(rc.date[:4]), collection([marcxml_record(rc)])) for rc in roll_calls
               if int(rc.date[:4]) == newest_year}
    with LocalServer() as server:
        server.robots("User-agent: *\nAllow: /\n")
        for path in sorted(UNXML_DIR.glob("*.json")):
            server.serve(f"/data_extract/{path.name}", path.read_bytes(), "text/plain; charset=utf-8")
        LibrarySite(server, library)
        archive = RawArchive(db.parent / "raw")
        for attempt in ("first (learns validators)", "second (nothing new)"):
            waited = []

            def sleep(seconds: float) -> None:
                waited.append(seconds)
                time.sleep(seconds)

            with PoliteSession(archive=archive, min_delay=delay, sleep=sleep) as http:
                start = time.perf_counter()
                summary = sync(db, http, include_undl=True, unxml_base=f"{server.url}/data_extract/",
                               undl_base=server.url, show_progress=False)
                wall = time.perf_counter() - start
            print(f"sync --undl, {attempt}: {wall:.2f} s total, {sum(waited):.2f} s of it waiting between requests "
                  f"({delay} s per host), {wall - sum(waited):.2f} s beyond the waits; {summary.requests} requests, "
                  f"{summary.not_modified} answered 304; " + summary.lines()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=1.0, help="pause between requests to one host in the sync benchmark")
    parser.add_argument("--only", choices=("rebuild", "sync"))
    args = parser.parse_args()
    if not BULK_FILE.exists():
        sys.exit(f"needs the real bulk file at {BULK_FILE} (../shared beside the checkout)")
    start = time.perf_counter()
    roll_calls = [rc for rc in parse_bulk_csv(BULK_FILE.read_bytes(), BULK_FILE.name) if rc.undl_id is not None]
    print(f"{len(roll_calls):,} voting records read from {BULK_FILE.name} in {time.perf_counter() - start:.1f} s")
    with tempfile.TemporaryDirectory(prefix="bench_sync_") as workdir:
        if args.only in (None, "rebuild"):
            bench_rebuild(roll_calls, Path(workdir))
        if args.only in (None, "sync"):
            bench_sync(roll_calls, Path(workdir), args.delay)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
