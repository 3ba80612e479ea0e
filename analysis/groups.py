"""Named groups of states (UN regional groups, EU, NATO, ASEAN, AU, ...) with dated membership, and how they vote.

Membership is data, not code: `analysis/data/groups.csv` holds one row per membership spell
(`group, country_code, joined, left`) and `analysis/data/GROUPS.md` gives the source and the decisions
behind every group. A spell is the half-open interval [joined, left): a state is a member on every day
from `joined` up to the day before `left` (`left` is the first day it was no longer a member, the
same convention as `left` in `scraper/data/countries.csv`); an empty `left` means it still is.

Every function applies membership on the date of each vote: a state counts for a group only on
the votes cast while it belonged to it.
"""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from scraper.symbols import normalise_symbol

__all__ = [
    "GROUPS",
    "GROUPS_CSV",
    "GroupsFileError",
    "UnknownGroupError",
    "UnknownRollCallError",
    "agreement_index",
    "bloc_group_overlap",
    "check_groups",
    "group_breakers",
    "group_cohesion",
    "group_members",
    "load_groups",
    "member_votes",
    "members_on",
]

GROUPS: dict[str, str] = {
    "un-african": "African Group (UN)",
    "un-asia-pacific": "Asia-Pacific Group (UN)",
    "un-eastern-european": "Eastern European Group (UN)",
    "un-grulac": "Latin American and Caribbean Group (UN)",
    "un-weog": "Western European and Others Group (UN)",
    "eu": "European Union (EEC/EC before 1993)",
    "nato": "NATO",
    "asean": "ASEAN",
    "au": "African Union (OAU before 2002)",
    "arab-league": "Arab League",
    "oic": "Organisation of Islamic Cooperation",
    "nam": "Non-Aligned Movement",
    "g77": "Group of 77",
    "brics": "BRICS",
}

GROUPS_CSV = Path(__file__).resolve().parent / "data" / "groups.csv"

CAST_VOTES = ("Y", "N", "A")  # the votes the Agreement Index counts; X (present, not voting) is not a vote
_KNOWN_VOTES = frozenset(CAST_VOTES + ("X",))
_VOTE_COLUMNS = ("roll_call_id", "symbol", "date", "country_code", "vote")

DateLike = str | dt.date | pd.Timestamp


class UnknownGroupError(ValueError):
    """A group id that is not one of `GROUPS`; the message lists the valid ids."""

    def __init__(self, group: object):
        self.group = group
        super().__init__(f"Unknown group {group!r}; valid group ids are: {', '.join(GROUPS)}")


class GroupsFileError(ValueError):
    """`groups.csv` is malformed (unparseable date, unknown group, joined >= left, overlapping spells)."""


class UnknownRollCallError(ValueError):
    """A roll call id or resolution symbol that does not pick out exactly one roll call in the votes."""


# ---------------------------------------------------------------------------------------------
# Membership


def load_groups() -> pd.DataFrame:
    """Read `analysis/data/groups.csv` (checked, cached): one row per membership spell.

    Columns: `group` (an id of `GROUPS`), `country_code`, `joined` (datetime64, first day as a
    member), `left` (datetime64, first day no longer a member; NaT while still a member). Raises
    `GroupsFileError` when the file breaks its own rules. Returns a fresh copy on every call, so a
    caller may modify it.
    """
    return _read_groups_file(str(GROUPS_CSV)).copy()


@functools.lru_cache(maxsize=4)
def _read_groups_file(path: str) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    return check_groups(raw, source=path)


def check_groups(raw: pd.DataFrame, source: str = "groups.csv") -> pd.DataFrame:
    """Parse and check a groups table (strings as read from CSV); return it with dates parsed.

    One row of the result is one membership spell. Raises `GroupsFileError` naming the file and
    the rows at fault when a column is missing, a group id is unknown, a date does not parse, a
    spell ends before it starts, or two spells of one country in one group overlap.
    """
    expected = ["group", "country_code", "joined", "left"]
    if list(raw.columns) != expected:
        raise GroupsFileError(f"{source}: columns must be {expected}, found {list(raw.columns)}")
    frame = raw.copy()
    # Row numbers as an editor shows them: the header is line 1.
    lines = pd.Series(np.arange(len(frame)) + 2, index=frame.index)

    unknown = ~frame["group"].isin(GROUPS)
    if unknown.any():
        raise GroupsFileError(
            f"{source}: unknown group ids {sorted(set(frame.loc[unknown, 'group']))} on lines "
            f"{lines[unknown].tolist()}; valid ids are {list(GROUPS)}"
        )
    bad_code = ~frame["country_code"].str.fullmatch(r"[A-Z]{3}")
    if bad_code.any():
        raise GroupsFileError(f"{source}: country codes must be three capital letters, lines {lines[bad_code].tolist()}")

    joined = pd.to_datetime(frame["joined"], format="%Y-%m-%d", errors="coerce")
    left = pd.to_datetime(frame["left"].replace("", None), format="%Y-%m-%d", errors="coerce")
    bad_joined = joined.isna()
    bad_left = left.isna() & (frame["left"] != "")
    if bad_joined.any() or bad_left.any():
        raise GroupsFileError(
            f"{source}: dates must be ISO YYYY-MM-DD (left may be empty); bad dates on lines "
            f"{lines[bad_joined | bad_left].tolist()}"
        )
    frame["joined"], frame["left"] = joined, left
    backwards = frame["left"].notna() & (frame["left"] <= frame["joined"])
    if backwards.any():
        raise GroupsFileError(f"{source}: a spell must end after it starts (joined < left), lines {lines[backwards].tolist()}")

    ordered = frame.assign(_line=lines).sort_values(["group", "country_code", "joined"])
    same = ordered[["group", "country_code"]].eq(ordered[["group", "country_code"]].shift()).all(axis=1)
    previous_left = ordered["left"].shift()
    # An open spell (left empty) followed by another spell of the same country overlaps it too.
    overlapping = same & (previous_left.isna() | (ordered["joined"] < previous_left))
    if overlapping.any():
        clashes = ordered.loc[overlapping, ["group", "country_code", "_line"]].to_dict("records")
        raise GroupsFileError(f"{source}: overlapping spells of one country in one group: {clashes}")
    return frame.reset_index(drop=True)


def group_members(group: str, date: DateLike) -> list[str]:
    """The country codes that belonged to `group` on `date`, sorted.

    >>> group_members("nato", "2024-06-01")[:3]
    ['ALB', 'BEL', 'BGR']
    """
    group = _check_group(group)
    return sorted(_members_on(_parse_date(date, "date")).get(group, set()))


def _members_on(day: pd.Timestamp) -> dict[str, set[str]]:
    """Group id → the codes of its members on `day`, for every group at once."""
    spells = _read_groups_file(str(GROUPS_CSV))
    current = spells[(spells["joined"] <= day) & (spells["left"].isna() | (day < spells["left"]))]
    return {group: set(codes) for group, codes in current.groupby("group")["country_code"]}


def _spells_of(group: str) -> pd.DataFrame:
    spells = load_groups()
    return spells[spells["group"] == group].reset_index(drop=True)


def _check_group(group: object) -> str:
    if not isinstance(group, str) or group not in GROUPS:
        raise UnknownGroupError(group)
    return group


def _check_groups(groups: str | Sequence[str] | None) -> list[str]:
    if groups is None:
        return list(GROUPS)
    if isinstance(groups, str):
        return [_check_group(groups)]
    checked = [_check_group(group) for group in groups]
    if not checked:
        raise ValueError("No group ids given: pass one or more of " + ", ".join(GROUPS))
    return checked


def _parse_date(value: DateLike | None, name: str) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError) as error:
        raise ValueError(f"{name}={value!r} is not a date; give an ISO date such as '2020-12-31'") from error
    if pd.isna(stamp):
        raise ValueError(f"{name}={value!r} is not a date; give an ISO date such as '2020-12-31'")
    return stamp.normalize()


# ---------------------------------------------------------------------------------------------
# Votes of a group's members


def _members_votes(votes: pd.DataFrame, group: str, start: DateLike | None, end: DateLike | None) -> pd.DataFrame:
    """The rows of `votes` cast by members of `group` while they were members, within [start, end].

    One row per (roll call, member): roll_call_id, symbol, date, country_code, vote. The string
    columns keep their dtype (categorical, as `load_votes` gives them, stays categorical).
    """
    _require_columns(votes, _VOTE_COLUMNS)
    first, last = _parse_date(start, "start"), _parse_date(end, "end")
    if first is not None and last is not None and first > last:
        raise ValueError(f"start={start!r} is after end={end!r}: the period is empty; swap them")
    votes = votes[list(_VOTE_COLUMNS)]
    if not pd.api.types.is_datetime64_any_dtype(votes["date"]):
        votes = votes.assign(date=pd.to_datetime(votes["date"]))
    unknown = {value for value in pd.Series(votes["vote"].unique()).astype(object) if value not in _KNOWN_VOTES}
    if unknown:
        raise ValueError(f"Unknown vote codes {sorted(map(str, unknown))} in the votes frame; expected Y, N, A or X")
    day = votes["date"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    keep = np.ones(len(votes), dtype=bool)
    if first is not None:
        keep &= day >= first.value
    if last is not None:
        keep &= day <= last.value
    # Membership on the vote's date, vectorised over the country codes: for each spell rank (a
    # country has at most a few spells) look up the spell's bounds by the row's country.
    countries = votes["country_code"]
    if not isinstance(countries.dtype, pd.CategoricalDtype):
        countries = countries.astype("category")
    index_of = countries.cat.codes.to_numpy()
    categories = pd.Index(countries.cat.categories.astype(str))
    spells = _spells_of(group)
    spells = spells.assign(_category=categories.get_indexer(spells["country_code"]))
    spells = spells[spells["_category"] >= 0]
    spells = spells.assign(_rank=spells.groupby("country_code").cumcount())
    never = np.iinfo(np.int64).max
    member = np.zeros(len(votes), dtype=bool)
    for _, ranked in spells.groupby("_rank"):
        joined = np.full(len(categories) + 1, never, dtype=np.int64)  # the extra slot catches code -1 (missing)
        left = np.full(len(categories) + 1, never, dtype=np.int64)
        joined[ranked["_category"].to_numpy()] = ranked["joined"].to_numpy(dtype="datetime64[ns]").view(np.int64)
        ends = ranked["left"].to_numpy(dtype="datetime64[ns]").view(np.int64)
        left[ranked["_category"].to_numpy()] = np.where(ranked["left"].isna().to_numpy(), never, ends)
        member |= (day >= joined[index_of]) & (day < left[index_of])
    return votes[keep & member].reset_index(drop=True)


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str = "votes") -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        shape = " (the shape of scraper.store.load_votes)" if what == "votes" else ""
        raise ValueError(f"The {what} frame lacks columns {missing}; it needs {list(columns)}{shape}")


def _plain_strings(column: pd.Series) -> np.ndarray:
    """The values of a (possibly categorical) column as a numpy array of Python strings."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = np.asarray(column.cat.categories.astype(str), dtype=object)
        return categories[column.cat.codes.to_numpy()]
    return column.astype(str).to_numpy(dtype=object)


def _count_cast_votes(member_votes: pd.DataFrame) -> pd.DataFrame:
    """One row per roll call (index roll_call_id): symbol, date and the numbers of members voting Y, N and A."""
    cast = member_votes[member_votes["vote"].isin(CAST_VOTES)]
    calls, position = np.unique(cast["roll_call_id"].to_numpy(), return_inverse=True)
    cast_vote = _plain_strings(cast["vote"])
    choice = np.select([cast_vote == vote for vote in CAST_VOTES], np.arange(len(CAST_VOTES)))
    tallies = np.zeros((len(calls), len(CAST_VOTES)), dtype=np.int64)
    np.add.at(tallies, (position, choice), 1)
    first = cast.drop_duplicates("roll_call_id").set_index("roll_call_id")[["symbol", "date"]].reindex(calls)
    counts = pd.DataFrame(tallies, columns=list(CAST_VOTES), index=pd.Index(calls, name="roll_call_id"))
    return pd.concat([first, counts], axis=1).sort_values("date", kind="stable")


def agreement_index(yes: np.ndarray | Sequence[int], no: np.ndarray | Sequence[int], abstain: np.ndarray | Sequence[int]) -> np.ndarray:
    """Hix, Noury and Roland's Agreement Index of one vote, for each set of counts given.

    AI = (max(Y, N, A) − ½·[(Y + N + A) − max(Y, N, A)]) / (Y + N + A): 1 when every member casting
    a vote casts the same one, 0 when the votes split evenly in three. (Hix, Noury & Roland,
    "Power to the Parties", British Journal of Political Science 35(2), 2005.) NaN where nobody voted.

    >>> agreement_index([10], [0], [0]).tolist(), agreement_index([2], [2], [2]).tolist()
    ([1.0], [0.0])
    """
    counts = np.column_stack([np.asarray(yes, dtype=float), np.asarray(no, dtype=float), np.asarray(abstain, dtype=float)])
    total = counts.sum(axis=1)
    top = counts.max(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (top - 0.5 * (total - top)) / total, np.nan)


def group_cohesion(
    votes: pd.DataFrame,
    group: str | Sequence[str],
    start: DateLike | None = None,
    end: DateLike | None = None,
    *,
    by: Literal["period", "year"] = "period",
    min_voters: int = 2,
) -> pd.DataFrame:
    """How united each group voted in a period: the mean Hix–Noury–Roland Agreement Index.

    For every roll call in [start, end] (inclusive dates; None leaves that side open) the members of
    the group on that day that voted Yes, No or Abstain are counted (non-voting and absence are not
    votes) and the Agreement Index of those counts is taken; roll calls on which fewer than
    `min_voters` members voted are skipped, since one voter cannot disagree with anyone. The
    index is then averaged over roll calls, each weighing the same.

    One row per group (`by="period"`) or per group and calendar year (`by="year"`): `group`,
    `group_name`, [`year`], `roll_calls` (votes counted), `voters` (mean number of members voting
    per roll call), `agreement_index` (mean; NaN when no roll call qualifies). With `by="year"`,
    years without a qualifying roll call have no row.
    """
    if by not in ("period", "year"):
        raise ValueError(f"by={by!r}: choose 'period' (one row per group) or 'year' (one row per group and year)")
    if min_voters < 1:
        raise ValueError(f"min_voters={min_voters}: must be at least 1")
    rows = []
    for group_id in _check_groups(group):
        counts = _count_cast_votes(_members_votes(votes, group_id, start, end))
        counts["voters"] = counts[list(CAST_VOTES)].sum(axis=1)
        counts = counts[counts["voters"] >= min_voters]
        counts["agreement_index"] = agreement_index(counts["Y"], counts["N"], counts["A"])
        if by == "period":
            rows.append({
                "group": group_id,
                "group_name": GROUPS[group_id],
                "roll_calls": len(counts),
                "voters": counts["voters"].mean() if len(counts) else np.nan,
                "agreement_index": counts["agreement_index"].mean() if len(counts) else np.nan,
            })
            continue
        yearly = counts.groupby(counts["date"].dt.year).agg(
            roll_calls=("agreement_index", "size"),
            voters=("voters", "mean"),
            agreement_index=("agreement_index", "mean"),
        )
        for year, row in yearly.iterrows():
            rows.append({"group": group_id, "group_name": GROUPS[group_id], "year": int(year), **row.to_dict()})
    columns = ["group", "group_name"] + (["year"] if by == "year" else []) + ["roll_calls", "voters", "agreement_index"]
    result = pd.DataFrame(rows, columns=columns)
    result["roll_calls"] = result["roll_calls"].astype(np.int64)
    result["voters"] = result["voters"].astype(float)
    result["agreement_index"] = result["agreement_index"].astype(float)
    if by == "year":
        result["year"] = result["year"].astype(np.int64)
    return result


def group_breakers(
    votes: pd.DataFrame,
    group: str,
    start: DateLike | None = None,
    end: DateLike | None = None,
    *,
    min_share: float = 0.5,
) -> pd.DataFrame:
    """The members that voted against their group's majority, vote by vote.

    On each roll call in [start, end] the group's majority is the vote (Y, N or A) most of its
    members on that day cast; the roll call is used only when that vote was cast by more than
    `min_share` of the members voting (default: an absolute majority; 0 accepts any plurality) and
    no other vote was cast as often. A member that voted otherwise — an abstention against a Yes
    majority included — is a breaker; a member that did not vote is not.

    One row per (roll call, breaking member): `roll_call_id`, `symbol`, `date`, `country_code`,
    `vote`, `group_majority`, `majority_share` (the share of the members voting that cast the
    majority vote), ordered by date, roll call and country.
    """
    if not 0 <= min_share < 1:
        raise ValueError(f"min_share={min_share}: must be in [0, 1)")
    group = _check_group(group)
    cast = _members_votes(votes, group, start, end)
    cast = cast[cast["vote"].isin(CAST_VOTES)]
    counts = _count_cast_votes(cast)
    columns = ["roll_call_id", "symbol", "date", "country_code", "vote", "group_majority", "majority_share"]
    if counts.empty:
        return _typed_breakers(pd.DataFrame(columns=columns))
    tallies = counts[list(CAST_VOTES)].to_numpy()
    top = tallies.max(axis=1)
    clear = (tallies == top[:, None]).sum(axis=1) == 1  # a tie for first place leaves no majority
    share = top / tallies.sum(axis=1)
    majority = pd.DataFrame(
        {"group_majority": np.array(CAST_VOTES)[tallies.argmax(axis=1)], "majority_share": share},
        index=counts.index,
    )[clear & (share > min_share)]
    breakers = cast.merge(majority, left_on="roll_call_id", right_index=True, how="inner")
    breakers = breakers[_plain_strings(breakers["vote"]) != breakers["group_majority"].to_numpy()]
    breakers = breakers.assign(**{column: _plain_strings(breakers[column]) for column in ("symbol", "country_code", "vote")})
    breakers = breakers.sort_values(["date", "roll_call_id", "country_code"], kind="stable")
    return _typed_breakers(breakers[columns].reset_index(drop=True))


def _typed_breakers(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype({
        "roll_call_id": np.int64, "symbol": object, "date": "datetime64[ns]", "country_code": object,
        "vote": object, "group_majority": object, "majority_share": float,
    })


def member_votes(votes: pd.DataFrame, group: str, roll_call: int | str) -> pd.DataFrame:
    """How each member of a group voted on one roll call (e.g. ASEAN on A/RES/75/287).

    `roll_call` is a `roll_call_id` (int) or a resolution symbol in any of the spellings the UN uses
    (`"A/RES/75/250 B"`, `"A/RES/75/250B"`). Membership is that of the vote's date. One row per
    member: `roll_call_id`, `symbol`, `date`, `country_code`, `vote` (Y, N, A, X; missing when the
    record lists no vote for that member, e.g. a state suspended from the Assembly), by country.
    Raises `UnknownRollCallError` when the roll call is not in `votes` or a symbol names several.
    """
    group = _check_group(group)
    _require_columns(votes, _VOTE_COLUMNS)
    if isinstance(roll_call, (int, np.integer)) and not isinstance(roll_call, bool):
        matches = votes.loc[votes["roll_call_id"] == roll_call, "roll_call_id"].unique()
        wanted = f"roll_call_id {roll_call}"
    elif isinstance(roll_call, str):
        symbol = normalise_symbol(roll_call)
        # Normalise each distinct spelling once (a few thousand), not each of the ~950,000 rows.
        spellings = pd.Series(votes["symbol"].unique()).astype(object)
        spelled = spellings[spellings.map(lambda text: normalise_symbol(str(text))) == symbol]
        matches = votes.loc[votes["symbol"].isin(list(spelled)), "roll_call_id"].unique()
        wanted = f"symbol {roll_call!r}"
    else:
        raise TypeError(f"roll_call must be a roll_call_id (int) or a symbol (str), not {type(roll_call).__name__}")
    if len(matches) == 0:
        raise UnknownRollCallError(f"No roll call with {wanted} in the votes frame; check the symbol or the period loaded")
    if len(matches) > 1:
        raise UnknownRollCallError(
            f"{wanted} names {len(matches)} roll calls (ids {sorted(int(m) for m in matches)}); pass one roll_call_id"
        )
    rows = votes[votes["roll_call_id"] == matches[0]]
    roll_call_id, symbol, date = int(matches[0]), str(rows["symbol"].iloc[0]), pd.Timestamp(rows["date"].iloc[0])
    by_country = dict(zip(rows["country_code"].astype(str), rows["vote"].astype(str)))
    members = group_members(group, date)
    return pd.DataFrame({
        "roll_call_id": np.full(len(members), roll_call_id, dtype=np.int64),
        "symbol": [symbol] * len(members),
        "date": pd.to_datetime([date] * len(members)),
        "country_code": members,
        "vote": pd.array([by_country.get(code) for code in members], dtype="string"),
    })


# ---------------------------------------------------------------------------------------------
# Data-driven blocs against named groups


def bloc_group_overlap(
    blocs: pd.DataFrame,
    group_ids: Sequence[str] | None,
    date: DateLike,
) -> pd.DataFrame:
    """How the data-driven blocs (from `blocs.cluster_countries`) line up with the named groups.

    `blocs` has one row per clustered country: `country_code`, `bloc`, `bloc_name`. Each group's
    membership is taken on `date` (use a day inside the clustered period) and restricted to the
    countries that were clustered, since a state without enough votes cannot be in any bloc.
    `group_ids=None` compares with every group.

    One row per (bloc, group): `bloc`, `bloc_name`, `group`, `group_name`, `bloc_size`,
    `group_members` (all members on `date`), `group_in_blocs` (those clustered), `overlap` (members
    in this bloc), `share_of_group` (overlap / group_in_blocs: how much of the group this bloc
    holds), `share_of_bloc` (overlap / bloc_size) and `jaccard` (overlap / size of the union).
    """
    _require_columns(blocs, ("country_code", "bloc", "bloc_name"), what="blocs")
    groups = _check_groups(group_ids)
    if blocs["country_code"].duplicated().any():
        twice = sorted(blocs.loc[blocs["country_code"].duplicated(), "country_code"].astype(str).unique())
        raise ValueError(f"The blocs frame lists countries {twice} more than once; each belongs to one bloc")
    day = _parse_date(date, "date")
    if day is None:
        raise ValueError("date is required: group membership is taken on that day")
    clustered = blocs.assign(country_code=blocs["country_code"].astype(str))
    names = clustered.drop_duplicates("bloc").set_index("bloc")["bloc_name"]
    sizes = clustered.groupby("bloc").size()
    bloc_of = dict(zip(clustered["country_code"], clustered["bloc"]))
    rows = []
    members_on_day = _members_on(day)
    for group_id in groups:
        members = members_on_day.get(group_id, set())
        member_blocs = [bloc_of[code] for code in members if code in bloc_of]
        for bloc in sorted(sizes.index):
            overlap = member_blocs.count(bloc)
            bloc_size, group_size = int(sizes[bloc]), len(member_blocs)
            union = bloc_size + group_size - overlap
            rows.append({
                "bloc": bloc,
                "bloc_name": names[bloc],
                "group": group_id,
                "group_name": GROUPS[group_id],
                "bloc_size": bloc_size,
                "group_members": len(members),
                "group_in_blocs": group_size,
                "overlap": overlap,
                "share_of_group": overlap / group_size if group_size else np.nan,
                "share_of_bloc": overlap / bloc_size,
                "jaccard": overlap / union if union else np.nan,
            })
    return pd.DataFrame(rows, columns=[
        "bloc", "bloc_name", "group", "group_name", "bloc_size", "group_members", "group_in_blocs",
        "overlap", "share_of_group", "share_of_bloc", "jaccard",
    ])


def members_on(date: DateLike) -> dict[str, frozenset[str]]:
    """Group id → the codes of its members on `date`, for every group at once (cached per day:
    naming the blocs asks for the same day on every clustering of a period)."""
    day = _parse_date(date, "date")
    if day is None:
        raise ValueError("date is required: group membership is taken on that day")
    return _members_on_cached(day.strftime("%Y-%m-%d"))


@functools.lru_cache(maxsize=64)
def _members_on_cached(day: str) -> dict[str, frozenset[str]]:
    return {group: frozenset(codes) for group, codes in _members_on(pd.Timestamp(day)).items()}
