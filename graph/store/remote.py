"""A remote SPARQL 1.1 endpoint as a ties store: the SPARQL 1.1 Protocol for
queries and updates, the Graph Store Protocol for whole graphs.

Where the store is (``--store`` or ``TIES_STORE``):

- ``http://HOST:PORT`` (or ``https://...``, with a path prefix if any): an
  Oxigraph server; its ``/query``, ``/update`` and ``/store`` endpoints are
  derived from the base URL.
- ``sparql+http://HOST:PORT/PATH`` (or ``sparql+https://``): one SPARQL
  endpoint for queries and updates and no Graph Store Protocol; documents are
  written with SPARQL updates.
- the path of a TOML file (``*.toml``) naming the endpoints, for servers that
  split them, such as Virtuoso::

      query = "http://localhost:8890/sparql"
      update = "http://localhost:8890/sparql-auth"       # optional: read-only without it
      store = "http://localhost:8890/sparql-graph-crud-auth"  # optional: Graph Store Protocol
      auth = "digest"           # optional: auto (default: answer the server's challenge), basic, digest
      timeout = 60              # optional: seconds per request
      union_default_graph = true  # optional: send Oxigraph's union-default-graph parameter

  (``base = "http://HOST:PORT"`` instead of the three URLs means Oxigraph's layout.)

Credentials are never on the command line nor in that file: ``TIES_USER`` and
``TIES_PASSWORD`` (and ``TIES_AUTH``: auto, basic or digest) in the
environment, or an INI file named by ``TIES_CONFIG`` whose sections are URL
prefixes (the longest that prefixes the endpoint wins; ``[DEFAULT]`` is the
fallback)::

    [http://localhost:8890]
    user = dba
    password = ...
    auth = digest

Behaviour matches the embedded store: the ties prefixes are predeclared, the
default graph is the union of all named graphs (Oxigraph is asked for it with
``union-default-graph``; Virtuoso, GraphDB, Neptune do it already), bindings
become a ``VALUES`` block written by pyoxigraph's own serialiser. Each
document is written with its graph first and its metadata last (a graph
without metadata is not a document to ties), and a batch that fails is rolled
back; ``quads()`` and ``dump()`` cover ties' own graphs (the metadata graph
and every document's graph), not whatever else the server holds. HTTP and
network failures become StoreError, a query or update the server rejects
(4xx) a QueryError, in one place: ``RemoteStore._send``.
"""

from __future__ import annotations

import configparser
import hashlib
import io
import json
import os
import random
import re
import socket
import threading
import time
import tomllib
import typing
import uuid
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from graph.errors import QueryError, StoreError, StoreLockedError, TiesError
from graph.rdf.terms import Term
from graph.store.base import (
    RDF_FORMATS,
    PartialWriteError,
    Solutions,
    Store,
    StoreNotice,
    is_remote,
    media_type,
    redact,
)
from graph.vocab import DECISIONS_GRAPH, META_GRAPH, PREFIXES, TIES, XSD_STRING

__all__ = ["RemoteStore", "open_remote", "is_remote", "credentials_for", "term_from_json", "with_values", "query_form"]

_RESULTS_JSON = "application/sparql-results+json"
_RESULTS_XML = "application/sparql-results+xml"
_RDF_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_SPARQL_NS = "{http://www.w3.org/2005/sparql-results#}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_META = ox.NamedNode(META_GRAPH)
_FILE_NAME = ox.NamedNode(TIES + "fileName")
_DECISIONS = ox.NamedNode(DECISIONS_GRAPH)
# One line, so that the line numbers in the server's error messages are the user's.
_PROLOGUE = " ".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items()) + " "
_INSERT_CHUNK = 20_000  # triples per INSERT DATA request when the endpoint has no Graph Store Protocol


# --- where the store is ---------------------------------------------------------------------------


def open_remote(
    location: str, *, write: bool, credentials: Mapping[str, str] | None = None, wait: float = 0.0
) -> RemoteStore:
    """The remote store LOCATION names (see the module's doc for the forms). A writer takes the
    server's write lock, waiting up to WAIT seconds for another writer's (see ``RemoteStore.lock``)."""
    text = str(location)
    _refuse_credentials(text)
    options: dict = {}
    update_url: str | None
    store_url: str | None
    if re.match(r"(?i)sparql\+https?://", text):
        url = text.split("+", 1)[1]
        query_url = update_url = url
        store_url = None
    elif re.match(r"(?i)https?://", text):
        query_url, update_url, store_url = _oxigraph_layout(text)
    else:
        query_url, update_url, store_url, options = _endpoint_file(Path(text))
    if credentials is None:
        credentials = credentials_for(update_url or query_url)
    auth = _auth(credentials, options.pop("auth", None))
    store = RemoteStore(query_url, update_url, store_url, auth=auth, writable=write, **options)
    if write:
        try:
            store.lock(wait)
        except BaseException:
            store.close()
            raise
    return store


def _refuse_credentials(url: str) -> None:
    """A password in a URL ends up in shell histories, process lists, logs and error messages:
    ties takes credentials only from the environment or TIES_CONFIG."""
    if re.match(r"(?i)(sparql\+)?https?://", url) and "@" in urlsplit(url.split("+", 1)[-1]).netloc:
        raise StoreError(
            f"the store URL {redact(url)} holds a user name or password; take them out of the URL and set "
            "TIES_USER and TIES_PASSWORD, or name an INI file holding them in TIES_CONFIG"
        )


def _oxigraph_layout(base: str) -> tuple[str, str, str]:
    parts = urlsplit(base)
    path = parts.path.rstrip("/")
    for tail in ("/query", "/update", "/store"):
        if path.endswith(tail):  # someone gave one of the endpoints: the base is its parent
            path = path[: -len(tail)]
            break
    root = urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    return root + "/query", root + "/update", root + "/store"


def _endpoint_file(path: Path) -> tuple[str, str | None, str | None, dict]:
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"cannot read the endpoint file {path} ({exc}); check the path") from exc
    except tomllib.TOMLDecodeError as exc:
        raise StoreError(f"the endpoint file {path} is not valid TOML ({exc}); fix it") from exc
    known = {"base", "query", "update", "store", "auth", "timeout", "union_default_graph"}
    secret = {"user", "password", "username", "login"} & set(config)
    if secret:
        raise StoreError(
            f"{path} holds credentials ({', '.join(sorted(secret))}); move them to TIES_USER and "
            "TIES_PASSWORD or to the INI file named by TIES_CONFIG"
        )
    unknown = set(config) - known
    if unknown:
        raise StoreError(f"{path}: unknown keys {', '.join(sorted(unknown))}; the keys are {', '.join(sorted(known))}")
    update_url: str | None
    store_url: str | None
    if "base" in config:
        query_url, update_url, store_url = _oxigraph_layout(str(config["base"]))
    elif "query" in config:
        query_url = str(config["query"])
        update_url, store_url = _optional(config.get("update")), _optional(config.get("store"))
    else:
        raise StoreError(f'{path} names no endpoint; give `query = "URL"` (and `update`, `store`) or `base`')
    options = {k: config[k] for k in ("auth", "timeout", "union_default_graph") if k in config}
    return query_url, update_url, store_url, options


def credentials_for(url: str) -> dict[str, str] | None:
    """User, password and scheme for URL: from TIES_USER / TIES_PASSWORD / TIES_AUTH,
    else from the INI file TIES_CONFIG names (the longest section that prefixes URL)."""
    user, password = os.environ.get("TIES_USER"), os.environ.get("TIES_PASSWORD")
    if user and password is not None:
        return {"user": user, "password": password, "auth": os.environ.get("TIES_AUTH", "auto")}
    path = os.environ.get("TIES_CONFIG")
    if not path:
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        with open(path, encoding="utf-8") as fh:
            _warn_if_shared(fh.fileno(), path)
            parser.read_file(fh)
    except OSError as exc:
        raise StoreError(f"cannot read TIES_CONFIG={path} ({exc.strerror}); check the path") from exc
    except configparser.Error as exc:
        # Not the parser's own message, nor its cause: it quotes the line, which may be a password.
        raise StoreError(f"TIES_CONFIG={path} is not a valid INI file ({_config_problem(exc)}); fix it") from None
    matches = sorted((s for s in parser.sections() if url.startswith(s.rstrip("/"))), key=len, reverse=True)
    section = parser[matches[0]] if matches else parser.defaults()
    if not section.get("user"):
        return None
    return {"user": section["user"], "password": section.get("password", ""), "auth": section.get("auth", "auto")}


def _warn_if_shared(fd: int, path: str) -> None:
    mode = os.fstat(fd).st_mode
    if mode & 0o044:
        warnings.warn(
            StoreNotice(
                f"TIES_CONFIG={path} can be read by other users (mode {mode & 0o777:o}) and holds passwords; "
                f"make it yours alone with `chmod 600 {path}`"
            ),
            stacklevel=4,
        )


def _config_problem(exc: configparser.Error) -> str:
    """Where an INI file is broken, without quoting the line."""
    if isinstance(exc, configparser.MissingSectionHeaderError):
        return f"line {exc.lineno} comes before any [URL] section header"
    if isinstance(exc, configparser.ParsingError):
        return "cannot parse line " + ", ".join(str(n) for n, _ in exc.errors)
    if isinstance(exc, configparser.DuplicateSectionError):
        return f"section [{redact(exc.section)}] appears twice (line {exc.lineno})"
    if isinstance(exc, configparser.DuplicateOptionError):
        return f"{exc.option} appears twice in [{redact(exc.section)}] (line {exc.lineno})"
    return type(exc).__name__


def _auth(credentials: Mapping[str, str] | None, scheme: str | None) -> httpx.Auth | None:
    if not credentials:
        return None
    kind = (scheme or credentials.get("auth") or "auto").lower()
    user, password = credentials["user"], credentials.get("password", "")
    if kind == "basic":
        return httpx.BasicAuth(user, password)
    if kind == "digest":
        return httpx.DigestAuth(user, password)
    if kind == "auto":
        return _ChallengeAuth(user, password)
    raise StoreError(f"unknown authentication scheme {kind!r}; use auto, basic or digest")


class _ChallengeAuth(httpx.Auth):
    """Send credentials only when the server asks, with the scheme it asks for
    (Virtuoso's /sparql-auth asks for digest, a proxy in front of Oxigraph for basic)."""

    def __init__(self, user: str, password: str) -> None:
        self._basic = httpx.BasicAuth(user, password)
        self._digest = httpx.DigestAuth(user, password)
        self._chosen: httpx.Auth | None = None

    def auth_flow(self, request: httpx.Request):
        if self._chosen is not None:
            yield from self._chosen.auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        challenge = response.headers.get("www-authenticate", "").lower()
        if challenge.startswith("digest"):
            self._chosen = self._digest
        elif challenge.startswith("basic"):
            self._chosen = self._basic
        else:
            return
        yield from self._chosen.auth_flow(request)


# --- the store ----------------------------------------------------------------------------------------


class RemoteStore(Store):
    """A SPARQL 1.1 Protocol (and Graph Store Protocol) endpoint behind the Store interface."""

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        store_url: str | None = None,
        auth: httpx.Auth | tuple[str, str] | None = None,
        writable: bool = False,
        timeout: float = 60,
        union_default_graph: bool = True,
    ) -> None:
        for url in (query_url, update_url, store_url):
            if url:
                _refuse_credentials(url)
        self.query_url, self.update_url, self.store_url = query_url, update_url, store_url
        self.location = _origin(query_url)
        self.writable = writable
        self.timeout = float(timeout)
        self.union_default_graph = union_default_graph
        if isinstance(auth, tuple):
            auth = _ChallengeAuth(*auth)
        self._auth = auth
        self._client = self._new_client(self.timeout)
        self._lock = _WriteLock()
        self._graph_type = "application/n-triples"  # switched to Turtle if the server refuses N-Triples
        self._dataset_get: bool | None = None if store_url else False  # GSP GET of the whole dataset works?
        if writable and not update_url:
            raise StoreError(
                f"the endpoint at {_origin(query_url)} has no update URL; it can only be read "
                '(name one with `update = "URL"` in an endpoint file)'
            )

    def _new_client(self, timeout: float) -> httpx.Client:
        return httpx.Client(
            auth=self._auth,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            headers={"User-Agent": "ties"},
        )

    def __repr__(self) -> str:
        return f"RemoteStore({_origin(self.query_url)!r}, writable={self.writable})"

    # --- HTTP, and every error translation ------------------------------------------------------

    def _send(
        self,
        method: str,
        url: str | None,
        *,
        what: str,
        kind: str = "store",
        stream: bool = False,
        client: httpx.Client | None = None,
        **kwargs,
    ) -> httpx.Response:
        """One request. Network failures and HTTP errors become StoreError; a
        query or update the server rejects (4xx) becomes QueryError. ``kind`` is
        "query", "update" or "store". With ``stream``, the caller closes the
        response. ``client``: another than the store's own (the lease's thread has one)."""
        client = client or self._client
        if url is None:
            raise StoreError(f"the endpoint has no URL to {what}; give one in its endpoint file")
        try:
            request = client.build_request(method, url, **kwargs)
            response = client.send(request, stream=stream)
        except httpx.ConnectError as exc:
            raise StoreError(f"cannot reach the SPARQL endpoint at {_origin(url)}; is the server running?") from exc
        except httpx.TimeoutException as exc:
            raise StoreError(
                f"the SPARQL endpoint at {_origin(url)} did not answer within {self.timeout:g} s "
                f"while trying to {what}; try again, or raise the timeout"
            ) from exc
        except httpx.HTTPError as exc:
            detail = redact(" ".join(str(exc).split()) or type(exc).__name__)
            raise StoreError(f"could not {what} at {_origin(url)}: {detail}") from exc
        if response.status_code < 400:
            if response.headers.get("x-sql-state"):  # Virtuoso's "anytime" answer: partial results
                response.close()
                raise StoreError(
                    f"the endpoint at {_origin(url)} gave partial results ({response.headers['x-sql-state']}, "
                    "its time limit); raise MaxQueryExecutionTime in virtuoso.ini"
                )
            return response
        if stream:
            response.read()
        response.close()
        code, line = response.status_code, _first_line(response.text)
        if code == 401:
            raise StoreError(
                f"the endpoint at {_origin(url)} wants credentials to {what} (HTTP 401); set TIES_USER and "
                "TIES_PASSWORD, or name an INI file with them in TIES_CONFIG"
            )
        if code == 403:
            raise StoreError(
                f"the endpoint at {_origin(url)} refused to let ties {what} (HTTP 403{': ' + line if line else ''}); "
                "use an account that may (TIES_USER, TIES_PASSWORD or TIES_CONFIG)"
            )
        if 400 <= code < 500 and kind in ("query", "update") and code not in (404, 405, 406, 415):
            raise QueryError(
                f"the endpoint rejected the {kind} (HTTP {code}): {_user_position(line) or response.reason_phrase}"
            )
        raise StoreError(
            f"could not {what}: the endpoint at {_origin(url)} answered HTTP {code}"
            f"{': ' + line if line else ' ' + response.reason_phrase}"
        )

    def _post_query(self, text: str, accept: str, *, what: str = "run the query") -> httpx.Response:
        params = {"union-default-graph": "true"} if self.union_default_graph else None
        # Form-encoded POST: every SPARQL 1.1 server takes it (Virtuoso 7 hangs on a direct
        # application/sparql-query body).
        return self._send(
            "POST",
            self.query_url,
            what=what,
            kind="query",
            params=params,
            data={"query": text},
            headers={"Accept": accept},
        )

    def _post_update(self, text: str, *, what: str = "run the update") -> None:
        if not self.writable:
            raise StoreError("the store was opened read-only; open it for writing")
        if self._lock.lost:
            raise StoreLockedError(self._lock.lost)
        self._raw_update(text, what=what)

    def _raw_update(self, text: str, *, what: str, client: httpx.Client | None = None) -> None:
        data = {"update": _PROLOGUE + text}
        self._send("POST", self.update_url, what=what, kind="update", data=data, client=client).close()

    def _raw_select(self, text: str, *, what: str, client: httpx.Client | None = None) -> list[dict[str, str]]:
        """A small SELECT's rows as strings, by a client of its own choosing (the lease's thread)."""
        response = self._send(
            "POST",
            self.query_url,
            what=what,
            kind="query",
            data={"query": _PROLOGUE + text},
            headers={"Accept": _RESULTS_JSON},
            client=client,
        )
        try:
            rows = response.json()["results"]["bindings"]
            return [{k: v["value"] for k, v in row.items()} for row in rows]
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"the endpoint at {_origin(self.query_url)} sent results ties cannot read") from exc

    # --- the write lock --------------------------------------------------------------------------

    def lock(self, wait: float = 0.0) -> None:
        """Take the server's write lock, waiting up to WAIT seconds for another writer's.

        The lock is a marker in ties' lock graph naming its writer, with a lease that a thread
        renews while the store is open and that ``close`` removes. SPARQL has no compare-and-set,
        so the marker goes in only where no marker is (INSERT ... WHERE FILTER NOT EXISTS) and is
        read back: where a server ran two writers' inserts at once, both markers show, and both
        withdraw and try again. A marker whose lease ran out (its writer died or lost the server)
        is taken over, with a StoreNotice."""
        if self._lock.lost:
            raise StoreLockedError(self._lock.lost)
        if self._lock.held:
            return
        if not self.writable:
            raise StoreError("the store was opened read-only; open it for writing")
        deadline = time.monotonic() + wait
        vanished = 0
        while (other := self._try_lock()) is not None:
            if not other.iri and vanished < 5:  # the marker in the way went between the insert and the read
                vanished += 1
                continue
            if other.expires is not None and other.expires < datetime.now(UTC):
                warnings.warn(
                    StoreNotice(
                        f"taking over the write lock on {self.location} from {other.holder}: its lease ran out at "
                        f"{other.expires:%Y-%m-%d %H:%M:%S} UTC (that writer stopped without releasing it)"
                    ),
                    stacklevel=2,
                )
                self._raw_update(_unlock(other.iri, expired=True), what="take over an expired write lock")
                continue
            if time.monotonic() >= deadline:
                until = f", lease until {other.expires:%H:%M:%S} UTC" if other.expires else ""
                raise StoreLockedError(
                    f"the store at {self.location} is being written by another ties process ({other.holder}{until}); "
                    "wait for it to finish (or pass --wait SECONDS) and run this again"
                )
            time.sleep(min(0.5, max(0.0, deadline - time.monotonic())) * random.uniform(0.5, 1.0))
        self._lock.start(self)

    def _try_lock(self) -> _Marker | None:
        """None once this store holds the lock; else the marker in the way."""
        marker = self._lock.marker
        self._raw_update(
            f"INSERT {{ GRAPH {_LOCK_GRAPH} {{ {_lock_triples(marker, _holder(), _lease_end())} }} }} "
            f"WHERE {{ FILTER NOT EXISTS {{ GRAPH {_LOCK_GRAPH} {{ ?m a {_WRITER_LOCK} }} }} }}",
            what="take the write lock",
        )
        markers = self._markers()
        others = [m for m in markers if m.iri != marker.value]
        mine = len(others) < len(markers)
        if mine and not others:
            return None
        if mine:  # two writers' markers: this one withdraws (so does the other) and tries again
            self._raw_update(_unlock(marker.value), what="withdraw from the write lock")
        return others[0] if others else _Marker("", "a writer that has just let go", None)

    def _markers(self, client: httpx.Client | None = None) -> list[_Marker]:
        rows = self._raw_select(
            f"SELECT ?m ?holder ?expires WHERE {{ GRAPH {_LOCK_GRAPH} {{ ?m a {_WRITER_LOCK} . "
            f"OPTIONAL {{ ?m {_HOLDER} ?holder }} OPTIONAL {{ ?m {_EXPIRES} ?expires }} }} }}",
            what="read the write lock",
            client=client,
        )
        return [_Marker(r["m"], r.get("holder", "an unnamed writer"), _instant(r.get("expires"))) for r in rows]

    def _renew(self, client: httpx.Client) -> bool:
        """Push this writer's lease on; False if its marker is gone (another writer took it over)."""
        marker = self._lock.marker
        self._raw_update(
            f"DELETE {{ GRAPH {_LOCK_GRAPH} {{ {marker} {_EXPIRES} ?e }} }} "
            f"INSERT {{ GRAPH {_LOCK_GRAPH} {{ {marker} {_EXPIRES} {_lease_end()} }} }} "
            f"WHERE {{ GRAPH {_LOCK_GRAPH} {{ {marker} {_EXPIRES} ?e }} }}",
            what="renew the write lock",
            client=client,
        )
        return any(m.iri == marker.value for m in self._markers(client))

    def _release(self) -> None:
        """Remove this writer's marker; a server that cannot be reached is told of in a StoreNotice."""
        if not self._lock.stop():
            return
        try:
            self._raw_update(_unlock(self._lock.marker.value), what="release the write lock")
        except TiesError as exc:
            warnings.warn(
                StoreNotice(
                    f"could not release the write lock on {self.location} ({exc}); "
                    f"the next writer takes it over once its lease runs out ({LEASE_S:g} s)"
                ),
                stacklevel=3,
            )

    # --- reading ------------------------------------------------------------------------------------

    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None):
        form = query_form(sparql)
        if form is None:
            raise QueryError("SPARQL syntax error: expected SELECT, ASK, CONSTRUCT or DESCRIBE; fix the query")
        text = _PROLOGUE + (with_values(sparql, bindings) if bindings else sparql)
        accept = f"{_RESULTS_JSON}, {_RESULTS_XML};q=0.8" if form in ("SELECT", "ASK") else _RDF_ACCEPT
        response = self._post_query(text, accept)
        media = media_type(response.headers.get("content-type"))
        body = response.content
        try:
            if media in (_RESULTS_JSON, "application/json"):
                return _parsed_results(body, ox.QueryResultsFormat.JSON, lambda: _solutions_from_json(json.loads(body)))
            if media in (_RESULTS_XML, "application/xml", "text/xml"):
                return _parsed_results(body, ox.QueryResultsFormat.XML, lambda: _solutions_from_xml(body))
            rdf = ox.RdfFormat.from_media_type(media) if media else None
            if rdf is None:
                raise StoreError(
                    f"the endpoint at {_origin(self.query_url)} answered in {media or 'an unnamed format'}, "
                    "which ties does not read"
                )
            return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, rdf)]
        except (ValueError, SyntaxError, ET.ParseError) as exc:
            raise StoreError(
                f"the endpoint at {_origin(self.query_url)} sent results ties cannot read: "
                f"{' '.join(str(exc).split())[:200]}"
            ) from exc

    def _graphs(self) -> list[str]:
        """ties' graphs: every document with metadata (a graph without is not a document)."""
        rows = self.select(f"SELECT DISTINCT ?d WHERE {{ GRAPH {_META} {{ ?d {_FILE_NAME} ?name }} }}")
        return sorted(r["d"] for r in rows if isinstance(r["d"], str))

    def quads(self) -> Iterator[ox.Quad]:
        """The metadata graph, every document's graph, and the analyst's decisions (their records, and
        each decision's own graph, which the metadata names as it names a document's)."""
        graphs = self._graphs()
        if self._dataset_get is not False:
            try:
                response, fmt = self._open_dataset()
            except StoreError:
                if self._dataset_get:
                    raise
                self._dataset_get = False  # not offered here (Virtuoso): fetch graph by graph
            else:
                self._dataset_get = True
                wanted = {ox.NamedNode(g) for g in graphs} | {_META, _DECISIONS}
                try:
                    parsed = _guarded(ox.parse(typing.cast(IO[bytes], _ResponseReader(response)), fmt), self.store_url)
                    yield from (q for q in parsed if q.graph_name in wanted)
                finally:
                    response.close()
                return
        for g in [META_GRAPH, DECISIONS_GRAPH, *graphs]:
            node = ox.NamedNode(g)
            for t in self._graph_triples(g):
                yield ox.Quad(t.subject, t.predicate, t.object, node)

    def _open_dataset(self) -> tuple[httpx.Response, ox.RdfFormat]:
        """The whole dataset by the Graph Store Protocol, as a streamed response."""
        response = self._send(
            "GET",
            self.store_url,
            what="read the store",
            stream=True,
            headers={"Accept": "application/n-quads, application/trig;q=0.9"},
        )
        media = media_type(response.headers.get("content-type"))
        fmt = ox.RdfFormat.from_media_type(media) if media else None
        if fmt not in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
            response.close()
            raise StoreError(f"the endpoint at {_origin(self.store_url)} sent the dataset as {media or 'unnamed'}")
        return response, fmt

    def _graph_triples(self, graph: str) -> list[ox.Triple]:
        if self.store_url:
            response = self._send(
                "GET", self.store_url, what="read a graph", params={"graph": graph}, headers={"Accept": _RDF_ACCEPT}
            )
            media = media_type(response.headers.get("content-type"))
            fmt = (ox.RdfFormat.from_media_type(media) if media else None) or ox.RdfFormat.TURTLE
            try:
                return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(response.content, fmt)]
            except (ValueError, SyntaxError) as exc:
                raise StoreError(
                    f"the endpoint at {_origin(self.store_url)} sent a graph ties cannot read: {exc}"
                ) from exc
        return self.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?graph { ?s ?p ?o } }", {"graph": ox.NamedNode(graph)})

    def dump(self, out: IO[bytes], fmt: str) -> None:
        if fmt not in RDF_FORMATS:
            raise StoreError(f"unknown format {fmt!r}; use one of {', '.join(RDF_FORMATS)}")
        if fmt in ("nquads", "trig"):
            with _serialising(self.query_url):
                ox.serialize(self.quads(), out, RDF_FORMATS[fmt])
            return
        # Like the embedded store: a triples format holds the default graph alone.
        if not self.store_url:
            raise StoreError(
                f"the endpoint at {_origin(self.query_url)} has no Graph Store Protocol URL to read its default "
                "graph from; export trig or nquads"
            )
        response = self._send(
            "GET",
            self.store_url,
            what="read the default graph",
            params={"default": ""},
            headers={"Accept": _RDF_ACCEPT},
        )
        media = media_type(response.headers.get("content-type"))
        with _serialising(self.store_url):
            triples = ox.parse(response.content, ox.RdfFormat.from_media_type(media) or ox.RdfFormat.TURTLE)
            ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in triples), out, RDF_FORMATS[fmt])

    # --- writing -----------------------------------------------------------------------------------

    def update(self, sparql: str) -> None:
        self.lock()
        self._post_update(sparql)

    def add_documents(self, batch: list[tuple[str, list[ox.Quad], bool]], bulk: bool = False) -> None:
        """Each document: its graph replaced whole (Graph Store Protocol PUT, or
        DROP + INSERT DATA), then its metadata replaced in one update. A failure
        rolls back every document of the batch written so far."""
        self.lock()
        started: list[str] = []
        try:
            for graph_iri, quads, _replace in batch:
                started.append(graph_iri)
                self._write_document(graph_iri, quads)
        except TiesError as exc:
            left = self._roll_back(started)
            if not left:
                raise StoreError(f"{exc}; nothing of this batch was kept") from exc
            # Undoing went wrong too: every document before the one that failed is whole on the server.
            stored = started[:-1]
            raise PartialWriteError(
                f"{exc}; and undoing the batch failed too ({left}): the server keeps the {len(stored)} documents "
                "written before it and may keep one graph without metadata, which ties does not list; ingest the "
                "files again to complete them",
                stored,
            ) from exc

    def _write_document(self, graph_iri: str, quads: list[ox.Quad]) -> None:
        node = ox.NamedNode(graph_iri)
        own = [ox.Triple(q.subject, q.predicate, q.object) for q in quads if q.graph_name == node]
        rest = [q for q in quads if q.graph_name != node]
        if self.store_url:
            self._put_graph(graph_iri, own)
        else:
            self._post_update(f"DROP SILENT GRAPH {node}", what="replace a document's graph")
            for start in range(0, len(own), _INSERT_CHUNK):
                chunk = own[start : start + _INSERT_CHUNK]
                self._post_update(
                    f"INSERT DATA {{ GRAPH {node} {{ {_triples_text(chunk)} }} }}", what="write a document's graph"
                )
        # The metadata last, in one request: until it lands, the graph is not a document.
        by_graph: dict[str, list[ox.Triple]] = {}
        for q in rest:
            if isinstance(q.graph_name, ox.DefaultGraph):
                raise StoreError(f"a quad of {graph_iri} is in the default graph; ties writes named graphs only")
            by_graph.setdefault(str(q.graph_name), []).append(ox.Triple(q.subject, q.predicate, q.object))
        blocks = " ".join(f"GRAPH {g} {{ {_triples_text(ts)} }}" for g, ts in by_graph.items())
        self._post_update(
            f"DELETE WHERE {{ GRAPH {_META} {{ {node} ?p ?o }} }} ;\nINSERT DATA {{ {blocks} }}",
            what="write a document's metadata",
        )

    def _put_graph(self, graph_iri: str, triples: list[ox.Triple]) -> None:
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)  # N-Triples is Turtle too
        for attempt in range(2):
            try:
                self._send(
                    "PUT",
                    self.store_url,
                    what="write a document's graph",
                    params={"graph": graph_iri},
                    content=body,
                    headers={"Content-Type": self._graph_type},
                ).close()
                return
            except StoreError as exc:
                if attempt or self._graph_type == "text/turtle" or "HTTP 415" not in str(exc):
                    raise
                self._graph_type = "text/turtle"

    def _roll_back(self, graphs: list[str]) -> str | None:
        """Remove what was written for these documents; the error if that fails too."""
        if not graphs:
            return None
        try:
            self._post_update(_removal(graphs), what="roll back the batch")
        except TiesError as exc:
            return str(exc)
        return None

    def remove_graph(self, graph_iri: str) -> None:
        self.lock()
        self._post_update(_removal([graph_iri]), what="remove the document")

    def drop_incomplete(self) -> list[str]:
        # Under the write lock no other ingest is writing, so a graph without metadata is one an
        # interrupted ingest left: it goes, as on the embedded store.
        self.lock()
        return super().drop_incomplete()

    def close(self) -> None:
        self._release()
        self._client.close()


# --- the write lock's parts --------------------------------------------------------------------------

LOCK_GRAPH = "https://w3id.org/ties/graph/lock"
LEASE_S = 60.0  # a writer renews its lease every third of this; a writer that died is taken over after it
_LOCK_GRAPH = ox.NamedNode(LOCK_GRAPH)
_WRITER_LOCK = ox.NamedNode(TIES + "WriterLock")
_HOLDER = ox.NamedNode(TIES + "lockHolder")
_EXPIRES = ox.NamedNode(TIES + "lockExpires")
_XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")


@dataclass(frozen=True)
class _Marker:
    iri: str
    holder: str
    expires: datetime | None


class _WriteLock:
    """This store's marker, and the thread that renews its lease while the store holds it."""

    def __init__(self) -> None:
        self.marker = ox.NamedNode(f"urn:uuid:{uuid.uuid4()}")
        self.held = False
        self.lost: str | None = None  # why this store may no longer write, once another writer took over
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, store: RemoteStore) -> None:
        self.held = True
        self._thread = threading.Thread(target=self._renew_until_stopped, args=(store,), daemon=True)
        self._thread.start()

    def _renew_until_stopped(self, store: RemoteStore) -> None:
        client = store._new_client(min(store.timeout, LEASE_S / 3))
        try:
            while not self._stop.wait(LEASE_S / 3):
                try:
                    kept = store._renew(client)
                except TiesError:
                    continue  # the server did not answer: the next round tries again, and sees a lost lease
                if not kept:
                    self.lost = (
                        f"another writer took over the write lock on {store.location} (this one's lease of "
                        f"{LEASE_S:g} s ran out while the server could not be reached); nothing more was written: "
                        "run this again"
                    )
                    return
        finally:
            client.close()

    def stop(self) -> bool:
        """Stop renewing; True if the marker is this store's to remove."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        held, self.held = self.held and not self.lost, False
        return held


def _holder() -> str:
    return f"host {socket.gethostname()} pid {os.getpid()}"


def _lease_end() -> ox.Literal:
    end = datetime.now(UTC) + timedelta(seconds=LEASE_S)
    return ox.Literal(end.strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=_XSD_DATETIME)


def _lock_triples(marker: ox.NamedNode, holder: str, expires: ox.Literal) -> str:
    return f"{marker} a {_WRITER_LOCK} ; {_HOLDER} {ox.Literal(holder)} ; {_EXPIRES} {expires} ."


def _unlock(marker_iri: str, *, expired: bool = False) -> str:
    """Remove a marker; with ``expired``, only while its lease is still over (its writer may have
    come back and renewed it since it was read)."""
    node = ox.NamedNode(marker_iri)
    if not expired:
        return f"DELETE WHERE {{ GRAPH {_LOCK_GRAPH} {{ {node} ?p ?o }} }}"
    now = ox.Literal(datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=_XSD_DATETIME)
    return (
        f"DELETE {{ GRAPH {_LOCK_GRAPH} {{ {node} ?p ?o }} }} WHERE {{ GRAPH {_LOCK_GRAPH} {{ {node} ?p ?o ; "
        f"{_EXPIRES} ?e }} FILTER(?e < {now}) }}"
    )


def _instant(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _removal(graphs: list[str]) -> str:
    """Metadata first (the document goes), then its graph. DROP SILENT: Virtuoso
    fails a plain DROP of a graph it did not see created."""
    nodes = [ox.NamedNode(g) for g in graphs]
    return " ;\n".join(
        [f"DELETE WHERE {{ GRAPH {_META} {{ {n} ?p ?o }} }}" for n in nodes] + [f"DROP SILENT GRAPH {n}" for n in nodes]
    )


def _triples_text(triples: Iterable[ox.Triple]) -> str:
    # pyoxigraph's N-Triples of each triple: terms written by the serialiser, never pasted.
    return " ".join(f"{t} ." for t in triples)


def _origin(url: str | None) -> str:
    """URL as messages show it: no query string, and never a password."""
    parts = urlsplit(url or "")
    return redact(urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")))


def _user_position(line: str) -> str:
    """Oxigraph's "error at LINE:COLUMN": the column on the first line counted
    without the prologue ties put there."""

    def shift(m: re.Match) -> str:
        return f"{m.group(1)}1:{max(1, int(m.group(2)) - len(_PROLOGUE))}"

    return re.sub(r"(error at )1:(\d+)", shift, line, count=1)


def _first_line(text: str) -> str:
    for line in text.splitlines():
        line = re.sub(r"<[^>]+>", " ", line).strip()  # an HTML error page: its text
        if line:
            return " ".join(line.split())[:300]
    return ""


@contextmanager
def _serialising(url: str | None):
    try:
        yield
    except (ValueError, SyntaxError) as exc:
        raise StoreError(
            f"the endpoint at {_origin(url)} sent RDF ties cannot read: {' '.join(str(exc).split())[:200]}"
        ) from exc


def _optional(value: object) -> str | None:
    return None if value is None else str(value)


def _guarded(quads: Iterator[ox.Quad], url: str | None) -> Iterator[ox.Quad]:
    with _serialising(url):
        yield from quads


class _ResponseReader(io.RawIOBase):
    """A streamed HTTP body as a binary file, for pyoxigraph's parser."""

    def __init__(self, response: httpx.Response) -> None:
        self._chunks = response.iter_bytes()
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
            except httpx.HTTPError as exc:
                raise StoreError(f"the connection to the SPARQL endpoint broke while reading: {exc}") from exc
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


# --- results: JSON and XML to pyoxigraph terms ----------------------------------------------------


class _Row:
    """One solution, indexed like pyoxigraph's QuerySolution: by variable name,
    Variable or position; an unbound or unknown variable is None."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: list) -> None:
        self._index, self._values = index, values

    def __getitem__(self, key):
        if isinstance(key, int):
            return self._values[key]
        name = key.value if isinstance(key, ox.Variable) else str(key)
        i = self._index.get(name)
        return None if i is None else self._values[i]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return "<Row " + " ".join(f"{n}={self._values[i]}" for n, i in self._index.items()) + ">"


def _parsed_results(body: bytes, fmt: ox.QueryResultsFormat, shim: Callable[[], Solutions | bool]) -> Solutions | bool:
    """SELECT or ASK results, read by pyoxigraph's own parser; what it rejects goes to our SHIM,
    which reads what Virtuoso sends beyond the standard ("typed-literal", "nodeID://" blank nodes)."""
    try:
        result = ox.parse_query_results(body, fmt)
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        return Solutions(list(result.variables), list(result))
    except (ValueError, SyntaxError):
        return shim()


def _solutions(names: list[str], rows: Iterable[dict[str, Term]]) -> Solutions:
    index = {n: i for i, n in enumerate(names)}
    return Solutions([ox.Variable(n) for n in names], [_Row(index, [r.get(n) for n in names]) for r in rows])


def _solutions_from_json(data: dict):
    if "boolean" in data:
        return bool(data["boolean"])
    try:
        names = list(data["head"].get("vars", []))
        bindings = data["results"]["bindings"]
    except (KeyError, TypeError, AttributeError) as exc:
        raise StoreError("the endpoint sent JSON that is not SPARQL results") from exc
    return _solutions(names, ({k: term_from_json(v) for k, v in b.items()} for b in bindings))


def term_from_json(value: dict) -> Term:
    """A term of SPARQL 1.1 JSON results (and Virtuoso's ``typed-literal``) as pyoxigraph's.
    Raises StoreError on a kind it does not know."""
    kind = value.get("type")
    if kind == "uri":
        return ox.NamedNode(value["value"])
    if kind in ("literal", "typed-literal"):
        return _literal(value["value"], value.get("datatype"), value.get("xml:lang"), value.get("its:dir"))
    if kind == "bnode":
        return _blank(value["value"])
    if kind == "triple":
        t = value["value"]
        return _triple(term_from_json(t["subject"]), term_from_json(t["predicate"]), term_from_json(t["object"]))
    raise StoreError(f"the endpoint sent a term of unknown kind {kind!r}; ties reads uri, literal, bnode and triple")


def _triple(subject: Term, predicate: Term, obj: Term) -> ox.Triple:
    if isinstance(subject, ox.Literal) or not isinstance(predicate, ox.NamedNode):
        raise StoreError("the endpoint sent a quoted triple with a literal subject or a non-IRI predicate")
    return ox.Triple(subject, predicate, obj)


def _literal(text: str, datatype: str | None, lang: str | None, direction: str | None = None) -> ox.Literal:
    if lang:
        if direction:
            return ox.Literal(text, language=lang, direction=ox.BaseDirection(direction))
        return ox.Literal(text, language=lang)
    if datatype and datatype not in (XSD_STRING, _RDF_LANG_STRING):
        return ox.Literal(text, datatype=ox.NamedNode(datatype))
    return ox.Literal(text)


def _blank(label: str) -> ox.BlankNode:
    try:
        return ox.BlankNode(label)
    except ValueError:  # Virtuoso's "nodeID://b10001": the same label, the same node
        return ox.BlankNode("b" + hashlib.sha1(label.encode()).hexdigest()[:24])


def _solutions_from_xml(body: bytes):
    root = ET.fromstring(body)
    boolean = root.find(f"{_SPARQL_NS}boolean")
    if boolean is not None:
        return (boolean.text or "").strip() == "true"
    names = [v.get("name", "") for v in root.iter(f"{_SPARQL_NS}variable")]
    rows = []
    for result in root.iter(f"{_SPARQL_NS}result"):
        rows.append({b.get("name", ""): _term_from_xml(b[0]) for b in result.findall(f"{_SPARQL_NS}binding")})
    return _solutions(names, rows)


def _term_from_xml(element: ET.Element) -> Term:
    tag = element.tag.removeprefix(_SPARQL_NS)
    if tag == "uri":
        return ox.NamedNode(element.text or "")
    if tag == "literal":
        return _literal(element.text or "", element.get("datatype"), element.get(_XML_LANG))
    if tag == "bnode":
        return _blank(element.text or "")
    if tag == "triple":
        parts = {p.tag.removeprefix(_SPARQL_NS): _term_from_xml(p[0]) for p in element}
        return _triple(parts["subject"], parts["predicate"], parts["object"])
    raise StoreError(f"the endpoint sent a term of unknown kind {tag!r}; ties reads uri, literal, bnode and triple")


# --- bindings as VALUES ----------------------------------------------------------------------------

_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_WORD = re.compile(r"[A-Za-z_][\w\-.]*(?::[\w\-.:%\\]*)?|:[\w\-.:%\\]*|[?$]\w+")
_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


def _tokens(text: str) -> Iterator[tuple[int, str]]:
    """(position, token) of the significant tokens of SPARQL text: words, IRIs,
    strings and single characters; comments and whitespace skipped."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            yield i, text[i : j + len(quote)]
            i = j + len(quote)
        elif c == "<" and (m := _IRI.match(text, i)):
            yield i, m.group()
            i = m.end()
        elif m := _WORD.match(text, i):
            yield i, m.group()
            i = m.end()
        else:
            yield i, c
            i += 1


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the query's form; None when the text
    is not a query (an update, or not SPARQL)."""
    for _, token in _tokens(text):
        upper = token.upper()
        if upper in ("PREFIX", "BASE") or token.endswith(":") or token.startswith("<"):
            continue
        return upper if upper in _FORMS else None
    return None


def _where_brace(text: str) -> int | None:
    """The position just inside the brace that opens the query's WHERE group,
    or None where a VALUES block cannot go first there (a CONSTRUCT WHERE
    short form, a DESCRIBE without WHERE, a group that is one sub-SELECT)."""
    tokens = list(_tokens(text))
    form = None
    k = 0
    for k, (_, token) in enumerate(tokens):  # noqa: B007 (k is read after the loop)
        if token.upper() in _FORMS:
            form = token.upper()
            break
    if form is None:
        return None
    k += 1
    if form == "CONSTRUCT":
        if k >= len(tokens) or tokens[k][1] != "{":
            return None  # CONSTRUCT WHERE { ... }: the template is the pattern
        depth = 0
        for k in range(k, len(tokens)):  # noqa: B020 (the scan goes on from where it stands)
            depth += {"{": 1, "}": -1}.get(tokens[k][1], 0)
            if depth == 0:
                break
        k += 1
    parens = 0
    for j in range(k, len(tokens)):
        token = tokens[j][1]
        if token == "(":
            parens += 1
        elif token == ")":
            parens -= 1
        elif token == "{" and parens == 0:
            if j + 1 < len(tokens) and tokens[j + 1][1].upper() == "SELECT":
                return None
            return tokens[j][0] + 1
    return None


def with_values(sparql: str, bindings: Mapping[str, Term]) -> str:
    """SPARQL with BINDINGS as a VALUES block: first in the WHERE group (like
    pyoxigraph's substitutions), or after the query where that cannot be. Each
    term is written by pyoxigraph's serialiser; variable names are checked."""
    names, terms = [], []
    for name, term in bindings.items():
        try:
            names.append(str(ox.Variable(name)))
        except ValueError as exc:
            raise QueryError(f"{name!r} is not a SPARQL variable name") from exc
        if not isinstance(term, (ox.NamedNode, ox.Literal)):
            raise QueryError(f"?{name} can be bound to an IRI or a literal, not {type(term).__name__}")
        terms.append(str(term))
    block = f" VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }} "
    at = _where_brace(sparql)
    if at is None:
        return sparql + "\n" + block
    return sparql[:at] + block + sparql[at:]
