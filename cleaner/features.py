"""Block features: words, shape, position, topic coherence, repetition and context.

Everything here is a pure function of the documents (and, for the context features, of the
first-pass scores); nothing is learned, so the feature code is versioned by FEATURE_VERSION
and the fitted estimators alone go into the model file.

The features of a batch of documents are computed together, as arrays over all their blocks
(a per-document sparse product costs ~100 µs of overhead, a block's whole feature row less);
a block's features depend on its own document only, so a batch gives every document the
features it has alone.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from itertools import chain, count
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.preprocessing import normalize
from sklearn.utils import murmurhash3_32

from .html_cues import CUE_NAMES, cue_features
from .rules import first_match
from .segment import BULLET
from .types import CATEGORIES, Document

#: Bump when a feature changes: a model trained on other features is refused.
FEATURE_VERSION = "11"
#: Hashed word n-gram space (model size grows with it).
WORD_FEATURES = 2**18
#: Hashed content-word space for the coherence features.
TOPIC_FEATURES = 2**16

_WORD = re.compile(r"\w+", re.UNICODE)
# Punctuation of web text outside ASCII, none of it a word character, and ASCII's non-word
# characters (punctuation, controls) to spaces: see `words`.
_COMMON_PUNCTUATION = "’‘“”–—…«»•·\xa0„"
_ASCII_SPACED = bytes(c if _WORD.match(chr(c)) else ord(" ") for c in range(256))
# Words of three or more that may start with a capital: far fewer strings to make than \w+.
# The first character is any word character but ASCII a-z, 0-9 and _, then one that none
# precedes (a word start): a character class first lets the regex engine skip ahead.
_NAME_LIKE = re.compile(r"[^\W\x00-\x40\x5b-\x7f](?<!\w.)\w{2,}")
_ASCII_NAME_LIKE = re.compile(r"[A-Z](?<!\w.)\w{2,}")  # the same in ASCII text, capitals only
# "https?://", "www." or a ".com"-like ending, written to start at "." or ":": the regex engine
# then skips to those characters instead of trying every position (4× faster, same matches).
_URL = re.compile(r"\.(?:(?<=www\.)|(?:com|org|net|co\.uk|io)\b)|:(?:(?<=http:)|(?<=https:))//", re.I)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.\w+")
_TERMINAL = tuple('.!?…"”’\')»')
_QUOTE = re.compile('["“”«»„]')
_SENTENCE_PUNCT = re.compile("[.!?]")  # a sentence ends where one is followed by a space or the end
_PIPE_OR_SLASH = re.compile("[|/]")
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
    "coherence", "max_similarity", "content_overlap", "name_overlap", "duplicates", "topic_coherence",
    "voice",
)
#: The words of each grammatical voice an article is told in: first person singular, plural,
#: second person, third person singular, plural, and reported speech, in English, German,
#: French and Spanish (lower case).
_VOICES = (
    "i me my mine myself ich mich mir mein meine meinen meinem meiner je moi mon ma mes yo mi mis",
    "we us our ours wir uns unser unsere unseren nous notre nos nosotros nosotras nuestro nuestra nuestros",
    "you your yours yourself du dich dir dein deine ihr euch euer tu toi ton ta tes vous votre vos tú ti tus usted ustedes",
    "he him his she her hers er ihn ihm sein seine seinen il elle lui son sa ses él ella",
    "they them their theirs ils elles leur leurs ellos ellas",
    "said says told sagte sagt erklärte dit déclaré dijo afirmó explicó",
)
_VOICE = {w: k for k, group in enumerate(_VOICES) for w in group.split()}
DENSE_NAMES = SHAPE_NAMES + POSITION_NAMES + DOC_NAMES + CUE_NAMES


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens.

    >>> tokens("Get FREE logins, now!")
    ['get', 'free', 'logins', 'now']
    """
    return words(text.lower())


# The tokens of the blocks that `block_features` saw last: the language check reads the same
# blocks right after, and finds their words here instead of again (see `batch_tokens`).
_last_batch: dict[str, list[str]] = {}


def batch_tokens(text: str) -> list[str]:
    """tokens(text): those of the last batch of `block_features` if it had the text (do not change them)."""
    found = _last_batch.get(text)
    return tokens(text) if found is None else found


def words(text: str) -> list[str]:
    """The words of the text: the runs of word characters that the regex \\w+ finds.

    >>> words("Don’t stop — 3 km/h, naïve_x!")
    ['Don', 't', 'stop', '3', 'km', 'h', 'naïve_x']
    """
    # Most texts are ASCII once the common punctuation is spaces; then str.split() finds
    # their words after a translation of ASCII punctuation, in a third of the regex's time.
    text = _spaced(text)
    if not text.isascii():
        return _WORD.findall(text)
    return text.encode("ascii").translate(_ASCII_SPACED).decode("ascii").split()  # bytes translate faster


def _spaced(text: str) -> str:
    """The text with spaces for the common punctuation outside ASCII: the same words, in more
    texts that are ASCII."""
    if not text.isascii():
        for mark in _COMMON_PUNCTUATION:
            if mark in text:
                text = text.replace(mark, " ")
    return text


def word_terms(toks: list[str]) -> list[str]:
    """Unigrams, bigrams and the first and last word marked as such.

    >>> word_terms(["leave", "a", "reply"])
    ['leave', 'a', 'reply', 'leave a', 'a reply', '^leave', 'reply$']
    """
    terms = list(toks)
    terms.extend(f"{a} {b}" for a, b in zip(toks, toks[1:]))
    if toks:
        terms.append("^" + toks[0])
        terms.append(toks[-1] + "$")
    return terms


def content_words(toks: list[str]) -> list[str]:
    """Words that carry topic: four letters or more, not a stop word, not a number."""
    return [t for t in toks if _is_content(t)]


def _is_content(token: str) -> bool:
    return len(token) >= 4 and token not in _STOP and not token.isdigit()


def topic_word(token: str) -> str:
    """A content word as a topic word: a plural as its singular (Harman's S-stemmer, 1991), so
    that "Every lake contained plastic" shares its lake with "lakes high in the mountains".

    >>> [topic_word(w) for w in ("lakes", "companies", "goes", "species", "class", "bonus")]
    ['lake', 'company', 'goe', 'specy', 'class', 'bonus']
    """
    if token.endswith("ies") and not token.endswith(("eies", "aies")):
        return token[:-3] + "y"
    if token.endswith("es") and not token.endswith(("aes", "ees", "oes")):
        return token[:-1]
    if token.endswith("s") and not token.endswith(("us", "ss")):
        return token[:-1]
    return token


def _names(text: str) -> set[str]:
    """Capitalised words of three letters or more after the first: a cheap stand-in for named entities.

    >>> sorted(_names("Police said Anna met the Mayor of Rome, not Bo."))
    ['anna', 'mayor', 'rome']
    """
    text = _spaced(text)
    first = _WORD.search(text)
    if first is None:
        return set()
    if text.isascii():  # the plain class [A-Z] first: the fastest skip-ahead
        return {w.lower() for w in _ASCII_NAME_LIKE.findall(text, first.end())}
    return {w.lower() for w in _NAME_LIKE.findall(text, first.end()) if w[:1].isupper()}


def topic_counts(docs: Sequence[Document]) -> sp.csr_matrix:
    """Which content words each block has (binary, hashed): the input of `idf`."""
    return _topic_matrix([[topic_word(w) for w in content_words(tokens(b.text))] for d in docs for b in d.blocks])


def _topic_matrix(contents: list[list[str]]) -> sp.csr_matrix:
    """Which hashed content words each block has (binary)."""
    rows = np.repeat(np.arange(len(contents)), np.array([len(c) for c in contents], dtype=np.int64))
    return _hashed(rows, _hashes(chain.from_iterable(contents)), (len(contents), TOPIC_FEATURES), binary=True)


def _hashes(terms: Iterable[str]) -> np.ndarray:
    """The feature hash of each term, before the modulo: |murmurhash3_32(term)|, as
    scikit-learn's HashingVectorizer takes it (alternate_sign=False)."""
    return np.abs(np.fromiter(map(murmurhash3_32, terms), dtype=np.int64))


def _hashed(rows: np.ndarray, hashes: np.ndarray, shape: tuple[int, int], *, binary: bool = False) -> sp.csr_matrix:
    """How often each hashed term occurs in each row (1 if `binary`): the matrix that
    HashingVectorizer(n_features=shape[1], alternate_sign=False, norm=None) gives.

    One call over a batch's terms, instead of the vectorizer's generator per block and per term.
    """
    matrix = sp.csr_matrix((np.ones(len(rows)), (rows, hashes % shape[1])), shape=shape)
    matrix.sum_duplicates()  # and sorts the indices, as HashingVectorizer's matrix has them
    if binary:
        matrix.data.fill(1)
    return matrix


def _word_matrix(distinct: list[str], token: np.ndarray, hashes: np.ndarray, row: np.ndarray, n: int) -> sp.csr_matrix:
    """The hashed word terms of each of the n blocks (those of `word_terms`), l2-normalised.

    `token` numbers each token of the batch among the `distinct` ones, `hashes` is its hash
    and `row` its block. A bigram is a pair of numbers until it is hashed, once for each
    distinct pair: a batch says "the council" many times.
    """
    same = row[:-1] == row[1:]  # the pairs of neighbouring tokens inside one block
    pairs, pair = np.unique(token[:-1][same] * len(distinct) + token[1:][same], return_inverse=True)
    first, second = np.divmod(pairs, max(len(distinct), 1))
    bigrams = _hashes(f"{distinct[a]} {distinct[b]}" for a, b in zip(first.tolist(), second.tolist()))
    starts = np.flatnonzero(np.diff(row, prepend=-1))  # the first and last token of each block
    ends = np.flatnonzero(np.diff(row, append=-1))  # with tokens (rows are never -1)
    edges = _hashes(chain(
        (f"^{distinct[t]}" for t in token[starts].tolist()), (f"{distinct[t]}$" for t in token[ends].tolist())
    ))
    rows = np.concatenate([row, row[1:][same], row[starts], row[starts]])
    counts = _hashed(rows, np.concatenate([hashes, bigrams[pair], edges]), (n, WORD_FEATURES))
    return normalize(counts, copy=False)


def _numbered(items: Iterable[str]) -> tuple[list[str], np.ndarray]:
    """The distinct items in order of first appearance, and the number of each item among them.

    >>> _numbered(["b", "a", "b"])
    (['b', 'a'], array([0, 1, 0]))
    """
    items = list(items)
    number = dict(zip(dict.fromkeys(items), count()))
    return list(number), np.fromiter(map(number.__getitem__, items), dtype=np.int64, count=len(items))


def idf(counts: sp.csr_matrix) -> np.ndarray:
    """Inverse block frequency of each hashed content word, learned from training blocks.

    Coherence weighs a shared rare word ("Havana") far above a shared common one ("said").
    """
    df = np.bincount(counts.indices, minlength=TOPIC_FEATURES)
    return np.log((1 + counts.shape[0]) / (1 + df)) + 1.0


class Projection(NamedTuple):
    """Latent topics (LSA) learned from training articles: `components` maps the topic words
    in `columns` (hashed) to a few dimensions in which "shares" and "profits" are near.
    Stored as float16 (half the model file), used as float64."""

    columns: np.ndarray
    components: np.ndarray


def block_features(
    docs: Sequence[Document], weights: np.ndarray | None = None, projection: Projection | None = None
) -> tuple[sp.csr_matrix, np.ndarray, sp.csr_matrix]:
    """Hashed words, dense features (DENSE_NAMES) and topic vectors of every block of `docs`,
    one row a block, the documents' blocks one after the other.

    `weights` are the idf weights of the topic words (None: all 1); without a `projection`,
    topic_coherence is -1 (unknown) everywhere.
    """
    blocks = [b for d in docs for b in d.blocks]
    if not blocks:
        return sp.csr_matrix((0, WORD_FEATURES)), np.zeros((0, len(DENSE_NAMES))), sp.csr_matrix((0, TOPIC_FEATURES))
    sizes = block_counts(docs)
    texts = [b.text for b in blocks]
    toks = [tokens(t) for t in texts]
    global _last_batch
    _last_batch = dict(zip(texts, toks))
    doc, _ = _layout(sizes)
    # Every token of the batch once, then as numbers: the word features are worked out
    # per distinct token and spread with numpy, not per token in Python.
    row = np.repeat(np.arange(len(blocks)), np.array([len(t) for t in toks], dtype=np.int64))
    distinct, token = _numbered(chain.from_iterable(toks))
    hashes = _hashes(distinct)[token]
    content = np.array([_is_content(t) for t in distinct], dtype=bool)[token]
    topic_words, topic_number = _numbered(map(topic_word, distinct))
    topic_item = topic_number[token]  # the number of each token's topic word
    words = _word_matrix(distinct, token, hashes, row, len(blocks))
    topic = _hashed(row[content], _hashes(topic_words)[topic_item][content], (len(blocks), TOPIC_FEATURES), binary=True)
    if weights is not None:
        topic = topic @ sp.diags(weights)
    topic = normalize(topic.tocsr())
    shapes = _shapes(texts, toks, [b.tag for b in blocks])
    position = _positions(docs, sizes, np.array([len(t) for t in texts]), shapes[:, SHAPE_NAMES.index("bullet")])
    names = [_names(t) for t in texts]
    name_row = np.repeat(np.arange(len(blocks)), np.array([len(n) for n in names], dtype=np.int64))
    _, same_text = _numbered(" ".join(t) for t in toks)
    shared = np.column_stack([
        _coherence(topic, doc, np.ones(len(blocks))),
        _max_similarity(topic, doc, sizes),
        _shared_share(row[content], topic_item[content], doc),
        _shared_share(name_row, _numbered(chain.from_iterable(names))[1], doc),
        _repeats(same_text, doc, np.array([bool(t) for t in toks])),
        topic_coherence(topic, sizes, projection),
        _voice_agreement(row, np.array([_VOICE.get(t, -1) for t in distinct], dtype=np.int64)[token], doc),
    ])
    if any(d.cues for d in docs):
        cues = np.array([row for d in docs for row in cue_features(d)], dtype=np.float64)
    else:  # plain text: the neutral row of every block, without a list of lists
        cues = np.zeros((len(blocks), len(CUE_NAMES)))
    return words, np.hstack([shapes, position, shared, cues]), topic


def block_counts(docs: Sequence[Document]) -> np.ndarray:
    """The number of blocks of each document."""
    return np.array([len(d.blocks) for d in docs], dtype=np.int64)


def _layout(sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The document of each block and its position in the document."""
    doc = np.repeat(np.arange(len(sizes)), sizes)
    first = np.cumsum(sizes) - sizes
    return doc, np.arange(len(doc)) - first[doc]


def _spans(sizes: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each document's rows."""
    ends = np.cumsum(sizes).tolist()
    return list(zip([0, *ends[:-1]], ends))


def _shapes(texts: list[str], toks: list[list[str]], tags: list[str]) -> np.ndarray:
    """Shape features of each block, in SHAPE_NAMES order."""
    counts = _char_counts(texts)
    lengths, nwords = counts["chars"], counts["words"]
    n = np.maximum(lengths, 1)
    nw = np.maximum(nwords, 1)
    tests = np.fromiter(
        chain.from_iterable(map(_text_tests, texts, toks, tags)), dtype=np.float64, count=len(texts) * len(_TEXT_TESTS)
    ).reshape(len(texts), len(_TEXT_TESTS))
    columns = dict(zip(_TEXT_TESTS, tests.T))
    columns.update({
        "log_chars": _log1p(lengths) / 8,
        "log_words": _log1p(nwords) / 6,
        "starts_upper": counts["starts_upper"],
        "title_case_share": counts["title_words"] / nw,
        "upper_share": counts["upper"] / np.where(counts["alpha"] > 0, counts["alpha"], 1),
        "digit_share": counts["digit"] / n,
        "punct_share": counts["punct"] / n,
        "emoji": counts["symbol"] > 0,
        "symbol_share": counts["symbol"] / n,
        "exclaim": np.minimum(counts["exclaim"], 3) / 3,
        "mean_word_len": np.minimum(counts["word_chars"] / nw, 15) / 15,
        "short": nwords <= 4,
        "quote_marks": counts["quote"] > 0,
        "sentences": np.minimum(counts["sentence_end"], 8) / 8,
        "pipe_or_slash": counts["pipe_or_slash"] > 0,
    })
    return np.column_stack([columns[name] for name in SHAPE_NAMES])


#: The shape features that `_text_tests` gives, in its order.
_TEXT_TESTS: tuple[str, ...] = (
    "terminal_punct", "ends_colon", "bullet", "heading", "caption_tag", "quote_tag", "url", "email",
    "cta_first", "second_person", "rule", "related_rule",
)


def _text_tests(text: str, toks: list[str], tag: str) -> tuple[float, ...]:
    """The shape features of one block that take a pattern or a word list (see _TEXT_TESTS)."""
    stripped = text.rstrip()
    rule = first_match(text)
    return (
        stripped.endswith(_TERMINAL),
        stripped.endswith(":"),
        tag == "li" or BULLET.match(text) is not None,
        tag == "h",
        tag == "caption",
        tag == "quote",
        _URL.search(text) is not None,
        "@" in text and _EMAIL.search(text) is not None,  # the search is slow, the test for "@" is not
        bool(toks) and toks[0] in _CTA,
        not _SECOND_PERSON.isdisjoint(toks),
        rule is not None,
        rule is not None and rule[1] == "related",
    )


def _log1p(values: np.ndarray) -> np.ndarray:
    # math, not numpy: numpy's vectorised log can differ in the last bit, and the boosted
    # trees' bin edges can sit exactly on a value the model was trained with.
    return np.array([math.log1p(v) for v in values.tolist()], dtype=np.float64)


# Character classes, one bit each, as str methods and the feature patterns define them.
_UPPER, _ALPHA, _DIGIT, _SPACE, _PUNCT_BIT, _SYMBOL_BIT, _QUOTE_BIT, _SENTENCE_BIT, _PIPE_BIT = (
    1 << k for k in range(9)
)


def _classes_of(chars: str) -> np.ndarray:
    """The class bits of each character of `chars`."""
    flags = np.zeros(len(chars), dtype=np.uint16)
    for bit, test in ((_UPPER, str.isupper), (_ALPHA, str.isalpha), (_DIGIT, str.isdigit), (_SPACE, str.isspace)):
        flags[np.fromiter(map(test, chars), dtype=bool, count=len(chars))] |= bit
    for bit, pattern in ((_PUNCT_BIT, _PUNCT), (_SYMBOL_BIT, _SYMBOL), (_QUOTE_BIT, _QUOTE),
                         (_SENTENCE_BIT, _SENTENCE_PUNCT), (_PIPE_BIT, _PIPE_OR_SLASH)):
        flags[[m.start() for m in pattern.finditer(chars)]] |= bit
    return flags


@cache
def _bmp_classes() -> np.ndarray:
    """Class bits of the Basic Multilingual Plane, looked up by code point (built once, ~50 ms)."""
    return _classes_of("".join(map(chr, range(0x10000))))


def _char_classes(codes: np.ndarray) -> np.ndarray:
    """Class bits of code points: from the table, and worked out for the few beyond it (emoji)."""
    flags = _bmp_classes()[np.minimum(codes, 0xFFFF)]
    beyond = codes > 0xFFFF
    if beyond.any():
        unique, where = np.unique(codes[beyond], return_inverse=True)
        flags[beyond] = _classes_of("".join(map(chr, unique.tolist())))[where]
    return flags


def _char_counts(texts: list[str]) -> dict[str, np.ndarray]:
    """Per text: characters, words (as str.split() cuts them) and characters of each class.

    One pass of numpy over all the texts instead of a loop of Python over each character.
    """
    # Every text ends in a newline: no text's segment is empty, and its first word follows a space.
    joined = "\n".join(texts) + "\n"
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    flags = _char_classes(codes)
    space = (flags & _SPACE) > 0
    word_start = ~space & np.concatenate([[True], space[:-1]])
    upper = (flags & _UPPER) > 0
    columns = {
        "upper": upper,
        "alpha": (flags & _ALPHA) > 0,
        "digit": (flags & _DIGIT) > 0,
        "punct": (flags & _PUNCT_BIT) > 0,
        "symbol": (flags & _SYMBOL_BIT) > 0,
        "exclaim": codes == ord("!"),
        "quote": (flags & _QUOTE_BIT) > 0,
        "sentence_end": ((flags & _SENTENCE_BIT) > 0) & np.append(space[1:], True),  # [.!?](\s|$)
        "pipe_or_slash": (flags & _PIPE_BIT) > 0,
        "words": word_start,
        "title_words": word_start & upper,
        "word_chars": ~space,
    }
    lengths = np.array([len(t) for t in texts], dtype=np.int64)
    starts = np.cumsum(lengths + 1) - lengths - 1
    # Summed as bytes: twice as fast as summing booleans.
    counts = {
        name: np.add.reduceat(column.view(np.uint8), starts, dtype=np.int32).astype(np.float64)
        for name, column in columns.items()
    }
    counts["chars"] = lengths.astype(np.float64)
    counts["starts_upper"] = (upper[starts] & (lengths > 0)).astype(np.float64)
    return counts


def _positions(docs: Sequence[Document], sizes: np.ndarray, lengths: np.ndarray, bullet: np.ndarray) -> np.ndarray:
    """Position features of each block, in POSITION_NAMES order."""
    doc, pos = _layout(sizes)
    n = sizes[doc]
    median = _within(lengths.astype(np.float64), sizes, lambda x: np.full(len(x), float(np.median(x)) or 1.0))
    columns = {
        "rel_pos": pos / np.maximum(n - 1, 1),
        "first": pos == 0,
        "last": pos == n - 1,
        "from_start": np.minimum(pos, 5) / 5,
        "from_end": np.minimum(n - 1 - pos, 5) / 5,
        "log_blocks": (_log1p(sizes) / 6)[doc],
        "blank_separated": np.array([d.separator == "\n\n" for d in docs], dtype=bool)[doc],
        "html": np.array([d.kind == "html" for d in docs], dtype=bool)[doc],
        "rel_len": [
            max(-3.0, min(3.0, math.log(x / m))) / 3 if x else 0.0 for x, m in zip(lengths.tolist(), median.tolist())
        ],
        "after_bullet_run": _neighbour(bullet, pos, n, -1),
    }
    return np.column_stack([columns[name] for name in POSITION_NAMES])


def _repeats(text: np.ndarray, doc: np.ndarray, nonempty: np.ndarray) -> np.ndarray:
    """How often each block's text (numbered) occurs again in its document, up to 3, as a share of 3;
    0 for a block without words."""
    times = _occurrences(doc * (int(text.max(initial=0)) + 1) + text)
    return np.where(nonempty, np.minimum(times - 1, 3) / 3, 0.0)


def _shared_share(row: np.ndarray, item: np.ndarray, doc: np.ndarray) -> np.ndarray:
    """Share of each block's distinct items that another block of its document has too; -1 without items.

    `row` is the block of each item, `item` its number (equal items, equal numbers); `doc` the
    document of each block.
    """
    width = int(item.max(initial=0)) + 1
    pairs = np.sort(row * width + item)
    block, item = np.divmod(pairs[np.diff(pairs, prepend=-1) != 0], width)  # each block's distinct items
    shared = np.bincount(block, weights=_occurrences(doc[block] * width + item) > 1, minlength=len(doc))
    total = np.bincount(block, minlength=len(doc))
    return np.where(total > 0, shared / np.maximum(total, 1), -1.0)


def _voice_agreement(row: np.ndarray, voice: np.ndarray, doc: np.ndarray) -> np.ndarray:
    """Cosine of each block's counts of the words of each voice (`_VOICES`; `voice` is each
    token's, -1 for none, `row` its block), as a unit vector, with the sum of the other blocks'
    of its document; -1 when either has none. An article keeps its voice ("I wore…", "Give
    them…", "…, he said"): a paragraph pasted from another story often does not, whatever its
    subject.

    >>> # "Give them your…", "Your…", "He…" and a block of no voice, in one document
    >>> _voice_agreement(np.array([0, 0, 1, 2]), np.array([4, 2, 2, 3]), np.array([0, 0, 0, 0])).round(2)
    array([ 0.5,  0.5,  0. , -1. ])
    """
    spoken = voice >= 0
    width = len(_VOICES)
    counts = np.bincount(row[spoken] * width + voice[spoken], minlength=len(doc) * width).reshape(len(doc), width)
    points = normalize(counts)  # each block counts once, however many pronouns it has
    # topic_coherence's cosine, rounded differently: shared, 7% of the values move in their
    # last bits and the shipped model is not rebuilt (sha eddaf664…); fold them at a retrain
    rest = (document_sums(doc, np.ones(len(doc))) @ points)[doc] - points
    norms = np.linalg.norm(points, axis=1) * np.linalg.norm(rest, axis=1)
    return np.where(norms > 1e-9, (points * rest).sum(axis=1) / np.maximum(norms, 1e-9), -1.0)


def _occurrences(keys: np.ndarray) -> np.ndarray:
    """How often each key occurs among the keys.

    >>> _occurrences(np.array([7, 3, 7, 7]))
    array([3, 1, 3, 3])
    """
    # Sorted, the equal keys are runs. Not np.unique (a hash table, or a stable sort) nor
    # np.searchsorted (a binary search per key): each is many times slower on a batch's keys.
    order = np.argsort(keys)
    ordered = keys[order]
    run = np.cumsum(np.diff(ordered, prepend=ordered[:1]) != 0)  # the run of each sorted key
    times = np.empty(len(keys), dtype=np.int64)
    times[order] = np.bincount(run)[run]
    return times


def document_sums(doc: np.ndarray, weights: np.ndarray, documents: int | None = None) -> sp.csr_matrix:
    """The matrix that sums a block matrix's rows per document, each row times its weight
    (`doc`: each row's document; `documents`: how many, else the last one's number + 1).

    >>> (document_sums(np.array([0, 0, 1]), np.array([1.0, 2.0, 1.0])) @ np.array([[1.0], [1.0], [5.0]])).ravel()
    array([3., 5.])
    """
    count = int(doc.max(initial=-1)) + 1 if documents is None else documents
    return sp.csr_matrix((weights, (doc, np.arange(len(doc)))), shape=(count, len(doc)))


def _coherence(topic: sp.csr_matrix, doc: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Cosine of each block with the weighted sum of the other blocks of its document.

    Blocks with no content words get -1: unknown, not incoherent.
    """
    rows = np.arange(topic.shape[0])
    totals = document_sums(doc, weights) @ topic  # one weighted sum of topic vectors per document
    dots = np.asarray((topic @ totals.T)[rows, doc]).ravel()
    own = np.asarray(topic.multiply(topic).sum(axis=1)).ravel()  # 1 for non-empty rows, else 0
    total_sq = np.asarray(totals.multiply(totals).sum(axis=1)).ravel()[doc]
    rest_dot = dots - weights * own
    rest_norm_sq = total_sq - 2 * weights * dots + (weights**2) * own
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((own > 0) & (rest_norm_sq > 1e-12), rest_dot / np.sqrt(np.maximum(rest_norm_sq, 1e-12)), -1.0)


def topic_coherence(topic: sp.csr_matrix, sizes: np.ndarray, projection: Projection | None) -> np.ndarray:
    """Cosine, in latent-topic space, of each block with the sum of the other blocks of its
    document (`sizes`: block counts of the documents); -1 without a projection or without
    known topic words. Catches the off-topic paragraph that shares no rare word with the
    article yet is plainly about something else."""
    doc, _ = _layout(sizes)
    if projection is None or not projection.components.size:
        return np.full(topic.shape[0], -1.0)
    points = normalize(topic[:, projection.columns] @ projection.components.T)
    rest = (document_sums(doc, np.ones(len(doc))) @ points)[doc] - points
    norm = np.linalg.norm(rest, axis=1)
    known = (np.abs(points).sum(axis=1) > 0) & (norm > 1e-9)
    return np.where(known, (points * rest).sum(axis=1) / np.maximum(norm, 1e-9), -1.0)


def _max_similarity(topic: sp.csr_matrix, doc: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Cosine of each block with the nearest other block of its document; -1 without content words."""
    # A column for each (document, topic word): the product pairs only blocks of one document.
    row = np.repeat(np.arange(topic.shape[0]), np.diff(topic.indptr))
    pairs, column = np.unique(doc[row].astype(np.int64) * TOPIC_FEATURES + topic.indices, return_inverse=True)
    apart = sp.csr_matrix((topic.data, column.ravel(), topic.indptr), shape=(topic.shape[0], len(pairs)))
    gram = apart @ apart.T
    gram = gram - sp.diags(gram.diagonal())
    nearest = gram.max(axis=1).toarray().ravel()  # counts absent pairs as 0, as a dense gram would
    has_words = np.diff(topic.indptr) > 0
    return np.where(has_words & (sizes[doc] > 1), nearest, -1.0)


def _neighbour(values: np.ndarray, pos: np.ndarray, n: np.ndarray, k: int) -> np.ndarray:
    """The value of the block k places after each block in its document (0 past either end);
    `pos` is each block's position in its document, `n` the document's block count."""
    inside = (pos + k >= 0) & (pos + k < n)
    out = np.zeros_like(values)
    out[inside] = values[np.flatnonzero(inside) + k]
    return out


def _within(values: np.ndarray, sizes: np.ndarray, function: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """`function` of each document's values, one document at a time."""
    out = np.empty_like(values)
    for start, end in _spans(sizes):
        if end > start:
            out[start:end] = function(values[start:end])
    return out


def _mean_after(values: np.ndarray) -> np.ndarray:
    """Mean of the values after each one; 0 for the last.

    >>> _mean_after(np.array([1.0, 2.0, 4.0]))
    array([3., 4., 0.])
    """
    after = np.append(np.cumsum(values[::-1])[::-1][1:], 0.0)
    count = np.arange(len(values) - 1, -1, -1)
    return np.where(count > 0, after / np.maximum(count, 1), 0.0)


#: Second-pass features: the block's first-pass scores and those of its neighbours.
CONTEXT_NAMES: tuple[str, ...] = (
    "p", "p_prev", "p_next", "p_prev2", "p_next2", "max_before3", "max_after3", "mean_after",
    "related_before", "junk_share", "coherence_article", "bullet_prev", "bullet_next",
    "len_prev", "len_next", "rule_prev", "rule_next", "related_rule_before", "topic_rank", "topic_gap",
    "topic_prev", "topic_next", *(f"cat_{c}" for c in CATEGORIES), *(f"ncat_{c}" for c in CATEGORIES),
)


def context_features(
    dense: np.ndarray, topic: sp.csr_matrix, junk: np.ndarray, categories: np.ndarray, sizes: np.ndarray
) -> np.ndarray:
    """Second-pass features of every block from the first-pass junk scores and categories;
    `sizes` are the block counts of the documents (see `block_features`).

    A bullet inherits its pitch's verdict through its neighbours' scores; an off-topic
    paragraph shows against what the first pass believes is article.
    """
    doc, pos = _layout(sizes)
    n = sizes[doc]

    def neighbour(values: np.ndarray, k: int) -> np.ndarray:
        return _neighbour(values, pos, n, k)

    def column(name: str) -> np.ndarray:
        return dense[:, SHAPE_NAMES.index(name)]

    def before(values: np.ndarray) -> np.ndarray:
        """The maximum over the earlier blocks of the document (0 for the first)."""
        return neighbour(_within(values, sizes, np.maximum.accumulate), -1)

    # Scores are probabilities, never below 0: a 0 past a document's end changes no maximum.
    related = categories[:, CATEGORIES.index("related")] * junk
    weighted = categories * junk[:, None]
    junk_share = np.bincount(doc, weights=junk > 0.5, minlength=len(sizes)) / np.maximum(sizes, 1)
    coherence = dense[:, DENSE_NAMES.index("topic_coherence")]
    rows = np.column_stack([
        junk,
        neighbour(junk, -1),
        neighbour(junk, 1),
        neighbour(junk, -2),
        neighbour(junk, 2),
        np.maximum.reduce([neighbour(junk, -k) for k in (1, 2, 3)]),
        np.maximum.reduce([neighbour(junk, k) for k in (1, 2, 3)]),
        _within(junk, sizes, _mean_after),
        before(related),
        junk_share[doc],
        _coherence(topic, doc, np.clip(1.0 - junk, 0.0, 1.0)),
        neighbour(column("bullet"), -1),
        neighbour(column("bullet"), 1),
        neighbour(column("log_chars"), -1),
        neighbour(column("log_chars"), 1),
        neighbour(column("rule"), -1),
        neighbour(column("rule"), 1),
        before(column("related_rule")),
        *_topic_standing(coherence, sizes),
        neighbour(coherence, -1),
        neighbour(coherence, 1),
        categories,
        neighbour(weighted, -1) + neighbour(weighted, 1),
    ])
    return np.hstack([rows, dense])


def _topic_standing(coherence: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How each block's topic coherence stands among its document's: the share of the other
    blocks with a known coherence that are less coherent, and its distance from their median;
    -1 and 0 for a block whose coherence is unknown (-1). An off-topic paragraph is the least
    coherent of its page, a paragraph that strays a little is not."""
    known = coherence > -1
    rank = np.full(len(coherence), -1.0)
    gap = np.zeros(len(coherence))
    for start, end in _spans(sizes):
        inside = np.flatnonzero(known[start:end]) + start
        if len(inside) < 2:
            continue
        values = coherence[inside]
        below = np.searchsorted(np.sort(values), values, side="left")
        rank[inside] = below / (len(inside) - 1)
        gap[inside] = values - float(np.median(values))
    return rank, gap


def stack(words: sp.csr_matrix, dense: np.ndarray) -> sp.csr_matrix:
    """First-pass design matrix: hashed words beside the dense features."""
    return sp.hstack([words, sp.csr_matrix(dense)], format="csr")
