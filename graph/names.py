"""Normalising names: the keys lookups match on, the tokens the matcher walks,
and the IRI-safe form of a canonical label."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import quote

__all__ = ["fold", "match_key", "tokens", "iri_slug", "strip_format", "Token", "FORMAT_CHARACTERS"]

# Unicode's format characters (category Cf, Unicode 14 as in Python 3.11):
# zero-width joiner and non-joiner, zero-width space, soft hyphen, byte order
# mark, bidirectional marks and the like. They do not show, so a name with one
# prints like the name without it and must match it. Written out because
# finding them in unicodedata takes a fifth of a second at every start;
# tests/test_names.py checks the list against unicodedata.
FORMAT_CHARACTERS = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_FORMAT = re.compile(f"[{FORMAT_CHARACTERS}]+")

# Dotless and dotted i do not decompose under NFKD; map them first so that
# "İstanbul" and "Istanbul" fold alike.
_TURKISH_I = str.maketrans({"ı": "i", "İ": "I"})
# Letters and digits runs; a boundary between a letter and a digit also splits
# ("APR1400" and "APR-1400" both give "apr 1400").
_TOKEN = re.compile(r"[^\W\d_]+|\d+")
# The same inside a document, where a format character inside a word ("Aero\u200bspace") is part of it.
_WORD = re.compile(f"[^\\W_]+(?:[{FORMAT_CHARACTERS}]+[^\\W_]+)*")
_PART = re.compile(f"[^\\W\\d_]+(?:[{FORMAT_CHARACTERS}]+[^\\W\\d_]+)*|\\d+(?:[{FORMAT_CHARACTERS}]+\\d+)*")


_DOTTED = re.compile(r"(?<!\w)(?:[^\W\d_]\.){2,}")


@lru_cache(maxsize=262144)
def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a name; dotted
    initials close up ("U.S." folds like "US"); format characters go."""
    text = strip_format(text)
    text = _DOTTED.sub(lambda m: m.group().replace(".", "") + " ", text)
    # Case-fold before decomposing: some letters fold to two ("ᾀ" to "ἀι").
    text = unicodedata.normalize("NFKD", text.translate(_TURKISH_I).casefold()).translate(_TURKISH_I)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(_TOKEN.findall(text))


def strip_format(text: str) -> str:
    """TEXT without Unicode format characters (see FORMAT_CHARACTERS)."""
    return _FORMAT.sub("", text)


def match_key(text: str) -> str:
    """The key a user's NAME and an entity's labels are compared on: folded,
    without a leading article."""
    words = fold(text).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


class Token(tuple):
    """A token of a document: (folded text, start, end) into the original text."""

    __slots__ = ()

    @property
    def key(self) -> str:
        return self[0]

    @property
    def start(self) -> int:
        return self[1]

    @property
    def end(self) -> int:
        return self[2]


def tokens(text: str) -> list[Token]:
    """Tokens of ``text`` with offsets into it, each folded like ``fold``.

    Folding happens per token, so a character that folds to two ("İ") never
    shifts an offset."""
    out = []
    for m in _WORD.finditer(text):
        for part in _PART.finditer(m.group()):
            folded = fold(part.group())
            if folded:
                out.append(Token((folded, m.start() + part.start(), m.start() + part.end())))
    return out


def iri_slug(label: str) -> str:
    """The label as an IRI path segment: case and letters kept, spaces as
    underscores, everything IRI-unsafe percent-encoded."""
    text = unicodedata.normalize("NFC", " ".join(strip_format(label).split())).replace(" ", "_")
    return quote(text, safe="_-.~")
