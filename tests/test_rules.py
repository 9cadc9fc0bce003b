import pytest

from cleaner.rules import first_match


@pytest.mark.parametrize(
    "text, rule",
    [
        ("Leave a Reply", "comment-form"),
        ("Your email address will not be published. Required fields are marked *", "comment-form"),
        ("Adblock Detected", "adblock-notice"),
        ("• Please deactivate your VPN or ad-blocking software to continue", "adblock-notice"),
        ("Reuters", "credit-line"),
        ("REUTERS/Marton Monus", "credit-line"),
        ("Photo: AFP via Getty Images", "credit-line"),
        ("The mayor waves to supporters in Lyon. AP", "caption-credit"),
        ("A man walks past the ruins. Global Images Ukraine via Getty Images", "caption-credit"),
        ("Advertisement", "advertisement-label"),
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
        "Poster Boys",
        "He leaves a reply on every letter he receives, he said.",
        "The AP reported the figures first.",
    ],
)
def test_rule_stays_quiet_on_article_lines(text):
    assert first_match(text) is None
