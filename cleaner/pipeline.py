"""The whole path: read → extract → segment → score → decide → emit."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import islice
from typing import Any

import numpy as np

from . import model as model_io
from .config import Config
from .decide import decide, revise, with_figcaptions, with_repeats
from .emit import emit
from .errors import InputError
from .extract import extract_html
from .language import FUNCTION_WORDS, trained_language
from .read import looks_like_html, to_text
from .repeats import Repeats
from .segment import judged, segment_parts, segment_text
from .types import CleanResult, Document

#: Documents scored together in one call of the model (amortises its fixed cost).
BATCH_SIZE = 64
#: The report's note on a document in a language the model was not trained on.
UNKNOWN_LANGUAGE = (
    f"not in a language the model was trained on ({', '.join(FUNCTION_WORDS)}): only rules applied"
)


def prepare(content: str | bytes, *, config: Config) -> Document:
    """Read, extract (HTML only) and segment one input."""
    if isinstance(content, bytes) and len(content) > config.max_bytes:
        raise InputError(f"input of {len(content):,} bytes is over the limit of {config.max_bytes:,} (see --max-bytes)")
    text = to_text(content)
    if len(text) > config.max_bytes:
        raise InputError(f"input of {len(text):,} characters is over the limit of {config.max_bytes:,} (see --max-bytes)")
    kind = config.kind if config.kind != "auto" else ("html" if looks_like_html(text) else "text")
    if kind == "html":
        parts, metadata, cues, notes = extract_html(text)
        return segment_parts(parts, metadata=metadata, cues=cues, notes=notes)
    return segment_text(text)


class Cleaner:
    """Cleans many documents with one loaded model.

    >>> cleaner = Cleaner(Config(threshold=0.6))          # doctest: +SKIP
    >>> cleaner.clean("Title\\n\\nLeave a Reply").text     # doctest: +SKIP
    'Title'
    """

    def __init__(
        self, config: Config | None = None, *, model: model_io.Model | None = None, repeats: Repeats | None = None
    ) -> None:
        self.config = config or Config()
        self.model = model or model_io.load(self.config.model_path or model_io.default_model_path())
        self.repeats = repeats

    def clean(self, content: str | bytes) -> CleanResult:
        """Clean one document (str or bytes, HTML or plain text)."""
        return self.clean_documents([prepare(content, config=self.config)])[0]

    def clean_many(self, contents: Iterable[str | bytes]) -> Iterator[CleanResult]:
        """Clean documents in batches, yielding results in input order.

        Raises InputError on the first input that cannot be read; to go on past bad
        inputs, `prepare` each one yourself and pass the documents to `clean_documents`.
        """
        items = iter(contents)
        while batch := list(islice(items, BATCH_SIZE)):
            yield from self.clean_documents([prepare(c, config=self.config) for c in batch])

    def clean_documents(self, docs: list[Document], sites: list[str] | None = None) -> list[CleanResult]:
        """Score prepared documents in one model call and decide each of them.

        `sites` names each document's site, for the blocks that recur across a site's pages
        (given a `repeats` table, see cleaner.repeats).
        """
        results = []
        seen = [judged(doc) for doc in docs]  # without the figure captions, which their element decides
        for k, (whole, doc, (junk, categories)) in enumerate(zip(docs, seen, self.model.score(seen))):
            notes = doc.notes
            if trained_language("\n".join(b.text for b in doc.blocks)) is None:  # see lowered_words
                # unsure of every block: keep all but the rules' certainties, and let no
                # revision take a block with the junk beside it on the model's word either
                junk = np.zeros_like(junk)
                notes += (UNKNOWN_LANGUAGE,)
            verdicts = decide(doc.blocks, junk, categories, threshold=self.config.threshold)
            if self.repeats is not None and sites is not None:
                verdicts, repeat_notes = with_repeats(verdicts, categories, self.repeats.of(sites[k], doc.blocks))
                notes += repeat_notes
            verdicts = with_figcaptions(whole.blocks, revise(doc.blocks, verdicts, categories))
            results.append(emit(whole, verdicts, keep=self.config.keep, notes=notes))
        return results


@lru_cache(maxsize=4)
def _cleaner(config: Config) -> Cleaner:
    return Cleaner(config)


def clean(content: str | bytes, *, config: Config | None = None, **options: Any) -> CleanResult:
    """Clean one scraped article and report what was removed.

    Args:
        content: the article, as HTML or plain text, str or bytes.
        config: the options; or give them as keywords (threshold=, keep=, kind=, model_path=).

    Returns:
        A CleanResult: `.text` is the clean text, `.removed` the removed blocks,
        `.to_dict()` the JSON report.

    The model is loaded once per distinct config and kept for later calls.
    """
    if config is None:
        config = Config(**options)
    elif options:
        raise TypeError("give either config= or option keywords, not both")
    return _cleaner(config).clean(content)
