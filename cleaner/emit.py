"""Build the clean text and the removal report from a document and its verdicts."""

from __future__ import annotations

from .types import CleanResult, Document, Removal, Verdict


def emit(doc: Document, verdicts: tuple[Verdict, ...], *, keep: frozenset[str], notes: tuple[str, ...] = ()) -> CleanResult:
    """Kept blocks joined by the document's separator, and every removed block reported."""
    kept: list[str] = []
    removed: list[Removal] = []
    for block, verdict in zip(doc.blocks, verdicts):
        if verdict.is_junk and verdict.label not in keep:
            removed.append(
                Removal(block.index, block.start, block.end, block.text, verdict.label, verdict.score, verdict.reason)
            )
        else:
            kept.append(block.text)
    if not doc.blocks:
        notes = (*notes, "empty input: no text to clean")
    return CleanResult(
        text=doc.separator.join(kept),
        removed=tuple(removed),
        kind=doc.kind,
        blocks=len(doc.blocks),
        separator=doc.separator,
        metadata=dict(doc.metadata),
        notes=notes,
    )
