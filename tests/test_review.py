"""The review page (`clean … --review page.html`): its data, its escaping, and in headless
Chromium what it shows and how its filters, search, links and pages behave."""

import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleaner.cli import main
from cleaner.emit import restore
from cleaner.review import PAGE_SIZE, ReviewWriter, blocks_of, embed
from cleaner.types import CATEGORIES, CleanResult, Removal

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
HOSTILE = '<script>alert(1)</script> </script><!-- <img src=x onerror="alert(2)"> & "quotes"'


def page_data(page: Path) -> dict:
    """The JSON a review page embeds."""
    html = page.read_text(encoding="utf-8")
    match = re.search(r'<script type="application/json" id="data">(.*?)</script>', html, re.DOTALL)
    assert match, "no data in the page"
    return json.loads(match.group(1))


def reports_of(out: Path) -> dict[str, dict]:
    """The JSON reports of a run, by document stem."""
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(out.rglob("*.json"))}


def hostile_report(n_removed: int = 1) -> tuple[str, dict]:
    """A clean text and its report, with hostile text in every field the page shows."""
    removed = tuple(Removal(i + 1, 0, 0, HOSTILE, "ad", 0.9, HOSTILE) for i in range(n_removed))
    result = CleanResult(text=HOSTILE, removed=removed, kind="text", blocks=1 + n_removed,
                         metadata={"title": HOSTILE}, notes=(HOSTILE,))
    return result.text, result.to_dict()


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory, seeds) -> tuple[Path, Path]:
    """The seeds cleaned with --review: (OUT, the page)."""
    root = tmp_path_factory.mktemp("seed_run")
    out, page = root / "out", root / "review.html"
    result = CliRunner().invoke(main, [str(seeds), "-o", str(out), "--review", str(page), "--jobs", "1", "-q"])
    assert result.exit_code == 0, result.output
    return out, page


# --- the page's data -----------------------------------------------------------------------


def test_blocks_are_the_restored_document(cleaner, seeds):
    for path in sorted(seeds.glob("*.txt")):
        result = cleaner.clean(path.read_text(encoding="utf-8"))
        report = result.to_dict()
        blocks = blocks_of(result.text, report)
        rebuilt = report["separator"].join(b if isinstance(b, str) else b[0] for b in blocks)
        assert rebuilt == restore(result.text, report)
        assert [b for b in blocks if not isinstance(b, str)] == [
            [r["text"], r["category"], r["score"], r["reason"]] for r in report["removed"]]
    with pytest.raises(ValueError, match="do not belong together"):
        blocks_of("one\n\ntwo", {"blocks": 1, "separator": "\n\n", "removed": []})


def test_page_counts_are_those_of_the_reports(seed_run):
    out, page = seed_run
    reports = reports_of(out)
    data = page_data(page)
    assert data["summary"]["totals"] == {
        "documents": len(reports),
        "blocks": sum(r["blocks"] for r in reports.values()),
        "kept": sum(r["kept"] for r in reports.values()),
        "removed": sum(r["removed_count"] for r in reports.values()),
    }
    assert data["summary"]["removed_by_category"] == dict(
        sum((Counter(r["removed_by_category"]) for r in reports.values()), Counter()))
    assert data["summary"]["categories"] == list(CATEGORIES)
    assert [Path(d["name"]).stem for d in data["docs"]] == list(reports)  # input order
    for doc in data["docs"]:
        report = reports[Path(doc["name"]).stem]
        assert len(doc["blocks"]) == report["blocks"]
        assert sum(not isinstance(b, str) for b in doc["blocks"]) == report["removed_count"]
    top = data["summary"]["top"]
    assert [n for _, _, n in top] == sorted((r["removed_count"] for r in reports.values() if r["removed_count"]),
                                            reverse=True)
    assert all(data["docs"][i]["name"] == name for i, name, _ in top)


def test_hostile_text_cannot_leave_the_data(tmp_path):
    page = tmp_path / "review.html"
    writer = ReviewWriter(page)
    writer.add(HOSTILE, *hostile_report())
    writer.close()
    html = page.read_text(encoding="utf-8")
    assert html.count("</script>") == 2  # the data's and the code's own
    assert "<script>alert" not in html and "<img" not in html and "<!--" not in html
    doc = page_data(page)["docs"][0]
    assert doc["name"] == doc["blocks"][0] == doc["blocks"][1][0] == doc["blocks"][1][3] == HOSTILE
    assert doc["metadata"] == {"title": HOSTILE} and doc["notes"] == [HOSTILE]
    assert json.loads(embed(HOSTILE)) == HOSTILE
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing is fetched


def test_page_appears_only_at_close_and_complete(tmp_path):
    page = tmp_path / "review.html"
    page.write_text("an older page")
    writer = ReviewWriter(page)
    for n in range(3):
        writer.add(f"doc{n}", *hostile_report(n))
    assert page.read_text() == "an older page"
    writer.close()
    assert [p.name for p in tmp_path.iterdir()] == ["review.html"]  # no temporary left
    data = page_data(page)
    assert data["summary"]["totals"] == {"documents": 3, "blocks": 6, "kept": 3, "removed": 3}
    assert data["summary"]["top"] == [[2, "doc2", 2], [1, "doc1", 1]]


def test_empty_run_gives_a_page(tmp_path):
    writer = ReviewWriter(tmp_path / "review.html")
    writer.close()
    data = page_data(tmp_path / "review.html")
    assert data["docs"] == [] and data["summary"]["totals"]["documents"] == 0


def test_standard_input_with_review(tmp_path, seeds):
    page, report = tmp_path / "r.html", tmp_path / "report.json"
    text = (seeds / "000_0e212c8f3092974b.txt").read_bytes()
    result = CliRunner().invoke(main, ["-", "--review", str(page), "--report", str(report), "--jobs", "1", "-q"],
                                input=text)
    assert result.exit_code == 0, result.output
    data, expected = page_data(page), json.loads(report.read_text(encoding="utf-8"))
    assert [d["name"] for d in data["docs"]] == ["<stdin>"]
    assert data["summary"]["removed_by_category"] == expected["removed_by_category"]
    assert data["summary"]["totals"]["removed"] == expected["removed_count"]


# --- in the browser ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium; missing, the tests are skipped, but fail on CI (which installs it)."""
    problem = None if CHROMIUM.exists() else f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        problem = problem or "the playwright package is missing (pip install '.[test]')"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def open_page(browser):
    """Open a review page; yields a function returning the page; checks at the end that nothing
    went wrong in it: no console error, no page error, no dialog, no request off the file."""
    problems: list[str] = []
    pages = []

    def opener(path: Path):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("dialog", lambda d: problems.append(f"dialog: {d.message}") or d.dismiss())
        page.on("request", lambda r: r.url.startswith(("file:", "data:")) or problems.append(f"request: {r.url}"))
        page.goto(path.resolve().as_uri())
        page.wait_for_selector("body[data-ready]")
        pages.append(page)
        return page

    yield opener
    for page in pages:
        page.close()
    assert problems == []


def number(page, selector: str) -> int:
    return int(page.inner_text(selector).replace(",", ""))


def test_review_page_of_the_seeds(seed_run, open_page, tmp_path):
    from playwright.sync_api import expect

    out, path = seed_run
    reports = reports_of(out)
    by_category = sum((Counter(r["removed_by_category"]) for r in reports.values()), Counter())
    page = open_page(path)

    assert number(page, "#stat-documents") == len(reports)
    assert number(page, "#stat-blocks") == sum(r["blocks"] for r in reports.values())
    assert number(page, "#stat-kept") == sum(r["kept"] for r in reports.values())
    assert number(page, "#stat-removed") == sum(r["removed_count"] for r in reports.values())
    for category in CATEGORIES:
        assert number(page, f".bar[data-category={category}] .count") == by_category[category]
        assert page.locator(f".rm[data-category={category}]").count() == by_category[category]
    assert page.locator(".doc").count() == len(reports)

    # unchecking a category hides its removed blocks, and only those
    page.uncheck("#cats input[value=caption]")
    assert page.locator(".rm[data-category=caption]").count() == 0
    for category in set(by_category) - {"caption"}:
        assert page.locator(f".rm[data-category={category}]").count() == by_category[category]
    page.check("#cats input[value=caption]")
    assert page.locator(".rm[data-category=caption]").count() == by_category["caption"]

    # the minimum score
    page.fill("#min-score", "1")
    certain = sum(r["score"] >= 1 for report in reports.values() for r in report["removed"])
    assert page.locator(".rm").count() == certain < sum(by_category.values())
    page.fill("#min-score", "0")

    # search: the documents whose text holds the words, the words marked
    texts = [restore(p.with_suffix(".txt").read_text(encoding="utf-8").rstrip("\n"), report)
             for p, report in zip(sorted(out.rglob("*.json")), reports.values())]
    matching = sum("netflix" in text.lower() for text in texts)
    assert 0 < matching < len(reports)
    page.fill("#search", "Netflix")
    expect(page.locator("#page-info")).to_have_text(re.compile(rf"^{matching} of {len(reports)} documents"))
    assert page.locator(".doc").count() == matching
    assert {m.lower() for m in page.locator("mark").all_inner_texts()} == {"netflix"}
    page.screenshot(path=tmp_path / "review-search.png")
    page.fill("#search", "")
    expect(page.locator(".doc")).to_have_count(len(reports))

    # a summary link leads to its document
    first = page.locator("#top a").first
    target = first.get_attribute("href")
    first.click()
    expect(page.locator(f"{target}.focus")).to_be_visible()

    page.screenshot(path=tmp_path / "review.png")
    assert (tmp_path / "review.png").stat().st_size > 10_000


def test_hostile_text_is_shown_as_text_and_pages_turn(open_page, tmp_path):
    from playwright.sync_api import expect

    path, total = tmp_path / "review.html", 2 * PAGE_SIZE + 20
    writer = ReviewWriter(path)
    writer.add(HOSTILE, *hostile_report())
    for n in range(1, total):
        writer.add(f"doc{n}", *hostile_report(n % 3))
    writer.close()
    page = open_page(path)

    assert HOSTILE in page.inner_text("#doc-0 h3")
    assert page.locator("#doc-0 .text p").first.inner_text() == HOSTILE
    assert HOSTILE in page.locator("#doc-0 .rm").get_attribute("title")
    assert page.locator("#doc-0 img, #doc-0 script").count() == 0
    expect(page.locator("#page-info")).to_have_text(f"{total} of {total} documents · page 1 of 3")
    assert page.locator(".doc").count() == PAGE_SIZE

    page.click("#next")
    expect(page.locator(".doc").first).to_have_id(f"doc-{PAGE_SIZE}")
    page.goto(page.url.split("#")[0] + f"#doc-{total - 1}")
    expect(page.locator(f"#doc-{total - 1}")).to_be_visible()
    expect(page.locator("#page-info")).to_contain_text("page 3 of 3")
    page.check("#only-removed")
    with_removals = 1 + sum(n % 3 > 0 for n in range(1, total))
    expect(page.locator("#page-info")).to_contain_text(f"{with_removals} of {total} documents · page 1 of 2")
