"""The explorer's JSON endpoints under /api/: which parameters each takes, and its answer as
bytes with an HTTP status, made in the query process under the server's Limits.

Each endpoint is one function of graph.serve.explorer, given the parameters by name; a missing,
repeated, empty or overlong parameter is refused before the store is opened. An answer is JSON:
``{"error": ..., ...}`` with a 4xx status for a name that matches nothing or several things, the
data otherwise, its lists cut at the row cap (``"truncated"`` says which, and from how many)."""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable
from typing import Any

from graph.errors import AmbiguousNameError, DocumentNotFoundError, StoreError, TiesError, UnknownNameError
from graph.serve import explorer
from graph.store import Store, open_store, redact

__all__ = ["ENDPOINTS", "MAX_PARAMETER", "BadParameter", "arguments", "answer", "answer_in_child"]

MAX_PARAMETER = 1000  # characters in one parameter: longer than any name, shorter than any attack needs

ENDPOINTS: dict[str, tuple[Callable[..., Any], tuple[str, ...], str]] = {
    "search": (explorer.suggest, ("q",), "/api/search?q=TEXT"),
    "entity": (explorer.neighbourhood, ("name",), "/api/entity?name=NAME (a name, an alias or an entity IRI)"),
    "tie": (explorer.tie, ("a", "b"), "/api/tie?a=NAME&b=NAME"),
    "document": (explorer.document, ("name",), "/api/document?name=FILE (as `ties documents` lists it)"),
    "pair": (explorer.pair, ("a", "b"), "/api/pair?a=NAME&b=NAME"),
}


class BadParameter(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def arguments(endpoint: str, params: dict[str, list[str]]) -> tuple[str, ...]:
    """The values of ENDPOINT's parameters, in its order; BadParameter says what is wrong."""
    if endpoint not in ENDPOINTS:
        known = ", ".join(f"/api/{name}" for name in ENDPOINTS)
        raise BadParameter(404, f"no such endpoint: /api/{endpoint}; the explorer's are {known}")
    _, names, usage = ENDPOINTS[endpoint]
    unknown = sorted(set(params) - set(names))
    if unknown:
        raise BadParameter(400, f"unknown parameter {unknown[0]!r}; use {usage}")
    values = []
    for name in names:
        given = params.get(name, [])
        if len(given) != 1 or not given[0].strip():
            raise BadParameter(400, f"give one non-empty {name}= parameter: {usage}")
        if len(given[0]) > MAX_PARAMETER:
            raise BadParameter(400, f"{name}= is over {MAX_PARAMETER} characters; no name is that long")
        values.append(given[0].strip())
    return tuple(values)


def answer(store: Store, endpoint: str, args: tuple[str, ...], max_rows: int, max_bytes: int) -> tuple[int, bytes]:
    """(HTTP status, JSON body) of ENDPOINT on ARGS; never raises for a library error."""
    try:
        data = ENDPOINTS[endpoint][0](store, *args)
    except UnknownNameError as exc:
        return _error(404, str(exc), suggestions=exc.suggestions)
    except AmbiguousNameError as exc:
        return _error(409, str(exc), candidates=[{"label": label, "type": kind} for label, kind in exc.candidates])
    except DocumentNotFoundError as exc:
        return _error(404, str(exc))
    except StoreError as exc:
        return _error(503, str(exc))
    except TiesError as exc:
        return _error(400, str(exc))
    body = json.dumps(_capped(data, max_rows), ensure_ascii=False).encode()
    if len(body) > max_bytes:
        return _error(
            413,
            f"the answer is over {max_bytes / 1024 / 1024:g} MB, the most this server sends; "
            "look at a narrower entity, or start the server with a larger --max-mb",
        )
    return 200, body


def _capped(data: Any, max_rows: int) -> Any:
    """DATA with each of its lists (at the top, or one level down in a dict) cut to MAX_ROWS items."""
    if isinstance(data, list):
        return data[:max_rows]
    cut = {k: len(v) for k, v in data.items() if isinstance(v, list) and len(v) > max_rows}
    if not cut:
        return data
    return {**{k: v[:max_rows] if k in cut else v for k, v in data.items()}, "truncated": cut}


def _error(status: int, message: str, **extra: Any) -> tuple[int, bytes]:
    return status, json.dumps({"error": redact(message), **extra}, ensure_ascii=False).encode()


def answer_in_child(location: str, endpoint: str, args: tuple[str, ...], max_rows: int, max_bytes: int, send) -> None:
    """``answer`` in the query process, on the store at LOCATION; sends (status, body) back."""
    try:
        with open_store(location) as store:
            outcome = answer(store, endpoint, args, max_rows, max_bytes)
    except TiesError as exc:
        outcome = _error(503, str(exc))
    except Exception:  # a bug: the traceback goes to the server's log, the client gets a 500
        traceback.print_exc()
        outcome = _error(500, "internal error in ties; the traceback is in the server's log")
    send.send(outcome)
