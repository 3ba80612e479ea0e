"""Shared fixtures: the real material in ../shared (skipped without it) and a small synthetic store.

`full_store` builds the store from the real files once per test session; `small_store` builds one
from a small bulk file that `write_small_bulk_file` writes in the real layout, so tests that need a
store run everywhere. For the browser tests: `browser` (headless Chromium) and `full_dashboard` (the
dashboard served on the full store).
"""
from __future__ import annotations

import csv
import gzip
import os
import random
from pathlib import Path

import pytest

from scraper.importing import import_files

REPOSITORY = Path(__file__).resolve().parent.parent
SHARED = REPOSITORY.parent / "shared"
BULK_FILE = SHARED / "data" / "undl_ga_voting_1946-2025.csv.gz"
UNXML_DIR = SHARED / "data" / "unxml"
UNDL_FIXTURES = SHARED / "fixtures" / "undl"
UNVOTES_DIR = SHARED / "data" / "unvotes"

# The tests tag topics with Voeten's labels where ../shared has them, as a researcher who names them
# would (the product itself reads them only from $UNGA_UNVOTES_DIR: no default outside the checkout).
if UNVOTES_DIR.is_dir():
    os.environ.setdefault("UNGA_UNVOTES_DIR", str(UNVOTES_DIR))

BULK_COLUMNS = ["undl_id", "ms_code", "ms_name", "ms_vote", "date", "session", "resolution", "draft",
                "committee_report", "meeting", "title", "agenda_title", "subjects", "vote_note", "total_yes",
                "total_no", "total_abstentions", "total_non_voting", "total_ms", "undl_link"]


def _need_shared() -> None:
    if not BULK_FILE.exists():
        pytest.skip(f"needs the real data in {SHARED} (../shared beside the checkout), which is absent here")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    _need_shared()
    return SHARED


@pytest.fixture(scope="session")
def full_store(tmp_path_factory) -> Path:
    """A store built from ../shared's bulk file and every UN extract (about 20 s, once per session)."""
    _need_shared()
    db = tmp_path_factory.mktemp("full") / "unvotes.sqlite"
    import_files([BULK_FILE, *sorted(UNXML_DIR.glob("*.json"))], db=db, show_progress=False)
    return db


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium, one per test module (skips without it or without playwright)."""
    from tests.dashboard_helpers import launch_chromium  # imports Streamlit: only for the tests that ask

    yield from launch_chromium()


@pytest.fixture(scope="module")
def full_dashboard(full_store, request):
    """The address of the dashboard served by `streamlit run` on 127.0.0.1, reading the full store;
    one server per test module, its output in artifacts/streamlit-<module>.log."""
    from tests.dashboard_helpers import ARTIFACTS, CHROMIUM, serving

    if not CHROMIUM.exists():  # no browser to look at it: don't start a server for nothing
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    ARTIFACTS.mkdir(exist_ok=True)
    with serving(full_store, ARTIFACTS / f"streamlit-{request.module.__name__.rpartition('.')[2]}.log") as base:
        yield base


# Countries of the small store: (code, name as the Library writes it, bloc). Votes follow the bloc's
# line with a little noise, so clustering and agreement have something real to find.
SMALL_COUNTRIES = [
    ("USA", "UNITED STATES", "west"), ("ISR", "ISRAEL", "west"), ("GBR", "UNITED KINGDOM", "west"),
    ("FRA", "FRANCE", "west"), ("DEU", "GERMANY", "west"), ("CAN", "CANADA", "west"),
    ("RUS", "RUSSIAN FEDERATION", "east"), ("BLR", "BELARUS", "east"), ("CHN", "CHINA", "east"),
    ("CUB", "CUBA", "south"), ("IND", "INDIA", "south"), ("MMR", "MYANMAR", "south"),
    ("BRA", "BRAZIL", "south"), ("ZAF", "SOUTH AFRICA", "south"), ("EGY", "EGYPT", "south"),
    ("UKR", "UKRAINE", "east"),
]
_BLOC_LINES = {  # how each bloc tends to vote on each kind of resolution
    "human rights": {"west": "Y", "east": "N", "south": "A"},
    "embargo against Cuba": {"west": "N", "east": "Y", "south": "Y"},
    "nuclear weapons": {"west": "N", "east": "A", "south": "Y"},
    "development": {"west": "A", "east": "Y", "south": "Y"},
}


def write_small_bulk_file(path: Path, *, seed: int = 7, years: range = range(1985, 2025), per_year: int = 8) -> Path:
    """Write a small bulk file in the Library's real layout: 16 states, `per_year` votes a year.

    Before 1992 Russia and Ukraine appear under their Soviet names (USSR, UKRAINIAN SSR), and the
    Federal Republic of Germany under its own, so name mapping is exercised too.
    """
    rng = random.Random(seed)
    rows = []
    undl_id = 900000
    topics = list(_BLOC_LINES)
    for year in years:
        for number in range(1, per_year + 1):
            undl_id += 1
            topic = topics[number % len(topics)]
            session = year - 1945
            symbol = f"A/RES/{session}/{number}"
            date = f"{year}-12-{10 + number:02d}"
            votes = []
            for code, name, bloc in SMALL_COUNTRIES:
                if year < 1992 and code in ("RUS", "UKR", "DEU"):
                    name = {"RUS": "USSR", "UKR": "UKRAINIAN SSR", "DEU": "GERMANY, FEDERAL REPUBLIC OF"}[code]
                    code = {"RUS": "", "UKR": "", "DEU": ""}[code]
                vote = _BLOC_LINES[topic][bloc]
                roll = rng.random()
                if roll < 0.08:
                    vote = rng.choice("YNA")
                elif roll < 0.12:
                    vote = "X"
                votes.append((code, name, vote))
            counts = {v: sum(1 for _, _, x in votes if x == v) for v in "YNAX"}
            title = f"Resolution on {topic} {year}/{number}"
            if topic == "embargo against Cuba":
                title = ("Necessity of ending the economic, commercial and financial embargo imposed by the "
                         "United States of America against Cuba")
            for code, name, vote in votes:
                rows.append({
                    "undl_id": undl_id, "ms_code": code, "ms_name": name, "ms_vote": vote, "date": date,
                    "session": session, "resolution": symbol, "draft": "", "committee_report": "",
                    "meeting": f"A/{session}/PV.{number + 40}", "title": f"{title} : resolution / adopted by the General Assembly",
                    "agenda_title": f"A/{session}/100 {number} {topic.capitalize()}.", "subjects": "", "vote_note": "",
                    "total_yes": f"{counts['Y']}.0", "total_no": f"{counts['N']}.0",
                    "total_abstentions": f"{counts['A']}.0", "total_non_voting": f"{counts['X']}.0",
                    "total_ms": f"{len(votes)}.0", "undl_link": f"https://digitallibrary.un.org/record/{undl_id}",
                })
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=BULK_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="session")
def small_bulk_file(tmp_path_factory) -> Path:
    return write_small_bulk_file(tmp_path_factory.mktemp("small") / "small_bulk.csv.gz")


@pytest.fixture(scope="session")
def small_store(tmp_path_factory, small_bulk_file) -> Path:
    """A store of 16 states × 40 years (1985–2024) × 8 votes built from `write_small_bulk_file` (under a second)."""
    db = tmp_path_factory.mktemp("small_store") / "unvotes.sqlite"
    import_files([small_bulk_file], db=db, show_progress=False)
    return db
