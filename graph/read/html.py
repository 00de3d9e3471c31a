"""HTML and saved web pages (.mhtml): the article a person reads, not the page around it.

A news page is read with trafilatura (main text without menus, cookie banners, related links
and footers; title, author, date, canonical URL and site name from meta tags and JSON-LD).
A page without article structure (a report saved as HTML, a table) keeps every block of its
body: when the article extractor returns little of it, the plain parser below gives the text."""

from __future__ import annotations

import email
import email.policy
import re
from html.parser import HTMLParser
from pathlib import Path

from graph.errors import DocumentDecodeError

__all__ = ["html_document", "mhtml_html"]

# The article extractor's text must keep at least this share of the page's body text to be
# preferred; less means it took a part of a page that has no single article (see module doc).
ARTICLE_SHARE = 0.45

_SKIP = {"script", "style", "noscript", "template", "nav", "footer", "header", "aside", "form", "svg", "button"}
_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "td",
    "th",
    "table",
    "section",
    "article",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "figcaption",
    "main",
    "hr",
    "title",
}


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.in_title = False
        self.meta: dict[str, str | None] = {}
        self._title: list[str] = []
        self._h1: list[str] = []
        self._in_h1 = False
        self.headings: set[str] = set()  # the text of every h1-h6, as the result's lines have it
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag in _SKIP:
            self.skip_depth += 1
        elif tag == "title":
            self.in_title = True
        elif tag == "h1":
            self._in_h1 = True
        elif tag == "meta":
            self._meta(a)
        elif tag == "link" and "canonical" in a.get("rel", "").lower():
            self.meta.setdefault("source_url", a.get("href"))
        elif tag == "time" and a.get("datetime"):
            self.meta.setdefault("date", a["datetime"])
        if tag in _HEADINGS:
            self._heading = []
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            return
        self.handle_starttag(tag, attrs)
        if tag in _SKIP:
            self.skip_depth -= 1

    def _meta(self, a: dict[str, str]) -> None:
        name = (a.get("name") or a.get("property") or "").lower()
        content = a.get("content", "").strip()
        if not content:
            return
        if name in ("author", "article:author", "dc.creator"):
            self.meta.setdefault("author", content)
        elif name in ("date", "article:published_time", "dc.date", "pubdate", "publication_date"):
            self.meta.setdefault("date", content)
        elif name in ("og:title", "dc.title"):
            self.meta.setdefault("title", content)
        elif name == "og:url":
            self.meta.setdefault("source_url", content)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and self.skip_depth:
            self.skip_depth -= 1
        elif tag == "title":
            self.in_title = False
        elif tag == "h1":
            self._in_h1 = False
        if tag in _HEADINGS and self._heading is not None:
            self.headings.add(" ".join("".join(self._heading).split()))
            self._heading = None
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self._title.append(data)
            return
        if self.skip_depth:
            return
        if self._in_h1:
            self._h1.append(data)
        if self._heading is not None:
            self._heading.append(data)
        self.parts.append(data)

    def result(self) -> tuple[str, dict[str, str | None]]:
        raw = "".join(self.parts)
        lines = [" ".join(line.split()) for line in raw.split("\n")]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
        title = " ".join("".join(self._title).split()) or " ".join("".join(self._h1).split())
        if title:
            self.meta.setdefault("title", title)
        return text, self.meta


def _html(raw: str) -> tuple[str, dict[str, str | None]]:
    parser = _HtmlText()
    parser.feed(raw)
    parser.close()
    return parser.result()


_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def _plain_html(raw: str) -> tuple[str, dict[str, str | None], set[str]]:
    parser = _HtmlText()
    parser.feed(raw)
    parser.close()
    return (*parser.result(), parser.headings)


def html_document(raw: str) -> tuple[str, dict[str, str | None]]:
    """The text of an HTML page and the metadata it states: the article when the page has one
    (see ARTICLE_SHARE), every block of the body otherwise."""
    text, meta, headings = _plain_html(raw)
    article, found = _article(raw)
    for key, value in found.items():
        if value:
            meta.setdefault(key, value)
    headline = found.get("title")
    if headline and meta.get("title") and headline != meta["title"] and headline in (meta["title"] or ""):
        meta["title"] = headline  # the window title is the headline and the site's name
    kept = _article_lines(text.split("\n"), " ".join(article.split()), headings)
    if sum(map(len, kept)) >= ARTICLE_SHARE * len(text):
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip() + "\n"
    return text, meta


def _article_lines(lines: list[str], article: str, headings: set[str]) -> list[str]:
    """The body's lines that the article holds, and the headings over them. The body's lines,
    not the article's, are kept: the extractor leaves headings out, and on a small page it
    falls back to the whole page, menus and all (lines the body, built without them, lacks)."""
    inside = [bool(line.strip()) and _holds(article, line) for line in lines]
    kept: list[str] = []
    for i, line in enumerate(lines):
        if inside[i] or not line.strip():
            kept.append(line)
        elif line in headings and _next_filled(lines, inside, i, headings):
            kept.append(line)
    return kept


def _holds(article: str, line: str) -> bool:
    """Whether ``line`` stands in ``article`` as whole words."""
    at = article.find(line)
    while at >= 0:
        end = at + len(line)
        if (at == 0 or not article[at - 1].isalnum()) and (end == len(article) or not article[end].isalnum()):
            return True
        at = article.find(line, at + 1)
    return False


def _next_filled(lines: list[str], inside: list[bool], i: int, headings: set[str]) -> bool:
    """Whether the next line under heading ``i`` that is not a heading is the article's."""
    for j in range(i + 1, len(lines)):
        if lines[j].strip() and lines[j] not in headings:
            return inside[j]
    return False


def _article(raw: str) -> tuple[str, dict[str, str | None]]:
    import trafilatura

    try:
        found = trafilatura.bare_extraction(
            raw,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_formatting=False,
            include_links=False,
            include_images=False,
            deduplicate=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except (ValueError, TypeError, AttributeError, LookupError):
        # A page lxml cannot take whole is still read, block by block, by the plain parser.
        return "", {}
    if found is None:
        return "", {}
    get = found.get if isinstance(found, dict) else lambda k: getattr(found, k, None)
    body = get("text") or ""
    text = re.sub(r"\n{2,}", "\n", body).strip()
    text = "\n\n".join(" ".join(line.split()) for line in text.split("\n") if line.strip())
    meta = {
        "title": get("title"),
        "author": get("author"),
        "date": get("date"),
        "source_url": get("url"),
        "publisher": get("sitename"),
    }
    return (text + "\n" if text else ""), meta


def mhtml_html(path: Path, data: bytes) -> tuple[str, str | None]:
    """A saved web page (MIME HTML): its first text/html part, decoded, and the address it was
    saved from."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    saved_from = message.get("Snapshot-Content-Location") or None
    for part in message.walk():
        if part.get_content_type() != "text/html":
            continue
        try:
            html = part.get_content()
        except (LookupError, UnicodeDecodeError, ValueError) as exc:
            raise DocumentDecodeError(
                path, f"the saved page's HTML cannot be decoded ({exc.__class__.__name__}); save it again"
            ) from exc
        location = part.get("Content-Location") or saved_from
        return str(html), (str(location) if location else None)
    raise DocumentDecodeError(path, "no HTML part in this saved page (.mhtml); save the page again as MHTML or HTML")
