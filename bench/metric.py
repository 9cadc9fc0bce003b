"""The scrapinghub article-extraction-benchmark metric, reimplemented.

Follows ``evaluate.py`` of github.com/scrapinghub/article-extraction-benchmark:

* Tokens are the matches of the regex ``\\w+`` (Unicode word characters), *not* a
  whitespace split: punctuation is dropped and also splits words ("don't" -> "don", "t";
  "U.S." -> "U", "S"). Case is kept: the original passes ``re.IGNORECASE``, which has no
  effect on ``\\w``, so "The" and "the" are different tokens.
* Shingles are the runs of 4 consecutive tokens. A text with fewer than 4 tokens gives one
  shorter shingle of all its tokens; an empty text gives none.
* Per page, truth and prediction shingles are compared as multisets: tp = shared count
  (Counter intersection), fp = extra predicted, fn = missing.
* Per-page precision and recall are averaged over pages; F1 comes from the two averages.
  A page enters the precision average only when tp + fp > 0 (the prediction has shingles)
  and the recall average only when tp + fn > 0 (the truth has shingles). So an empty
  prediction scores recall 0 and is left out of precision; an empty truth with a non-empty
  prediction scores precision 0 and is left out of recall; both empty counts for neither.

The original also divides each page's tp, fp and fn by their sum; that cannot change a
ratio, so it is left out here. Where the original would raise (no page eligible for an
average, or precision + recall == 0) these functions return 0.0.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

#: Shingle length of the benchmark.
SHINGLE_N = 4

_TOKEN_RE = re.compile(r"\w+")


class Counts(NamedTuple):
    """Matched (tp), extra (fp) and missing (fn) shingles of one page."""

    tp: int
    fp: int
    fn: int


class Scores(NamedTuple):
    """Precision and recall averaged over pages, and the F1 of those averages."""

    precision: float
    recall: float
    f1: float


def tokenize(text: str) -> list[str]:
    """Split text into ``\\w+`` tokens, case kept, punctuation dropped."""
    return _TOKEN_RE.findall(text or "")


def shingles(text: str, n: int = SHINGLE_N) -> Counter[tuple[str, ...]]:
    """Multiset of the n-token shingles of text (one short shingle if under n tokens)."""
    tokens = tokenize(text)
    # max(1, ...) is the original's: a 1..n-1 token text still yields one shingle.
    runs = (tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))
    return Counter(run for run in runs if run)


def page_counts(truth: str, prediction: str, n: int = SHINGLE_N) -> Counts:
    """tp, fp and fn of prediction's shingles against truth's, as multisets."""
    true, pred = shingles(truth, n), shingles(prediction, n)
    tp = sum((true & pred).values())
    return Counts(tp=tp, fp=pred.total() - tp, fn=true.total() - tp)


def precision(counts: Counts) -> float:
    """Page precision with the original's edge cases (both empty: 1, prediction empty: 0)."""
    tp, fp, fn = counts
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def recall(counts: Counts) -> float:
    """Page recall with the original's edge cases (both empty: 1, truth empty: 0)."""
    tp, fp, fn = counts
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def f1(p: float, r: float) -> float:
    """Harmonic mean of precision and recall, 0 when both are 0."""
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def _mean(values: list[float]) -> float:
    """Mean of values, 0 for none (where the original would raise)."""
    return statistics.fmean(values) if values else 0.0


def aggregate(pages: Iterable[Counts]) -> Scores:
    """Average page precision and recall over the eligible pages, then take F1."""
    pages = list(pages)
    p = _mean([precision(c) for c in pages if c.tp + c.fp > 0])
    r = _mean([recall(c) for c in pages if c.tp + c.fn > 0])
    return Scores(precision=p, recall=r, f1=f1(p, r))


def score(pairs: Iterable[tuple[str, str]], n: int = SHINGLE_N) -> Scores:
    """Benchmark scores of (truth, prediction) pairs; n=4 shingles, n=1 single tokens."""
    return aggregate(page_counts(truth, pred, n) for truth, pred in pairs)
