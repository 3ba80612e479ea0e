"""Import files into the store: detect each file's format from its content, parse, save in one transaction."""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from tqdm import tqdm

from scraper import countries, store
from scraper.records import ParseError, RollCall

# (source kind, module, parse function) in the order formats are tried. Each module has sniff(head).
FORMATS: tuple[tuple[str, str, str], ...] = (
    ("undl_bulk", "scraper.parse.bulk_csv", "parse_bulk_csv"),
    ("unxml", "scraper.parse.unxml_json", "parse_unxml"),
    ("undl_marcxml", "scraper.parse.marcxml", "parse_marcxml"),
    ("undl_html", "scraper.parse.record_html", "parse_record_html"),
    ("undl_search", "scraper.parse.search_html", "parse_search_html"),
)
_HEAD_BYTES = 65536


class ImportFailed(RuntimeError):
    """Nothing was imported; the message names the file (and row) and says what to do."""


@dataclass
class FileReport:
    path: Path
    kind: str
    roll_calls: int
    summary: store.SaveSummary = field(default_factory=store.SaveSummary)
    duplicate_of: Path | None = None  # the same bytes as an earlier file of the same import


@dataclass
class ImportReport:
    files: list[FileReport]
    summary: store.SaveSummary

    def lines(self) -> list[str]:
        out = []
        for report in self.files:
            if report.duplicate_of is not None:
                out.append(f"{report.path}: the same file as {report.duplicate_of}, read once")
            elif str(report.path) in self.summary.skipped_sources:
                out.append(f"{report.path}: {report.kind}, {report.roll_calls:,} votes — already imported, nothing to do")
            else:
                out.append(f"{report.path}: {report.kind}, {report.roll_calls:,} votes")
        s = self.summary
        out.append(f"new {s.new:,}, changed {s.changed:,}, unchanged {s.unchanged:,}, flagged {len(s.flagged):,}")
        for symbol, reason in s.flagged[:10]:
            out.append(f"  flagged {symbol}: {reason}")
        if len(s.flagged) > 10:
            out.append(f"  … and {len(s.flagged) - 10} more (python -m scraper status --all)")
        return out


def detect_format(head: bytes) -> tuple[str, Callable[[bytes, str], object]] | None:
    """(source kind, parse function) for the first format whose sniff() accepts `head`, else None."""
    for kind, module_name, function in FORMATS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        if module.sniff(head):
            return kind, getattr(module, function)
    return None


def read_roll_calls(path: Path) -> tuple[str, bytes, list[RollCall]]:
    """Read and parse one file: (source kind, its bytes, its roll calls). Raises ImportFailed."""
    from scraper import validate  # the size cap: /dev/zero or a huge file stops at the limit

    try:
        data = validate.read_file(path)
    except OSError as error:
        raise ImportFailed(f"{path}: cannot read it ({error.strerror})") from error
    except ParseError as error:
        raise ImportFailed(f"{error}. Nothing was imported; the store is unchanged.") from error
    detected = detect_format(data[:_HEAD_BYTES])
    if detected is None:
        raise ImportFailed(
            f"{path}: not a format this tool reads. It reads the UN Digital Library's bulk voting CSV "
            "(gzip or plain), the UN's per-session JSON extracts (UNxml/GAresolutions data_extract/*.json), "
            "and Library pages saved in a browser (a record's MARCXML export, its HTML page, a search-results page)."
        )
    kind, parse = detected
    try:
        parsed = parse(data, str(path))
    except ParseError as error:
        raise ImportFailed(f"{error}. Nothing was imported; the store is unchanged.") from error
    if kind == "undl_search":  # a search page carries counts only
        from scraper.parse.search_html import hit_to_roll_call
        # Other bodies' votes on the same page (Security Council…) are not ours to store.
        parsed = [hit_to_roll_call(hit) for hit in parsed.hits if hit.is_general_assembly_vote]
    elif kind == "undl_html":
        parsed = [parsed]
    return kind, data, parsed


def import_files(paths: list[Path], db=None, show_progress: bool = True) -> ImportReport:
    """Parse every file first, then save them all in one transaction: all land or none does."""
    batches, files = [], []
    given: dict[str, Path] = {}  # sha256 → the first path with those bytes
    for path in paths:
        kind, data, roll_calls = read_roll_calls(Path(path))
        source = store.SourceInfo(kind=kind, name=str(path), sha256=store.sha256_of(data))
        if source.sha256 in given:  # the same bytes given twice: read once, reported as such
            files.append(FileReport(Path(path), kind, len(roll_calls), duplicate_of=given[source.sha256]))
            continue
        given[source.sha256] = Path(path)
        batches.append((source, roll_calls))
        files.append(FileReport(Path(path), kind, len(roll_calls)))
    total = sum(len(rc) for _, rc in batches)
    bar = tqdm(total=total, unit=" votes", desc="saving", disable=None if show_progress else True, leave=False)  # None: off when not a terminal
    def progress(done_in_source: int) -> None:
        bar.update(1)

    try:
        summary = store.save_batches(db, batches, progress=progress)
    except (countries.UnknownCountryError, ValueError) as error:
        raise ImportFailed(f"{error}. Nothing was imported; the store is unchanged.") from error
    finally:
        bar.close()
    return ImportReport(files, summary)
