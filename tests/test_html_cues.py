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


def eager_cues(tree) -> dict[str, Cues]:
    """The cues of every start of text of a page, read in one walk that keeps running counts
    (the first implementation): PageCues, which works out only what it is asked, must agree."""
    from cleaner.html_cues import INLINE_TAGS, _SKIP, _UNMARKED, KEY_WORDS

    table: dict[str, tuple[frozenset[str], list[int]]] = {}

    def add(text, marks, box, in_link):
        words = text.split() if text else []
        if words:
            box[0] += sum(map(len, words))
            box[1] += sum(map(len, words)) if in_link else 0
            table.setdefault(" ".join(words[:KEY_WORDS]), (marks, box))

    def visit(element, marks, box, in_link):
        if element.tag in _SKIP:
            return
        if element.tag not in _UNMARKED:
            marks = marks | element_marks(element.tag, element.get("class", ""), element.get("id", ""))
        inner = box if element.tag in INLINE_TAGS else [0, 0, 0]  # characters, in links, elements
        inner[2] += 1
        in_link = in_link or element.tag == "a"
        add(element.text, marks, inner, in_link)
        for child in element:
            if isinstance(child.tag, str):
                visit(child, marks, inner, in_link)
            add(child.tail, marks, inner, in_link)
        if inner is not box:
            box[:] = [a + b for a, b in zip(box, inner)]

    visit(tree, frozenset(), [0, 0, 0], False)
    return {
        key: Cues(marks, link / max(chars, 1), max(chars, 1) / max(elements, 1))
        for key, (marks, (chars, link, elements)) in table.items()
    }


# Tails (after inline and block elements, a comment, a script), a link and skipped elements.
TAILS = """<html><head><title>Not a block of the body</title></head><body><div class="story">
<p>Lead paragraph of the story, <a class="share-link" href="#">share <b>it</b></a> then the tail of the link.</p>
<aside class="promo">An offer<!-- a comment -->after a comment</aside>The text after the aside is the story's.
<span class="byline">By a writer</span> and the tail of the byline span.<script>var later = 1;</script> After a script.
<select><option>Option text</option></select><svg><text>Drawn text</text></svg> After the drawing.
</div></body></html>"""


@pytest.mark.parametrize("name", [None, "tails", "de.html", "es.html", "fr.html", "it.html"])
def test_page_cues_agree_with_one_eager_walk_of_the_page(name):
    pages = Path(__file__).parent / "fixtures" / "pages"
    html = {None: PAGE, "tails": TAILS}.get(name) or (pages / str(name)).read_text("utf-8")
    tree = lxml.html.document_fromstring(html)
    expected = eager_cues(tree)
    assert len(expected) > 5
    page = PageCues(tree)
    for key, cues in expected.items():
        assert page.find(key + " and more words after the start") == cues, key
    for skipped in ("var later = 1;", "Option text", "Drawn text", "Not a block of the body"):
        assert page.find(skipped) is None
