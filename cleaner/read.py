"""Turn raw input (bytes or str) into text, and tell HTML from plain text."""

from __future__ import annotations

import codecs
import re

from .errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HTML_START = re.compile(r"\A\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|div|p|article)\b", re.I | re.S)
_HTML_TAG = re.compile(r"</?(p|div|span|a|br|li|ul|h[1-6]|article|section|table|img|script)\b[^>]*>", re.I)
# Share of control characters above which bytes are taken for binary, not text.
_MAX_CONTROL_SHARE = 0.01


def decode(data: bytes) -> str:
    """Decode bytes: a BOM wins, then a declared HTML charset, then UTF-8, then cp1252.

    >>> decode("café".encode("cp1252"))
    'café'
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(data.decode(encoding, errors="replace"))
    declared = _declared_charset(data)
    if declared:
        try:
            return _checked(data.decode(declared))
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return _checked(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    return _checked(data.decode("cp1252", errors="replace"))


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def _checked(text: str) -> str:
    """Refuse text that is really binary data (NULs, many control characters)."""
    sample = text[:65536]
    if "\x00" in sample:
        raise InputError("binary data (NUL bytes), not text or HTML")
    control = sum(1 for c in sample if ord(c) < 32 and c not in "\t\n\r\f\v")
    if sample and control / len(sample) > _MAX_CONTROL_SHARE:
        raise InputError("binary data (control characters), not text or HTML")
    return text


def looks_like_html(text: str) -> bool:
    """True when the text is markup rather than plain prose.

    >>> looks_like_html("<html><body><p>Hi</p></body></html>")
    True
    >>> looks_like_html("Prices rose 3% <as expected> in May.")
    False
    """
    if _HTML_START.match(text):
        return True
    return len(_HTML_TAG.findall(text[:20000])) >= 3


def to_text(content: str | bytes) -> str:
    """The input as a str, decoded when it is bytes."""
    if isinstance(content, bytes):
        return decode(content)
    if isinstance(content, str):
        return _checked(content)
    raise InputError(f"expected str or bytes, got {type(content).__name__}")
