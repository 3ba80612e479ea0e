"""A merge follows the records as they are now: a corrected record that no longer matches its
vote's other records leaves the merge, and a record corrected back joins it again."""
from __future__ import annotations

from scraper import store
from tests.test_fidelity import roll_call, save


def symbols(db) -> list[str]:
    return sorted(store.load_roll_calls(db)["symbol"])


def test_a_corrected_part_that_no_longer_matches_leaves_the_merge_and_rejoins_when_corrected_back(tmp_path):
    db = tmp_path / "s.sqlite"
    save(db, [roll_call("A/RES/40/257"), roll_call("A/RES/40/257A"), roll_call("A/RES/40/257B")], "first")
    assert symbols(db) == ["A/RES/40/257"]
    merged_id = store.find_roll_call(db, "A/RES/40/257")[0]

    # The Library corrects part B: France now abstained. It is no longer the same vote as the whole.
    save(db, [roll_call("A/RES/40/257B", "NYAYN")], "corrected")
    assert symbols(db) == ["A/RES/40/257", "A/RES/40/257B"]
    assert store.find_roll_call(db, "A/RES/40/257")[0] == merged_id
    assert store.load_member_votes(db, "A/RES/40/257B").set_index("country_code")["vote"]["FRA"] == "A"
    assert store.load_member_votes(db, "A/RES/40/257").set_index("country_code")["vote"]["FRA"] == "Y"
    records = store.load_records(db)
    assert set(records.query("symbol == 'A/RES/40/257'")["record_symbol"]) == {"A/RES/40/257", "A/RES/40/257A"}
    assert (records.query("symbol == 'A/RES/40/257B'")["merged"] == "").all()
    assert store.find_roll_call(db, "A/RES/40/257 B")[1] == "A/RES/40/257B"

    # Corrected back: one vote again, in the roll call it was before, every record kept.
    save(db, [roll_call("A/RES/40/257B")], "corrected again")
    assert symbols(db) == ["A/RES/40/257"]
    assert store.find_roll_call(db, "A/RES/40/257B") == (merged_id, "A/RES/40/257")
    assert len(store.load_records(db).query("symbol == 'A/RES/40/257'")) == 3


def test_an_omnibus_part_corrected_splits_the_text_into_its_separate_votes(tmp_path):
    # Parts A, B and section B-II merge only while every record of the text that day matches.
    db = tmp_path / "s.sqlite"
    save(db, [roll_call("A/RES/61/128A"), roll_call("A/RES/61/128B"), roll_call("A/RES/61/128[B-II]")], "first")
    assert symbols(db) == ["A/RES/61/128A-B"]
    save(db, [roll_call("A/RES/61/128[B-II]", "NYAYN")], "corrected")
    assert symbols(db) == ["A/RES/61/128A", "A/RES/61/128B", "A/RES/61/128B-II"]
    save(db, [roll_call("A/RES/61/128[B-II]")], "corrected again")
    assert symbols(db) == ["A/RES/61/128A-B"]


def test_a_new_record_on_a_day_with_a_merge_leaves_the_merge_as_it_was(tmp_path):
    db = tmp_path / "s.sqlite"
    save(db, [roll_call("A/RES/40/257"), roll_call("A/RES/40/257A"), roll_call("A/RES/40/257B")], "first")
    before = store.load_records(db)
    save(db, [roll_call("A/RES/40/258", "YYYYY")], "next")
    assert symbols(db) == ["A/RES/40/257", "A/RES/40/258"]
    after = store.load_records(db).query("symbol == 'A/RES/40/257'")
    columns = ["roll_call_id", "symbol", "record_symbol", "merged"]
    assert after[columns].sort_values("record_symbol").reset_index(drop=True).equals(
        before[columns].sort_values("record_symbol").reset_index(drop=True))


def test_a_store_built_in_steps_equals_one_built_at_once(tmp_path):
    records = [roll_call("A/RES/50/38A", "NYYYN", date="1995-12-06", meeting="A/50/PV.83"),
               roll_call("A/RES/50/38B", "NYYYN", date="1995-12-06", meeting="A/50/PV.83"),
               roll_call("A/RES/50/38[B-I]", "NYYYN", date="1995-12-06", meeting="A/50/PV.83"),
               roll_call("A/RES/50/39", "YNYYA", date="1995-12-06", meeting="A/50/PV.83")]
    at_once, in_steps = tmp_path / "once.sqlite", tmp_path / "steps.sqlite"
    save(at_once, records, "all")
    for number, record in enumerate(records):
        save(in_steps, [record], f"step {number}")
    for db in (at_once, in_steps):
        assert symbols(db) == ["A/RES/50/38A-B", "A/RES/50/39"]
    shown = lambda db: store.load_votes(db).sort_values(["symbol", "country_code"])[["symbol", "country_code", "vote"]].reset_index(drop=True)  # noqa: E731
    assert shown(at_once).equals(shown(in_steps))


def test_the_full_record_imported_in_another_order_gives_the_same_votes(full_store, tmp_path):
    """The UN's extracts first, one session at a time, then the Library's bulk file: the merges are
    decided again at each step and end as in one import of everything (`full_store`)."""
    from tests.conftest import BULK_FILE, UNXML_DIR
    from scraper.importing import import_files

    db = tmp_path / "in-steps.sqlite"
    for extract in sorted(UNXML_DIR.glob("*.json")):
        import_files([extract], db=db, show_progress=False)
    import_files([BULK_FILE], db=db, show_progress=False)
    columns = ["symbol", "country_code", "vote"]
    tidy = lambda db: (store.load_votes(db, all_kinds=True)[columns].astype(str)  # noqa: E731
                       .sort_values(columns).reset_index(drop=True))
    assert symbols(db) == symbols(full_store)
    assert tidy(db).equals(tidy(full_store))
    merged = lambda db: store.load_records(db).query("symbol != record_symbol")[["symbol", "record_symbol"]]  # noqa: E731
    assert sorted(map(tuple, merged(db).values)) == sorted(map(tuple, merged(full_store).values))
