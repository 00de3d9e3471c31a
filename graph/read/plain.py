"""Plain text and Markdown: the header lines ("Title: ...", "By: ...", "Date: ...") and the
first line or heading that a document states about itself."""

from __future__ import annotations

import re

from graph.read.markup import mask_markup

__all__ = ["plain_meta", "markdown_meta"]

_HEADER_LINE = re.compile(r"^\s*(title|author|by|date|published|source|url)\s*:\s*(.+?)\s*$", re.I | re.M)
_KEYS = {
    "title": "title",
    "author": "author",
    "by": "author",
    "date": "date",
    "published": "date",
    "source": "source_url",
    "url": "source_url",
}


def _header_fields(text: str) -> dict[str, str | None]:
    head = text[:2000]
    meta: dict[str, str | None] = {}
    for m in _HEADER_LINE.finditer(head):
        meta.setdefault(_KEYS[m.group(1).lower()], m.group(2))
    return meta


def plain_meta(text: str) -> dict[str, str | None]:
    meta = _header_fields(text)
    if "title" not in meta:
        for line in text.splitlines():
            line = line.strip()
            if line:
                if len(line) <= 150 and not line.endswith((".", "?", "!")):
                    meta["title"] = line
                break
    return meta


def markdown_meta(text: str) -> dict[str, str | None]:
    meta = _header_fields(text)
    heading = re.search(r"^#\s+(.+?)\s*#*\s*$", text, re.M)
    if heading and "title" not in meta:
        meta["title"] = " ".join(mask_markup(heading.group(1)).split())
    return meta or plain_meta(text)
