"""The dashboard's view state and its URL: parse and check query parameters, write them back.

Every piece of what a page shows (period, topic, measure, number of blocs, countries, the vote
opened...) lives in the URL, so a copied link reopens the same view for anyone. `parse_params` is
pure: it turns raw query parameters into a `ViewState` plus short notices for whatever it had to
ignore or correct (unknown codes, reversed or out-of-range years or sessions, garbage, very long
strings), and never raises. `views/controls.py` is the thin Streamlit glue around it.

A period is chosen either in calendar years (`from`, `to`) or in regular sessions of the Assembly
(`sessions=70-79`); `ViewState.start_date`/`end_date` give its dates either way.

Why not widgets with `bind="query-params"`: a bound widget writes its *displayed label* to the URL
(country names, not codes), silently drops values it does not know (the issue asks for a notice),
and cannot express one period as `from`/`to` or `sessions`. So the widgets keep their state under `w_*` keys and
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
COLD_WAR_LAST_YEAR = 1991  # the USSR's last year in the Assembly: periods ending by then default to kappa

# Which parameters each page writes. The shared ones travel from page to page.
SHARED_PARAMS = ("from", "to", "sessions", "topic", "measure", "successors", "nonvoting")
PAGE_PARAMS: dict[str, tuple[str, ...]] = {
    "blocs": SHARED_PARAMS + ("k", "group"),
    "outliers": SHARED_PARAMS + ("list", "k", "group"),
    "resolutions": ("from", "to", "sessions", "topic", "q", "vote"),
    "countries": SHARED_PARAMS + ("country", "partners"),
    "compare": SHARED_PARAMS + ("countries",),
    "about": (),
    "series": ("q",),  # the Recurring votes page (views/series.py): the title words searched
}

# Names a hand-written link may use for a parameter, and the parameter they mean.
PARAM_ALIASES = {
    "symbol": "vote", "resolution": "vote", "res": "vote",
    "query": "q", "search": "q",
    "start": "from", "end": "to", "session": "sessions",
    "metric": "measure", "blocs": "k", "country_code": "country",
}
# Parameters that pages read themselves rather than through `ViewState`, and that a link may carry:
# the page (read by dashboard.py), a story and its step (the Stories page), Streamlit's own
# embedding options. A page that reads a new parameter adds it here or to PAGE_PARAMS: any other
# name gets the "Unknown parameter" notice.
OTHER_PARAMS = ("page", "story", "step", "embed", "embed_options")


def known_params() -> frozenset[str]:
    """Every parameter name a link may carry (aliases included)."""
    return frozenset(name for names in PAGE_PARAMS.values() for name in names) | set(PARAM_ALIASES) | set(OTHER_PARAMS)


@dataclass(frozen=True)
class Catalog:
    """The values a parameter may take, read from the store and the analysis package.

    `countries` maps every country code in the store to its display name; `topics` and `groups`
    map URL slugs to display names. `sessions` maps each regular session that recorded a vote to the
    dates it covers: (its first recorded vote, the day before the next regular session's first vote,
    or the store's last vote for the last session), as ISO dates.
    """

    first_year: int
    last_year: int
    countries: Mapping[str, str]
    topics: Mapping[str, str]
    groups: Mapping[str, str]
    default_country: str = "MMR"
    default_partners: tuple[str, ...] = ("BLR", "RUS", "CHN", "USA")
    default_compare: tuple[str, ...] = ("USA", "RUS")
    sessions: Mapping[int, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class SessionRange:
    """A period chosen as regular sessions `first`..`last` (inclusive), with the dates it covers.

    The dates run from the first recorded vote of the first session to the day before the first
    vote of the session after the last one, so special and emergency special sessions held in
    that time are part of it (the analysis selects votes by date).
    """

    first: int
    last: int
    start_date: str
    end_date: str

    @property
    def label(self) -> str:
        """'session 75' or 'sessions 70–79'."""
        return f"session {self.first}" if self.first == self.last else f"sessions {self.first}–{self.last}"

    @property
    def param(self) -> str:
        """The `sessions` URL value: '75' or '70-79'."""
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"


@dataclass(frozen=True)
class ViewState:
    """One view of the dashboard: what every page needs to draw itself, all of it URL-borne.

    The period is `sessions` when it was chosen by session, else the calendar years `start_year` to
    `end_year`; either way `start_year`/`end_year` are the calendar years it touches and
    `start_date`/`end_date` its first and last day. Build a sessions period with `by_sessions`, so
    the years follow the dates.
    """

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
    sessions: SessionRange | None = None

    @property
    def start_date(self) -> str:
        return self.sessions.start_date if self.sessions else f"{self.start_year}-01-01"

    @property
    def end_date(self) -> str:
        return self.sessions.end_date if self.sessions else f"{self.end_year}-12-31"

    @property
    def period_label(self) -> str:
        """The period as titles write it: '2015–2025', or 'sessions 70–79 (2015–2025)'."""
        years = f"{self.start_year}–{self.end_year}"
        if self.sessions is None:
            return years
        return f"{self.sessions.label} ({years if self.start_year != self.end_year else self.start_year})"

    @property
    def period_slug(self) -> str:
        """The period as file names write it: '2015-2025', or 'sessions-70-79'."""
        if self.sessions is None:
            return f"{self.start_year}-{self.end_year}"
        return "sessions-" + self.sessions.param

    @property
    def period_params(self) -> dict[str, str]:
        """The URL parameters of the period alone (for links to another page with the same period)."""
        if self.sessions:
            return {"sessions": self.sessions.param}
        return {"from": str(self.start_year), "to": str(self.end_year)}

    @property
    def session_numbers(self) -> tuple[int, int] | None:
        """(first, last) session when the period was chosen by session: a plain, hashable cache key."""
        return (self.sessions.first, self.sessions.last) if self.sessions else None

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


def by_sessions(view: ViewState, sessions: SessionRange) -> ViewState:
    """`view` with its period set to `sessions` (the calendar years follow the sessions' dates)."""
    return replace(view, sessions=sessions, start_year=int(sessions.start_date[:4]),
                   end_year=int(sessions.end_date[:4]))


def by_years(view: ViewState, start_year: int, end_year: int) -> ViewState:
    """`view` with its period set to the calendar years `start_year`..`end_year`."""
    return replace(view, sessions=None, start_year=start_year, end_year=end_year)


def session_range(catalog: Catalog, first: int, last: int) -> SessionRange | None:
    """Sessions `first`..`last` with their dates; None when none of them recorded a vote.

    A session without votes inside the range (the 19th, 1964–65, took none) is simply part of the
    dates between its neighbours.
    """
    recorded = sorted(number for number in catalog.sessions if first <= number <= last)
    if not recorded:
        return None
    return SessionRange(first, last, catalog.sessions[recorded[0]][0], catalog.sessions[recorded[-1]][1])


def choose_sessions(catalog: Catalog, first: int, last: int) -> tuple[SessionRange | None, list[str]]:
    """The sessions period nearest to `first`..`last` that has votes, and notices for what was changed.

    Reversed ranges are swapped, ranges reaching outside the recorded sessions are clipped to them
    (the last ten sessions when wholly outside), and a range with no recorded vote moves to the next
    session that has one. None (with a notice) only when the store holds no regular session.
    """
    notices: list[str] = []
    if not catalog.sessions:
        return None, ["The store holds no regular session; ignored `sessions`."]
    lowest, highest = min(catalog.sessions), max(catalog.sessions)
    if first > last:
        notices.append(f"The sessions ran backwards ({first} to {last}); swapped them to {last}–{first}.")
        first, last = last, first
    if first < lowest or last > highest:
        clipped = (max(first, lowest), min(last, highest))
        if clipped[0] > clipped[1]:
            clipped = (max(lowest, highest - DEFAULT_PERIOD_YEARS + 1), highest)
        notices.append(f"The recorded regular sessions run from {lowest} to {highest}; "
                       f"showing {_sessions_text(*clipped)} instead of {first}–{last}.")
        first, last = clipped
    found = session_range(catalog, first, last)
    if found is None:
        later = [number for number in sorted(catalog.sessions) if number > last]
        nearest = later[0] if later else max(number for number in catalog.sessions if number < first)
        notices.append(f"No vote was recorded in {_sessions_text(first, last)}; showing session {nearest}.")
        found = session_range(catalog, nearest, nearest)
    return found, notices


def _sessions_text(first: int, last: int) -> str:
    return f"session {first}" if first == last else f"sessions {first}–{last}"


def sessions_covering(catalog: Catalog, start_year: int, end_year: int) -> tuple[int, int] | None:
    """The regular sessions that stand for calendar years `start_year`..`end_year`: those whose first
    vote falls in them. A session is named by the year it opens, the autumn in which most of its
    votes are cast, so 2015–2024 gives sessions 70–79 and `years_of_sessions` gives the years back.
    When no session opened in those years, the sessions whose dates overlap them; None without sessions.
    """
    if not catalog.sessions:
        return None
    opened = [n for n, (start, _) in catalog.sessions.items() if start_year <= int(start[:4]) <= end_year]
    if not opened:
        opened = [n for n, (start, end) in catalog.sessions.items()
                  if start <= f"{end_year}-12-31" and end >= f"{start_year}-01-01"]
    if not opened:  # years outside the store: the nearest session
        first_session = min(catalog.sessions)
        opened = [first_session if end_year < int(catalog.sessions[first_session][0][:4]) else max(catalog.sessions)]
    return min(opened), max(opened)


def years_of_sessions(catalog: Catalog, first: int, last: int) -> tuple[int, int] | None:
    """The calendar years that stand for sessions `first`..`last`: the year the first opened to the
    year the last opened (the inverse of `sessions_covering`); None when none recorded a vote."""
    recorded = sorted(number for number in catalog.sessions if first <= number <= last)
    if not recorded:
        return None
    return int(catalog.sessions[recorded[0]][0][:4]), int(catalog.sessions[recorded[-1]][0][:4])


def sessions_before(catalog: Catalog, first: int, last: int) -> SessionRange | None:
    """The same number of sessions just before `first`..`last`; None when they would begin before
    the first recorded session or hold no recorded vote."""
    length = last - first + 1
    if not catalog.sessions or first - length < min(catalog.sessions):
        return None
    return session_range(catalog, first - length, first - 1)


def earlier_period(view: ViewState, catalog: Catalog) -> ViewState | None:
    """`view` moved to the period of the same length just before it (as many years, or as many
    sessions); None when that period would begin before the store's first vote."""
    if view.sessions is not None:
        earlier = sessions_before(catalog, view.sessions.first, view.sessions.last)
        return None if earlier is None else by_sessions(view, earlier)
    length = view.end_year - view.start_year + 1
    if view.start_year - length < catalog.first_year:
        return None
    return by_years(view, view.start_year - length, view.start_year - 1)


def _last(value: str | Sequence[str] | None) -> str | None:
    """The value a parameter has: the last one when a link repeats it (as `st.query_params` does)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return value[-1] if len(value) else ""


def quoted(value: str, limit: int = 24) -> str:
    """A value from a link as Markdown that shows it as typed, short and on one line.

    Notices are Markdown, and a link is anyone's to write: `[Log in](//ex.io)`, `![x](//ex.io/a.png)`
    or `<img onerror=…>` must show as those characters, never as a link, an image or an element. A
    code span is the one Markdown construct whose content is never parsed (no links, images, HTML,
    emphasis, emoji or Streamlit's `:colour[…]` directives); its fence is one backtick longer than
    any run of backticks inside, so the value cannot close it.
    """
    text = re.sub(r"\s+", " ", value).strip()
    text = text if len(text) <= limit else text[:limit - 3] + "…"
    if not text:
        return "(empty)"
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _parse_year(name: str, raw: str, notices: list[str]) -> int | None:
    text = raw.strip()
    if not re.fullmatch(r"\d{4}", text):
        notices.append(f"{quoted(raw)} is not a year for `{name}`; using the default period.")
        return None
    return int(text)


def _parse_sessions(raw: str, notices: list[str]) -> tuple[int, int] | None:
    """'70-79' (or '70–79', '70 - 79') or a single '75' → (first, last) as written; None with a notice."""
    match = re.fullmatch(r"(\d{1,3})(?:\s*[-–—]\s*(\d{1,3}))?", raw.strip())
    if not match:
        notices.append(f"{quoted(raw)} is not a session or range of sessions (like 70-79) for `sessions`; ignored it.")
        return None
    first = int(match.group(1))
    return first, int(match.group(2) or first)


def _parse_choice(name: str, raw: str, choices: Mapping[str, str] | Sequence[str], notices: list[str],
                  aliases: Mapping[str, str] | None = None) -> str | None:
    text = raw.strip().lower()
    text = (aliases or {}).get(text, text)
    if text in choices:
        return text
    valid = ", ".join(list(choices)[:8]) + (", …" if len(choices) > 8 else "")
    notices.append(f"Unknown {name} {quoted(raw)} (valid: {valid}); using the default.")
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
            unknown.append(quoted(part))
    if unknown:
        notices.append(f"Unknown country code{'s' if len(unknown) > 1 else ''} in `{name}`: {', '.join(unknown[:5])}"
                       f"{' …' if len(unknown) > 5 else ''}; ignored.")
    if len(codes) > limit:
        notices.append(f"`{name}` takes at most {limit} countries; kept the first {limit}.")
        codes = codes[:limit]
    return tuple(codes)


def _parse_years(values: Mapping[str, str], state: ViewState, defaults: ViewState, catalog: Catalog,
                 notices: list[str]) -> tuple[int, int]:
    """The calendar years of `from`/`to` (each absent one kept from `state`), repaired as needed."""
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
    return start, end


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
    known = known_params()
    unknown: list[str] = []
    # The parameters' own names first, so an alias never overrides the name it stands for.
    for name, value in sorted(raw.items(), key=lambda item: item[0] in PARAM_ALIASES):
        if name not in known:
            unknown.append(quoted(name))
            continue
        text = _last(value)
        if text is None:
            continue
        if len(text) > MAX_PARAM_LENGTH:
            notices.append(f"The {quoted(name)} parameter is {len(text):,} characters long; ignored it.")
            continue
        values.setdefault(PARAM_ALIASES.get(name, name), text)
    if unknown:
        notices.append(f"Unknown parameter{'s' if len(unknown) > 1 else ''} {', '.join(unknown[:5])}"
                       f"{' …' if len(unknown) > 5 else ''} in the link; ignored "
                       f"{'them' if len(unknown) > 1 else 'it'}.")
    changes: dict[str, object] = {}

    # An empty `sessions=` (a hand-trimmed link) means no sessions, like an empty `group=`.
    sessions = _parse_sessions(values["sessions"], notices) if values.get("sessions", "").strip() else None
    if sessions is not None:
        if "from" in values or "to" in values:
            notices.append("The link gives both `sessions` and `from`/`to`; used the sessions.")
        chosen, found = choose_sessions(catalog, *sessions)
        notices.extend(found)
        if chosen is not None:
            state = by_sessions(state, chosen)
            values.pop("from", None)
            values.pop("to", None)
    if "from" in values or "to" in values:
        state = by_years(state, state.start_year, state.end_year)
    if state.sessions is None:
        changes["start_year"], changes["end_year"] = _parse_years(values, state, defaults, catalog, notices)

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

    # A link to a Cold War period that names no measure opens with Cohen's kappa: there only a
    # chance-corrected measure sets the Soviet bloc apart from the non-aligned majority, as
    # benchmarks/bloc_defaults.py shows decade by decade (the About page says why).
    if "measure" not in values and base is None and replace(state, **changes).end_year <= COLD_WAR_LAST_YEAR:
        changes["measure"] = "kappa"

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
    The period is written as `sessions` or as `from`/`to`, never both.
    """
    by_session = state.sessions is not None
    every = {
        "from": "" if by_session else str(state.start_year),
        "to": "" if by_session else str(state.end_year),
        "sessions": state.sessions.param if by_session else "",
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


def page_link(url: str, base_path: str, page: str, params: Mapping[str, str]) -> str:
    """The shareable address of `page` with `params`, from the address `url` the browser shows.

    The app lives at the site's root, or under `base_path` (Streamlit's `server.baseUrlPath`, which a
    deployment under a path sets); its pages one level below (`/outliers`; Blocs, the default, at
    the root itself). Whatever address the visitor came in by (`/blocs`, `/?page=blocs`, a mistyped
    `/Outliers` that Streamlit answered with the default page), the link is the app's root, then
    the page's own path: an address that opens this page for anyone.
    """
    match = re.match(r"^([a-z][a-z0-9+.-]*://[^/?#]*)", url, flags=re.IGNORECASE)
    origin = match.group(1) if match else ""
    base = base_path.strip("/")
    root = f"{origin}/{base}/" if base else f"{origin}/"
    query = query_string(params)
    address = root + ("" if page == "blocs" else page)
    return f"{address}?{query}" if query else address


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
