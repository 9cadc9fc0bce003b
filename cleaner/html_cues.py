"""HTML cues of a block: the tags and class/id words around it in the source page, and how
much of it is links.

trafilatura's output has lost the page's structure, so the source tree is read once into a
table from the first words of each piece of text to what the page says about its element;
each extracted part is then looked up by its first words. Plain text has no cues, and its
cue features are all 0, the value that leaves a linear model's score unchanged.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from lxml import etree

from .types import Cues, Document

#: Tags that mark a block when they are its element or one of its ancestors.
CUE_TAGS: tuple[str, ...] = ("figcaption", "figure", "aside", "nav", "header", "footer", "form", "li", "blockquote")
#: Class and id words that mark a block (a word is a run of letters; camelCase is split).
CUE_WORDS: dict[str, str] = {
    "ad": r"ads?|adv|advert[a-z]*|banner|dfp|gpt",
    "promo": r"promo[a-z]*|deals?|offers?",
    "sponsor": r"sponsor[a-z]*|partners?|paid",
    "related": r"related|recommend[a-z]*|trending|popular|outbrain|taboola|more",
    "newsletter": r"newsletter[a-z]*|subscri[a-z]*|signup|optin",
    "share": r"share[a-z]*|sharing|social|follow",
    "comment": r"comments?|disqus|reply|respond",
    "caption": r"caption[a-z]*|credits?",
    "byline": r"author[a-z]*|byline|meta|date|time|dateline",
    "sidebar": r"sidebar|widgets?|rail",
    "content": r"article[a-z]*|content|entry|story|body|post|text",
}
MARKS: tuple[str, ...] = CUE_TAGS + tuple(CUE_WORDS)
#: Dense features of the cues, appended to the other block features.
CUE_NAMES: tuple[str, ...] = ("dom_found", "link_density", "text_density", *(f"dom_{m}" for m in MARKS))
#: Words of a text's start that key it in the page table.
KEY_WORDS = 5

# One pass over an element's class and id finds every cue word (a named group per cue).
_CUE_WORD = re.compile(
    "(?<![a-z])(?:" + "|".join(f"(?P<{name}>{pattern})" for name, pattern in CUE_WORDS.items()) + ")(?![a-z])"
)
_CAMEL = re.compile(r"([a-z])([A-Z])")
# Their text is never extracted.
_SKIP = frozenset("head script style noscript template svg iframe select option".split())
# Elements whose text belongs to the enclosing block: the block is the nearest other ancestor.
_INLINE = frozenset(
    "a abbr b bdi bdo big br cite code data del dfn em font i img ins kbd label mark q s samp small "
    "span strike strong sub sup time tt u var wbr".split()
)
# Page-wide classes ("single-post", "has-comments") say nothing about one block.
_UNMARKED = frozenset(("html", "body"))


class _Box:
    """Running counts of one block-level element: characters, characters in links, elements."""

    __slots__ = ("chars", "elements", "link_chars")

    def __init__(self) -> None:
        self.chars = self.link_chars = self.elements = 0


class PageCues:
    """The cues of a source page, looked up by the start of an extracted text."""

    def __init__(self, tree: etree._Element) -> None:
        self._table: dict[str, tuple[frozenset[str], _Box]] = {}
        self._visit(tree, frozenset(), _Box(), False)

    def find(self, text: str) -> Cues | None:
        """The cues of the page text that `text` starts with (its longest matching start)."""
        words = text.split()
        for k in range(min(KEY_WORDS, len(words)), 0, -1):
            entry = self._table.get(" ".join(words[:k]))
            if entry is not None:
                marks, box = entry
                chars = max(box.chars, 1)
                return Cues(marks, box.link_chars / chars, chars / max(box.elements, 1))
        return None

    def _visit(self, element: etree._Element, marks: frozenset[str], box: _Box, in_link: bool) -> None:
        tag = element.tag
        if tag in _SKIP:
            return
        if tag not in _UNMARKED:
            own = element_marks(tag, element.get("class", ""), element.get("id", ""))
            marks = marks | own if own else marks
        inner = box if tag in _INLINE else _Box()
        inner.elements += 1
        in_link = in_link or tag == "a"
        self._add(element.text, marks, inner, in_link)
        for child in element:
            if isinstance(child.tag, str):  # not a comment or processing instruction
                self._visit(child, marks, inner, in_link)
            self._add(child.tail, marks, inner, in_link)
        if inner is not box:
            box.chars += inner.chars
            box.link_chars += inner.link_chars
            box.elements += inner.elements

    def _add(self, text: str | None, marks: frozenset[str], box: _Box, in_link: bool) -> None:
        words = text.split() if text else None
        if not words:
            return
        size = sum(map(len, words))
        box.chars += size
        if in_link:
            box.link_chars += size
        # the first occurrence wins: article text comes before most repeats of it
        self._table.setdefault(" ".join(words[:KEY_WORDS]), (marks, box))


@lru_cache(maxsize=4096)
def element_marks(tag: str, classes: str, ident: str) -> frozenset[str]:
    """The marks an element gives by its tag and its class and id words.

    >>> sorted(element_marks("aside", "related-posts", ""))
    ['aside', 'related']
    >>> sorted(element_marks("div", "adContainer", "newsletterSignup"))
    ['ad', 'newsletter']
    """
    words = _CAMEL.sub(r"\1 \2", f"{classes} {ident}").lower()
    found = {str(match.lastgroup) for match in _CUE_WORD.finditer(words)}
    if tag in CUE_TAGS:
        found.add(tag)
    return frozenset(found)


def cue_features(doc: Document) -> list[list[float]]:
    """One row of CUE_NAMES features per block; all 0 where the block has no cues."""
    neutral = [0.0] * len(CUE_NAMES)
    if not doc.cues:
        return [neutral] * len(doc.blocks)
    rows = []
    for cues in doc.cues:
        if cues is None:
            rows.append(neutral)
            continue
        rows.append(
            [1.0, cues.link_density, min(math.log1p(cues.text_density) / 6, 1.0)]
            + [float(m in cues.marks) for m in MARKS]
        )
    return rows
