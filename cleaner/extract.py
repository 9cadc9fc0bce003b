"""HTML to structured text parts with trafilatura, tuned for recall."""

from __future__ import annotations

import logging
import re
from copy import deepcopy

import trafilatura
from courlan import extract_domain
from htmldate import find_date
from lxml import etree
from lxml.html import HTMLParser, fromstring
from trafilatura import metadata as traf_metadata
from trafilatura.settings import Document as TrafDocument
from trafilatura.settings import set_date_params
from trafilatura.utils import HTML_PARSER, load_html, repair_faulty_html, trim
from trafilatura.xml import delete_element

from .html_cues import INLINE_TAGS, PageCues
from .types import Cues

LOGGER = logging.getLogger(__name__)

# trafilatura's XML element → our block tag. Containers (list, table, row) are walked through.
_TAGS = {"p": "p", "head": "h", "item": "li", "quote": "quote", "cell": "cell", "code": "p"}
_CONTAINERS = {"main", "list", "table", "row", "div", "figure"}
_METADATA = ("title", "author", "date", "url", "sitename", "hostname", "description")
#: Elements that hold paragraphs; text right inside them, beside <br> or <p>, is wrapped in a <p>.
_TEXT_HOLDERS = ("div", "section", "article", "main")
#: libxml2 stops parsing at this nesting depth (without XML_PARSE_HUGE): all that follows is lost.
MAX_DEPTH = 255
#: ... and at this one with XML_PARSE_HUGE, its hard limit.
HUGE_DEPTH = 2047
#: trafilatura's parser (trafilatura.utils.HTML_PARSER) with the depth limit raised to HUGE_DEPTH.
_DEEP_PARSER = HTMLParser(
    collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True
)
#: A heading among the first parts is the page's title (see `title_heading`) when at least
#: TITLE_OWN of its words are the title's and they make at least TITLE_COVER of the title's
#: words (a title often adds the site's name: "Meal Prep for a Week | The Beachbody Blog").
TITLE_PARTS = 3
TITLE_OWN = 0.8
TITLE_COVER = 0.5
_WORD = re.compile(r"\w+")


def extract_html(
    html: str,
) -> tuple[list[tuple[str, str]], dict[str, str], list[Cues | None], tuple[str, ...]]:
    """Main-content parts (text, tag) of an HTML page, its metadata, the cues of each part, and
    notes for the report.

    Recall is favoured: the classifier after it removes what trafilatura lets through,
    while text trafilatura drops is lost for good. The page title goes to the metadata
    and is dropped from the body where one of its first headings repeats it (`title_heading`).
    A page nested deeper than MAX_DEPTH is flattened to that depth, with a note (see `_load`).
    """
    tree, notes = _load(html)
    if tree is None:
        return [], {}, [], notes
    wrap_text_runs(tree)
    # bare_extraction, not extract(output_format="xml"): the XML serialisation can miss text
    # that trafilatura's own fallback found (seen on a scrapinghub page: half the article).
    result = trafilatura.bare_extraction(
        tree,
        favor_recall=True,
        # fast: no readability/justext comparison. It runs only on short extractions, and on the
        # scrapinghub train pages all 3 of its swaps were worse than trafilatura's own text
        # (justext dropping 2 paragraphs of 10; readability adding 2-4 times the text in junk).
        fast=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,  # True changes the text (10 of 111 train pages): links are read off `tree`
        include_formatting=False,
        with_metadata=False,  # read below, without the categories, tags and licence we never report
        deduplicate=False,
    )
    if result is None or result.body is None:
        return [], {}, [], notes
    found = page_metadata(tree)
    metadata = {key: str(getattr(found, key)) for key in _METADATA if getattr(found, key, None)}
    parts = _walk(result.body)
    heading = title_heading(parts, metadata.get("title", ""))
    if heading is not None:
        text = " ".join(parts.pop(heading)[0].split())
        if text != " ".join(metadata["title"].split()):
            metadata["headline"] = text  # the title in the page's own words is not lost
    # bare_extraction works on a copy: `tree` is still the whole source page
    page = PageCues(tree)
    parts = with_captions(parts, tree, page)
    return parts, metadata, [page.find(text) for text, _ in parts], notes


def with_captions(parts: list[tuple[str, str]], tree: etree._Element, page: PageCues) -> list[tuple[str, str]]:
    """The parts with the page's figure captions put in at their places, tagged "caption".

    trafilatura drops a <figure> whole, its <figcaption> with it, so a caption would be lost
    without a word in the report (and `keep={"caption"}` could not keep it). A figcaption
    inside the article's element (the nearest one that holds every part found in the page)
    goes after the last part that comes before it in the page, or first; one whose text
    is already a part is not put in twice.
    """
    captions = [c for c in tree.iter("figcaption") if next(c.iterancestors("figcaption"), None) is None]
    owners = [page.owner(text) for text, _ in parts] if captions else []
    found = [owner for owner in owners if owner is not None]
    if not found:
        return parts
    article = _holder(found)
    order = {element: i for i, element in enumerate(article.iter())}
    places, last = [], -1
    for owner in owners:  # a part not found in the page stays with the part before it
        last = order.get(owner, last)
        places.append(last)
    known = {" ".join(text.split()) for text, _ in parts}
    out = list(parts)
    for caption in reversed(captions):  # last first: inserting leaves the places before it as they are
        text = " ".join(" ".join(caption.itertext()).split())
        if caption not in order or not text or text in known:
            continue
        at = sum(place < order[caption] for place in places)
        out.insert(at, (text, "caption"))
    return out


def _holder(elements: list[etree._Element]) -> etree._Element:
    """The nearest element that is or holds each of `elements`."""
    chain = [elements[0], *elements[0].iterancestors()]
    for element in elements[1:]:
        around = {element, *element.iterancestors()}
        chain = chain[next(i for i, e in enumerate(chain) if e in around) :]
    return chain[0]


def title_heading(parts: list[tuple[str, str]], title: str) -> int | None:
    """The index of the heading among the first TITLE_PARTS parts that repeats the page title,
    in the same or nearly the same words ("Julian Assange: Sweden drops rape investigation"
    for "Sweden drops Assange rape investigation"), or of a paragraph that is the title word
    for word (a `<p class="titulo">`), if there is one.

    >>> title_heading([("Home", "p"), ("Cat found in Mexico", "h")], "Cat found in Mexico | AP News")
    1
    >>> title_heading([("Menu", "p"), ("Cat found in Mexico", "p")], "Cat found in Mexico")
    1
    >>> title_heading([("Why we walk", "h"), ("Cat found", "p")], "Cat found in Mexico") is None
    True
    """
    ordered = _WORD.findall(title.lower())
    title_words = set(ordered)
    for i, (text, tag) in enumerate(parts[:TITLE_PARTS]):
        words = _WORD.findall(text.lower())
        if tag != "h":
            if words and words == ordered:
                return i
            continue
        shared = sum(word in title_words for word in words)
        if words and shared >= TITLE_OWN * len(words) and shared >= TITLE_COVER * len(title_words):
            return i
    return None


def page_metadata(tree: etree._Element) -> TrafDocument:
    """trafilatura's `extract_metadata` (2.x) without the categories, tags and licence it also
    looks for, which the report does not carry and which cost ~2 ms a page of its ~4.
    tests/test_extract.py checks that the fields we report stay the same as trafilatura's."""
    found = traf_metadata.examine_meta(tree)
    if found.author and " " not in found.author:
        found.author = None
    try:
        found = traf_metadata.extract_meta_json(tree, found)
    except Exception as error:  # noqa: BLE001 - trafilatura guards this call the same way
        LOGGER.warning("error in JSON metadata extraction: %s", error)
    found.title = found.title or traf_metadata.extract_title(tree)
    found.author = found.author or page_author(tree)
    found.url = found.url or traf_metadata.extract_url(tree, None)
    if found.url:
        found.hostname = extract_domain(found.url, fast=True)
    found.date = find_date(tree, **set_date_params(True), url=found.url)
    found.sitename = found.sitename or traf_metadata.extract_sitename(tree)
    if found.sitename:
        found.sitename = found.sitename.lstrip("@")
        if found.sitename and "." not in found.sitename and not found.sitename[0].isupper():
            found.sitename = found.sitename.title()
    elif found.url and (match := traf_metadata.META_URL.match(found.url)):
        found.sitename = match[1]
    found.clean_and_trim()
    return found


def page_author(tree: etree._Element) -> str | None:
    """trafilatura's `extract_author` (2.x) with its XPaths written as tests of each element's
    attributes, in half the time: libxml2 is slow on their long `or` chains, and their EXSLT
    `re:test`s call back into Python for each element (here the same patterns are searched). Run on a page without an author in its
    meta tags (2 in 5). tests/test_extract.py checks that the elements are those trafilatura's
    XPaths select."""
    subtree = deepcopy(tree)  # a copy of the root is the root of a new document
    for discard in (_author_discards, _times_and_figures):
        for element in discard(subtree):
            delete_element(element)  # the tail text is kept
    for candidates in (_authors_specific, _authors_generic, _authors_any):
        for element in candidates(subtree):
            content = trim(" ".join(element.itertext()))
            if 2 < len(content) < 120:
                return traf_metadata.normalize_authors(None, content)
    return None


# The patterns of the XPaths' `re:test`s, which lxml runs as `re.search`.
_DISCARD_ID = re.compile("^comments|comment-?list|ProductReviews")
_DISCARD_CLASS = re.compile(
    "^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram|article-(?:share|support)|"
    "print|category|meta-date|meta-reviewer"
)
_AUTHOR_NAME_CLASS = re.compile("author-?name|AuthorName|authorName")
_GENERIC_AUTHOR_ID = re.compile("author|zuozhe|bianji|xiaobian")
_GENERIC_AUTHOR_CLASS = re.compile(
    "author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name"
)
_ANY_AUTHOR_ID = re.compile("[Aa]uthor")
_ANY_AUTHOR_CLASS = re.compile("[Aa]uthor|screenname|writer|[Bb]yline")


def _author_discards(root: etree._Element) -> list[etree._Element]:
    """AUTHOR_DISCARD_XPATHS[0]: comments, sidebars, quotes, dates and such (their text is no author)."""
    found = []
    for element in root.iterdescendants("a", "div", "section", "span"):
        ident, classes = element.get("id", ""), element.get("class", "")
        if (
            ident == "comments"
            or classes in ("comments", "title", "date")
            or _DISCARD_ID.search(ident)
            or _DISCARD_CLASS.search(classes)
            or "Figure" in element.get("data-component", "")
        ):
            found.append(element)
    return found


def _times_and_figures(root: etree._Element) -> list[etree._Element]:
    """AUTHOR_DISCARD_XPATHS[1]."""
    return list(root.iter("time", "figure"))


def _authors_specific(root: etree._Element) -> list[etree._Element]:
    """AUTHOR_XPATHS[0]: rel, id, class or itemprop saying "author", and <author>."""
    # `rel='me'` in the XPath: a child <rel> element whose text is "me"
    rel_me = {rel.getparent() for rel in root.iter("rel") if rel.xpath("string()") == "me"}
    found = []
    for element in root.iter("a", "address", "div", "link", "p", "span", "strong", "author"):
        get = element.get
        classes = get("class", "")
        if (
            element.tag == "author"
            or get("rel") == "author"
            or get("id") == "author"
            or classes == "author"
            or get("itemprop") == "author name"
            or element in rel_me
            or get("data-testid") in ("AuthorCard", "AuthorURL")
            or _AUTHOR_NAME_CLASS.search(classes)
        ):
            found.append(element)
    return found


def _authors_generic(root: etree._Element) -> list[etree._Element]:
    """AUTHOR_XPATHS[1]: bylines and author-like ids and classes."""
    found = []
    for element in root.iter("a", "div", "h3", "h4", "p", "span"):
        classes = element.get("class", "")
        if (
            classes in ("byline", "username", "byl", "BBL")
            or "author" in element.get("itemprop", "")
            or _GENERIC_AUTHOR_ID.search(element.get("id", ""))
            or _GENERIC_AUTHOR_CLASS.search(classes)
        ):
            found.append(element)
    return found


def _authors_any(root: etree._Element) -> list[etree._Element]:
    """AUTHOR_XPATHS[2], the last resort: any element."""
    found = []
    for element in root.iter(etree.Element):
        get = element.get
        if (
            "Byline" in get("data-component", "")
            or "author" in get("itemprop", "")
            or _ANY_AUTHOR_ID.search(get("id", ""))
            or _ANY_AUTHOR_CLASS.search(get("class", ""))
        ):
            found.append(element)
    return found


def _load(html: str) -> tuple[etree._Element | None, tuple[str, ...]]:
    """The page's tree, parsed as trafilatura parses it, and a note if it was nested too deep.

    libxml2 gives up at its depth limit and keeps only what came before: a page of unclosed
    tags (300 comments that each leave a <div> open) would lose all that follows. Such a page
    is parsed again with the limit raised to HUGE_DEPTH, and what lies deeper than MAX_DEPTH is
    lifted up to it (`lift_deep`): trafilatura and our walks never see a deeper tree than a page
    the parser reads in full. Past HUGE_DEPTH the rest of the page is cut, and the note says so.
    """
    tree = load_html(html)
    if tree is None or _stopped_at(HTML_PARSER) is None:
        return tree, ()
    # bytes: a str with an encoding declaration is refused by lxml (load_html falls back the same way)
    tree = fromstring(repair_faulty_html(html, html[:50].lower()).encode("utf-8", "surrogatepass"), parser=_DEEP_PARSER)
    line = _stopped_at(_DEEP_PARSER)
    lifted = lift_deep(tree)
    if line is None:
        note = (f"HTML nested more than {MAX_DEPTH} levels deep (unclosed tags?): {lifted:,} elements deeper "
                f"than that were lifted up to level {MAX_DEPTH}, their text kept")
    else:
        lines = html.count("\n") + 1
        note = (f"HTML nested more than {HUGE_DEPTH} levels deep (unclosed tags?): the parser stops there, on "
                f"line {line} of {lines}, so the rest of the page is cut; {lifted:,} elements "
                f"deeper than {MAX_DEPTH} levels were lifted up to that level")
    return tree, (note,)


def _stopped_at(parser: etree.HTMLParser) -> int | None:
    """The line where the parser's last parse stopped at its depth limit, or None."""
    return next((error.line for error in parser.error_log if error.type_name == "ERR_RESOURCE_LIMIT"), None)


def lift_deep(tree: etree._Element, depth: int = MAX_DEPTH) -> int:
    """Lift every element more than `depth` levels below the root up to that level, in document
    order and with all its text, so that nothing is deeper than `depth`; returns how many were lifted.

    >>> page = etree.fromstring("<a><b>1<c>2<d>3</d>4</c>5</b>6</a>")
    >>> lift_deep(page, 1), etree.tostring(page, encoding=str)
    (2, '<a><b>1</b><c>2</c><d>3</d>456</a>')
    """
    tops: list[etree._Element] = []
    level = -1
    for event, element in etree.iterwalk(tree, events=("start", "end")):
        level += 1 if event == "start" else -1
        if event == "start" and level == depth and len(element):
            tops.append(element)
    lifted = 0
    for top in tops:
        # Each element below `top` becomes a sibling after it, in the order they start; a text
        # that follows an element's end (its tail, and `top`'s own) goes after the last one started.
        order: list[etree._Element] = []
        tails: dict[etree._Element, list[str]] = {}
        for event, element in etree.iterwalk(top, events=("start", "end")):
            if event == "start" and element is not top:
                order.append(element)
                tails[element] = []
            elif event == "end" and element.tail:
                tails[order[-1]].append(element.tail)  # `top` has children: `order` is not empty
        top.tail = None
        for element in reversed(order):  # last first: each moves once its descendants are gone
            top.addnext(element)
            element.tail = "".join(tails[element]) or None
        lifted += len(order)
    return lifted


def wrap_text_runs(tree: etree._Element) -> int:
    """Wrap text written straight into a div (or section, article, main) that also holds <br>
    or <p> children in a <p> of its own, a run of text and inline elements up to the next
    <br> or block; returns the number of <p> made.

    trafilatura reads such a div's <br>-separated lines but drops the div's own text when
    it does not take divs as text: the first paragraph of an article written as
    ``<div>First…<br><br>Second…</div>`` was lost (a scrapinghub train page).

    >>> from lxml import html
    >>> page = html.fromstring("<div>First <em>one</em>.<br>Second.<p>Third.</p></div>")
    >>> wrap_text_runs(page), html.tostring(page, encoding=str)
    (2, '<div><p>First <em>one</em>.</p><br><p>Second.</p><p>Third.</p></div>')
    """
    holders = []
    for element in tree.iter(*_TEXT_HOLDERS):
        tags = [child.tag for child in element if isinstance(child.tag, str)]
        if "br" in tags or "p" in tags:
            holders.append(element)
    made = 0
    for element in holders:
        for start, run in _text_runs(element):
            if not "".join(_run_text(element, start, run)).strip():
                continue
            paragraph = etree.Element("p")
            if start is None:
                paragraph.text, element.text = element.text, None
            else:
                paragraph.text, start.tail = start.tail, None
            place = element.index(run[0]) if run else (0 if start is None else element.index(start) + 1)
            paragraph.extend(run)  # moves each inline child, its tail with it
            element.insert(place, paragraph)
            made += 1
    return made


def _text_runs(element: etree._Element) -> list[tuple[etree._Element | None, list[etree._Element]]]:
    """The runs of text of an element between its <br> and block children: each as the child
    whose tail starts it (None: the element's own text) and the inline children in it."""
    runs: list[tuple[etree._Element | None, list[etree._Element]]] = [(None, [])]
    for child in element:
        if isinstance(child.tag, str) and child.tag in INLINE_TAGS and child.tag != "br":
            runs[-1][1].append(child)
        else:  # a <br>, a block, a comment: the next run starts with its tail
            runs.append((child, []))
    return runs


def _run_text(element: etree._Element, start: etree._Element | None, run: list[etree._Element]) -> list[str]:
    pieces = [(element.text if start is None else start.tail) or ""]
    for child in run:
        pieces.extend(child.itertext())
        pieces.append(child.tail or "")
    return pieces


def _walk(element: etree._Element, own: str = "p") -> list[tuple[str, str]]:
    """The (text, tag) parts of an element of trafilatura's output, in order.

    A block element that holds blocks (a table cell of paragraphs, a quote of several
    paragraphs, a list item with a heading) is walked too, rather than read as one part: its
    blocks would be run together without a space ("…November 19.At least 106…") and judged as
    one. Its own loose text and paragraphs keep its tag (`own`), but for a cell, which is layout.
    """
    parts: list[tuple[str, str]] = []
    if element.text and element.text.strip():
        parts.append((element.text, own))
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _TAGS and not _holds_blocks(child):
            text = _text_with_breaks(child)
            if text.strip():
                parts.append((text, own if tag == "p" else _TAGS[tag]))
        elif tag in _TAGS:
            parts.extend(_walk(child, own if tag in ("p", "cell") else _TAGS[tag]))
        elif tag in _CONTAINERS or len(child):
            parts.extend(_walk(child, own))
        elif child.text and child.text.strip():
            parts.append((child.text, own))
        # text between elements (a paragraph after a heading, unwrapped) is content too
        if child.tail and child.tail.strip():
            parts.append((child.tail, own))
    return parts


def _holds_blocks(element: etree._Element) -> bool:
    return any(child.tag in _TAGS or child.tag in _CONTAINERS for child in element)


def _text_with_breaks(element: etree._Element) -> str:
    """The text of an element without blocks inside, with <lb/> as line breaks (one block per
    line later)."""
    pieces: list[str] = [element.text or ""]
    for child in element:
        pieces.append("\n" if child.tag == "lb" else _text_with_breaks(child))
        pieces.append(child.tail or "")
    return "".join(pieces)
