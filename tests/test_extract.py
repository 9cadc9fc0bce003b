"""cleaner.extract: its lean metadata call reports what trafilatura's own would."""

from copy import deepcopy
from pathlib import Path

import pytest
from lxml import etree
from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.metadata import extract_author, extract_metadata
from trafilatura.utils import load_html
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

from cleaner import extract
from cleaner.extract import _METADATA, extract_html, lift_deep, page_author, page_metadata

PAGES = sorted((Path(__file__).parent / "fixtures" / "pages").glob("*.html"))
META_PAGE = """<html lang="en"><head><title>Bridge closes for repairs | The Harwick Ledger</title>
<meta property="og:site_name" content="harwickledger"><meta name="author" content="Jane Smith">
<meta name="description" content="The old bridge shuts in May.">
<link rel="canonical" href="https://www.harwick-ledger.example/news/bridge">
<meta property="article:published_time" content="2024-03-05T08:00:00Z">
<meta property="article:tag" content="transport"></head>
<body><article><h1>Bridge closes for repairs</h1><p class="byline">By Jane Smith</p>
<p>The council voted on Tuesday to close the old bridge for repairs, starting in May.</p>
<p>Work will last a year, the council said, and a ferry will run in the meantime.</p></article>
<footer><a rel="license" href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a></footer></body></html>"""


@pytest.mark.parametrize("html", [META_PAGE, *(p.read_text("utf-8") for p in PAGES)],
                         ids=["meta", *(p.stem for p in PAGES)])
def test_page_metadata_reports_what_trafilatura_reports(html):
    ours, theirs = page_metadata(load_html(html)), extract_metadata(load_html(html))
    assert {k: getattr(ours, k) for k in _METADATA} == {k: getattr(theirs, k) for k in _METADATA}


def test_metadata_of_a_page_goes_to_the_report():
    _, metadata, _, _ = extract_html(META_PAGE)
    assert metadata["title"] == "Bridge closes for repairs"
    assert metadata["author"] == "Jane Smith" and metadata["date"] == "2024-03-05"
    assert metadata["url"] == "https://www.harwick-ledger.example/news/bridge"


# Every attribute test of trafilatura's author XPaths, matching and near misses, some in
# elements that the discard XPaths remove.
AUTHOR_PAGE = """<html><head><link rel="author" href="/jo"><title>T</title></head><body>
<div id="comments-area"><span class="author">Ann Commenter</span></div>
<div class="Comments box"><p class="byline">By Carl Commenter</p></div>
<section id="x-comment-list"><a rel="author">Dee List</a></section>
<span class="meta-date author-name">Eve Date</span><div data-component="FigureBlock">Fay Figure</div>
<figure><figcaption class="writer">Gus Photo</figcaption></figure><time class="byline">May 5</time>
<p>By <span class="date">5 May</span>Hal<!-- c --> <strong class="AuthorName">Ida Strong</strong> more</p>
<address class="authorname">Jo Address</address><a data-testid="AuthorURL">Kim Url</a>
<div><rel>me</rel>Lee Rel</div><author>Max Author</author><span itemprop="author name">Ned Prop</span>
<h3 class="byl">Oli Byl</h3><h4 id="zuozhe-1">Pat Zuozhe</h4><p class="x-posted-by">Quin Posted</p>
<h2 class="channel-name">Ray Heading</h2><li class="Byline">Sam Item</li><td id="theAuthor">Tom Cell</td>
<b data-component="BylineName">Uma Bold</b><i itemprop="coauthor">Val Italic</i><em class="screenname">Wes</em>
<span class="comments">Xia Span</span><div class="title">Yan Title</div><span id="commentsX">Zed</span>
<div class="sidebar-author">Abe Side</div><a class="print-author">Bea Print</a><p class="authors">Cy Many</p>
</body></html>"""


@pytest.mark.parametrize("html", [AUTHOR_PAGE, META_PAGE, *(p.read_text("utf-8") for p in PAGES)],
                         ids=["author", "meta", *(p.stem for p in PAGES)])
def test_author_tests_select_what_trafilaturas_xpaths_select(html):
    ours = [extract._author_discards, extract._times_and_figures]
    for theirs, mine in zip(AUTHOR_DISCARD_XPATHS, ours):
        tree = deepcopy(load_html(html))
        assert mine(tree) == theirs(tree)
    pruned = prune_unwanted_nodes(deepcopy(load_html(html)), AUTHOR_DISCARD_XPATHS)
    ours = [extract._authors_specific, extract._authors_generic, extract._authors_any]
    for theirs, mine in zip(AUTHOR_XPATHS, ours):
        assert mine(pruned) == theirs(pruned)
    assert page_author(load_html(html)) == extract_author(load_html(html))


def test_author_page_tests_every_author_xpath():
    tree = deepcopy(load_html(AUTHOR_PAGE))
    assert all(len(xpath(tree)) >= 2 for xpath in AUTHOR_DISCARD_XPATHS + AUTHOR_XPATHS)


# An article written straight into a div, its paragraphs cut by <br>, the div also holding a
# block (the tags line). trafilatura alone kept only the first paragraph of four.
BR_PAGE = """<html><head><title>New keyboard for the small laptop | Gadget Notes</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/reviews">Reviews</a></nav>
<div id="content"><div class="article"><h1>New keyboard for the small laptop</h1>
<div class="byline">Monday by <a href="/ann">Ann Lee</a></div>
<div class="body">Following the large model, the maker plans a new small laptop with a scissor keyboard
next spring, according to <em><a href="https://example.com/">suppliers</a></em> cited by a trade paper.
<br> <br>The screen is said to stay the same size, although a larger one is not ruled out by people who
have seen early samples of the machine.
<br> <br>The large model already has the new keyboard, based on the desktop one, and it should prove far
more reliable than the keyboards used in recent years.
<br> <br>It is unclear if the small laptop will also get a physical escape key, which many users asked
for after the last two models.
<br><br><div class="tags">Tags: <a href="/t/laptops">laptops</a></div></div></div></div>
<footer><p>Copyright Gadget Notes</p></footer></body></html>"""


def test_text_written_straight_into_a_div_is_kept():
    parts, _, cues, _ = extract_html(BR_PAGE)
    starts = [" ".join(text.split()[:3]) for text, _ in parts]
    for start in ("Following the large", "The screen is", "The large model", "It is unclear"):
        assert start in starts
    assert "cited by a trade paper." in parts[starts.index("Following the large")][0]
    assert all(found is not None for found in cues)  # each part is found in the page


def test_trafilaturas_readability_and_justext_comparison_is_skipped(monkeypatch):
    # On short extractions trafilatura compares its text with its readability and justext ports
    # and may swap it for theirs: on the scrapinghub train pages all three swaps were worse.
    import trafilatura.core

    def compare_extraction(*args, **kwargs):
        raise AssertionError("trafilatura's comparison with readability and justext ran")

    monkeypatch.setattr(trafilatura.core, "compare_extraction", compare_extraction)
    parts, _, _, _ = extract_html(BR_PAGE)
    assert any(text.startswith("It is unclear") for text, _ in parts)


CELL_PAGE = """<html><body><table><tr><td class="content">
<h1>Protesters killed in unrest</h1><p>November 20, 2019</p>
<p>Verified video footage reveals a harrowing pattern of killings by security forces, which have used
lethal force to crush largely peaceful protests in more than 100 cities, said Amnesty on Tuesday.</p>
<p>At least 106 protesters in 21 cities have been killed, according to credible reports received by
Amnesty, which believes that the real death toll may be much higher than the figures published.</p>
<p><strong>Top stories</strong></p>
<p>The House of Representatives voted on Tuesday to recognise the genocide.</p>
</td></tr></table></body></html>"""
NESTED_PAGE = """<html><body><article><h1>Protesters killed</h1>
<p>Verified video footage reveals a harrowing pattern of killings by security forces, which have used
lethal force to crush peaceful protests.</p>
<blockquote><p>The authorities must end this brutal and deadly crackdown immediately, said a researcher
who has followed the protests since they started.</p><p>The world is watching, she added.</p></blockquote>
<ul><li><h3>Iran cuts the internet</h3>The country was offline for a week.</li></ul>
</article></body></html>"""


def test_a_block_that_holds_blocks_is_read_as_its_blocks():
    # trafilatura gives a layout cell as one <cell> of <p>s (a scrapinghub train page): read as
    # one part, its paragraphs ran together ("…on Tuesday.At least 106…") and were judged as one
    parts, _, cues, _ = extract_html(CELL_PAGE)
    assert [(" ".join(text.split()[:3]), tag) for text, tag in parts[-4:]] == [
        ("Verified video footage", "p"),
        ("At least 106", "p"),
        ("Top stories", "p"),
        ("The House of", "p"),
    ]
    assert all(found is not None for found in cues)
    # a quote of two paragraphs, a list item with a heading: the parts keep their tags
    parts, _, _, _ = extract_html(NESTED_PAGE)
    assert [(" ".join(text.split()[:3]), tag) for text, tag in parts[-4:]] == [
        ("The authorities must", "quote"),
        ("The world is", "quote"),
        ("Iran cuts the", "h"),
        ("The country was", "li"),
    ]


TITLE_PAGE = """<html><head><meta property="og:title" content="{title}"></head><body><article>
<div class="crumbs"><a href="/world">World</a></div>
<h1>{heading}</h1>
<p>Prosecutors have dropped the investigation opened nine years ago, saying that the evidence had
weakened considerably over time and that witnesses could no longer recall the events in detail.</p>
<h2>What happens next</h2>
<p>The decision can be appealed within three weeks, and the lawyer for the complainant said on
Tuesday that she would consider doing so after reading the full reasons given by prosecutors.</p>
</article></body></html>"""


@pytest.mark.parametrize(
    "title, heading, repeats",
    [
        ("Sweden drops Assange investigation", "Sweden drops Assange investigation", True),
        # the same title in other words, and with the site's name
        ("Sweden drops Assange rape investigation | World news", "Julian Assange: Sweden drops rape investigation", True),
        # a heading that shares words with the title without being it (a scrapinghub train page)
        ("MacBook sale at Amazon from $700, AirPods, more - 9to5Mac", "Amazon discounts MacBook models from $700", False),
    ],
)
def test_a_heading_that_repeats_the_title_goes_to_the_metadata(title, heading, repeats):
    parts, metadata, _, _ = extract_html(TITLE_PAGE.format(title=title, heading=heading))
    texts = [text for text, _ in parts]
    assert (heading not in texts) is repeats
    assert "What happens next" in texts and texts[-1].startswith("The decision can be appealed")
    # worded otherwise than the title, the heading is kept in the metadata
    assert metadata.get("headline") == (heading if repeats and heading != metadata["title"] else None)


def test_a_paragraph_that_is_the_title_goes_to_the_metadata():
    # some sites print the headline as a paragraph (`<p class="titulo">`), not a heading
    page = TITLE_PAGE.format(title="Sweden drops Assange investigation", heading="x").replace(
        "<h1>x</h1>", '<p class="titulo">Sweden drops Assange investigation</p>'
    )
    parts, metadata, _, _ = extract_html(page)
    texts = [text for text, _ in parts]
    assert "Sweden drops Assange investigation" not in texts
    assert metadata["title"] == "Sweden drops Assange investigation" and "headline" not in metadata
    assert texts[0].startswith("Prosecutors have dropped")


FIGURE_PAGE = (Path(__file__).parent / "fixtures" / "figures.html").read_text("utf-8")


def test_figure_captions_are_blocks_at_their_places():
    # trafilatura drops <figure> whole: the captions of the article's figures come back as
    # parts tagged "caption", where they stand; the sidebar's is not the article's
    parts, _, cues, _ = extract_html(FIGURE_PAGE)
    assert [(" ".join(text.split()[:3]), tag) for text, tag in parts] == [
        ("Workers on the", "caption"),
        ("The harbour of", "p"),
        ("Fishing boats returned", "p"),
        ("The ferry leaves", "caption"),
        ("The repairs cost", "p"),
    ]
    assert parts[0][0] == "Workers on the new sea wall. Photo: J. Doe"  # its inline parts spaced, not run together
    assert "figcaption" in cues[0].marks and "figcaption" in cues[3].marks


def _depth(tree):
    return max(sum(1 for _ in element.iterancestors()) for element in tree.iter())


@pytest.mark.parametrize("xml, lifted, flat", [
    ("<a><b>1<c>2<d>3</d>4</c>5</b>6</a>", 2, "<a><b>1</b><c>2</c><d>3</d>456</a>"),
    ("<a><b><c>x<d/>y</c>z<e>w</e></b>v<f><g>u</g></f></a>", 4, "<a><b/><c>x</c><d/>yz<e>w</e>v<f/><g>u</g></a>"),
    ("<a><b>no deeper</b></a>", 0, "<a><b>no deeper</b></a>"),
])
def test_lift_deep_caps_the_depth_and_keeps_every_text_in_order(xml, lifted, flat):
    tree = etree.fromstring(xml)
    text = "".join(tree.itertext())
    assert lift_deep(tree, 1) == lifted
    assert etree.tostring(tree, encoding=str) == flat
    assert "".join(tree.itertext()) == text and _depth(tree) <= 1
