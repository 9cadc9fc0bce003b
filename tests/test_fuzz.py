"""Fuzzing the readers and the pipeline: any input gives a result or an InputError, never
another exception, and the result loses nothing (kept + removed blocks give back every block,
at offsets that point into the text read)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import Config, InputError, restore
from cleaner.pipeline import prepare
from cleaner.read import decode, to_text
from cleaner.run import Doc, Failure, Sink, jsonl_docs
from cleaner.types import Document
from conftest import require

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SLOW = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
CONFIG = Config()

WORDS = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30) | st.sampled_from(
    ["Leave a Reply", "Share this", "The council met on Monday.", "café", "日本語", "\U0001f600", "&amp;", "&#0;",
     "&#xD800;", "&nbsp;", "\u2028", "\x0b", "\r", "\ufeff", "• bullet", "1. first"]
)


def check_document(doc: Document) -> None:
    """Blocks are numbered in order, non-blank, free of the separator, found at their offsets."""
    assert [b.index for b in doc.blocks] == list(range(len(doc.blocks)))
    for block in doc.blocks:
        assert block.text and block.text == block.text.strip()
        assert doc.separator not in block.text
        assert doc.text[block.start : block.end] == block.text


def check_nothing_lost(cleaner, content: str | bytes) -> None:
    try:
        doc = prepare(content, config=cleaner.config)
    except InputError as error:
        assert str(error)
        return
    check_document(doc)
    result = cleaner.clean(content)
    report = json.loads(json.dumps(result.to_dict(), ensure_ascii=False).encode("utf-8"))  # writable as UTF-8
    assert restore(result.text, report) == doc.separator.join(b.text for b in doc.blocks)
    for removal in result.removed:
        block = doc.blocks[removal.index]
        assert (removal.text, removal.start, removal.end) == (block.text, block.start, block.end)


# --- the JSONL reader -------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | WORDS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(WORDS, inner, max_size=3),
    max_leaves=8,
)
# Malformed URLs ("http://[") are left out: they end the run (xfail in test_bad_input.py).
URLS = JSON_VALUES.filter(lambda v: not isinstance(v, str)) | st.sampled_from(
    ["", "https://www.example.com/a", "news.example/b", "ftp://x", "http://[::1]/", "//host:99999", "\x00"]
)
RECORDS = st.fixed_dictionaries(
    {}, optional={"id": JSON_VALUES, "text": JSON_VALUES | WORDS, "html": JSON_VALUES, "url": URLS}
).map(lambda r: json.dumps(r, ensure_ascii=False).encode("utf-8", "surrogatepass"))
LINES = st.lists(
    RECORDS
    | st.binary(max_size=40)
    | RECORDS.flatmap(lambda line: st.integers(0, len(line)).map(lambda k: line[:k]))  # cut short
    | RECORDS.map(lambda line: line.replace(b'"', b"\xff", 1))  # a stray non-UTF-8 byte
    | st.sampled_from([b"", b" ", b"\t\r", b"[]", b"null", b"{}", b'{"text": "\\ud800"}', b"\xef\xbb\xbf{}"]),
    max_size=12,
)


@FAST
@given(lines=LINES)
def test_jsonl_reader_gives_one_event_per_line_and_never_raises(lines):
    raw = [line.replace(b"\n", b" ") + b"\n" for line in lines]
    events = list(jsonl_docs(raw, Sink("f.jsonl"), "f.jsonl"))
    assert len(events) == sum(1 for line in raw if line.strip())
    for event in events:
        if isinstance(event, Failure):
            number = int(event.name.removeprefix("f.jsonl:"))  # a bad line is named by its number
            assert raw[number - 1].strip() and event.reason
        else:
            assert isinstance(event, Doc) and isinstance(event.content, str) and isinstance(event.record, dict)


# --- reading and cutting any bytes ------------------------------------------------------------

CHARSETS = st.sampled_from(
    ["utf-8", "iso-8859-1", "cp1252", "shift_jis", "koi8-r", "utf-16", "utf-32", "utf-7", "idna", "punycode",
     "unicode_escape", "base64", "rot13", "zlib", "undefined", "x-user-defined", "", "\xff"]
) | st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.:", max_size=12)


@FAST
@given(charset=CHARSETS, body=st.binary(max_size=200), html=st.booleans())
def test_decode_any_bytes_under_any_declared_charset(charset, body, html):
    head = f'<html><head><meta charset="{charset}"></head><body><p>' if html else f'<?xml encoding="{charset}"?>'
    try:
        text = decode(head.encode("utf-8", "replace") + body)
    except InputError as error:
        assert "binary data" in str(error)
    else:
        assert isinstance(text, str)
        text.encode("utf-8")  # decoded text is always writable


@FAST
@given(data=st.binary(max_size=400), kind=st.sampled_from(["auto", "text", "html"]))
def test_prepare_any_bytes_gives_blocks_at_their_offsets_or_an_input_error(data, kind):
    try:
        doc = prepare(data, config=Config(kind=kind))
    except InputError as error:
        assert str(error)
    else:
        check_document(doc)
        if doc.kind == "text":
            assert doc.text == to_text(data)  # offsets point into the text read, not a rewritten one


ENCODINGS = st.sampled_from(["utf-8", "cp1252", "latin-1", "utf-16", "utf-8-sig"])
BREAKS = st.sampled_from(["\n", "\n\n", "\r\n", "\r", "\r\n\r\n", "\n \n", "\r\r\n"])


@SLOW
@given(lines=st.lists(WORDS, max_size=12), breaks=BREAKS, encoding=ENCODINGS)
def test_text_in_any_encoding_and_line_ending_loses_nothing(cleaner, lines, breaks, encoding):
    check_nothing_lost(cleaner, breaks.join(lines).encode(encoding, "replace"))


# --- HTML-ish ---------------------------------------------------------------------------------

TAGS = ["p", "div", "span", "li", "ul", "h1", "h2", "table", "tr", "td", "article", "main", "section", "nav",
        "footer", "aside", "figure", "figcaption", "blockquote", "pre", "code", "a", "b", "br", "img", "script",
        "style", "noscript", "iframe", "form", "button", "title", "head", "body", "html", "template", "svg"]
PIECES = st.one_of(
    WORDS,
    st.sampled_from(TAGS).map(lambda t: f"<{t}>"),
    st.sampled_from(TAGS).map(lambda t: f"</{t}>"),
    st.sampled_from(
        ["<!DOCTYPE html>", "<!-- a comment -->", "<!--", "-->", "<![CDATA[x]]>", '<meta charset="utf-8">',
         '<meta charset="utf-16">', "<?xml version='1.0'?>", "<p class='share'>", "<a href='/x'>", "<", ">", "</",
         "<p <div>", '<img src="a.png" alt="A caption.">', "<br/>", "&", "&#", "&#x110000;"]
    ),
)
HTML = st.lists(PIECES, max_size=40).map(lambda pieces: "<html><body>" + "".join(pieces))


@SLOW
@given(html=HTML)
def test_html_ish_loses_nothing(cleaner, html):
    check_nothing_lost(cleaner, html)


@SLOW
@given(html=HTML, encoding=ENCODINGS)
def test_html_ish_bytes_lose_nothing(cleaner, html, encoding):
    check_nothing_lost(cleaner, html.encode(encoding, "replace"))


# --- coverage-guided (atheris) ----------------------------------------------------------------


def test_atheris_finds_no_crash_in_20000_inputs():
    require("atheris")
    harness = Path(__file__).with_name("fuzz_atheris.py")
    run = subprocess.run(
        [sys.executable, str(harness), "-runs=20000", "-seed=1", "-max_len=4096"],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(harness.parent.parent), os.environ.get("PYTHONPATH")]))},
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Done 20000 runs" in run.stderr
