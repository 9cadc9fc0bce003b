"""Turn raw input (bytes or str) into text, and tell HTML from plain text."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from .errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# A charset declared by <meta> or, in XHTML, by the XML declaration.
_DECLARED_CHARSET = re.compile(
    rb"""<(?:meta[^>]+charset|\?xml[^>]+encoding)\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I
)
# Declared charsets not taken at their word: a page whose <meta> can be read as ASCII is not
# UTF-16 or UTF-32 (the HTML standard reads it as UTF-8), and the others are Python codecs,
# no web encodings, that would rewrite the text (escapes, IDNA) or fail oddly.
_UNDECLARABLE = frozenset({
    "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "utf-7",
    "idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined",
})
_HTML_START = re.compile(
    r"\A\ufeff?\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|div|p|article)\b",
    re.I | re.S,
)
_TAG = re.compile(r"<[^>]*>")
_HTML_TAG = re.compile(r"</?(p|div|span|a|br|li|ul|h[1-6]|article|section|table|img|script)\b[^>]*>", re.I)
# Share of the letters outside tags that are not ASCII above which a page read as cp1252 is
# taken for another legacy encoding: 0.05-0.15 in French or German prose, 1.0 for Russian or
# Greek and 0.55-0.6 for Japanese read as cp1252. Fewer letters are too few to tell.
_MAX_FOREIGN_SHARE = 0.4
_MIN_LETTERS = 20
# Share of control characters above which bytes are taken for binary, not text.
_MAX_CONTROL_SHARE = 0.01
#: Control characters other than whitespace (\t \n \v \f \r), as UTF-8 bytes: one byte each,
#: and a byte that no other character's UTF-8 contains.
_CONTROL_BYTES = bytes(range(0x00, 0x09)) + bytes(range(0x0E, 0x20))
# Bytes that are not UTF-8, as the "surrogateescape" error handler gives them back.
_ESCAPED_BYTES = re.compile("[\udc80-\udcff]+")
# A surrogate code point on its own (JSON "\\ud800" decodes to one): no text, and unwritable.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def decode(data: bytes) -> str:
    """Decode bytes: a BOM wins, then valid UTF-8, then a declared charset, then UTF-8 with
    cp1252 for the bytes that are not UTF-8, unless that reads as another script (see `_legacy`).

    Valid UTF-8 goes before the declared charset because pages declared "iso-8859-1" but
    written in UTF-8 are common, while legacy text that happens to be valid UTF-8 is not.

    >>> decode("café".encode("cp1252"))
    'café'
    >>> decode('<meta charset="iso-8859-1"><p>café'.encode("utf-8"))[-4:]
    'café'
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(data.decode(encoding, errors="replace"))
    try:
        return _checked(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(data)
    if declared:
        try:
            return _checked(data.decode(declared))
        except (UnicodeError, LookupError):  # LookupError: a codec that does not decode bytes to text
            pass
    return _checked(_legacy(data))


def _declared_charset(data: bytes) -> str | None:
    match = _DECLARED_CHARSET.search(data[:4096])
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None
    return None if name in _UNDECLARABLE else name


def _legacy(data: bytes) -> str:
    """Bytes that are not UTF-8 and declare no charset that reads them: UTF-8 with cp1252 for
    the rest, unless they are mostly not UTF-8 and most letters then come out as accented
    Latin, which is another script read in the wrong encoding (Russian in cp1251, Japanese in
    Shift_JIS); its encoding is then guessed, as trafilatura does, by charset_normalizer.

    >>> _legacy("Городской совет утвердил бюджет".encode("cp1251"))
    'Городской совет утвердил бюджет'
    >>> _legacy("Le conseil a voté le budget de l'année".encode("cp1252"))
    "Le conseil a voté le budget de l'année"
    """
    raw = data.decode("utf-8", "surrogateescape")
    text = _utf8_or_cp1252(raw)
    stray = sum(map(len, _ESCAPED_BYTES.findall(raw)))
    if len(raw) - len(raw.encode("ascii", "ignore")) - stray >= stray:
        return text  # UTF-8 with a few stray bytes (pairs of legacy bytes can read as UTF-8 by chance)
    letters = [c for c in _TAG.sub(" ", text[:20000]) if c.isalpha()]
    if len(letters) < _MIN_LETTERS or sum(not c.isascii() for c in letters) <= _MAX_FOREIGN_SHARE * len(letters):
        return text
    guess = from_bytes(data[:65536]).best()
    try:
        return data.decode(guess.encoding) if guess else text
    except (UnicodeError, LookupError):  # a guess from the first 64 KiB that the rest belies
        return text


def _utf8_or_cp1252(raw: str) -> str:
    """Bytes decoded as UTF-8 with "surrogateescape" (`raw`), with every byte that was not
    part of valid UTF-8 read as cp1252.

    A legacy file decodes as cp1252, and a UTF-8 file with a few stray bytes (text pasted
    from elsewhere) keeps its UTF-8 characters instead of turning them all into mojibake.

    >>> _utf8_or_cp1252(("déjà vu, ".encode() + "déjà vu".encode("cp1252")).decode("utf-8", "surrogateescape"))
    'déjà vu, déjà vu'
    """
    def as_cp1252(match: re.Match[str]) -> str:
        return match.group().encode("utf-8", "surrogateescape").decode("cp1252", errors="replace")

    return _ESCAPED_BYTES.sub(as_cp1252, raw)


def _checked(text: str) -> str:
    """Refuse text that is really binary data (NULs, many control characters); a stray NUL
    in a page of text (a byte a CMS let through) is no text, and is dropped."""
    sample = text[:65536]
    # counted in the UTF-8 bytes: bytes.translate is 5 times faster than a regex over the str
    encoded = sample.encode("utf-8", "surrogatepass")
    control = len(encoded) - len(encoded.translate(None, _CONTROL_BYTES))
    if sample and control / len(sample) > _MAX_CONTROL_SHARE:
        kind = "NUL bytes" if "\x00" in sample else "control characters"
        raise InputError(f"binary data ({kind}), not text or HTML")
    return text.replace("\x00", "") if "\x00" in text else text


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
    """The input as a str, decoded when it is bytes; a lone surrogate becomes U+FFFD.

    >>> to_text("broken \\ud800 escape")
    'broken \\ufffd escape'
    """
    if isinstance(content, bytes):
        return decode(content)
    if isinstance(content, str):
        return _checked(_LONE_SURROGATE.sub("\ufffd", content))
    raise InputError(f"expected str or bytes, got {type(content).__name__}")
