from pathlib import Path

import lxml.html
import pytest

from cleaner.config import Config
from cleaner.features import DENSE_NAMES, block_features
from cleaner.html_cues import CUE_NAMES, PageCues, cue_features, element_marks
from cleaner.pipeline import prepare
from cleaner.segment import segment_parts, segment_text
from cleaner.types import Cues

PAGE = """<html><body class="single-post has-comments">
<article class="entry">
  <p>The council voted on Tuesday to close the old bridge for repairs.</p>
  <figure><img src="b.jpg"><figcaption>The old bridge in March. Photo: J. Smith</figcaption></figure>
  <p>Work starts in May, <a href="/plan">says the plan</a>, and lasts a year.</p>
</article>
<aside class="related-posts"><h3>Read next</h3><p>Ten bridges worth a visit this summer</p></aside>
<ul class="menu"><li><a href="/a">Home</a></li><li><a href="/b">News and politics</a></li></ul>
<div id="comments"><form><p>Leave a reply to this story</p></form></div>
</body></html>"""


@pytest.fixture(scope="module")
def page() -> PageCues:
    return PageCues(lxml.html.document_fromstring(PAGE))


def found(page: PageCues, text: str) -> Cues:
    cues = page.find(text)
    assert cues is not None, text
    return cues


def test_figcaption_block_gets_the_caption_cue(page):
    cues = found(page, "The old bridge in March. Photo: J. Smith")
    assert {"figcaption", "figure"} <= cues.marks
    assert "figcaption" not in found(page, "The council voted on Tuesday to close the old bridge for repairs.").marks


def test_block_in_related_aside_gets_related_and_aside(page):
    assert {"aside", "related"} <= found(page, "Ten bridges worth a visit this summer").marks
    assert {"aside", "related"} <= found(page, "Read next").marks


def test_article_paragraph_has_content_but_no_junk_marks(page):
    cues = found(page, "The council voted on Tuesday to close the old bridge for repairs.")
    assert cues.marks == {"content"}  # the body's page-wide classes are not cues
    assert cues.link_density == 0.0


def test_link_density(page):
    assert found(page, "News and politics").link_density == 1.0
    partly = found(page, "Work starts in May, says the plan, and lasts a year.").link_density
    assert 0.2 < partly < 0.4


def test_comment_form(page):
    assert {"comment", "form"} <= found(page, "Leave a reply to this story").marks


def test_unknown_text_has_no_cues(page):
    assert page.find("Nothing like this is on the page") is None


def test_a_shorter_start_is_found_when_the_block_joins_inline_text(page):
    # trafilatura joins the text around inline links; the block starts with a text node
    assert found(page, "Work starts in May, says the plan").link_density > 0


def test_class_and_id_words():
    assert element_marks("div", "adContainer", "newsletterSignup") == {"ad", "newsletter"}
    assert element_marks("div", "sponsored-by", "") == {"sponsor"}
    assert element_marks("div", "shadow headline", "loader") == frozenset()  # "ad" inside words is no cue


def test_plain_text_has_neutral_cues():
    doc = segment_text("A title\n\nA paragraph with some words in it.\n")
    assert doc.cues == ()
    assert cue_features(doc) == [[0.0] * len(CUE_NAMES)] * 2
    _, dense, _ = block_features([doc])
    assert not dense[:, DENSE_NAMES.index("dom_found") :].any()


def test_cues_go_to_every_line_of_their_part():
    aside = Cues(frozenset({"aside"}), 0.5, 10.0)
    doc = segment_parts([("Head", "h"), ("a\nb", "p")], metadata={}, cues=[None, aside])
    assert doc.cues == (None, aside, aside)
    row = cue_features(doc)[1]
    assert row[CUE_NAMES.index("dom_found")] == 1.0 and row[CUE_NAMES.index("dom_aside")] == 1.0
    assert row[CUE_NAMES.index("link_density")] == 0.5


def test_html_path_carries_cues():
    html = (Path(__file__).parent / "fixtures" / "pages" / "fr.html").read_bytes()
    doc = prepare(html, config=Config(kind="html"))
    assert len(doc.cues) == len(doc.blocks) > 3
    assert sum(c is not None for c in doc.cues) >= 0.9 * len(doc.cues)
