"""A real HTTP server on 127.0.0.1 for the scraper's tests: files, scripted answers, and a small Library.

It speaks plain HTTP/1.1 through the standard library's `ThreadingHTTPServer` on a free port, so the
scraper's whole network path (requests, urllib3, sockets, timeouts) runs for real. Every request is
logged (path, query, headers, time) for tests to assert on what the scraper sent.
"""
from __future__ import annotations

import hashlib
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from lxml import etree

MARC_NS = "http://www.loc.gov/MARC21/slim"


@dataclass
class Reply:
    """One scripted answer. `truncate_to` sends only that many body bytes under the full
    Content-Length and closes; `delay` sleeps before answering (for timeouts); `conditional` answers
    304 to a matching If-None-Match / If-Modified-Since."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    truncate_to: int | None = None
    conditional: bool = False
    last_modified: float = 1_700_000_000.0  # a fixed time, so validators are stable across runs
    # A body sent piece by piece as the generator yields it (an endless body, a trickle), after the
    # headers; `headers` may declare any Content-Length (a lie, for the size tests). Sending stops
    # when the client goes away.
    stream: Callable[[], Iterator[bytes]] | None = None


@dataclass(frozen=True)
class LoggedRequest:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    at: float  # time.monotonic() when the request arrived


Handler = Callable[[LoggedRequest], Reply]


class LocalServer:
    """Start with `with LocalServer() as server:`; `server.url` is the base URL (no trailing slash)."""

    def __init__(self) -> None:
        self.requests: list[LoggedRequest] = []
        self._routes: dict[str, Handler] = {}
        self._scripts: dict[str, list[Reply]] = {}
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._make_handler())
        self._httpd.daemon_threads = True
        self._httpd.handle_error = self._handle_error
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def _handle_error(self, request: object, client_address: object) -> None:
        # A client that closes a kept-alive connection (as the size and deadline limits do) is no
        # error of the server's; anything else is printed as the standard library does.
        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionResetError, BrokenPipeError)):
            ThreadingHTTPServer.handle_error(self._httpd, request, client_address)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def serve(self, path: str, body: bytes, content_type: str = "application/octet-stream", **reply: object) -> None:
        """Answer GET `path` (any query) with `body`, with ETag/Last-Modified and 304 to conditional requests."""
        self._routes[path] = lambda request: Reply(body=body, content_type=content_type, conditional=True, **reply)

    def script(self, path: str, replies: list[Reply]) -> None:
        """Answer successive GETs of `path` with `replies` in order; the last one repeats."""
        self._scripts[path] = list(replies)

    def route(self, path: str, handler: Handler) -> None:
        """Answer GET `path` with whatever `handler(request)` returns."""
        self._routes[path] = handler

    def robots(self, text: str) -> None:
        self.serve("/robots.txt", text.encode(), "text/plain")

    def hits(self, path: str) -> list[LoggedRequest]:
        return [request for request in self.requests if request.path == path]

    def _reply_for(self, request: LoggedRequest) -> Reply:
        with self._lock:
            script = self._scripts.get(request.path)
            if script:
                return script.pop(0) if len(script) > 1 else script[0]
        handler = self._routes.get(request.path)
        if handler is None:
            return Reply(status=404, body=b"not found")
        return handler(request)

    def _make_handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                parts = urllib.parse.urlsplit(self.path)
                request = LoggedRequest(
                    path=urllib.parse.unquote(parts.path),
                    query=dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True)),
                    headers={key: value for key, value in self.headers.items()},
                    at=time.monotonic(),
                )
                with server._lock:
                    server.requests.append(request)
                reply = server._reply_for(request)
                if reply.delay:
                    time.sleep(reply.delay)
                headers = dict(reply.headers)
                status = reply.status
                body = reply.body
                if reply.conditional and status == 200:
                    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                    last_modified = formatdate(reply.last_modified, usegmt=True)
                    headers.setdefault("ETag", etag)
                    headers.setdefault("Last-Modified", last_modified)
                    if self.headers.get("If-None-Match") == headers["ETag"] or (
                        not self.headers.get("If-None-Match") and self.headers.get("If-Modified-Since") == headers["Last-Modified"]
                    ):
                        status, body = 304, b""
                if reply.stream is not None:
                    self._send_stream(status, reply, headers)
                    return
                try:
                    self.send_response(status)
                    if status != 304:
                        self.send_header("Content-Type", reply.content_type)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)))
                    if reply.truncate_to is not None:
                        self.send_header("Connection", "close")
                        self.end_headers()
                        self.wfile.write(body[: reply.truncate_to])
                        self.wfile.flush()
                        self.close_connection = True
                        return
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    # The client gave up (a timeout test): nothing to answer to.
                    self.close_connection = True

            def _send_stream(self, status: int, reply: Reply, headers: dict[str, str]) -> None:
                self.close_connection = True
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", reply.content_type)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Connection", "close")
                    self.end_headers()
                    for piece in reply.stream():
                        self.wfile.write(piece)
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError, OSError):
                    pass  # the client stopped reading, as it should

        return _Handler


def endless(piece: bytes = b"x" * 65536) -> Callable[[], Iterator[bytes]]:
    """A body that never ends."""
    def generate() -> Iterator[bytes]:
        while True:
            yield piece
    return generate


def trickle(every: float, byte: bytes = b"x") -> Callable[[], Iterator[bytes]]:
    """One byte every `every` seconds, for ever: never idle long enough for a read timeout."""
    def generate() -> Iterator[bytes]:
        while True:
            yield byte
            time.sleep(every)
    return generate


def marc_records(collection: bytes) -> dict[int, bytes]:
    """Split a MARCXML collection into one standalone collection document per record, keyed by 001."""
    root = etree.fromstring(collection)
    records = {}
    for record in root.iter(f"{{{MARC_NS}}}record"):
        undl_id = int(record.findtext(f"{{{MARC_NS}}}controlfield[@tag='001']"))
        records[undl_id] = marc_collection([etree.tostring(record)])
    return records


def marc_collection(records: list[bytes], total: int | None = None) -> bytes:
    """A MARCXML collection document holding `records`, with the search engine's total comment if given."""
    head = b'<?xml version="1.0" encoding="UTF-8"?>\n'
    if total is not None:
        head += f"<!-- Search-Engine-Total-Number-Of-Results: {total} -->\n".encode()
    inner = []
    for record in records:
        element = etree.fromstring(record)
        if element.tag != f"{{{MARC_NS}}}record":
            inner.extend(etree.tostring(child) for child in element.iter(f"{{{MARC_NS}}}record"))
        else:
            inner.append(etree.tostring(element))
    return head + f'<collection xmlns="{MARC_NS}">\n'.encode() + b"\n".join(inner) + b"\n</collection>\n"


class LibrarySite:
    """A small Digital Library on a `LocalServer`: the Voting Data search (per year, `of=xm`, `rg`,
    `jrec`, newest first, total in a comment, at most `max_results` reachable) and record exports.

    `records` maps undl_id → (year, MARCXML collection bytes of that one record); a value of raw bytes
    that is not XML is served as is (a malformed record)."""

    def __init__(self, server: LocalServer, records: dict[int, tuple[int, bytes]], max_results: int = 500, page_size: int = 100):
        self.server = server
        self.records = dict(records)
        self.max_results = max_results
        self.page_size = page_size  # the most it answers per page, whatever `rg` asks
        server.route("/search", self._search)
        for undl_id in self.records:
            self._serve_record(undl_id)

    def add(self, undl_id: int, year: int, data: bytes) -> None:
        self.records[undl_id] = (year, data)
        self._serve_record(undl_id)

    def _serve_record(self, undl_id: int) -> None:
        path = f"/record/{undl_id}/export/xm"
        self.server.route(path, lambda request, undl_id=undl_id: Reply(
            body=self.records[undl_id][1], content_type="application/xml; charset=UTF-8"))

    def _search(self, request: LoggedRequest) -> Reply:
        query = request.query
        if query.get("of") != "xm":
            return Reply(status=400, body=b"this test site only answers of=xm")
        if "p" in query:
            wanted = query["p"].strip('"')
            hits = [undl_id for undl_id, (_, data) in self.records.items() if wanted.encode() in data]
        else:
            year = int(query.get("fct__3", "0"))
            hits = [undl_id for undl_id, (record_year, _) in self.records.items() if record_year == year]
        hits.sort(reverse=True)  # newest record first, as the Library lists them
        rg = min(int(query.get("rg", "10")), self.page_size)
        jrec = int(query.get("jrec", "1"))
        if jrec > self.max_results:
            return Reply(body=marc_collection([], total=len(hits)), content_type="application/xml")
        page = hits[jrec - 1 : min(jrec - 1 + rg, self.max_results)]
        bodies = [self.records[undl_id][1] for undl_id in page]
        try:
            body = marc_collection(bodies, total=len(hits))
        except etree.XMLSyntaxError:
            # A malformed record on the page: serve it as the broken text it is.
            body = (
                f"<!-- Search-Engine-Total-Number-Of-Results: {len(hits)} -->\n".encode()
                + f'<collection xmlns="{MARC_NS}">'.encode() + b"".join(bodies) + b"</collection>"
            )
        return Reply(body=body, content_type="application/xml; charset=UTF-8")


# --- captures the project writes itself, in the sources' real formats -------------------------------

def make_voting_record(undl_id: int, symbol: str, date: str, *, title: str = "Test resolution", pattern: str = "YYYYNAX") -> bytes:
    """A MARCXML voting record (as `/record/<id>/export/xm` serves it) of a vote on `date`: every
    member on that day (from the project's country table) votes by cycling through `pattern` in
    alphabetical order; 996 carries the matching tallies, so the record adds up."""
    from scraper import countries

    table = countries.load_country_table()
    members = sorted(
        (name, code) for code, name in zip(table["country_code"], table["name"]) if code in countries.members_on(date)
    )
    session = symbol.split("/")[2]
    fields = [
        f'<controlfield tag="001">{undl_id}</controlfield>',
        _datafield("245", [("a", f"{title} :"), ("b", "resolution /"), ("c", "adopted by the General Assembly")], ind1="1"),
        _datafield("269", [("a", date)]),
        _datafield("791", [("a", symbol), ("b", "A/"), ("c", session)]),
        _datafield("952", [("a", f"A/{session}/PV.1")]),
    ]
    counts = dict.fromkeys("YNAX", 0)
    member_fields = []
    for position, (name, code) in enumerate(members):
        vote = pattern[position % len(pattern)]
        counts[vote] += 1
        subfields = [("a", str(position + 1)), ("c", code)] + ([("d", vote)] if vote != "X" else []) + [("e", name)]
        member_fields.append(_datafield("967", subfields))
    tallies = [("a", "Voting Summary"), ("b", str(counts["Y"])), ("c", str(counts["N"])), ("d", str(counts["A"])),
               ("e", str(counts["X"])), ("f", str(len(members)))]
    fields.append(_datafield("996", tallies))
    fields += member_fields
    record = "<record>\n" + "\n".join(fields) + "\n</record>"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="{MARC_NS}">\n{record}\n</collection>\n'
    ).encode()


def _datafield(tag: str, subfields: list[tuple[str, str]], ind1: str = " ") -> str:
    from xml.sax.saxutils import escape

    inner = "".join(f'<subfield code="{code}">{escape(text)}</subfield>' for code, text in subfields)
    return f'<datafield tag="{tag}" ind1="{ind1}" ind2=" ">{inner}</datafield>'


def make_unxml_line(symbol: str, date_words: str, *, yes: list[str] = (), no: list[str] = (), abstain: list[str] = (),
                    recorded: bool = True, title: str = "Test resolution") -> str:
    """One line of a UN per-session extract (UNxml/GAresolutions data_extract/<session>.json)."""
    import json

    session = symbol.split("/")[2]
    return json.dumps({
        "symbol": symbol, "resolution_number": f"{session}/{symbol.split('/')[3]}.", "title": title,
        "session": f"Session {session}", "adoption_meeting": "1st plenary meeting", "adoption_date": date_words,
        "originating_document": f"A/{session}/L.1", "report_paragraph": "N.A.", "committee": "Without reference to a Main Committee",
        "agenda_item": "Agenda item 1", "agenda_item_name": "Test item",
        "adoption_type": "By a recorded vote" if recorded else "Without a vote",
        "MS_in_favour_count": str(len(yes)), "MS_against_count": str(len(no)), "MS_abstaining_count": str(len(abstain)),
        "pv": f"A/{session}/PV.1", "MS_in_favour": list(yes), "MS_against": list(no), "MS_abstaining": list(abstain),
        "sponsors": [], "additional_sponsors": [], "SDGs": [], "subjects": [["TESTING", "UNBIS Thesaurus"]],
    })
