"""Provenance, in one place: what every node a document asserts (a tie's evidence, a figure, a
date) carries to say where it comes from: the sentence and its offsets into the document's text,
the method that found it, how sure that method is, and the document graph it derives from."""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox

from graph.rdf.terms import literal
from graph.vocab import PROV, TIES

__all__ = ["provenance_quads"]

_SENTENCE, _START, _END = (ox.NamedNode(TIES + p) for p in ("sentence", "start", "end"))
_METHOD, _CONFIDENCE = ox.NamedNode(TIES + "method"), ox.NamedNode(TIES + "confidence")
_DERIVED = ox.NamedNode(PROV + "wasDerivedFrom")


def provenance_quads(
    node: ox.NamedNode,
    graph: ox.NamedNode,
    sentence: str,
    start: int,
    end: int,
    method: str,
    confidence: ox.Literal,
    lit: Callable[[object], ox.Literal] = literal,
) -> list[ox.Quad]:
    """NODE's provenance in GRAPH. LIT makes the literals (ingest passes one that shares the literals a
    document repeats); CONFIDENCE comes made, as ties and figures write theirs each its own way."""
    facts: list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (_SENTENCE, lit(sentence)),
        (_START, lit(start)),
        (_END, lit(end)),
        (_METHOD, lit(method)),
        (_CONFIDENCE, confidence),
        (_DERIVED, graph),
    ]
    return [ox.Quad(node, p, o, graph) for p, o in facts]
