"""Is a document in a language the model was trained on? When it is not, cleaner keeps.

The model learnt junk and article from English, German, French and Spanish text; on a page in
another language its scores are guesses (it took Japanese and Portuguese article paragraphs for
`social` and `related`). There, only the named rules remove anything, so cleaner is never worse
than the extraction alone. The test is the share of the document's words that are the most
frequent function words of a trained language: 15–35% in prose of that language, under 10% in
Italian, Portuguese, Russian, Indonesian, Japanese or Korean (measured on the 181 scrapinghub
pages).
"""

from __future__ import annotations

from collections import Counter
from itertools import chain

from . import features

#: The trained languages and their most frequent function words.
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the and of to in is that it was for on with as he she they are by be at this from have not",
        "de": "der die das und ist nicht mit sich auf ein eine den dem des von zu im sie es auch wird wurde bei",
        "fr": "le les et des est une dans pour qui pas sur au du par il elle ce que plus avec sont été",
        "es": "el los las y del por una para con que es se lo su al como más pero sus fue han este",
    }.items()
}
#: A trained language's function words make at least this share of a document's words.
MIN_SHARE = 0.12
#: Fewer words than this say nothing about the language: the model decides.
MIN_WORDS = 20


def trained_language(text: str) -> str | None:
    """The trained language the text is written in, "" when too short to tell, None for another.

    >>> trained_language("The council said that the budget was approved on Monday by a vote of the members "
    ...                  "in the hall, after a session that ran past midnight.")
    'en'
    >>> trained_language("Il consiglio comunale ha approvato il bilancio lunedì sera dopo una lunga "
    ...                  "discussione sui lavori stradali, sulle biblioteche e sugli orari dei musei civici.") is None
    True
    """
    words = lowered_words(text)
    if len(words) < MIN_WORDS:
        return ""
    counts = Counter(words)  # a few dozen look-ups per language instead of one per word
    shares = {lang: sum(counts[w] for w in fw) / len(words) for lang, fw in FUNCTION_WORDS.items()}
    best = max(shares, key=shares.__getitem__)
    return best if shares[best] >= MIN_SHARE else None


def lowered_words(text: str) -> list[str]:
    """The words of the text, lower-cased.

    >>> lowered_words("İstanbul, ΟΔΟΣ'Α and THE end\\nnaïve")
    ['i̇stanbul', 'οδος', 'α', 'and', 'the', 'end', 'naïve']
    """
    # Line by line: a line without the letters below takes the fast way of `features.words`
    # (ASCII after its punctuation) even when other lines of the text do not.
    return list(chain.from_iterable(map(_lowered_line_words, text.split("\n"))))


def _lowered_line_words(line: str) -> list[str]:
    # The words of the lower-cased line, found in one pass, are the same but for two letters:
    # "İ" lower-cases to two characters, and "Σ" to "σ" or "ς" after its neighbours.
    if "İ" in line or "Σ" in line:
        return [w.lower() for w in features.words(line)]
    return features.batch_tokens(line)  # the words of the lower-cased line
