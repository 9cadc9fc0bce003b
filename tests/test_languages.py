"""Pages in other languages: never worse than the extraction alone, and unsure → keep.

The pages in tests/fixtures/pages are our own writing: a short local news article in German,
French, Spanish (languages the model was trained on, a little) and Italian (not trained on),
each followed by a newsletter prompt and a comment-form line in its language.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cleaner import Config, clean
from cleaner.language import trained_language
from cleaner.pipeline import UNKNOWN_LANGUAGE, Cleaner, prepare
from cleaner.types import CATEGORIES

PAGES = Path(__file__).parent / "fixtures" / "pages"
#: The junk lines of each page (the last two paragraphs).
JUNK = {
    "de": ("Unser Newsletter", "Hinterlassen Sie einen Kommentar"),
    "fr": ("Abonnez-vous à notre newsletter", "Laisser un commentaire"),
    "es": ("Suscríbete a nuestro boletín", "Deja un comentario"),
    "it": ("Iscriviti alla nostra newsletter", "Leave a Reply"),
}


def article_blocks(lang: str) -> list[str]:
    """What the extraction alone gives, minus the junk lines: the article."""
    doc = prepare((PAGES / f"{lang}.html").read_bytes(), config=Config())
    return [b.text for b in doc.blocks if not b.text.startswith(JUNK[lang])]


@pytest.mark.parametrize("lang", sorted(JUNK))
def test_never_loses_article_text_the_extraction_keeps(lang: str) -> None:
    result = clean((PAGES / f"{lang}.html").read_bytes())
    blocks = article_blocks(lang)
    assert len(blocks) >= 4
    assert [b for b in blocks if b not in result.text] == []


@pytest.mark.parametrize("lang", ["de", "fr", "es"])
def test_trained_languages_are_recognised(lang: str) -> None:
    assert trained_language(" ".join(article_blocks(lang))) == lang


def test_untrained_language_keeps_all_but_rule_hits() -> None:
    result = clean((PAGES / "it.html").read_bytes())
    assert UNKNOWN_LANGUAGE in result.notes
    assert [(r.text, r.reason) for r in result.removed] == [("Leave a Reply", "rule:comment-form")]


def test_short_text_is_left_to_the_model() -> None:
    assert trained_language("Leave a Reply. Cancel reply.") == ""
    assert UNKNOWN_LANGUAGE not in clean("Leave a Reply\n\nShare this\n").notes


def removed(lang: str) -> list[str]:
    return [r.text for r in clean((PAGES / f"{lang}.html").read_bytes()).removed]


@pytest.mark.parametrize("lang", ["de", "es", "it", "fr"])
def test_comment_forms_are_removed(lang: str) -> None:
    assert any(text.startswith(JUNK[lang][1]) for text in removed(lang))


@pytest.mark.parametrize("lang", ["de", "fr", "es"])
def test_newsletter_prompts_of_trained_languages_are_removed(lang: str) -> None:
    assert any(text.startswith(JUNK[lang][0]) for text in removed(lang))


class _SureOfJunk:
    """A model that calls every block off-topic junk, at 0.9."""

    def score(self, docs):
        return [(np.full(len(d.blocks), 0.9), np.tile(np.eye(len(CATEGORIES))[CATEGORIES.index("offtopic")], (len(d.blocks), 1))) for d in docs]


def test_untrained_language_is_left_to_the_rules_whatever_the_model_says() -> None:
    """The model's scores are guesses in a language it was not trained on: no block goes on
    them, not even by a revision (a block beside or between rule hits, the last before them)."""
    text = "\n\n".join([
        "Il consiglio comunale ha approvato ieri sera il nuovo piano per il centro storico della città.",
        "Leave a Reply",
        "I lavori dovrebbero cominciare in primavera e durare circa due anni, secondo il sindaco.",
        "Your email address will not be published. Required fields are marked *",
        "Per il momento i negozi della piazza resteranno aperti durante tutto il cantiere.",
        "Leave a Reply",
    ])
    result = Cleaner(Config(), model=_SureOfJunk()).clean(text)
    assert UNKNOWN_LANGUAGE in result.notes
    assert {r.reason for r in result.removed} == {"rule:comment-form"}
    assert "Per il momento i negozi" in result.text and "I lavori dovrebbero" in result.text
#: A one-sentence paragraph of each page's story, as sites print leads and closings.
SHORT = {
    "de": ("Die Tickets kosten dasselbe wie bisher.", "Der neue Fahrplan erscheint im April."),
    "fr": ("L’inscription reste gratuite.", "Le catalogue sera en ligne en mars."),
    "es": ("Los precios no subirán.", "El horario normal vuelve en enero."),
}


@pytest.mark.parametrize("lang", sorted(SHORT))
@pytest.mark.parametrize("where", ["first", "last"])
def test_a_one_sentence_paragraph_of_the_story_is_kept(lang: str, where: str) -> None:
    """A short lead or closing is the model's to doubt, not to remove: trafilatura keeps it."""
    page = (PAGES / f"{lang}.html").read_text(encoding="utf-8")
    sentence = SHORT[lang][where == "last"]
    if where == "first":
        page = page.replace("</h1>\n<p>", f"</h1>\n<p>{sentence}</p>\n<p>", 1)
    else:
        page = page.replace(f"<p>{JUNK[lang][0]}", f"<p>{sentence}</p>\n<p>{JUNK[lang][0]}", 1)
    assert f"<p>{sentence}</p>" in page
    assert sentence in clean(page).text
