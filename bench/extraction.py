"""Article extraction benchmark: cleaner against trafilatura and other extractors.

    python bench/extraction.py [--data ../shared/data/scrapinghub] [--split test|all] [--repeat N]

Scores every page of the split with the scrapinghub benchmark metric (bench/metric.py) and
prints a Markdown table sorted by shingle F1.

Input: every page is decoded once, as UTF-8 (all 181 pages are valid UTF-8; errors would be
replaced), and that same str goes to every extractor, as the original benchmark does.
cleaner alone gets the raw bytes: its API takes bytes and it detects the charset itself.

Speed is single-process pages per second over the extraction calls only (loading, decoding
and scoring are outside the clock), the median of --repeat runs.

An extractor that raises on a page gets empty text for that page and one more "error".
The network is blocked while extracting so that no extractor can fetch anything.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import socket
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
# Run as a script, only bench/ is on sys.path; cleaner and bench.metric live at the root.
sys.path.insert(0, str(REPO))

from bench.metric import score  # noqa: E402

DEFAULT_DATA = REPO / ".." / "shared" / "data" / "scrapinghub"


@dataclass(frozen=True)
class Page:
    """One benchmark page: raw bytes, decoded HTML, URL and the true article body."""

    id: str
    raw: bytes
    html: str
    url: str
    truth: str


Extractor = Callable[[Page], str]


@dataclass(frozen=True)
class Row:
    """One extractor's line of the results table."""

    name: str
    precision: float
    recall: float
    f1: float
    token_f1: float
    pages_per_s: float
    errors: int


# --- extractors: each factory imports its package, so a missing one fails only its row ---


def make_cleaner() -> Extractor:
    """cleaner's HTML pipeline on the raw bytes."""
    try:
        from cleaner import Cleaner, Config
    except ImportError as error:  # cleaner is ours: report it unavailable, not "not installed"
        raise RuntimeError(f"cannot import cleaner: {error}") from error

    cleaner = Cleaner(Config(kind="html"))
    return lambda page: cleaner.clean(page.raw).text


def make_cleaner_extraction() -> Extractor:
    """cleaner's extraction alone: its trafilatura call and segmenting, no classifier."""
    try:
        from cleaner import Config
        from cleaner.pipeline import prepare
    except ImportError as error:
        raise RuntimeError(f"cannot import cleaner: {error}") from error

    config = Config(kind="html")
    return lambda page: prepare(page.raw, config=config).text


def make_trafilatura(**options: bool) -> Callable[[], Extractor]:
    """trafilatura.extract with the given options (None, its "nothing found", becomes "").

    include_comments=False as in the benchmark's own runner (and in cleaner): the true
    articleBody has no reader comments, and trafilatura's default keeps them.
    """

    def factory() -> Extractor:
        import trafilatura

        return lambda page: (
            trafilatura.extract(page.html, include_comments=False, **options) or ""
        )

    return factory


def make_readability() -> Extractor:
    """readability-lxml's summary, turned into text by html-text (as the benchmark does)."""
    import html_text
    from readability import Document

    return lambda page: html_text.extract_text(Document(page.html).summary(html_partial=True))


def make_justext() -> Extractor:
    """jusText's non-boilerplate paragraphs, English stoplist.

    Parameters are the benchmark's (looser than jusText's defaults). No fallback: a page
    where every paragraph is classed boilerplate yields empty text.
    """
    import justext

    stoplist = justext.get_stoplist("English")

    def extract(page: Page) -> str:
        paragraphs = justext.justext(
            page.html, stoplist, length_low=50, length_high=200, stopwords_low=0.1,
            stopwords_high=0.2, max_link_density=0.2, max_heading_distance=200,
            no_headings=True,
        )
        return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)

    return extract


def make_boilerpy3() -> Extractor:
    """boilerpy3's ArticleExtractor (it raises when it finds nothing: an error)."""
    from boilerpy3 import extractors

    extractor = extractors.ArticleExtractor()
    return lambda page: extractor.get_content(page.html)


def make_resiliparse() -> Extractor:
    """resiliparse's plain text with its main-content heuristics."""
    from resiliparse.extract.html2text import extract_plain_text

    return lambda page: extract_plain_text(page.html, main_content=True)


def make_newspaper() -> Extractor:
    """newspaper4k parsing the given HTML: no download, no image fetching."""
    from newspaper import Article

    def extract(page: Page) -> str:
        # fetch_images=False: by default parse() downloads images to pick the top one.
        article = Article(page.url, fetch_images=False, follow_meta_refresh=False)
        article.download(input_html=page.html)  # with input_html nothing is fetched
        article.parse()
        return str(article.text)

    return extract


def make_html_text() -> Extractor:
    """html-text: all the visible text of the page, the keep-everything floor."""
    import html_text

    return lambda page: html_text.extract_text(page.html)


FACTORIES: dict[str, Callable[[], Extractor]] = {
    "cleaner": make_cleaner,
    "cleaner extraction alone": make_cleaner_extraction,
    "trafilatura (no comments)": make_trafilatura(),
    "trafilatura favor_precision": make_trafilatura(favor_precision=True),
    "trafilatura favor_recall": make_trafilatura(favor_recall=True),
    "readability-lxml": make_readability,
    "jusText": make_justext,
    "boilerpy3": make_boilerpy3,
    "resiliparse": make_resiliparse,
    "newspaper4k": make_newspaper,
    "html-text": make_html_text,
}


def build(factory: Callable[[], Extractor]) -> Extractor | str:
    """The extractor, or why it is unavailable."""
    try:
        return factory()
    except ImportError:
        return "not installed"
    except Exception as error:  # cleaner may be half-written or lack its model
        return f"unavailable: {error}"


# --- data ---


def load_pages(data: Path, split: str) -> list[Page]:
    """The pages of the split ("test" or "all"), in id order."""
    truth: dict[str, dict[str, str]] = json.loads((data / "ground-truth.json").read_text("utf8"))
    ids = sorted(truth)
    if split != "all":
        ids = sorted(json.loads((data / "split.json").read_text("utf8"))[split])
    return [load_page(data, page_id, truth[page_id]) for page_id in ids]


def load_page(data: Path, page_id: str, truth: dict[str, str]) -> Page:
    """Read and decode one page."""
    raw = gzip.decompress((data / "html" / f"{page_id}.html.gz").read_bytes())
    html = raw.decode("utf-8", errors="replace")
    return Page(page_id, raw, html, truth["url"], truth["articleBody"])


# --- running ---


@contextmanager
def network_blocked() -> Iterator[None]:
    """Make every socket connection fail, so that extraction stays offline and timed fairly."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OSError("network is blocked during the benchmark")

    original = socket.socket.connect
    socket.socket.connect = refuse  # type: ignore[method-assign]
    try:
        yield
    finally:
        socket.socket.connect = original  # type: ignore[method-assign]


def extract_all(extractor: Extractor, pages: list[Page]) -> tuple[list[str], int, float]:
    """Texts of all pages, the number of pages that raised, and the seconds spent."""
    texts, errors, seconds = [], 0, 0.0
    for page in pages:
        start = time.perf_counter()
        try:
            text = extractor(page)
        except Exception:
            text, errors = "", errors + 1
        seconds += time.perf_counter() - start
        texts.append(text)
    return texts, errors, seconds


def evaluate(name: str, extractor: Extractor, pages: list[Page], repeat: int) -> Row:
    """Run one extractor repeat times and score its first run's texts."""
    runs = [extract_all(extractor, pages) for _ in range(repeat)]
    texts, errors, _ = runs[0]
    pairs = [(page.truth, text) for page, text in zip(pages, texts)]
    shingle, token = score(pairs), score(pairs, n=1)
    seconds = statistics.median(run[2] for run in runs)
    speed = len(pages) / seconds if seconds > 0 else float("inf")
    return Row(name, shingle.precision, shingle.recall, shingle.f1, token.f1, speed, errors)


def table(rows: list[Row], missing: dict[str, str]) -> str:
    """Markdown table, best shingle F1 first, unavailable extractors last."""
    lines = [
        "| extractor | precision | recall | F1 | token F1 | pages/s | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in sorted(rows, key=lambda row: row.f1, reverse=True):
        lines.append(
            f"| {r.name} | {r.precision:.3f} | {r.recall:.3f} | {r.f1:.3f} | {r.token_f1:.3f}"
            f" | {r.pages_per_s:.1f} | {r.errors} |"
        )
    lines += [f"| {name} | {why} | | | | | |" for name, why in missing.items()]
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="scrapinghub data folder")
    parser.add_argument("--split", choices=["test", "all"], default="test")
    parser.add_argument("--repeat", type=int, default=1, help="timing runs (median is shown)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def main(argv: list[str] | None = None) -> None:
    """Run every available extractor on the split and print the table."""
    args = parse_args(argv)
    # Extractors log and warn about odd pages (dates, encodings); that would bury the table.
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    pages = load_pages(args.data, args.split)
    rows, missing = [], {}
    with network_blocked():
        for name, factory in FACTORIES.items():
            extractor = build(factory)
            if isinstance(extractor, str):
                missing[name] = extractor
            else:
                rows.append(evaluate(name, extractor, pages, args.repeat))
    print(f"{len(pages)} pages, split {args.split}, metric: scrapinghub 4-token shingles\n")
    print(table(rows, missing))
    if args.split == "all":
        print("\nNote: the train pages of this split were seen by cleaner's training.")


if __name__ == "__main__":
    main()
