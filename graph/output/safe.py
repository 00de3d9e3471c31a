"""Names and titles come from documents anyone may have written: these make
such text safe where it is written out, as data and never as instructions to
the program that reads it (a spreadsheet, an XML parser, a terminal)."""

from __future__ import annotations

import re

__all__ = ["csv_cell", "xml_text", "printable", "escape_c1"]

# A spreadsheet reads a cell starting with one of these as a formula (OWASP's list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What XML 1.0 cannot carry, not even as a character reference: C0 controls but
# tab, newline and carriage return; lone surrogates; U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# C0 and C1 controls and DEL: a terminal acts on them (escape sequences, bells, backspaces).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_LINES = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_C1 = re.compile("[\x7f-\x9f]")


def csv_cell(value: object) -> object:
    """A CSV cell that a spreadsheet shows as text: text starting like a
    formula gets a leading single quote. Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def xml_text(text: str) -> str:
    """TEXT without the characters XML 1.0 forbids, so every parser reads it back."""
    return _NOT_XML.sub("", text)


def printable(text: str, lines: bool = False) -> str:
    """TEXT without control characters, for a terminal; with LINES, newlines stay."""
    return (_CONTROL_IN_LINES if lines else _CONTROL).sub("", text)


def escape_c1(text: str) -> str:
    """JSON or N-Triples text with DEL and C1 controls written as \\u escapes,
    which both formats read back as the same character; C0 controls are
    escaped already by their writers."""
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
