"""The second acceptance test: clean articles of everyday genres (recipes, gardening, reviews,
how-tos, travel, health, money, pets), cleaned with the shipped model, lose nothing.

They were written for this test and are in no training set: a model that has learned
"household words are off-topic filler" instead of "off the article's topic" fails here.
"""

from pathlib import Path

import pytest

from cleaner import clean

GENRES = Path(__file__).parent / "fixtures" / "genres"


@pytest.mark.parametrize("name", sorted(p.name for p in GENRES.glob("*.txt")))
def test_clean_article_of_an_everyday_genre_loses_nothing(name):
    result = clean((GENRES / name).read_bytes())
    lost = [f"{r.category} {r.score:.2f} {r.reason}: {r.text[:60]}" for r in result.removed]
    assert not lost, f"article blocks removed from {name}: {lost}"
