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

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from analysis.facts import FactError, find_facts, show_facts

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
    return Story(slug=slug, title=fields["title"], level=fields["level"].lower(), time=fields["time"],
                 summary=show_facts(fields["summary"]), steps=tuple(steps))


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


def load_stories(directory: Path = STORIES_DIR) -> tuple[list[Story], list[str]]:
    """Every story in `directory` (sorted by file name) and the errors of the files that could not
    be read, one line each. README.md (the format's description) is not a story."""
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
