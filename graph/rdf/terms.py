"""Conversion between Python values and pyoxigraph terms, in one place.

Raises TypeError on a value it does not know rather than guessing a string."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pyoxigraph as ox

from graph.vocab import XSD, XSD_STRING

__all__ = ["Term", "iri", "literal", "to_python"]

# What pyoxigraph takes as an object of a quad (it declares no name for it).
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

_XSD_STRING = ox.NamedNode(XSD_STRING)
_XSD_INTEGER = ox.NamedNode(XSD + "integer")
_XSD_DECIMAL = ox.NamedNode(XSD + "decimal")
_XSD_BOOLEAN = ox.NamedNode(XSD + "boolean")
_XSD_DATETIME = ox.NamedNode(XSD + "dateTime")
_XSD_DATE = ox.NamedNode(XSD + "date")
_XSD_ANYURI = ox.NamedNode(XSD + "anyURI")


def iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def literal(value: object, *, uri: bool = False) -> ox.Literal:
    if uri:
        return ox.Literal(str(value), datatype=_XSD_ANYURI)
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=_XSD_BOOLEAN)
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=_XSD_INTEGER)
    if isinstance(value, (Decimal, float)):
        return ox.Literal(_decimal_text(Decimal(str(value))), datatype=_XSD_DECIMAL)
    if isinstance(value, datetime):
        return ox.Literal(value.isoformat(), datatype=_XSD_DATETIME)
    if isinstance(value, date):
        return ox.Literal(value.isoformat(), datatype=_XSD_DATE)
    if isinstance(value, str):
        return ox.Literal(value)
    raise TypeError(f"no RDF literal form for {type(value).__name__}")


def _decimal_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if "." in text else text + ".0"


def to_python(term: object) -> object:
    """A query result term as a plain Python value (IRIs as strings)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype else None
        if dt == _XSD_INTEGER.value:
            return int(term.value)
        if dt == _XSD_DECIMAL.value:
            return float(term.value)
        if dt == _XSD_BOOLEAN.value:
            return term.value == "true"
        return term.value
    raise TypeError(f"no Python form for {type(term).__name__}")
