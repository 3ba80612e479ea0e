"""The one polite HTTP session every fetch goes through: who we are, how fast, how often, where not.

User-Agent naming the project and a contact, a timeout on every request, retries with exponential
back-off on 429/5xx/timeouts/truncated bodies honouring Retry-After, a minimum delay between two
requests to one host, robots.txt obeyed, conditional requests, and a bot challenge recognised at once
and reported, never retried and never worked around. It only does HTTP: callers decide what to fetch
and what a body means.
"""
from __future__ import annotations

import email.utils
import hashlib
import logging
import os
import time
import urllib.parse
import urllib.robotparser
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone

import requests

from scraper import raw

log = logging.getLogger(__name__)

PROJECT_NAME = "unga-votes"
PROJECT_VERSION = "0.1"
BULK_FILE_URL = "https://digitallibrary.un.org/record/4060887"
IMPORT_COMMAND = "python -m scraper import FILE"

# Statuses worth another try after a pause: the server is busy or briefly broken, not refusing us.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class FetchError(RuntimeError):
    """A URL could not be fetched; the message says which, why, and what to do.

    Not a ValueError: the caller's input was fine, the network or the server was not.
    """

    def __init__(self, url: str, message: str):
        super().__init__(message)
        self.url = url


class RobotsDisallowed(FetchError):
    """The site's robots.txt does not allow this User-Agent to fetch the URL; nothing was fetched."""


class BotChallenge(FetchError):
    """The site answered with a bot challenge (AWS WAF). Never retried, never worked around."""


class TruncatedBody(FetchError):
    """The body was shorter than its Content-Length on every attempt."""


class HttpStatusError(FetchError):
    """The server kept answering an error status (429/5xx) after every retry, or asked for too long a wait."""

    def __init__(self, url: str, message: str, status: int):
        super().__init__(url, message)
        self.status = status


@dataclass(frozen=True)
class Validators:
    """What a server said about a body's version, sent back to ask "has it changed since?"."""

    etag: str = ""
    last_modified: str = ""

    def as_headers(self) -> dict[str, str]:
        """The conditional-request headers for these validators (empty when there are none)."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True)
class FetchedResponse:
    """One final answer from a server: status, the body exactly as received (decoded from any
    transfer compression), and when. A 304 has an empty body and `not_modified` True."""

    url: str
    status: int
    body: bytes
    content_type: str
    retrieved_at: str  # ISO 8601, UTC, seconds
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    @property
    def validators(self) -> Validators:
        return Validators(self.headers.get("ETag", ""), self.headers.get("Last-Modified", ""))


def describe_bot_challenge(url: str) -> str:
    """The message a user reads when the site answers a script with a bot challenge."""
    return (
        f"{url} answered with a bot challenge (AWS WAF): the site does not serve scripts right now, "
        "and this tool will not try to get around that. To load the UN Digital Library's votes, "
        f"download the official bulk file in a browser from {BULK_FILE_URL} and run "
        f"`{IMPORT_COMMAND}`; saved record pages (MARCXML export or HTML) can be imported the same way."
    )


def build_user_agent(contact: str | None = None) -> str:
    """`unga-votes/0.1 (+CONTACT; UN General Assembly votes research)`; CONTACT from the argument,
    else $UNGA_CONTACT. Without a contact the agent still names the project (and a warning is logged
    once per session) so a site can at least tell who we are."""
    contact = contact if contact is not None else os.environ.get("UNGA_CONTACT", "")
    contact_part = f"+{contact}; " if contact else ""
    return f"{PROJECT_NAME}/{PROJECT_VERSION} ({contact_part}UN General Assembly votes research)"


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


def _utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _is_bot_challenge(response: requests.Response, body: bytes) -> bool:
    action = response.headers.get("x-amzn-waf-action", "")
    return action.strip().lower() == "challenge" or (response.status_code == 202 and not body)


class PoliteSession:
    """One `requests.Session` with the project's manners; use one per run.

    `min_delay` seconds at least between two requests to one host (robots.txt's Crawl-delay, when
    longer, wins); `timeout` (connect, read) on every request; up to `max_attempts` tries on 429, 5xx,
    timeouts, broken connections and truncated bodies, waiting `backoff * 2**n` seconds or what
    Retry-After asks, never more than `max_wait` (a longer requested wait stops the fetch with an
    `HttpStatusError` rather than hitting the server sooner than it asked). When `archive` is given,
    every final response with a body is stored there untouched before it is returned.
    """

    def __init__(
        self,
        *,
        contact: str | None = None,
        min_delay: float = 1.0,
        timeout: tuple[float, float] = (10.0, 60.0),
        max_attempts: int = 5,
        backoff: float = 2.0,
        max_wait: float = 300.0,
        obey_robots: bool = True,
        archive: raw.RawArchive | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.user_agent = build_user_agent(contact)
        if "+" not in self.user_agent:
            log.warning("No contact URL for the User-Agent: set UNGA_CONTACT (or --contact) so sites can reach you.")
        self.min_delay = min_delay
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_wait = max_wait
        self.obey_robots = obey_robots
        self.archive = archive
        self.requests_sent = 0
        self._sleep = sleep
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self._session = requests.Session()
        self._session.headers.update({"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"})

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> PoliteSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str | int] | None = None,
        validators: Validators | None = None,
        source_kind: str = "",
    ) -> FetchedResponse:
        """GET `url` politely and return the final answer (200, 304, 404, …).

        Raises `RobotsDisallowed` before sending anything when robots.txt forbids the URL,
        `BotChallenge` on the first challenge, `TruncatedBody`, `HttpStatusError` or `FetchError`
        when every attempt failed. `source_kind` labels the body in the raw archive.
        """
        if params:
            url = f"{url}{'&' if '?' in url else '?'}{urllib.parse.urlencode(params)}"
        if self.obey_robots:
            self._check_robots(url)
        headers = validators.as_headers() if validators else {}
        response = self._fetch(url, headers)
        if self.archive is not None and response.body:
            self.archive.store(
                response.body,
                url=response.url,
                status=response.status,
                content_type=response.content_type,
                source_kind=source_kind,
                retrieved_at=response.retrieved_at,
            )
        return response

    def _fetch(self, url: str, headers: Mapping[str, str]) -> FetchedResponse:
        """Send the request, retrying what deserves a retry; return the final response."""
        problem = ""
        for attempt in range(1, self.max_attempts + 1):
            self._wait_for_turn(url)
            try:
                response = self._session.get(url, headers=dict(headers), timeout=self.timeout, allow_redirects=True)
                body = response.content
            except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError) as error:
                # urllib3 enforces Content-Length: a connection closed early lands here (or, for a
                # compressed body, in the decoder).
                problem = f"truncated body ({error})"
                self._finish_turn(url)
                self._pause(attempt, None, url, problem)
                continue
            except (requests.exceptions.Timeout, requests.exceptions.ConnectionError) as error:
                problem = f"{type(error).__name__}: {error}"
                self._finish_turn(url)
                self._pause(attempt, None, url, problem)
                continue
            finally:
                self.requests_sent += 1
            self._finish_turn(url)
            if _is_bot_challenge(response, body):
                raise BotChallenge(url, describe_bot_challenge(url))
            expected = response.headers.get("Content-Length")
            # Only comparable when nothing was decompressed on the way.
            if expected and expected.isdigit() and not response.headers.get("Content-Encoding") and int(expected) != len(body):
                problem = f"truncated body ({len(body)} of {expected} bytes)"
                self._pause(attempt, None, url, problem)
                continue
            if response.status_code in RETRY_STATUSES:
                problem = f"HTTP {response.status_code}"
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                if retry_after is not None and retry_after > self.max_wait:
                    raise HttpStatusError(
                        url,
                        f"{url} answered HTTP {response.status_code} and asked to wait {retry_after:.0f} s "
                        f"(more than the {self.max_wait:.0f} s this tool waits); run again later.",
                        response.status_code,
                    )
                if attempt == self.max_attempts:
                    break
                self._pause(attempt, retry_after, url, problem)
                continue
            return FetchedResponse(
                url=url,
                status=response.status_code,
                body=body,
                content_type=response.headers.get("Content-Type", ""),
                retrieved_at=_utc_now(),
                headers=dict(response.headers),
            )
        message = f"{url}: gave up after {self.max_attempts} attempts, last: {problem}; run again later."
        if problem.startswith("truncated"):
            raise TruncatedBody(url, message)
        if problem.startswith("HTTP "):
            raise HttpStatusError(url, message, int(problem.split()[1]))
        raise FetchError(url, message)

    def _pause(self, attempt: int, retry_after: float | None, url: str, problem: str) -> None:
        if attempt >= self.max_attempts:
            return
        wait = retry_after if retry_after is not None else self.backoff * 2 ** (attempt - 1)
        wait = min(wait, self.max_wait)
        log.info("%s: %s; retrying in %.2f s (attempt %d of %d)", url, problem, wait, attempt + 1, self.max_attempts)
        self._sleep(wait)

    def _host_delay(self, origin: str) -> float:
        robots = self._robots.get(origin)
        crawl_delay = robots.crawl_delay(self.user_agent) if robots is not None else None
        return max(self.min_delay, float(crawl_delay or 0))

    def _wait_for_turn(self, url: str) -> None:
        origin = _origin(url)
        last = self._last_request.get(origin)
        if last is not None:
            remaining = self._host_delay(origin) - (time.monotonic() - last)
            if remaining > 0:
                self._sleep(remaining)

    def _finish_turn(self, url: str) -> None:
        # The delay counts from the end of the previous answer, so slow answers slow us down too.
        self._last_request[_origin(url)] = time.monotonic()

    def _check_robots(self, url: str) -> None:
        origin = _origin(url)
        robots = self._robots.get(origin)
        if robots is None:
            robots = self._read_robots(origin)
            self._robots[origin] = robots
        if not robots.can_fetch(self.user_agent, url):
            raise RobotsDisallowed(
                url,
                f"{origin}/robots.txt does not allow scripts to fetch {url}; nothing was fetched. "
                f"For the UN Digital Library, download the bulk file in a browser from {BULK_FILE_URL} "
                f"(or save the pages you need) and run `{IMPORT_COMMAND}`.",
            )

    def _read_robots(self, origin: str) -> urllib.robotparser.RobotFileParser:
        """Fetch and parse ORIGIN/robots.txt through this session (same agent, delay and retries)."""
        robots_url = f"{origin}/robots.txt"
        robots = urllib.robotparser.RobotFileParser(robots_url)
        try:
            response = self._fetch(robots_url, {})
        except HttpStatusError as error:
            # RFC 9309: a server error on robots.txt means "assume everything is disallowed".
            raise RobotsDisallowed(
                robots_url, f"{robots_url} could not be read ({error}); treating the whole site as disallowed."
            ) from error
        if self.archive is not None and response.body:
            self.archive.store(response.body, url=robots_url, status=response.status,
                               content_type=response.content_type, source_kind="robots",
                               retrieved_at=response.retrieved_at)
        if response.status in (401, 403):
            robots.disallow_all = True
        elif 400 <= response.status < 500:
            robots.allow_all = True
        else:
            robots.parse(response.body.decode("utf-8", errors="replace").splitlines())
        robots.modified()
        return robots
