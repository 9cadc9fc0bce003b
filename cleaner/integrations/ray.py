"""Clean a Ray Data dataset: a callable class for `Dataset.map_batches`.

>>> import ray                                                    # doctest: +SKIP
>>> from cleaner.integrations.ray import CleanBatch               # doctest: +SKIP
>>> ds = ray.data.read_json("pages.jsonl")                        # doctest: +SKIP
>>> ds = ds.map_batches(CleanBatch, batch_format="pyarrow",       # doctest: +SKIP
...                     compute=ray.data.ActorPoolStrategy(size=4))
>>> ds.write_parquet("clean/")                                    # doctest: +SKIP

Ray makes one `CleanBatch` per actor, so the model is loaded once per actor. Each batch comes
back with the same rows in the same order, and three columns set:

- the clean text, in `output_column` (by default `text_column` itself, replaced);
- the removal report, in `report_column` (`"cleaner"`), as a JSON string: a report's nested
  shape varies from record to record (its categories, HTML metadata, an empty `removed` list),
  which Arrow would type differently batch by batch; a string column has one schema everywhere
  (`json.loads` gives the report back, as the `clean` command writes it);
- the error, in `error_column` (`"cleaner_error"`): None, or why the record could not be
  cleaned (binary data, too large, no text); its clean text and report are then null.

One bad record never fails the job. The three columns are Arrow strings in every batch format
(pyarrow arrays in a pyarrow or numpy batch, `pd.ArrowDtype` in a pandas one), so a batch
without errors does not give the error column a null type that other batches, or a reader of
the Parquet files written, cannot reconcile. `batch_format="pyarrow"` is the cheapest: text
stays in Arrow, with no conversion to Python objects and back but the cleaning itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

try:
    import pandas as pd
    import pyarrow as pa
except ImportError as error:  # pragma: no cover - both come with ray[data]
    raise ImportError(
        f"cleaner.integrations.ray needs pyarrow and pandas: pip install 'cleaner[ray]' ({error})"
    ) from error

from ..config import Config
from ..pipeline import Cleaner
from . import clean_each, report_json

#: Where the report and the error go, unless told otherwise; the report's is the key the
#: `clean` command uses in JSONL output.
REPORT_COLUMN = "cleaner"
ERROR_COLUMN = "cleaner_error"

Batch = Any  # pa.Table | pd.DataFrame | Mapping[str, np.ndarray]: Ray's batch formats


class CleanBatch:
    """Cleans the batches of a Ray dataset; give the class, not an instance, to `map_batches`.

    Args:
        config: cleaner's options (threshold, keep, kind, ...); None is the defaults.
        text_column: the column to clean, plain text or HTML (str or bytes).
        html_column: a column of raw HTML cleaned instead of `text_column` where a row has a
            value (str or bytes; null or empty falls back to `text_column`). None: not used.
        output_column: where the clean text goes; None is `text_column`, replaced.
        report_column: where the JSON report goes; None leaves the report out.
        error_column: where the reason a record failed goes (None when it did not).
    """

    def __init__(
        self,
        config: Config | None = None,
        *,
        text_column: str = "text",
        html_column: str | None = None,
        output_column: str | None = None,
        report_column: str | None = REPORT_COLUMN,
        error_column: str = ERROR_COLUMN,
    ) -> None:
        outputs = [output_column or text_column, report_column, error_column]
        if len(set(outputs)) < 3:
            raise ValueError(f"the output, report and error columns must differ, got {outputs}")
        self.cleaner = Cleaner(config)  # in the actor: once per actor, not once per batch
        self.text_column = text_column
        self.html_column = html_column
        self.output_column = output_column or text_column
        self.report_column = report_column
        self.error_column = error_column

    def __call__(self, batch: Batch) -> Batch:
        """The batch with its clean text, report and error columns set, rows in order."""
        texts: list[str | None] = []
        reports: list[str | None] = []
        errors: list[str | None] = []
        for outcome in clean_each(self.cleaner, self._contents(batch)):
            if isinstance(outcome, str):
                texts.append(None)
                reports.append(None)
                errors.append(outcome)
            else:
                text, report = outcome
                texts.append(text)
                reports.append(report_json(report))
                errors.append(None)
        columns = {self.output_column: texts}
        if self.report_column is not None:
            columns[self.report_column] = reports
        columns[self.error_column] = errors
        typed = {name: pa.array(values, type=pa.string()) for name, values in columns.items()}
        return _with_columns(batch, typed)

    def _contents(self, batch: Batch) -> list[Any]:
        contents = _column(batch, self.text_column)
        if self.html_column is None:
            return contents
        html = _column(batch, self.html_column)
        return [page if page else text for page, text in zip(html, contents)]


def _column(batch: Batch, name: str) -> list[Any]:
    """A column of any of Ray's batch formats as Python values (null as None)."""
    if isinstance(batch, pa.Table):
        return batch.column(name).to_pylist()
    if isinstance(batch, pd.DataFrame):
        return [None if _is_na(v) else v for v in batch[name].tolist()]
    return batch[name].tolist()


def _is_na(value: Any) -> bool:
    return pd.api.types.is_scalar(value) and bool(pd.isna(value))


def _with_columns(batch: Batch, columns: dict[str, pa.Array]) -> Batch:
    """The batch, in its own format, with these Arrow string columns added or replaced."""
    if isinstance(batch, pa.Table):
        for name, values in columns.items():
            if name in batch.column_names:
                batch = batch.set_column(batch.column_names.index(name), name, values)
            else:
                batch = batch.append_column(name, values)
        return batch
    if isinstance(batch, pd.DataFrame):
        return batch.assign(**{name: values.to_pandas(types_mapper=pd.ArrowDtype).array
                               for name, values in columns.items()})
    if isinstance(batch, Mapping):
        return {**batch, **columns}
    raise TypeError(f"expected a pyarrow, pandas or numpy batch, got {type(batch).__name__}")


__all__ = ["ERROR_COLUMN", "REPORT_COLUMN", "CleanBatch"]
