"""The archive of raw captures: every fetched body kept untouched, so the store can be rebuilt offline.

Layout under the archive's root (default `data/raw/`, beside the store):

    objects/<sha256[:2]>/<sha256>   one file per distinct body, named by its SHA-256
    manifest.jsonl                  one JSON line per retrieval: url, retrieved_at, sha256, status,
                                    content_type, source_kind
    validators.json                 ETag / Last-Modified last seen per URL (for conditional requests)

A body is written to a temporary file, fsynced and renamed before its manifest line is appended and
fsynced, so a kill -9 at any moment leaves either no line or a line whose body is whole. A torn last
line (killed mid-append) is skipped on reading and fenced off on the next append.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

MANIFEST_NAME = "manifest.jsonl"
VALIDATORS_NAME = "validators.json"


class RawArchiveError(ValueError):
    """The archive on disk is not what its manifest says (a body missing or altered)."""


@dataclass(frozen=True)
class RawEntry:
    """One retrieval recorded in the manifest: where a body came from, when, and what it is."""

    url: str
    retrieved_at: str
    sha256: str
    status: int
    content_type: str
    source_kind: str


def default_raw_dir(db: str | os.PathLike[str]) -> Path:
    """`raw/` beside the store: data/unvotes.sqlite → data/raw/."""
    return Path(db).resolve().parent / "raw"


def _fsync_dir(path: Path) -> None:
    # Makes the rename itself durable; not possible on every platform (Windows), where it is skipped.
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that `path` is either absent/old or whole and durable, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise
    _fsync_dir(path.parent)


class RawArchive:
    """Raw captures under one root directory; see the module docstring for the layout."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)

    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST_NAME

    def object_path(self, sha256: str) -> Path:
        return self.root / "objects" / sha256[:2] / sha256

    def store(
        self,
        body: bytes,
        *,
        url: str,
        status: int,
        content_type: str,
        source_kind: str,
        retrieved_at: str | None = None,
    ) -> RawEntry:
        """Keep `body` untouched and record the retrieval; returns the manifest entry."""
        sha256 = hashlib.sha256(body).hexdigest()
        path = self.object_path(sha256)
        if not path.exists():
            write_atomically(path, body)
        entry = RawEntry(
            url=url,
            retrieved_at=retrieved_at or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            sha256=sha256,
            status=status,
            content_type=content_type,
            source_kind=source_kind,
        )
        self._append_line(json.dumps(asdict(entry), sort_keys=True))
        return entry

    def _append_line(self, line: str) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.manifest_path, "ab+") as manifest:
            manifest.seek(0, os.SEEK_END)
            prefix = b""
            if manifest.tell() > 0:
                manifest.seek(-1, os.SEEK_END)
                if manifest.read(1) != b"\n":
                    # A previous run died mid-line: end that torn line so this one stands alone.
                    prefix = b"\n"
            manifest.write(prefix + line.encode("utf-8") + b"\n")
            manifest.flush()
            os.fsync(manifest.fileno())

    def entries(self) -> Iterator[RawEntry]:
        """Every retrieval in the order it happened; torn or unreadable lines are skipped."""
        if not self.manifest_path.exists():
            return
        with open(self.manifest_path, "rb") as manifest:
            for line in manifest:
                if not line.endswith(b"\n"):
                    continue  # torn by a kill mid-append: its body may be whole but the record of it is not
                try:
                    fields = json.loads(line)
                    yield RawEntry(**fields)
                except (ValueError, TypeError):
                    continue

    def read(self, entry: RawEntry) -> bytes:
        """The body of `entry`, checked against its SHA-256."""
        path = self.object_path(entry.sha256)
        try:
            body = path.read_bytes()
        except FileNotFoundError as error:
            raise RawArchiveError(
                f"{path}: body of {entry.url} (retrieved {entry.retrieved_at}) is missing from the raw archive."
            ) from error
        if hashlib.sha256(body).hexdigest() != entry.sha256:
            raise RawArchiveError(
                f"{path}: body of {entry.url} does not match its SHA-256; the raw archive was altered."
            )
        return body

    def has(self, sha256: str) -> bool:
        return self.object_path(sha256).exists()

    def load_validators(self) -> dict[str, dict[str, str]]:
        """URL → {"etag", "last_modified", "sha256"} of the last body saved into the store from that URL."""
        path = self.root / VALIDATORS_NAME
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except ValueError:
            # Only ever written atomically, so this is hand damage; forgetting it costs one full fetch per URL.
            return {}

    def save_validators(self, validators: dict[str, dict[str, str]]) -> None:
        write_atomically(
            self.root / VALIDATORS_NAME, json.dumps(validators, indent=1, sort_keys=True).encode("utf-8")
        )
