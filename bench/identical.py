"""Byte-identity check for speed work: the same inputs must give the same outputs, bit for bit.

    python bench/identical.py save REFERENCE   # with the code before the change
    python bench/identical.py check REFERENCE  # after it: exit status 1 on any difference

The inputs are composed once, deterministically, and stored in the reference file with the
outputs, so that a check reads the very texts the reference was made from:

- the seeds (tests/fixtures/seeds);
- BBC articles (../shared/data/bbc) with junk lines of the scrapinghub pages and stock web
  strings mixed in, with varied line ends, bullets, symbols, and some in other languages;
- the plain text of the scrapinghub pages, as the lines of `lines.jsonl.gz` (both sources);
- a few odd texts (empty, blanks, control of the character classes).

Compared: each document's clean text and full report (`CleanResult.to_dict()`), the model's
junk scores and category probabilities (exact floats), and the matrices of
`features.block_features` in the batches that `clean_many` makes (structure and values).
"""

from __future__ import annotations

import argparse
import gzip
import json
import pickle
import random
import sys
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DATA = REPO / ".." / "shared" / "data"
SEEDS = REPO / "tests" / "fixtures" / "seeds"
BBC_DOCS = 500
STOCK_JUNK = (
    "Leave a Reply", "Advertisement", "REUTERS/Marton Monus", "Reuters", "Related Articles",
    "Read more:", "Share this article", "Subscribe to our newsletter!", "Click here to sign up",
    "• Works on mobile", "• Works offline", "1. Download the app", "- Follow us on Twitter",
    "Your email address will not be published. Required fields are marked *",
    "Ad blocker detected: please whitelist our site", "Photo: AP", "Getty Images",
    "Follow @bbcsport 🎉🎉 on Twitter →", "© 2020 All rights reserved | Privacy / Terms",
    "Contact us at news@example.co.uk or visit https://www.example.com",
    "YOU MAY ALSO LIKE", "Most Popular", "Sponsored", "Comments (12)", "Tweet", "Pin it",
    "İstanbul'da ÇAĞLAR sprach mit Ωmega über ǅemal: 3² ⅫX — “quoted”",
)
FOREIGN = (
    "Il consiglio comunale ha approvato il bilancio lunedì sera dopo una lunga discussione sui "
    "lavori stradali, sulle biblioteche e sugli orari dei musei civici.",
    "O governo anunciou nesta segunda-feira um novo pacote de medidas para a economia, com cortes "
    "de impostos e investimentos em infraestrutura nas regiões do interior.",
    "東京都は月曜日、新しい予算案を発表した。図書館と博物館の開館時間が延長される。",
    "Правительство объявило в понедельник о новом пакете мер для экономики страны.",
)
ODD_TEXTS = (
    "", "  \n\n ", "Leave a Reply", "Title\n\nLeave a Reply\n\nLeave a Reply",
    "• Works on mobile\n• Works offline\nSubscribe now!",
    "ǅ ǅǅǅ Ⅻabc\u2028x\u00a0y\tz \n𝐀𝐁c 𝟙\n\ufeffBOM line\n\u00adsoft\u200bhyphen",
)


def junk_lines() -> list[str]:
    """The lines of the scrapinghub pages labelled junk (both sources)."""
    with gzip.open(DATA / "scrapinghub" / "lines.jsonl.gz", "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    return [r["text"] for r in rows if r["label"] == "junk"]


def page_texts() -> list[str]:
    """Each scrapinghub page as plain text, once per source: its lines in order."""
    pages: dict[tuple[str, str], list[tuple[int, str]]] = {}
    with gzip.open(DATA / "scrapinghub" / "lines.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            pages.setdefault((row["page_id"], row["source"]), []).append((row["position"], row["text"]))
    separators = ("\n", "\n\n")
    return [separators[k % 2].join(t for _, t in sorted(lines)) for k, (_, lines) in enumerate(sorted(pages.items()))]


def composed(rng: random.Random, article: str, junk: list[str]) -> str:
    """A BBC article with junk lines put in at random places, in a random layout."""
    lines = [line for line in article.splitlines() if line.strip()]
    for _ in range(rng.randint(0, 12)):
        pool = STOCK_JUNK if rng.random() < 0.4 else junk
        lines.insert(rng.randint(0, len(lines)), rng.choice(pool))
    if rng.random() < 0.1:
        lines.insert(rng.randint(0, len(lines)), rng.choice(FOREIGN))
    if rng.random() < 0.05:  # a whole document in another language
        lines = [rng.choice(FOREIGN) for _ in range(rng.randint(1, 8))]
    if rng.random() < 0.1:  # indented or bulleted lines
        lines = [("  • " if rng.random() < 0.3 else "   ") + line for line in lines]
    separator = rng.choice(("\n", "\n\n", "\n\n", "\r\n", "\n \n"))
    return separator.join(lines) + rng.choice(("", "\n", "\n\n"))


def inputs() -> list[str | bytes]:
    """The fixed inputs of the check (built once, then read from the reference)."""
    rng = random.Random(20261123)
    seeds = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    articles = sorted((DATA / "bbc").glob("*/*.txt"))
    junk = junk_lines()
    bbc = [composed(rng, p.read_text("utf-8", errors="replace"), junk) for p in rng.sample(articles, BBC_DOCS)]
    as_bytes: list[str | bytes] = [text.encode("utf-8") for text in bbc[:10]]
    return [*seeds, *bbc, *page_texts(), *ODD_TEXTS, *as_bytes]


def outputs(contents: list[str | bytes]) -> dict[str, Any]:
    """Everything compared: results, scores and feature matrices."""
    from cleaner import Cleaner
    from cleaner.features import block_features
    from cleaner.pipeline import BATCH_SIZE, prepare

    cleaner = Cleaner()
    results = [(r.text, json.dumps(r.to_dict(), ensure_ascii=False, sort_keys=True)) for r in cleaner.clean_many(contents)]
    scores, matrices = [], []
    for start in range(0, len(contents), BATCH_SIZE):
        docs = [prepare(c, config=cleaner.config) for c in contents[start:start + BATCH_SIZE]]
        words, dense, topic = block_features(docs, cleaner.model.idf, cleaner.model.topics)
        matrices.append((csr_parts(words), dense.copy(), csr_parts(topic)))
        scores.extend(cleaner.model.score(docs))
    return {"results": results, "scores": scores, "features": matrices}


def csr_parts(matrix: sp.csr_matrix) -> tuple[tuple[int, int], np.ndarray, np.ndarray, np.ndarray]:
    """A CSR matrix as it is laid out: shape, indptr, indices, data."""
    m = sp.csr_matrix(matrix)
    return m.shape, m.indptr.copy(), m.indices.copy(), m.data.copy()


def same_array(a: np.ndarray, b: np.ndarray) -> bool:
    """Same shape, dtype and bits."""
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def differences(reference: dict[str, Any], now: dict[str, Any], contents: list[str | bytes]) -> list[str]:
    out = []
    if len(reference["results"]) != len(now["results"]):
        return [f"{len(now['results'])} results, reference {len(reference['results'])}"]
    for k, (old, new) in enumerate(zip(reference["results"], now["results"])):
        if old != new:
            out.append(f"document {k}: result differs ({str(contents[k])[:60]!r})")
    for k, ((j0, c0), (j1, c1)) in enumerate(zip(reference["scores"], now["scores"])):
        if not (same_array(j0, j1) and same_array(c0, c1)):
            out.append(f"document {k}: scores differ")
    for b, (old, new) in enumerate(zip(reference["features"], now["features"])):
        for name, x, y in (("words", old[0], new[0]), ("topic", old[2], new[2])):
            if x[0] != y[0] or not all(same_array(p, q) for p, q in zip(x[1:], y[1:])):
                out.append(f"batch {b}: {name} matrix differs")
        if not same_array(old[1], new[1]):
            columns = np.flatnonzero((old[1] != new[1]).any(axis=0)) if old[1].shape == new[1].shape else "shape"
            out.append(f"batch {b}: dense features differ (columns {columns})")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=["save", "check"])
    parser.add_argument("reference", type=Path)
    args = parser.parse_args(argv)
    if args.action == "save":
        contents = inputs()
        with gzip.open(args.reference, "wb") as handle:
            pickle.dump({"contents": contents, **outputs(contents)}, handle)
        print(f"saved {len(contents)} documents to {args.reference}")
        return 0
    with gzip.open(args.reference, "rb") as handle:
        reference = pickle.load(handle)
    contents = reference["contents"]
    found = differences(reference, outputs(contents), contents)
    for line in found[:40]:
        print(line)
    blocks = sum(len(s[0]) for s in reference["scores"])
    print(f"{'DIFFERENT' if found else 'identical'}: {len(contents)} documents, {blocks} blocks, "
          f"{len(reference['features'])} feature batches, {len(found)} differences")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
