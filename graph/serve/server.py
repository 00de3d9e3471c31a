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
- ``/``: a page with a query box, a Run button and the results as a table (no
  external assets).

Loopback by default; requests naming another host are refused (no DNS
rebinding). Cross-origin reads (YASGUI in a browser) only with ``cors``.

The server opens the store for each request when given a location, so it
sees what ``ties ingest`` adds while it runs and never holds the embedded
store's locks between requests (opening takes a few milliseconds); given an
open Store, it uses that one throughout."""

from __future__ import annotations

import csv
import io
import json
import signal
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from graph.errors import QueryError, StoreError, StoreLockedError, TiesError, UpdateRefusedError
from graph.store import Store, open_store
from graph.vocab import PREFIXES, XSD

__all__ = ["make_server", "serve", "PAGE", "SCRIPT"]

_MAX_BODY = 16 * 1024 * 1024
_XSD_STRING = XSD + "string"

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


def make_server(
    store: Store | str | Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    allow_update: bool = False,
    *,
    cors: bool = False,
    log: bool = False,
) -> ThreadingHTTPServer:
    """A server for STORE: an open Store, or the location of one (a folder or a
    URL), opened read-only for each query and writable for each update. Port 0
    picks a free port (``server.server_address`` tells which)."""
    server = ThreadingHTTPServer((host, port), _Handler)
    server.daemon_threads = True
    server.ties = _Settings(store, allow_update, cors, log, host)
    return server


def serve(
    store: Store | str | Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    allow_update: bool = False,
    *,
    cors: bool = False,
    log: bool = True,
) -> None:
    """Run the server until interrupted (Ctrl-C)."""
    if not isinstance(store, Store):
        with open_store(store, write=False):  # fail now, with the store's own message, if there is none
            pass
    try:
        server = make_server(store, host, port, allow_update, cors=cors, log=log)
    except OSError as exc:
        raise StoreError(f"cannot listen on {host}:{port} ({exc.strerror or exc}); choose another --port") from exc
    shown = f"[{host}]" if ":" in host else host
    base = f"http://{shown}:{server.server_address[1]}"
    mode = "queries and updates" if allow_update else "read-only"
    print(f"ties: SPARQL endpoint {base}/sparql ({mode}), query page {base}/ ; Ctrl-C stops", file=sys.stderr)
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
    def __init__(self, store, allow_update: bool, cors: bool, log: bool, host: str) -> None:
        self.store, self.allow_update, self.cors, self.log, self.host = store, allow_update, cors, log, host

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


def _is_loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


class _HttpError(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ties"
    sys_version = ""

    @property
    def settings(self) -> _Settings:
        return self.server.ties

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
            self._raw = self._read_body()  # read before any answer, so that keep-alive stays in step
            self._check_host()
            url = urlsplit(self.path)
            route = url.path.rstrip("/") or "/"
            params = parse_qs(url.query, keep_blank_values=True)
            if method == "OPTIONS":
                return self._send(204, b"", None)
            if route in ("/", "/index.html"):
                self._only(method, "GET", "HEAD")
                return self._send(200, PAGE.encode(), "text/html; charset=utf-8", page=True)
            if route == "/ties.js":
                self._only(method, "GET", "HEAD")
                return self._send(200, SCRIPT.encode(), "text/javascript; charset=utf-8")
            if route in ("/sparql", "/query"):
                self._only(method, "GET", "POST")
                return self._sparql(method, params)
            if route == "/update":
                self._only(method, "POST")
                return self._update(self._form_or_body("update", "application/sparql-update"))
            raise _HttpError(404, f"no such page: {url.path}; the endpoint is /sparql, updates go to /update")
        except _HttpError as exc:
            self._send(exc.status, (exc.message + "\n").encode(), "text/plain; charset=utf-8", headers=exc.headers)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _only(self, method: str, *allowed: str) -> None:
        if method not in allowed:
            raise _HttpError(
                405, f"{method} is not allowed here; use {' or '.join(allowed)}", {"Allow": ", ".join(allowed)}
            )

    def _check_host(self) -> None:
        """On loopback, only requests addressed to a loopback name: a page on
        another site cannot reach this server by re-pointing its own name here."""
        if not _is_loopback(self.settings.host):
            return
        host = self.headers.get("Host", "")
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if name.strip("[]") not in ("localhost", "127.0.0.1", "::1", self.settings.host) and not name.startswith(
            "127."
        ):
            raise _HttpError(403, f"this server answers requests for localhost only, not {host!r}")

    # --- reading the request -----------------------------------------------------------------------

    def _read_body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True
            raise _HttpError(400, "bad Content-Length", {"Connection": "close"}) from None
        if length > _MAX_BODY:
            self.close_connection = True
            raise _HttpError(413, f"the request is over {_MAX_BODY // (1024 * 1024)} MB", {"Connection": "close"})
        return self.rfile.read(length) if length > 0 else b""

    def _body(self) -> bytes:
        return self._raw

    def _form_or_body(self, name: str, direct_type: str) -> str:
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
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
            media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
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
        started = time.perf_counter()
        try:
            with self.settings.reading() as store:
                result = store.query(text)
                if isinstance(result, bool):
                    kind = _negotiate(accept, _SOLUTION_TYPES, "application/sparql-results+json")
                    body = _boolean(result, _SOLUTION_TYPES[kind])
                    ctype = _CONTENT_TYPES[_SOLUTION_TYPES[kind]]
                elif isinstance(result, list):
                    kind = _negotiate(accept, _GRAPH_TYPES, "text/turtle")
                    fmt = _GRAPH_TYPES[kind]
                    body = ox.serialize(
                        result, format=fmt, prefixes=_GRAPH_PREFIXES if fmt is not ox.RdfFormat.N_TRIPLES else None
                    )
                    ctype = f"{fmt.media_type}; charset=utf-8" if fmt.media_type.startswith("text/") else fmt.media_type
                else:
                    kind = _negotiate(accept, _SOLUTION_TYPES, "application/sparql-results+json")
                    variables = [v.value for v in result.variables]
                    body = _solutions(variables, result, _SOLUTION_TYPES[kind])
                    ctype = _CONTENT_TYPES[_SOLUTION_TYPES[kind]]
        except QueryError as exc:
            if _looks_like_update(text):
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

    # --- updates --------------------------------------------------------------------------------

    def _update(self, text: str) -> None:
        if not self.settings.allow_update:
            raise _HttpError(
                403,
                "updates are disabled: this server is read-only; start it with "
                "`ties serve --allow-update` to accept SPARQL updates",
            )
        origin = self.headers.get("Origin")
        if origin and urlsplit(origin).netloc != self.headers.get("Host", ""):
            raise _HttpError(403, f"updates from pages of another origin ({origin}) are refused")
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
        if page:
            self.send_header(
                "Content-Security-Policy",
                "default-src 'none'; script-src 'self'; connect-src 'self'; "
                "style-src 'unsafe-inline'; form-action 'self'; "
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


def _looks_like_update(text: str) -> bool:
    from graph.query.sparql import is_update

    return is_update(text)


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


def _solutions(variables: list[str], rows, kind: str) -> bytes:
    if kind == "json":
        bindings = []
        for row in rows:
            bindings.append({v: _json_term(row[v]) for v in variables if row[v] is not None})
        return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False).encode()
    if kind == "xml":
        out = [
            '<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>'
        ]
        out += [f"<variable name={quoteattr(v)}/>" for v in variables]
        out.append("</head>\n<results>")
        for row in rows:
            out.append(
                "<result>"
                + "".join(
                    f"<binding name={quoteattr(v)}>{_xml_term(row[v])}</binding>"
                    for v in variables
                    if row[v] is not None
                )
                + "</result>"
            )
        out.append("</results>\n</sparql>\n")
        return "\n".join(out).encode()
    buf = io.StringIO()
    if kind == "csv":
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow([_csv_term(row[v]) for v in variables])
    else:
        buf.write("\t".join(f"?{v}" for v in variables) + "\n")
        for row in rows:
            buf.write("\t".join("" if row[v] is None else str(row[v]) for v in variables) + "\n")
    return buf.getvalue().encode()


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
        elif term.datatype.value != _XSD_STRING:
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
        if term.datatype.value != _XSD_STRING:
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
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


# --- the page ------------------------------------------------------------------------------------------

_STATIC = Path(__file__).resolve().parent / "static"
PAGE = (_STATIC / "index.html").read_text(encoding="utf-8")
# The page's script gets the predeclared prefixes, so that it can shorten IRIs as the CLI does.
SCRIPT = (_STATIC / "ties.js").read_text(encoding="utf-8").replace("__PREFIXES__", json.dumps(PREFIXES))
