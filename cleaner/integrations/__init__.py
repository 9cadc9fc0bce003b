"""Optional integrations: Ray Data (`cleaner.integrations.ray`) and datatrove
(`cleaner.integrations.datatrove`).

Each lives in its own module and needs its extra (`pip install 'cleaner[ray]'` or
`'cleaner[datatrove]'`); this package and the rest of cleaner never import either framework.
What both share is here: cleaning a batch in which one bad record fails alone, the report as
a JSON string, and a model loaded once per process.
"""

from __future__ import annotations

import json
from functools import lru_cache
from itertools import islice
from typing import Any

from ..config import Config
from ..pipeline import BATCH_SIZE, Cleaner
from ..run import clean_batch

#: What a record becomes: (clean text, report) or the reason it could not be cleaned.
Outcome = tuple[str, dict[str, Any]] | str


def clean_each(cleaner: Cleaner, contents: list[Any]) -> list[Outcome]:
    """Clean records in model batches; a record that fails, fails alone, with its reason.

    Unreadable input fails in `clean_batch`; if a batch's model call itself raises (a bug),
    its records are cleaned one by one so that only the culprit fails.
    """
    out: list[Outcome] = []
    items = iter(contents)
    while chunk := list(islice(items, BATCH_SIZE)):
        out += _isolated(cleaner, chunk)
    return out


def _isolated(cleaner: Cleaner, chunk: list[Any]) -> list[Outcome]:
    try:
        return clean_batch(cleaner, chunk)
    except Exception as error:  # noqa: BLE001 - a bug must not end a long job; it is reported
        if len(chunk) == 1:
            return [f"internal error: {type(error).__name__}: {error}"]
        return [outcome for content in chunk for outcome in _isolated(cleaner, [content])]


def report_json(report: dict[str, Any]) -> str:
    """The report as one JSON string (keys sorted), for columns that must keep one type."""
    return json.dumps(report, ensure_ascii=False, sort_keys=True)


@lru_cache(maxsize=4)
def shared_cleaner(config: Config) -> Cleaner:
    """One loaded model per config and process, for steps that a framework copies per task."""
    return Cleaner(config)


__all__ = ["Outcome", "clean_each", "report_json", "shared_cleaner"]
