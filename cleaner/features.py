"""Block features: words, shape, position, topic coherence, repetition and context.

Everything here is a pure function of the documents (and, for the context features, of the
first-pass scores); nothing is learned, so the feature code is versioned by FEATURE_VERSION
and the fitted estimators alone go into the model file.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, HashingVectorizer
from sklearn.preprocessing import normalize

from .rules import first_match
from .segment import BULLET
from .types import CATEGORIES, Document

#: Bump when a feature changes: a model trained on other features is refused.
FEATURE_VERSION = "6"
#: Hashed word n-gram space (model size grows with it).
WORD_FEATURES = 2**18
#: Hashed content-word space for the coherence features.
TOPIC_FEATURES = 2**16

_WORD = re.compile(r"\w+", re.UNICODE)
_URL = re.compile(r"https?://|www\.|\.(com|org|net|co\.uk|io)\b", re.I)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.\w+")
_TERMINAL = tuple('.!?…"”’\')»')
_QUOTE = re.compile('["“”«»„]')
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
# ASCII and general punctuation; arrows, dingbats, pictographs and emoji (the unicodedata
# categories per character cost more than the rest of the features together).
_PUNCT = re.compile(r"[!-/:-@\[-`{-~\u00a1-\u00bf\u2010-\u205e\u3000-\u303f]")
_SYMBOL = re.compile(r"[\u2190-\u2bff\u2600-\u27bf\U0001f000-\U0001faff]")
_CTA = frozenset(
    "get claim click tap subscribe sign join follow share download buy shop watch read leave enter "
    "register log login try grab visit check order save discover learn see don't dont please "
    "unlock start play win earn install call book reserve apply upgrade continue allow accept "
    "disable deactivate turn whitelist listen tweet pin email like comment".split()
)
_SECOND_PERSON = frozenset("you your yours you're youre yourself".split())
_STOP = frozenset(ENGLISH_STOP_WORDS)

_words = HashingVectorizer(
    n_features=WORD_FEATURES, analyzer=lambda tokens: tokens, alternate_sign=False, norm="l2"
)
_topics = HashingVectorizer(
    n_features=TOPIC_FEATURES, analyzer=lambda tokens: tokens, alternate_sign=False, norm=None, binary=True
)

SHAPE_NAMES: tuple[str, ...] = (
    "log_chars", "log_words", "terminal_punct", "ends_colon", "starts_upper", "title_case_share",
    "upper_share", "digit_share", "punct_share", "emoji", "symbol_share", "bullet", "heading",
    "caption_tag", "quote_tag", "url", "email", "cta_first", "second_person", "exclaim",
    "quote_marks", "sentences", "mean_word_len", "short", "pipe_or_slash", "rule", "related_rule",
)
POSITION_NAMES: tuple[str, ...] = (
    "rel_pos", "first", "last", "from_start", "from_end", "log_blocks", "blank_separated",
    "html", "rel_len", "after_bullet_run",
)
DOC_NAMES: tuple[str, ...] = (
    "coherence", "max_similarity", "content_overlap", "name_overlap", "duplicates",
)
DENSE_NAMES = SHAPE_NAMES + POSITION_NAMES + DOC_NAMES


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens.

    >>> tokens("Get FREE logins, now!")
    ['get', 'free', 'logins', 'now']
    """
    return _WORD.findall(text.lower())


def word_terms(text: str, toks: list[str]) -> list[str]:
    """Unigrams, bigrams and the first and last word marked as such."""
    terms = list(toks)
    terms.extend(f"{a} {b}" for a, b in zip(toks, toks[1:]))
    if toks:
        terms.append("^" + toks[0])
        terms.append(toks[-1] + "$")
    return terms


def shape(text: str, toks: list[str], tag: str) -> list[float]:
    """Shape features of one block's text, in SHAPE_NAMES order."""
    n = max(len(text), 1)
    words = text.split()
    nw = max(len(words), 1)
    upper = sum(map(str.isupper, text))
    letters = sum(map(str.isalpha, text)) or 1
    digits = sum(map(str.isdigit, text))
    punct = len(_PUNCT.findall(text))
    symbols = len(_SYMBOL.findall(text))
    first = toks[0] if toks else ""
    stripped = text.rstrip()
    rule = first_match(text)
    return [
        math.log1p(len(text)) / 8,
        math.log1p(len(words)) / 6,
        float(stripped.endswith(_TERMINAL)),
        float(stripped.endswith(":")),
        float(text[:1].isupper()),
        sum(w[:1].isupper() for w in words) / nw,
        upper / letters,
        digits / n,
        punct / n,
        float(symbols > 0),
        symbols / n,
        float(tag == "li" or BULLET.match(text) is not None),
        float(tag == "h"),
        float(tag == "caption"),
        float(tag == "quote"),
        float(_URL.search(text) is not None),
        float(_EMAIL.search(text) is not None),
        float(first in _CTA),
        float(sum(t in _SECOND_PERSON for t in toks) > 0),
        min(text.count("!"), 3) / 3,
        float(_QUOTE.search(text) is not None),
        min(len(_SENTENCE_END.findall(text)), 8) / 8,
        min(sum(len(w) for w in words) / nw, 15) / 15,
        float(len(words) <= 4),
        float("|" in text or "/" in text),
        float(rule is not None),
        float(rule is not None and rule[1] == "related"),
    ]


def content_words(toks: list[str]) -> list[str]:
    """Words that carry topic: four letters or more, not a stop word, not a number."""
    return [t for t in toks if len(t) >= 4 and t not in _STOP and not t.isdigit()]


def _names(text: str) -> set[str]:
    """Capitalised words after the first: a cheap stand-in for named entities."""
    return {w.lower() for w in _WORD.findall(text)[1:] if w[:1].isupper() and len(w) > 2}


def topic_counts(doc: Document) -> sp.csr_matrix:
    """Which content words each block has (binary, hashed): the input of `idf`."""
    if not doc.blocks:
        return sp.csr_matrix((0, TOPIC_FEATURES))
    return _topics.transform([content_words(tokens(b.text)) for b in doc.blocks])


def idf(counts: sp.csr_matrix) -> np.ndarray:
    """Inverse block frequency of each hashed content word, learned from training blocks.

    Coherence weighs a shared rare word ("Havana") far above a shared common one ("said").
    """
    df = np.bincount(counts.indices, minlength=TOPIC_FEATURES)
    return np.log((1 + counts.shape[0]) / (1 + df)) + 1.0


def document_features(
    doc: Document, weights: np.ndarray | None = None
) -> tuple[sp.csr_matrix, np.ndarray, sp.csr_matrix]:
    """Hashed words, dense features (DENSE_NAMES) and topic vectors of every block of `doc`.

    `weights` are the idf weights of the topic words (None: all 1).
    """
    blocks = doc.blocks
    n = len(blocks)
    dense = np.zeros((n, len(DENSE_NAMES)), dtype=np.float64)
    if n == 0:
        return sp.csr_matrix((0, WORD_FEATURES)), dense, sp.csr_matrix((0, TOPIC_FEATURES))
    toks = [tokens(b.text) for b in blocks]
    words = _words.transform([word_terms(b.text, t) for b, t in zip(blocks, toks)])
    topic = _topics.transform([content_words(t) for t in toks])
    if weights is not None:
        topic = topic @ sp.diags(weights)
    topic = normalize(topic.tocsr())
    lengths = np.array([len(b.text) for b in blocks], dtype=np.float64)
    median = float(np.median(lengths)) or 1.0
    blank = float(doc.separator == "\n\n")
    bullets = [b.tag == "li" or BULLET.match(b.text) is not None for b in blocks]
    names = [_names(b.text) for b in blocks]
    name_df = Counter(name for ns in names for name in ns)
    content_df = Counter(w for t in toks for w in set(content_words(t)))
    normalised = [" ".join(t) for t in toks]
    repeats = Counter(normalised)
    coherence, max_sim = _coherence(topic)
    for i, block in enumerate(blocks):
        row = shape(block.text, toks[i], block.tag)
        row += [
            i / max(n - 1, 1),
            float(i == 0),
            float(i == n - 1),
            min(i, 5) / 5,
            min(n - 1 - i, 5) / 5,
            math.log1p(n) / 6,
            blank,
            float(doc.kind == "html"),
            max(-3.0, min(3.0, math.log(lengths[i] / median))) / 3 if lengths[i] else 0.0,
            float(i > 0 and bullets[i - 1]),
        ]
        own = set(content_words(toks[i]))
        row += [
            coherence[i],
            max_sim[i],
            sum(content_df[w] > 1 for w in own) / len(own) if own else -1.0,
            sum(name_df[w] > 1 for w in names[i]) / len(names[i]) if names[i] else -1.0,
            min(repeats[normalised[i]] - 1, 3) / 3 if normalised[i] else 0.0,
        ]
        dense[i] = row
    return words, dense, topic


def _coherence(topic: sp.csr_matrix, weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Cosine of each block with the (weighted) sum of the others, and with its nearest other block.

    Blocks with no content words get -1: unknown, not incoherent.
    """
    n = topic.shape[0]
    w = np.ones(n) if weights is None else weights
    total = np.asarray(topic.T @ w).ravel()
    dots = np.asarray(topic @ total).ravel()
    own = np.asarray(topic.multiply(topic).sum(axis=1)).ravel()  # 1 for non-empty rows, else 0
    rest_dot = dots - w * own
    rest_norm_sq = float(total @ total) - 2 * w * dots + (w**2) * own
    with np.errstate(divide="ignore", invalid="ignore"):
        coherence = np.where((own > 0) & (rest_norm_sq > 1e-12), rest_dot / np.sqrt(np.maximum(rest_norm_sq, 1e-12)), -1.0)
    if n > 1:
        gram = (topic @ topic.T).toarray()
        np.fill_diagonal(gram, 0.0)
        max_sim = np.where(own > 0, gram.max(axis=1), -1.0)
    else:
        max_sim = np.full(n, -1.0)
    return coherence, max_sim


#: Second-pass features: the block's first-pass scores and those of its neighbours.
CONTEXT_NAMES: tuple[str, ...] = (
    "p", "p_prev", "p_next", "p_prev2", "p_next2", "max_before3", "max_after3", "mean_after",
    "related_before", "junk_share", "coherence_article", "bullet_prev", "bullet_next",
    "len_prev", "len_next", "rule_prev", "rule_next", "related_rule_before", *(f"cat_{c}" for c in CATEGORIES), *(f"ncat_{c}" for c in CATEGORIES),
)


def context_features(
    dense: np.ndarray, topic: sp.csr_matrix, junk: np.ndarray, categories: np.ndarray
) -> np.ndarray:
    """Second-pass features of one document from its first-pass junk scores and categories.

    A bullet inherits its pitch's verdict through its neighbours' scores; an off-topic
    paragraph shows against what the first pass believes is article.
    """
    n = len(junk)
    if n == 0:
        return np.zeros((0, len(CONTEXT_NAMES) + dense.shape[1]))
    padded = np.concatenate([[0.0, 0.0], junk, [0.0, 0.0]])
    bullet = dense[:, SHAPE_NAMES.index("bullet")]
    log_chars = dense[:, SHAPE_NAMES.index("log_chars")]
    rule = dense[:, SHAPE_NAMES.index("rule")]
    related_rule = np.maximum.accumulate(dense[:, SHAPE_NAMES.index("related_rule")])
    related = categories[:, CATEGORIES.index("related")] * junk
    coherence_article, _ = _coherence(topic, np.clip(1.0 - junk, 0.0, 1.0))
    weighted = categories * junk[:, None]
    neighbour_cats = np.zeros_like(categories)
    neighbour_cats[1:] += weighted[:-1]
    neighbour_cats[:-1] += weighted[1:]
    rows = np.zeros((n, len(CONTEXT_NAMES)))
    for i in range(n):
        before = junk[max(0, i - 3) : i]
        after = junk[i + 1 : i + 4]
        rows[i, :11] = (
            junk[i],
            padded[i + 1],
            padded[i + 3],
            padded[i],
            padded[i + 4],
            before.max() if before.size else 0.0,
            after.max() if after.size else 0.0,
            junk[i + 1 :].mean() if i + 1 < n else 0.0,
            related[:i].max() if i else 0.0,
            float((junk > 0.5).mean()),
            coherence_article[i],
        )
        rows[i, 11:18] = (
            bullet[i - 1] if i else 0.0,
            bullet[i + 1] if i + 1 < n else 0.0,
            log_chars[i - 1] if i else 0.0,
            log_chars[i + 1] if i + 1 < n else 0.0,
            rule[i - 1] if i else 0.0,
            rule[i + 1] if i + 1 < n else 0.0,
            related_rule[i - 1] if i else 0.0,
        )
    k = len(CATEGORIES)
    rows[:, 18 : 18 + k] = categories
    rows[:, 18 + k :] = neighbour_cats
    return np.hstack([rows, dense])


def stack(words: Sequence[sp.csr_matrix], dense: Sequence[np.ndarray]) -> sp.csr_matrix:
    """First-pass design matrix: hashed words beside the dense features."""
    return sp.hstack([sp.vstack(words), sp.csr_matrix(np.vstack(dense))], format="csr")
