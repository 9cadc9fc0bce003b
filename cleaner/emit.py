"""Build the clean text and the removal report from a document and its verdicts."""

from __future__ import annotations

from typing import Any

from .types import CleanResult, Document, Removal, Verdict

# The note of a document without blocks; HTML may have had markup, but no text was extracted.
_NOTHING_TO_CLEAN = {
    "text": "empty input: no text to clean",
    "html": "no text found in the HTML (empty, only scripts or markup, or all page boilerplate)",
}


def emit(doc: Document, verdicts: tuple[Verdict, ...], *, keep: frozenset[str], notes: tuple[str, ...] = ()) -> CleanResult:
    """Kept blocks joined by the document's separator, and every removed block reported."""
    kept: list[str] = []
    removed: list[Removal] = []
    for block, verdict in zip(doc.blocks, verdicts):
        if verdict.is_junk and verdict.label not in keep:
            removed.append(
                Removal(block.index, block.start, block.end, block.text, verdict.label, verdict.score, verdict.reason,
                        verdict.repeated)
            )
        else:
            kept.append(block.text)
    if not doc.blocks:
        notes = (*notes, _NOTHING_TO_CLEAN[doc.kind])
    return CleanResult(
        text=doc.separator.join(kept),
        removed=tuple(removed),
        kind=doc.kind,
        blocks=len(doc.blocks),
        separator=doc.separator,
        metadata=dict(doc.metadata),
        notes=notes,
    )


def restore(text: str, report: dict[str, Any]) -> str:
    """Rebuild the document's block sequence, in order, from its clean text and its report.

    >>> restore("Title\\n\\nBody.", {"blocks": 3, "separator": "\\n\\n",
    ...          "removed": [{"index": 1, "text": "Leave a Reply"}]})
    'Title\\n\\nLeave a Reply\\n\\nBody.'
    """
    blocks = restored_blocks(text, report)
    return report["separator"].join(b if isinstance(b, str) else b["text"] for b in blocks)


def restored_blocks(text: str, report: dict[str, Any]) -> list[str | dict[str, Any]]:
    """The document's blocks in order: a kept block as its text, a removed one as its entry
    in the report's `removed` list."""
    removed = {r["index"]: r for r in report["removed"]}
    kept = text.split(report["separator"]) if text else []
    if len(kept) + len(removed) != report["blocks"]:
        raise ValueError(
            f"the clean text has {len(kept)} blocks and the report {len(removed)} removed, "
            f"but the document had {report['blocks']}: text and report do not belong together"
        )
    pieces = iter(kept)
    return [removed[i] if i in removed else next(pieces) for i in range(report["blocks"])]
