"""The polite session and the raw archive, against a real HTTP server on 127.0.0.1."""
from __future__ import annotations

import hashlib
import json
import time
from email.utils import formatdate

import pytest

from scraper.http import (
    BULK_FILE_URL,
    BotChallenge,
    FetchError,
    HttpStatusError,
    PoliteSession,
    RobotsDisallowed,
    TruncatedBody,
    Validators,
    build_user_agent,
    parse_retry_after,
)
from scraper.raw import RawArchive, RawArchiveError
from tests.localserver import LocalServer, Reply

FAST = dict(min_delay=0.01, backoff=0.01, timeout=(2.0, 2.0))


@pytest.fixture
def server():
    with LocalServer() as running:
        running.robots("User-agent: *\nAllow: /\n")
        yield running


def test_user_agent_names_project_and_contact(server, monkeypatch):
    monkeypatch.setenv("UNGA_CONTACT", "https://example.org/contact")
    server.serve("/a", b"hello")
    with PoliteSession(**FAST) as http:
        http.get(f"{server.url}/a")
    agent = server.hits("/a")[0].headers["User-Agent"]
    assert agent.startswith("unga-votes/")
    assert "https://example.org/contact" in agent
    # Never a browser's identity.
    assert "Mozilla" not in agent and "Chrome" not in agent
    assert build_user_agent("mailto:me@example.org").count("mailto:me@example.org") == 1


def test_minimum_delay_between_requests_to_one_host(server):
    server.serve("/a", b"x")
    with PoliteSession(min_delay=0.3, backoff=0.01) as http:
        for _ in range(3):
            http.get(f"{server.url}/a")
    times = [request.at for request in server.hits("/a")]
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    assert all(gap >= 0.29 for gap in gaps), gaps


def test_server_error_then_success_is_retried(server):
    server.script("/flaky", [Reply(status=500, body=b"oops"), Reply(status=503), Reply(body=b"fine")])
    with PoliteSession(**FAST) as http:
        response = http.get(f"{server.url}/flaky")
    assert response.status == 200 and response.body == b"fine"
    assert len(server.hits("/flaky")) == 3


def test_server_error_every_time_gives_up_with_clear_error(server):
    server.script("/down", [Reply(status=502)])
    with PoliteSession(max_attempts=3, **FAST) as http:
        with pytest.raises(HttpStatusError, match="gave up after 3 attempts") as caught:
            http.get(f"{server.url}/down")
    assert caught.value.status == 502
    assert len(server.hits("/down")) == 3


def test_429_waits_as_long_as_retry_after_says(server):
    server.script("/busy", [Reply(status=429, headers={"Retry-After": "1"}), Reply(body=b"ok")])
    with PoliteSession(**FAST) as http:
        response = http.get(f"{server.url}/busy")
    assert response.body == b"ok"
    first, second = server.hits("/busy")
    assert second.at - first.at >= 0.95


def test_retry_after_as_http_date():
    now = time.time()
    wait = parse_retry_after(formatdate(now + 30, usegmt=True))
    assert 28 <= wait <= 31
    assert parse_retry_after(formatdate(now - 30, usegmt=True)) == 0
    assert parse_retry_after("soon") is None


def test_retry_after_beyond_the_cap_stops_instead_of_hammering(server):
    server.script("/later", [Reply(status=503, headers={"Retry-After": "3600"}), Reply(body=b"never")])
    with PoliteSession(max_wait=5, **FAST) as http:
        started = time.monotonic()
        with pytest.raises(HttpStatusError, match="asked to wait 3600 s"):
            http.get(f"{server.url}/later")
    assert time.monotonic() - started < 2
    assert len(server.hits("/later")) == 1


def test_timeout_is_retried_then_reported(server):
    server.script("/slow", [Reply(body=b"late", delay=1.0)])
    with PoliteSession(min_delay=0.01, backoff=0.01, timeout=(1.0, 0.2), max_attempts=2) as http:
        with pytest.raises(FetchError, match="gave up after 2 attempts.*(Timeout|timed out)"):
            http.get(f"{server.url}/slow")
    assert len(server.hits("/slow")) == 2


def test_slow_then_fast_answer_succeeds(server):
    server.script("/slow", [Reply(body=b"late", delay=1.0), Reply(body=b"quick")])
    with PoliteSession(min_delay=0.01, backoff=0.01, timeout=(1.0, 0.2)) as http:
        assert http.get(f"{server.url}/slow").body == b"quick"


def test_truncated_body_is_retried(server):
    body = b"x" * 5000
    server.script("/cut", [Reply(body=body, truncate_to=1000), Reply(body=body)])
    with PoliteSession(**FAST) as http:
        response = http.get(f"{server.url}/cut")
    assert response.body == body
    assert len(server.hits("/cut")) == 2


def test_truncated_body_every_time_raises(server, tmp_path):
    server.script("/cut", [Reply(body=b"y" * 5000, truncate_to=10)])
    archive = RawArchive(tmp_path / "raw")
    with PoliteSession(max_attempts=2, archive=archive, **FAST) as http:
        with pytest.raises(TruncatedBody, match="truncated"):
            http.get(f"{server.url}/cut")
    # Nothing half-received reaches the archive.
    assert [entry.source_kind for entry in archive.entries()] == ["robots"]


@pytest.mark.parametrize(
    "reply",
    [
        Reply(status=202, body=b"", headers={"x-amzn-waf-action": "challenge"}),
        Reply(status=202, body=b""),
        Reply(status=405, body=b"<html>challenge script</html>", headers={"x-amzn-waf-action": "challenge"}),
    ],
    ids=["header-and-202", "202-empty", "header-only"],
)
def test_bot_challenge_stops_at_once(server, reply):
    server.script("/record/1", [reply, Reply(body=b"would have worked")])
    with PoliteSession(**FAST) as http:
        with pytest.raises(BotChallenge) as caught:
            http.get(f"{server.url}/record/1")
    message = str(caught.value)
    assert BULK_FILE_URL in message
    assert "python -m scraper import" in message
    assert "bot challenge" in message
    assert len(server.hits("/record/1")) == 1


def test_robots_disallow_means_no_request(server):
    server.robots("User-agent: *\nDisallow: /search\n")
    server.serve("/search", b"results")
    server.serve("/record/5", b"record")
    with PoliteSession(**FAST) as http:
        with pytest.raises(RobotsDisallowed, match="robots.txt does not allow"):
            http.get(f"{server.url}/search", params={"p": "x"})
        assert http.get(f"{server.url}/record/5").body == b"record"
    assert server.hits("/search") == []
    assert len(server.hits("/robots.txt")) == 1  # read once per session


def test_robots_rules_for_our_agent_apply(server):
    server.robots("User-agent: unga-votes\nDisallow: /\n\nUser-agent: *\nAllow: /\n")
    server.serve("/a", b"x")
    with PoliteSession(**FAST) as http:
        with pytest.raises(RobotsDisallowed):
            http.get(f"{server.url}/a")


def test_robots_missing_allows_everything(server):
    server.route("/robots.txt", lambda request: Reply(status=404))
    server.serve("/a", b"x")
    with PoliteSession(**FAST) as http:
        assert http.get(f"{server.url}/a").body == b"x"


def test_robots_server_error_disallows_everything(server):
    server.script("/robots.txt", [Reply(status=500)])
    server.serve("/a", b"x")
    with PoliteSession(max_attempts=2, **FAST) as http:
        with pytest.raises(RobotsDisallowed, match="could not be read"):
            http.get(f"{server.url}/a")
    assert server.hits("/a") == []


def test_robots_crawl_delay_lengthens_the_pause(server):
    server.robots("User-agent: *\nCrawl-delay: 1\nAllow: /\n")
    server.serve("/a", b"x")
    with PoliteSession(**FAST) as http:
        http.get(f"{server.url}/a")
        http.get(f"{server.url}/a")
    first, second = server.hits("/a")
    assert second.at - first.at >= 0.95


def test_conditional_request_answers_304_with_validators(server):
    server.serve("/data.json", b'{"a": 1}\n', "application/json")
    with PoliteSession(**FAST) as http:
        first = http.get(f"{server.url}/data.json")
        again = http.get(f"{server.url}/data.json", validators=first.validators)
        by_date = http.get(f"{server.url}/data.json", validators=Validators(last_modified=first.validators.last_modified))
    assert first.status == 200 and first.validators.etag
    assert again.not_modified and again.body == b""
    assert by_date.not_modified
    assert server.hits("/data.json")[1].headers["If-None-Match"] == first.validators.etag


def test_every_fetched_body_is_archived_untouched(server, tmp_path):
    body = "résolution 75/287\n".encode() * 100
    server.serve("/r.xml", body, "application/xml")
    archive = RawArchive(tmp_path / "raw")
    with PoliteSession(archive=archive, **FAST) as http:
        http.get(f"{server.url}/r.xml", source_kind="undl_marcxml")
        http.get(f"{server.url}/r.xml", source_kind="undl_marcxml")
    entries = [entry for entry in archive.entries() if entry.source_kind == "undl_marcxml"]
    assert len(entries) == 2  # two retrievals, one stored body
    assert entries[0].sha256 == hashlib.sha256(body).hexdigest()
    assert entries[0].url == f"{server.url}/r.xml" and entries[0].status == 200
    assert entries[0].content_type == "application/xml"
    assert archive.read(entries[0]) == body
    stored = [path.name for path in (tmp_path / "raw" / "objects").rglob("*") if path.is_file()]
    assert sorted(stored) == sorted({entries[0].sha256, hashlib.sha256(b"User-agent: *\nAllow: /\n").hexdigest()})


def test_archive_survives_a_torn_manifest_line(tmp_path):
    archive = RawArchive(tmp_path)
    archive.store(b"one", url="u1", status=200, content_type="t", source_kind="k")
    with open(archive.manifest_path, "ab") as manifest:
        manifest.write(b'{"url": "u2", "retrieved_')  # as a kill -9 mid-append would leave it
    assert [entry.url for entry in archive.entries()] == ["u1"]
    archive.store(b"three", url="u3", status=200, content_type="t", source_kind="k")
    assert [entry.url for entry in archive.entries()] == ["u1", "u3"]
    lines = archive.manifest_path.read_bytes().splitlines()
    assert json.loads(lines[-1])["url"] == "u3"


def test_archive_detects_an_altered_body(tmp_path):
    archive = RawArchive(tmp_path)
    entry = archive.store(b"original", url="u", status=200, content_type="t", source_kind="k")
    archive.object_path(entry.sha256).write_bytes(b"altered")
    with pytest.raises(RawArchiveError, match="does not match its SHA-256"):
        archive.read(entry)
    assert not list(tmp_path.rglob("*.tmp"))


# ------------------------------------------------------------------------- limits and fail-fast

import gzip as _gzip  # noqa: E402
import socket  # noqa: E402

from scraper.http import DeadlineExceeded, ResponseTooLarge, check_delay, check_url  # noqa: E402
from tests.localserver import endless, trickle  # noqa: E402


def test_endless_body_stops_at_the_size_limit(server):
    server.route("/endless", lambda request: Reply(stream=endless()))
    started = time.monotonic()
    with PoliteSession(max_bytes=2_000_000, **FAST) as http:
        with pytest.raises(ResponseTooLarge, match=r"sent more than 2,000,000 bytes"):
            http.get(f"{server.url}/endless")
    assert time.monotonic() - started < 10
    assert len(server.hits("/endless")) == 1  # not retried


def test_declared_50_gb_body_is_refused_before_reading(server):
    server.route("/huge", lambda request: Reply(stream=endless(), headers={"Content-Length": str(50 * 2**30)}))
    with PoliteSession(max_bytes=2_000_000, **FAST) as http:
        with pytest.raises(ResponseTooLarge, match=r"declares a body of 53,687,091,200 bytes"):
            http.get(f"{server.url}/huge")


def test_gzip_bomb_response_stops_at_the_size_limit(server):
    bomb = _gzip.compress(b"\0" * 200_000_000, compresslevel=9)  # ~200 kB on the wire
    server.route("/bomb", lambda request: Reply(body=bomb, headers={"Content-Encoding": "gzip"}))
    started = time.monotonic()
    with PoliteSession(max_bytes=5_000_000, **FAST) as http:
        with pytest.raises(ResponseTooLarge, match="after decompression"):
            http.get(f"{server.url}/bomb")
    assert time.monotonic() - started < 10


def test_a_trickle_ends_at_the_request_deadline(server):
    # One byte every 0.5 s never trips the 2 s read timeout; the 3 s deadline must end it.
    server.route("/trickle", lambda request: Reply(stream=trickle(0.5)))
    started = time.monotonic()
    with PoliteSession(request_deadline=3, **FAST) as http:
        with pytest.raises(DeadlineExceeded, match="took more than 3 s"):
            http.get(f"{server.url}/trickle")
    # About 3 s; without the deadline the trickle never ends. The upper bound leaves room for a busy machine.
    assert 2.5 < time.monotonic() - started < 15


def test_the_run_deadline_stops_further_requests(server):
    server.serve("/a", b"x")
    with PoliteSession(run_deadline=1, min_delay=0.3, backoff=0.01, timeout=(2.0, 2.0)) as http:
        with pytest.raises(DeadlineExceeded, match="the run has gone on for more than 1 s"):
            for _ in range(20):
                http.get(f"{server.url}/a")
    assert len(server.hits("/a")) <= 5


def test_endless_robots_txt_is_read_up_to_its_limit(server):
    def robots():
        yield b"User-agent: *\nAllow: /\n"
        yield from endless(b"# more\n" * 1000)()

    server.route("/robots.txt", lambda request: Reply(stream=robots))
    server.serve("/a", b"fine")
    started = time.monotonic()
    with PoliteSession(**FAST) as http:
        assert http.get(f"{server.url}/a").body == b"fine"
    assert time.monotonic() - started < 10


def test_redirect_to_another_host_goes_through_that_hosts_robots_txt():
    with LocalServer() as first, LocalServer() as second:
        first.robots("User-agent: *\nAllow: /\n")
        second.robots("User-agent: *\nDisallow: /\n")
        second.serve("/file", b"secret")
        first.route("/go", lambda request: Reply(status=302, headers={"Location": f"{second.url}/file"}))
        with PoliteSession(**FAST) as http:
            with pytest.raises(RobotsDisallowed, match="does not allow"):
                http.get(f"{first.url}/go")
        assert second.hits("/file") == []
        assert len(second.hits("/robots.txt")) == 1


def test_redirects_to_one_host_keep_its_delay():
    with LocalServer() as first, LocalServer() as second:
        for server in (first, second):
            server.robots("User-agent: *\nAllow: /\n")
        second.serve("/file", b"ok")
        for i in range(4):
            first.route(f"/go{i}", lambda request: Reply(status=302, headers={"Location": f"{second.url}/file"}))
        with PoliteSession(min_delay=0.3, backoff=0.01, timeout=(2.0, 2.0)) as http:
            for i in range(4):
                assert http.get(f"{first.url}/go{i}").body == b"ok"
        times = [request.at for request in second.hits("/file")]
        assert len(times) == 4
        assert all(later - earlier >= 0.29 for earlier, later in zip(times, times[1:])), times


def test_redirect_loop_is_one_clear_error(server):
    server.route("/a", lambda request: Reply(status=302, headers={"Location": "/b"}))
    server.route("/b", lambda request: Reply(status=301, headers={"Location": "/a"}))
    with PoliteSession(**FAST) as http:
        with pytest.raises(FetchError, match=r"a redirect loop \(.*/a → .*/b → .*/a\)"):
            http.get(f"{server.url}/a")
    assert len(server.hits("/a")) == 1


def test_redirect_to_a_file_url_is_refused(server):
    server.route("/a", lambda request: Reply(status=302, headers={"Location": "file:///etc/passwd"}))
    with PoliteSession(**FAST) as http:
        with pytest.raises(FetchError, match="redirects to file:///etc/passwd: only http"):
            http.get(f"{server.url}/a")


def test_too_many_redirects_stop(server):
    for i in range(10):
        server.route(f"/r{i}", lambda request, i=i: Reply(status=302, headers={"Location": f"/r{i + 1}"}))
    with PoliteSession(max_redirects=3, **FAST) as http:
        with pytest.raises(FetchError, match="more than 3 redirects"):
            http.get(f"{server.url}/r0")


def test_refused_connection_fails_fast_without_retries():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    with PoliteSession(min_delay=0.01, backoff=1.0, timeout=(2.0, 2.0), obey_robots=False) as http:
        with pytest.raises(FetchError, match=r"^cannot reach 127\.0\.0\.1: the connection was refused") as caught:
            http.get(f"http://127.0.0.1:{port}/x")
        assert http.requests_sent == 1
    assert time.monotonic() - started < 3
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("delay", [-1, float("nan"), float("inf")])
def test_bad_delays_are_refused(delay):
    with pytest.raises(ValueError, match="0 or more seconds"):
        check_delay(delay)
    with pytest.raises(ValueError):
        PoliteSession(min_delay=delay)


@pytest.mark.parametrize("url", ["digitallibrary.un.org", "ftp://example.org/", "file:///etc", "http://", "http://x:port/", ""])
def test_bad_base_urls_are_refused(url):
    with pytest.raises(ValueError, match="http"):
        check_url(url, "--undl-base")
