"""Stories: the file format, the facts each story states (against hand-worked examples and against the
real store), the Stories page in AppTest (every step of every story, a broken file, a bad link), and
the handout (self-contained, every picture present)."""
from __future__ import annotations

import html
import io
import re

import pandas as pd
import pytest

from analysis.facts import FactError, check_fact, find_facts, normalise_claim, show_facts
from tests.dashboard_helpers import assert_clean, open_app
from views import handout
from views.stories import STORIES_DIR, StoryError, load_stories, parse_story

STORIES, STORY_ERRORS = load_stories(STORIES_DIR)

GOOD = """---
title: A test story
level: beginner
time: 10 minutes
summary: Two steps about {{3 | tally A/RES/1/1 yes}} votes.
---

## First step
view: /resolutions?vote=A/RES/1/1

Three states voted Yes: {{three | tally A/RES/1/1 yes = 3}}. One of them was {{the first | vote A/RES/1/1 AAA = yes}}.

Question: Why?

## Second step
view: /compare?countries=AAA,BBB&from=2000&to=2001

They agreed on {{50% | agreement AAA BBB 2000-2001}} of their votes. That is half.

Question: Is that a lot?
"""


def sentences(text: str) -> list[str]:
    """Sentences of plain text: split after . ! ? followed by a space and a capital or a quote."""
    return [part for part in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“0-9])", text.strip()) if part]


# ------------------------------------------------------------------------------------------
# The format


def test_a_story_file_reads_into_steps_with_their_views_and_questions():
    story = parse_story(GOOD, "test-story", "test-story.md")
    assert (story.title, story.level, story.time) == ("A test story", "beginner", "10 minutes")
    assert story.summary == "Two steps about 3 votes."
    assert [step.heading for step in story.steps] == ["First step", "Second step"]
    assert story.steps[0].page == "resolutions" and story.steps[0].params == {"vote": "A/RES/1/1"}
    assert story.steps[1].params == {"countries": "AAA,BBB", "from": "2000", "to": "2001"}
    assert story.steps[0].question == "Why?"
    assert story.steps[0].plain_text == "Three states voted Yes: three. One of them was the first."
    assert story.link(2) == "./stories?story=test-story&step=2"


@pytest.mark.parametrize("broken, message", [
    (GOOD.replace("---\ntitle", "title", 1), "line 1: a story starts with '---'"),
    (GOOD.replace("level: beginner\n", ""), "lacks level"),
    (GOOD.replace("level: beginner", "level: expert"), "level 'expert' is not one of"),
    (GOOD.replace("view: /resolutions?vote=A/RES/1/1\n", ""), "step 'First step' (line 8): no 'view:"),
    (GOOD.replace("view: /resolutions", "view: https://example.org/resolutions"), "is not a page of the dashboard"),
    (GOOD.replace("view: /resolutions", "view: /nowhere"), "is not a page of the dashboard"),
    (GOOD.replace("Question: Why?\n", ""), "no 'Question:' line"),
    (GOOD.replace("{{50% | agreement", "{{50% | guess"), "unknown fact"),
    (GOOD.replace("{{3 | tally", "{{3 | wild"), "summary: unknown fact"),
    (GOOD.replace("---\n\n## First", "\n## First", 1).replace("summary: Two", "summary: Two", 1), "never closed"),
    (GOOD.split("## First")[0], "no steps"),
    (GOOD.replace("---\n\n## First", "---\nStray words.\n## First"), "text before the first step"),
])
def test_a_broken_story_gives_one_line_naming_the_file_and_what_is_wrong(broken, message):
    with pytest.raises(StoryError) as error:
        parse_story(broken, "broken", "broken.md")
    assert str(error.value).startswith("broken.md") and message in str(error.value), str(error.value)
    assert "\n" not in str(error.value)


def test_a_folder_with_a_broken_file_still_gives_the_others(tmp_path):
    (tmp_path / "good-one.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "broken-one.md").write_text(GOOD.replace("time: 10 minutes\n", ""), encoding="utf-8")
    (tmp_path / "Bad Name.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "not-text.md").write_bytes(b"\xff\xfe\x00binary")
    (tmp_path / "README.md").write_text("# How to write a story\n", encoding="utf-8")
    stories, errors = load_stories(tmp_path)
    assert [story.slug for story in stories] == ["good-one"]
    assert len(errors) == 3
    assert any(e.startswith("broken-one.md") and "lacks time" in e for e in errors)
    assert any(e.startswith("Bad Name.md") and "lower-case" in e for e in errors)
    assert any(e.startswith("not-text.md") and "UTF-8" in e for e in errors)


# ------------------------------------------------------------------------------------------
# Facts, against examples worked by hand


@pytest.fixture(scope="module")
def tiny_tables():
    """Two votes, three states. Vote 1 (2000): AAA Y, BBB Y, CCC N. Vote 2 (2001): AAA Y, BBB N, CCC X."""
    votes = pd.DataFrame({
        "roll_call_id": [1, 1, 1, 2, 2, 2],
        "date": pd.to_datetime(["2000-10-01"] * 3 + ["2001-10-01"] * 3),
        "country_code": ["AAA", "BBB", "CCC"] * 2,
        "vote": ["Y", "Y", "N", "Y", "N", "X"],
    })
    roll_calls = pd.DataFrame({
        "roll_call_id": [1, 2], "symbol": ["A/RES/1/1", "A/RES/1/2"], "date": pd.to_datetime(["2000-10-01", "2001-10-01"]),
        "title": ["Embargo against Atlantis", "Embargo against Atlantis (again)"],
        "yes": [2, 1], "no": [1, 1], "abstain": [0, 0], "non_voting": [0, 1], "members": [3, 3],
    })
    return votes, roll_calls


@pytest.mark.parametrize("expression, expected", [
    ("tally A/RES/1/1 yes", "2"),
    ("tally a/res/1/2 nonvoting", "1"),
    ("tally A/RES/1/2 members", "3"),
    ("vote A/RES/1/1 CCC", "no"),
    ("vote A/RES/1/2 CCC", "absent"),
    ("vote A/RES/1/2 ZZZ", "not a member"),
    ("voters A/RES/1/1 yes", "AAA,BBB"),
    ("voters A/RES/1/2 abstain", ""),
    ("date A/RES/1/2", "2001-10-01"),
    ("agreement AAA BBB 2000-2001", "50"),  # same on vote 1, not on vote 2
    ("agreement AAA CCC 2000-2001", "0"),  # vote 2 left out: CCC did not vote
    ("agreement AAA BBB 2000", "100"),
    ('count "embargo atlantis" 2000-2001', "2"),
    ('count "embargo atlantis" 2000-2001 no=CCC', "1"),
    ('count "embargo atlantis" 2000-2001 with=BBB', "1"),
    ('count "embargo atlantis" 2001', "1"),
])
def test_facts_computed_from_the_tidy_tables(tiny_tables, expression, expected):
    assert check_fact(expression, *tiny_tables) == expected


@pytest.mark.parametrize("expression, message", [
    ("tally A/RES/9/9 yes", "no recorded vote A/RES/9/9"),
    ("tally A/RES/1/1 maybe", "write `tally SYMBOL"),
    ("agreement AAA BBB 1990-1991", "cast no vote together"),
    ("agreement AAA BBB last-year", "not a year"),
    ('count "unclosed 2000', "cannot read fact"),
])
def test_a_fact_that_cannot_be_computed_says_why(tiny_tables, expression, message):
    with pytest.raises(FactError, match=re.escape(message)):
        check_fact(expression, *tiny_tables)


def test_claims_are_read_the_way_facts_are_computed():
    facts = find_facts("{{1,234 | tally X yes}} {{36% | agreement A B 2000}} {{B and A | voters X no = usa, isr}} "
                       "{{abstained | vote X USA}}")
    assert [normalise_claim(fact) for fact in facts] == ["1234", "36", "ISR,USA", "abstain"]
    assert show_facts("It was {{119 | tally A/RES/75/287 yes}} to {{one | tally A/RES/75/287 no = 1}}.") == "It was 119 to one."


# ------------------------------------------------------------------------------------------
# The stories shipped in stories/


def test_at_least_six_stories_ship_and_all_read():
    assert STORY_ERRORS == []
    assert len(STORIES) >= 6
    for slug in ("myanmar-2021", "cold-war-blocs", "cuba-embargo", "ukraine-and-russia", "decolonisation-1960",
                 "russia-invades-ukraine-2022"):
        assert slug in {story.slug for story in STORIES}


@pytest.mark.parametrize("story", STORIES, ids=lambda story: story.slug)
def test_each_step_has_two_to_five_sentences_and_a_question(story):
    assert 3 <= len(story.steps) <= 8
    for step in story.steps:
        count = len(sentences(step.plain_text))
        assert 2 <= count <= 5, (step.heading, count)
        assert step.question.endswith("?"), step.heading
        assert find_facts(step.text), f"{step.heading}: a step states at least one checkable fact"


@pytest.fixture(scope="module")
def real_tables(full_store):
    from scraper import store
    from scraper.cache import cached_votes

    return cached_votes(full_store), store.load_roll_calls(full_store)


@pytest.mark.parametrize("story", STORIES, ids=lambda story: story.slug)
def test_every_fact_a_story_states_is_what_the_store_says(real_tables, story):
    votes, roll_calls = real_tables
    wrong = []
    for text in story.marked_texts:
        for fact in find_facts(text):
            found = check_fact(fact.expression, votes, roll_calls)
            if found != normalise_claim(fact):
                wrong.append(f"“{fact.shown}” ({fact.expression}): the store gives {found}")
    assert wrong == []


def test_the_myanmar_story_states_the_un_tally_and_belarus_alone():
    """Against the UN's own press release GA/12339 (18 June 2021): 119 in favour, 1 against (Belarus), 36 abstentions."""
    myanmar = next(story for story in STORIES if story.slug == "myanmar-2021")
    facts = {fact.expression: normalise_claim(fact) for text in myanmar.marked_texts for fact in find_facts(text)}
    assert facts["tally A/RES/75/287 yes"] == "119" and facts["tally A/RES/75/287 abstain"] == "36"
    assert facts["voters A/RES/75/287 no"] == "BLR"
    assert facts["vote A/RES/75/287 MMR"] == "yes"


@pytest.mark.parametrize("story", STORIES, ids=lambda story: story.slug)
def test_every_step_link_opens_its_page_without_a_notice(full_store, story):
    from views import data, state

    catalog = data.load_catalog(str(full_store), data.read_version(str(full_store)))
    for step in story.steps:
        _, notices = state.parse_params(step.params, catalog)
        assert notices == [], (step.view, notices)


# ------------------------------------------------------------------------------------------
# The page


@pytest.mark.parametrize("story", STORIES, ids=lambda story: story.slug)
def test_the_page_walks_every_step_of_a_story_with_next(full_store, monkeypatch, story):
    app = open_app(full_store, monkeypatch, page="stories", story=story.slug, step="1")
    for number, step in enumerate(story.steps, start=1):
        assert_clean(app)
        assert app.query_params["step"] == [str(number)] or app.query_params["step"] == str(number)
        assert app.header[0].value == f"{number}. {step.heading}"
        assert not [w.value for w in app.warning], [w.value for w in app.warning]  # no fact differs from the store
        assert any("Discuss:" in info.value for info in app.info)
        previous, following = (next(b for b in app.button if b.key == key) for key in ("story_previous", "story_next"))
        assert previous.disabled == (number == 1) and following.disabled == (number == len(story.steps))
        if number < len(story.steps):
            app = following.click().run()


def test_a_step_draws_its_view_as_a_picture(full_store, monkeypatch):
    app = open_app(full_store, monkeypatch, page="stories", story="myanmar-2021", step="1")
    assert_clean(app)
    assert len(app.get("image")) == 1
    assert any("How each state voted on A/RES/75/287" in caption.value for caption in app.caption)


def test_previous_goes_back_and_a_step_out_of_range_is_corrected(full_store, monkeypatch):
    app = open_app(full_store, monkeypatch, page="stories", story="cuba-embargo", step="99")
    assert_clean(app)
    assert app.header[0].value.startswith("5.")
    assert any("steps 1 to 5" in warning.value for warning in app.warning)
    app = next(b for b in app.button if b.key == "story_previous").click().run()
    assert app.header[0].value.startswith("4.")


def test_the_list_shows_every_story_and_a_broken_file_as_a_message(small_store, monkeypatch, tmp_path):
    (tmp_path / "good-one.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "broken-one.md").write_text(GOOD.replace("Question: Why?\n", ""), encoding="utf-8")
    monkeypatch.setenv("UNGA_STORIES", str(tmp_path))
    app = open_app(small_store, monkeypatch, page="stories")
    assert_clean(app)
    assert [sub.value for sub in app.subheader] == ["A test story"]
    assert any("broken-one.md" in error.value and "no 'Question:' line" in error.value for error in app.error)
    # A link to the broken story says what is wrong with it, and a story that is not there says so.
    app = open_app(small_store, monkeypatch, page="stories", story="broken-one")
    assert_clean(app)
    assert any("broken-one.md" in error.value for error in app.error)
    app = open_app(small_store, monkeypatch, page="stories", story="no-such-story")
    assert_clean(app)
    assert any("no story called" in warning.value for warning in app.warning)


def test_a_teachers_wrong_number_is_flagged_on_the_page(small_store, monkeypatch, tmp_path):
    """The small store's A/RES/40/1 is not the story's A/RES/1/1: the page says the facts differ, and does not crash."""
    (tmp_path / "good-one.md").write_text(GOOD, encoding="utf-8")
    monkeypatch.setenv("UNGA_STORIES", str(tmp_path))
    app = open_app(small_store, monkeypatch, page="stories", story="good-one", step="1")
    assert_clean(app)
    assert any("differ from the votes in the store" in warning.value and "no recorded vote A/RES/1/1" in warning.value
               for warning in app.warning)


# ------------------------------------------------------------------------------------------
# The handout


@pytest.mark.parametrize("slug", ["myanmar-2021", "cuba-embargo", "cold-war-blocs"])
def test_a_story_handout_is_self_contained_with_every_picture(full_store, slug):
    from views import data
    from views.stories import story_handout

    story = next(story for story in STORIES if story.slug == slug)
    page = story_handout(str(full_store), data.read_version(str(full_store)), story, "http://school.example:8501")
    assert page.count("<section") == len(story.steps)
    assert page.count("<svg") >= 2 * len(story.steps)  # a picture and its legend's swatches per step
    assert page.count('class="question"') == len(story.steps)
    for step in story.steps:
        assert html.escape(step.question) in page
        assert f"http://school.example:8501{step.href}".replace("&", "&amp;") in page
        assert " " not in step.href
    # Nothing the browser would fetch: no script, stylesheet, font or image address.
    assert not re.search(r"<script|<link|<img|<iframe|@import|url\((?!#)", page, flags=re.I)
    assert not re.search(r'\ssrc=', page)


def test_markdown_in_a_handout_is_escaped():
    text = handout.markdown_html('A <script>alert(1)</script> and **bold** and [a link](https://un.org "x")')
    assert "<script>" not in text and "&lt;script&gt;" in text and "<strong>bold</strong>" in text


def test_the_world_map_has_a_shape_for_every_state():
    shapes = handout.world_paths()
    assert len(shapes) > 170
    for code in ("USA", "RUS", "MMR", "BLR", "FJI", "NZL"):
        assert shapes[code][1].startswith("M")
    svg = handout.world_map_svg({"BLR": "#d73027"}, {"BLR": "Belarus: No"})
    assert svg.count("<path") == len([code for code, (_, path) in shapes.items() if path and code != "ATA"])
    assert 'fill="#d73027"><title>Belarus: No</title>' in svg


# ------------------------------------------------------------------------------------------
# Page handouts


def test_a_page_handout_has_the_pages_picture_numbers_link_and_questions(full_store):
    from views import data

    page = handout.page_handout_for(str(full_store), data.read_version(str(full_store)), "Resolutions", "resolutions",
                                    "/resolutions?vote=A/RES/ES-11/1", "http://school.example:8501")
    assert "http://school.example:8501/resolutions?vote=A/RES/ES-11/1" in page
    assert page.count("<path") > 150  # the world map, every state drawn
    # The numbers behind the map: the UN's tally of 2 March 2022 (141–5–35) and the five against.
    tables = pd.read_html(io.StringIO(page))
    assert len(tables) == 1
    counts = dict(zip(tables[0]["vote"], tables[0]["states"]))
    assert (counts["Yes"], counts["No"], counts["Abstain"]) == (141, 5, 35)
    against = tables[0].loc[tables[0]["vote"] == "No", "who"].iloc[0]
    assert set(against.split(", ")) == {"Belarus", "Eritrea", "North Korea", "Russia", "Syria"}
    assert page.count('class="question"') == 1
    assert not re.search(r"<script|<link|<img|<iframe|@import", page, flags=re.I)


@pytest.mark.parametrize("page", ["blocs", "outliers", "resolutions", "countries", "compare", "about"])
def test_every_page_offers_its_handout(small_store, monkeypatch, page):
    app = open_app(small_store, monkeypatch, page=page)
    assert_clean(app)
    buttons = [button for button in app.get("download_button") if "handout" in str(button.proto.label)]
    assert len(buttons) == 1, page


def test_a_picture_reads_its_link_as_the_page_does(full_store, real_tables):
    """Period by sessions, measure, topic: the picture follows the link; its numbers match facts.exact_agreement."""
    from analysis.facts import exact_agreement
    from views import data
    from views.stories import step_picture

    db, version = str(full_store), data.read_version(str(full_store))
    kappa = step_picture(db, version, "/compare?countries=USA,RUS&sessions=70-79&measure=kappa")
    assert "Cohen's kappa" in kappa.caption and "sessions 70–79" in kappa.caption
    values = kappa.table.drop(columns="year").to_numpy().ravel()
    assert len(values) >= 9 and ((values >= -1) & (values <= 1)).all()

    lines = step_picture(db, version, "/countries?country=UKR&partners=RUS&from=1992&to=1996")
    votes, _ = real_tables
    for row in lines.table.itertuples(index=False):
        year, value = row[0], row[1]
        expected = exact_agreement(votes, "UKR", "RUS", pd.Timestamp(f"{year}-01-01"), pd.Timestamp(f"{year}-12-31"))
        assert value == round(100 * expected), year
    assert list(lines.table["year"]) == [1992, 1993, 1994, 1995, 1996]

    topic = step_picture(db, version, "/?from=2015&to=2024&topic=human-rights&k=3")
    assert "human rights only" in topic.caption and len(topic.legend) == 3
    assert topic.table["states"].sum() > 180


def test_the_outliers_handout_lists_the_lone_dissenters(full_store):
    """A/RES/75/289 (23 June 2021, the Cuba embargo): the United States and Israel against 184 Yes and
    3 abstentions — a lone dissent the table must hold. (A/RES/75/287 on Myanmar is not one: its 36
    abstentions leave the Yes side 76 % of the votes cast, under the 90 % the rule asks.)"""
    from views import data

    page = handout.page_handout_for(str(full_store), data.read_version(str(full_store)), "Outliers", "outliers",
                                    "/outliers?from=2021&to=2021", "")
    table = pd.read_html(io.StringIO(page))[0]
    assert 0 < len(table) <= handout.MAX_TABLE_ROWS
    rows = table[table["vote"] == "A/RES/75/289"]
    assert sorted(rows["state"]) == ["Israel", "United States"] and set(rows["voted"]) == {"No"}
    assert "A/RES/75/287" not in set(table["vote"])
