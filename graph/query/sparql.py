"""SPARQL as the user writes it: a query (or, when allowed, an update) run on the store, with an
optional time limit, and its answer as a ``SparqlResult``.

Also the checks made on a query's text before any parser sees it (nesting depth, SERVICE, LOAD
targets), and the child process that runs a query under a time limit: ``ties sparql --timeout``
and ``ties serve`` use both."""

from __future__ import annotations

import ipaddress
import multiprocessing
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from graph.errors import QueryError, TiesError, UpdateRefusedError
from graph.model import to_pandas
from graph.rdf.terms import to_python
from graph.store import OxigraphStore, Store, open_store

__all__ = [
    "SparqlResult",
    "run_sparql",
    "is_update",
    "MAX_NESTING",
    "check_nesting",
    "refuse_service",
    "refuse_private_load",
    "looks_like_update",
    "run_in_child",
    "QueryLimitError",
    "QueryTimeoutError",
    "QueryCancelledError",
]

# pyoxigraph's parser recurses once per level and overflows the stack (killing the process) at
# about 2,500 nested braces; no sensible query comes near this.
MAX_NESTING = 200


class QueryLimitError(QueryError):
    """The query went past a limit set by whoever runs it (time, rows, bytes)."""


class QueryTimeoutError(QueryLimitError):
    """The query ran over its time limit and was stopped."""


class QueryCancelledError(QueryError):
    """The query was stopped because nobody waits for its answer any more."""


class SparqlResult:
    """A query's answer: rows for SELECT, a boolean for ASK, triples for
    CONSTRUCT and DESCRIBE."""

    def __init__(
        self,
        kind: str,
        variables: list[str] | None = None,
        rows: list[dict] | None = None,
        boolean: bool | None = None,
        triples: list | None = None,
    ) -> None:
        self.kind, self.variables, self.rows, self.boolean, self.triples = kind, variables, rows, boolean, triples

    def to_pandas(self) -> Any:
        """A SELECT's rows as a DataFrame, one column a variable (pandas, an optional extra)."""
        if self.kind != "select":
            raise TiesError(f"only a SELECT's answer is a table; this {self.kind.upper()} query's is not")
        frame = to_pandas(self.rows or [])
        return frame.reindex(columns=self.variables or [])


def run_sparql(store: Store, query: str, *, allow_update: bool = False, timeout: float | None = None) -> SparqlResult:
    """Run a query (an update only with ``allow_update``). With ``timeout``, a
    query on the embedded store opened for reading runs in a child process that
    is stopped when time is up: pyoxigraph cannot interrupt a query running in
    this one."""
    check_nesting(query)
    if timeout is not None and isinstance(store, OxigraphStore) and not store.writable:
        return _run_with_timeout(store.location, query, timeout)
    try:
        result = store.query(query)
    except QueryError as exc:
        if not is_update(query):
            raise
        if not allow_update:
            raise UpdateRefusedError("this is a SPARQL update; ties runs updates only with --update") from exc
        store.update(query)
        return SparqlResult("update")
    if isinstance(result, bool):
        return SparqlResult("ask", boolean=result)
    if isinstance(result, list):
        return SparqlResult("graph", triples=result)
    variables = [v.value for v in result.variables]
    rows = [{n: to_python(row[n]) for n in variables} for row in result]
    return SparqlResult("select", variables=variables, rows=rows)


def _run_with_timeout(location: str, query: str, timeout: float) -> SparqlResult:
    return run_in_child(_child_query, (location, query), timeout, hint="raise --timeout")


def run_in_child(
    target: Callable[..., None],
    args: tuple,
    timeout: float,
    *,
    stop: Callable[[], bool] | None = None,
    method: str = "spawn",
    hint: str = "raise the time limit",
) -> Any:
    """Run ``target(*args, send)`` in a child process, which sends back one answer; return it
    (raise it when it is a TiesError). The child is killed when ``timeout`` seconds have passed
    or ``stop()`` says so, and in any case once the answer is in: whatever it held (a read view
    of the store, memory) goes with it."""
    ctx = multiprocessing.get_context("forkserver") if method == "forkserver" else multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child_main, args=(target, *args, send), daemon=True)
    child.start()
    send.close()
    deadline = time.monotonic() + timeout
    try:
        while not receive.poll(max(0.0, min(deadline - time.monotonic(), 0.2))):
            if time.monotonic() >= deadline:
                raise QueryTimeoutError(
                    f"the query ran over {timeout:g} s and was stopped; narrow it (LIMIT, more specific "
                    f"patterns) or {hint}"
                )
            if stop is not None and stop():
                raise QueryCancelledError("the query was stopped: its client went away")
        try:
            outcome = receive.recv()
        except EOFError:
            child.join(1.0)
            raise QueryError(f"the query stopped the process running it (exit code {child.exitcode})") from None
    finally:
        receive.close()
        child.kill()
        child.join()
    if isinstance(outcome, TiesError):
        raise outcome
    return outcome


def _child_main(target: Callable[..., None], *args) -> None:
    """Run TARGET in the child, which ends when the process that made it ends: a query whose
    server was killed does not run on alone (pyoxigraph lets go of the GIL while it runs, so the
    watching thread is not held up)."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_end_with, args=(parent,), daemon=True).start()
    target(*args)


def _end_with(parent) -> None:
    parent.join()
    os._exit(1)


def _child_query(location: str, query: str, send) -> None:
    try:
        with open_store(location) as store:
            result = run_sparql(store, query)
        if result.triples is not None:
            result.triples = [str(t) for t in result.triples]  # terms do not cross processes; their text does
        send.send(result)
    except TiesError as exc:
        send.send(exc)


def is_update(query: str) -> bool:
    """Does the text parse as a SPARQL update? (rdflib's parser only parses.)"""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(query)
    except (ParseException, ValueError, TypeError, RecursionError):
        return False
    return True


# --- checks on the text, before parsing ------------------------------------------------------------

# What can hide a bracket or a keyword: comments, strings (long and short) and IRIs. A '<' that
# opens no IRI is an operator. Then the tokens that matter: brackets and bare words (a prefixed
# name or a variable is one token, so 'ex:service' and '?service' are not the keyword).
_TOKENS = re.compile(
    r"""(?P<skip>\#[^\n]*
        |'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
        |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
      |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      |(?P<open>[{(\[])|(?P<close>[})\]])
      |(?P<word>[?$]?[^\W\d][\w.-]*(?::[\w.:%-]*)?|:[\w.:%-]*)""",
    re.VERBOSE | re.DOTALL,
)


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup
        if kind != "skip":
            yield kind or "", match.group()


def check_nesting(text: str, limit: int = MAX_NESTING) -> None:
    """Refuse a query nesting brackets deeper than ``limit``, before the parser overflows its stack."""
    if sum(text.count(c) for c in "{([") <= limit:
        return
    depth = 0
    for kind, _ in _tokens(text):
        if kind == "open":
            depth += 1
            if depth > limit:
                raise QueryError(
                    f"the query nests {{ ( [ more than {limit} levels deep, which ties refuses "
                    "(the SPARQL parser would run out of stack); flatten it"
                )
        elif kind == "close":
            depth = max(0, depth - 1)


_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}


def looks_like_update(text: str) -> bool:
    """Does the text, after its prologue, open with an update's keyword? (The cheap test, for
    advice on a query that failed: no parser runs on what may be megabytes of text.)"""
    tokens = _tokens(text)
    for kind, value in tokens:
        word = value.upper() if kind == "word" else ""
        if word == "PREFIX":
            next(tokens, None)  # the prefix name; its IRI is skipped as a non-word below
        elif word != "BASE" and kind != "iri":
            return word in _UPDATE_WORDS
    return False


def refuse_service(text: str, flag: str = "--allow-service") -> None:
    """Refuse a query or update with a SERVICE clause: it makes the server fetch a URL."""
    if "service" not in text.lower():
        return
    if any(kind == "word" and value.upper() == "SERVICE" for kind, value in _tokens(text)):
        raise QueryError(f"SERVICE (querying another endpoint) is refused here; start the server with {flag}")


def refuse_private_load(text: str, flag: str = "--allow-service") -> None:
    """Refuse an update that LOADs from this machine or a private network (or from an
    address not written out in full): the server would fetch it on the caller's behalf."""
    if "load" not in text.lower():
        return
    tokens = list(_tokens(text))
    for i, (kind, value) in enumerate(tokens):
        if kind != "word" or value.upper() != "LOAD":
            continue
        rest = [t for t in tokens[i + 1 : i + 3] if t[1].upper() != "SILENT"]
        source = rest[0][1][1:-1] if rest and rest[0][0] == "iri" else None
        problem = _private_source(source)
        if problem:
            raise QueryError(f"LOAD {problem} is refused; start the server with {flag} to allow it")


def _private_source(source: str | None) -> str | None:
    if source is None:
        return "from anything but a full <http://...> IRI"
    url = urlsplit(source)
    if url.scheme.lower() not in ("http", "https") or not url.hostname:
        return f"from <{source}>"
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(url.hostname, None)}
    except (OSError, UnicodeError):
        return f"from {url.hostname}, which does not resolve,"
    if not all(ipaddress.ip_address(a.split("%")[0]).is_global for a in addresses):
        return f"from {url.hostname}, on this machine or a private network,"
    return None
