"""HTML to structured text parts with trafilatura, tuned for recall."""

from __future__ import annotations

import logging

import trafilatura
from lxml import etree

from .errors import InputError

LOGGER = logging.getLogger(__name__)

# trafilatura's XML element → our block tag. Containers (list, table, row) are walked through.
_TAGS = {"p": "p", "head": "h", "item": "li", "quote": "quote", "cell": "cell", "code": "p"}
_CONTAINERS = {"main", "list", "table", "row", "div", "figure"}
_METADATA = ("title", "author", "date", "url", "sitename", "hostname", "description")


def extract_html(html: str) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """Main-content parts (text, tag) of an HTML page and its metadata.

    Recall is favoured: the classifier after it removes what trafilatura lets through,
    while text trafilatura drops is lost for good. The page title goes to the metadata
    and is dropped from the body when the body repeats it as its first heading.
    """
    xml = trafilatura.extract(
        html,
        output_format="xml",
        favor_recall=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        include_formatting=False,
        with_metadata=True,
        deduplicate=False,
    )
    if not xml:
        return [], {}
    try:
        root = etree.fromstring(xml.encode("utf-8"), parser=etree.XMLParser(recover=True, huge_tree=True))
    except etree.XMLSyntaxError as error:  # trafilatura's own output; should not happen
        raise InputError(f"could not read trafilatura's output: {error}") from error
    metadata = {key: str(root.get(key)) for key in _METADATA if root.get(key)}
    main = root.find("main")
    parts = list(_walk(main)) if main is not None else []
    title = metadata.get("title", "").strip()
    if parts and parts[0][1] == "h" and " ".join(parts[0][0].split()) == " ".join(title.split()):
        parts = parts[1:]
    return parts, metadata


def _walk(element: etree._Element) -> list[tuple[str, str]]:
    parts: list[tuple[str, str]] = []
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _TAGS:
            text = _text_with_breaks(child)
            if text.strip():
                parts.append((text, _TAGS[tag]))
        elif tag in _CONTAINERS or len(child):
            parts.extend(_walk(child))
        elif child.text and child.text.strip():
            parts.append((child.text, "p"))
    return parts


def _text_with_breaks(element: etree._Element) -> str:
    """The element's text with <lb/> as line breaks (one block per line later)."""
    pieces: list[str] = [element.text or ""]
    for child in element:
        if child.tag == "lb":
            pieces.append("\n")
        elif child.tag in ("list", "item"):
            pieces.append("\n" + _text_with_breaks(child) + "\n")
        else:
            pieces.append(_text_with_breaks(child))
        pieces.append(child.tail or "")
    return "".join(pieces)
