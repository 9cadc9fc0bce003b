"""HTML cues of a block: the tags and class/id words around it in the source page, and how
much of it is links.

trafilatura's output has lost the page's structure, so the source tree is read once into a
table from the first words of each piece of text to the element it belongs to; each extracted
part is then looked up by its first words, and what the page says about that element is worked
out then. Plain text has no cues, and its cue features are all 0, the value that leaves a
linear model's score unchanged.
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
#: Elements whose text belongs to the enclosing block: the block is the nearest other ancestor.
INLINE_TAGS = frozenset(
    "a abbr b bdi bdo big br cite code data del dfn em font i img ins kbd label mark q s samp small "
    "span strike strong sub sup time tt u var wbr".split()
)
# Page-wide classes ("single-post", "has-comments") say nothing about one block.
_UNMARKED = frozenset(("html", "body"))


class PageCues:
    """The cues of a source page, looked up by the start of an extracted text.

    Building it reads only the page's text: where each start of text first occurs. The cues
    themselves (marks of the element and its ancestors, counts of its block) are worked out
    for the few texts looked up, most of a page's elements never being among them.
    """

    def __init__(self, tree: etree._Element) -> None:
        self._root = tree
        # first words of a text → the element the text belongs to (its parent, for a tail)
        self._owners: dict[str, etree._Element] = {}
        self._contexts: dict[etree._Element, tuple[frozenset[str], bool]] = {}
        self._counts: dict[etree._Element, tuple[int, int, int]] = {}
        if tree.tag not in _SKIP:
            self._read(tree)

    def find(self, text: str) -> Cues | None:
        """The cues of the page text that `text` starts with (its longest matching start)."""
        owner = self.owner(text)
        if owner is None:
            return None
        marks, _ = self._context(owner)
        chars, link_chars, elements = self._block_counts(self._block(owner))
        chars = max(chars, 1)
        return Cues(marks, link_chars / chars, chars / max(elements, 1))

    def owner(self, text: str) -> etree._Element | None:
        """The element of the page text that `text` starts with (its longest matching start)."""
        words = text.split(None, KEY_WORDS)[:KEY_WORDS]
        for k in range(len(words), 0, -1):
            owner = self._owners.get(" ".join(words[:k]))
            if owner is not None:
                return owner
        return None

    def _read(self, element: etree._Element) -> None:
        """Note the owner of each start of text in `element`, in document order."""
        self._note(element.text, element)
        for child in element:
            tag = child.tag
            if isinstance(tag, str) and tag not in _SKIP:  # not a comment or processing instruction
                self._read(child)
            self._note(child.tail, element)

    def _note(self, text: str | None, owner: etree._Element) -> None:
        if text and not text.isspace():
            # the first occurrence wins: article text comes before most repeats of it
            self._owners.setdefault(" ".join(text.split(None, KEY_WORDS)[:KEY_WORDS]), owner)

    def _context(self, element: etree._Element) -> tuple[frozenset[str], bool]:
        """The marks of an element and its ancestors, and whether it is in a link."""
        known = self._contexts.get(element)
        if known is None:
            marks, in_link = (frozenset(), False) if element is self._root else self._context(element.getparent())
            tag = element.tag
            if tag not in _UNMARKED:
                own = element_marks(tag, element.get("class", ""), element.get("id", ""))
                marks = marks | own if own else marks
            known = self._contexts[element] = (marks, in_link or tag == "a")
        return known

    def _block(self, element: etree._Element) -> etree._Element:
        """The block an element's text belongs to: itself or its nearest ancestor not inline."""
        while element.tag in INLINE_TAGS and element is not self._root:
            element = element.getparent()
        return element

    def _block_counts(self, block: etree._Element) -> tuple[int, int, int]:
        known = self._counts.get(block)
        if known is None:
            known = self._counts[block] = _subtree_counts(block, self._context(block)[1])
        return known


def _subtree_counts(element: etree._Element, in_link: bool) -> tuple[int, int, int]:
    """Characters, characters in links and elements of an element and all it holds
    (an element's characters: those of its text's words, as str.split() cuts them)."""
    own = _chars(element.text)
    chars, link_chars, elements = 0, 0, 1
    for child in element:
        tag = child.tag
        if isinstance(tag, str) and tag not in _SKIP:  # not a comment or processing instruction
            inner = _subtree_counts(child, in_link or tag == "a")
            chars += inner[0]
            link_chars += inner[1]
            elements += inner[2]
        own += _chars(child.tail)
    return chars + own, link_chars + (own if in_link else 0), elements


def _chars(text: str | None) -> int:
    return sum(map(len, text.split())) if text else 0


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
