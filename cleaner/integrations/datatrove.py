"""Clean documents in a datatrove pipeline: a step between a reader and a writer.

>>> from datatrove.executor import LocalPipelineExecutor                  # doctest: +SKIP
>>> from datatrove.pipeline.readers import WarcReader                     # doctest: +SKIP
>>> from datatrove.pipeline.writers import JsonlWriter                    # doctest: +SKIP
>>> from cleaner.integrations.datatrove import CleanerStep                # doctest: +SKIP
>>> LocalPipelineExecutor([WarcReader("crawl/"), CleanerStep(), JsonlWriter("clean/")],
...                       tasks=8, logging_dir="logs/").run()             # doctest: +SKIP

`CleanerStep` is a datatrove filter: it replaces each document's text (plain text or HTML, as
a WarcReader gives it) with the clean text, puts the removal report in
`doc.metadata["cleaner"]`, and drops the documents left empty (`drop_empty`) and those that
could not be cleaned (`doc.metadata["cleaner_error"]` says why), each counted by its reason
(`dropped_empty`, `dropped_failed`) and saved by an `exclusion_writer` if one is given. Removed
blocks are counted per category in the step's stats (`removed_ad`, `removed_caption`, ...).

Documents stream through in batches of `batch_size`, one model call each. The model is not
part of the step: it is loaded on first use in the worker, once per process and config, so the
step pickles cheaply for datatrove's executors (which copy the pipeline for every task).

The report goes into the metadata as a JSON string (`report_format="json"`), which every
datatrove writer can store: ParquetWriter fixes its schema from the first document and cannot
take the report as a nested dict, whose shape varies (its categories, HTML metadata, an empty
`removed` list). With JsonlWriter, `report_format="dict"` writes it nested instead, as the
`clean` command writes the `cleaner` key of its JSONL output.
"""

from __future__ import annotations

from typing import Literal

from datatrove.data import Document
from datatrove.pipeline.filters.base_filter import BaseFilter
from datatrove.pipeline.writers.disk_base import DiskWriter

from ..config import Config
from ..pipeline import BATCH_SIZE, Cleaner
from . import Outcome, clean_each, report_json, shared_cleaner

#: The metadata keys of the report and of the reason a document could not be cleaned.
REPORT_KEY = "cleaner"
ERROR_KEY = "cleaner_error"
#: Reason codes of dropped documents (datatrove counts them as `dropped_<reason>`).
EMPTY = "empty"
FAILED = "failed"


class CleanerStep(BaseFilter):
    """Cleans `doc.text` in place, reports in `doc.metadata["cleaner"]`, drops what is left empty.

    Args:
        config: cleaner's options (threshold, keep, kind, ...); None is the defaults.
        drop_empty: drop documents with no text left after cleaning (False: keep them).
        report_format: "json" (a string, for any writer) or "dict" (nested, for JsonlWriter).
        exclusion_writer: a writer for the dropped documents, with their reason in
            `metadata["filter_reason"]` (and `metadata["cleaner_error"]` for failures).
        batch_size: documents per model call.
    """

    name = "🧹 cleaner"

    def __init__(
        self,
        config: Config | None = None,
        *,
        drop_empty: bool = True,
        report_format: Literal["json", "dict"] = "json",
        exclusion_writer: DiskWriter | None = None,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        if report_format not in ("dict", "json"):
            raise ValueError(f"report_format must be 'json' or 'dict', got {report_format!r}")
        super().__init__(exclusion_writer, batch_size)
        self.config = config or Config()
        self.drop_empty = drop_empty
        self.report_format = report_format

    @property
    def cleaner(self) -> Cleaner:
        return shared_cleaner(self.config)

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        return self.filter_batch([doc])[0]

    def filter_batch(self, batch: list[Document]) -> list[bool | tuple[bool, str]]:
        outcomes = clean_each(self.cleaner, [doc.text for doc in batch])
        return [self._apply(doc, outcome) for doc, outcome in zip(batch, outcomes)]

    def _apply(self, doc: Document, outcome: Outcome) -> bool | tuple[bool, str]:
        """Write the outcome into the document and count it; False and a reason to drop it."""
        if isinstance(outcome, str):
            doc.metadata[ERROR_KEY] = outcome
            return False, FAILED
        text, report = outcome
        doc.text = text
        doc.metadata[REPORT_KEY] = report_json(report) if self.report_format == "json" else report
        self.stat_update("blocks", value=report["blocks"])
        self.stat_update("blocks_removed", value=report["removed_count"])
        for category, count in report["removed_by_category"].items():
            self.stat_update(f"removed_{category}", value=count)
        if not text and self.drop_empty:
            return False, EMPTY
        return True


__all__ = ["ERROR_KEY", "REPORT_KEY", "CleanerStep"]
