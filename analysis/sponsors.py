"""Co-sponsorship: who puts their name on the same draft resolutions, from session 74 (2019) on.

The UN's extracts list, for every resolution, the sponsors named on the draft (the main sponsors)
and the states that joined later ("additional sponsors"); the store keeps them apart, "|"-joined, in
`roll_calls.sponsors` and `roll_calls.additional_sponsors`, for the resolutions that went to a
recorded vote. `sponsor_table` turns that text into member codes, each with its `role` (main or
additional): a state tabling a draft for a group ("GUYANA (ON BEHALF OF ... THE GROUP OF 77 AND
CHINA)") counts as Guyana, with the group kept in `on_behalf_of`; a draft "SUBMITTED BY THE
PRESIDENT" or by a committee has no state sponsor; the State of Palestine, an observer state that
sponsors drafts (and tables the Group of 77's in 2019) but has no vote, is kept as PSE.

The co-sponsorship network links two states by the number of drafts both sponsored; their
similarity is the Jaccard index, together / (drafts of either). Communities are found by the same
clustering as the voting blocs (`cluster_countries`, Ward on 1 − similarity), so sponsorship blocs
and vote blocs can be compared state by state.
"""
from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd

OBSERVERS = {"STATE OF PALESTINE": "PSE", "PALESTINE": "PSE", "HOLY SEE": "VAT"}
# Misspellings in the extracts that no rule below recovers, mapped by hand (each seen once, 2019–2025).
MISSPELLINGS = {"ISLAMIC REPUBLIC OF IRAN": "IRN", "MICRONESIA (FEDERATES STATES OF)": "FSM"}
_ROLE = re.compile(r"^(?P<state>.+?)\s*(?:\(\s*|,\s*)(?P<group>(?:ON BEHALF OF|IN ITS CAPACITY AS) .+?)\)?\s*$", re.IGNORECASE)
_BODY = re.compile(r"^\s*SUBMITTED BY\b|ON THE BASIS OF INFORMAL CONSULTATIONS", re.IGNORECASE)
_ARTICLE = re.compile(r"\s*\((?:THE)\)\s*$", re.IGNORECASE)  # "BAHAMAS (THE)"
_SEPARATORS = re.compile(r",\s*|\s+AND\s+|\.\s+|\s{2,}", re.IGNORECASE)  # entries the extract ran together


class UnknownSponsor(ValueError):
    """A sponsor name that is neither a member state, an observer state nor a body "submitting" a draft."""


def _resolve_state(text: str, day: str) -> tuple[str, str] | None:
    """(code, kind) of one state's name as the extracts write it, or None."""
    from scraper.countries import UnknownCountryError, normalise_name, resolve_code

    text = _ARTICLE.sub("", text.strip().rstrip("."))
    key = normalise_name(text)
    candidates = [key, key[4:] if key.startswith("THE ") else None]  # "THE NIGER", "THE UNITED KINGDOM"
    for candidate in filter(None, candidates):
        if candidate in OBSERVERS:
            return OBSERVERS[candidate], "observer"
        if candidate in MISSPELLINGS:
            return MISSPELLINGS[candidate], "state"
        try:
            return resolve_code(candidate, day), "state"
        except (UnknownCountryError, ValueError):
            pass
    squeezed = _squeezed_names(day).get(key.replace(" ", ""))  # "CZECHI A", "MAURITANI A"
    return (squeezed, "state") if squeezed else None


@functools.cache
def _squeezed_names(day: str) -> dict[str, str]:
    """Every name known on `day` with its spaces removed → code."""
    from scraper.countries import load_name_table, normalise_name

    table = load_name_table()
    valid = table[(table["valid_from"].fillna("") <= day) & ((table["valid_to"].fillna("") == "") | (table["valid_to"].fillna("9999") >= day))]
    return {normalise_name(name).replace(" ", ""): code for name, code in zip(valid["name"], valid["country_code"])}


def _segment(words: list[str], day: str) -> list[tuple[str, str]] | None:
    """Split words run together ("ANGOLA BAHAMAS") into state names, fewest names first; None if impossible."""
    best: list[list[tuple[str, str]] | None] = [None] * (len(words) + 1)
    best[0] = []
    for end in range(1, len(words) + 1):
        for start in range(max(0, end - 8), end):  # no state's name has more than 8 words
            if best[start] is None:
                continue
            found = _resolve_state(" ".join(words[start:end]), day)
            if found and (best[end] is None or len(best[start]) + 1 < len(best[end])):
                best[end] = best[start] + [found]
    return best[len(words)]


def parse_sponsor(name: str, date) -> list[tuple[str, str, str]]:
    """One sponsor entry as the extracts write it → [(country_code, on_behalf_of, kind), ...] (see below)."""
    return list(_parse_sponsor(str(name), pd.Timestamp(date).date().isoformat()))


@functools.lru_cache(maxsize=65536)
def _parse_sponsor(name: str, day: str) -> tuple[tuple[str, str, str], ...]:
    # Cached: a session's drafts repeat the same names on the same days thousands of times.
    return tuple(_parse_sponsor_uncached(name, day))


def _parse_sponsor_uncached(name: str, day: str) -> list[tuple[str, str, str]]:
    """One sponsor entry as the extracts write it → [(country_code, on_behalf_of, kind), ...].

    Usually one tuple; several where the extract ran entries together ("UNITED STATES AND VIET NAM",
    "COMOROS  CONGO"). kind is "state" (a member state), "observer" (the State of Palestine, the Holy
    See) or "body" (a draft submitted by the President, a committee or its officers: country_code "").
    on_behalf_of is the group a state tabled the draft for ("on behalf of ... the Group of 77 and
    China") or its capacity, else "". Raises `UnknownSponsor` for a name it cannot place.
    """
    text = " ".join(str(name).replace("\u2019", "'").split(" "))
    if _BODY.search(text):
        return [("", "", "body")]
    whole = _ROLE.match(text.strip())
    if whole:
        found = _resolve_state(whole.group("state"), day)
        if found:
            return [(found[0], " ".join(whole.group("group").split()).rstrip(")"), found[1])]
    found = _resolve_state(text, day)
    if found:
        return [(found[0], "", found[1])]
    # Entries run together: take the groups out, split on commas, "and", full stops, double spaces.
    groups = re.findall(r"\(((?:ON BEHALF OF|IN ITS CAPACITY AS)[^)]*)\)", text, flags=re.IGNORECASE)
    plain = re.sub(r"\s*\((?:ON BEHALF OF|IN ITS CAPACITY AS)[^)]*\)", "", text, flags=re.IGNORECASE)
    out = []
    for part in filter(None, (p.strip() for p in _SEPARATORS.split(plain))):
        found = _resolve_state(part, day)
        pieces = [found] if found else _segment(part.split(), day)
        if not pieces:
            raise UnknownSponsor(f"Sponsor {str(name)[:80]!r} is not a member state, observer or body")
        out.extend((code, "", kind) for code, kind in pieces)
    if len(groups) == 1 and "(" in text:
        # the state written just before the group tabled it for the group
        before = text[: text.lower().index(groups[0].lower())].rstrip(" (")
        tail = _SEPARATORS.split(before)[-1].strip()
        owner = _resolve_state(tail, day)
        out = [(code, " ".join(groups[0].split()) if owner and code == owner[0] else group, kind) for code, group, kind in out]
    return out


ROLES = ("main", "additional")  # named on the draft; joined it later


def sponsor_table(roll_calls: pd.DataFrame, sessions: list[str] | None = None) -> pd.DataFrame:
    """One row per (roll call, sponsor entry) of the roll calls that list sponsors.

    Columns: roll_call_id, symbol, date, session, position (1 = first named: the main sponsors
    first, then the additional ones, in the extract's order), role ("main": named on the draft;
    "additional": joined it later), name (as written), country_code ("" for a body), on_behalf_of
    (the group a state tabled the draft for, or ""), kind (state / observer / body / unknown). A
    state named twice on one draft counts once, with its first entry (so a main sponsor the extract
    lists again among the additional ones stays main). `sessions` limits the roll calls (labels as
    in the store: "74", "ES-11").

    `roll_calls` without an `additional_sponsors` column (or a store saved before the two lists were
    kept apart, whose `sponsors` hold both) gives every entry the role "main".
    """
    main = roll_calls["sponsors"].fillna("").astype(str)
    additional = (roll_calls["additional_sponsors"].fillna("").astype(str) if "additional_sponsors" in roll_calls
                  else pd.Series("", index=roll_calls.index))
    keep = (main != "") | (additional != "")
    if sessions is not None:
        keep &= roll_calls["session"].astype(str).isin([str(s) for s in sessions])
    calls = roll_calls[keep]
    rows = []
    for roll_call_id, symbol, date, session, *texts in zip(calls["roll_call_id"], calls["symbol"].astype(str), calls["date"],
                                                            calls["session"].astype(str), main[keep], additional[keep]):
        seen = set()
        position = 0
        for role, text in zip(ROLES, texts):
            for name in filter(None, (part.strip() for part in text.split("|"))):
                try:
                    parsed = parse_sponsor(name, date)
                except UnknownSponsor:
                    parsed = [("", "", "unknown")]
                for code, group, kind in parsed:
                    if code and code in seen:
                        continue
                    seen.add(code)
                    position += 1
                    rows.append((roll_call_id, symbol, date, session, position, role, name, code, group, kind))
    columns = ["roll_call_id", "symbol", "date", "session", "position", "role", "name", "country_code", "on_behalf_of",
               "kind"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def _state_sponsors(sponsors: pd.DataFrame) -> pd.DataFrame:
    return sponsors[sponsors["country_code"] != ""][["roll_call_id", "country_code"]].drop_duplicates()


def co_sponsorship_counts(sponsors: pd.DataFrame) -> pd.DataFrame:
    """State × state: the number of drafts both sponsored (the diagonal: each state's own count).

    Rows and columns are the states (and observers) that sponsored at least one draft, sorted by code.
    """
    pairs = _state_sponsors(sponsors)
    codes = np.sort(pairs["country_code"].unique())
    drafts = np.sort(pairs["roll_call_id"].unique())
    incidence = np.zeros((len(codes), len(drafts)), dtype=np.float32)
    incidence[np.searchsorted(codes, pairs["country_code"]), np.searchsorted(drafts, pairs["roll_call_id"])] = 1.0
    counts = (incidence @ incidence.T).astype(np.int64)
    return pd.DataFrame(counts, index=pd.Index(codes, name="country_code"), columns=pd.Index(codes, name="partner_code"))


def co_sponsorship_similarity(counts: pd.DataFrame) -> pd.DataFrame:
    """State × state Jaccard index of two states' drafts, together / (drafts either sponsored); 1 on the diagonal."""
    values = counts.to_numpy(dtype=np.float64)
    own = np.diag(values)
    union = own[:, None] + own[None, :] - values
    with np.errstate(invalid="ignore", divide="ignore"):
        similarity = np.where(union > 0, values / union, np.nan)
    np.fill_diagonal(similarity, 1.0)
    return pd.DataFrame(similarity, index=counts.index.copy(), columns=counts.columns.copy())


def co_sponsorship_network(sponsors: pd.DataFrame, min_together: int = 1) -> pd.DataFrame:
    """The network's edges: one row per pair of states that sponsored at least `min_together` drafts
    together, country_a < country_b: country_a, country_b, together, drafts_a, drafts_b, jaccard.
    Sorted by together (most first), then the codes."""
    counts = co_sponsorship_counts(sponsors)
    similarity = co_sponsorship_similarity(counts).to_numpy()
    values = counts.to_numpy()
    codes = counts.index.to_numpy()
    first, second = np.triu_indices(len(codes), k=1)
    together = values[first, second]
    keep = together >= max(min_together, 1)
    first, second = first[keep], second[keep]
    own = np.diag(values)
    frame = pd.DataFrame({"country_a": codes[first], "country_b": codes[second], "together": together[keep],
                          "drafts_a": own[first], "drafts_b": own[second], "jaccard": similarity[first, second]})
    return frame.sort_values(["together", "country_a", "country_b"], ascending=[False, True, True], kind="stable").reset_index(drop=True)


def sponsorship_blocs(sponsors: pd.DataFrame, k: int | None = None, *, min_drafts: int = 3,
                      names: dict[str, str] | None = None) -> pd.DataFrame:
    """Communities of the co-sponsorship network: `cluster_countries` (Ward on 1 − Jaccard) of the states
    that sponsored at least `min_drafts` drafts. One row per state, as `cluster_countries` returns it
    (country_code, bloc, bloc_name, centrality = mean Jaccard index with its bloc); k chosen by silhouette
    when not given."""
    from analysis.blocs import cluster_countries

    counts = co_sponsorship_counts(sponsors)
    active = counts.index[np.diag(counts.to_numpy()) >= max(min_drafts, 1)]
    similarity = co_sponsorship_similarity(counts.loc[active, active])
    return cluster_countries(similarity, k, names=names)


def sponsorship_network_with_communities(roll_calls: pd.DataFrame, sessions: list[str] | None = None,
                                         k: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(edges, communities) of the co-sponsorship network of these sessions, from the store's roll calls."""
    sponsors = sponsor_table(roll_calls, sessions)
    return co_sponsorship_network(sponsors), sponsorship_blocs(sponsors, k)


def top_co_sponsors(sponsors: pd.DataFrame, country_code: str, n: int | None = 10) -> pd.DataFrame:
    """The states that most often sponsored the same drafts as `country_code`.

    One row per partner: partner_code, together (drafts both sponsored), share (of the country's own
    drafts), jaccard, rank. Ties broken by code. Empty if the country sponsored nothing.
    """
    counts = co_sponsorship_counts(sponsors)
    code = str(country_code).upper()
    columns = ["partner_code", "together", "share", "jaccard", "rank"]
    if code not in counts.index or counts.loc[code, code] == 0:
        return pd.DataFrame(columns=columns)
    row = counts.loc[code].drop(labels=code)
    row = row[row > 0]
    similarity = co_sponsorship_similarity(counts).loc[code, row.index]
    frame = pd.DataFrame({"partner_code": row.index.astype(str), "together": row.to_numpy(),
                          "share": row.to_numpy() / counts.loc[code, code], "jaccard": similarity.to_numpy()})
    frame = frame.sort_values(["together", "partner_code"], ascending=[False, True], kind="stable")
    if n is not None:
        frame = frame.head(n)
    frame["rank"] = np.arange(1, len(frame) + 1)
    return frame.reset_index(drop=True)[columns]


def sponsored_not_yes(sponsors: pd.DataFrame, votes: pd.DataFrame) -> pd.DataFrame:
    """Sponsors that did not vote Yes on the resolution they sponsored.

    One row per (roll call, sponsoring member state) whose vote was not Yes: roll_call_id, symbol,
    date, country_code, vote (N, A, X = present but not voting, or "" = not in the member list: absent).
    Observers (no vote) are left out. Sorted by date, symbol, code.
    """
    mine = sponsors[sponsors["kind"] == "state"][["roll_call_id", "symbol", "date", "country_code"]]
    cast = votes[votes["roll_call_id"].isin(mine["roll_call_id"])][["roll_call_id", "country_code", "vote"]].copy()
    cast["country_code"] = cast["country_code"].astype(str)
    cast["vote"] = cast["vote"].astype(str)
    listed = set(cast["roll_call_id"])  # roll calls with a member list (some extracts give tallies only)
    frame = mine[mine["roll_call_id"].isin(listed)].merge(cast, on=["roll_call_id", "country_code"], how="left")
    frame["vote"] = frame["vote"].fillna("")
    frame = frame[frame["vote"] != "Y"]
    return frame.sort_values(["date", "symbol", "country_code"], kind="stable").reset_index(drop=True)


def compare_with_vote_blocs(sponsor_blocs: pd.DataFrame, vote_blocs: pd.DataFrame) -> pd.DataFrame:
    """How sponsorship blocs line up with vote blocs, state by state (the states in both).

    One row per state: country_code, vote_bloc, vote_bloc_name, sponsor_bloc (renumbered to the vote
    bloc it overlaps most, `match_blocs`), sponsor_bloc_name, same (True where the two agree).
    attrs: adjusted_rand (1 = the same partition, 0 = no more alike than chance), agreeing (share of
    states with same = True).
    """
    from sklearn.metrics import adjusted_rand_score

    from analysis.blocs import match_blocs

    common = sorted(set(sponsor_blocs["country_code"].astype(str)) & set(vote_blocs["country_code"].astype(str)))
    votes_part = vote_blocs[vote_blocs["country_code"].astype(str).isin(common)]
    sponsor_part = sponsor_blocs[sponsor_blocs["country_code"].astype(str).isin(common)]
    matched = match_blocs(votes_part, sponsor_part)
    frame = votes_part[["country_code", "bloc", "bloc_name"]].rename(columns={"bloc": "vote_bloc", "bloc_name": "vote_bloc_name"})
    frame = frame.merge(matched[["country_code", "bloc", "bloc_name"]].rename(
        columns={"bloc": "sponsor_bloc", "bloc_name": "sponsor_bloc_name"}), on="country_code")
    frame["same"] = frame["vote_bloc"] == frame["sponsor_bloc"]
    frame = frame.sort_values(["vote_bloc", "same", "country_code"], ascending=[True, False, True], kind="stable").reset_index(drop=True)
    frame.attrs.update(adjusted_rand=float(adjusted_rand_score(frame["vote_bloc"], frame["sponsor_bloc"])) if len(frame) else float("nan"),
                       agreeing=float(frame["same"].mean()) if len(frame) else float("nan"))
    return frame
