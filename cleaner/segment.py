"""Cut text into blocks: one block a non-blank line, bullets marked as list items."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from .types import Block, Cues, Document

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
_OTHER_LINE_BREAK = re.compile("[\v\f\x1c-\x1e\x85\u2028\u2029]")
BULLET = re.compile(r"^\s*(?:[•·▪‣◦●○■□➤►▶→✓✔✅☑❌✗★☆»*+\-–—]|\d{1,2}[.)])\s+")


def is_bullet(line: str) -> bool:
    """True for a bullet or numbered list line.

    >>> is_bullet("  • Works on mobile"), is_bullet("1. First"), is_bullet("-5 degrees")
    (True, True, False)
    """
    return BULLET.match(line) is not None


def segment_text(text: str) -> Document:
    """Cut plain text into one block per non-blank line, with offsets into `text`.

    Lines end at "\\n", "\\r\\n" or "\\r"; the text is not rewritten, so that offsets point into
    the input itself.

    >>> [b.text for b in segment_text("Title\\n\\nFirst para.\\n  • a bullet\\n").blocks]
    ['Title', 'First para.', '• a bullet']
    """
    blocks: list[Block] = []
    blank_gaps = gaps = 0
    blank_run = False
    start = 0
    for line in _lines(text):
        content = line.lstrip()
        stripped = content.rstrip()
        if stripped:
            begin = start + len(line) - len(content)
            if blocks:
                gaps += 1
                blank_gaps += blank_run
            blocks.append(Block(len(blocks), stripped, begin, begin + len(stripped), "li" if is_bullet(line) else "p"))
            blank_run = False
        else:
            blank_run = True
        start += len(line)
    separator = "\n\n" if gaps and blank_gaps * 2 >= gaps else "\n"
    return Document(text=text, blocks=tuple(blocks), kind="text", separator=separator)


def _lines(text: str) -> list[str]:
    """The lines of the text with their ends ("\\n", "\\r\\n" or "\\r").

    >>> _lines("a\\r\\nb\\rc\\x0cd\\n\\ne")
    ['a\\r\\n', 'b\\r', 'c\\x0cd\\n', '\\n', 'e']
    """
    if _OTHER_LINE_BREAK.search(text):  # str.splitlines ends lines there too
        return [m.group() for m in _LINE.finditer(text) if m.group()]
    return text.splitlines(keepends=True)


def segment_parts(
    parts: Iterable[tuple[str, str]], *, metadata: dict[str, str], cues: Sequence[Cues | None] = (),
    notes: tuple[str, ...] = (),
) -> Document:
    """Build a document from extracted (text, tag) parts, one block a line, joined by newlines.

    `cues`, when given, has one entry per part; every line of a part gets its part's cues.
    `notes` go to the report.
    """
    blocks: list[Block] = []
    block_cues: list[Cues | None] = []
    pieces: list[str] = []
    pos = 0
    for k, (text, tag) in enumerate(parts):
        for line in text.split("\n"):
            line = " ".join(line.split())
            if not line:
                continue
            if tag != "li" and is_bullet(line):
                tag = "li"
            blocks.append(Block(len(blocks), line, pos, pos + len(line), tag))
            if cues:
                block_cues.append(cues[k])
            pieces.append(line)
            pos += len(line) + 1
    return Document(
        text="\n".join(pieces),
        blocks=tuple(blocks),
        kind="html",
        separator="\n",
        metadata=tuple(sorted(metadata.items())),
        cues=tuple(block_cues),
        notes=notes,
    )


def judged(doc: Document) -> Document:
    """The document the model judges: `doc` without its figure captions (blocks tagged
    "caption", from a <figcaption>), which their element decides (see
    `decide.with_figcaptions`), built as `segment_parts` builds it from the other parts. The
    model never learns or scores them, so a page reads the same to it with or without its
    figures, and training pages read as they did before captions were extracted."""
    kept = [k for k, block in enumerate(doc.blocks) if block.tag != "caption"]
    if len(kept) == len(doc.blocks):
        return doc
    return segment_parts(
        [(doc.blocks[k].text, doc.blocks[k].tag) for k in kept],
        metadata=dict(doc.metadata),
        cues=[doc.cues[k] for k in kept] if doc.cues else (),
        notes=doc.notes,
    )
