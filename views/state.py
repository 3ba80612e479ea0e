"""The dashboard's view state and its URL: parse and check query parameters, write them back.

Every piece of what a page shows (period, topic, measure, number of blocs, countries, the vote
opened...) lives in the URL, so a copied link reopens the same view for anyone. `parse_params` is
pure: it turns raw query parameters into a `ViewState` plus short notices for whatever it had to
ignore or correct (unknown codes, reversed or out-of-range years, garbage, very long strings), and
never raises. `sync_with_url` and `write_url` are the thin Streamlit glue around it.

Why not widgets with `bind="query-params"`: a bound widget writes its *displayed label* to the URL
(country names, not codes), silently drops values it does not know (the issue asks for a notice),
and cannot express one period as `from`/`to`. So the widgets keep their state under `w_*` keys and
this module alone maps that state to and from the URL.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

MEASURES = {
    "agreement": "Exact agreement",
    "voeten": "Voeten's agreement (Y=1, A=2, N=3)",
    "s-score": "S-score (Signorino–Ritter)",
    "kappa": "Cohen's kappa",
    "pi": "Scott's pi",
}
# The analysis package spells the S-score `s_score`; URLs use a hyphen like every other slug.
MEASURE_TO_METRIC = {"agreement": "agreement", "voeten": "voeten", "s-score": "s_score", "kappa": "kappa", "pi": "pi"}

SUCCESSORS = {"separate": "Keep predecessor states apart", "merge": "Merge predecessors into successors"}
NON_VOTING = {"exclude": "Leave out (absent)", "abstain": "Count as abstention"}
OUTLIER_LISTS = {
    "lone-dissenters": "Lone dissenters",
    "bloc-defectors": "Bloc defectors",
    "group-breakers": "Breaking from a named group",
    "movers": "Movers",
}
K_CHOICES = ("auto",) + tuple(str(k) for k in range(2, 13))

MAX_PARAM_LENGTH = 200  # longer values are refused whole: no code, topic or title search needs more
MAX_PARTNERS = 8
DEFAULT_PERIOD_YEARS = 10

# Which parameters each page writes. The shared ones travel from page to page.
SHARED_PARAMS = ("from", "to", "topic", "measure", "successors", "nonvoting")
PAGE_PARAMS: dict[str, tuple[str, ...]] = {
    "blocs": SHARED_PARAMS + ("k", "group"),
    "outliers": SHARED_PARAMS + ("list", "k", "group"),
    "resolutions": ("from", "to", "topic", "q", "vote"),
    "countries": SHARED_PARAMS + ("country", "partners"),
    "compare": SHARED_PARAMS + ("countries",),
    "about": (),
}


@dataclass(frozen=True)
class Catalog:
    """The values a parameter may take, read from the store and the analysis package.

    `countries` maps every country code in the store to its display name; `topics` and `groups`
    map URL slugs to display names.
    """

    first_year: int
    last_year: int
    countries: Mapping[str, str]
    topics: Mapping[str, str]
    groups: Mapping[str, str]
    default_country: str = "MMR"
    default_partners: tuple[str, ...] = ("BLR", "RUS", "CHN", "USA")
    default_compare: tuple[str, ...] = ("USA", "RUS")


@dataclass(frozen=True)
class ViewState:
    """One view of the dashboard: what every page needs to draw itself, all of it URL-borne."""

    start_year: int
    end_year: int
    topic: str = "all"
    measure: str = "agreement"
    successors: str = "separate"
    nonvoting: str = "exclude"
    k: str = "auto"
    group: str = ""
    outlier_list: str = "lone-dissenters"
    country: str = ""
    partners: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    query: str = ""
    vote: str = ""

    @property
    def start_date(self) -> str:
        return f"{self.start_year}-01-01"

    @property
    def end_date(self) -> str:
        return f"{self.end_year}-12-31"

    @property
    def metric(self) -> str:
        """The analysis package's name of the measure."""
        return MEASURE_TO_METRIC[self.measure]

    @property
    def n_blocs(self) -> int | None:
        """The fixed number of blocs, or None to let the analysis choose."""
        return None if self.k == "auto" else int(self.k)


def default_state(catalog: Catalog) -> ViewState:
    """The view a bare link opens: the last ten years, all topics, exact agreement, blocs chosen automatically."""
    codes = catalog.countries
    partners = tuple(code for code in catalog.default_partners if code in codes)
    compare = tuple(code for code in catalog.default_compare if code in codes)
    fallback = sorted(codes)
    return ViewState(
        start_year=max(catalog.first_year, catalog.last_year - DEFAULT_PERIOD_YEARS + 1),
        end_year=catalog.last_year,
        country=catalog.default_country if catalog.default_country in codes else (fallback[0] if fallback else ""),
        partners=partners,
        countries=compare if len(compare) == 2 else tuple(fallback[:2]),
    )


def _last(value: str | Sequence[str] | None) -> str | None:
    """The value a parameter has: the last one when a link repeats it (as `st.query_params` does)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return value[-1] if len(value) else ""


def _shown(value: str) -> str:
    """A raw value as a notice may quote it: short, on one line."""
    text = re.sub(r"\s+", " ", value).strip()
    return text if len(text) <= 24 else text[:21] + "…"


def _parse_year(name: str, raw: str, notices: list[str]) -> int | None:
    text = raw.strip()
    if not re.fullmatch(r"\d{4}", text):
        notices.append(f"'{_shown(raw)}' is not a year for `{name}`; using the default period.")
        return None
    return int(text)


def _parse_choice(name: str, raw: str, choices: Mapping[str, str] | Sequence[str], notices: list[str],
                  aliases: Mapping[str, str] | None = None) -> str | None:
    text = raw.strip().lower()
    text = (aliases or {}).get(text, text)
    if text in choices:
        return text
    valid = ", ".join(list(choices)[:8]) + (", …" if len(choices) > 8 else "")
    notices.append(f"Unknown {name} '{_shown(raw)}' (valid: {valid}); using the default.")
    return None


def _parse_codes(name: str, raw: str, catalog: Catalog, notices: list[str], limit: int) -> tuple[str, ...]:
    """Country codes from a comma-separated list; unknown ones are dropped with a notice."""
    codes, unknown = [], []
    for part in re.split(r"[,\s]+", raw.strip()):
        code = part.upper()
        if not code:
            continue
        if code in catalog.countries:
            if code not in codes:
                codes.append(code)
        else:
            unknown.append(_shown(part))
    if unknown:
        notices.append(f"Unknown country code{'s' if len(unknown) > 1 else ''} in `{name}`: {', '.join(unknown[:5])}"
                       f"{' …' if len(unknown) > 5 else ''}; ignored.")
    if len(codes) > limit:
        notices.append(f"`{name}` takes at most {limit} countries; kept the first {limit}.")
        codes = codes[:limit]
    return tuple(codes)


def parse_params(raw: Mapping[str, str | Sequence[str]], catalog: Catalog,
                 base: ViewState | None = None) -> tuple[ViewState, list[str]]:
    """Read a view from query parameters; return it and the notices for whatever was ignored or fixed.

    Parameters absent from `raw` keep their value in `base` (the defaults if None). Never raises:
    a bad value gives a one-line notice and the default, so a stale or mangled link still opens.
    """
    state = base or default_state(catalog)
    defaults = default_state(catalog)
    notices: list[str] = []
    values: dict[str, str] = {}
    for name, value in raw.items():
        text = _last(value)
        if text is None:
            continue
        if len(text) > MAX_PARAM_LENGTH:
            notices.append(f"The `{name}` parameter is {len(text):,} characters long; ignored it.")
            continue
        values[name] = text
    changes: dict[str, object] = {}

    start = _parse_year("from", values["from"], notices) if "from" in values else state.start_year
    end = _parse_year("to", values["to"], notices) if "to" in values else state.end_year
    if start is None or end is None:
        start, end = defaults.start_year, defaults.end_year
    elif "from" not in values and "to" in values and start > end:
        start = end - DEFAULT_PERIOD_YEARS + 1  # only an end year given: the ten years up to it
    elif "to" not in values and "from" in values and start > end:
        end = start + DEFAULT_PERIOD_YEARS - 1
    if start > end:
        notices.append(f"The period ran backwards ({start} to {end}); swapped it to {end}–{start}.")
        start, end = end, start
    if start < catalog.first_year or end > catalog.last_year:
        clipped = (max(start, catalog.first_year), min(end, catalog.last_year))
        if clipped[0] > clipped[1]:
            clipped = (defaults.start_year, defaults.end_year)
        notices.append(f"The votes run from {catalog.first_year} to {catalog.last_year}; "
                       f"showing {clipped[0]}–{clipped[1]} instead of {start}–{end}.")
        start, end = clipped
    changes["start_year"], changes["end_year"] = start, end

    topic_aliases = {label.lower(): slug for slug, label in catalog.topics.items()}
    topic_aliases.update({"": "all", "any": "all", "none": "all"})
    simple = (
        ("topic", "topic", {"all": "All topics", **catalog.topics}, topic_aliases),
        ("measure", "measure", MEASURES, {"s_score": "s-score", "sscore": "s-score", "exact": "agreement"}),
        ("successors", "successors", SUCCESSORS, {"true": "merge", "false": "separate", "yes": "merge", "no": "separate"}),
        ("nonvoting", "nonvoting", NON_VOTING, {"absent": "exclude", "abstention": "abstain"}),
        ("k", "k", K_CHOICES, {"": "auto", "0": "auto"}),
        ("list", "outlier_list", OUTLIER_LISTS, None),
    )
    for param, attribute, choices, aliases in simple:
        if param in values:
            chosen = _parse_choice(param, values[param], choices, notices, aliases)
            changes[attribute] = chosen if chosen is not None else getattr(defaults, attribute)

    if "group" in values:
        text = values["group"].strip().lower()
        if text in ("", "none"):
            changes["group"] = ""
        else:
            chosen = _parse_choice("group", text, catalog.groups, notices)
            changes["group"] = chosen or ""

    if "country" in values:
        found = _parse_codes("country", values["country"], catalog, notices, limit=1)
        changes["country"] = found[0] if found else defaults.country
    if "partners" in values:
        changes["partners"] = _parse_codes("partners", values["partners"], catalog, notices, limit=MAX_PARTNERS)
    if "countries" in values:
        found = _parse_codes("countries", values["countries"], catalog, notices, limit=2)
        if len(found) < 2:
            notices.append("Compare needs two countries; filled in the default.")
            found = tuple(dict.fromkeys(found + defaults.countries))[:2]
        changes["countries"] = found

    if "q" in values:
        changes["query"] = re.sub(r"\s+", " ", values["q"]).strip()
    if "vote" in values:
        changes["vote"] = re.sub(r"\s+", " ", values["vote"]).strip().upper()

    return replace(state, **changes), notices


def to_params(state: ViewState, page: str) -> dict[str, str]:
    """The query parameters that reproduce `state` on `page`, in a stable order.

    Everything the page uses is written, defaults included, so a shared link keeps its meaning
    even after the store gains a new year (the default period moves; a written one does not).
    """
    every = {
        "from": str(state.start_year),
        "to": str(state.end_year),
        "topic": state.topic,
        "measure": state.measure,
        "successors": state.successors,
        "nonvoting": state.nonvoting,
        "k": state.k,
        "group": state.group,
        "list": state.outlier_list,
        "country": state.country,
        "partners": ",".join(state.partners),
        "countries": ",".join(state.countries),
        "q": state.query,
        "vote": state.vote,
    }
    return {name: every[name] for name in PAGE_PARAMS.get(page, ()) if every[name] != "" or name == "partners"}


def query_string(params: Mapping[str, str]) -> str:
    """`params` as a URL query string (commas and slashes kept readable)."""
    from urllib.parse import quote

    return "&".join(f"{quote(k)}={quote(v, safe=',/-')}" for k, v in params.items())


@dataclass
class UrlSync:
    """What the previous run wrote to the URL, kept in session state to tell a user's edit of the
    link (or a freshly opened link) from the URL the app itself wrote."""

    written: dict[str, str] = field(default_factory=dict)
    page: str = ""


def should_read_url(raw: Mapping[str, str], sync: UrlSync | None, page: str) -> bool:
    """Whether this run must take its state from the URL rather than from the widgets.

    - first run of a session (a link was opened): yes;
    - the URL is what this app wrote last run: no (the user may have just moved a widget);
    - a page switch from the navigation menu arrives with no parameters: no (keep the view);
    - anything else (the user edited the link, went back in history): yes.
    """
    if sync is None:
        return True
    if dict(raw) == sync.written:
        return False
    if not raw and page != sync.page:
        return False
    return True
