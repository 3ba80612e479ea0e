"""How to cite a result: the tool's version, the store's data version and the sources it was built from.

`citation(db)` is what `python -m analysis --cite` prints; the sources' own citations and terms are
those of README.md's "Sources, citation and terms".
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pandas as pd

TOOL_NAME = "unga-votes: UN General Assembly voting analysis"
REPOSITORY = Path(__file__).resolve().parent.parent

SOURCE_CITATIONS = {
    "bulk": "United Nations Dag Hammarskjöld Library, General Assembly Voting Data (record 4060887), "
            "https://digitallibrary.un.org/record/4060887. © United Nations; non-commercial use with attribution.",
    "undl": "United Nations Digital Library, voting records, https://digitallibrary.un.org. © United Nations.",
    "unxml": "United Nations, DGACM, UNxml/GAresolutions: per-session extracts of General Assembly resolutions "
             "(sponsors, official tallies, subjects). Source: United Nations.",
    "voeten": "Voeten, Erik, United Nations General Assembly Voting Data, Harvard Dataverse (CC0), "
              "as packaged in the R package unvotes (MIT).",
}


def tool_version() -> str:
    """The project's version and, in a git checkout, the commit (e.g. "0.1 (commit 1e381b7)")."""
    from scraper.http import PROJECT_VERSION

    try:
        done = subprocess.run(["git", "-C", str(REPOSITORY), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=5, check=False)
        commit = done.stdout.strip() if done.returncode == 0 else ""
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"{PROJECT_VERSION} (commit {commit})" if commit else PROJECT_VERSION


def _source_kinds(sources: pd.DataFrame) -> list[str]:
    """Which of SOURCE_CITATIONS the store's sources table (column `kind`) holds, in that order."""
    kinds = {str(kind) for kind in sources.get("kind", pd.Series(dtype=str))}
    found = []
    if any(kind.endswith("bulk") for kind in kinds):
        found.append("bulk")
    if any(kind not in ("unxml",) and not kind.endswith("bulk") for kind in kinds):
        found.append("undl")
    if "unxml" in kinds:
        found.append("unxml")
    return found


def _files(sources: pd.DataFrame) -> str:
    """The imported files by name (never a path) with the start of their SHA-256, e.g. "74.json (70f4e809)"."""
    if "name" not in sources or sources.empty:
        return ""
    names = [f"{Path(str(name)).name} ({str(sha)[:8]})" for name, sha in zip(sources["name"], sources.get("sha256", [""] * len(sources)))]
    return ", ".join(dict.fromkeys(names))


def _built(sources: pd.DataFrame) -> str:
    """", last imported 2026-11-29" from the sources table (the store's own date, so the text is reproducible)."""
    if "imported_at" not in sources or sources.empty:
        return ""
    return f", last imported {str(sources['imported_at'].max())[:10]}"


def citation(db: Path) -> str:
    """Plain text: how to cite the tool, the data version and every source the store was built from."""
    from scraper import store

    version = store.data_version(db)
    calls = store.load_roll_calls(db)
    first, last = calls["date"].min(), calls["date"].max()
    try:
        sources = store.load_sources(db)
    except Exception:  # an older store without the sources table: cite every source it may hold
        sources = pd.DataFrame()
    kinds = _source_kinds(sources) or ["bulk", "undl", "unxml"]
    tool = tool_version()  # (asks git for the commit: once)
    lines = [
        "How to cite",
        "",
        f"Tool:   {TOOL_NAME}, version {tool}.",
        f"Data:   data version {version} of the vote store: {len(calls):,} recorded votes, "
        f"{first:%Y-%m-%d} to {last:%Y-%m-%d}{_built(sources)}.",
        "        Every output of `python -m analysis` carries this data version; the same store and options",
        "        give byte-identical output.",
        "Sources:",
    ]
    lines += [f"  - {SOURCE_CITATIONS[kind]}" for kind in kinds]
    lines += [f"  - {SOURCE_CITATIONS['voeten']} (topic labels 1946-2019, when used)"]
    files = _files(sources)
    if files:
        lines += ["Files imported (name, start of SHA-256):", f"  {files}"]
    lines += ["", "Example:",
              f"  Votes from the UN Digital Library and the UN's resolution extracts (data version {version}), "
              f"analysed with {TOOL_NAME.split(':')[0]} {tool.split(' ')[0]}."]
    return "\n".join(lines) + "\n"
