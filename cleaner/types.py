"""The immutable values that travel between the stages of the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: What stays. Every other label is a kind of junk.
ARTICLE = "article"
#: The junk categories, in the order the report and the model use.
CATEGORIES: tuple[str, ...] = ("ad", "notice", "comments", "related", "offtopic", "caption", "social")
LABELS: tuple[str, ...] = (ARTICLE, *CATEGORIES)


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of text that is kept or removed as a whole (a line, a paragraph, a list item).

    `start` and `end` are character offsets of `text` in the document's text
    (the input itself for plain text, the extracted text for HTML).
    `tag` is the structural kind: `p`, `li` (bullet or list item), `h` (heading),
    `caption`, `quote`, `cell`; plain text gives `p` and `li`.
    """

    index: int
    text: str
    start: int
    end: int
    tag: str = "p"


@dataclass(frozen=True, slots=True)
class Cues:
    """Where an HTML block sat in its source page.

    `marks` names the tags and class/id words of the element and its ancestors that hint at
    a kind of block (`aside`, `figcaption`, `related`, `comment`, ...; see cleaner.html_cues);
    `link_density` is the share of the element's characters inside links, and
    `text_density` its characters per element.
    """

    marks: frozenset[str]
    link_density: float
    text_density: float


@dataclass(frozen=True, slots=True)
class Document:
    """A document cut into blocks, with the text the offsets refer to.

    `cues` has one entry per block for HTML (None where the block was not found in the
    source page), and is empty for plain text. `notes` go to the report: what extracting it
    found worth saying (a page nested too deep, and flattened).
    """

    text: str
    blocks: tuple[Block, ...]
    kind: str  # "text" or "html"
    separator: str = "\n"  # how the clean text joins kept blocks
    metadata: tuple[tuple[str, str], ...] = ()
    cues: tuple[Cues | None, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Verdict:
    """The decision on one block: its label, the junk score in [0, 1], why, and on how many
    pages of its site the block occurs in this run (0 when not counted or below the minimum)."""

    label: str
    score: float
    reason: str
    repeated: int = 0

    @property
    def is_junk(self) -> bool:
        return self.label != ARTICLE


@dataclass(frozen=True, slots=True)
class Removal:
    """A removed block, as it appears in the removal report."""

    index: int
    start: int
    end: int
    text: str
    category: str
    score: float
    reason: str
    repeated: int = 0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "index": self.index,
            "start": self.start,
            "end": self.end,
            "category": self.category,
            "score": round(self.score, 4),
            "reason": self.reason,
            "text": self.text,
        }
        if self.repeated:
            out["repeated"] = self.repeated
        return out


@dataclass(frozen=True, slots=True)
class CleanResult:
    """The clean text of one document and the report of everything removed from it."""

    text: str
    removed: tuple[Removal, ...]
    kind: str
    blocks: int
    separator: str = "\n"
    metadata: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON removal report (the clean text itself is not repeated in it)."""
        counts: dict[str, int] = {}
        for r in self.removed:
            counts[r.category] = counts.get(r.category, 0) + 1
        return {
            "kind": self.kind,
            "blocks": self.blocks,
            "kept": self.blocks - len(self.removed),
            "removed_count": len(self.removed),
            "removed_by_category": dict(sorted(counts.items())),
            "separator": self.separator,
            "metadata": dict(sorted(self.metadata.items())),
            "notes": list(self.notes),
            "removed": [r.to_dict() for r in self.removed],
        }
