"""The Stories page: guided lessons, each a Markdown file in stories/, one step per view of the dashboard.

`read_story` and `load_stories` are pure (no Streamlit): they turn a file into a `Story` or a one-line
`StoryError` naming the file and the line, so one teacher's broken file is shown as a message
while every other story still works. The page keeps the story and the step in its address
(`/stories?story=myanmar-2021&step=2`), draws each step's view as a picture (views/handout.py) with
a link to open it whole, and offers the story as a printable handout.

The format (documented for teachers in stories/README.md):

    ---
    title: Myanmar after the coup
    level: beginner
    time: 30 minutes
    summary: One or two sentences.
    ---

    ## A step's heading
    view: /resolutions?vote=A/RES/75/287

    Two to five sentences for students, numbers written as {{119 | tally A/RES/75/287 yes}}.

    Question: A question to discuss.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pandas as pd
import streamlit as st

from analysis.facts import FactError, check_fact, find_facts, normalise_claim, show_facts
from views.handout import Picture

STORIES_DIR = Path(__file__).resolve().parent.parent / "stories"
REQUIRED_FIELDS = ("title", "level", "time", "summary")
LEVELS = ("beginner", "intermediate", "advanced")
# Paths a step may open: the dashboard's pages ("" is the Blocs page, the default one).
PAGES = ("", "blocs", "outliers", "resolutions", "countries", "compare", "about")
MAX_FILE_BYTES = 200_000


class StoryError(ValueError):
    """A story file that cannot be read; the message names the file and, where it can, the line."""


@dataclass(frozen=True)
class Step:
    """One step of a story: a heading, the view it opens, the text for students (facts marked), a question."""

    heading: str
    view: str
    text: str
    question: str

    @property
    def page(self) -> str:
        """The page the view opens: 'blocs', 'resolutions', ..."""
        return urlsplit(self.view).path.strip("/") or "blocs"

    @property
    def params(self) -> dict[str, str]:
        """The view's query parameters (the last value of a repeated one)."""
        return {key: values[-1] for key, values in parse_qs(urlsplit(self.view).query, keep_blank_values=True).items()}

    @property
    def href(self) -> str:
        """The view as a link may carry it: spaces and other unsafe characters percent-encoded, the
        separators and symbols' slashes and brackets kept readable (`/resolutions?q=embargo%20against%20Cuba`)."""
        return quote(self.view, safe="/?&=,:-()._~")

    @property
    def plain_text(self) -> str:
        """The text as students read it: facts shown as their words."""
        return show_facts(self.text)


@dataclass(frozen=True)
class Story:
    """A lesson: its slug (the file name without .md), what its front matter says, and its steps."""

    slug: str
    title: str
    level: str
    time: str
    summary: str
    steps: tuple[Step, ...]
    summary_source: str = ""  # the summary with its facts marked, as the file writes it

    @property
    def marked_texts(self) -> tuple[str, ...]:
        """Every text of the story with its facts marked: the summary, then each step's."""
        return (self.summary_source, *(step.text for step in self.steps))

    def link(self, step: int = 1) -> str:
        """The story's address on the dashboard, opened at `step` (1-based)."""
        return f"./stories?story={self.slug}&step={step}"


def read_story(path: Path) -> Story:
    """Read one story file; raises StoryError naming the file (and line) for anything wrong."""
    name = path.name
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise StoryError(f"{name}: the file is over {MAX_FILE_BYTES // 1000} kB; a story is a few pages of text")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise StoryError(f"{name}: not UTF-8 text; save it as UTF-8") from None
    except OSError as error:
        raise StoryError(f"{name}: cannot be read ({error.strerror})") from None
    return parse_story(text, path.stem, name)


def parse_story(text: str, slug: str, name: str = "story") -> Story:
    """A `Story` from the text of a story file (see the module docstring for the format)."""
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        raise StoryError(f"{name}, line 1: a story starts with '---', then title, level, time and summary, then '---'")
    try:
        close = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise StoryError(f"{name}: the front matter opened on line 1 is never closed by a '---' line") from None
    fields: dict[str, str] = {}
    for number in range(1, close):
        line = lines[number].strip()
        if not line or line.startswith("#"):
            continue
        key, colon, value = line.partition(":")
        if not colon:
            raise StoryError(f"{name}, line {number + 1}: expected 'name: value' in the front matter, found '{line[:40]}'")
        fields[key.strip().lower()] = value.strip()
    missing = [field for field in REQUIRED_FIELDS if not fields.get(field)]
    if missing:
        raise StoryError(f"{name}: the front matter lacks {', '.join(missing)}")
    if fields["level"].lower() not in LEVELS:
        raise StoryError(f"{name}: level '{fields['level'][:20]}' is not one of {', '.join(LEVELS)}")

    steps: list[Step] = []
    heading, start = None, 0
    body = lines[close + 1:]
    for index, line in enumerate(body + ["## "]):
        if line.startswith("## ") or index == len(body):
            if heading is not None:
                steps.append(_parse_step(heading, body[start:index], name, close + 2 + start))
            heading, start = line[3:].strip(), index + 1
        elif heading is None and line.strip():
            raise StoryError(f"{name}, line {close + 2 + index}: text before the first step; "
                             "each step begins with a '## Heading' line")
    if not steps:
        raise StoryError(f"{name}: no steps; each step begins with a '## Heading' line")
    try:
        find_facts(fields["summary"])
    except FactError as error:
        raise StoryError(f"{name}, summary: {error}") from None
    return Story(slug=slug, title=fields["title"], level=fields["level"].lower(), time=fields["time"],
                 summary=show_facts(fields["summary"]), steps=tuple(steps), summary_source=fields["summary"])


def _parse_step(heading: str, lines: list[str], name: str, first_line: int) -> Step:
    where = f"{name}, step '{heading[:40]}' (line {first_line - 1})"
    if not heading:
        raise StoryError(f"{where}: the step has no heading after '##'")
    view, question, paragraphs = "", "", []
    for line in lines:
        stripped = line.strip()
        if stripped.lower().startswith("view:") and not view:
            view = stripped[5:].strip()
        elif stripped.lower().startswith("question:"):
            question = stripped[9:].strip()
        else:
            paragraphs.append(line)
    if not view:
        raise StoryError(f"{where}: no 'view: /page?parameters' line saying which view the step opens")
    page = urlsplit(view).path.strip("/")
    if not view.startswith("/") or urlsplit(view).netloc or page not in PAGES:
        raise StoryError(f"{where}: view '{view[:60]}' is not a page of the dashboard "
                         f"(write /resolutions?vote=…, /countries?…, /compare?…, /outliers?… or /?from=…)")
    if not question:
        raise StoryError(f"{where}: no 'Question:' line for students to discuss")
    text = "\n".join(paragraphs).strip()
    if not text:
        raise StoryError(f"{where}: no text for students")
    try:
        find_facts(text)
    except FactError as error:
        raise StoryError(f"{where}: {error}") from None
    return Step(heading=heading, view=view, text=text, question=question)


def stories_dir() -> Path:
    """Where the stories are: `$UNGA_STORIES` (a deployment's own folder of lessons), else stories/."""
    return Path(os.environ["UNGA_STORIES"]) if os.environ.get("UNGA_STORIES") else STORIES_DIR


def load_stories(directory: Path | None = None) -> tuple[list[Story], list[str]]:
    """Every story in `directory` (default: `stories_dir()`), sorted by file name, and the errors of
    the files that could not be read, one line each. README.md (the format's description) is not a story."""
    directory = directory or stories_dir()
    stories, errors = [], []
    if not directory.is_dir():
        return stories, [f"no stories folder at {directory.name}/"]
    for path in sorted(directory.glob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", path.stem):
            errors.append(f"{path.name}: name the file in lower-case letters, digits and hyphens (it becomes the "
                          "story's link), e.g. my-lesson.md")
            continue
        try:
            stories.append(read_story(path))
        except StoryError as error:
            errors.append(str(error))
    return stories, errors


# ------------------------------------------------------------------------------------------
# The page (Streamlit from here on)

LEVEL_LABELS = {"beginner": "For beginners", "intermediate": "Intermediate", "advanced": "Advanced"}


def render(context) -> None:
    """Draw the list of stories, or the story and step the address names (`?story=…&step=…`)."""
    from views import state

    stories, errors = load_stories()
    by_slug = {story.slug: story for story in stories}
    wanted = (st.query_params.get("story") or "").strip().lower()
    if wanted and wanted in by_slug:
        _render_story(context, by_slug[wanted])
        return
    st.title("Stories")
    if wanted:
        broken = [error for error in errors if error.startswith(f"{wanted}.md")]
        if broken:
            st.error(f"The story {state.quoted(wanted, 40)} has a mistake and cannot be shown: {broken[0]}",
                     icon=":material/error:")
        else:
            st.warning(f"There is no story called {state.quoted(wanted, 40)}; here are the ones there are.",
                       icon=":material/link_off:")
    st.markdown("Short guided lessons: each step opens one view of the votes, explains it in a few sentences and "
                "asks a question to discuss. Every number in a story is checked against the votes by the project's "
                "tests. Each story and step has its own link to share, and a printable handout.")
    for story in stories:
        with st.container(border=True):
            st.subheader(story.title)
            st.caption(f"{LEVEL_LABELS[story.level]} · {story.time} · {len(story.steps)} steps")
            st.markdown(story.summary)
            st.button("Start this story", key=f"start_{story.slug}", on_click=_go, args=(story.slug, 1),
                      icon=":material/play_arrow:")
    for error in errors:
        st.error(f"A story file could not be read — {error}", icon=":material/error:")
    st.caption("Teachers: add your own story by putting a Markdown file in the `stories/` folder; "
               "stories/README.md explains the format.")


def _go(slug: str, step: int) -> None:
    st.query_params["story"] = slug
    st.query_params["step"] = str(step)


def _back_to_list() -> None:
    st.query_params.clear()


def app_base_url() -> str:
    """The address of the app itself (for links in a handout, which must work outside the app), on
    whichever page the visitor is: the root `state.page_link` gives every shared link."""
    from views import state

    url = getattr(st.context, "url", "") or ""
    return state.page_link(url, st.get_option("server.baseUrlPath") or "", "blocs", {}).rstrip("/")


def absolute_link(step: Step, base: str) -> str:
    """A step's view ('/resolutions?vote=…') as a full address on the app at `base`."""
    return (base or "") + step.href


def _render_story(context, story: Story) -> None:
    raw_step = (st.query_params.get("step") or "1").strip()
    number = int(raw_step) if raw_step.isdigit() else 1
    if not raw_step.isdigit() or not 1 <= number <= len(story.steps):
        number = min(max(number, 1), len(story.steps))
        st.warning(f"This story has steps 1 to {len(story.steps)}; showing step {number}.", icon=":material/link_off:")
    if st.query_params.get("step") != str(number):
        st.query_params["step"] = str(number)
    step = story.steps[number - 1]

    st.button("All stories", on_click=_back_to_list, icon=":material/arrow_back:", type="tertiary")
    st.title(story.title)
    st.caption(f"{LEVEL_LABELS[story.level]} · {story.time} · step {number} of {len(story.steps)}")
    st.progress(number / len(story.steps))
    st.header(f"{number}. {step.heading}", anchor=False)
    st.markdown(step.plain_text.replace("$", "\\$"))  # a price in a story is not LaTeX
    mismatches = fact_mismatches(context.db, context.version, step.text)
    if mismatches:
        st.warning("Some numbers in this step differ from the votes in the store: " + "; ".join(mismatches[:4]),
                   icon=":material/fact_check:")
    picture = step_picture(context.db, context.version, step.view)
    if picture.svg:
        # As an image (st.image takes SVG text): st.html sanitises SVG away, and an image scales to the column.
        st.image(picture.svg, width="stretch")
        if picture.legend:
            st.markdown(legend_markdown(picture.legend), unsafe_allow_html=True)
    if picture.caption:
        st.caption(picture.caption)
    st.link_button("Open this view in the dashboard", "." + step.href,
                   icon=":material/open_in_new:", help="Opens the full, interactive page in a new tab.")
    st.info(f"**Discuss:** {step.question}", icon=":material/forum:")

    previous_column, next_column = st.columns(2)
    previous_column.button("Previous", disabled=number == 1, on_click=_go, args=(story.slug, number - 1),
                           icon=":material/chevron_left:", key="story_previous", width="stretch")
    next_column.button("Next", disabled=number == len(story.steps), on_click=_go, args=(story.slug, number + 1),
                       icon=":material/chevron_right:", key="story_next", width="stretch", type="primary")

    base = app_base_url()
    st.caption(f"**Link to this step** — share it and it opens here: `{base}/stories?story={story.slug}&step={number}`")
    from views import handout

    handout.download_button(story.title, lambda: story_handout(context.db, context.version, story, base),
                            key=f"story_{story.slug}", label="Download this story as a handout")


def legend_markdown(legend) -> str:
    """A picture's legend for the page: coloured squares and words, wrapping on a phone."""
    import html

    return " ".join(f'<span style="white-space:nowrap;margin-right:1em"><span style="display:inline-block;width:.8em;'
                    f'height:.8em;background:{html.escape(colour)};border:1px solid #555;vertical-align:-1px"></span> '
                    f"{html.escape(label)}</span>" for label, colour in legend)


def story_handout(db: str, version: str, story: Story, base: str) -> str:
    """The whole story as one printable, offline HTML handout: every step's text, picture, link and question."""
    from views import handout

    sections = []
    for number, step in enumerate(story.steps, start=1):
        picture = step_picture(db, version, step.view)
        sections.append(handout.Section(heading=f"{number}. {step.heading}", text=step.plain_text, picture=picture.svg,
                                        legend=picture.legend, caption=picture.caption,
                                        link=absolute_link(step, base), question=step.question))
    return handout.handout_html(story.title, sections, intro=story.summary,
                                meta=f"{LEVEL_LABELS[story.level]} · {story.time} · {len(story.steps)} steps",
                                link=f"{base}/stories?story={story.slug}&step=1" if base else "")


@st.cache_data(show_spinner=False, max_entries=256)
def fact_mismatches(db: str, version: str, text: str) -> list[str]:
    """The facts of a step's text that the store does not bear out, one short line each (none: all
    agree). A teacher's new story is checked as it is shown, not only by the project's tests."""
    from views import data

    votes, roll_calls = data.load_votes(db, version), data.load_roll_calls(db, version)
    problems = []
    for fact in find_facts(text):
        try:
            found = check_fact(fact.expression, votes, roll_calls)
        except FactError as error:
            problems.append(f"“{fact.shown}”: {error}")
            continue
        if found != normalise_claim(fact):
            problems.append(f"“{fact.shown}” ({fact.expression}): the votes give {found}")
    return problems


@st.cache_data(show_spinner=False, max_entries=128)
def step_picture(db: str, version: str, view: str) -> Picture:
    """The picture of a step's view: inline SVG, its legend, and a one-sentence caption saying what it shows.

    Pictures: a vote (`/resolutions?vote=`) as a world map by vote; a search (`/resolutions?q=`) as the
    tallies of the votes whose title holds the words; a country and partners (`/countries`) or two
    countries (`/compare`) as agreement by year; the Blocs page (`/?from=…`) as a world map by bloc.
    An empty picture for any other view: the step's link still opens it."""
    step = Step(heading="", view=view, text="", question="")
    params, page = step.params, step.page
    try:
        if page == "resolutions" and params.get("vote"):
            return _vote_picture(db, version, params["vote"])
        if page == "resolutions" and params.get("q"):
            return _search_picture(db, version, params["q"], params)
        if page == "countries" and params.get("country"):
            partners = tuple(code.strip().upper() for code in params.get("partners", "").split(",") if code.strip())
            return _agreement_picture(db, version, params["country"].upper(), partners, params)
        if page == "compare" and params.get("countries"):
            codes = [code.strip().upper() for code in params["countries"].split(",") if code.strip()]
            if len(codes) == 2:
                return _agreement_picture(db, version, codes[0], (codes[1],), params)
        if page == "blocs":
            return _blocs_picture(db, version, params)
        if page == "outliers" and params.get("list", "lone-dissenters") == "lone-dissenters":
            return _lone_dissenters_table(db, version, params)
    except (ValueError, KeyError) as error:  # a teacher's link to something the store lacks
        return Picture("", caption=f"No picture for this view ({str(error)[:80]}); open it with the button.")
    return Picture("")


@dataclass(frozen=True)
class _Selection:
    """What a view's link selects, read as its page reads it: the period (years or sessions), topic,
    successors, non-voting and measure. Values a link gets wrong fall back to the page's defaults."""

    start: str
    end: str
    label: str
    roll_call_ids: tuple[int, ...] | None
    topic_label: str
    merge_successors: bool
    nonvoting: str
    measure: str


def _selection(db: str, version: str, params: dict[str, str], default_years: int = 10) -> _Selection:
    from views import data
    from views.state import MEASURE_TO_METRIC, session_range

    catalog = data.load_catalog(db, version)
    found = re.fullmatch(r"\s*(\d{1,3})(?:\s*[-–]\s*(\d{1,3}))?\s*", params.get("sessions", ""))
    sessions = session_range(catalog, int(found.group(1)), int(found.group(2) or found.group(1))) if found else None
    if sessions is not None:
        start, end, label = sessions.start_date, sessions.end_date, sessions.label
    else:
        first = int(params["from"]) if params.get("from", "").strip().isdigit() else catalog.last_year - default_years + 1
        last = int(params["to"]) if params.get("to", "").strip().isdigit() else catalog.last_year
        first, last = sorted((max(first, catalog.first_year), min(last, catalog.last_year)))
        start, end, label = f"{first}-01-01", f"{last}-12-31", f"{first}–{last}"
    topic = params.get("topic", "all").strip().lower()
    topic = topic if topic in catalog.topics else "all"
    ids = data.topic_roll_call_ids(db, version, topic)
    measure = params.get("measure", "agreement").strip().lower()
    return _Selection(start=start, end=end, label=label, roll_call_ids=None if ids is None else tuple(ids),
                      topic_label="" if topic == "all" else catalog.topics[topic].lower(),
                      merge_successors=params.get("successors", "").strip().lower() == "merge",
                      nonvoting="abstain" if params.get("nonvoting", "").strip().lower() == "abstain" else "exclude",
                      measure=measure if measure in MEASURE_TO_METRIC else "agreement")


def _vote_picture(db: str, version: str, symbol: str) -> Picture:
    from scraper.symbols import normalise_symbol
    from views import charts, data, handout

    symbol = normalise_symbol(symbol)
    roll_calls = data.load_roll_calls(db, version)
    match = roll_calls[roll_calls["symbol"] == symbol]
    if match.empty:
        raise ValueError(f"no recorded vote {symbol}")
    members = data.load_member_votes(db, version, symbol)
    if members.empty:
        return Picture("", caption=f"The source gives only the tallies of {symbol}, not each state's vote.")
    names = data.short_names(db, version)
    drawn = charts.spread_to_successors(members[["country_code", "vote"]].astype(str),
                                        data.load_successions(db, version))
    pairs = list(zip(drawn["country_code"], drawn["vote"]))
    colours = {code: charts.VOTE_COLOURS[charts.VOTE_LABELS[vote]] for code, vote in pairs}
    labels = {code: f"{names.get(code, code)}: {charts.VOTE_LABELS[vote]}" for code, vote in pairs}
    counts = members["vote"].astype(str).value_counts()
    legend = [(f"{label} ({int(counts.get(letter, 0))})", charts.VOTE_COLOURS[label])
              for letter, label in charts.VOTE_LABELS.items() if counts.get(letter, 0)]
    legend.append(("not a member, or not a state", charts.NO_DATA_COLOUR))
    day = match["date"].iloc[0]
    caption = (f"How each state voted on {symbol} on {day.day} {day:%B %Y}, one colour per vote: the numbers are how "
               "many states voted so. Grey: not a UN member then, or a territory.")
    voters = {letter: sorted(names.get(code, code) for code in members.loc[members["vote"] == letter, "country_code"].astype(str))
              for letter in charts.VOTE_LABELS}
    table = pd.DataFrame([{"vote": label, "states": len(voters[letter]), "who": ", ".join(voters[letter])}
                          for letter, label in charts.VOTE_LABELS.items() if voters[letter]])
    svg = handout.world_map_svg(colours, labels, title=f"How each state voted on {symbol}")
    return Picture(svg, tuple(legend), caption, table)


def _search_picture(db: str, version: str, words: str, params: dict[str, str]) -> Picture:
    from analysis.facts import votes_titled
    from views import charts, data, handout

    chosen = _selection(db, version, params, default_years=80)
    found = votes_titled(data.load_roll_calls(db, version), words, pd.Timestamp(chosen.start), pd.Timestamp(chosen.end))
    if chosen.roll_call_ids is not None:
        found = found[found["roll_call_id"].isin(chosen.roll_call_ids)]
    if found.empty:
        raise ValueError(f"no vote titled '{words[:40]}' in {chosen.label}")
    topic = f" ({chosen.topic_label})" if chosen.topic_label else ""
    caption = (f"The {len(found)} votes of {chosen.label}{topic} whose title holds the words “{words}”: each bar is "
               "one vote, its height the number of states voting Yes (bottom), No and Abstain (top).")
    legend = tuple((label, charts.VOTE_COLOURS[label]) for label in ("Yes", "No", "Abstain"))
    table = found.sort_values("date")[["date", "symbol", "yes", "no", "abstain"]].assign(date=lambda f: f["date"].dt.date)
    return Picture(handout.tally_bars_svg(found, charts.VOTE_COLOURS, title=caption), legend, caption, table)


def _agreement_by_year(votes: pd.DataFrame, country: str, partners: tuple[str, ...], metric: str,
                       nonvoting: str) -> pd.DataFrame:
    """One row per (year, partner_code) sharing at least 10 votes: year, partner_code, value (the
    measure between `country` and the partner over that year's votes), as the Countries page draws it."""
    from analysis import agreement, matrix

    wanted = votes[votes["country_code"].astype(str).isin([country, *partners])]
    rows = []
    try:
        grid = matrix.vote_matrix(wanted, non_voting=nonvoting)
    except matrix.SelectionError:
        grid = None
    if grid is not None and country in grid.index:
        years = pd.DatetimeIndex(grid.attrs["dates"].to_numpy()).year.to_numpy()
        for year in sorted(set(years)):
            scores = agreement.agreement_matrix(grid.loc[:, years == year], metric, min_shared=10)
            for partner in partners:
                if partner in scores.index and not pd.isna(scores.loc[country, partner]):
                    rows.append({"year": int(year), "partner_code": partner, "value": float(scores.loc[country, partner])})
    return pd.DataFrame(rows, columns=["year", "partner_code", "value"])


def _agreement_picture(db: str, version: str, country: str, partners: tuple[str, ...],
                       params: dict[str, str]) -> Picture:
    from analysis import matrix
    from views import data, handout
    from views.state import MEASURE_TO_METRIC, MEASURES

    names = data.short_names(db, version)
    for code in (country, *partners):
        if code not in names:
            raise ValueError(f"unknown country code {code}")
    chosen = _selection(db, version, params)
    votes = matrix.select_votes(data.load_votes(db, version), start=chosen.start, end=chosen.end,
                                roll_call_ids=chosen.roll_call_ids, successions=data.load_successions(db, version),
                                merge_successors=chosen.merge_successors)
    metric = MEASURE_TO_METRIC[chosen.measure]
    frame = _agreement_by_year(votes, country, partners, metric, chosen.nonvoting)
    # Shares (exact and Voeten's agreement) read as percentages; the chance-corrected measures run from -1 to 1.
    share = metric in ("agreement", "voeten")
    scale = 100 if share else 1
    series = [(names.get(partner, partner), handout.line_colour(index),
               [(row.year, scale * row.value) for row in frame[frame["partner_code"] == partner].itertuples()])
              for index, partner in enumerate(partners)]
    series = [entry for entry in series if entry[2]]
    if not series:
        raise ValueError(f"{names.get(country, country)} shared too few votes with the others in {chosen.label}")
    who = names.get(country, country)
    topic = f", {chosen.topic_label} only" if chosen.topic_label else ""
    if chosen.measure == "agreement":
        what = f"the share of the year's votes on which {who} and that state cast the same vote (Yes, No or Abstain)"
    else:
        what = f"{MEASURES[chosen.measure]} between {who} and that state over the year's votes"
    caption = (f"Each line: {what}, {chosen.label}{topic}; years with fewer than 10 shared votes are left out"
               + ("; a member present but not voting counts as abstaining." if chosen.nonvoting == "abstain" else "."))
    legend = tuple((label, colour) for label, colour, _ in series)
    unit = "%" if share else ""
    table = (frame.assign(partner=[f"{names.get(code, code)}{' (%)' if share else ''}" for code in frame["partner_code"]],
                          value=(scale * frame["value"]).round(0 if share else 2))
             .pivot(index="year", columns="partner", values="value").reset_index())
    table.columns.name = None
    y_label = (f"votes where {who} voted the same" if chosen.measure == "agreement"
               else f"{MEASURES[chosen.measure]} with {who}")
    svg = handout.lines_svg(series, y_label, y_range=(0.0, 100.0) if share else (-1.0, 1.0), y_suffix=unit, title=caption)
    return Picture(svg, legend, caption, table)


def _blocs_picture(db: str, version: str, params: dict[str, str]) -> Picture:
    from analysis import agreement, matrix
    from analysis.blocs import cluster_countries
    from views import charts, data, handout
    from views.state import MEASURE_TO_METRIC, MEASURES

    names = data.short_names(db, version)
    successions = data.load_successions(db, version)
    chosen = _selection(db, version, params)
    k = int(params["k"]) if params.get("k", "").strip().isdigit() and 2 <= int(params["k"]) <= 12 else None
    grid = matrix.vote_matrix(data.load_votes(db, version), start=chosen.start, end=chosen.end,
                              roll_call_ids=chosen.roll_call_ids, successions=successions,
                              merge_successors=chosen.merge_successors, non_voting=chosen.nonvoting)
    blocs = cluster_countries(agreement.agreement_matrix(grid, MEASURE_TO_METRIC[chosen.measure]), k, names=names)
    drawn = charts.spread_to_successors(blocs[["country_code", "bloc"]], successions)
    colours = {str(code): charts.bloc_colour(bloc) for code, bloc in zip(drawn["country_code"], drawn["bloc"])}
    labels = {str(code): f"{names.get(str(code), code)}: bloc {int(bloc) + 1}"
              for code, bloc in zip(drawn["country_code"], drawn["bloc"])}
    legend, rows = [], []
    for bloc, part in blocs.groupby("bloc", sort=True):
        members = [names.get(str(code), str(code)) for code in part["country_code"]]
        # The analysis names a bloc (`bloc_name`); its first members stand in if a version has no name.
        name = str(part["bloc_name"].iloc[0]) if "bloc_name" in part else ", ".join(members[:3]) + "…"
        legend.append((f"{int(bloc) + 1}. {name} ({len(part)} states)", charts.bloc_colour(bloc)))
        rows.append({"bloc": int(bloc) + 1, "states": len(part), "who": ", ".join(sorted(members))})
    topic = f", {chosen.topic_label} only" if chosen.topic_label else ""
    caption = (f"The {len(legend)} blocs of {chosen.label}{topic}: states that voted most alike (measure: "
               f"{MEASURES[chosen.measure]}) share a colour; the legend names each bloc as the Blocs page does. "
               "Grey: not a member then, or a territory.")
    return Picture(handout.world_map_svg(colours, labels, title=caption), tuple(legend), caption, pd.DataFrame(rows))


def _lone_dissenters_table(db: str, version: str, params: dict[str, str]) -> Picture:
    """No picture: the Outliers page's lone dissenters of the period, as a table (the latest first)."""
    from analysis import matrix, outliers
    from views import data

    names = data.short_names(db, version)
    chosen = _selection(db, version, params)
    votes = matrix.select_votes(data.load_votes(db, version), start=chosen.start, end=chosen.end,
                                roll_call_ids=chosen.roll_call_ids, successions=data.load_successions(db, version),
                                merge_successors=chosen.merge_successors)
    found = outliers.find_lone_dissenters(votes).sort_values(["date", "symbol"], ascending=False)
    titles = data.load_roll_calls(db, version).set_index("roll_call_id")["title"]
    words = {"Y": "Yes", "N": "No", "A": "Abstain"}
    table = pd.DataFrame({
        "date": found["date"].dt.date, "vote": found["symbol"].astype(str),
        "title": [re.sub(r"\s*:\s*resolution\s*/.*$", "", str(titles.get(rid, "")), flags=re.I)[:90]
                  for rid in found["roll_call_id"]],
        "state": [names.get(str(code), str(code)) for code in found["country_code"]],
        "voted": [words.get(str(vote), str(vote)) for vote in found["vote"]],
    })
    topic = f", {chosen.topic_label} only" if chosen.topic_label else ""
    caption = (f"{len(found)} times in {chosen.label}{topic} {outliers.lone_dissent_rule()} "
               "(the Outliers page's lone dissenters); the latest first.")
    return Picture("", caption=caption, table=table)
