"""Pages fetched from the web: ``ties ingest https://...``.

``fetch(url, max_bytes)`` returns the body, its media type and the URL it came from after
redirects, or raises a DocumentError that says what went wrong and what to do: a server that
does not answer in time, answers with an error status, redirects more than ``MAX_REDIRECTS``
times, sends a media type ties does not read (checked before the body is read), or more than
``max_bytes`` (reading stops at the limit). ``read_url`` turns the page into a Document whose
path and source URL are the URL asked for and the one it came from.

The body's encoding is found from its bytes as for a file; a charset in the Content-Type header
that the bytes contradict (the server says ISO-8859-1, the page is UTF-8) is reported as a
warning, not trusted."""

from __future__ import annotations

import codecs
import time
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

import httpx

from graph.errors import DocumentError, DocumentTooLargeError, UnsupportedFormatError
from graph.model import Document
from graph.read.files import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, document_from_bytes

__all__ = ["is_url", "fetch", "read_url", "page_name", "Fetched", "TIMEOUT_S", "MAX_REDIRECTS"]

TIMEOUT_S = 20.0  # connecting, and each wait for the next bytes
TOTAL_S = 120.0  # the whole body: a server that sends a byte a second never ends otherwise
MAX_REDIRECTS = 5
_CHUNK = 64 * 1024
# What a server may call the formats ties reads.
_MEDIA_TYPES = {
    **{media: media for media in SUPPORTED_SUFFIXES.values()},
    "application/xhtml+xml": "text/html",
    "text/x-markdown": "text/markdown",
    "message/rfc822": "multipart/related",
}
_USER_AGENT = "ties (https://w3id.org/ties; reads one page an analyst asked for)"


@dataclass(frozen=True)
class Fetched:
    url: str  # where the body came from, after redirects
    data: bytes
    media_type: str  # as ties reads it (see _MEDIA_TYPES)
    charset: str | None  # what the Content-Type header claims, if anything


def is_url(text: str) -> bool:
    return urlsplit(text).scheme.lower() in ("http", "https") and bool(urlsplit(text).netloc)


def fetch(url: str, max_bytes: int = DEFAULT_MAX_BYTES, timeout: float = TIMEOUT_S) -> Fetched:
    """The page at URL (see the module's doc). Raises DocumentError naming URL."""
    try:
        with (
            httpx.Client(
                follow_redirects=True,
                max_redirects=MAX_REDIRECTS,
                timeout=timeout,
                headers={"User-Agent": _USER_AGENT},
            ) as client,
            client.stream("GET", url) as response,
        ):
            return _body(url, response, max_bytes)
    except httpx.TooManyRedirects as exc:
        raise DocumentError(url, f"redirected more than {MAX_REDIRECTS} times (a loop?); open it in a browser") from exc
    except httpx.TimeoutException as exc:
        raise DocumentError(url, f"no answer within {timeout:g} s; try again later or save the page") from exc
    except httpx.HTTPError as exc:  # refused, reset, no such host, a broken answer
        reason = str(exc) or exc.__class__.__name__
        raise DocumentError(url, f"could not fetch it ({reason}); check the URL and the network") from exc


def _body(url: str, response: httpx.Response, max_bytes: int) -> Fetched:
    if response.status_code >= 400:
        raise DocumentError(url, f"the server answered {response.status_code} {response.reason_phrase}; check the URL")
    header = response.headers.get("content-type", "")
    declared = header.split(";")[0].strip().lower()
    media_type = _MEDIA_TYPES.get(declared) or _by_suffix(str(response.url), declared)
    if media_type is None:
        raise UnsupportedFormatError(
            url,
            f"the server sends {declared or 'no content type'}; ties reads web pages, text, Markdown, PDF and .docx",
        )
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise DocumentTooLargeError(
            url, f"{int(length) / 1e6:.1f} MB is over the {_mb(max_bytes)} limit; raise --max-size"
        )
    data = bytearray()
    deadline = time.monotonic() + TOTAL_S
    for chunk in response.iter_bytes(_CHUNK):
        data += chunk
        if len(data) > max_bytes:  # the header may be missing or lie: the count decides
            raise DocumentTooLargeError(url, f"stopped reading at the {_mb(max_bytes)} limit; raise --max-size")
        if time.monotonic() > deadline:
            raise DocumentError(url, f"the page took over {TOTAL_S:g} s to arrive; try again later or save the page")
    charset = response.charset_encoding
    return Fetched(str(response.url), bytes(data), media_type, charset)


def _by_suffix(url: str, declared: str) -> str | None:
    """A server that says only "this is bytes" about a file whose name says what it is."""
    if declared not in ("", "application/octet-stream", "binary/octet-stream"):
        return None
    return SUPPORTED_SUFFIXES.get(PurePosixPath(urlsplit(url).path).suffix.lower())


def _mb(size: int) -> str:
    return f"{size / 1e6:g} MB"


def read_url(url: str, max_bytes: int = DEFAULT_MAX_BYTES, timeout: float = TIMEOUT_S) -> Document:
    """The page at URL as a Document: its path is URL, its source URL where it came from."""
    page = fetch(url, max_bytes, timeout)
    where = _Where(url, page_name(url))
    doc = document_from_bytes(where, page.data, page.media_type, source_url=page.url)  # type: ignore[arg-type]
    if _misstated(page):
        doc.warnings.append(
            f"{url}: the server says the page is {page.charset} but its bytes are not; read in the encoding they show"
        )
    return doc


@dataclass(frozen=True)
class _Where:
    """A page where the readers expect a file's path: its messages and ``path`` name the URL,
    its ``name`` is the page's name."""

    url: str
    name: str

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name).suffix

    def __str__(self) -> str:
        return self.url


def page_name(url: str) -> str:
    """A URL's name, as a file's name is its last part: the last part of its path, else its host."""
    parts = urlsplit(url)
    last = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])
    return last or parts.hostname or url


def _misstated(page: Fetched) -> bool:
    """Does the header's charset contradict the bytes? Bytes it cannot decode do, and so do
    bytes that are valid UTF-8 beyond ASCII under a one-byte charset (which decodes anything)."""
    if not page.charset or page.media_type == "application/pdf":
        return False
    try:
        codec = codecs.lookup(page.charset).name
        page.data.decode(codec)
    except (LookupError, UnicodeDecodeError):
        return True
    if codec in ("utf-8", "ascii"):
        return False
    try:
        page.data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not page.data.isascii()
