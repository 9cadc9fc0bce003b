"""Hand-worked checks of bench.metric, the scrapinghub benchmark metric."""

from collections import Counter

import pytest

from bench.metric import (
    Counts,
    aggregate,
    page_counts,
    precision,
    recall,
    score,
    shingles,
    tokenize,
)


def test_tokenize_drops_punctuation_and_keeps_case() -> None:
    # \w+ runs: the apostrophe and the dots split words; case is not folded.
    assert tokenize("Don't stop, U.S.! The the") == ["Don", "t", "stop", "U", "S", "The", "the"]


def test_tokenize_unicode_digits_underscore() -> None:
    assert tokenize("café naïve x_y 42\n\tend") == ["café", "naïve", "x_y", "42", "end"]


def test_tokenize_empty() -> None:
    assert tokenize("") == []
    assert tokenize(" .,;! ") == []


def test_shingles_of_five_tokens() -> None:
    # 5 tokens -> 5 - 4 + 1 = 2 shingles.
    assert shingles("a b c d e") == Counter({("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1})


def test_short_text_gives_one_short_shingle() -> None:
    # Fewer than 4 tokens: the original keeps one shingle of all the tokens.
    assert shingles("a b") == Counter({("a", "b"): 1})
    assert shingles("") == Counter()


def test_one_changed_token() -> None:
    # truth (a b c d) (b c d e); prediction (a b c d) (b c d x)
    # tp = 1 (a b c d), fp = 1 (b c d x), fn = 1 (b c d e) -> P = R = 1/2
    counts = page_counts("a b c d e", "a b c d x")
    assert counts == Counts(tp=1, fp=1, fn=1)
    assert precision(counts) == 0.5
    assert recall(counts) == 0.5
    # single tokens: tp = 4 (a b c d), fp = 1 (x), fn = 1 (e) -> P = R = 4/5
    assert page_counts("a b c d e", "a b c d x", n=1) == Counts(tp=4, fp=1, fn=1)
    assert score([("a b c d e", "a b c d x")], n=1).f1 == pytest.approx(0.8)


def test_repeated_tokens_count_as_multiset() -> None:
    # truth "a"x5 -> shingle (a a a a) twice; prediction "a"x7 -> four times.
    # tp = min(2, 4) = 2, fp = 4 - 2 = 2, fn = 0 -> P = 1/2, R = 1
    counts = page_counts("a a a a a", "a a a a a a a")
    assert counts == Counts(tp=2, fp=2, fn=0)
    assert (precision(counts), recall(counts)) == (0.5, 1.0)
    # single tokens: tp = 5, fp = 2, fn = 0 -> P = 5/7
    assert precision(page_counts("a a a a a", "a a a a a a a", n=1)) == pytest.approx(5 / 7)


def test_prediction_text_repeated_twice() -> None:
    # Extractors that output the article twice are penalised: every shingle is doubled
    # (plus the 3 shingles across the seam "b c d e a b c ..."), so precision is < 1/2.
    # truth 2 shingles; prediction "a b c d e a b c d e" has 10 - 3 = 7 shingles, tp = 2.
    counts = page_counts("a b c d e", "a b c d e a b c d e")
    assert counts == Counts(tp=2, fp=5, fn=0)


def test_case_matters() -> None:
    # "The" vs "the": the only shingle differs -> tp = 0, fp = 1, fn = 1
    assert page_counts("The cat sat down", "the cat sat down") == Counts(tp=0, fp=1, fn=1)


def test_empty_prediction_is_left_out_of_precision() -> None:
    # Page 1: truth 2 shingles, nothing predicted -> Counts(0, 0, 2): recall 0,
    #         not in the precision average (tp + fp == 0).
    # Page 2: perfect -> P = R = 1.
    # precision = mean([1]) = 1; recall = mean([0, 1]) = 1/2; F1 = 2 * 1 * .5 / 1.5 = 2/3
    pages = [("a b c d e", ""), ("a b c d e", "a b c d e")]
    assert page_counts(*pages[0]) == Counts(tp=0, fp=0, fn=2)
    result = score(pages)
    assert result.precision == 1.0
    assert result.recall == 0.5
    assert result.f1 == pytest.approx(2 / 3)


def test_empty_truth_is_left_out_of_recall() -> None:
    # Page 1: empty truth, prediction 2 shingles -> Counts(0, 2, 0): precision 0,
    #         not in the recall average (tp + fn == 0).
    # Page 2: perfect. precision = mean([0, 1]) = 1/2; recall = mean([1]) = 1
    result = score([("", "a b c d e"), ("a b c d e", "a b c d e")])
    assert (result.precision, result.recall) == (0.5, 1.0)


def test_both_empty_counts_for_neither_average() -> None:
    # Counts(0, 0, 0): scores 1 / 1 on its own but is eligible for no average.
    assert precision(Counts(0, 0, 0)) == recall(Counts(0, 0, 0)) == 1.0
    result = score([("", ""), ("a b c d e", "a b c d x")])
    assert result == (0.5, 0.5, 0.5)
    # Nothing eligible at all: 0.0 where the original would raise.
    assert score([("", "")]) == (0.0, 0.0, 0.0)


def test_pages_are_averaged_not_pooled() -> None:
    # Page 1: tp 1, fp 1, fn 1 -> P = R = 1/2. Page 2 (short, 1 shingle): P = R = 1.
    # Average: P = R = 3/4. Pooling the counts would give tp 2 / (2 + 1) = 2/3.
    result = score([("a b c d e", "a b c d x"), ("a b c d", "a b c d")])
    assert result.precision == pytest.approx(0.75)
    assert result.recall == pytest.approx(0.75)


def test_f1_is_taken_from_the_averages() -> None:
    # Page 1: truth (a b c d) (b c d e), prediction (a b c d): tp 1, fp 0, fn 1 -> P 1, R 1/2
    # Page 2: truth (a b c d), prediction (a b c d) (b c d e): tp 1, fp 1, fn 0 -> P 1/2, R 1
    # Averages P = R = 3/4 -> F1 = 3/4 (the mean of the page F1s would be 2/3).
    result = score([("a b c d e", "a b c d"), ("a b c d", "a b c d e")])
    assert result.f1 == pytest.approx(0.75)


def test_aggregate_of_no_pages() -> None:
    assert aggregate([]) == (0.0, 0.0, 0.0)
