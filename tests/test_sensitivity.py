"""Sensitivity: a hand-made case where only the treatment of non-voting moves a state, and the command
on the small store."""
from __future__ import annotations

import io

import pandas as pd

from analysis.cli import main
from analysis.sensitivity import BASELINE, VARIANTS, bloc_sensitivity, partner_sensitivity


def votes_where_non_voting_decides() -> pd.DataFrame:
    """Bloc A (A1–A3) votes Yes on all 40 roll calls; bloc B (B1–B3) No on the first 20, Abstain on the
    last 20. S votes Yes on the first 15 and is present but not voting (X) on the other 25: left out,
    it agrees with A on all 15 it cast; counted as abstentions, it agrees with B on 20 of 40, with A on 15."""
    rows = []
    for rc in range(40):
        date = pd.Timestamp("2015-01-01") + pd.Timedelta(days=rc)
        for state in ("A1", "A2", "A3"):
            rows.append((rc, state, "Y", date))
        for state in ("B1", "B2", "B3"):
            rows.append((rc, state, "N" if rc < 20 else "A", date))
        rows.append((rc, "S", "Y" if rc < 15 else "X", date))
    votes = pd.DataFrame(rows, columns=["roll_call_id", "country_code", "vote", "date"])
    votes["symbol"] = "A/RES/70/" + votes["roll_call_id"].astype(str)
    votes["session"] = "70"
    for column in ("country_code", "vote", "symbol", "session"):
        votes[column] = votes[column].astype("category")
    return votes


def test_only_the_non_voting_treatment_moves_the_state_that_did_not_vote():
    states, variants = bloc_sensitivity(votes_where_non_voting_decides(), k=2, min_shared=5)
    moved = states.set_index("country_code")
    assert moved.loc["S", "moved"] >= 2
    assert all("non-voting as abstention" in label for label in moved.loc["S", "moved_in"].split("; "))
    assert (moved.drop(index="S")["moved"] == 0).all()
    assert len(variants) == len(VARIANTS) == 12
    base = variants[variants["baseline"]].iloc[0]
    assert (base["metric"], base["non_voting"], bool(base["drop_unanimous"])) == tuple(BASELINE)
    assert base["moved"] == 0 and base["adjusted_rand"] == 1.0
    # exact agreement, non-voting as abstention: S sits with B
    row = variants[(variants["metric"] == "agreement") & (variants["non_voting"] == "abstain") & ~variants["drop_unanimous"]].iloc[0]
    assert row["moved"] == 1


def test_partner_ranks_change_with_the_treatment_of_non_voting():
    frame = partner_sensitivity(votes_where_non_voting_decides(), "S", n=3, min_shared=5).set_index("partner_code")
    assert frame.loc["A1", "baseline_rank"] == 1 and frame.loc["B1", "baseline_rank"] == 4
    assert frame.loc["B1", "exact agreement, non-voting as abstention"] == 1  # B now closest
    assert frame.loc["B1", "best_rank"] == 1 and frame.loc["A1", "worst_rank"] >= 4


def test_sensitivity_command_on_the_small_store(small_store, capsys):
    db = ["--db", str(small_store), "--merge-successors", "--k", "3", "--min-shared", "5", "--format", "csv"]
    assert main(["sensitivity", *db]) == 0
    states = pd.read_csv(io.StringIO(capsys.readouterr().out), comment="#")
    assert len(states) == 16 and states["moved"].between(0, 11).all() and states["moved"].is_monotonic_decreasing
    assert main(["sensitivity", "--variants", *db]) == 0
    variants = pd.read_csv(io.StringIO(capsys.readouterr().out), comment="#")
    assert len(variants) == 12 and variants["adjusted_rand"].between(-1, 1).all()
    assert main(["sensitivity", "--country", "USA", "--top", "3", *db]) == 0
    partners = pd.read_csv(io.StringIO(capsys.readouterr().out), comment="#")
    assert (partners["in_top"] >= 1).all() and (partners["best_rank"] <= 3).all()
