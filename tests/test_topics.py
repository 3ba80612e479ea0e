"""Topics: label matching on hand-made frames, the shipped classifier, and the real labels (../shared)."""
from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
import sklearn

from analysis import topics
from analysis.topics import (
    TOPIC_IDS,
    TOPIC_SLUGS,
    TOPICS,
    TopicError,
    TopicModelError,
    important_votes,
    load_topic_model,
    match_unvotes_labels,
    read_model_metadata,
    resolution_key,
    roll_calls_on_topic,
    tag_roll_calls,
    unres_key,
)


def test_topic_catalogue():
    assert list(TOPICS) == ["me", "nu", "di", "co", "hr", "ec"]
    assert TOPIC_SLUGS == {"me": "palestinian-conflict", "nu": "nuclear-weapons", "di": "arms-control",
                           "co": "colonialism", "hr": "human-rights", "ec": "economic-development"}


@pytest.mark.parametrize("symbol, key", [
    ("A/RES/75/287", "75/287/"),
    ("A/RES/75/250B", "75/250/B"),
    ("A/RES/66(I)", "1/66/"),
    ("A/RES/2200(XXI)[A]", "21/2200/A"),
    ("A/RES/33/116[B-VII]", "33/116/BVII"),
    ("A/RES/ES-10/19", "ES-10/19/"),
    ("A/RES/1004(ES-II)", "ES-2/1004/"),
    ("A/RES/63(I)[PARA.1]", None),
    ("A/RES/17(I)[RULE-73]", None),
])
def test_resolution_key_of_store_symbols(symbol, key):
    assert resolution_key(symbol) == key


@pytest.mark.parametrize("unres, key", [
    ("R/1/66", "1/66/"),
    ("R/21/2200A", "21/2200/A"),
    ("R/33/116B/VII", "33/116/BVII"),
    ("R/36/235/IV", "36/235/IV"),
    ("A/RES/71/67", "71/67/"),
    ("A/RES/ES-10/19", "ES-10/19/"),
    ("ESS/2/79", None),  # emergency-session numbering, not a resolution number
    (float("nan"), None),
])
def test_unres_key_of_unvotes_numbers(unres, key):
    assert unres_key(unres) == key


def _hand_made_labels():
    roll_calls = pd.DataFrame({
        "roll_call_id": [1, 2, 3, 4],
        "symbol": ["A/RES/2200(XXI)[A]", "A/RES/75/287", "A/RES/63(I)[PARA.1]", "A/RES/40/152Q"],
        "title": ["International covenants on human rights", "Something later", "Trusteeship", "Disarmament"],
    })
    un_roll_calls = pd.DataFrame({
        "rcid": [10, 11, 12, 13],
        "session": [21, 21, 40, 1],
        "importantvote": [0, 1, 1, 0],
        "unres": ["R/21/2200A", "R/21/2200A", "R/40/152Q", "R/1/1287/A"],
        "amend": [0, 1, None, 0],  # rcid 11 is a vote on an amendment to the same resolution
        "para": [0, 0, None, 1],
    })
    issues = pd.DataFrame({"rcid": [10, 10, 11, 12], "short_name": ["hr", "ec", "co", "di"],
                           "issue": ["Human rights", "Economic development", "Colonialism", "Arms control and disarmament"]})
    return roll_calls, un_roll_calls, issues


def test_match_takes_whole_resolution_votes_only():
    roll_calls, un_roll_calls, issues = _hand_made_labels()
    labels = match_unvotes_labels(roll_calls, un_roll_calls, issues).set_index("roll_call_id")
    assert list(labels.index) == [1, 4]  # 2 is after 2019; 3 is a paragraph vote
    assert labels.loc[1, ["hr", "ec"]].all() and not labels.loc[1, "co"]  # "co" was the amendment's code
    assert not labels.loc[1, "important"]  # the important vote was on the amendment
    assert labels.loc[4, "di"] and labels.loc[4, "important"]


def test_labels_win_over_the_classifier():
    roll_calls, un_roll_calls, issues = _hand_made_labels()
    labels = match_unvotes_labels(roll_calls, un_roll_calls, issues)
    tags = tag_roll_calls(roll_calls, labels, subjects=False)
    by_call = tags.groupby("roll_call_id")
    assert set(by_call.get_group(1)["topic"]) == {"hr", "ec"}
    assert set(by_call.get_group(1)["source"]) == {"unvotes"}
    assert (by_call.get_group(1)["score"] == 1.0).all()
    assert set(tags.loc[tags["roll_call_id"].isin([2, 3]), "source"]) <= {"classifier"}
    assert important_votes(roll_calls, labels) == {4}


def test_shipped_model_tags_obvious_titles():
    frame = pd.DataFrame({
        "roll_call_id": [1, 2, 3],
        "title": ["Establishment of a nuclear-weapon-free zone in the region of the Middle East",
                  "Israeli practices affecting the human rights of the Palestinian people in the Occupied "
                  "Palestinian Territory, including East Jerusalem",
                  "Permanent sovereignty of the Palestinian people in the Occupied Palestinian Territory over "
                  "their natural resources"],
        "agenda": ["", "", ""],
    })
    tags = tag_roll_calls(frame)
    assert "nu" in set(tags.loc[tags["roll_call_id"] == 1, "topic"])
    assert "me" in set(tags.loc[tags["roll_call_id"] == 2, "topic"])
    assert "me" in set(tags.loc[tags["roll_call_id"] == 3, "topic"])
    assert set(tags["source"]) == {"classifier"}
    assert tags["score"].between(0.5, 1).all()
    assert list(tags.columns) == ["roll_call_id", "topic", "source", "score"]


def test_un_subjects_become_tags():
    frame = pd.DataFrame({"roll_call_id": [7, 8], "title": ["Scale of assessments", "Cuba"],
                          "subjects": ["", "Sanctions|Trade Boycotts|Cuba"]})
    tags = tag_roll_calls(frame, use_classifier=False)
    assert tags.to_dict("list") == {"roll_call_id": [8, 8, 8], "topic": ["Cuba", "Sanctions", "Trade Boycotts"],
                                    "source": ["un-subjects"] * 3, "score": [1.0] * 3}


def test_roll_calls_on_topic_by_id_slug_or_label():
    tags = pd.DataFrame({"roll_call_id": [1, 2, 3], "topic": ["me", "hr", "me"], "source": "unvotes", "score": 1.0})
    assert roll_calls_on_topic(tags, "me") == roll_calls_on_topic(tags, "palestinian-conflict") == {1, 3}
    assert roll_calls_on_topic(tags, "Human rights") == {2}
    with pytest.raises(TopicError, match="unknown topic"):
        roll_calls_on_topic(tags, "fisheries")


def test_shipped_model_metadata_matches_the_installed_scikit_learn():
    metadata = read_model_metadata()
    assert metadata["scikit_learn_version"] == sklearn.__version__
    assert (topics.MODEL_DIR / topics.MODEL_FILE).stat().st_size < 5_000_000
    assert {row["topic"] for row in metadata["held_out"]} == set(TOPIC_IDS)
    assert metadata["trained_on"] and metadata["data"]["labelled_roll_calls"] > 1000


def test_a_model_from_another_scikit_learn_is_refused(tmp_path):
    shutil.copytree(topics.MODEL_DIR, tmp_path / "models")
    path = tmp_path / "models" / topics.METADATA_FILE
    metadata = json.loads(path.read_text())
    metadata["scikit_learn_version"] = "0.0.1"
    path.write_text(json.dumps(metadata))
    with pytest.raises(TopicModelError, match="scikit-learn 0.0.1"):
        load_topic_model(tmp_path / "models")


# --- the real labels (../shared) --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real(full_store, shared_dir):
    from scraper.store import load_roll_calls

    roll_calls = load_roll_calls(full_store)
    un_roll_calls, issues = topics.read_unvotes_labels(shared_dir / "data" / "unvotes")
    return roll_calls, un_roll_calls, issues, match_unvotes_labels(roll_calls, un_roll_calls, issues)


def test_real_match_rate_and_known_labels(real):
    roll_calls, un_roll_calls, _, labels = real
    report = topics.explain_unmatched(roll_calls, un_roll_calls)
    later = report[pd.to_numeric(report["session"], errors="coerce").between(21, 74)]
    assert later["matched"].mean() >= 0.85  # sessions 1-20 cannot match: unvotes numbers them otherwise
    assert (report["reason"] != "").sum() == (~report["matched"]).sum()
    by_symbol = labels.merge(roll_calls[["roll_call_id", "symbol"]]).set_index("symbol")
    assert by_symbol.loc["A/RES/2200(XXI)[A]", "hr"]  # the two human-rights covenants, 1966
    assert by_symbol.loc["A/RES/67/19", "me"] and by_symbol.loc["A/RES/67/19", "important"]  # status of Palestine
    assert by_symbol.loc["A/RES/ES-10/19", "me"]  # status of Jerusalem, 2017


def test_classifier_beats_the_majority_baseline_on_held_out_sessions(real):
    roll_calls, _, _, labels = real
    _, metrics = topics.train_topic_model(roll_calls, labels)
    for row in metrics.itertuples():
        assert row.accuracy > row.baseline_accuracy, row
        assert row.f1 >= 0.6, row
