"""Site-wide boilerplate: blocks recurring across a site's pages in one run."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from cleaner.cli import main
from cleaner.decide import with_repeats
from cleaner.repeats import RepeatCounter, Repeats, block_key, page_keys
from cleaner.types import ARTICLE, Block, Verdict

ROOT = Path(__file__).resolve().parent.parent
#: A publisher's line in perfectly normal prose: the classifier, one page at a time, keeps it.
FOOTER = "The Harwick Ledger has reported on the town and its people since 1998."


def site_pages(folder: Path, count: int) -> None:
    """`count` different articles of our own corpus, each with the site's footer paragraph."""
    lines = (ROOT / "corpus" / "articles" / "en.jsonl").read_text(encoding="utf-8").splitlines()
    folder.mkdir(parents=True)
    for k, line in enumerate(lines[:count]):
        article = json.loads(line)
        paragraphs = article["paragraphs"]
        text = "\n\n".join([article["title"], *paragraphs[:3], FOOTER, *paragraphs[3:]])
        (folder / f"page{k}.txt").write_text(text + "\n", encoding="utf-8")


def footer_removals(out: Path) -> list[dict[str, object]]:
    reports = [json.loads(p.read_text()) for p in sorted(out.rglob("*.json"))]
    return [r for report in reports for r in report["removed"] if r["text"] == FOOTER]


def test_recurring_block_missed_by_the_classifier_is_removed_with_its_count(tmp_path: Path) -> None:
    site_pages(tmp_path / "in" / "ledger", 6)
    runner = CliRunner()
    alone = runner.invoke(main, [str(tmp_path / "in"), "-o", str(tmp_path / "alone"), "-j", "1"])
    assert alone.exit_code == 0, alone.output
    # the classifier alone keeps it on most pages (a model may take it for off-topic on one)
    missed = {p.name for p in (tmp_path / "alone").rglob("*.txt") if FOOTER in p.read_text()}
    assert len(missed) >= 4
    assert len(footer_removals(tmp_path / "alone")) == 6 - len(missed)

    run = runner.invoke(main, [str(tmp_path / "in"), "-o", str(tmp_path / "sited"), "-j", "1", "--repeats", "3"])
    assert run.exit_code == 0, run.output
    removals = footer_removals(tmp_path / "sited")
    assert len(removals) == 6 and {r["repeated"] for r in removals} == {6}
    repeated = [r for r in removals if r["reason"].startswith("repeated:")]
    assert len(repeated) == len(missed)  # each page the classifier missed, and those only
    for page in (tmp_path / "sited").rglob("*.txt"):
        before = (tmp_path / "alone" / page.relative_to(tmp_path / "sited")).read_text()
        assert page.read_text() == before.replace(FOOTER + "\n\n", "")  # nothing else changed


def test_other_sites_and_too_few_pages_do_not_count(tmp_path: Path) -> None:
    site_pages(tmp_path / "in" / "ledger", 2)
    site_pages(tmp_path / "in" / "other", 2)  # the same footer, but another site
    run = CliRunner().invoke(main, [str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-j", "1", "--repeats", "3"])
    assert run.exit_code == 0, run.output
    # the classifier may take the footer for off-topic on a page (as in the test above); no
    # page may remove it for recurring
    assert [r for r in footer_removals(tmp_path / "out") if r.get("repeated") or r["reason"].startswith("repeated:")] == []


def test_repeats_refused_on_standard_input() -> None:
    result = CliRunner().invoke(main, ["-", "--repeats", "3"], input="Some text.\n")
    assert result.exit_code == 2
    assert "--repeats reads the inputs twice" in result.output


def test_counter_counts_pages_not_occurrences_and_stays_bounded() -> None:
    counter = RepeatCounter(max_keys=4)
    blocks = [Block(0, "Subscribe to our weekly newsletter", 0, 1), Block(1, "Subscribe to our weekly newsletter", 0, 1)]
    counter.add(page_keys("a.example", blocks))  # printed twice on one page: one page
    counter.add(page_keys("a.example", blocks[:1]))
    assert counter.pages == {block_key("a.example", blocks[0].text): 2}
    for word in ("one", "two", "three", "four", "five"):
        counter.add([block_key("a.example", f"paragraph {word} of a long article")])
    # the fourth overflowed the bound: the singletons went, the repeated block stayed
    assert counter.pages == {block_key("a.example", blocks[0].text): 2,
                             block_key("a.example", "paragraph five of a long article"): 1}
    table = counter.table(2)
    assert table.of("a.example", blocks) == (2, 2)
    assert table.of("b.example", blocks) == (0, 0)
    assert table.of("a.example", [Block(0, "Short", 0, 5), Block(1, "A heading of twenty chars", 0, 5, tag="h")]) == (None, None)


def test_a_page_repeated_in_full_is_left_to_the_classifier() -> None:
    kept = Verdict(ARTICLE, 0.1, "model:article")
    categories = np.eye(7)[[0, 0]]
    verdicts, notes = with_repeats((kept, kept), categories, (5, 5))
    assert verdicts == (kept, kept) and "repetition not used" in notes[0]
    verdicts, notes = with_repeats((kept, kept), categories, (5, 0))
    assert [v.label for v in verdicts] == ["ad", ARTICLE] and verdicts[0].repeated == 5 and notes == ()


def test_repeats_table_is_empty_below_its_minimum() -> None:
    assert Repeats(3, {}).of("a", [Block(0, "x" * 30, 0, 30)]) == (0,)
