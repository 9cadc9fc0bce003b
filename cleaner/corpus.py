"""Labelled documents: the corpus format, the public data readers and the training-document generator.

A labelled document is JSON: ``{"id": ..., "kind": "text", "separator": "\\n\\n",
"blocks": [{"text": ..., "label": ...}, ...]}``. It is rendered to text and cut by the very
segmenter `clean` uses, so training sees blocks exactly as serving does.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from .config import Config
from .errors import CorpusError
from .pipeline import prepare
from .segment import judged, segment_parts, segment_text
from .types import ARTICLE, CATEGORIES, LABELS, Document

#: Label of junk whose category is not known (real junk lines of scraped pages).
JUNK = "junk"
#: Share of articles and of templates held out for evaluation.
HELDOUT_SHARE = 0.2
#: Share of generated documents that stay clean.
CLEAN_SHARE = 0.2
#: Share of generated documents given article sub-headings.
SUBHEADING_SHARE = 0.25
#: Share of documents cut to their first few paragraphs: short articles (reviews, interviews,
#: briefs) have little vocabulary in common between paragraphs, and must not look off-topic.
SHORT_SHARE = 0.3
#: Share of generated documents given a hard negative: an article line that looks like junk.
NEGATIVE_SHARE = 0.35
#: Share of training documents whose paragraphs may have a short first or last sentence set
#: apart as a paragraph of its own ("Nobody was hurt."), as sites print one-line leads and
#: closings: without them, a short first line is the ad-block notice's place.
APART_SHARE = 0.4
#: A sentence of this many words is short enough to be set apart.
APART_WORDS = range(3, 11)
#: A block of a scrapinghub page is article when at least this share of its 4-token shingles
#: occurs in the page's true article body (the benchmark's metric counts shingles).
ARTICLE_SHINGLES = 0.5
#: Shingle length of the scrapinghub benchmark.
SHINGLE_N = 4
#: How often each category is drawn, in CATEGORIES order.
_WEIGHTS = (3, 2, 2, 2, 2, 3, 2)
_SLOT = re.compile(r"\{(\w+)\}")
_NAME = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)+\b")
# A sentence ends after three lower-case letters ("Dr.", "No. 5" and "U.S." do not end one),
# and the next starts with a capital.
_SENTENCE_END = re.compile(r"(?<=[a-zß-ÿ]{3}[.!?])\s+(?=[A-ZÀ-Þ])")
_QUOTES = re.compile("[\"“”„«»]")
_TOKEN = re.compile(r"\w+")  # the benchmark's tokens: case kept, punctuation dropped


@dataclass(frozen=True, slots=True)
class Example:
    """A document with one label per block, and the group it belongs to for splitting."""

    id: str
    doc: Document
    labels: tuple[str, ...]
    group: str


def heldout(key: str) -> bool:
    """Stable split by hash: True for the held-out share of keys."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < HELDOUT_SHARE


# --- the corpus format ---------------------------------------------------------------------


def example_from_record(record: dict[str, Any], *, where: str) -> Example:
    """Build an Example from a corpus record, checking it; errors name `where`."""
    if not isinstance(record, dict) or not isinstance(record.get("blocks"), list):
        raise CorpusError(f"{where}: expected an object with a 'blocks' list")
    texts, labels = [], []
    for k, block in enumerate(record["blocks"]):
        if not isinstance(block, dict) or not isinstance(block.get("text"), str):
            raise CorpusError(f"{where}: block {k} needs a 'text' string")
        label = block.get("label")
        if label not in LABELS and label != JUNK:
            raise CorpusError(f"{where}: block {k} has label {label!r}; known: {', '.join(LABELS)}, {JUNK}")
        if "\n" in block["text"].strip() or not block["text"].strip():
            raise CorpusError(f"{where}: block {k} must be one non-blank line")
        texts.append(block["text"])
        labels.append(label)
    doc_id = str(record.get("id", where))
    kind = record.get("kind", "text")
    if kind == "html":
        doc = segment_parts([(t, "p") for t in texts], metadata={})
    else:
        doc = segment_text(str(record.get("separator", "\n\n")).join(texts))
    if len(doc.blocks) != len(labels):
        raise CorpusError(f"{where}: {len(labels)} blocks became {len(doc.blocks)} after segmenting")
    return Example(doc_id, doc, tuple(labels), str(record.get("group", doc_id)))


def example_to_record(example: Example) -> dict[str, Any]:
    return {
        "id": example.id,
        "group": example.group,
        "kind": example.doc.kind,
        "separator": example.doc.separator,
        "blocks": [{"text": b.text, "label": l} for b, l in zip(example.doc.blocks, example.labels)],
    }


def read_jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, parsed object) of a JSONL file, gzipped or not; a bad line, or a file that
    cannot be read (a .gz cut short or not gzip), raises CorpusError."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        # bytes, decoded line by line: a text stream fails a chunk ahead, at no line number
        with opener(path, "rb") as handle:
            for number, raw in enumerate(handle, 1):
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as error:
                    byte = f"byte {raw[error.start]:#x} at column {error.start + 1}"
                    raise CorpusError(f"{path}:{number}: not UTF-8 ({byte})") from error
                if not line.strip():
                    continue
                try:
                    yield number, json.loads(line)
                except json.JSONDecodeError as error:
                    raise CorpusError(f"{path}:{number}: not JSON: {error.msg}") from error
    except (OSError, EOFError) as error:
        raise CorpusError(f"{path}: cannot read: {getattr(error, 'strerror', None) or error}") from error


def read_objects(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """("path:line", object) of a JSONL file whose every line is a JSON object."""
    for number, record in read_jsonl(path):
        if not isinstance(record, dict):
            raise CorpusError(f"{path}:{number}: expected a JSON object, not {type(record).__name__}")
        yield f"{path}:{number}", record


def read_examples(path: Path) -> list[Example]:
    """Labelled documents from a corpus-format JSONL file."""
    return [example_from_record(r, where=f"{path}:{n}") for n, r in read_jsonl(path)]


# --- public data ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    topic: str
    lang: str
    title: str
    paragraphs: tuple[str, ...]


def bbc_articles(root: Path) -> list[Article]:
    """The BBC articles: title on the first line, paragraphs after."""
    articles = []
    for path in sorted(root.glob("*/*.txt")):
        lines = [l.strip() for l in path.read_text(encoding="utf-8", errors="replace").splitlines() if l.strip()]
        if len(lines) >= 3:
            articles.append(Article(f"bbc/{path.parent.name}/{path.stem}", path.parent.name, "en", lines[0], tuple(lines[1:])))
    return articles


def own_articles(corpus: Path) -> list[Article]:
    """Our own short articles in corpus/articles/<lang>.jsonl."""
    articles = []
    for path in sorted((corpus / "articles").glob("*.jsonl")):
        for where, r in read_objects(path):
            title, texts = r.get("title"), r.get("paragraphs")
            paragraphs = tuple(p.strip() for p in texts if p.strip()) if _strings(texts) else ()
            if "id" not in r or not isinstance(title, str) or not paragraphs:
                raise CorpusError(f"{where}: an article needs an 'id', a 'title' string and 'paragraphs', "
                                  "a list of strings (not all blank)")
            articles.append(Article(str(r["id"]), "own", str(r.get("lang", "en")), title.strip(), paragraphs))
    return articles


def _strings(value: Any) -> bool:
    """True for a list of strings.

    >>> _strings(["a", "b"]), _strings("ab"), _strings(["a", 5])
    (True, False, False)
    """
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def scrapinghub_pages(root: Path, *, split: str, source: str = "traf_recall") -> list[Example]:
    """Pages of the scrapinghub benchmark as labelled documents (junk of unknown category)."""
    pages: dict[str, list[tuple[int, str, str]]] = {}
    for _, r in read_jsonl(root / "lines.jsonl.gz"):
        if r["split"] == split and r["source"] == source:
            pages.setdefault(r["page_id"], []).append((r["position"], r["text"], r["label"]))
    examples = []
    for page_id in sorted(pages):
        rows = sorted(pages[page_id])
        texts = [" ".join(t.split()) for _, t, _ in rows]
        keep = [i for i, t in enumerate(texts) if t]
        doc = segment_parts([(texts[i], "p") for i in keep], metadata={})
        labels = tuple(ARTICLE if rows[i][2] == "article" else JUNK for i in keep)
        if len(doc.blocks) == len(labels):
            examples.append(Example(f"scrapinghub/{page_id}", doc, labels, f"scrapinghub/{page_id}"))
    return examples


def scrapinghub_html_pages(root: Path, *, split: str) -> list[Example]:
    """Pages of the scrapinghub benchmark through cleaner's own HTML path, each block labelled
    article or junk (of unknown category) by the page's true article body."""
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    config = Config(kind="html")
    examples = []
    for page_id in sorted(json.loads((root / "split.json").read_text(encoding="utf-8"))[split]):
        # as the model reads it: without the figure captions, which their element decides
        doc = judged(prepare(gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes()), config=config))
        body = _TOKEN.findall(truth[page_id]["articleBody"])
        known = {n: set(_shingles(body, n)) for n in range(1, SHINGLE_N + 1)}
        labels = tuple(ARTICLE if in_article(b.text, known) else JUNK for b in doc.blocks)
        examples.append(Example(f"scrapinghub/{page_id}", doc, labels, f"scrapinghub/{page_id}"))
    return examples


def in_article(text: str, known: dict[int, set[tuple[str, ...]]]) -> bool:
    """True when most shingles of `text` are among the article's (`known`, by length).

    A text of fewer than SHINGLE_N tokens is one shorter shingle, as the metric has it.

    >>> known = {n: set(_shingles("He said it was fine today".split(), n)) for n in range(1, 5)}
    >>> in_article("He said it was fine", known), in_article("Share this", known), in_article("it was", known)
    (True, False, True)
    """
    tokens = _TOKEN.findall(text)
    n = min(len(tokens), SHINGLE_N)
    if not n:
        return False
    shingles = _shingles(tokens, n)
    return sum(s in known[n] for s in shingles) >= ARTICLE_SHINGLES * len(shingles)


def _shingles(tokens: list[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


@dataclass(frozen=True, slots=True)
class JunkRun:
    """Consecutive junk lines of a page, and the group of that page's own examples."""

    group: str
    lines: tuple[str, ...]


def scrapinghub_junk_runs(root: Path, *, split: str) -> list[JunkRun]:
    """Runs of consecutive junk lines from the full text of the pages: real page junk."""
    runs: list[JunkRun] = []
    current: list[str] = []
    last_page = None
    for _, r in read_jsonl(root / "lines.jsonl.gz"):
        if r["split"] != split or r["source"] != "fulltext":
            continue
        text = " ".join(r["text"].split())
        if r["page_id"] != last_page or r["label"] != "junk" or not text:
            if current:
                runs.append(JunkRun(f"scrapinghub/{last_page}", tuple(current)))
            current = []
            last_page = r["page_id"]
            if r["label"] != "junk" or not text:
                continue
        if len(current) < 6:
            current.append(text)
    if current:
        runs.append(JunkRun(f"scrapinghub/{last_page}", tuple(current)))
    return runs


# --- junk templates ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Template:
    id: str
    category: str
    lang: str
    lines: tuple[str, ...]


def read_templates(corpus: Path, slots: dict[str, list[str]]) -> list[Template]:
    """Junk templates of corpus/junk/*.jsonl, whose placeholders must be among `slots`."""
    known = set(slots) | {"headline"}  # {headline} is filled with another article's title
    templates = []
    for path in sorted((corpus / "junk").glob("*.jsonl")):
        for where, r in read_objects(path):
            if not isinstance(r.get("id"), str) or not r["id"]:
                raise CorpusError(f"{where}: a template needs an 'id' string")
            if r.get("category") not in CATEGORIES:
                raise CorpusError(f"{where}: category {r.get('category')!r} is not one of {', '.join(CATEGORIES)}")
            lines = r.get("lines")
            if not _strings(lines) or not lines or not all(l.strip() for l in lines):
                raise CorpusError(f"{where}: 'lines' must be a list of non-blank strings")
            unknown = sorted({s for l in lines for s in _SLOT.findall(l)} - known)
            if unknown:
                raise CorpusError(f"{where}: placeholder {{{unknown[0]}}} is not defined in slots.json")
            templates.append(Template(r["id"], r["category"], str(r.get("lang", "en")), tuple(lines)))
    if not templates:
        raise CorpusError(f"{corpus / 'junk'}: no junk templates found")
    return templates


def read_negatives(corpus: Path) -> dict[str, list[str]]:
    """Article lines that look like junk ("No comment yet from Moscow."), by language."""
    path = corpus / "hard_negatives.jsonl"
    negatives: dict[str, list[str]] = {}
    if path.is_file():
        for where, r in read_objects(path):
            if not isinstance(r.get("text"), str) or not r["text"].strip() or "\n" in r["text"]:
                raise CorpusError(f"{where}: 'text' must be one non-blank line")
            negatives.setdefault(str(r.get("lang", "en")), []).append(r["text"].strip())
    return negatives


def read_slots(corpus: Path) -> dict[str, list[str]]:
    """The values of the templates' {placeholders}: corpus/slots.json, {"site": ["...", ...], ...}."""
    path = corpus / "slots.json"
    try:
        slots = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CorpusError(f"{path}: {error.strerror}") from error
    except ValueError as error:
        raise CorpusError(f"{path}: {error}") from error
    if not isinstance(slots, dict):
        raise CorpusError(f"{path}: expected an object of placeholder: [values], not {type(slots).__name__}")
    for name, values in slots.items():
        if not _strings(values) or not values:
            raise CorpusError(f"{path}: {name!r} must be a non-empty list of strings")
    return {k: list(v) for k, v in slots.items()}


# --- the generator -------------------------------------------------------------------------


@dataclass(frozen=True)
class Sources:
    """What the generator composes documents from."""

    articles: list[Article]
    templates: list[Template]
    slots: dict[str, list[str]]
    junk_runs: list[JunkRun]
    negatives: dict[str, list[str]] = field(default_factory=dict)


class Generator:
    """Composes labelled documents: a clean article with junk inserted at varied places."""

    def __init__(self, sources: Sources, *, seed: int, apart: float = 0.0) -> None:
        """`apart`: the share of documents whose short sentences may be set apart (training)."""
        self.sources = sources
        self.rng = random.Random(seed)
        self.apart = apart
        self.by_category: dict[tuple[str, str], list[Template]] = {}
        for t in sources.templates:
            self.by_category.setdefault((t.category, t.lang), []).append(t)
        self.headlines = [a.title for a in sources.articles if a.lang == "en"]

    def documents(self, articles: Iterable[Article], *, per_article: int) -> Iterator[Example]:
        for article in articles:
            for k in range(per_article):
                yield self.compose(article, f"{article.id}#{k}")

    def compose(self, article: Article, doc_id: str) -> Example:
        rng = self.rng
        paragraphs = article.paragraphs
        if rng.random() < SHORT_SHARE:
            paragraphs = paragraphs[: rng.randint(2, 6)]
        if self.apart and rng.random() < self.apart:
            paragraphs = [part for p in paragraphs for part in (self.set_apart(p) if rng.random() < 0.5 else (p,))]
        blocks: list[tuple[str, str]] = [(article.title, ARTICLE)] + [(p, ARTICLE) for p in paragraphs]
        if rng.random() < SUBHEADING_SHARE:
            blocks = self.with_subheadings(blocks)
        negatives = self.sources.negatives.get(article.lang)
        if negatives and rng.random() < NEGATIVE_SHARE:
            for _ in range(rng.choice((1, 1, 2))):
                blocks.insert(rng.randint(1, len(blocks)), (rng.choice(negatives), ARTICLE))
        if rng.random() >= CLEAN_SHARE:
            for _ in range(rng.choice((1, 1, 2, 2, 3, 3, 4, 5))):
                junk = self.junk_block(article)
                position = self.position(len(blocks))
                blocks[position:position] = junk
        separator = "\n\n" if rng.random() < 0.6 else "\n"
        record = {"id": doc_id, "group": article.id, "separator": separator,
                  "blocks": [{"text": t, "label": l} for t, l in blocks]}
        return example_from_record(record, where=doc_id)

    def set_apart(self, paragraph: str) -> tuple[str, ...]:
        """The paragraph with its first or last sentence apart when that one is short.

        >>> Generator(Sources([], [], {}, []), seed=0).set_apart("Nobody was hurt. The fire spread to two shops "
        ...                                                       "before it was put out, Dr. Lee said.")
        ('Nobody was hurt.', 'The fire spread to two shops before it was put out, Dr. Lee said.')
        """
        sentences = _SENTENCE_END.split(paragraph)
        if len(sentences) < 2 or _QUOTES.search(paragraph):  # a quote may run over several sentences
            return (paragraph,)
        ends = ((1, sentences[0]), (len(sentences) - 1, sentences[-1]))
        cuts = [k for k, s in ends if len(s.split()) in APART_WORDS and s[-1] in ".!?"]
        if not cuts:
            return (paragraph,)
        k = self.rng.choice(cuts)
        return (" ".join(sentences[:k]), " ".join(sentences[k:]))

    def with_subheadings(self, blocks: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Article sub-headings: a few words of the paragraph they head, as features have them.

        Short lines are not junk by themselves; without these, every short line of a
        training document would be junk.
        """
        out = blocks[:2]
        for k, (text, label) in enumerate(blocks[2:], 2):
            heading = self.heading(text) if k % 3 == 0 and self.rng.random() < 0.6 else None
            if heading:
                out.append((heading, ARTICLE))
            out.append((text, label))
        return out

    def heading(self, text: str) -> str | None:
        """Two to five words of a paragraph that begin and end with a content word ("Plastic
        in every lake"), as a sub-heading has them; None when the paragraph has no such span."""
        raw = text.split()
        words = [w.strip(".,;:!?\"'“”‘’()") for w in raw]
        content = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha() and w.lower() not in ENGLISH_STOP_WORDS]
        ends_clause = [w != w.rstrip(".,;:!?\"'“”‘’()") for w in raw]
        spans = [
            (i, j) for i in content for j in content
            if i < j <= i + 4 and all(words[i : j + 1]) and not any(ends_clause[i:j])
        ]
        if len(words) <= 8 or not spans:
            return None
        start, end = self.rng.choice(spans)
        heading = " ".join(words[start : end + 1])
        return heading[:1].upper() + heading[1:]

    def position(self, n: int) -> int:
        """Top (after the title or before it), middle (a paragraph break) or end."""
        roll = self.rng.random()
        if roll < 0.08:
            return self.rng.choice((0, 1, 1))
        if roll < 0.6:
            return self.rng.randint(1, max(1, n - 1))
        return n

    def junk_block(self, article: Article) -> list[tuple[str, str]]:
        rng = self.rng
        roll = rng.random()
        if roll < 0.12 and self.sources.junk_runs:
            return [(line, JUNK) for line in rng.choice(self.sources.junk_runs).lines]
        if roll < 0.22:
            return self.other_story(article)
        lang = article.lang if rng.random() < 0.85 else "en"
        available = [(c, w) for c, w in zip(CATEGORIES, _WEIGHTS) if (c, lang) in self.by_category]
        if not available:
            lang = "en"
            available = [(c, w) for c, w in zip(CATEGORIES, _WEIGHTS) if (c, lang) in self.by_category]
        category = rng.choices([c for c, _ in available], weights=[w for _, w in available])[0]
        template = rng.choice(self.by_category[(category, lang)])
        return [(self.fill(line, article), category) for line in template.lines]

    def other_story(self, article: Article) -> list[tuple[str, str]]:
        """A paragraph or two of another story, sometimes under a "More from" header."""
        rng = self.rng
        # In German, French and Spanish every article is one of ours (topic "own"): another of
        # them is the other story. Never the article itself, nor a story in another language.
        same_language = [a for a in self.sources.articles if a.lang == article.lang]
        others = [a for a in same_language if a.topic != article.topic] or [a for a in same_language if a.id != article.id]
        if not others:
            return []
        other = rng.choice(others)
        start = rng.randrange(len(other.paragraphs))
        story = [(p, "offtopic") for p in other.paragraphs[start : start + rng.choice((1, 1, 2))]]
        if rng.random() < 0.3:
            story.insert(0, (other.title, "offtopic"))
        if rng.random() < 0.3 and self.by_category.get(("related", "en")):
            header = rng.choice(self.by_category[("related", "en")]).lines[0]
            story.insert(0, (self.fill(header, article), "related"))
        return story

    def fill(self, line: str, article: Article) -> str:
        """Fill a template's {slots}; names sometimes come from the host article itself."""
        rng = self.rng

        def value(match: re.Match[str]) -> str:
            slot = match.group(1)
            if slot == "headline" and self.headlines:
                # another story's title: a teaser never names the story it sits in
                headline = rng.choice(self.headlines)
                return headline if headline != article.title else rng.choice(self.headlines)
            if slot in ("person", "place") and rng.random() < 0.5:
                names = _NAME.findall(" ".join(article.paragraphs[:4]))
                if names:
                    return rng.choice(names)
            choices = self.sources.slots.get(slot)
            return rng.choice(choices) if choices else match.group(0)

        return _SLOT.sub(value, line)
