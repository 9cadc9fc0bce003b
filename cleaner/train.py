"""Fit the two-pass model on labelled documents, and measure a model on held-out ones."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy
import scipy.sparse as sp
import sklearn
import skops
from sklearn.decomposition import TruncatedSVD
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_info

from .config import Config
from .corpus import (
    APART_SHARE,
    JUNK,
    Example,
    Generator,
    Sources,
    bbc_articles,
    example_to_record,
    heldout,
    own_articles,
    read_examples,
    read_negatives,
    read_slots,
    read_templates,
    scrapinghub_html_pages,
    scrapinghub_junk_runs,
    scrapinghub_pages,
)
from .errors import CorpusError
from .features import (
    DENSE_NAMES,
    Projection,
    block_counts,
    block_features,
    context_features,
    document_sums,
    idf,
    stack,
    topic_coherence,
    topic_counts,
)
from .files import atomic_write
from .model import Model, category_proba
from .pipeline import BATCH_SIZE, Cleaner
from .segment import segment_text
from .types import ARTICLE, CATEGORIES, CleanResult

LOGGER = logging.getLogger(__name__)
#: Folds for the out-of-fold first-pass scores the second pass learns from.
FOLDS = 5
#: Inverse regularisation of the first-pass models (smaller: less trust in single words).
JUNK_C = 2.0
CATEGORY_C = 4.0
#: Generated documents per training article (BBC) and per own article.
PER_ARTICLE = 2
PER_OWN_ARTICLE = 6
#: Held-out documents per held-out article: one set of 273 moved junk F1 by ±0.015 from one
#: generator seed to the next; three per article give a steadier figure.
HELDOUT_PER_ARTICLE = 3
#: Latent topics, and how many training documents a topic word needs to be placed among them.
TOPIC_DIMENSIONS = 100
TOPIC_MIN_DOCUMENTS = 3


def fit(examples: Sequence[Example], *, seed: int = 0) -> Model:
    """Fit both passes; the second learns from out-of-fold first-pass scores."""
    if not examples:
        raise CorpusError("no training documents")
    docs = [e.doc for e in examples]
    labels = np.array([l for e in examples for l in e.labels])
    counts = topic_counts(docs)
    weights = idf(counts)
    sizes = block_counts(docs)
    words, dense, topic = block_features(docs, weights)  # topic coherence below, from the topics
    article = labels == ARTICLE
    topics = topic_projection(topic, article, sizes)
    # Fitted on a document's own article, latent topics find it more coherent than an unseen
    # one: each document's topic coherence comes from topics fitted without its article
    # (in-sample only for a corpus of one article).
    column = DENSE_NAMES.index("topic_coherence")
    articles = [e.group for e in examples]
    n_articles = len(set(articles))
    if n_articles < 2:
        dense[:, column] = topic_coherence(topic, sizes, topics)
    else:
        doc_of = np.repeat(np.arange(len(docs)), sizes)
        for train, test in GroupKFold(n_splits=min(FOLDS, n_articles)).split(docs, groups=articles):
            inside, outside = np.isin(doc_of, test), np.isin(doc_of, train)
            fold = topic_projection(topic[outside], article[outside], sizes[train])
            dense[inside, column] = topic_coherence(topic[inside], sizes[test], fold)
    first = stack(words, dense)
    junk = labels != ARTICLE
    known = np.isin(labels, CATEGORIES)
    if junk.all() or not junk.any() or not known.any():
        raise CorpusError("training documents need both article and junk blocks, and junk of known category")
    # Folds by source article, as the scores will be met: a document's first-pass scores
    # come from models that never saw its article (nor its page read the other way); by
    # document for a corpus of one article.
    # Off-topic paragraphs are article prose from another page: learned as junk by their words,
    # the words of every everyday subject would become junk. The first pass learns the other
    # categories' junk; whether prose is off the page's subject is the second pass's call,
    # from coherence.
    worded = labels != "offtopic"
    by = articles if n_articles > 1 else list(range(len(examples)))
    groups = np.repeat(np.array(by), sizes)
    oof_junk = np.zeros(len(labels))
    oof_cats = np.zeros((len(labels), len(CATEGORIES)))
    for train, test in GroupKFold(n_splits=min(FOLDS, len(set(by)))).split(first, junk, groups):
        junk_train = train[worded[train]]
        junk_model = _junk_estimator().fit(first[junk_train], junk[junk_train])
        oof_junk[test] = junk_model.predict_proba(first[test])[:, 1]
        cat_train = train[known[train]]
        oof_cats[test] = category_proba(_category_estimator().fit(first[cat_train], labels[cat_train]), first[test])
    # 150 trees: on the validation split as good as 300 at half the learning rate (junk F1 0.952,
    # retention 0.978 both) at half the scoring time (the estimators' largest cost per block).
    context = HistGradientBoostingClassifier(
        max_iter=150, learning_rate=0.16, max_leaf_nodes=31, l2_regularization=1.0,
        early_stopping=False, random_state=seed,
    ).fit(context_features(dense, topic, oof_junk, oof_cats, sizes), junk)
    return Model(
        junk=_junk_estimator().fit(first[worded], junk[worded]),
        category=_category_estimator().fit(first[known], labels[known]),
        context=context,
        idf=weights,
        topics=topics,
    )


def topic_projection(topic: sp.csr_matrix, article: np.ndarray, sizes: np.ndarray) -> Projection:
    """Latent semantic analysis of the training documents' article text (one row a document,
    the sum of its article blocks' topic vectors from `block_features`): which words go
    together in articles, so that a paragraph can be told to be off the page's subject when
    it shares no word with it."""
    owner = document_sums(np.repeat(np.arange(len(sizes)), sizes), article.astype(np.float64), len(sizes))
    documents = normalize(owner @ topic).tocsr()
    columns = np.flatnonzero(np.bincount(documents.indices, minlength=topic.shape[1]) >= TOPIC_MIN_DOCUMENTS)
    dimensions = min(TOPIC_DIMENSIONS, len(columns), len(sizes))  # fewer for a tiny corpus
    if len(columns) < 2:  # no two words to relate
        return Projection(columns[:0], np.zeros((0, 0)))
    svd = TruncatedSVD(n_components=dimensions, random_state=0).fit(documents[:, columns])
    return Projection(columns, svd.components_.astype(np.float16).astype(np.float64))  # as stored


def _junk_estimator() -> LogisticRegression:
    # liblinear shuffles: a fixed random_state keeps `clean train` deterministic
    return LogisticRegression(C=JUNK_C, solver="liblinear", max_iter=2000, random_state=0)


def _category_estimator() -> LogisticRegression:
    return LogisticRegression(C=CATEGORY_C, solver="lbfgs", max_iter=1000, random_state=0)


# --- evaluation ----------------------------------------------------------------------------


def clean_examples(cleaner: Cleaner, examples: Sequence[Example]) -> list[CleanResult]:
    """Clean labelled documents, in batches as `Cleaner.clean_many` makes them."""
    return [
        result for start in range(0, len(examples), BATCH_SIZE)
        for result in cleaner.clean_documents([e.doc for e in examples[start : start + BATCH_SIZE]])
    ]


def predict_labels(cleaner: Cleaner, examples: Sequence[Example]) -> list[tuple[str, ...]]:
    """The label cleaner gives each block (article or a category)."""
    return labels_of(examples, clean_examples(cleaner, examples))


def labels_of(examples: Sequence[Example], results: Sequence[CleanResult]) -> list[tuple[str, ...]]:
    """The label each block got in `results` (article or the category it was removed as)."""
    out = []
    for e, result in zip(examples, results):
        removed = {r.index: r.category for r in result.removed}
        out.append(tuple(removed.get(i, ARTICLE) for i in range(len(e.labels))))
    return out


def errors(examples: Sequence[Example], results: Sequence[CleanResult]) -> Iterator[str]:
    """A line for each block cleaner got wrong: an article block removed (with its category,
    score and reason) or a junk block kept."""
    for e, result in zip(examples, results):
        removed = {r.index: r for r in result.removed}
        for i, (block, label) in enumerate(zip(e.doc.blocks, e.labels)):
            r = removed.get(i)
            if label == ARTICLE and r is not None:
                yield f"lost {e.id} block {i}: {r.category} {r.score:.2f} {r.reason}: {block.text[:100]!r}"
            elif label not in (ARTICLE, None) and r is None:
                yield f"kept {e.id} block {i}: {label}: {block.text[:100]!r}"


def metrics(examples: Sequence[Example], predicted: Sequence[tuple[str, ...]]) -> dict[str, Any]:
    """Per-category precision/recall/F1, junk-line F1, article retention, perfect documents.

    Blocks labelled None are ignored ("either" lines); `junk` of unknown category counts for
    the junk-line scores only.
    """
    pairs = [(t, p) for e, pred in zip(examples, predicted) for t, p in zip(e.labels, pred) if t is not None]
    truth = np.array([t for t, _ in pairs])
    pred = np.array([p for _, p in pairs])
    is_junk, said_junk = truth != ARTICLE, pred != ARTICLE
    tp = int((is_junk & said_junk).sum())
    out: dict[str, Any] = {
        "documents": len(examples),
        "blocks": len(pairs),
        "junk_blocks": int(is_junk.sum()),
        "junk_precision": _ratio(tp, int(said_junk.sum())),
        "junk_recall": _ratio(tp, int(is_junk.sum())),
    }
    out["junk_f1"] = _f1(out["junk_precision"], out["junk_recall"])
    articles = ~is_junk
    out["article_retention"] = _ratio(int((articles & ~said_junk).sum()), int(articles.sum()))
    perfect = sum(
        all((t != ARTICLE) == (p != ARTICLE) for t, p in zip(e.labels, pr) if t is not None)
        for e, pr in zip(examples, predicted)
    )
    out["perfect_documents"] = _ratio(perfect, len(examples))
    per_category = {}
    # every category, those with no true blocks too: an article line removed as one counts against it
    for category in CATEGORIES:
        relevant = truth == category
        chosen = pred == category
        hit = int((relevant & chosen).sum())
        # a junk block of unknown category said to be `category` is neither right nor wrong
        judged = chosen & (truth != JUNK)
        precision, recall = _ratio(hit, int(judged.sum())), _ratio(hit, int(relevant.sum()))
        per_category[category] = {
            "precision": precision, "recall": recall, "f1": _f1(precision, recall), "support": int(relevant.sum()),
        }
    out["categories"] = per_category
    return out


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 1.0


def _f1(p: float, r: float) -> float:
    return round(2 * p * r / (p + r), 4) if p + r else 0.0


def expected_examples(folder: Path) -> list[Example]:
    """A folder of texts with an expected.json (keep / remove / either lines) as examples.

    Every listed line must be a block of its text: a line that matches none is an error, not
    a line left out of the scores.
    """
    path = folder / "expected.json"
    try:
        expected = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CorpusError(f"{path}: {error}") from error
    if not isinstance(expected, dict):
        raise CorpusError(f"{path}: expected an object of text file name: {{'keep': [...], 'remove': [...]}}")
    examples = []
    for name, spec in sorted(expected.items()):
        where = f"{path}: {name}"
        lines = expected_lines(spec, where=where)
        try:
            doc = segment_text((folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CorpusError(f"{where}: cannot read the text file: {error}") from error
        blocks = {_norm(b.text) for b in doc.blocks}
        for entry, line, _ in lines:
            if _norm(line) not in blocks:
                raise CorpusError(f"{where}: {entry} matches no block of the text: {line[:80]!r}")
        label_of = {_norm(line): label for _, line, label in lines}
        labels: tuple[Any, ...] = tuple(label_of.get(_norm(b.text)) for b in doc.blocks)  # None: not scored
        examples.append(Example(name, doc, labels, name))
    return examples


#: The label of a line listed under `keep` or `either` in expected.json (None: either way).
_LABEL = {"keep": ARTICLE, "either": None}


def expected_lines(spec: Any, *, where: str) -> list[tuple[str, str, str | None]]:
    """(entry, line, label) of one text's keep / remove / either lists; label None: either way.

    A line both kept and removed is kept: keep comes last.

    >>> expected_lines({"keep": ["Title"], "remove": [{"text": "Share", "category": "social"}]}, where="e")
    [('remove[0]', 'Share', 'social'), ('keep[0]', 'Title', 'article')]
    """
    if not isinstance(spec, dict) or not set(spec) <= {"keep", "remove", "either"}:
        raise CorpusError(f"{where}: expected an object with 'keep', 'remove' and 'either' lists")
    lines: list[tuple[str, str, str | None]] = []
    for key in ("either", "remove", "keep"):
        entries = spec.get(key, [])
        if not isinstance(entries, list):
            raise CorpusError(f"{where}: '{key}' must be a list")
        for k, entry in enumerate(entries):
            if key == "remove" and not (isinstance(entry, dict) and entry.get("category") in CATEGORIES):
                raise CorpusError(f"{where}: remove[{k}] must be "
                                  f"{{\"text\": line, \"category\": one of {', '.join(CATEGORIES)}}}")
            text, label = (entry.get("text"), entry["category"]) if key == "remove" else (entry, _LABEL[key])
            if not isinstance(text, str):
                raise CorpusError(f"{where}: {key}[{k}] must be a line of text")
            lines.append((f"{key}[{k}]", text, label))
    return lines


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def read_labelled(path: Path) -> list[Example]:
    """Labelled documents from a corpus JSONL file (.jsonl or .jsonl.gz), a folder of them, or an
    expected.json folder."""
    if path.is_dir() and (path / "expected.json").is_file():
        examples = expected_examples(path)
    elif path.is_dir():
        files = sorted(f for pattern in ("*.jsonl", "*.jsonl.gz") for f in path.glob(pattern))
        examples = [e for f in files for e in read_examples(f)]
    elif path.exists():
        examples = read_examples(path)
    else:
        raise CorpusError(f"{path}: no such file or folder")
    if not examples:
        raise CorpusError(f"no labelled documents in {path} (a corpus .jsonl or .jsonl.gz file, a folder of "
                          "them, or a folder of texts with an expected.json)")
    return examples


# --- the whole training run ----------------------------------------------------------------


@dataclass(frozen=True)
class TrainingSets:
    train: list[Example]
    heldout: list[Example]
    scrapinghub_test: list[Example]
    description: dict[str, Any]


#: What the public data folder holds: BBC articles and the scrapinghub benchmark.
DATA_PARTS = (
    "bbc", "scrapinghub", "scrapinghub/lines.jsonl.gz", "scrapinghub/html", "scrapinghub/ground-truth.json",
    "scrapinghub/split.json",
)


def check_data(data: Path) -> None:
    """Refuse a public data folder that lacks a part: training would quietly do without it."""
    missing: list[str] = []
    for part in DATA_PARTS:  # a missing folder, not each file it should hold
        if not (data / part).exists() and part.split("/")[0] not in missing:
            missing.append(part)
    if missing:
        raise CorpusError(f"{data}: no {', no '.join(missing)}; --data must be the public data folder "
                          "(bbc/ and scrapinghub/)")


def training_sets(
    corpus: Path, data: Path | None, *, seed: int = 0, validation: bool = False
) -> TrainingSets:
    """Compose training and held-out documents; articles and templates are split by hash.

    `data` is the public data folder (bbc/ and scrapinghub/, see DATA_PARTS); None trains on
    the corpus alone (tests, small experiments).

    With `validation`, the test articles and templates are left out altogether, and the
    held-out documents come from a validation share of the training ones (and of the
    scrapinghub train pages): the split to choose features and settings on.
    """
    def split(key: str) -> bool | None:
        """True: held out; False: trained on; None: not used."""
        if not validation:
            return heldout(key)
        return None if heldout(key) else heldout("val/" + key)

    def validation_page(group: str) -> bool:
        """With `validation`, a scrapinghub train page measured on: none of it is trained on."""
        return validation and heldout("val/" + group)

    if data is not None:
        check_data(data)
    slots = read_slots(corpus)
    templates = read_templates(corpus, slots)
    articles = own_articles(corpus) + (bbc_articles(data / "bbc") if data else [])
    if not articles:
        where = f"{corpus / 'articles'}" + (f" or {data / 'bbc'}" if data else "")
        raise CorpusError(f"no articles found in {where}")
    train_articles = [a for a in articles if split(a.id) is False]
    test_articles = [a for a in articles if split(a.id)]
    train_templates = [t for t in templates if split(t.id) is False]
    test_templates = [t for t in templates if split(t.id)]
    scrapinghub = data / "scrapinghub" if data else None
    runs = scrapinghub_junk_runs(scrapinghub, split="train") if scrapinghub else []
    runs = [r for r in runs if not validation_page(r.group)]
    # Hard negatives are few: inserted into held-out documents they would be counted many
    # times over, so the held-out documents are made without them.
    negatives = {lang: [t for t in texts if split(t) is False] for lang, texts in read_negatives(corpus).items()}
    generator = Generator(Sources(train_articles, train_templates, slots, runs, negatives), seed=seed, apart=APART_SHARE)
    train = list(generator.documents([a for a in train_articles if a.topic != "own"], per_article=PER_ARTICLE))
    train += generator.documents([a for a in train_articles if a.topic == "own"], per_article=PER_OWN_ARTICLE)
    # Each page twice: as trafilatura's lines (the plain-text look of scraped pages) and
    # through cleaner's own HTML path, cues and all, as `clean` serves it (one group: one fold).
    lines = scrapinghub_pages(scrapinghub, split="train") if scrapinghub else []
    pages = scrapinghub_html_pages(scrapinghub, split="train") if scrapinghub else []
    if validation:
        scrapinghub_test = [e for e in lines if validation_page(e.group)]
    else:
        scrapinghub_test = scrapinghub_pages(scrapinghub, split="test") if scrapinghub else []
    lines = [e for e in lines if not validation_page(e.group)]
    pages = [e for e in pages if not validation_page(e.group)]
    train += lines + pages
    for path in sorted((corpus / "docs").glob("*.jsonl")):
        train += read_examples(path)
    test_generator = Generator(Sources(test_articles, test_templates, slots, []), seed=seed + 1)
    test = list(test_generator.documents(test_articles, per_article=HELDOUT_PER_ARTICLE))
    description = {
        "articles": f"{len(train_articles)} train, {len(test_articles)} held out (bbc + corpus/articles)",
        "templates": f"{len(train_templates)} train, {len(test_templates)} held out (corpus/junk)",
        "scrapinghub": (
            f"{len(lines)} train pages as traf_recall lines, {len(pages)} through the HTML path, "
            f"{len(runs)} junk runs from train pages"
        ),
        "documents": f"{len(train)} training, {len(test)} held-out generated",
    }
    return TrainingSets(train, test, scrapinghub_test, description)


def corpus_digest(corpus: Path) -> str:
    """SHA-256 over every file of the corpus, names included."""
    digest = hashlib.sha256()
    for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(corpus)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def train(
    corpus: Path, data: Path | None, *, seed: int = 0, seeds: Path | None = None, validation: bool = False,
    heldout_path: Path | None = None,
) -> tuple[Model, dict[str, Any]]:
    """Train a model and measure it; returns the model (with its card) and the metrics.

    With `validation`, train without the test split and measure on the validation split
    (see `training_sets`): for choosing, never for shipping. `heldout_path` receives the
    generated documents measured on, as corpus JSONL (for `clean eval --errors`).
    """
    sets = training_sets(corpus, data, seed=seed, validation=validation)
    # the seeds are read before training, so that a bad expected.json fails at once
    seed_examples = expected_examples(seeds) if seeds and (seeds / "expected.json").is_file() else []
    if heldout_path is not None:
        records = (json.dumps(example_to_record(e), ensure_ascii=False) + "\n" for e in sets.heldout)
        atomic_write(heldout_path, "".join(records))
    LOGGER.info("training on %s", sets.description)
    model = fit(sets.train, seed=seed)
    cleaner = Cleaner(Config(), model=model)
    held, pages = "heldout_generated", "scrapinghub_test_lines"
    if validation:
        held, pages = "validation_generated", "scrapinghub_validation_lines"
    results = {held: metrics(sets.heldout, predict_labels(cleaner, sets.heldout))}
    if sets.scrapinghub_test:
        results[pages] = metrics(sets.scrapinghub_test, predict_labels(cleaner, sets.scrapinghub_test))
    if seed_examples:
        results["seeds"] = metrics(seed_examples, predict_labels(cleaner, seed_examples))
    card = {
        "created_by": "clean train",
        "sklearn": sklearn.__version__,
        "skops": skops.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        # the same code, data and versions give the same model bytes only on the same BLAS kernel
        "blas": sorted({
            f"{i['internal_api']} {i.get('version')} {i.get('architecture')}"
            for i in threadpool_info() if i["user_api"] == "blas"
        }),
        "corpus_digest": corpus_digest(corpus),
        "training_data": sets.description,
        "seed": seed,
        "validation": validation,
        "threshold": Config().threshold,
        "metrics": results,
    }
    return dataclasses.replace(model, card=card), results
