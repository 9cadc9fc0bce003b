"""cleaner.extract: its lean metadata call reports what trafilatura's own would."""

from pathlib import Path

import pytest
from trafilatura.metadata import extract_metadata
from trafilatura.utils import load_html

from cleaner.extract import _METADATA, extract_html, page_metadata

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
    _, metadata, _ = extract_html(META_PAGE)
    assert metadata["title"] == "Bridge closes for repairs"
    assert metadata["author"] == "Jane Smith" and metadata["date"] == "2024-03-05"
    assert metadata["url"] == "https://www.harwick-ledger.example/news/bridge"
