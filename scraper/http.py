"""The one polite HTTP session every fetch goes through: who we are, how fast, how often, where not.

User-Agent naming the project and a contact, a timeout on every request, retries with exponential
back-off on 429/5xx/timeouts/truncated bodies honouring Retry-After, a minimum delay between two
requests to one host, robots.txt obeyed, conditional requests, and a bot challenge recognised at once
and reported, never retried and never worked around. Limits: a body's size (declared or decompressed),
a deadline per request and per run, redirects followed here (http(s) only, each hop through robots.txt
and the per-host delay, loops stopped). A host that cannot be reached (no DNS, connection refused) is
reported at once. It only does HTTP: callers decide what to fetch and what a body means.
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
import urllib3.exceptions

from scraper import raw

log = logging.getLogger(__name__)

PROJECT_NAME = "unga-votes"
PROJECT_VERSION = "0.1"
BULK_FILE_URL = "https://digitallibrary.un.org/record/4060887"
IMPORT_COMMAND = "python -m scraper import FILE"

# Statuses worth another try after a pause: the server is busy or briefly broken, not refusing us.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

# Limits on what one answer may cost (PoliteSession's defaults; each is a keyword to override). The
# largest real body is a UN extract of a few MB; a search page of 100 MARCXML records is ~3 MB.
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
MAX_ROBOTS_BYTES = 512 * 1024  # RFC 9309: parse at least 500 KiB, ignore the rest
REQUEST_DEADLINE_SECONDS = 120.0  # one request, from sending to the last byte, whatever the server's pace
MAX_REDIRECTS = 5
_READ_BYTES = 16 * 1024  # per socket read: decoded gzip grows at most ~1000-fold from this


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


class ResponseTooLarge(FetchError):
    """The body (as declared, or as received after decompression) exceeds the session's limit."""


class DeadlineExceeded(FetchError):
    """A request took longer than its deadline (a server sending a byte now and then)."""


class RunDeadlineExceeded(DeadlineExceeded):
    """The run as a whole has gone on longer than its limit: nothing more is fetched."""


class Unreachable(FetchError):
    """The host cannot be reached at all (its name does not resolve, the connection is refused).
    Reported at once, never retried: no network or a wrong address is not helped by waiting."""


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


def check_url(url: str, what: str = "URL") -> str:
    """`url` when it is an absolute http(s) URL with a host, else ValueError saying what is wrong."""
    parts = urllib.parse.urlsplit(url.strip()) if isinstance(url, str) else None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{what} {url!r} is not an http(s) address like https://digitallibrary.un.org")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise ValueError(f"{what} {url!r} has a port that is not a number") from None
    return url.strip()


def check_delay(seconds: float) -> float:
    """A pause between requests: a finite number of seconds, 0 or more (no -1, nan or inf)."""
    if not isinstance(seconds, (int, float)) or not (0 <= seconds < float("inf")):
        raise ValueError(f"the delay between requests must be 0 or more seconds, not {seconds!r}")
    return float(seconds)


def _unreachable(error: requests.exceptions.ConnectionError) -> str | None:
    """Why the host cannot be reached at all (no such name, connection refused), else None.

    These are not worth a retry: the network or the address is wrong, and waiting will not help."""
    reason = error.args[0] if error.args else None
    reason = getattr(reason, "reason", reason)
    if isinstance(reason, urllib3.exceptions.NameResolutionError):
        return "its name does not resolve (no network, or a wrong address)"
    if isinstance(reason, urllib3.exceptions.NewConnectionError):
        if isinstance(reason, urllib3.exceptions.ConnectTimeoutError) and "timed out" in str(reason).lower():
            return None  # a timeout: retried
        return "the connection was refused or the network is unreachable"
    return None


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
        max_bytes: int = MAX_RESPONSE_BYTES,
        request_deadline: float = REQUEST_DEADLINE_SECONDS,
        run_deadline: float | None = None,
        max_redirects: int = MAX_REDIRECTS,
    ):
        check_delay(min_delay)
        for name, value in (("request_deadline", request_deadline), ("run_deadline", run_deadline)):
            if value is not None and not value > 0:
                raise ValueError(f"{name} must be a positive number of seconds, not {value!r}")
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
        self.max_bytes = max_bytes
        self.request_deadline = request_deadline
        self.max_redirects = max_redirects
        self._run_ends = None if run_deadline is None else time.monotonic() + run_deadline
        self.run_deadline = run_deadline
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
        try:
            check_url(url)
        except ValueError as error:
            raise FetchError(url, str(error)) from None
        headers = validators.as_headers() if validators else {}
        response = self._follow(url, headers, check_robots=self.obey_robots, max_bytes=self.max_bytes)
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

    def _follow(self, url: str, headers: Mapping[str, str], *, check_robots: bool, max_bytes: int,
                truncate: bool = False) -> FetchedResponse:
        """Fetch `url`, following redirects ourselves: only to http(s), at most `max_redirects` hops,
        each hop through robots.txt (when `check_robots`) and the per-host delay like any request.
        The answer keeps the URL asked for (sources are named by it), whatever hops it took."""
        chain = [url]
        current = url
        for _ in range(self.max_redirects + 1):
            if check_robots:
                self._check_robots(current)
            response = self._fetch(current, headers, max_bytes=max_bytes, truncate=truncate)
            location = response.headers.get("Location", "")
            if response.status not in REDIRECT_STATUSES or not location:
                return FetchedResponse(url, response.status, response.body, response.content_type,
                                       response.retrieved_at, response.headers)
            target = urllib.parse.urljoin(current, location.strip())
            if urllib.parse.urlsplit(target).scheme.lower() not in ("http", "https"):
                raise FetchError(url, f"{current} redirects to {target[:200]}: only http(s) addresses are followed; nothing was fetched from it.")
            if target in chain:
                raise FetchError(url, f"{url}: a redirect loop ({' → '.join(chain[chain.index(target):] + [target])[:300]}); "
                                      "the site is misconfigured, try again later.")
            chain.append(target)
            current = target
            headers = {}  # validators were for the first address only
        raise FetchError(url, f"{url}: more than {self.max_redirects} redirects ({' → '.join(chain)[:300]}); nothing fetched.")

    def _fetch(self, url: str, headers: Mapping[str, str], *, max_bytes: int | None = None,
               truncate: bool = False) -> FetchedResponse:
        """Send one request (no redirects followed), retrying what deserves a retry; return the final answer."""
        max_bytes = self.max_bytes if max_bytes is None else max_bytes
        problem = ""
        for attempt in range(1, self.max_attempts + 1):
            self._wait_for_turn(url)
            self._check_run_deadline(url)
            try:
                response = self._session.get(url, headers=dict(headers), timeout=self.timeout, allow_redirects=False, stream=True)
                try:
                    body = self._read_body(response, url, max_bytes, truncate)
                finally:
                    response.close()
            except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError,
                    urllib3.exceptions.ProtocolError, urllib3.exceptions.DecodeError) as error:
                # urllib3 enforces Content-Length: a connection closed early lands here (or, for a
                # compressed body, in the decoder).
                problem = f"truncated body ({error})"
                self._finish_turn(url)
                self._pause(attempt, None, url, problem)
                continue
            except (requests.exceptions.Timeout, urllib3.exceptions.TimeoutError) as error:
                problem = f"timed out ({type(error).__name__})"
                self._finish_turn(url)
                self._pause(attempt, None, url, problem)
                continue
            except requests.exceptions.ConnectionError as error:
                self._finish_turn(url)
                why = _unreachable(error)
                if why:  # fail fast: no network or a wrong address is not helped by waiting
                    host = urllib.parse.urlsplit(url).hostname
                    raise Unreachable(url, f"cannot reach {host}: {why}; check the network and the address, then run again.") from None
                problem = f"connection broken ({type(error).__name__})"
                self._pause(attempt, None, url, problem)
                continue
            finally:
                self.requests_sent += 1
            self._finish_turn(url)
            if _is_bot_challenge(response, body):
                raise BotChallenge(url, describe_bot_challenge(url))
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

    def _read_body(self, response: requests.Response, url: str, max_bytes: int, truncate: bool) -> bytes:
        """The body, decoded from any transfer compression, read as it arrives so that its size
        (declared or decoded: a gzip bomb) and the request's deadline (a trickle of a byte every few
        seconds never trips the read timeout) are checked as it comes. `truncate`: keep the first
        `max_bytes` instead of refusing (robots.txt)."""
        started = time.monotonic()
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes and not truncate and not response.headers.get("Content-Encoding"):
            raise ResponseTooLarge(url, f"{url} declares a body of {int(declared):,} bytes, more than the "
                                        f"{max_bytes:,} this tool reads; nothing was read.")
        chunks: list[bytes] = []
        size = 0
        while True:
            if time.monotonic() - started > self.request_deadline:
                raise DeadlineExceeded(url, f"{url} took more than {self.request_deadline:.0f} s to send its answer "
                                            f"({size:,} bytes so far); stopped. Try again later.")
            self._check_run_deadline(url)
            chunk = response.raw.read1(_READ_BYTES, decode_content=True)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                if truncate:
                    chunks.append(chunk[: len(chunk) - (size - max_bytes)])
                    break
                raise ResponseTooLarge(url, f"{url} sent more than {max_bytes:,} bytes (after decompression), "
                                            "more than this tool reads; stopped.")
            chunks.append(chunk)
        body = b"".join(chunks)
        expected = response.headers.get("Content-Length")
        # Only comparable when nothing was decompressed on the way (and the body was read whole).
        if (expected and expected.isdigit() and not response.headers.get("Content-Encoding") and int(expected) != len(body)
                and not (truncate and size >= max_bytes)):
            raise urllib3.exceptions.ProtocolError(f"{len(body)} of {expected} bytes")
        return body

    def _check_run_deadline(self, url: str) -> None:
        if self._run_ends is not None and time.monotonic() > self._run_ends:
            raise RunDeadlineExceeded(url, f"the run has gone on for more than {self.run_deadline:.0f} s, its limit; "
                                        f"stopped before {url}. Run again to continue where it stopped.")

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
            response = self._follow(robots_url, {}, check_robots=False, max_bytes=MAX_ROBOTS_BYTES, truncate=True)
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
