"""Writing a command's frame: table, CSV, JSON or Parquet, stamped with the data version and the query.

Every float is rounded to `DECIMALS` so the same store and command give byte-identical output.
"""
from __future__ import annotations

import argparse
import io
import json
import math

import numpy as np
import pandas as pd

DECIMALS = 6  # every float is rounded to this many decimals so text output is stable and readable
NOT_PART_OF_THE_QUERY = {"db", "out", "format", "command", "run", "cite", "cite_only", "cite_db"}


def describe_query(args: argparse.Namespace) -> str:
    """The command and the options that shape the result, in a fixed order (not --db, --out, --format)."""
    parts = [args.command] + [f"{key}={value}" for key, value in sorted(vars(args).items())
                              if key not in NOT_PART_OF_THE_QUERY and value is not None and value is not False and value != []]
    return " ".join(parts)


def _prepare(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_datetime64_any_dtype(series):
            out[column] = series.dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_float_dtype(series):
            out[column] = series.round(DECIMALS)
        elif isinstance(series.dtype, pd.CategoricalDtype):
            out[column] = series.astype(str)
    return out.reset_index(drop=True)


def render(frame: pd.DataFrame, fmt: str, version: str, query: str) -> bytes:
    """The bytes of `frame` in one format, stamped with the data version and the query."""
    frame = _prepare(frame)
    header = f"# data_version: {version}\n# query: {query}\n"
    if fmt == "csv":
        return (header + frame.to_csv(index=False, lineterminator="\n", float_format=f"%.{DECIMALS}g")).encode()
    if fmt == "table":
        body = frame.to_string(index=False, na_rep="", float_format=lambda v: f"{v:.{min(DECIMALS, 3)}f}") if len(frame) else "(no rows)"
        return (header + body + "\n").encode()
    if fmt == "json":
        rows = [{key: _json_value(value) for key, value in row.items()} for row in frame.to_dict(orient="records")]
        def dump(value) -> str:
            return json.dumps(value, ensure_ascii=False, allow_nan=False)

        # One row a line: readable, diffable, and still one JSON document.
        text = (f'{{"data_version": {dump(version)},\n "query": {dump(query)},\n "columns": {dump(list(frame.columns))},\n'
                f' "rows": [' + ",\n  ".join(dump(row) for row in rows) + "]}\n")
        return text.encode()
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    metadata = dict(table.schema.metadata or {})
    metadata.update({b"data_version": version.encode(), b"query": query.encode()})
    table = table.replace_schema_metadata(metadata)
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def _json_value(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value
