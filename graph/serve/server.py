"""`ties serve`: the store as a SPARQL 1.1 Protocol endpoint, and a small page to query it.

- ``/sparql`` (and ``/query``): GET ``?query=``, or POST form-encoded
  (``query=``) or ``application/sparql-query``. SELECT and ASK answer in
  SPARQL JSON (the default), XML, CSV or TSV, CONSTRUCT and DESCRIBE in Turtle
  (the default), N-Triples, RDF/XML or JSON-LD, chosen by ``Accept`` or by
  ``format=`` (json, xml, csv, tsv, turtle, ntriples, rdfxml, jsonld). As
  everywhere in ties, the prefixes are predeclared and the default graph is the
  union of all documents' graphs.
- ``/update``: SPARQL updates (POST ``application/sparql-update`` or form
  ``update=``), only when the server was made with ``allow_update``; otherwise
  403. An update from a page of another origin is always refused.
- ``/``: the explorer (graph.serve.explorer): search an entity, draw its
  neighbourhood, read the sentences behind a tie, a document with its spans
  marked, a pair's timeline and figures. Its data come from ``/api/`` (see
  graph.serve.endpoints): the CLI's own lookups, run like a query (in a child
  process, under the same Limits), never query text made from what was asked.
- ``/sparql.html``: a page with a query box, a Run button and the results as a
  table. Both pages use no external assets (Cytoscape.js is vendored).

Loopback by default; requests naming another host are refused (no DNS
rebinding): the Host header must be a loopback name or address, compared as a
host, not as a prefix. Cross-origin reads (YASGUI in a browser) only with ``cors``.

Any page the user visits can send queries here, so each request is bounded
(``Limits``, each one a `ties serve` option): a query nesting brackets deeper
than graph.query.sparql.MAX_NESTING, or calling another endpoint with SERVICE,
is refused before it is parsed; a query runs in a child process that is killed
after ``timeout`` seconds or when its client goes, taking its read view of the
store with it; an answer over ``max_rows`` rows or ``max_mb`` MB is refused;
at most ``connections`` requests are handled at once (the rest are told 503)
and a client silent for ``idle_timeout`` seconds is dropped.

The server opens the store for each request when given a location, so it
sees what ``ties ingest`` adds while it runs and never holds the embedded
store's locks between requests (opening takes a few milliseconds); given an
open Store, it uses that one throughout (an embedded one's queries still run
in a child process, on its folder)."""

from __future__ import annotations

import contextlib
import csv
import io
import ipaddress
import json
import multiprocessing
import re
import select
import selectors
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import islice
from multiprocessing import forkserver
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from graph.errors import QueryError, StoreError, StoreLockedError, TiesError, UpdateRefusedError
from graph.output.export import TYPE_COLOURS
from graph.output.safe import csv_cell
from graph.query.sparql import (
    QueryCancelledError,
    QueryLimitError,
    QueryTimeoutError,
    check_nesting,
    looks_like_update,
    refuse_private_load,
    refuse_service,
    run_in_child,
)
from graph.serve import endpoints
from graph.store import MemoryStore, OxigraphStore, Store, open_store, redact
from graph.store.base import media_type
from graph.vocab import PREFIXES, XSD_STRING

__all__ = ["make_server", "serve", "Limits", "PAGE", "SCRIPT", "EXPLORER"]

_MAX_BODY = 16 * 1024 * 1024
_JSON_RESULTS = "application/sparql-results+json"

# Result formats: media type -> short name, in the order of preference.
_SOLUTION_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
_GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "text/plain": ox.RdfFormat.N_TRIPLES,
}
_FORMAT_NAMES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "ntriples": "application/n-triples",
    "nt": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
}
# ent: and doc: local names hold slashes, which Turtle escapes (ent:Firm\/KAI): those are written as IRIs.
_GRAPH_PREFIXES = {p: iri for p, iri in PREFIXES.items() if p not in ("ent", "doc")}
_CONTENT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}
_WAITING_PER_SLOT = 16  # connections that may wait for their first bytes, per request handled at once
_BUSY = b"the server is busy: too many requests at once (ties serve --max-connections); try again\n"


@dataclass(frozen=True)
class Limits:
    """What one request may take; the defaults are `ties serve`'s."""

    timeout: float = 10.0  # seconds a query may run
    max_rows: int = 100_000  # rows (or triples) in one answer
    max_mb: float = 64.0  # megabytes in one answer
    connections: int = 16  # requests handled at once
    idle_timeout: float = 10.0  # seconds a client may stay silent
    allow_service: bool = False  # SERVICE, and LOAD from this machine or a private network

    @property
    def max_bytes(self) -> int:
        return int(self.max_mb * 1024 * 1024)


def make_server(
    store: Store | str | Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    allow_update: bool = False,
    *,
    cors: bool = False,
    log: bool = False,
    limits: Limits | None = None,
) -> ThreadingHTTPServer:
    """A server for STORE: an open Store, or the location of one (a folder or a
    URL), opened read-only for each query and writable for each update. Port 0
    picks a free port (``server.server_address`` tells which). Queries run in processes
    forked from a helper that imports the main module once: a script that makes a server
    needs the usual ``if __name__ == "__main__":`` guard."""
    # Query processes are forked from a small server process that has this module loaded: a
    # few milliseconds each, and never a fork of this threaded process.
    multiprocessing.get_context("forkserver").set_forkserver_preload(["__main__", __name__])
    forkserver.ensure_running()  # now, not in the first query's time
    return _Server((host, port), _Settings(store, allow_update, cors, log, host, limits or Limits()))


def serve(
    store: Store | str | Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    allow_update: bool = False,
    *,
    cors: bool = False,
    log: bool = True,
    limits: Limits | None = None,
) -> None:
    """Run the server until interrupted (Ctrl-C)."""
    limits = limits or Limits()
    if not isinstance(store, Store):
        try:
            with open_store(store, write=False):  # fail now, with the store's own message, if there is none
                pass
        except StoreError as exc:
            raise StoreError(redact(str(exc))) from None
    try:
        server = make_server(store, host, port, allow_update, cors=cors, log=log, limits=limits)
    except OSError as exc:
        raise StoreError(f"cannot listen on {host}:{port} ({exc.strerror or exc}); choose another --port") from exc
    shown = f"[{host}]" if ":" in host else host
    base = f"http://{shown}:{server.server_address[1]}"
    mode = "queries and updates" if allow_update else "read-only"
    print(
        f"ties: explorer {base}/ , SPARQL endpoint {base}/sparql ({mode}), query page {base}/sparql.html ; "
        "Ctrl-C stops",
        file=sys.stderr,
    )
    print(
        f"ties: a query may run {limits.timeout:g} s and answer {limits.max_rows:,} rows or {limits.max_mb:g} MB; "
        f"{limits.connections} requests at once" + ("; SERVICE allowed" if limits.allow_service else ""),
        file=sys.stderr,
    )
    if not _is_loopback(host):
        print(f"ties: warning: listening on {host}, beyond this machine, with no authentication", file=sys.stderr)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)  # a service manager's stop: the same clean exit as Ctrl-C
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        print("ties: stopped", file=sys.stderr)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


class _Settings:
    def __init__(self, store, allow_update: bool, cors: bool, log: bool, host: str, limits: Limits) -> None:
        self.store, self.allow_update, self.cors, self.log, self.host = store, allow_update, cors, log, host
        self.limits = limits
        # Where a query process opens the store; None for an open remote store, queried here.
        self.location: str | None = (
            store.location
            if isinstance(store, OxigraphStore) and not isinstance(store, MemoryStore)
            else None
            if isinstance(store, Store)
            else str(store)
        )

    @contextmanager
    def reading(self) -> Iterator[Store]:
        if isinstance(self.store, Store):
            yield self.store
            return
        with open_store(self.store, write=False) as store:
            yield store

    @contextmanager
    def writing(self) -> Iterator[Store]:
        if isinstance(self.store, Store):
            yield self.store
            return
        with open_store(self.store, write=True, wait=30.0) as store:
            yield store


class _Server(ThreadingHTTPServer):
    """A connection waits without a thread until its client sends something, for at most
    ``limits.idle_timeout`` seconds, and at most ``_WAITING_PER_SLOT`` times ``limits.connections``
    connections wait (one more is told 503 at once). Then a thread answers its one request; at most
    ``limits.connections`` threads at once (a request that finds none free within a second is told
    503). Silent or slow clients thus hold neither threads nor the server."""

    daemon_threads = True
    request_queue_size = 128  # connections the system accepts for us while we answer; 5 stalls a burst

    def __init__(self, address: tuple[str, int], settings: _Settings) -> None:
        self.ties = settings
        self._slots = threading.BoundedSemaphore(settings.limits.connections)
        self._waiting = selectors.DefaultSelector()
        self._waiting_lock = threading.Lock()  # the selector's map is shared by two threads
        self._closing = threading.Event()
        self._porter = threading.Thread(target=self._watch_waiting, name="ties-serve-waiting", daemon=True)
        super().__init__(address, _Handler)
        self._porter.start()

    def process_request(self, request, client_address) -> None:
        deadline = time.monotonic() + self.ties.limits.idle_timeout
        with self._waiting_lock:
            if len(self._waiting.get_map()) < self.ties.limits.connections * _WAITING_PER_SLOT:
                self._waiting.register(request, selectors.EVENT_READ, (request, client_address, deadline))
                return
        self._refuse(request)

    def _watch_waiting(self) -> None:
        while not self._closing.is_set():
            for key, _ in self._waiting.select(timeout=0.25):
                request, client_address, _ = key.data
                with self._waiting_lock:
                    self._waiting.unregister(request)
                self._dispatch(request, client_address)
            self._drop_idle()

    def _dispatch(self, request, client_address) -> None:
        if not self._slots.acquire(timeout=1.0):
            self._refuse(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def _drop_idle(self) -> None:
        now = time.monotonic()
        with self._waiting_lock:
            idle = [key.data[0] for key in self._waiting.get_map().values() if key.data[2] < now]
            for request in idle:
                self._waiting.unregister(request)
        for request in idle:
            self.shutdown_request(request)

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def server_close(self) -> None:
        self._closing.set()
        if self._porter.ident is not None:
            self._porter.join(2.0)
        super().server_close()
        with self._waiting_lock:
            left = [key.data[0] for key in self._waiting.get_map().values()]
            for request in left:
                self._waiting.unregister(request)
        for request in left:
            self.shutdown_request(request)
        self._waiting.close()

    def _refuse(self, request: socket.socket) -> None:
        head = (
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(_BUSY)}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
        )
        # Never block the accepting thread on this client: what it sent so far is read (so that
        # closing does not reset the connection before it reads the answer), the rest is not waited for.
        request.setblocking(False)
        with contextlib.suppress(OSError):  # a client gone already needs no answer
            request.recv(65536)
        with contextlib.suppress(OSError):
            request.send(head.encode() + _BUSY)
        self.shutdown_request(request)


def _split_host(value: str) -> tuple[str, str] | None:
    """(host, port) of a Host header or an origin's host part, the host lower-cased and
    unbracketed; None when it is not one."""
    match = re.fullmatch(r"(\[[0-9A-Fa-f:.]+\]|[^:\[\]/@\s]+)(?::(\d{1,5}))?", value.strip())
    if not match:
        return None
    return match.group(1).strip("[]").lower().removesuffix("."), match.group(2) or ""


def _is_loopback(host: str) -> bool:
    name = host.strip("[]").lower().removesuffix(".")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class _HttpError(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}

    def body(self, as_json: bool) -> tuple[bytes, str]:
        if as_json:
            return json.dumps({"error": redact(self.message)}).encode(), "application/json; charset=utf-8"
        return (redact(self.message) + "\n").encode(), "text/plain; charset=utf-8"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ties"
    sys_version = ""
    server: _Server

    @property
    def settings(self) -> _Settings:
        return self.server.ties

    def handle(self) -> None:
        # One request a connection: between requests a client waits in the server's waiting room,
        # not in a thread of its own.
        self.close_connection = True
        self.handle_one_request()

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.settings.limits.idle_timeout)  # a silent client is dropped

    # --- dispatch --------------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def do_OPTIONS(self) -> None:
        self._handle("OPTIONS")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        try:
            self._route(method)
        except _HttpError as exc:
            body, ctype = exc.body(urlsplit(self.path).path.startswith("/api/"))
            self._send(exc.status, body, ctype, headers=exc.headers)
        except (QueryCancelledError, OSError):  # the client went (or stalled past the idle time): no one to answer
            self.close_connection = True

    def _route(self, method: str) -> None:
        self._raw = self._read_body()  # read before any answer, so that keep-alive stays in step
        self._check_host()
        url = urlsplit(self.path)
        route = url.path.rstrip("/") or "/"
        params = parse_qs(url.query, keep_blank_values=True)
        if method == "OPTIONS":
            return self._send(204, b"", None)
        if route in _FILES:
            self._only(method, "GET", "HEAD")
            body, ctype = _FILES[route]
            return self._send(200, body, ctype, page=ctype.startswith("text/html"))
        if route.startswith("/api/"):
            self._only(method, "GET", "HEAD")
            return self._api(route.removeprefix("/api/"), params)
        if route in ("/sparql", "/query"):
            self._only(method, "GET", "POST")
            return self._sparql(method, params)
        if route == "/update":
            self._only(method, "POST")
            return self._update(self._form_or_body("update", "application/sparql-update"))
        raise _HttpError(
            404, f"no such page: {url.path}; the explorer is at /, the endpoint is /sparql, updates go to /update"
        )

    def _only(self, method: str, *allowed: str) -> None:
        if method not in allowed:
            raise _HttpError(
                405, f"{method} is not allowed here; use {' or '.join(allowed)}", {"Allow": ", ".join(allowed)}
            )

    def _check_host(self) -> None:
        """On loopback, only requests addressed to a loopback name or address (or the
        --host name): a page on another site cannot reach this server by re-pointing
        its own name here."""
        if not _is_loopback(self.settings.host):
            return
        host = self.headers.get("Host", "")
        parsed = _split_host(host)
        own = self.settings.host.strip("[]").lower()
        if parsed is None or not (_is_loopback(parsed[0]) or parsed[0] == own):
            raise _HttpError(403, f"this server answers requests for localhost only, not {host!r}")

    def _check_origin(self) -> None:
        """A page may update only when it was served from this very host and port."""
        origin = self.headers.get("Origin")
        if origin and _split_host(urlsplit(origin).netloc) != _split_host(self.headers.get("Host", "")):
            raise _HttpError(403, f"updates from pages of another origin ({origin}) are refused")

    def _client_gone(self) -> bool:
        """Has the client closed its end? (Readable, with nothing to read.)"""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True

    # --- reading the request -----------------------------------------------------------------------

    def _read_body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True
            raise _HttpError(400, "bad Content-Length") from None
        if length > _MAX_BODY:
            self.close_connection = True
            raise _HttpError(413, f"the request is over {_MAX_BODY // (1024 * 1024)} MB")
        return self.rfile.read(length) if length > 0 else b""

    def _body(self) -> bytes:
        return self._raw

    def _form_or_body(self, name: str, direct_type: str) -> str:
        media = media_type(self.headers.get("Content-Type"))
        body = self._body()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise _HttpError(400, "the request body is not UTF-8") from None
        if media == direct_type:
            return text
        if media == "application/x-www-form-urlencoded":
            values = parse_qs(text, keep_blank_values=True).get(name, [])
            if len(values) != 1:
                raise _HttpError(400, f"give exactly one {name}= parameter")
            return values[0]
        raise _HttpError(415, f"send the {name} as {direct_type} or application/x-www-form-urlencoded")

    # --- queries --------------------------------------------------------------------------------

    def _sparql(self, method: str, params: dict[str, list[str]]) -> None:
        for unsupported in ("default-graph-uri", "named-graph-uri"):
            if any(params.get(unsupported, [])):
                raise _HttpError(
                    400,
                    f"{unsupported} is not supported: the default graph is the union of every "
                    "document's graph; use GRAPH <...> in the query",
                )
        if method == "GET":
            queries = params.get("query", [])
            if len(queries) != 1:
                if not queries and not params:
                    raise _HttpError(400, "give a query: /sparql?query=SELECT...; the page at / writes one for you")
                raise _HttpError(400, "give exactly one query= parameter")
            text = queries[0]
        else:
            media = media_type(self.headers.get("Content-Type"))
            if media == "application/x-www-form-urlencoded":
                form = parse_qs(self._body().decode("utf-8", "replace"), keep_blank_values=True)
                if "update" in form and "query" not in form:  # YASGUI sends updates to the same endpoint
                    return self._update(form["update"][0])
                if len(form.get("query", [])) != 1:
                    raise _HttpError(400, "give exactly one query= parameter")
                text = form["query"][0]
                params = {**params, **{k: v for k, v in form.items() if k == "format"}}
            elif media == "application/sparql-query":
                text = self._body().decode("utf-8", "replace")
            elif media == "application/sparql-update":
                return self._update(self._body().decode("utf-8", "replace"))
            else:
                raise _HttpError(415, "POST the query as application/sparql-query or application/x-www-form-urlencoded")
        wanted = params.get("format", [None])[0]
        accept = _FORMAT_NAMES.get((wanted or "").lower(), wanted) if wanted else self.headers.get("Accept", "")
        self._screen(text, update=False)
        started = time.perf_counter()
        try:
            body, ctype = self._run(text, accept)
        except QueryTimeoutError as exc:
            raise _HttpError(503, str(exc)) from None
        except QueryCancelledError:
            raise
        except QueryLimitError as exc:
            raise _HttpError(400, str(exc)) from None
        except QueryError as exc:
            if looks_like_update(text):
                raise _HttpError(
                    400,
                    "this is a SPARQL update: POST it to /update (the server runs updates only "
                    "when started with --allow-update)",
                ) from None
            raise _HttpError(400, str(exc)) from None
        except TiesError as exc:
            raise _store_error(exc) from None
        except Exception:  # a bug: say so and keep serving
            traceback.print_exc()
            raise _HttpError(500, "internal error in ties; the traceback is in the server's log") from None
        self._send(
            200,
            body,
            ctype,
            headers={"Vary": "Accept", "X-Elapsed-Ms": f"{(time.perf_counter() - started) * 1000:.0f}"},
        )

    def _screen(self, text: str, *, update: bool) -> None:
        """Refuse, before any parser sees it, what would crash the server or make it fetch URLs."""
        try:
            check_nesting(text)
            if not self.settings.limits.allow_service:
                refuse_service(text)
                if update:
                    refuse_private_load(text)
        except QueryError as exc:
            raise _HttpError(400, str(exc)) from None

    def _run(self, text: str, accept: str) -> tuple[bytes, str]:
        limits, location = self.settings.limits, self.settings.location
        caps = (limits.max_rows, limits.max_bytes)
        if location is None:  # an open remote store: its own client's time limits apply
            with self.settings.reading() as store:
                return _answer(store, text, accept, *caps)
        return run_in_child(
            _answer_in_child,
            (location, text, accept, *caps),
            limits.timeout,
            stop=self._client_gone,
            method="forkserver",
            hint="start the server with a longer --timeout",
        )

    # --- the explorer's data ---------------------------------------------------------------------

    def _api(self, endpoint: str, params: dict[str, list[str]]) -> None:
        try:
            args = endpoints.arguments(endpoint, params)
        except endpoints.BadParameter as exc:
            raise _HttpError(exc.status, str(exc)) from None
        limits, location = self.settings.limits, self.settings.location
        caps = (limits.max_rows, limits.max_bytes)
        started = time.perf_counter()
        try:
            if location is None:  # an open remote store: its own client's time limits apply
                with self.settings.reading() as store:
                    status, body = endpoints.answer(store, endpoint, args, *caps)
            else:
                status, body = run_in_child(
                    endpoints.answer_in_child,
                    (location, endpoint, args, *caps),
                    limits.timeout,
                    stop=self._client_gone,
                    method="forkserver",
                    hint="start the server with a longer --timeout",
                )
        except QueryTimeoutError as exc:
            raise _HttpError(503, str(exc)) from None
        except QueryCancelledError:
            raise
        except TiesError as exc:
            raise _store_error(exc) from None
        except Exception:  # a bug: say so and keep serving
            traceback.print_exc()
            raise _HttpError(500, "internal error in ties; the traceback is in the server's log") from None
        elapsed = f"{(time.perf_counter() - started) * 1000:.0f}"
        self._send(status, body, "application/json; charset=utf-8", headers={"X-Elapsed-Ms": elapsed})

    # --- updates --------------------------------------------------------------------------------

    def _update(self, text: str) -> None:
        if not self.settings.allow_update:
            raise _HttpError(
                403,
                "updates are disabled: this server is read-only; start it with "
                "`ties serve --allow-update` to accept SPARQL updates",
            )
        self._check_origin()
        self._screen(text, update=True)
        try:
            with self.settings.writing() as store:
                store.update(text)
        except UpdateRefusedError as exc:
            raise _HttpError(403, str(exc)) from None
        except QueryError as exc:
            raise _HttpError(400, str(exc)) from None
        except TiesError as exc:
            raise _store_error(exc) from None
        except Exception:
            traceback.print_exc()
            raise _HttpError(500, "internal error in ties; the traceback is in the server's log") from None
        self._send(204, b"", None)

    # --- writing the response -------------------------------------------------------------------

    def _send(
        self, status: int, body: bytes, ctype: str | None, *, headers: dict | None = None, page: bool = False
    ) -> None:
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Connection", "close")
        if page:
            self.send_header(
                "Content-Security-Policy",
                "default-src 'none'; script-src 'self'; connect-src 'self'; "
                "style-src 'self' 'unsafe-inline'; form-action 'self'; "
                "frame-ancestors 'none'; base-uri 'none'",
            )
        if self.settings.cors:
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        if self.settings.log:
            sys.stderr.write(f"{self.log_date_time_string()} {format % args}\n")


def _store_error(exc: TiesError) -> _HttpError:
    if isinstance(exc, StoreLockedError):
        return _HttpError(503, str(exc), {"Retry-After": "5"})
    if isinstance(exc, StoreError):
        return _HttpError(503, str(exc))
    return _HttpError(500, str(exc))


# --- answering, in the query process ---------------------------------------------------------------


def _answer_in_child(location: str, text: str, accept: str, max_rows: int, max_bytes: int, send) -> None:
    try:
        with open_store(location) as store:
            outcome: object = _answer(store, text, accept, max_rows, max_bytes)
    except TiesError as exc:
        outcome = exc
    except Exception:  # a bug: the traceback goes to the server's log, the client gets a 500
        traceback.print_exc()
        outcome = TiesError("internal error in ties; the traceback is in the server's log")
    send.send(outcome)


def _answer(store: Store, text: str, accept: str, max_rows: int, max_bytes: int) -> tuple[bytes, str]:
    """The query's answer in the format ACCEPT prefers, and its content type; refused
    (QueryLimitError) past MAX_ROWS rows or MAX_BYTES bytes, before all of it is held."""
    result = store.query(text, limit=max_rows + 1) if isinstance(store, OxigraphStore) else store.query(text)
    if isinstance(result, bool):
        kind = _SOLUTION_TYPES[_negotiate(accept, _SOLUTION_TYPES, _JSON_RESULTS)]
        return _boolean(result, kind), _CONTENT_TYPES[kind]
    if isinstance(result, list):
        _check_rows(len(result), max_rows, "triples")
        fmt = _GRAPH_TYPES[_negotiate(accept, _GRAPH_TYPES, "text/turtle")]
        prefixes = _GRAPH_PREFIXES if fmt is not ox.RdfFormat.N_TRIPLES else None
        body = ox.serialize(result, format=fmt, prefixes=prefixes) or b""
        _check_bytes(len(body), max_bytes)
        return body, f"{fmt.media_type}; charset=utf-8" if fmt.media_type.startswith("text/") else fmt.media_type
    variables = [v.value for v in result.variables]
    rows = list(islice(result, max_rows + 1))
    _check_rows(len(rows), max_rows, "rows")
    kind = _SOLUTION_TYPES[_negotiate(accept, _SOLUTION_TYPES, _JSON_RESULTS)]
    return _solutions(variables, rows, kind, max_bytes), _CONTENT_TYPES[kind]


def _check_rows(count: int, max_rows: int, what: str) -> None:
    if count > max_rows:
        raise QueryLimitError(
            f"the answer has more than {max_rows:,} {what}, the most this server sends; "
            "add LIMIT (and OFFSET to page through it), or start the server with a larger --max-rows"
        )


def _check_bytes(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise QueryLimitError(
            f"the answer is over {max_bytes / 1024 / 1024:g} MB, the most this server sends; "
            "add LIMIT or select fewer variables, or start the server with a larger --max-mb"
        )


# --- content negotiation ---------------------------------------------------------------------------


def _negotiate(accept: str, offers: dict, default: str) -> str:
    """The offered media type the Accept header prefers (q-values, type/* and
    */* ranges); the default when it names none of them."""
    ranges = []
    for part in (accept or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    best, best_q = default, -1.0
    for offer in offers:
        main = offer.split("/")[0]
        q, specificity = -1.0, -1
        for media, mq in ranges:
            level = 2 if media == offer else 1 if media == f"{main}/*" else 0 if media == "*/*" else -1
            if level > specificity:
                q, specificity = mq, level
        if specificity == 0 and offer != default:
            continue  # */* means the default, not the first offer
        if q > best_q and q > 0:
            best, best_q = offer, q
    return best


# --- result formats ----------------------------------------------------------------------------------


def _solutions(variables: list[str], rows: Iterable, kind: str, max_bytes: int | None = None) -> bytes:
    """ROWS in KIND, refused (QueryLimitError) as soon as they pass MAX_BYTES."""
    parts, size = [], 0
    for chunk in _solution_chunks(variables, rows, kind):
        data = chunk.encode()
        size += len(data)
        if max_bytes is not None:
            _check_bytes(size, max_bytes)
        parts.append(data)
    return b"".join(parts)


def _solution_chunks(variables: list[str], rows: Iterable, kind: str) -> Iterator[str]:
    if kind == "json":
        yield json.dumps({"head": {"vars": variables}}, ensure_ascii=False)[:-1] + ', "results": {"bindings": ['
        for i, row in enumerate(rows):
            binding = {v: _json_term(row[v]) for v in variables if row[v] is not None}
            yield (", " if i else "") + json.dumps(binding, ensure_ascii=False)
        yield "]}}"
    elif kind == "xml":
        yield '<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>'
        yield "".join(f"\n<variable name={quoteattr(v)}/>" for v in variables)
        yield "\n</head>\n<results>"
        for row in rows:
            bindings = "".join(
                f"<binding name={quoteattr(v)}>{_xml_term(row[v])}</binding>" for v in variables if row[v] is not None
            )
            yield f"\n<result>{bindings}</result>"
        yield "\n</results>\n</sparql>\n"
    elif kind == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow([_csv_term(row[v]) for v in variables])
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
        yield buf.getvalue()
    else:
        yield "\t".join(f"?{v}" for v in variables) + "\n"
        for row in rows:
            yield "\t".join("" if row[v] is None else str(row[v]) for v in variables) + "\n"


def _boolean(value: bool, kind: str) -> bytes:
    if kind == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if kind == "xml":
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{str(value).lower()}</boolean></sparql>\n"
        ).encode()
    return (str(value).lower() + "\n").encode()


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    raise TypeError(f"no SPARQL JSON form for {type(term).__name__}")


def _xml_text(text: str) -> str:
    # XML 1.0 cannot carry most control characters, even escaped.
    clean = "".join(c if c in "\t\n\r" or ord(c) >= 0x20 and c not in "\ufffe\uffff" else "\ufffd" for c in text)
    return escape(clean)


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_text(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{_xml_text(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{_xml_text(term.value)}</literal>"
        return f"<literal>{_xml_text(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        return (
            f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
            f"</predicate><object>{_xml_term(term.object)}</object></triple>"
        )
    raise TypeError(f"no SPARQL XML form for {type(term).__name__}")


def _csv_term(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Literal) and (term.language or term.datatype.value == XSD_STRING):
        # Text a spreadsheet would take for a formula ("=HYPERLINK(...)") is shown as text; numbers stay.
        return str(csv_cell(term.value))
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


# --- the page ------------------------------------------------------------------------------------------

_STATIC = Path(__file__).resolve().parent / "static"
PAGE = (_STATIC / "sparql.html").read_text(encoding="utf-8")
# The page's script gets the predeclared prefixes, so that it can shorten IRIs as the CLI does.
SCRIPT = (_STATIC / "ties.js").read_text(encoding="utf-8").replace("__PREFIXES__", json.dumps(PREFIXES))
EXPLORER = (_STATIC / "explorer.html").read_text(encoding="utf-8")
# The explorer's script gets the colours the Gephi export gives each type, so that both pictures agree.
_COLOURS = {kind: "#{:02x}{:02x}{:02x}".format(*rgb) for kind, rgb in TYPE_COLOURS.items()}
EXPLORER_SCRIPT = (_STATIC / "explorer.js").read_text(encoding="utf-8").replace("__COLOURS__", json.dumps(_COLOURS))
# Every file the server sends, by path: nothing is looked up on disk from a request.
_FILES: dict[str, tuple[bytes, str]] = {
    "/": (EXPLORER.encode(), "text/html; charset=utf-8"),
    "/index.html": (EXPLORER.encode(), "text/html; charset=utf-8"),
    "/explorer.js": (EXPLORER_SCRIPT.encode(), "text/javascript; charset=utf-8"),
    "/explorer.css": ((_STATIC / "explorer.css").read_bytes(), "text/css; charset=utf-8"),
    "/vendor/cytoscape.min.js": (
        (_STATIC / "vendor" / "cytoscape.min.js").read_bytes(),
        "text/javascript; charset=utf-8",
    ),
    "/sparql.html": (PAGE.encode(), "text/html; charset=utf-8"),
    "/ties.js": (SCRIPT.encode(), "text/javascript; charset=utf-8"),
}
