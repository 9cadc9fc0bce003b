"""Blocks that recur across the pages of one site within a run (CCNet's paragraph hashes).

A footer sentence, a promo or a sign-up prompt printed on every page of a site is boilerplate
however normal its wording; the classifier, seeing one page, can miss it. A first pass over the
run counts on how many pages of each site every block occurs; the second pass removes the
blocks seen on at least `min_pages` pages.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .types import Block

#: A block is counted from this many characters on: shorter lines ("Share", "Menu") are the
#: classifier's business, and a short line is too likely to recur by chance.
MIN_CHARS = 20
#: Headings recur as a site's article template ("Ingredients", "Our verdict"), not as boilerplate.
UNCOUNTED_TAGS = frozenset({"h"})
#: Distinct blocks held while counting; when full, blocks seen on one page only are dropped.
MAX_KEYS = 1_000_000

_DIGITS = re.compile(r"\d")
_SPACE = re.compile(r"\s+")


def block_key(site: str, text: str) -> int:
    """A 64-bit hash of a block's normalised text (case, digits and spacing ignored) within a site.

    >>> block_key("a.example", "Sign up  for our 2 newsletters") == block_key("a.example", "sign up for our 9 Newsletters")
    True
    """
    norm = _SPACE.sub(" ", _DIGITS.sub("0", text.lower())).strip()
    return int.from_bytes(hashlib.blake2b(f"{site}\0{norm}".encode(), digest_size=8).digest(), "big")


def counted(block: Block) -> bool:
    """Whether a block takes part in the count."""
    return len(block.text) >= MIN_CHARS and block.tag not in UNCOUNTED_TAGS


def page_keys(site: str, blocks: Iterable[Block]) -> frozenset[int]:
    """The distinct keys of a page's counted blocks (a block printed twice counts once)."""
    return frozenset(block_key(site, b.text) for b in blocks if counted(b))


def site_of(url: str, fallback: str) -> str:
    """The host of a page's URL, or `fallback` (its folder, its file) when it has none.

    >>> site_of("https://www.example.com/a/b", "x"), site_of("", "news/")
    ('example.com', 'news/')
    """
    try:
        host = urlsplit(url).hostname or "" if url else ""
    except ValueError:  # not a URL ("http://[")
        host = ""
    return host.removeprefix("www.") or fallback


@dataclass
class RepeatCounter:
    """Counts, over a run, on how many pages each block occurs, in bounded memory."""

    max_keys: int = MAX_KEYS
    pages: dict[int, int] = field(default_factory=dict)

    def add(self, keys: Iterable[int]) -> None:
        for key in keys:
            self.pages[key] = self.pages.get(key, 0) + 1
        if len(self.pages) > self.max_keys:  # lossy counting: singletons go first
            self.pages = {k: n for k, n in self.pages.items() if n > 1}

    def table(self, min_pages: int) -> Repeats:
        return Repeats(min_pages, {k: n for k, n in self.pages.items() if n >= min_pages})


@dataclass(frozen=True)
class Repeats:
    """The blocks found on at least `min_pages` pages of their site, with their page counts."""

    min_pages: int
    pages: dict[int, int]

    def of(self, site: str, blocks: Iterable[Block]) -> tuple[int | None, ...]:
        """Per block, the number of pages it occurs on (0 below `min_pages`), None if not counted."""
        return tuple(self.pages.get(block_key(site, b.text), 0) if counted(b) else None for b in blocks)
