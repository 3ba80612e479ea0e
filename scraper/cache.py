"""Frames derived from the whole store, kept on disk beside it and keyed by its data version.

Reading all 949,611 member votes out of SQLite takes about a second; the same frame from an Arrow
file takes 0.05 s. Whatever is computed from the whole store (the votes frame, the topic tags, the
ideal points) is therefore kept in `<store's folder>/cache/` between runs of the dashboard and the
command line. A file's name carries the store's `data_version` and the builder's own key (a model
version, a checksum), so a sync or a new model never serves a stale result; writing a new version
removes the older versions of that frame.

Arrow IPC (feather) rather than parquet: it keeps every dtype the loaders produce (second-resolution
dates, categoricals) exactly, so a frame read back equals the frame built.
"""
from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from scraper.store import data_version

SUFFIX = ".arrow"


def cache_dir(db: str | os.PathLike) -> Path:
    """The folder of store `db`'s cached frames: `cache/` beside the store file."""
    return Path(db).resolve().parent / "cache"


def cache_path(db: str | os.PathLike, name: str, version: str, key: str = "") -> Path:
    """The file that holds frame `name` (built with `key`) of store `db` at data version `version`."""
    # Names are single words (underscores, no hyphen): "name-" then starts only this frame's files.
    parts = [name, version] + ([key] if key else [])
    return cache_dir(db) / ("-".join(re.sub(r"[^0-9A-Za-z._]+", "_", part) for part in parts) + SUFFIX)


def cached_frame(db: str | os.PathLike, name: str, build: Callable[[], pd.DataFrame], key: str = "") -> pd.DataFrame:
    """Frame `name` of store `db`: read from the cache, or `build()` and written there.

    `build` must read the store `db` and nothing else that changes without changing `key`. The
    result is written only when the store's version was the same before and after building (a sync
    that lands meanwhile would otherwise file new data under the old version). A folder that cannot
    be written (a read-only deployment) or a damaged file only costs the time to build.
    """
    version = data_version(db)
    path = cache_path(db, name, version, key)
    try:
        return pd.read_feather(path)
    except Exception:  # missing, or damaged or truncated (pyarrow raises its own error types): build it
        pass
    frame = build()
    if data_version(db) != version:
        return frame
    try:
        _write_atomically(frame, path)
        _remove_other_versions(path, name)
    except OSError:
        pass
    return frame


def _write_atomically(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write then rename: a reader never sees half a file, and two writers never mix theirs.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.stem, suffix=".tmp")
    os.close(handle)
    try:
        frame.reset_index(drop=True).to_feather(temporary, compression="zstd")
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def _remove_other_versions(kept: Path, name: str) -> None:
    """Delete the files of frame `name` other than `kept` (older data versions or keys)."""
    for other in kept.parent.glob(f"{name}-*{SUFFIX}"):
        if other != kept:
            try:
                other.unlink()
            except OSError:
                pass


def prepare_votes(db: str | os.PathLike) -> None:
    """Write the votes frame of store `db` to the cache unless it is there already (or the store is
    empty or absent): what `import`, `setup`, `sync` and `rebuild` do last, so the dashboard's and
    `python -m analysis`'s first start after them does not pay the second it takes to read the store."""
    if not Path(db).exists():
        return
    version = data_version(db)
    if version != "empty" and not cache_path(db, "votes", version).exists():
        cached_votes(db)


def cached_votes(db: str | os.PathLike, *, all_kinds: bool = False) -> pd.DataFrame:
    """`scraper.store.load_votes(db, all_kinds=...)`, through the cache: every member vote, in 0.05 s
    instead of 1 s. The two selections are two frames with their own files ("votes", "votes_all_kinds"),
    so asking for one never evicts the other."""
    from scraper.store import load_votes

    return cached_frame(db, "votes_all_kinds" if all_kinds else "votes", lambda: load_votes(db, all_kinds=all_kinds))
