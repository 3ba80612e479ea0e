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
from urllib.parse import parse_qs, urlsplit

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
            st.error(f"The story “{wanted[:40]}” has a mistake and cannot be shown: {broken[0]}", icon=":material/error:")
        else:
            st.warning(f"There is no story called “{wanted[:40]}”; here are the ones there are.", icon=":material/link_off:")
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
    """The address of the app itself (for links in a handout, which must work outside the app)."""
    url = (getattr(st.context, "url", "") or "").split("?")[0].rstrip("/")
    return re.sub(r"/stories$", "", url)


def absolute_link(view: str, base: str) -> str:
    """A step's view ('/resolutions?vote=…') as a full address on the app at `base`."""
    return (base or "") + view if view.startswith("/") else view


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
    st.markdown(step.plain_text)
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
    st.link_button("Open this view in the dashboard", "." + step.view if step.view.startswith("/") else step.view,
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
                                        link=absolute_link(step.view, base), question=step.question))
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
    except (ValueError, KeyError) as error:  # a teacher's link to something the store lacks
        return Picture("", caption=f"No picture for this view ({str(error)[:80]}); open it with the button.")
    return Picture("")


def _years(params: dict[str, str], default: tuple[int, int]) -> tuple[int, int]:
    start = int(params["from"]) if params.get("from", "").isdigit() else default[0]
    end = int(params["to"]) if params.get("to", "").isdigit() else default[1]
    return min(start, end), max(start, end)


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
    colours = {code: charts.VOTE_COLOURS[charts.VOTE_LABELS[vote]] for code, vote in zip(drawn["country_code"], drawn["vote"])}
    labels = {code: f"{names.get(code, code)}: {charts.VOTE_LABELS[vote]}" for code, vote in zip(drawn["country_code"], drawn["vote"])}
    counts = members["vote"].astype(str).value_counts()
    legend = [(f"{label} ({int(counts.get(letter, 0))})", charts.VOTE_COLOURS[label])
              for letter, label in charts.VOTE_LABELS.items() if counts.get(letter, 0)]
    legend.append(("not a member, or not a state", charts.NO_DATA_COLOUR))
    day = match["date"].iloc[0]
    caption = (f"How each state voted on {symbol} on {day.day} {day:%B %Y}, one colour per vote: the numbers are how "
               "many states voted so. Grey: not a UN member then, or a territory.")
    table = pd.DataFrame([{"vote": label, "states": int(counts.get(letter, 0)),
                           "who": ", ".join(sorted(names.get(code, code) for code in members.loc[members["vote"] == letter, "country_code"].astype(str)))}
                          for letter, label in charts.VOTE_LABELS.items() if counts.get(letter, 0)])
    return Picture(handout.world_map_svg(colours, labels, title=f"How each state voted on {symbol}"), tuple(legend), caption,
                   table)


def _search_picture(db: str, version: str, words: str, params: dict[str, str]) -> Picture:
    from analysis.facts import votes_titled
    from views import charts, data, handout

    roll_calls = data.load_roll_calls(db, version)
    last_year = int(roll_calls["date"].max().year)
    start, end = _years(params, (1946, last_year))
    found = votes_titled(roll_calls, words, pd.Timestamp(f"{start}-01-01"), pd.Timestamp(f"{end}-12-31"))
    if found.empty:
        raise ValueError(f"no vote titled '{words[:40]}' in {start}–{end}")
    caption = (f"The {len(found)} votes of {start}–{end} whose title holds the words “{words}”: each bar is one vote, "
               "its height the number of states voting Yes (bottom), No and Abstain (top).")
    legend = tuple((label, charts.VOTE_COLOURS[label]) for label in ("Yes", "No", "Abstain"))
    table = found.sort_values("date")[["date", "symbol", "yes", "no", "abstain"]].assign(date=lambda f: f["date"].dt.date)
    return Picture(handout.tally_bars_svg(found, charts.VOTE_COLOURS, title=caption), legend, caption, table)


def _agreement_picture(db: str, version: str, country: str, partners: tuple[str, ...],
                       params: dict[str, str]) -> Picture:
    from analysis.facts import agreement_by_year
    from views import data, handout

    names = data.short_names(db, version)
    for code in (country, *partners):
        if code not in names:
            raise ValueError(f"unknown country code {code}")
    votes = data.load_votes(db, version)
    start, end = _years(params, (int(votes["date"].min().year), int(votes["date"].max().year)))
    frame = agreement_by_year(votes, country, partners, start, end)
    series = [(names.get(partner, partner), handout.line_colour(index),
               [(row.year, 100 * row.value) for row in frame[frame["partner_code"] == partner].itertuples()])
              for index, partner in enumerate(partners)]
    series = [entry for entry in series if entry[2]]
    if not series:
        raise ValueError(f"{names.get(country, country)} shared too few votes with the others in {start}–{end}")
    who = names.get(country, country)
    caption = (f"Each line: the share of the votes of one year on which {who} and that state cast the same vote "
               f"(Yes, No or Abstain; years with fewer than 10 shared votes left out), {start}–{end}.")
    legend = tuple((label, colour) for label, colour, _ in series)
    table = (frame.assign(partner=[f"{names.get(code, code)} (% same)" for code in frame["partner_code"]],
                          value=(100 * frame["value"]).round().astype(int))
             .pivot(index="year", columns="partner", values="value").reset_index())
    table.columns.name = None
    return Picture(handout.lines_svg(series, f"votes where {who} voted the same", title=caption), legend, caption,
                   table)


def _blocs_picture(db: str, version: str, params: dict[str, str]) -> Picture:
    from analysis import agreement, matrix
    from analysis.blocs import cluster_countries
    from views import charts, data, handout
    from views.state import MEASURE_TO_METRIC, MEASURES

    names = data.short_names(db, version)
    successions = data.load_successions(db, version)
    votes = data.load_votes(db, version)
    start, end = _years(params, (int(votes["date"].max().year) - 9, int(votes["date"].max().year)))
    measure = params.get("measure", "agreement").lower()
    measure = measure if measure in MEASURE_TO_METRIC else "agreement"
    k = int(params["k"]) if params.get("k", "").isdigit() and 2 <= int(params["k"]) <= 12 else None
    grid = matrix.vote_matrix(votes, start=f"{start}-01-01", end=f"{end}-12-31", successions=successions,
                              merge_successors=params.get("successors") == "merge",
                              non_voting="abstain" if params.get("nonvoting") == "abstain" else "exclude")
    blocs = cluster_countries(agreement.agreement_matrix(grid, MEASURE_TO_METRIC[measure]), k, names=names)
    drawn = charts.spread_to_successors(blocs[["country_code", "bloc"]], successions)
    colours = {str(code): charts.bloc_colour(bloc) for code, bloc in zip(drawn["country_code"], drawn["bloc"])}
    labels = {str(code): f"{names.get(str(code), code)}: bloc {int(bloc) + 1}"
              for code, bloc in zip(drawn["country_code"], drawn["bloc"])}
    legend = []
    for bloc, part in blocs.groupby("bloc", sort=True):
        legend.append((f"{int(bloc) + 1}. {part['bloc_name'].iloc[0]} ({len(part)} states)", charts.bloc_colour(bloc)))
    caption = (f"The {len(legend)} blocs of {start}–{end}: states that voted most alike (measure: "
               f"{MEASURES[measure]}) share a colour; the legend names each bloc as the Blocs page does. "
               "Grey: not a member then, or a territory.")
    table = pd.DataFrame([{"bloc": int(bloc) + 1, "states": len(part),
                           "who": ", ".join(sorted(names.get(str(code), str(code)) for code in part["country_code"]))}
                          for bloc, part in blocs.groupby("bloc", sort=True)])
    return Picture(handout.world_map_svg(colours, labels, title=caption), tuple(legend), caption, table)
