"""SPARQL as the user writes it: a query (or, when allowed, an update) run on the store, with an
optional time limit, and its answer as a ``SparqlResult``."""

from __future__ import annotations

import multiprocessing

from graph.errors import QueryError, TiesError, UpdateRefusedError
from graph.rdf.terms import to_python
from graph.store import OxigraphStore, Store, open_store

__all__ = ["SparqlResult", "run_sparql", "is_update"]


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


def run_sparql(store: Store, query: str, *, allow_update: bool = False, timeout: float | None = None) -> SparqlResult:
    """Run a query (an update only with ``allow_update``). With ``timeout``, a
    query on the embedded store opened for reading runs in a child process that
    is stopped when time is up: pyoxigraph cannot interrupt a query running in
    this one."""
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
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child_query, args=(location, query, send), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(timeout):
            raise QueryError(
                f"the query ran over {timeout:g} s and was stopped; narrow it (LIMIT, more specific "
                "patterns) or raise --timeout"
            )
        outcome = receive.recv()
    finally:
        child.kill()
        child.join()
    if isinstance(outcome, TiesError):
        raise outcome
    return outcome


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
    except (ParseException, ValueError, TypeError):
        return False
    return True
