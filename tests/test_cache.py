"""The disk cache of frames derived from the store (scraper/cache.py): equal to what it caches,
keyed by the data version, rebuilt when damaged, never filed under the wrong version."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis import topics
from scraper import cache, store
from scraper.importing import import_files
from tests.conftest import write_small_bulk_file


@pytest.fixture()
def db(small_store, tmp_path):
    path = tmp_path / "unvotes.sqlite"
    shutil.copy(small_store, path)
    return path


def votes_file(db):
    return cache.cache_path(db, "votes", store.data_version(db))


def test_cached_votes_equal_the_store_and_are_read_back_from_the_file(db):
    first = cache.cached_votes(db)
    pd.testing.assert_frame_equal(first, store.load_votes(db))
    path = votes_file(db)
    assert path.exists() and path.parent == db.parent / "cache"
    written = path.stat().st_mtime_ns
    pd.testing.assert_frame_equal(cache.cached_votes(db), first)  # every dtype survives the round trip
    assert path.stat().st_mtime_ns == written  # read, not rebuilt


def test_a_new_data_version_replaces_the_old_file(db, tmp_path):
    cache.cached_votes(db)
    old = votes_file(db)
    import_files([write_small_bulk_file(tmp_path / "more.csv.gz", seed=11, years=range(2025, 2026))], db=db,
                 show_progress=False)
    new = cache.cached_votes(db)
    assert new["date"].max() >= pd.Timestamp("2025-01-01")
    pd.testing.assert_frame_equal(new, store.load_votes(db))
    assert votes_file(db).exists() and not old.exists()


def test_a_damaged_file_is_rebuilt(db):
    cache.cached_votes(db)
    path = votes_file(db)
    path.write_bytes(path.read_bytes()[:100])
    pd.testing.assert_frame_equal(cache.cached_votes(db), store.load_votes(db))
    pd.testing.assert_frame_equal(pd.read_feather(path), store.load_votes(db))


def test_a_folder_that_cannot_be_written_only_costs_time(db):
    (db.parent / "cache").write_text("a file where the cache folder would go")
    pd.testing.assert_frame_equal(cache.cached_votes(db), store.load_votes(db))


def test_a_store_that_changes_while_building_is_not_cached_under_either_version(db, tmp_path):
    before = store.data_version(db)
    more = write_small_bulk_file(tmp_path / "more.csv.gz", seed=11, years=range(2025, 2026))

    def build_while_a_sync_lands():
        frame = store.load_votes(db)
        import_files([more], db=db, show_progress=False)
        return frame

    cache.cached_frame(db, "votes", build_while_a_sync_lands)
    assert store.data_version(db) != before
    assert not list(db.parent.glob("cache/votes-*"))
    pd.testing.assert_frame_equal(cache.cached_votes(db), store.load_votes(db))


def test_cached_topic_tags_equal_tagging_afresh(db):
    roll_calls = store.load_roll_calls(db)
    fresh = topics.tag_roll_calls(roll_calls, topics.load_labels(roll_calls), subjects=False)
    fresh = fresh[fresh["topic"].isin(topics.TOPIC_IDS)].reset_index(drop=True)
    assert len(fresh) > 0
    pd.testing.assert_frame_equal(topics.cached_topic_tags(db), fresh)
    assert len(list((db.parent / "cache").glob("topic_tags-*.arrow"))) == 1
    pd.testing.assert_frame_equal(topics.cached_topic_tags(db), fresh)


def test_topic_tags_are_retagged_when_the_label_files_change(db, tmp_path):
    without = topics.cached_topic_tags(db, unvotes_dir=tmp_path / "no-labels-here")
    first = {path.name for path in (db.parent / "cache").glob("topic_tags-*.arrow")}
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "un_roll_calls.csv.gz").write_bytes(b"half a pair of label files: not used, but a change all the same")
    pd.testing.assert_frame_equal(topics.cached_topic_tags(db, unvotes_dir=labels), without)
    second = {path.name for path in (db.parent / "cache").glob("topic_tags-*.arrow")}
    assert len(first) == len(second) == 1 and first != second


def test_the_import_command_leaves_the_votes_ready_for_the_dashboard(small_bulk_file, tmp_path):
    db = tmp_path / "unvotes.sqlite"
    result = subprocess.run([sys.executable, "-m", "scraper", "import", str(small_bulk_file), "--db", str(db), "--quiet"],
                            cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    pd.testing.assert_frame_equal(pd.read_feather(votes_file(db)), store.load_votes(db))
