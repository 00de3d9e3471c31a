"""Bytes into text: UTF-8 and its byte-order marks, UTF-16, the legacy single-byte encodings
Western and Turkish text arrives in, and a refusal for what is not text at all."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from graph.errors import DocumentDecodeError

__all__ = ["decode", "without_nuls"]


def without_nuls(path: Path, text: str) -> tuple[str, list[str]]:
    """A stray NUL in a text is a fault of the program that wrote it, not a
    reason to lose the document: it goes, and the report says so. The stored
    text is the text without it, so offsets index that."""
    count = text.count("\x00")
    if not count:
        return text, []
    return text.replace("\x00", ""), [f"{path}: dropped {count} NUL character{'s' * (count > 1)}; check the file"]


def decode(path: Path, data: bytes) -> str:
    try:
        text = _decoded(path, data)
    except UnicodeDecodeError as exc:
        raise DocumentDecodeError(
            path, f"cannot be read as {exc.encoding} text (cut short or not text); convert it to UTF-8 text"
        ) from exc
    # Checked after every decoding: a binary file can decode as UTF-16 too.
    if _control_ratio(text) > 0.05 or text.count("\x00") > len(text) // 20:
        raise DocumentDecodeError(path, "binary data, not text; convert it to UTF-8 text")
    return text


def _decoded(path: Path, data: bytes) -> str:
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(codec)
    if b"\x00" in data[:4096] and _looks_utf16(data):
        return data.decode("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _legacy(path, data)


def _looks_utf16(data: bytes) -> bool:
    sample = data[:4096]
    return sample[1::2].count(0) > len(sample) // 3 or sample[0::2].count(0) > len(sample) // 3


def _legacy(path: Path, data: bytes) -> str:
    """Text that is not UTF-8: most often Windows-1252 (or Latin-1), or its
    Turkish sibling Windows-1254; otherwise what charset-normalizer finds."""
    if _c0_ratio(data) > 0.05:
        raise DocumentDecodeError(path, "binary data, not text; convert it to UTF-8 text")
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and _mostly_latin(western):
        # Windows-1254 differs only where 1252 has letters Turkish text never uses.
        return data.decode("cp1254") if any(c in western for c in "ðþýÐÞÝ") else western
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise DocumentDecodeError(path, "binary or unknown encoding, not text; convert it to UTF-8 text")
    return str(best)


def _c0_ratio(data: bytes) -> float:
    """Share of C0 control bytes (NUL among them): these mean the same in every
    single-byte encoding, so binary data shows before any decoding is tried."""
    sample = data[:20000]
    return sum(sample.count(b) for b in range(32) if b not in b"\n\r\t\f") / max(1, len(sample))


def _mostly_latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return not letters or sum(1 for c in letters if c.isascii()) / len(letters) > 0.7


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    bad = sum(1 for c in sample if unicodedata.category(c) in ("Cc", "Cs", "Co") and c not in "\n\r\t\f")
    return bad / max(1, len(sample))
