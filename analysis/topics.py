"""Topics: tag every roll call with the UN's own subjects and the six issue areas researchers use.

The six issue areas (Voeten's coding, as in the R package `unvotes`) are known for 1946-2019 roll
calls; `match_unvotes_labels` carries them onto the store's roll calls by session and resolution
number. A text classifier trained on those matched roll calls (TF-IDF of title and agenda,
one-vs-rest logistic regression) tags everything else, and ships in `analysis/models/` so tagging
runs without the label files. Train it again with `python -m analysis.topics train --unvotes DIR`.
With $UNGA_UNVOTES_DIR naming the folder of Voeten's label files, the labels themselves tag the
1946-2019 roll calls they cover; without it (a plain checkout) the classifier tags everything.

Why this classifier: titles and agenda lines are short, formulaic and topic-laden ("Israeli
practices...", "nuclear-weapon-free zone"), so word and word-pair counts carry nearly all the
signal; a linear model on TF-IDF is the standard strong baseline for such text, trains in seconds,
gives calibrated-enough probabilities for a score, and its file is small. The six areas overlap
(a roll call may have several), so each gets its own binary model (one-vs-rest). Class weights are
balanced because every area is a minority (5-20 % of roll calls). UN subjects are not fed to the
classifier: the store has them only from 2019 on, so the model would meet them only at prediction time.

Why a split by time: resolutions recur every year under the same title, so a random split puts
near-copies of test items into training and overstates accuracy. Training on sessions up to 64
(1946-2009) and testing on 65-74 (2010-2019) measures what the tagger is used for: labelling
sessions it has not seen.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from scraper.symbols import roman_to_int

TOPICS: dict[str, str] = {
    "me": "Palestinian conflict",
    "nu": "Nuclear weapons and nuclear material",
    "di": "Arms control and disarmament",
    "co": "Colonialism",
    "hr": "Human rights",
    "ec": "Economic development",
}
TOPIC_SLUGS: dict[str, str] = {
    "me": "palestinian-conflict",
    "nu": "nuclear-weapons",
    "di": "arms-control",
    "co": "colonialism",
    "hr": "human-rights",
    "ec": "economic-development",
}
TOPIC_IDS = tuple(TOPICS)

MODEL_DIR = Path(__file__).resolve().parent / "models"
MODEL_FILE = "topics.joblib"
METADATA_FILE = "topics.json"
# Voeten's labels are read only from a folder the user names ($UNGA_UNVOTES_DIR, or `--unvotes`):
# no default points outside the repository, and without them the shipped classifier tags every roll
# call, so a checkout with nothing beside it gets the same tags on every machine.
UNVOTES_DIR_VARIABLE = "UNGA_UNVOTES_DIR"
TEST_FROM_SESSION = 65  # first session of the held-out period (2010)
DEFAULT_THRESHOLD = 0.5

_TITLE_TAIL = re.compile(r"\s*:\s*resolution\s*/\s*adopted by the general assembly.*$", re.IGNORECASE)
_MODERN = re.compile(
    r"^A/RES/(?P<session>(?:ES-|S-)?\d+)/(?P<number>\d+)(?:\[(?P<bracketed>[^\]]*)\]|(?P<part>[A-Z]+(?:-[A-Z]+)?))?$"
)
_OLD = re.compile(r"^A/RES/(?P<number>\d+)\((?P<prefix>ES-|S-)?(?P<roman>[IVXLC]+)\)(?:\[(?P<bracketed>[^\]]*)\])?$")
_UNRES = re.compile(r"^(?:R|A/RES)/(?P<session>(?:ES-)?\d+)/(?P<number>\d+)(?P<part>[A-Z]*)(?:/(?P<sub>[A-Z]+))?$")


class TopicError(ValueError):
    """A topic request that cannot be served (unknown topic, missing columns)."""


class TopicModelError(TopicError):
    """The shipped topic model is missing or was built with another scikit-learn."""


# --- matching Voeten's labels to the store's roll calls ------------------------------------------

def resolution_key(symbol: str) -> str | None:
    """"session/number/PART" for a store symbol, or None for a vote on a paragraph or rule.

    >>> resolution_key("A/RES/75/250B"), resolution_key("A/RES/2200(XXI)[A]"), resolution_key("A/RES/33/116[B-VII]")
    ('75/250/B', '21/2200/A', '33/116/BVII')
    >>> resolution_key("A/RES/63(I)[PARA.1]") is None
    True
    """
    text = str(symbol).strip().upper()
    match = _MODERN.match(text)
    if match:
        session = match["session"]
    else:
        match = _OLD.match(text)
        if not match:
            return None
        session = f"{match['prefix'] or ''}{roman_to_int(match['roman'])}"
    part = match["bracketed"] or match.groupdict().get("part") or ""
    if part.startswith(("PARA", "RULE")) or "." in part:
        return None
    return f"{session}/{int(match['number'])}/{re.sub('[^A-Z]', '', part)}"


def unres_key(unres: object) -> str | None:
    """"session/number/PART" for an `unvotes` resolution number ("R/21/2200A", "A/RES/71/67",
    "R/33/116B/VII"), or None where it is not one (empty, or the emergency and special sessions'
    "ESS/2/79" and "SS/1/59", which are not resolution numbers).

    >>> unres_key("R/21/2200A"), unres_key("R/33/116B/VII"), unres_key("A/RES/ES-10/19")
    ('21/2200/A', '33/116/BVII', 'ES-10/19/')
    """
    if not isinstance(unres, str):
        return None
    match = _UNRES.match(unres.strip())
    if not match:
        return None
    return f"{match['session']}/{int(match['number'])}/{match['part']}{match['sub'] or ''}"


def unvotes_dir_from_environment() -> Path | None:
    """The folder of Voeten's label files named by $UNGA_UNVOTES_DIR, or None when unset."""
    value = os.environ.get(UNVOTES_DIR_VARIABLE, "").strip()
    return Path(value) if value else None


def read_unvotes_labels(directory: str | Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read `un_roll_calls.csv.gz` and `un_roll_call_issues.csv.gz` from `directory` (default
    $UNGA_UNVOTES_DIR) (I/O only)."""
    directory = directory if directory is not None else unvotes_dir_from_environment()
    if directory is None:
        raise TopicError(f"no folder of unvotes label files given: pass --unvotes DIR or set {UNVOTES_DIR_VARIABLE}")
    directory = Path(directory)
    paths = [directory / "un_roll_calls.csv.gz", directory / "un_roll_call_issues.csv.gz"]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise TopicError(f"the unvotes label files are absent: {', '.join(missing)} (un_roll_calls.csv.gz and un_roll_call_issues.csv.gz from the R package unvotes)")
    return pd.read_csv(paths[0]), pd.read_csv(paths[1])


def match_unvotes_labels(
    roll_calls: pd.DataFrame, un_roll_calls: pd.DataFrame, un_issues: pd.DataFrame
) -> pd.DataFrame:
    """Carry Voeten's issue codes and importance flag onto the store's roll calls.

    A store roll call matches when its symbol's (session, number, part) equals the `unres` of an
    `unvotes` vote on a whole resolution (neither `amend` nor `para` is 1): those files also code
    votes on amendments and paragraphs, which are not separate roll calls in the store. Where
    several such votes share a resolution number, their codes are pooled.

    One row per matched store roll call: `roll_call_id`, `unres`, `important` (bool), and one
    bool column per topic id in `TOPIC_IDS`.
    """
    whole = un_roll_calls[(un_roll_calls["amend"].fillna(0) != 1) & (un_roll_calls["para"].fillna(0) != 1)]
    whole = whole.assign(key=whole["unres"].map(unres_key)).dropna(subset=["key"])
    codes = pd.crosstab(un_issues["rcid"], un_issues["short_name"]).gt(0)
    codes = codes.reindex(columns=list(TOPIC_IDS), fill_value=False)
    whole = whole.merge(codes, left_on="rcid", right_index=True, how="left")
    whole[list(TOPIC_IDS)] = whole[list(TOPIC_IDS)].astype("boolean").fillna(False).astype(bool)
    whole["important"] = whole["importantvote"].fillna(0) == 1
    per_key = whole.groupby("key").agg(
        unres=("unres", "first"), important=("important", "any"), **{t: (t, "any") for t in TOPIC_IDS}
    )
    keys = roll_calls[["roll_call_id", "symbol"]].assign(key=roll_calls["symbol"].map(resolution_key))
    matched = keys.merge(per_key, left_on="key", right_index=True, how="inner")
    return matched[["roll_call_id", "unres", "important", *TOPIC_IDS]].sort_values("roll_call_id").reset_index(drop=True)


def explain_unmatched(roll_calls: pd.DataFrame, un_roll_calls: pd.DataFrame) -> pd.DataFrame:
    """Why store roll calls of the sessions `unvotes` covers found no label.

    One row per store roll call of sessions 1-74 (and emergency / special sessions up to 2019):
    `roll_call_id`, `symbol`, `session`, `matched` (bool), `reason` ("" when matched).
    """
    numeric = pd.to_numeric(roll_calls["session"], errors="coerce")
    covered = roll_calls[(numeric <= 74) | (numeric.isna() & (pd.to_datetime(roll_calls["date"]) < "2019-09-17"))]
    whole = un_roll_calls[(un_roll_calls["amend"].fillna(0) != 1) & (un_roll_calls["para"].fillna(0) != 1)]
    whole_keys = set(whole["unres"].map(unres_key).dropna())
    any_keys = set(un_roll_calls["unres"].map(unres_key).dropna())
    sessions_without_numbers = set(
        un_roll_calls.loc[un_roll_calls["unres"].isna(), "session"].dropna().astype(int).astype(str)
    )
    rows = []
    for roll_call_id, symbol, session in covered[["roll_call_id", "symbol", "session"]].itertuples(index=False):
        key = resolution_key(symbol)
        if key is None:
            reason = "a separate vote on a paragraph or rule of a resolution (no resolution number of its own)"
        elif key in whole_keys:
            reason = ""
        elif not str(session).isdigit():
            reason = "emergency or special session: unvotes writes these as ESS/SS numbers that are not resolution numbers"
        elif int(session) <= 20:
            reason = "sessions 1-20: unvotes' unres there is not the resolution number (e.g. R/1/1287/A is A/RES/63(I))"
        elif key in any_keys:
            reason = "unvotes has this number only on an amendment or paragraph vote"
        elif str(session) in sessions_without_numbers:
            reason = "unvotes gives no resolution number for some votes of this session"
        else:
            reason = "no unvotes vote with this resolution number"
        rows.append((roll_call_id, symbol, str(session), reason == "", reason))
    return pd.DataFrame(rows, columns=["roll_call_id", "symbol", "session", "matched", "reason"])


def load_labels(roll_calls: pd.DataFrame, directory: str | Path | None = None) -> pd.DataFrame | None:
    """`match_unvotes_labels` from the files in `directory` (default $UNGA_UNVOTES_DIR), or None when
    none is given or they are absent."""
    try:
        un_roll_calls, un_issues = read_unvotes_labels(directory)
    except TopicError:
        return None
    return match_unvotes_labels(roll_calls, un_roll_calls, un_issues)


# --- the classifier ----------------------------------------------------------------------------------

def roll_call_text(roll_calls: pd.DataFrame) -> pd.Series:
    """The text the classifier reads for each roll call: title, then agenda (index as given)."""
    title = roll_calls["title"].fillna("").astype(str).str.replace(_TITLE_TAIL, "", regex=True)
    agenda = roll_calls["agenda"].fillna("").astype(str) if "agenda" in roll_calls else ""
    return (title + " . " + agenda).str.strip()


def build_topic_model(C: float = 1.0, random_state: int = 0):
    """An untrained pipeline: TF-IDF of words and word pairs, then one logistic regression per topic."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        # Letters only: document symbols and agenda numbers ("A/75/251 36") change every year.
        TfidfVectorizer(token_pattern=r"(?u)\b[^\W\d_]{2,}\b", ngram_range=(1, 2), min_df=2,
                        sublinear_tf=True, stop_words="english", dtype=np.float32),
        OneVsRestClassifier(LogisticRegression(C=C, class_weight="balanced", max_iter=2000,
                                               random_state=random_state)),
    )


def evaluate_topic_model(model, texts: pd.Series, truth: pd.DataFrame, threshold: float = DEFAULT_THRESHOLD,
                         baseline_truth: pd.DataFrame | None = None) -> pd.DataFrame:
    """Held-out quality per topic.

    One row per topic: `topic`, `support` (positives), `n`, `accuracy`, `precision`, `recall`,
    `f1`, and `baseline_accuracy`: the accuracy of always answering the majority class, the
    majority taken from `baseline_truth` (the training labels) when given, else from `truth`.
    """
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support

    scores = model.predict_proba(texts)
    rows = []
    for i, topic in enumerate(TOPIC_IDS):
        actual = truth[topic].to_numpy(bool)
        predicted = scores[:, i] >= threshold
        precision, recall, f1, _ = precision_recall_fscore_support(actual, predicted, average="binary", zero_division=0)
        reference = (baseline_truth if baseline_truth is not None else truth)[topic].to_numpy(bool)
        majority = reference.mean() >= 0.5
        rows.append({
            "topic": topic, "support": int(actual.sum()), "n": len(actual),
            "accuracy": accuracy_score(actual, predicted), "precision": precision, "recall": recall, "f1": f1,
            "baseline_accuracy": float((actual == majority).mean()),
        })
    return pd.DataFrame(rows)


def split_by_session(training: pd.DataFrame, test_from: int = TEST_FROM_SESSION) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, test): regular sessions before `test_from` (and special sessions before its year), the rest."""
    numeric = pd.to_numeric(training["session"], errors="coerce")
    year = pd.to_datetime(training["date"]).dt.year
    in_test = (numeric >= test_from) | (numeric.isna() & (year >= 1945 + test_from))
    return training[~in_test], training[in_test]


def training_frame(roll_calls: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """The store's roll calls that carry labels: roll_call_id, session, date, text and the topic columns."""
    frame = roll_calls.merge(labels[["roll_call_id", *TOPIC_IDS]], on="roll_call_id", how="inner")
    return frame.assign(text=roll_call_text(frame))[["roll_call_id", "session", "date", "text", *TOPIC_IDS]]


def train_topic_model(roll_calls: pd.DataFrame, labels: pd.DataFrame, *, C: float = 1.0,
                      test_from: int = TEST_FROM_SESSION):
    """Fit on sessions before `test_from`, measure on the rest, then refit on everything.

    Returns (model fitted on all labelled roll calls, held-out metrics from `evaluate_topic_model`).
    """
    data = training_frame(roll_calls, labels)
    train, test = split_by_session(data, test_from)
    held_out_model = build_topic_model(C).fit(train["text"], train[list(TOPIC_IDS)].to_numpy(int))
    metrics = evaluate_topic_model(held_out_model, test["text"], test, baseline_truth=train)
    final = build_topic_model(C).fit(data["text"], data[list(TOPIC_IDS)].to_numpy(int))
    return final, metrics


def save_topic_model(model, metadata: dict, directory: str | Path = MODEL_DIR) -> Path:
    """Write the model (joblib, compressed) and its metadata JSON; returns the model's path."""
    import joblib
    import sklearn

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / MODEL_FILE
    joblib.dump(model, path, compress=9)
    metadata = {**metadata, "scikit_learn_version": sklearn.__version__, "model_file": MODEL_FILE,
                "model_sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    (directory / METADATA_FILE).write_text(json.dumps(metadata, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def read_model_metadata(directory: str | Path = MODEL_DIR) -> dict:
    """The shipped model's metadata (training date, data, held-out metrics, scikit-learn version)."""
    path = Path(directory) / METADATA_FILE
    if not path.exists():
        raise TopicModelError(f"no topic model metadata at {path}; train one with `python -m analysis.topics train`")
    return json.loads(path.read_text(encoding="utf-8"))


_MODEL_CACHE: dict[Path, object] = {}


def load_topic_model(directory: str | Path = MODEL_DIR):
    """The trained pipeline from `directory`, refusing one built with another scikit-learn.

    A pickled scikit-learn model is only guaranteed to behave the same under the version that
    wrote it, so a mismatch is an error that says how to fix it, not a warning.
    """
    import sklearn

    directory = Path(directory).resolve()
    if directory in _MODEL_CACHE:
        return _MODEL_CACHE[directory]
    metadata = read_model_metadata(directory)
    trained_with = metadata.get("scikit_learn_version")
    if trained_with != sklearn.__version__:
        raise TopicModelError(
            f"the topic model in {directory} was trained with scikit-learn {trained_with}, but "
            f"{sklearn.__version__} is installed; install scikit-learn=={trained_with} (requirements.txt) "
            "or retrain with `python -m analysis.topics train --unvotes DIR`"
        )
    path = directory / MODEL_FILE
    if hashlib.sha256(path.read_bytes()).hexdigest() != metadata.get("model_sha256"):
        raise TopicModelError(f"{path} does not match its metadata's checksum; retrain with `python -m analysis.topics train`")
    import joblib

    model = joblib.load(path)
    _MODEL_CACHE[directory] = model
    return model


# --- tagging -------------------------------------------------------------------------------------------

def subject_tags(roll_calls: pd.DataFrame) -> pd.DataFrame:
    """The UN's own subject terms (UNBIS), where the store has them (sessions 74 on).

    One row per (roll_call_id, subject): `roll_call_id`, `subject`.
    """
    if "subjects" not in roll_calls:
        return pd.DataFrame({"roll_call_id": pd.Series(dtype="int64"), "subject": pd.Series(dtype=object)})
    exploded = roll_calls[["roll_call_id", "subjects"]].assign(
        subject=roll_calls["subjects"].fillna("").astype(str).str.split("|")
    ).explode("subject")
    exploded["subject"] = exploded["subject"].str.strip()
    exploded = exploded[exploded["subject"] != ""].drop_duplicates(["roll_call_id", "subject"])
    return exploded[["roll_call_id", "subject"]].reset_index(drop=True)


def tag_roll_calls(
    roll_calls: pd.DataFrame,
    labels: pd.DataFrame | None = None,
    *,
    use_classifier: bool = True,
    subjects: bool = True,
    threshold: float = DEFAULT_THRESHOLD,
    model=None,
) -> pd.DataFrame:
    """Tag every roll call with the six issue areas (and the UN's subjects).

    Where `labels` (from `match_unvotes_labels` / `load_labels`) covers a roll call, its codes
    win: every code it has becomes a tag with source "unvotes" and score 1, and the classifier is
    not asked. Every other roll call gets the topics the shipped classifier scores at `threshold`
    or above, with source "classifier" and the score (a probability). With `subjects`, each UN
    subject term becomes a tag too: topic = the term as the UN writes it, source "un-subjects",
    score 1 (filter on `source` or on `TOPIC_IDS` for the six areas).

    One row per (roll_call_id, topic): `roll_call_id`, `topic` (an id from `TOPIC_IDS`, or a
    subject term), `source`, `score`. Roll calls with no tag have no row. Sorted by roll_call_id,
    then source, then topic.
    """
    missing = {"roll_call_id", "title"} - set(roll_calls.columns)
    if missing:
        raise TopicError(f"roll_calls lacks columns {sorted(missing)}; pass the frame from scraper.store.load_roll_calls")
    parts = []
    known = set()
    if labels is not None:
        labelled = labels[labels["roll_call_id"].isin(roll_calls["roll_call_id"])]
        known = set(labelled["roll_call_id"])
        long = labelled.melt(id_vars="roll_call_id", value_vars=list(TOPIC_IDS), var_name="topic", value_name="on")
        long = long[long["on"].astype(bool)]
        parts.append(long[["roll_call_id", "topic"]].assign(source="unvotes", score=1.0))
    if use_classifier:
        rest = roll_calls[~roll_calls["roll_call_id"].isin(known)]
        if len(rest):
            scores = (model or load_topic_model()).predict_proba(roll_call_text(rest))
            wide = pd.DataFrame(scores, columns=list(TOPIC_IDS)).assign(roll_call_id=rest["roll_call_id"].to_numpy())
            long = wide.melt(id_vars="roll_call_id", var_name="topic", value_name="score")
            parts.append(long[long["score"] >= threshold].assign(source="classifier"))
    if subjects:
        terms = subject_tags(roll_calls).rename(columns={"subject": "topic"})
        parts.append(terms.assign(source="un-subjects", score=1.0))
    columns = ["roll_call_id", "topic", "source", "score"]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(columns, ("int64", object, object, "float64"))})
    tags = pd.concat([p[columns] for p in parts], ignore_index=True)
    tags["roll_call_id"] = tags["roll_call_id"].astype("int64")
    tags["score"] = tags["score"].astype(float)
    return tags.sort_values(["roll_call_id", "source", "topic"], kind="stable").reset_index(drop=True)


def topic_id(topic: str) -> str:
    """The topic id for an id, slug or label ("me", "palestinian-conflict", "Palestinian conflict")."""
    wanted = str(topic).strip().lower()
    for key in TOPIC_IDS:
        if wanted in (key, TOPIC_SLUGS[key], TOPICS[key].lower()):
            return key
    choices = ", ".join(f"{key} ({TOPIC_SLUGS[key]})" for key in TOPIC_IDS)
    raise TopicError(f"unknown topic {topic!r}; choose one of {choices}")


def roll_calls_on_topic(tags: pd.DataFrame, topic: str) -> set[int]:
    """The roll_call_ids `tags` (from `tag_roll_calls`) gives `topic` (an id, slug or label)."""
    key = topic_id(topic)
    return set(tags.loc[tags["topic"] == key, "roll_call_id"].astype(int))


def important_votes(roll_calls: pd.DataFrame, labels: pd.DataFrame) -> set[int]:
    """Roll calls Voeten's data marks as important votes (the US State Department's list), 1946-2019.

    Needs `labels` from `match_unvotes_labels` / `load_labels`; later votes are not covered.
    """
    flagged = labels.loc[labels["important"].astype(bool), "roll_call_id"]
    return set(flagged[flagged.isin(roll_calls["roll_call_id"])].astype(int))


def cached_topic_tags(db: str | Path, unvotes_dir: str | Path | None = None) -> pd.DataFrame:
    """The six issue areas of every roll call in store `db` (no UN subject terms), as `tag_roll_calls`
    with Voeten's labels from `unvotes_dir` where they are, read from or written to the disk cache.

    Tagging needs scikit-learn and the model (about a second to import and load); the cache key
    holds the store's data version, the model's checksum and the label files' checksums, so a new
    model, new labels or labels gone missing all retag.
    """
    from scraper.cache import cached_frame
    from scraper.store import load_roll_calls

    unvotes_dir = unvotes_dir if unvotes_dir is not None else unvotes_dir_from_environment()
    label_files = ([Path(unvotes_dir) / "un_roll_calls.csv.gz", Path(unvotes_dir) / "un_roll_call_issues.csv.gz"]
                   if unvotes_dir is not None else [])
    labels_key = hashlib.sha256("".join(_sha256(path) for path in label_files if path.exists()).encode()).hexdigest()
    model_key = str(read_model_metadata().get("model_sha256", ""))
    key = f"{model_key[:12]}_{labels_key[:12]}"

    def build() -> pd.DataFrame:
        roll_calls = load_roll_calls(db)
        labels = load_labels(roll_calls, unvotes_dir) if unvotes_dir is not None else None
        tags = tag_roll_calls(roll_calls, labels, subjects=False)
        return tags[tags["topic"].isin(TOPIC_IDS)].reset_index(drop=True)

    return cached_frame(db, "topic_tags", build, key=key)


# --- command line: python -m analysis.topics train -----------------------------------------------

def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_training(db: str | Path, unvotes_dir: str | Path | None = None, out: str | Path = MODEL_DIR,
                 C: float = 1.0) -> dict:
    """Match labels in store `db`, train, evaluate, save model and metadata to `out`; returns the metadata."""
    from scraper.store import data_version, load_roll_calls

    roll_calls = load_roll_calls(db)
    un_roll_calls, un_issues = read_unvotes_labels(unvotes_dir)
    labels = match_unvotes_labels(roll_calls, un_roll_calls, un_issues)
    report = explain_unmatched(roll_calls, un_roll_calls)
    whole = un_roll_calls[(un_roll_calls["amend"].fillna(0) != 1) & (un_roll_calls["para"].fillna(0) != 1)]
    model, metrics = train_topic_model(roll_calls, labels, C=C)
    unvotes_dir = Path(unvotes_dir)
    metadata = {
        "trained_on": date.today().isoformat(),
        "model": "TfidfVectorizer(words 1-2 grams, letters only, sublinear tf, min_df=2) -> "
                 f"OneVsRestClassifier(LogisticRegression(C={C}, class_weight='balanced'))",
        "threshold": DEFAULT_THRESHOLD,
        "topics": TOPICS,
        "text": "title + agenda",
        "data": {
            "store_data_version": data_version(db),
            "labels": {p.name: _sha256(p) for p in sorted(unvotes_dir.glob("*.csv.gz"))},
            "labelled_roll_calls": int(len(labels)),
            "store_roll_calls_in_unvotes_sessions": int(len(report)),
            "store_match_rate": round(float(report["matched"].mean()), 4),
            "unvotes_resolution_votes": int(len(whole)),
            "unvotes_resolution_votes_matched": int(whole["unres"].map(unres_key).isin(
                set(roll_calls["symbol"].map(resolution_key).dropna())).sum()),
            "unmatched_by_reason": {k: int(v) for k, v in report.loc[~report["matched"], "reason"].value_counts().items()},
        },
        "split": f"by time: train sessions < {TEST_FROM_SESSION} (1946-2009), test sessions {TEST_FROM_SESSION}-74 "
                 "(2010-2019); the shipped model is then refitted on all labelled roll calls",
        "held_out": metrics.round(4).to_dict(orient="records"),
    }
    save_topic_model(model, metadata, out)
    return metadata


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.topics", description="Train or inspect the topic classifier.")
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train", help="match the unvotes labels, train, evaluate and save the model")
    train.add_argument("--db", default=None, help="the store (default: $UNGA_DB or data/unvotes.sqlite)")
    train.add_argument("--unvotes", default=None, help=f"directory of un_roll_calls.csv.gz and un_roll_call_issues.csv.gz (default ${UNVOTES_DIR_VARIABLE})")
    train.add_argument("--out", default=str(MODEL_DIR), help="where to write topics.joblib and topics.json")
    train.add_argument("--C", type=float, default=1.0, help="inverse regularisation strength of the logistic regressions")
    commands.add_parser("report", help="print the shipped model's metadata and held-out metrics")
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        if args.command == "train":
            from scraper.store import default_db_path

            metadata = run_training(args.db or default_db_path(), args.unvotes, args.out, args.C)
        else:
            metadata = read_model_metadata()
    except TopicError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(json.dumps({k: metadata[k] for k in ("trained_on", "data", "split")}, indent=2))
    print(pd.DataFrame(metadata["held_out"]).to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
