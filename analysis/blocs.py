"""Voting blocs: cluster countries by how alike they vote, choose how many blocs, keep a bloc's label
(and colour) from one period to the next, name each bloc, and say how cohesive it is.

Modelling choices (scikit-learn, deterministic):

- **Distance**: 1 − agreement (any of the five measures), after `complete_agreement` imputes the
  pairs that never sat together and drops states with too little data.
- **Method**: `"hierarchical"` (default) is agglomerative clustering of the precomputed
  distances with Ward's linkage (scipy's `linkage`, Lance–Williams updates). Hierarchical
  clustering uses the agreement itself rather than a projection of it and needs no random start;
  one tree serves every k, so choosing k costs one cut per candidate. Ward's linkage, because on
  Assembly data average and complete linkage peel off the United States and Israel (whose
  agreement with everyone else is low) as a "bloc" of two and leave 180 states in the other,
  while Ward, which merges the pair of groups that least increases within-bloc dispersion, finds
  the West / rest split and its sub-blocs; `linkage="average"` or `"complete"` are available.
  (scikit-learn's `AgglomerativeClustering` refuses Ward with precomputed distances, hence scipy.)
  `"spectral"` runs scikit-learn's spectral clustering with the agreement (rescaled to [0, 1])
  as the affinity; `"kmeans"` runs k-means on the first 10 axes of the classical-MDS
  embedding. Both are seeded by `random_state`.
- **Number of blocs**: fixed by `k`, or chosen as the k in `k_range` with the highest mean
  silhouette computed on the precomputed distance matrix (not on a projection). Silhouette is
  the usual criterion for a distance-based clustering, needs no distributional model, and
  compares every country's mean distance to its own bloc with that to the nearest other bloc —
  exactly "is this country in the right bloc". Singleton clusters score 0 by definition, so the
  criterion does not reward splitting off the odd outlier (the US and Israel) as a "bloc". Ties
  go to the smaller k. All scores are in `attrs["criterion"]`.
- **Labels**: bloc 0 is the largest (ties: the bloc holding the alphabetically first code); across
  periods `match_blocs` relabels with the Hungarian algorithm on membership overlap.
- **Names** (`name_bloc`), so a reader recognises a bloc: the named groups (`analysis.groups`) it
  holds most of, then its three best-known members — "NATO and EU: France, United Kingdom,
  Germany, …". A group counts when more than half of its clustered members are in the bloc (so no
  group names two blocs) and at least three of them; of those, the two that best match the bloc
  (highest Jaccard overlap; the UN's electoral groups, which people know least by name, last) are
  named. "Best-known" is a fixed rule, not a judgement per bloc:
  the permanent members of the Security Council first, then the other G20 states, then a short
  list of regional powers (`REGIONAL_POWERS`), then everyone else; within each tier the most
  central member first (highest mean agreement with the rest of the bloc), among the members
  that cast at least three quarters of the bloc's median number of votes (a state voting on a
  sliver of the agenda looks central on the sliver). A bloc of two or three states is named by its members
  ("United States and Israel"). The statistical name — the three most central members — stays
  in the column `central_members`.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from analysis.agreement import agreement_matrix, complete_agreement
from analysis.embedding import classical_mds
from analysis.matrix import SelectionError

METHODS = ("hierarchical", "spectral", "kmeans")
LINKAGES = ("ward", "average", "complete")
EMBEDDING_DIMENSIONS = 10  # k-means runs on the first 10 MDS axes: beyond them the eigenvalues are noise

# Short names people use, where the Assembly's official name is long; the rest are title-cased.
SHORT_NAMES: dict[str, str] = {
    "USA": "United States", "GBR": "United Kingdom", "RUS": "Russia", "SUN": "USSR", "PRK": "North Korea",
    "KOR": "South Korea", "IRN": "Iran", "SYR": "Syria", "VEN": "Venezuela", "BOL": "Bolivia",
    "LAO": "Laos", "COD": "DR Congo", "COG": "Congo", "TZA": "Tanzania", "MDA": "Moldova",
    "VNM": "Viet Nam", "FSM": "Micronesia", "DDR": "East Germany", "DEU": "Germany", "YMD": "South Yemen",
    "YUG": "Yugoslavia", "CSK": "Czechoslovakia", "SCG": "Serbia and Montenegro", "MKD": "North Macedonia",
    "CAF": "Central African Republic", "ARE": "United Arab Emirates", "BRN": "Brunei", "CPV": "Cabo Verde",
    "CIV": "Côte d'Ivoire", "SWZ": "Eswatini", "TUR": "Türkiye", "CZE": "Czechia", "LBY": "Libya",
    "DOM": "Dominican Republic", "KNA": "Saint Kitts and Nevis", "VCT": "Saint Vincent and the Grenadines",
}
_SMALL_WORDS = {"and", "of", "the", "de", "da", "del", "d'"}

# Who a bloc's name shows first: the states a reader is likeliest to know. Tiers, in order:
PERMANENT_FIVE = ("USA", "SUN", "RUS", "CHN", "GBR", "FRA")  # the Security Council's permanent members
G20_STATES = ("DEU", "JPN", "IND", "BRA", "ITA", "CAN", "KOR", "AUS", "MEX", "IDN", "SAU", "TUR", "ARG", "ZAF")
# Regional powers outside the G20: the largest economies or populations of their region, and the
# Cold War's leading states of each camp that no longer exist.
REGIONAL_POWERS = ("NGA", "EGY", "IRN", "PAK", "ISR", "ESP", "POL", "UKR", "NLD", "SWE", "VNM", "ETH", "DZA",
                   "CUB", "VEN", "CHL", "COL", "BGD", "THA", "MYS", "PHL", "KEN", "YUG", "DDR", "CSK")
MEMBERS_IN_NAME = 3
GROUPS_IN_NAME = 2
# The named groups as a bloc's name writes them: short, and as people say them.
GROUP_SHORT_NAMES = {
    "un-african": "African Group", "un-asia-pacific": "Asia-Pacific Group",
    "un-eastern-european": "Eastern European Group", "un-grulac": "Latin American Group",
    "un-weog": "Western Group", "eu": "EU", "nato": "NATO", "asean": "ASEAN", "au": "African Union",
    "arab-league": "Arab League", "oic": "Islamic Cooperation", "nam": "Non-Aligned Movement", "g77": "G77",
    "brics": "BRICS",
}


def prominence(code: str) -> int:
    """How well known a state is, for naming a bloc: 0 a permanent member of the Security Council,
    1 another G20 state, 2 a regional power (`REGIONAL_POWERS`), 3 any other."""
    for tier, codes in enumerate((PERMANENT_FIVE, G20_STATES, REGIONAL_POWERS)):
        if code in codes:
            return tier
    return 3


class TooManyBlocs(SelectionError):
    """k larger than the number of countries that can be clustered."""


def country_labels(countries: pd.DataFrame | None) -> dict[str, str]:
    """Readable short names keyed by code, from `load_countries` (one row per state): the common
    short form where the official one is long, else the official name without its parenthesis,
    title-cased ("BOLIVIA (PLURINATIONAL STATE OF)" → "Bolivia")."""
    labels = dict(SHORT_NAMES)
    if countries is None:
        return labels
    for code, name in countries[["country_code", "name"]].itertuples(index=False):
        if code in labels or not isinstance(name, str) or not name:
            continue
        plain = re.sub(r"\s*\(.*?\)\s*", " ", name).strip()
        # Each hyphenated piece capitalised: "GUINEA-BISSAU" → "Guinea-Bissau", "TIMOR-LESTE" → "Timor-Leste".
        words = [word.lower() if word.lower() in _SMALL_WORDS and i else "-".join(p.capitalize() for p in word.split("-"))
                 for i, word in enumerate(plain.split())]
        labels[str(code)] = " ".join(words)
    return labels


def _distance(complete: pd.DataFrame) -> np.ndarray:
    distance = np.clip(1.0 - complete.to_numpy(dtype=np.float64), 0.0, None)
    np.fill_diagonal(distance, 0.0)
    return (distance + distance.T) / 2.0


def _fitter(method: str, linkage: str, distance: np.ndarray, complete: pd.DataFrame, random_state: int):
    """A function k → labels. Hierarchical builds its tree once and cuts it at every k."""
    if method == "hierarchical":
        from scipy.cluster.hierarchy import fcluster
        from scipy.cluster.hierarchy import linkage as build_tree
        from scipy.spatial.distance import squareform

        tree = build_tree(squareform(distance, checks=False), method=linkage)
        return lambda k: fcluster(tree, k, criterion="maxclust") - 1
    # Imported here: scikit-learn's estimators are only needed for these two methods.
    from sklearn.cluster import KMeans, SpectralClustering

    if method == "spectral":
        values = complete.to_numpy(dtype=np.float64)
        low = values.min()
        affinity = (values - low) / (1.0 - low) if low < 1.0 else np.ones_like(values)
        affinity = (affinity + affinity.T) / 2.0
        return lambda k: SpectralClustering(
            n_clusters=k, affinity="precomputed", random_state=random_state, assign_labels="cluster_qr",
        ).fit_predict(affinity)
    coordinates, eigenvalues = classical_mds(distance, min(distance.shape[0], EMBEDDING_DIMENSIONS))
    coordinates = coordinates[:, eigenvalues[: coordinates.shape[1]] > 1e-9]
    return lambda k: KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(coordinates)


def silhouette(distance: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette coefficient (Rousseeuw 1987) of `labels` on a precomputed `distance` matrix.

    For each state: a = its mean distance to the rest of its bloc, b = its smallest mean distance
    to another bloc's members, s = (b - a) / max(a, b); a state alone in its bloc scores 0. NaN
    unless 2 <= number of blocs < number of states. The same numbers as scikit-learn's
    `silhouette_score(..., metric="precomputed")` (a test checks), in one matrix product and
    without importing scikit-learn, which would cost the dashboard's first page half a second.
    """
    clusters, index = np.unique(np.asarray(labels), return_inverse=True)
    n, k = len(index), len(clusters)
    if k < 2 or k >= n:
        return float("nan")
    member = np.zeros((n, k))
    member[np.arange(n), index] = 1.0
    totals = np.asarray(distance, dtype=np.float64) @ member  # each state's summed distance to each bloc
    sizes = member.sum(axis=0)
    own_size = sizes[index]
    rows = np.arange(n)
    a = totals[rows, index] / np.maximum(own_size - 1, 1)
    to_others = totals / sizes
    to_others[rows, index] = np.inf
    b = to_others.min(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = np.nan_to_num((b - a) / np.maximum(a, b))
    scores[own_size == 1] = 0.0
    return float(scores.mean())


def cluster_countries(
    agreement: pd.DataFrame,
    k: int | None = None,
    *,
    method: str = "hierarchical",
    linkage: str = "ward",
    random_state: int = 0,
    k_range: Iterable[int] = range(2, 11),
    names: Mapping[str, str] | None = None,
    date: str | None = None,
) -> pd.DataFrame:
    """Assign every country of an agreement matrix to a voting bloc.

    One row per country: country_code, bloc (int from 0, 0 = the largest bloc), bloc_name (the
    groups it holds most of on `date` and its best-known members, see `name_bloc`; without `date`,
    the members alone), central_members (its three most central members), centrality (the
    country's mean agreement with the other members of its bloc; NaN for a bloc of one). Rows are
    sorted by bloc, then centrality (most central first).
    `attrs`: k, method, criterion ({k: mean silhouette}), silhouette (of the result), dropped
    (states with too little data, left out), imputed_pairs. `names` maps codes to display names
    for `bloc_name` (see `country_labels`); codes are used otherwise.
    Raises `TooManyBlocs` when k exceeds the countries that can be clustered.
    """
    if method not in METHODS:
        raise SelectionError(f"Unknown clustering method {method!r}; choose one of {', '.join(METHODS)}.")
    if linkage not in LINKAGES:
        raise SelectionError(f"Unknown linkage {linkage!r}; choose one of {', '.join(LINKAGES)}.")
    complete = complete_agreement(agreement)
    codes = complete.index.astype(str)
    n = len(codes)
    if k is not None and (k < 1 or k > n):
        raise TooManyBlocs(
            f"k = {k} blocs asked for, but only {n} countries have enough shared votes in this selection; "
            f"choose k between 1 and {n}."
        )
    if n < 2:
        raise TooManyBlocs(f"Only {n} country has enough shared votes in this selection; widen it to find blocs.")
    distance = _distance(complete)
    fit = _fitter(method, linkage, distance, complete, random_state)
    criterion: dict[int, float] = {}
    if k is None:
        best_k, best_score, best_labels = None, -np.inf, None
        for candidate in k_range:
            if not 2 <= candidate < n:
                continue
            labels = fit(candidate)
            score = silhouette(distance, labels)
            criterion[int(candidate)] = score
            if score > best_score + 1e-12:  # strict: ties keep the smaller k
                best_k, best_score, best_labels = int(candidate), score, labels
        if best_labels is None:
            best_k, best_labels = 1, np.zeros(n, dtype=int)
        k, labels = best_k, best_labels
    else:
        labels = fit(k) if k > 1 else np.zeros(n, dtype=int)
    frame = _describe_blocs(complete, labels, names, _votes_cast(agreement, complete.index), date)
    frame.attrs.update(
        k=int(k), method=method, linkage=linkage if method == "hierarchical" else None, criterion=criterion,
        silhouette=silhouette(distance, labels),
        dropped=complete.attrs.get("dropped", []), imputed_pairs=complete.attrs.get("imputed_pairs", 0),
        metric=agreement.attrs.get("metric"),
    )
    return frame


def _votes_cast(agreement: pd.DataFrame, codes: pd.Index) -> np.ndarray | None:
    """Each state's number of votes cast, from the shared-vote counts `agreement_matrix` attaches
    (a state shares all its votes with itself), or None when the matrix came without them."""
    shared = agreement.attrs.get("shared")
    if shared is None or np.shape(shared) != agreement.shape:
        return None
    return pd.Series(np.diag(shared), index=agreement.index).reindex(codes).to_numpy()


def _describe_blocs(
    complete: pd.DataFrame, labels: np.ndarray, names: Mapping[str, str] | None, votes_cast: np.ndarray | None = None,
    date: str | None = None,
) -> pd.DataFrame:
    codes = complete.index.astype(str).to_numpy()
    values = complete.to_numpy(dtype=np.float64)
    raw = np.asarray(labels)
    # Relabel: largest bloc first, ties by the alphabetically first member.
    keys = sorted(set(raw.tolist()), key=lambda b: (-(raw == b).sum(), codes[raw == b].min()))
    bloc = np.array([keys.index(b) for b in raw.tolist()], dtype=np.int64)
    same = bloc[:, None] == bloc[None, :]
    np.fill_diagonal(same, False)
    with np.errstate(invalid="ignore", divide="ignore"):
        centrality = np.where(same, values, 0.0).sum(axis=1) / same.sum(axis=1)
    frame = pd.DataFrame({"country_code": codes, "bloc": bloc, "centrality": centrality})
    cast = pd.Series(votes_cast if votes_cast is not None else np.ones(len(codes)), index=codes)
    frame = frame.sort_values(["bloc", "centrality", "country_code"], ascending=[True, False, True], kind="stable", na_position="last")
    label = (lambda code: names.get(code, code)) if names else (lambda code: code)
    held = groups_held(frame, date) if date is not None else {}
    bloc_names, central = {}, {}
    for b, group in frame.groupby("bloc", sort=True):
        members = group["country_code"].tolist()
        # Name from members that voted on at least three quarters of the bloc's median number of
        # votes: a state that casts votes on a small part of the agenda looks central on the part it
        # chooses. (Not the median itself: where most members cast every vote, a state that missed
        # one — the United States on human rights, 2015–2025 — would drop out of its bloc's name.)
        votes = cast.reindex(members)
        regular = votes.index[votes >= 0.75 * votes.median()].tolist()  # keeps the order by centrality
        if len(members) <= MEMBERS_IN_NAME:
            regular = members  # a bloc this small is named by all its members
        bloc_names[b] = name_bloc(regular, label, size=len(members), groups=held.get(int(b), ()))
        central[b] = central_members(regular, label, size=len(members))
    frame.insert(2, "bloc_name", frame["bloc"].map(bloc_names))
    frame.insert(3, "central_members", frame["bloc"].map(central))
    return frame.reset_index(drop=True)


def name_bloc(members_by_centrality: list[str], label=lambda code: code, size: int | None = None,
              groups: Sequence[str] = ()) -> str:
    """A bloc's name, as a reader recognises it (the rule is in the module docstring).

    `members_by_centrality` (most central first) are the members the name may show; `size` (default
    their number) is the bloc's size; `groups` are the short names of the named groups it holds most
    of, best match first. Two or three states: "United States and Israel". Larger blocs: the groups,
    then the three best-known members — "NATO and EU: France, United Kingdom, Germany, …" — or the
    members alone when the bloc holds most of no group.
    """
    total = len(members_by_centrality) if size is None else size
    known = sorted(members_by_centrality, key=prominence)  # stable: centrality orders each tier
    if total <= MEMBERS_IN_NAME and len(known) == total:
        return _and_list([label(code) for code in known])
    shown = ", ".join(label(code) for code in known[:MEMBERS_IN_NAME]) + (", …" if total > min(len(known), MEMBERS_IN_NAME) else "")
    return f"{_and_list(list(groups[:GROUPS_IN_NAME]))}: {shown}" if groups else shown


def _and_list(words: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def central_members(members_by_centrality: list[str], label=lambda code: code, size: int | None = None) -> str:
    """The statistical name of a bloc: its three most central members, followed by "…" when the bloc
    (`size`, default the list's length) has more."""
    shown = [label(code) for code in members_by_centrality[:MEMBERS_IN_NAME]]
    total = len(members_by_centrality) if size is None else size
    return ", ".join(shown) + (", …" if total > len(shown) else "")


def groups_held(blocs: pd.DataFrame, date: object) -> dict[int, list[str]]:
    """Bloc → the short names of the named groups it holds most of on `date`, best match first.

    A group is held when more than half of its members among the clustered states, and at least
    three, are in the bloc; held groups are ordered by Jaccard overlap with the bloc (ties: the
    order of `analysis.groups.GROUPS`), the UN's electoral groups after all others, since people
    know them least by name. One entry per bloc, possibly empty.
    """
    from analysis import groups

    # Counted with dictionaries, not `groups.bloc_group_overlap` (same numbers): its pandas frame
    # costs 30-40 ms, and every clustering of the dashboard names its blocs.
    day = pd.Timestamp(str(date))
    bloc_of = dict(zip(blocs["country_code"].astype(str), blocs["bloc"].astype(int)))
    sizes = pd.Series(list(bloc_of.values())).value_counts().to_dict()
    members_on_day = groups.members_on(day)
    found: dict[int, list[tuple[bool, float, int, str]]] = {int(b): [] for b in sizes}
    for order, group in enumerate(groups.GROUPS):
        clustered = [bloc_of[code] for code in members_on_day.get(group, ()) if code in bloc_of]
        for bloc in set(clustered):
            overlap = clustered.count(bloc)
            if overlap >= 3 and overlap / len(clustered) > 0.5:
                jaccard = overlap / (sizes[bloc] + len(clustered) - overlap)
                # People know the EU, NATO or the G77 by name; the UN's electoral groups ("Western
                # European and Others") only by their members, so those come after all others.
                found[bloc].append((group.startswith("un-"), -jaccard, order, group))
    return {bloc: [_group_short_name(group, day) for *_, group in sorted(held)] for bloc, held in found.items()}


def _group_short_name(group: str, day: pd.Timestamp) -> str:
    """A group's short name as it was called on `day` (the EEC before the EU, the OAU before the AU)."""
    if group == "eu" and day < pd.Timestamp("1993-11-01"):
        return "EEC"
    if group == "au" and day < pd.Timestamp("2002-07-09"):
        return "OAU"
    return GROUP_SHORT_NAMES.get(group, group)


def match_blocs(previous: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """`current` with its bloc numbers changed to those of the `previous` period's blocs they
    overlap most, so a bloc keeps its number (and colour) from one period to the next.

    One row per country, as `cluster_countries` returns. The assignment maximises the number of
    countries that keep their bloc number (Hungarian algorithm, `linear_sum_assignment`, on the
    bloc × bloc overlap counts); current blocs left unmatched (more blocs than before) get new
    numbers after the previous period's largest, in their own size order.
    """
    old_blocs = np.sort(previous["bloc"].unique())
    new_blocs = np.sort(current["bloc"].unique())
    # A dictionary, not a merge: on ~190 rows pandas' merge and groupby cost more than the counting.
    old_bloc_of = dict(zip(previous["country_code"].astype(str), previous["bloc"]))
    overlap = np.zeros((len(new_blocs), len(old_blocs)))
    for code, new in zip(current["country_code"].astype(str), current["bloc"]):
        if code in old_bloc_of:
            overlap[np.searchsorted(new_blocs, new), np.searchsorted(old_blocs, old_bloc_of[code])] += 1
    rows, columns = linear_sum_assignment(-overlap)
    mapping = {int(new_blocs[r]): int(old_blocs[c]) for r, c in zip(rows, columns)}
    next_label = int(max(old_blocs.max(), -1)) + 1 if len(old_blocs) else 0
    for new in new_blocs:  # new_blocs is in size order already (cluster_countries numbers by size)
        if int(new) not in mapping:
            mapping[int(new)] = next_label
            next_label += 1
    out = current.copy()
    out["bloc"] = out["bloc"].map(mapping).astype(np.int64)
    out.attrs.update(current.attrs)
    return out.sort_values(["bloc", "centrality", "country_code"], ascending=[True, False, True], kind="stable", na_position="last").reset_index(drop=True)


def bloc_changes(previous: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Countries whose bloc changed between two periods, after matching the blocs (`match_blocs`).

    One row per country present in both periods whose matched bloc differs: country_code,
    bloc_before, bloc_name_before, bloc_after, bloc_name_after. Sorted by code.
    """
    matched = match_blocs(previous, current)
    before = {code: (bloc, name) for code, bloc, name in
              zip(previous["country_code"].astype(str), previous["bloc"], previous["bloc_name"])}
    rows = [(code, *before[code], bloc, name)
            for code, bloc, name in zip(matched["country_code"].astype(str), matched["bloc"], matched["bloc_name"])
            if code in before and before[code][0] != bloc]
    columns = ["country_code", "bloc_before", "bloc_name_before", "bloc_after", "bloc_name_after"]
    moved = pd.DataFrame(rows, columns=columns).astype({"bloc_before": np.int64, "bloc_after": np.int64})
    return moved.sort_values("country_code").reset_index(drop=True)


def bloc_cohesion(matrix: pd.DataFrame, blocs: pd.DataFrame, min_shared: int = 1) -> pd.DataFrame:
    """How united each bloc voted.

    One row per bloc: bloc, bloc_name, size, cohesion, mean_agreement. `cohesion` is the mean over
    roll calls of Hix, Noury and Roland's Agreement Index, AI = (max(Y, N, A) − ½·(total − max)) /
    total among the bloc members that voted (1 = all voted alike, 0 = split evenly three ways),
    over the roll calls on which at least two members voted: the standard cohesion measure for a
    voting group, comparable across groups of different sizes. `mean_agreement` is the mean exact
    agreement over pairs of members sharing at least `min_shared` votes (NaN for a bloc of one).
    """
    rows = []
    for (bloc, bloc_name), members in blocs.groupby(["bloc", "bloc_name"], sort=True):
        codes = [code for code in members["country_code"] if code in matrix.index]
        sub = matrix.loc[codes]
        values = sub.to_numpy(dtype=np.float32)
        counts = np.stack([(values == v).sum(axis=0) for v in (1.0, 2.0, 3.0)])
        total = counts.sum(axis=0)
        usable = total >= 2
        top = counts.max(axis=0)
        index = (top[usable] - 0.5 * (total[usable] - top[usable])) / total[usable]
        pairs = agreement_matrix(sub, "agreement", min_shared).to_numpy()
        upper = pairs[np.triu_indices(len(codes), k=1)]
        rows.append({
            "bloc": int(bloc), "bloc_name": bloc_name, "size": len(members),
            "cohesion": float(index.mean()) if index.size else np.nan,
            "mean_agreement": float(np.nanmean(upper)) if np.isfinite(upper).any() else np.nan,
        })
    return pd.DataFrame(rows, columns=["bloc", "bloc_name", "size", "cohesion", "mean_agreement"])
