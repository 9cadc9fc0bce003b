import pytest

from cleaner.rules import first_match


@pytest.mark.parametrize(
    "text, rule",
    [
        ("Leave a Reply", "comment-form"),
        ("Your email address will not be published. Required fields are marked *", "comment-form"),
        ("Laisser un commentaire. Votre adresse e-mail ne sera pas publiée.", "comment-form"),
        ("Deine E-Mail-Adresse wird nicht veröffentlicht. Erforderliche Felder sind mit * markiert", "comment-form"),
        ("Deja un comentario", "comment-form"),
        ("Lascia un commento", "comment-form"),
        ("Deixe um comentário", "comment-form"),
        ("Adblock Detected", "adblock-notice"),
        ("• Please deactivate your VPN or ad-blocking software to continue", "adblock-notice"),
        ("Reuters", "credit-line"),
        ("REUTERS/Marton Monus", "credit-line"),
        ("Photo: AFP via Getty Images", "credit-line"),
        ("The mayor waves to supporters in Lyon. AP", "caption-credit"),
        ("A man walks past the ruins. Global Images Ukraine via Getty Images", "caption-credit"),
        ("Advertisement", "advertisement-label"),
        ("Sign up for our free daily newsletter", "newsletter-prompt"),
        ("Unser Newsletter: Melden Sie sich jetzt an!", "newsletter-prompt"),
        ("Abonnez-vous à notre newsletter et recevez l'essentiel.", "newsletter-prompt"),
        ("Suscríbete a nuestro boletín y recibe las noticias.", "newsletter-prompt"),
        ("More from GZERO Media", "related-header"),
        ("You may also like", "related-header"),
    ],
)
def test_rule_fires(text, rule):
    hit = first_match(text)
    assert hit is not None and hit[0] == rule


@pytest.mark.parametrize(
    "text",
    [
        "The minister told Reuters on Monday that talks would resume.",
        "(Reuters) - Shares rose on Tuesday after the report.",
        "Sources: CNN, The Kyiv Independent, Ukraine's military, the Russian Duma, and others.",
        "More from the interview will be published next week, the editor said.",
        "Our newsletter editor said readers had doubled since March.",
        "Readers who subscribe to our newsletter get the puzzle a day early, the paper said.",
        "Poster Boys",
        "He leaves a reply on every letter he receives, he said.",
        "Il a refusé de laisser un commentaire sur l'affaire.",
        "Sie wollte keinen Kommentar abgeben.",
        "The AP reported the figures first.",
    ],
)
def test_rule_stays_quiet_on_article_lines(text):
    assert first_match(text) is None
