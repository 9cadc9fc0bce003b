"""Batching is for speed only: a document gets the same features and result in any batch.

And the fast ways of computing features give what the plain ones do.
"""

import random
import re

import numpy as np
import pytest

from cleaner import features
from cleaner.language import lowered_words
from cleaner.pipeline import BATCH_SIZE, prepare
from cleaner.segment import is_bullet, segment_text
from tests.conftest import FIXTURES

ODD_TEXTS = [
    "",
    "  \n\n ",
    "Leave a Reply",
    "Title\n\nLeave a Reply\n\nLeave a Reply",
    "• Works on mobile\n• Works offline\nSubscribe now!",
    "İstanbul'da ÇAĞLAR sprach mit Ωmega über ǅemal: 3² ⅫX 🎉🎉 — “quoted” e-mail a@b.co https://x.io",
]


def contents() -> list[str | bytes]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "seeds").glob("*.txt"))]
    pages = [p.read_bytes() for p in sorted((FIXTURES / "pages").glob("*.html"))]
    # a mix longer than one batch, so that the last batch is a part one
    return (texts + pages + ODD_TEXTS) * (BATCH_SIZE // 10 + 1)


def test_clean_many_gives_each_document_the_result_it_has_alone(cleaner):
    items = contents()
    assert len(items) > BATCH_SIZE
    batched = list(cleaner.clean_many(items))
    for item, result in zip(items[:14], batched[:14]):
        alone = cleaner.clean(item)
        assert result.to_dict() == alone.to_dict()
        assert result.text == alone.text
    assert [r.to_dict() for r in batched[14:28]] == [r.to_dict() for r in batched[:14]]


def test_block_features_of_a_batch_equal_those_of_each_document(cleaner):
    docs = [prepare(c, config=cleaner.config) for c in contents()[:14]]
    weights, topics = cleaner.model.idf, cleaner.model.topics
    words, dense, topic = features.block_features(docs, weights, topics)
    sizes = features.block_counts(docs)
    rng = np.random.default_rng(0)
    junk, categories = rng.random(len(dense)), rng.random((len(dense), 7))
    context = features.context_features(dense, topic, junk, categories, sizes)
    start = 0
    for doc, n in zip(docs, sizes):
        rows = slice(start, start + n)
        w, d, t = features.block_features([doc], weights, topics)
        assert (words[rows] != w).nnz == 0 and (topic[rows] != t).nnz == 0
        assert np.array_equal(dense[rows], d)
        if n:
            alone = features.context_features(d, t, junk[rows], categories[rows], np.array([n]))
            assert np.array_equal(context[rows], alone)
        start += n
    assert start == len(dense) == context.shape[0]


@pytest.mark.parametrize("text", ODD_TEXTS + [
    "ǅ ǅǅǅ Ⅻabc\u2028x\u00a0y\tz ", "𝐀𝐁c 𝟙", "Yes. No!Why?\u2028Wait.\u00a0“Go” «x» „y\" a|b/c.", "3.5 e.g. end.",
])
def test_character_counts_follow_the_str_methods(text):
    counts = features._char_counts([text, "x"])
    words = text.split()
    assert counts["upper"][0] == sum(map(str.isupper, text))
    assert counts["alpha"][0] == sum(map(str.isalpha, text))
    assert counts["digit"][0] == sum(map(str.isdigit, text))
    assert counts["punct"][0] == len(features._PUNCT.findall(text))
    assert counts["symbol"][0] == len(features._SYMBOL.findall(text))
    assert counts["words"][0] == len(words)
    assert counts["title_words"][0] == sum(w[:1].isupper() for w in words)
    assert counts["word_chars"][0] == sum(map(len, words))
    assert counts["starts_upper"][0] == text[:1].isupper()
    assert counts["quote"][0] == len(re.findall('["“”«»„]', text))
    assert counts["sentence_end"][0] == len(re.findall(r"[.!?](?:\s|$)", text))
    assert counts["pipe_or_slash"][0] == text.count("|") + text.count("/")


def test_coherence_and_nearest_block_match_dense_cosines(cleaner):
    docs = [prepare(c, config=cleaner.config) for c in contents()[:6]]
    topics = cleaner.model.topics
    _, dense, topic = features.block_features(docs, cleaner.model.idf, topics)
    coherence = dense[:, features.DENSE_NAMES.index("coherence")]
    nearest = dense[:, features.DENSE_NAMES.index("max_similarity")]
    latent = dense[:, features.DENSE_NAMES.index("topic_coherence")]
    start = 0
    for n in features.block_counts(docs):
        t = topic[start : start + n].toarray()
        has_words = (t > 0).any(axis=1)
        points = t[:, topics.columns] @ topics.components.T
        unit = points / np.maximum(np.linalg.norm(points, axis=1, keepdims=True), 1e-300)
        for i in range(n):
            rest = t.sum(axis=0) - t[i]
            norm = np.linalg.norm(rest)
            want = t[i] @ rest / norm if has_words[i] and norm > 1e-6 else -1.0
            assert coherence[start + i] == pytest.approx(want, abs=1e-12)
            rest = unit.sum(axis=0) - unit[i]
            norm = np.linalg.norm(rest)
            want = unit[i] @ rest / norm if points[i].any() and norm > 1e-9 else -1.0
            assert latent[start + i] == pytest.approx(want, abs=1e-9)
            others = np.delete(t @ t[i], i)
            want = others.max(initial=0.0) if has_words[i] and n > 1 else -1.0
            assert nearest[start + i] == pytest.approx(want, abs=1e-12)
        start += n


def test_hashed_words_and_topics_are_those_of_hashing_vectorizer(cleaner):
    from sklearn.feature_extraction.text import HashingVectorizer

    docs = [prepare(c, config=cleaner.config) for c in contents()[:14]]
    toks = [features.tokens(b.text) for d in docs for b in d.blocks]

    def vectorizer(n_features, **options):
        return HashingVectorizer(n_features=n_features, analyzer=lambda t: t, alternate_sign=False, **options)

    words, _, _ = features.block_features(docs)
    want = vectorizer(features.WORD_FEATURES, norm="l2").transform([features.word_terms(t) for t in toks])
    assert (words.indptr == want.indptr).all() and (words.indices == want.indices).all()
    assert words.data.tobytes() == want.data.tobytes()
    topics = features.topic_counts(docs)
    want = vectorizer(features.TOPIC_FEATURES, norm=None, binary=True).transform(
        [[features.topic_word(w) for w in features.content_words(t)] for t in toks])
    assert (topics != want).nnz == 0 and (topics.indices == want.indices).all()


def test_shared_share_and_repeats_count_within_each_document():
    row = np.array([0, 0, 1, 1, 1, 3, 4])
    item = np.array([5, 6, 5, 5, 7, 6, 6])
    doc = np.array([0, 0, 0, 1, 1])
    # block 0: 5 is in block 1 too, 6 is not (block 3 is another document); block 1: 5 yes, 7 no
    assert features._shared_share(row, item, doc).tolist() == [0.5, 0.5, -1.0, 1.0, 1.0]
    text = np.array([1, 1, 3, 1, 2])  # block 2 has no words
    assert features._repeats(text, doc, np.array([True, True, False, True, True])).tolist() == [
        1 / 3, 1 / 3, 0.0, 0.0, 0.0]


URL_LIKE = ["http://x", "HTTPS://x", "httpſ://x", "see www.bbc", "WwW.x", "bbc.co.uk", "a.io.", "a.iox", "a.ion",
            "x.COM", "x.com_", "www", "http:/x", "hxxp://x", "://", "https:x", "a.İo", ".org", "e.g. Net", "v1.0"]


@pytest.mark.parametrize("text", URL_LIKE)
def test_url_pattern_finds_what_the_plain_pattern_finds(text):
    plain = re.compile(r"https?://|www\.|\.(com|org|net|co\.uk|io)\b", re.I)
    for t in (text, f"x {text} y", f"{text}ab", f"ab{text}"):
        assert (features._URL.search(t) is None) == (plain.search(t) is None)


@pytest.mark.parametrize("text", ODD_TEXTS + ["Anna met ÉRIC in Ωmega, xAbc _Abc 9Abc Ⅻabc 𝐀𝐁c ǅemal Ab Abc"])
def test_name_pattern_finds_what_the_plain_pattern_finds(text):
    plain = re.compile(r"\b(?![a-z0-9_])\w{3,}")
    for start in range(len(text) + 1):
        assert features._NAME_LIKE.findall(text, start) == plain.findall(text, start)


def test_lowering_changes_no_word_boundary_but_for_two_letters():
    """language.lowered_words finds the words of the lower-cased text (see there)."""
    word = re.compile(r"\w")
    changed = [
        chr(c) for c in range(0x110000)
        if not 0xD800 <= c < 0xE000 and chr(c).lower() != chr(c)
        and (len(chr(c).lower()) != 1 or bool(word.match(chr(c))) != bool(word.match(chr(c).lower())))
    ]
    assert changed == ["İ"]  # and "Σ", whose lower case depends on its neighbours
    for text in ODD_TEXTS + ["ΟΔΟΣ'Α ΣΑΣ Σ", "İİ Istanbul"]:
        assert lowered_words(text) == [w.lower() for w in re.findall(r"\w+", text)]


def test_words_are_the_runs_of_word_characters():
    rng = random.Random(0)
    alphabet = [*map(chr, range(128)), *features._COMMON_PUNCTUATION, "é", "ß", "İ", "Σ", "ǅ", "²", "Ⅻ", "日", "🎉", "\u2028"]
    texts = ODD_TEXTS + ["".join(rng.choices(alphabet, k=rng.randint(0, 40))) for _ in range(3000)]
    texts += ["".join(rng.choices(alphabet[:128] + list(features._COMMON_PUNCTUATION), k=40)) for _ in range(3000)]
    for text in texts:
        assert features.words(text) == re.findall(r"\w+", text)


def test_names_are_those_of_the_plain_pattern():
    plain = re.compile(r"\b(?![a-z0-9_])\w{3,}")

    def names(text):
        first = re.search(r"\w+", text)
        return {w.lower() for w in plain.findall(text, first.end()) if w[:1].isupper()} if first else set()

    rng = random.Random(0)
    alphabet = [*"AaBbZz09_ .,'-", *features._COMMON_PUNCTUATION, "É", "é", "Ω", "ǅ", "Ⅻ", "𝐀", "İ", "日"]
    for text in ODD_TEXTS + ["".join(rng.choices(alphabet, k=rng.randint(0, 30))) for _ in range(5000)]:
        assert features._names(text) == names(text)


def test_language_check_reads_the_words_of_the_last_batch(cleaner):
    docs = [prepare(c, config=cleaner.config) for c in contents()[:14]]
    features.block_features(docs)
    for doc in docs:
        text = "\n".join(b.text for b in doc.blocks)
        assert lowered_words(text) == [w.lower() for w in re.findall(r"\w+", text)]


def test_segment_text_cuts_where_the_line_pattern_does():
    line = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")

    def blocks(text):
        out = []
        for match in line.finditer(text):
            stripped = match.group().strip()
            if stripped:
                start = match.start() + match.group().index(stripped[0])
                out.append((stripped, start, start + len(stripped), "li" if is_bullet(match.group()) else "p"))
        return out

    rng = random.Random(0)
    alphabet = ["a", "b", " ", "\t", "\n", "\r", "\r\n", "\v", "\f", "\x1c", "\x85", "\u2028", "\u2029", "• ", "1. ", "-"]
    for text in ODD_TEXTS + ["".join(rng.choices(alphabet, k=rng.randint(0, 30))) for _ in range(3000)]:
        doc = segment_text(text)
        assert [(b.text, b.start, b.end, b.tag) for b in doc.blocks] == blocks(text)


@pytest.mark.parametrize("texts", [[":"], [":\n—", "Get free logins now\n:"], ["Leave a reply", "…"]])
def test_blocks_without_words_in_a_batch(texts):
    # a batch of blocks none or some of which have a word: each document's rows are the rows
    # it has when its features are worked out alone
    docs = [segment_text(t) for t in texts]
    words, dense, _ = features.block_features(docs)
    alone = [features.block_features([d]) for d in docs]
    assert np.array_equal(words.toarray(), np.vstack([a[0].toarray() for a in alone]))
    assert np.array_equal(dense, np.vstack([a[1] for a in alone]))
