"""The open data package: the whole store as Parquet tables plus a Frictionless `datapackage.json`,
shipped in data/package/ so a fresh checkout has every recorded vote without downloading anything.

`export_package` writes every table of the store generically (a column the schema gains flows
through with no change here); `import_package` restores a store from it. The same store always
gives the same bytes: rows in primary-key order, no timestamp but those the data holds, Parquet
files written without the writer's pandas metadata.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import tempfile
from dataclasses import fields
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from scraper import store
from scraper.records import RollCall

REPOSITORY = Path(__file__).resolve().parent.parent
DEFAULT_PACKAGE = REPOSITORY / "data" / "package"
DESCRIPTOR = "datapackage.json"
PACKAGE_FORMAT = 1  # bump when the layout of the package (not of the store) changes
# A package holds a few MB; anything far larger is not one of ours (and would be read whole).
MAX_TABLE_BYTES = 64 * 1024 * 1024

# Columns a package leaves out: each source's raw record of each vote (compressed JSON blobs, as
# large again as the votes). The `observations` table itself is kept (every source record, the
# roll call it belongs to, its own tallies, why it was merged): `import_package` rebuilds each
# record from the roll call's row and member votes, so `show --records`, old spellings and a later
# sync's ranking work on a store built from the package as on the original.
BLOB_COLUMNS = {"observations": ("record",)}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

TABLE_DESCRIPTIONS = {
    "observations": "One row per source record (the UN Digital Library's records one by one, the UN extracts' "
                    "entries): the roll call it belongs to, the record's own symbol, record id and tallies, and "
                    "why it was merged into a roll call under another symbol (one recorded vote, one roll call). "
                    "The raw record itself is left out.",
    "roll_calls": "One row per General Assembly resolution adopted by a recorded vote: symbol, date, session, "
                  "title, agenda, meeting, draft, tallies, UN Digital Library record id, subjects, sponsors (those "
                  "named on the draft), additional sponsors (those that joined later), SDGs (lists joined with '|'), "
                  "the source its row was taken from, and a flag where its member votes do not add up to its tallies.",
    "votes": "One row per (roll call, member state): vote is Y (yes), N (no), A (abstain) or X (member present "
             "in the list but not voting); country_name as the source wrote it then; stated_intention is the "
             "Y/N/A a non-voting state later said it meant to cast.",
    "countries": "One row per state that ever sat in the Assembly: code (ISO 3166-1 alpha-3 or a historical code), "
                 "name, dates of admission and leaving, UN M49 code.",
    "country_names": "One row per name a source has used for a member state, with the dates it was valid.",
    "successions": "One row per (predecessor, successor) state: USSR to Russia, Yugoslavia to Serbia…",
    "sources": "One row per file imported or response fetched to build the store, with its SHA-256 and row counts.",
    "disagreements": "One row per vote the sources record differently, saying how.",
    "meta": "The store's own stamps: data version, when it last changed, the country tables' checksum.",
}

# Fields whose meaning their name does not say (written into the descriptor's Table Schema).
FIELD_DESCRIPTIONS = {
    ("roll_calls", "sponsors"): "The states named on the draft resolution (its main sponsors), as the UN's extracts "
                                "write them, joined with '|'; session 74 (2019) on. Rows a store saved before its "
                                "schema version 3 hold the additional sponsors here too (additional_sponsors empty).",
    ("roll_calls", "additional_sponsors"): "The states that joined the draft later (the extracts' additional "
                                           "sponsors), as written, joined with '|'; empty where none joined.",
}

UNDL_TERMS = ("UN Digital Library (Dag Hammarskjöld Library), United Nations General Assembly Voting Data and "
              "voting records: non-commercial use, with the acknowledgement below. Automated downloads need the "
              "Library's approval.")
UNXML_TERMS = "UNxml/GAresolutions (United Nations, DGACM): acknowledge the United Nations as the source; given as is."


class PackageError(RuntimeError):
    """The package is missing, damaged or of another version; the message says which file and what to do."""


# ---------------------------------------------------------------------------------------------
# Export


def export_package(db: str | os.PathLike | None, folder: str | os.PathLike) -> dict:
    """Write the store `db` as a data package into `folder` (created; its old tables replaced).

    Returns the descriptor written as datapackage.json. Byte-identical for the same store.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    conn = store.connect(db, readonly=True)
    try:
        resources = []
        for table in _exported_tables(conn):
            arrow_table, schema = _read_table(conn, table)
            path = f"{table}.parquet"
            _write_atomically(folder / path, lambda target, t=arrow_table: _write_parquet(t, target))
            resources.append({
                "name": table,
                "path": path,
                "format": "parquet",
                "mediatype": "application/vnd.apache.parquet",
                "description": TABLE_DESCRIPTIONS.get(table, f"The store's table {table}."),
                "rows": arrow_table.num_rows,
                "bytes": (folder / path).stat().st_size,
                "hash": "sha256:" + hashlib.sha256((folder / path).read_bytes()).hexdigest(),
                "schema": schema,
            })
        descriptor = _descriptor(conn, resources)
    finally:
        conn.close()
    for stale in folder.glob("*.parquet"):  # a table the store no longer has
        if stale.name not in {r["path"] for r in resources}:
            stale.unlink()
    text = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
    _write_atomically(folder / DESCRIPTOR, lambda target: target.write_text(text, encoding="utf-8"))
    return descriptor


def _exported_tables(conn: sqlite3.Connection) -> list[str]:
    return [name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]


def _columns(conn: sqlite3.Connection, table: str) -> list[tuple[str, str, bool, int]]:
    """(name, declared type, not null, position in the primary key or 0) of each column, in order."""
    return [(row[1], (row[2] or "").upper(), bool(row[3]), row[5]) for row in conn.execute(f'PRAGMA table_info("{table}")')]


def _read_table(conn: sqlite3.Connection, table: str) -> tuple[pa.Table, dict]:
    """The table as Arrow columns, in primary-key order, and its Frictionless Table Schema."""
    columns = [c for c in _columns(conn, table) if c[0] not in BLOB_COLUMNS.get(table, ())]
    key = [name for name, _, _, position in sorted(columns, key=lambda c: c[3]) if position]
    order = key + [name for name, *_ in columns if name not in key]
    rows = conn.execute(f'SELECT {", ".join(_quote(c[0]) for c in columns)} FROM "{table}" ORDER BY '
                        + ", ".join(_quote(name) for name in order)).fetchall()
    values = list(zip(*rows)) if rows else [()] * len(columns)
    arrays, schema_fields = [], []
    for (name, declared, not_null, _), column in zip(columns, values):
        kind = _column_kind(declared, column)
        if kind == "integer":
            array = pa.array(column, type=pa.int64())
        elif kind == "number":
            array = pa.array(column, type=pa.float64())
        elif kind == "date":
            array = pa.array([None if v is None else _parse_date(v) for v in column], type=pa.date32())
        else:
            array = pa.array([None if v is None else str(v) for v in column], type=pa.string())
        arrays.append(array)
        described = {"name": name, "type": kind}
        if (table, name) in FIELD_DESCRIPTIONS:
            described["description"] = FIELD_DESCRIPTIONS[table, name]
        if not_null:
            described["constraints"] = {"required": True}
        schema_fields.append(described)
    schema = {"fields": schema_fields}
    if key:
        schema["primaryKey"] = key
    return pa.table(arrays, names=[c[0] for c in columns]), schema


def _column_kind(declared: str, values: tuple) -> str:
    """The Frictionless type of a column: from SQLite's declared type, and `date` for a text column
    whose every value is an ISO date (so readers get dates, and the import writes the same text back)."""
    if "INT" in declared:
        return "integer"
    if any(word in declared for word in ("REAL", "FLOA", "DOUB")):
        return "number"
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, str) and len(v) == 10 and _ISO_DATE.fullmatch(v) for v in present):
        return "date"
    return "string"


def _parse_date(text: str):
    from datetime import date
    return date.fromisoformat(text)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _write_parquet(table: pa.Table, target: Path) -> None:
    # No pandas metadata and one row group: the bytes depend on the data and pyarrow's version only.
    pq.write_table(table.replace_schema_metadata(None), target, compression="zstd", compression_level=9,
                   use_dictionary=True, row_group_size=max(1, table.num_rows), write_statistics=True)


def _write_atomically(path: Path, write) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}", suffix=".tmp")
    os.close(handle)
    try:
        write(Path(temporary))
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def _descriptor(conn: sqlite3.Connection, resources: list[dict]) -> dict:
    """The datapackage.json: what the package holds, its sources, their terms and acknowledgement."""
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    first, last, votes = conn.execute("SELECT MIN(date), MAX(date), COUNT(*) FROM roll_calls").fetchone()
    member_votes = conn.execute("SELECT COUNT(*) FROM votes").fetchone()[0]
    return {
        "profile": "tabular-data-package",
        "name": "unga-recorded-votes",
        "title": "UN General Assembly recorded votes",
        "description": (f"Every resolution the United Nations General Assembly adopted by a recorded vote from "
                        f"{first} to {last} ({votes:,} votes), with each member state's vote ({member_votes:,} "
                        "rows, non-voting members included), and the tables needed to read the country codes. "
                        "Built by `python -m scraper export --package` from the project's store; never edited by hand."),
        "version": meta.get("data_version", "empty"),
        "data_version": meta.get("data_version", "empty"),
        "package_format": PACKAGE_FORMAT,
        "temporal": {"start": first, "end": last},
        "licenses": [
            {"name": "UN-terms", "title": "United Nations data: non-commercial use with the acknowledgements below "
             "(UN Digital Library); acknowledge the United Nations as the source (UNxml extracts)",
             "path": "https://digitallibrary.un.org"},
        ],
        "sources": _sources(conn),
        "acknowledgements": acknowledgements(conn),
        "terms": [UNDL_TERMS, UNXML_TERMS],
        "resources": resources,
    }


def _sources(conn: sqlite3.Connection) -> list[dict]:
    kinds = {kind for (kind,) in conn.execute("SELECT DISTINCT kind FROM sources")}
    sources = []
    if any(kind.startswith("undl") for kind in kinds):
        sources.append({"title": "UN Digital Library, United Nations General Assembly Voting Data (record 4060887) "
                                 "and voting records", "path": "https://digitallibrary.un.org/record/4060887"})
    if "unxml" in kinds:
        sources.append({"title": "UNxml/GAresolutions: the UN's per-session extracts of General Assembly "
                                 "resolutions (United Nations, DGACM)", "path": "https://github.com/UNxml/GAresolutions"})
    return sources


def acknowledgements(conn: sqlite3.Connection) -> list[str]:
    """The acknowledgements the sources ask for, with the dates the store's own sources carry."""
    out = []
    undl = conn.execute("SELECT MAX(COALESCE(retrieved_at, imported_at)) FROM sources WHERE kind LIKE 'undl%'").fetchone()[0]
    if undl:
        out.append(f"© United Nations, {undl[:4]}, https://digitallibrary.un.org, downloaded on {undl[:10]}")
    if conn.execute("SELECT 1 FROM sources WHERE kind = 'unxml' LIMIT 1").fetchone():
        out.append("Source: United Nations (UNxml/GAresolutions, Department for General Assembly and Conference "
                   "Management), https://github.com/UNxml/GAresolutions")
    return out


# ---------------------------------------------------------------------------------------------
# Import


def read_descriptor(folder: str | os.PathLike = DEFAULT_PACKAGE) -> dict:
    """The package's datapackage.json, checked (see `package_problems`). Raises PackageError."""
    path = Path(folder) / DESCRIPTOR
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise PackageError(f"no data package at {Path(folder).name}/ ({DESCRIPTOR} is missing)") from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PackageError(f"{DESCRIPTOR}: cannot be read ({error})") from error
    problems = package_problems(descriptor)
    if problems:
        raise PackageError(f"{DESCRIPTOR}: {problems[0]}" + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
    return descriptor


def package_problems(descriptor: object) -> list[str]:
    """What is wrong with a datapackage.json against the rules of Frictionless' tabular data package
    that this package follows (and its own keys); [] when it is valid."""
    problems: list[str] = []
    if not isinstance(descriptor, dict):
        return ["the descriptor is not a JSON object"]
    for key, kind in (("name", str), ("resources", list), ("licenses", list), ("sources", list),
                      ("data_version", str), ("package_format", int), ("acknowledgements", list)):
        if not isinstance(descriptor.get(key), kind):
            problems.append(f"'{key}' must be a {kind.__name__}")
    if isinstance(descriptor.get("name"), str) and not re.fullmatch(r"[a-z0-9._-]+", descriptor["name"]):
        problems.append("'name' must be lower case letters, digits, '.', '-' or '_'")
    if descriptor.get("package_format") not in (None, PACKAGE_FORMAT) and isinstance(descriptor.get("package_format"), int):
        problems.append(f"package format {descriptor['package_format']} is not {PACKAGE_FORMAT}: update the project")
    for license_ in descriptor.get("licenses") or []:
        if not isinstance(license_, dict) or not (license_.get("name") or license_.get("path")):
            problems.append("each license needs a name or a path")
    for source in descriptor.get("sources") or []:
        if not isinstance(source, dict) or not isinstance(source.get("title"), str):
            problems.append("each source needs a title")
    names = set()
    for index, resource in enumerate(descriptor.get("resources") or []):
        where = f"resource {index + 1}"
        if not isinstance(resource, dict):
            problems.append(f"{where} is not an object")
            continue
        name, path = resource.get("name"), resource.get("path")
        if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9._-]+", name):
            problems.append(f"{where}: 'name' must be lower case letters, digits, '.', '-' or '_'")
        elif name in names:
            problems.append(f"{where}: the name {name} is used twice")
        names.add(name)
        # A plain file name inside the package: never a path that leaves it.
        if not isinstance(path, str) or not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9._-]*\.parquet", path):
            problems.append(f"{where}: 'path' must be a .parquet file name inside the package")
        if not isinstance(resource.get("hash"), str) or not re.fullmatch(r"sha256:[0-9a-f]{64}", resource["hash"]):
            problems.append(f"{where}: 'hash' must be sha256:<64 hex digits>")
        if not isinstance(resource.get("rows"), int) or resource["rows"] < 0:
            problems.append(f"{where}: 'rows' must be a count")
        schema = resource.get("schema")
        if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list) or not schema["fields"]:
            problems.append(f"{where}: 'schema' needs a list of fields")
            continue
        field_names = []
        for field_ in schema["fields"]:
            if not isinstance(field_, dict) or not isinstance(field_.get("name"), str):
                problems.append(f"{where}: each field needs a name")
                continue
            field_names.append(field_["name"])
            if field_.get("type") not in ("string", "integer", "number", "date"):
                problems.append(f"{where}: field {field_['name']} has type {field_.get('type')!r}")
        if len(set(field_names)) != len(field_names):
            problems.append(f"{where}: a field name is used twice")
        for key_name in schema.get("primaryKey", []):
            if key_name not in field_names:
                problems.append(f"{where}: primary key {key_name} is not a field")
    for required in ("roll_calls", "votes"):
        if isinstance(descriptor.get("resources"), list) and required not in names:
            problems.append(f"the package has no {required} table")
    return problems


def import_package(folder: str | os.PathLike = DEFAULT_PACKAGE, db: str | os.PathLike | None = None,
                   progress=None, *, only_if_empty: bool = False) -> dict:
    """Replace the contents of store `db` with the package in `folder`, in one transaction.

    Every table file is read and checked (its SHA-256, its columns) before the store is touched, so
    a damaged package leaves the store as it was. With `only_if_empty`, a store that holds votes by
    the time the write lock is taken (another import got there first) is left as it is.
    `progress(fraction, text)` is called as it goes. Returns the descriptor.
    """
    folder = Path(folder)
    descriptor = read_descriptor(folder)
    report = progress or (lambda fraction, text: None)
    tables: dict[str, pa.Table] = {}
    resources = descriptor["resources"]
    for index, resource in enumerate(resources):
        report(0.3 * index / len(resources), f"Reading {resource['path']}…")
        tables[resource["name"]] = _read_resource(folder, resource)
    conn = store.connect(db)
    try:
        with store._transaction(conn):
            if only_if_empty and conn.execute("SELECT 1 FROM roll_calls LIMIT 1").fetchone():
                return descriptor  # (commits the empty transaction)
            present = set(_exported_tables(conn))
            for name in [n for n in tables if n not in present]:
                raise PackageError(f"{name}.parquet: the store has no table {name}: a newer project made this package; update the project")
            for table in sorted(present):
                conn.execute(f"DELETE FROM {_quote(table)}")
            total = sum(t.num_rows for t in tables.values()) or 1
            done = 0
            for name, table in tables.items():
                if name != "observations":
                    _insert(conn, name, table)
                done += table.num_rows
                report(0.3 + 0.6 * done / total, f"Saving {name} ({table.num_rows:,} rows)…")
            report(0.9, "Recording each vote's source…")
            _record_observations(conn, tables.get("observations"))
    finally:
        conn.close()
    report(1.0, "Done.")
    return descriptor


def _read_resource(folder: Path, resource: dict) -> pa.Table:
    path = folder / resource["path"]
    try:
        if path.stat().st_size > MAX_TABLE_BYTES:
            raise PackageError(f"{resource['path']}: larger than {MAX_TABLE_BYTES // 2**20} MB: not a table of this package")
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise PackageError(f"{resource['path']}: missing from the package") from error
    except OSError as error:
        raise PackageError(f"{resource['path']}: cannot be read ({error.strerror})") from error
    if "sha256:" + hashlib.sha256(data).hexdigest() != resource["hash"]:
        raise PackageError(f"{resource['path']}: damaged (its SHA-256 differs from the one in {DESCRIPTOR}); "
                           "restore it with git checkout data/package")
    try:
        table = pq.read_table(pa.BufferReader(data))
    except Exception as error:  # pyarrow raises its own error types for a bad file
        raise PackageError(f"{resource['path']}: not a readable Parquet file ({error})") from error
    expected = [f["name"] for f in resource["schema"]["fields"]]
    if table.column_names != expected or table.num_rows != resource["rows"]:
        raise PackageError(f"{resource['path']}: its columns or row count differ from {DESCRIPTOR}")
    return table


def _insert(conn: sqlite3.Connection, name: str, table: pa.Table) -> None:
    known = {column for column, *_ in _columns(conn, name)}
    unknown = [column for column in table.column_names if column not in known]
    if unknown:
        raise PackageError(f"{name}.parquet: columns {', '.join(unknown)} are not in the store: a newer project made "
                           "this package; update the project")
    statement = (f"INSERT INTO {_quote(name)} ({', '.join(map(_quote, table.column_names))}) "
                 f"VALUES ({', '.join('?' * table.num_columns)})")
    # In slices: a million rows as Python objects at once would take hundreds of MB (a free host has 1 GB).
    for batch in table.to_batches(max_chunksize=50_000):
        columns = []
        for column in batch.columns:
            values = column.to_pylist()
            if pa.types.is_date32(column.type):
                values = [None if v is None else v.isoformat() for v in values]
            columns.append(values)
        conn.executemany(statement, zip(*columns))


def _record_observations(conn: sqlite3.Connection, observations: pa.Table | None) -> None:
    """Rebuild the sources' records the package leaves out, so a later sync or import ranks its new
    records against them. Each record is its roll call's row under the record's own symbol, record
    id and tallies, with the roll call's member votes when it comes from the chosen source (records
    merged into one roll call have every member's vote alike, by the merge rule), else counts only.
    A package without an `observations` table (an older one) gets one record per roll call."""
    roll_call_fields = {f.name for f in fields(RollCall)} - {"votes"}
    latest_source = dict(conn.execute("SELECT kind, MAX(source_id) FROM sources GROUP BY kind"))
    cursor = conn.execute("SELECT * FROM roll_calls ORDER BY roll_call_id")
    names = [d[0] for d in cursor.description]
    calls = [dict(zip(names, row)) for row in cursor]
    by_roll_call: dict[int, list[dict]] = {}
    if observations is not None:
        for row in observations.to_pylist():
            by_roll_call.setdefault(row["roll_call_id"], []).append(row)
    # Plain lists in MemberVote's field order (encoded alike; a million named tuples cost a second),
    # a few hundred roll calls at a time so memory stays small.
    for start in range(0, len(calls), 500):
        chunk = calls[start:start + 500]
        members: dict[int, list] = {}
        for roll_call_id, *member in conn.execute(
                "SELECT roll_call_id, country_name, vote, country_code, stated_intention FROM votes"
                " WHERE roll_call_id BETWEEN ? AND ? ORDER BY roll_call_id, country_code",
                (chunk[0]["roll_call_id"], chunk[-1]["roll_call_id"])):
            members.setdefault(roll_call_id, []).append(member)
        rows = []
        for call in chunk:
            values = {k: v for k, v in call.items() if k in roll_call_fields}
            for name in ("subjects", "sponsors", "additional_sponsors", "sdgs"):
                if name in values:
                    values[name] = tuple(values[name].split("|")) if values[name] else ()
            records = by_roll_call.get(call["roll_call_id"])
            if records is None:  # an older package: the roll call's own row, as its chosen source's record
                source_id = latest_source.get(call["source"])
                if source_id is None:
                    continue
                records = [{"source_kind": call["source"], "symbol": call["symbol"], "source_id": source_id,
                            "undl_id": call.get("undl_id"), "merged": ""}]
            for observed in records:
                same_source = observed["source_kind"] == call["source"]
                record = RollCall(**{**values, "symbol": observed["symbol"], "undl_id": observed.get("undl_id")},
                                  votes=members.get(call["roll_call_id"], []) if same_source else [])
                for tally in ("yes", "no", "abstain", "non_voting", "members"):
                    if observed.get(tally) is not None:
                        setattr(record, tally, observed[tally])
                rows.append((observed["source_kind"], observed["symbol"], call["roll_call_id"], observed["source_id"],
                             observed.get("undl_id"), record.yes, record.no, record.abstain, record.non_voting,
                             record.members, store._encode(record), observed.get("merged") or ""))
        conn.executemany("INSERT INTO observations (source_kind, symbol, roll_call_id, source_id, undl_id, yes, no,"
                         " abstain, non_voting, members, record, merged) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         rows)


def package_summary(folder: str | os.PathLike = DEFAULT_PACKAGE) -> str:
    """One line: what the package holds (for messages), or why it cannot be used."""
    try:
        descriptor = read_descriptor(folder)
    except PackageError as error:
        return f"no usable data package: {error}"
    rows = {r["name"]: r["rows"] for r in descriptor["resources"]}
    # Every roll call the store keeps, decisions and records left out of analysis included
    # (`python -m scraper status` counts the resolutions adopted by a recorded vote).
    return (f"{rows.get('roll_calls', 0):,} roll calls from {descriptor['temporal']['start']} to "
            f"{descriptor['temporal']['end']} (data version {descriptor['data_version']})")


def warm_caches(db: str | os.PathLike) -> None:
    """Compute and keep on disk every frame derived from the whole store (the votes frame, the topic
    tags, the ideal points), so the first visitor to any page waits no longer than the second.

    What `setup`, `import`, `sync` and the dashboard's first build do last. Each cache is filed
    under the store's data version (`scraper.cache`), so this costs nothing when they are warm.
    """
    from analysis.idealpoints import cached_ideal_points
    from analysis.topics import cached_topic_tags
    from scraper.cache import prepare_votes

    if store.data_version(db) == "empty":
        return
    prepare_votes(db)
    cached_topic_tags(db)
    cached_ideal_points(db)


CITATION = REPOSITORY / "CITATION.cff"
_CITATION_VERSION = re.compile(r'^(\s*version: )"[^"]*"(\s*# data version.*)$', re.MULTILINE)
_CITATION_SPAN = re.compile(r"Recorded votes \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}")


def stamp_citation(descriptor: dict, citation: Path = CITATION) -> bool:
    """Write the package's data version and span into CITATION.cff (after the repository's own
    package was rebuilt); True if the file changed."""
    try:
        text = citation.read_text(encoding="utf-8")
    except OSError:
        return False
    stamped = _CITATION_VERSION.sub(lambda m: f'{m[1]}"{descriptor["data_version"]}"{m[2]}', text)
    stamped = _CITATION_SPAN.sub(f"Recorded votes {descriptor['temporal']['start']} to {descriptor['temporal']['end']}",
                                 stamped)
    if stamped != text:
        citation.write_text(stamped, encoding="utf-8")
    return stamped != text


def cited_data_version(citation: Path = CITATION) -> str | None:
    """The data version CITATION.cff cites, or None."""
    try:
        match = _CITATION_VERSION.search(citation.read_text(encoding="utf-8"))
    except OSError:
        return None
    return match[0].split('"')[1] if match else None
