"""The block classifier: two passes of scikit-learn estimators, stored as a skops file with its card.

Pass one scores every block alone (hashed words beside shape, position and coherence
features); pass two revises each score with the neighbours' first-pass scores. Loading
never runs code from the file: the SHA-256 in the card is checked first, then skops loads
only the types listed in TRUSTED_TYPES.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
import skops.io as sio
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from threadpoolctl import ThreadpoolController

from .errors import ModelError
from .features import (
    CONTEXT_NAMES, DENSE_NAMES, FEATURE_VERSION, TOPIC_FEATURES, WORD_FEATURES, Projection, block_counts,
    block_features, context_features, stack,
)
from .files import atomic_write_all
from .types import CATEGORIES, Document

#: The only types a model file may contain besides skops' own defaults.
TRUSTED_TYPES: tuple[str, ...] = (
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
    "sklearn._loss.loss.HalfBinomialLoss",
    "sklearn._loss.link.LogitLink",
    "sklearn._loss.link.Interval",
    "sklearn._loss._loss.CyHalfBinomialLoss",
    "collections.OrderedDict",
    "numpy.ndarray",
    "numpy.dtype",
    "numpy.float64",
    "numpy.int64",
    "numpy.uint8",
    "builtins.slice",
)
#: What a model file holds.
_PARTS = frozenset({"junk", "category", "context", "idf", "topic_columns", "topic_components"})
#: Where the shipped model lives, in the wheel and in a source checkout.
MODEL_NAME = "default.skops"
_PACKAGED = Path(__file__).resolve().parent / "models"
_SOURCE = Path(__file__).resolve().parent.parent / "models"


def default_model_path() -> Path:
    """The shipped model: inside the installed package, else in the source tree's models/."""
    packaged = _PACKAGED / MODEL_NAME
    return packaged if packaged.exists() else _SOURCE / MODEL_NAME


def card_path(model: Path) -> Path:
    """The model card beside a model file: default.skops → default.card.json."""
    return model.with_name(model.stem + ".card.json")


@dataclass(frozen=True)
class Model:
    """The fitted estimators of both passes and the card that describes them."""

    junk: LogisticRegression
    category: LogisticRegression
    context: HistGradientBoostingClassifier
    idf: np.ndarray
    topics: Projection
    card: dict[str, Any] = field(default_factory=dict)

    def score(self, docs: Sequence[Document]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per document: the junk score of each block and its category probabilities."""
        # One thread: a batch is a few thousand rows, too few to share out, and OpenMP or BLAS
        # threads that wait for each other make a busy machine (or N workers on N cores) crawl:
        # 6 → 25 documents/s measured with the other core loaded.
        with _threads().limit(limits=1):
            return self._score(docs)

    def _score(self, docs: Sequence[Document]) -> list[tuple[np.ndarray, np.ndarray]]:
        sizes = block_counts(docs)
        if not sizes.sum():
            return [(np.zeros(0), np.zeros((0, len(CATEGORIES)))) for _ in docs]
        words, dense, topic = block_features(docs, self.idf, self.topics)
        first = stack(words, dense)
        junk = self.junk.predict_proba(first)[:, 1]
        cats = category_proba(self.category, first)
        final = self.context.predict_proba(context_features(dense, topic, junk, cats, sizes))[:, 1]
        bounds = np.cumsum(sizes)[:-1]
        return list(zip(np.split(final, bounds), np.split(cats, bounds)))


@lru_cache(maxsize=1)
def _threads() -> ThreadpoolController:
    return ThreadpoolController()


def category_proba(model: LogisticRegression, x: sp.csr_matrix) -> np.ndarray:
    """Category probabilities with columns in CATEGORIES order."""
    proba = model.predict_proba(x)
    out = np.zeros((x.shape[0], len(CATEGORIES)))
    for j, label in enumerate(model.classes_):
        out[:, CATEGORIES.index(str(label))] = proba[:, j]
    return out


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save(model: Model, path: Path) -> None:
    """Write the model file (byte-identical for identical estimators) and its card.

    All three files are made in memory and written to temporary names before any is renamed
    into place: a save that fails while writing (a full disk) leaves the model and card that
    were there, never a model beside a card that does not describe it, or a file cut short.
    """
    buffer = io.BytesIO()
    parts = {"junk": model.junk, "category": model.category, "context": model.context, "idf": model.idf}
    parts.update(topic_columns=model.topics.columns, topic_components=model.topics.components.astype(np.float16))
    sio.dump(parts, buffer)
    data = _fixed_zip(buffer.getvalue())
    card = dict(model.card, sha256=hashlib.sha256(data).hexdigest(), feature_version=FEATURE_VERSION, file=path.name)
    try:
        atomic_write_all({
            path: data,
            card_path(path): json.dumps(card, indent=1, sort_keys=True) + "\n",
            card_path(path).with_suffix(".md"): card_markdown(card),
        })
    except OSError as error:
        raise ModelError(f"{path}: cannot save the model and its card: {error.strerror or error}") from error


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a skops zip so that the same model gives the same bytes.

    skops stamps the time on every entry and names objects and array files after their
    memory addresses (`__id__`, `<address>.npy`), which change from run to run. Timestamps
    are fixed, and addresses renumbered in order of first appearance, which keeps the links.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        files: dict[str, str] = {}
        schema = _renumbered(json.loads(src.read("schema.json")), {}, files)
        entries = {"schema.json": json.dumps(schema, indent=2).encode("utf-8")}
        entries.update({new: src.read(old) for old, new in files.items()})
        unknown = set(src.namelist()) - set(files) - {"schema.json"}
        entries.update({name: src.read(name) for name in unknown})
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, entries[name])
    return out.getvalue()


def _renumbered(node: Any, ids: dict[int, int], files: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "__id__":
                out[key] = ids.setdefault(value, len(ids) + 1)
            elif key == "file" and isinstance(value, str):
                out[key] = files.setdefault(value, f"{len(files) + 1:06d}{Path(value).suffix}")
            else:
                out[key] = _renumbered(value, ids, files)
        return out
    if isinstance(node, list):
        return [_renumbered(v, ids, files) for v in node]
    return node


def load(path: Path) -> Model:
    """Load a model file after checking its card, its hash and the types it asks for."""
    if not path.is_file():
        raise ModelError(f"{path}: model file not found")
    card_file = card_path(path)
    if not card_file.is_file():
        raise ModelError(f"{path}: model card {card_file.name} not found beside it; refusing an unchecked model")
    try:
        card = json.loads(card_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelError(f"{card_file}: unreadable model card: {error}") from error
    if not isinstance(card, dict):
        raise ModelError(f"{card_file}: unreadable model card: not a JSON object")
    digest = sha256(path)
    if card.get("sha256") != digest:
        raise ModelError(
            f"{path}: SHA-256 {digest} does not match its card ({card.get('sha256')}); the file was"
            " altered, or a save was cut off between the model and its card: train or copy it again"
        )
    if card.get("feature_version") != FEATURE_VERSION:
        raise ModelError(
            f"{path}: trained for feature set {card.get('feature_version')}, this cleaner computes "
            f"{FEATURE_VERSION}; retrain it with `clean train`"
        )
    if not zipfile.is_zipfile(path):
        raise ModelError(f"{path}: not a skops model file (unknown format)")
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as error:  # skops raises many kinds on a corrupt file
        raise ModelError(f"{path}: unreadable skops file: {error}") from error
    refused = sorted(set(untrusted) - set(TRUSTED_TYPES))
    if refused:
        raise ModelError(f"{path}: refusing to load untrusted types: {', '.join(refused)}")
    try:
        parts = sio.load(path, trusted=list(TRUSTED_TYPES))
    except Exception as error:
        raise ModelError(f"{path}: could not load the model: {error}") from error
    if not isinstance(parts, dict) or set(parts) != _PARTS:
        raise ModelError(f"{path}: not a cleaner model (expected {', '.join(sorted(_PARTS))})")
    problem = _misshapen(parts)
    if problem:
        raise ModelError(f"{path}: not a cleaner model: {problem}")
    topics = Projection(parts["topic_columns"], parts["topic_components"].astype(np.float64))
    return Model(parts["junk"], parts["category"], parts["context"], parts["idf"], topics, card)


def _misshapen(parts: dict[str, Any]) -> str | None:
    """What is wrong with the loaded parts of a model file, or None.

    skops builds only trusted types, but their contents are the file's: a tree whose node
    points outside its array makes scikit-learn's compiled predictor read (or, for category
    bitsets, write) out of bounds, and a wrong shape fails deep inside a run. Each part is
    checked against what `fit` makes: its type, its shapes, and trees whose every split
    points forward inside the tree (so that prediction ends) on a known feature, with no
    categorical splits.
    """
    junk, category, context = parts["junk"], parts["category"], parts["context"]
    columns, components, idf = parts["topic_columns"], parts["topic_components"], parts["idf"]
    first, second = WORD_FEATURES + len(DENSE_NAMES), len(CONTEXT_NAMES) + len(DENSE_NAMES)
    if not (isinstance(junk, LogisticRegression) and isinstance(category, LogisticRegression)):
        return "its first-pass models are not logistic regressions"
    if getattr(junk, "coef_", np.empty(0)).shape != (1, first) or getattr(junk, "intercept_", np.empty(0)).shape != (1,):
        return f"its junk model does not read {first} features"
    classes = [str(c) for c in getattr(category, "classes_", [])]
    if not classes or not set(classes) <= set(CATEGORIES) or getattr(category, "coef_", np.empty(0)).shape[-1:] != (first,):
        return "its category model does not read the features or name the categories of this cleaner"
    if not isinstance(context, HistGradientBoostingClassifier) or getattr(context, "n_features_in_", None) != second:
        return f"its second pass is not a boosted-trees model of {second} features"
    if context.n_trees_per_iteration_ != 1 or context.is_categorical_ is not None or np.any(context._bin_mapper.is_categorical_):
        return "its second pass is not a binary model of numeric features"
    for (tree,) in context._predictors:
        nodes = tree.nodes
        index = np.arange(len(nodes))
        split = nodes["is_leaf"] == 0
        for child in ("left", "right"):
            if np.any((nodes[child][split] <= index[split]) | (nodes[child][split] >= len(nodes))):
                return "a tree of its second pass has a split that points outside the tree"
        if np.any(nodes["feature_idx"][split] >= second) or np.any(nodes["is_categorical"]):
            return "a tree of its second pass splits on an unknown or categorical feature"
    if not (isinstance(idf, np.ndarray) and idf.shape == (TOPIC_FEATURES,)):
        return "its idf weights are not one per topic word"
    if not (isinstance(columns, np.ndarray) and columns.ndim == 1 and columns.dtype.kind in "iu"
            and np.all((columns >= 0) & (columns < TOPIC_FEATURES))):
        return "its topic columns are not topic words"
    if not (isinstance(components, np.ndarray) and components.ndim == 2 and components.shape[1] == len(columns)):
        return "its latent topics do not match its topic columns"
    return None


def card_markdown(card: dict[str, Any]) -> str:
    """A short human rendering of the model card."""
    lines = [f"# Model card: {card.get('file', 'model')}", ""]
    for key in (
        "created_by", "sklearn", "skops", "numpy", "scipy", "blas", "feature_version", "corpus_digest", "sha256",
        "threshold",
    ):
        if key in card:
            lines.append(f"- **{key}**: `{card[key]}`")
    if card.get("training_data"):
        lines += ["", "## Training data", ""]
        lines += [f"- {name}: {value}" for name, value in card["training_data"].items()]
    for split, metrics in card.get("metrics", {}).items():
        lines += ["", f"## Held-out metrics: {split}", "", "| metric | value |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in metrics.items() if not isinstance(v, dict)]
    return "\n".join(lines) + "\n"
