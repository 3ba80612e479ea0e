"""The dashboard as a public deployment meets it: many first visitors at once on a fresh server,
hostile links (Markdown, HTML, script and overlong values in every parameter of every page), page
addresses typed by hand, and no traceback or server path shown to a visitor. A real
`streamlit run` server and headless Chromium (playwright); the small synthetic store, so these run
without ../shared.

Skips without Debian's chromium (`apt-get install chromium`).
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.dashboard_helpers import start_dashboard, stop, IDLE

SHARED_LINK = "/?from=2015&to=2024&topic=human-rights"

pytestmark = pytest.mark.timeout(600)


def serve(db: Path, log_path: Path):
    log = log_path.open("w")
    process, base = start_dashboard(db, log)
    if base is None:
        log.close()
        pytest.fail(f"streamlit did not start:\n{log_path.read_text()[-3000:]}")
    return process, base, log


def errors_shown(page) -> list[str]:
    """The text of every error box and exception Streamlit drew."""
    return [element.inner_text() for element in page.locator("[data-testid='stException']").all()]


def test_eight_first_visitors_at_once_on_a_fresh_server(browser, small_store, tmp_path):
    """Eight browsers open the shared link the moment a fresh server answers, three times over:
    every one gets the page, none a Python error (the import race of issue 13)."""
    failures = []
    for attempt in range(3):
        process, base, log = serve(small_store, tmp_path / f"server-{attempt}.log")
        contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in range(8)]
        try:
            pages = [context.new_page() for context in contexts]
            for page in pages:  # each returns once the HTML arrives: the eight sessions start together
                page.goto(base + SHARED_LINK, wait_until="commit")
            for number, page in enumerate(pages):
                page.wait_for_selector("h1, [data-testid='stException']", timeout=180_000)
                page.wait_for_function(IDLE, timeout=180_000)
                shown = errors_shown(page)
                if shown or "Voting blocs" not in page.inner_text("body"):
                    failures.append((attempt, number, shown[:1] or page.inner_text("body")[:300]))
        finally:
            for context in contexts:
                context.close()
            stop(process)
            log.close()
    assert not failures, failures


# ----------------------------------------------------------------------------------------------
# One server on the small store for the tests below.

PAGES = {  # page → its own address
    "blocs": "/", "outliers": "/outliers", "resolutions": "/resolutions", "countries": "/countries",
    "compare": "/compare", "about": "/about",
}
EVERY_PARAM = ("from", "to", "sessions", "topic", "measure", "successors", "nonvoting", "k", "group", "list",
               "country", "partners", "countries", "q", "vote", "page", "symbol", "no-such-name")
PAYLOADS = {
    "markdown link": "[Log in](//ex.io)",
    "markdown image": "![x](//ex.io/a.png)",
    "html": "<img src=x onerror=alert(1)><b>bold</b>",
    "script": "<script>window.injected=1</script>",
    "autolink": "https://ex.io/www.ex.io",
    "directive": ":red[red] :material/home: `tick",
}
# Anything in the page that a link could have put there: an element pointing at ex.io, the HTML
# tags of the payloads as elements, a script that ran.
INJECTED = """() => {
  // Our own links may carry a hostile value in their query (the Link box, encoded): what counts is
  // an element that points at another host.
  const host = address => { try { return new URL(address.split(' ')[0], location.href).host; } catch { return 'bad'; } };
  const pointing = [...document.querySelectorAll('a[href], img[src], [src], [srcset]')]
    .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('srcset') || '')
    .filter(address => host(address) !== location.host && !address.startsWith('data:') && !address.startsWith('blob:')
            && host(address) !== 'digitallibrary.un.org');  // our own links to the votes' records and the source's terms
  const app = document.querySelector('[data-testid=stMain]') || document.body;
  const tags = [...app.querySelectorAll('img:not([src^="data:"]), b, script')].filter(e => !e.closest('[data-testid=stSidebar]'))
    .map(e => e.outerHTML.slice(0, 80));
  return {pointing, tags, ran: window.injected === 1 || window.alerted === true};
}"""


@pytest.fixture(scope="module")
def server(small_store, tmp_path_factory):
    process, base, log = serve(small_store, tmp_path_factory.mktemp("public") / "server.log")
    yield base
    stop(process)
    log.close()


@pytest.fixture()
def tab(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("dialog", lambda dialog: (page.errors.append("dialog: " + dialog.message), dialog.dismiss()))
    yield page
    context.close()


def open_page(tab, address: str) -> str:
    tab.goto(address)
    tab.wait_for_selector("h1, [data-testid='stException']", timeout=120_000)
    tab.wait_for_function(IDLE, timeout=120_000)
    return tab.inner_text("body")


@pytest.mark.parametrize("name", PAYLOADS)
def test_link_values_are_text_never_markup(tab, server, name):
    """Every parameter of every page set to a hostile value: the page shows it, if at all, as the
    characters typed; no link, image, element or script comes from the URL."""
    from urllib.parse import quote

    payload = PAYLOADS[name]
    query = "&".join(f"{quote(param)}={quote(payload, safe='')}" for param in EVERY_PARAM)
    for page, path in PAGES.items():
        text = open_page(tab, f"{server}{path}?{query}")
        found = tab.evaluate(INJECTED)
        assert found == {"pointing": [], "tags": [], "ran": False}, (page, found)
        assert not tab.errors, (page, tab.errors)
        assert not errors_shown(tab), (page, errors_shown(tab))
        # The link's values are quoted in notices as typed (cut to a few words).
        assert "Unknown" in text, (page, text[:800])
        if name in ("markdown link", "markdown image"):
            assert payload[:12] in text, (page, text[:800])


def test_every_page_opens_at_its_own_address_and_the_link_box_holds_a_working_link(tab, server):
    """`/blocs?…` opens Blocs (not "Page not found"); every page's Link box opens that page again."""
    for page, path in {**PAGES, "blocs by name": "/blocs"}.items():
        text = open_page(tab, f"{server}{path}?from=2015&to=2024&topic=human-rights")
        assert "does not seem to exist" not in text and "Page not found" not in text, (page, text[:500])
        assert not errors_shown(tab) and not tab.errors, (page, tab.errors)
        if page == "about":
            continue
        box = tab.locator("[data-testid='stSidebar'] [data-testid='stCaptionContainer']").filter(has_text="Link to this view")
        link = box.locator("a").get_attribute("href")
        assert box.locator("a").inner_text().strip() == link, "the link shows the address it opens"
        assert link.startswith(server + "/"), link
        assert "topic=human-rights" in link and "from=2015" in link, link
        title = tab.locator("h1").first.inner_text()
        again = open_page(tab, link)
        assert tab.locator("h1").first.inner_text() == title, (page, link)
        assert "does not seem to exist" not in again and not tab.errors, (page, link, tab.errors)
    assert "Voting blocs" in open_page(tab, f"{server}/blocs?from=2015&to=2024")
    # A mistyped page: Streamlit answers with the default page, and the Link box holds its real address.
    open_page(tab, f"{server}/nothing?from=2015&to=2024")
    box = tab.locator("[data-testid='stSidebar'] [data-testid='stCaptionContainer']").filter(has_text="Link to this view")
    assert box.locator("a").get_attribute("href").startswith(server + "/?from=2015&to=2024")


def test_a_200000_character_link_opens_the_page_with_a_notice(browser, tab, server):
    """A link far longer than any real one opens the dashboard and says what it ignored, instead of
    a browser error page. The first session on a fresh server raises the server's limit for the
    connections opened after it, so an earlier visitor (a browser context of its own, with its own
    connections) opens a page first; the long link then comes on a connection of `tab`'s own."""
    earlier_visitor = browser.new_context()
    try:
        open_page(earlier_visitor.new_page(), server + "/about")
    finally:
        earlier_visitor.close()
    text = open_page(tab, server + "/?from=2015&k=" + "x" * 200_000)
    assert "200,000 characters long" in text, text[:800]
    assert "Voting blocs" in text
    assert "k=auto" in tab.url and len(tab.url) < 1_000


def test_symbol_alias_and_unknown_names_in_a_link(tab, server):
    text = open_page(tab, server + "/?page=resolutions&symbol=A/RES/75/3&colour=red")
    assert tab.locator("h1").first.inner_text() == "A/RES/75/3"
    assert "Unknown parameter" in text and "colour" in text
    from urllib.parse import unquote

    address = unquote(tab.url)
    assert "/resolutions?" in address and "vote=A/RES/75/3" in address, address
    assert "symbol" not in address and "colour" not in address, address


def test_no_traceback_or_server_path_when_a_page_fails(browser, small_store, tmp_path):
    """A store whose votes table is gone: pages that read it fail, and the visitor gets words and
    a way on, never a traceback, a Python file or a path of the server."""
    import sqlite3

    db = tmp_path / "broken" / "unvotes.sqlite"
    db.parent.mkdir()
    with sqlite3.connect(small_store) as source, sqlite3.connect(db) as copy:
        source.backup(copy)
    with sqlite3.connect(db) as connection:
        connection.execute("DROP TABLE votes")
    process, base, log = serve(db, tmp_path / "server.log")
    context = browser.new_context()
    try:
        tab = context.new_page()
        for path in ("/?from=2000&to=2010", "/outliers", "/resolutions?vote=A/RES/75/3", "/countries", "/compare"):
            text = open_page(tab, base + path)
            assert "Traceback" not in text and ".py" not in text and str(tmp_path) not in text, (path, text[:1500])
            assert "/work" not in text and "site-packages" not in text, (path, text[:1500])
            assert tab.locator("[data-testid='stAlert'], [data-testid='stException']").count() >= 1, (path, text[:800])
        log.flush()
    finally:
        context.close()
        stop(process)
        log.close()
    assert "Traceback" in (tmp_path / "server.log").read_text(), "the details belong in the server's log"


def test_a_damaged_store_file_says_so_and_is_left_as_it_is(tab, tmp_path):
    """A store file that is not a database: a clear message naming the file (not its path), not the
    first-run page and its Build button; the file is not touched."""
    db = tmp_path / "damaged" / "unvotes.sqlite"
    db.parent.mkdir()
    db.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 64)
    before = db.read_bytes()
    process, base, log = serve(db, tmp_path / "server.log")
    try:
        text = open_page(tab, base + "/")
    finally:
        stop(process)
        log.close()
    assert "cannot be read" in text and "unvotes.sqlite" in text, text[:800]
    assert str(db.parent) not in text and "Build" not in text
    assert db.read_bytes() == before
