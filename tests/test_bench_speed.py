"""Smoke test of bench/speed.py: --quick prints every table with its rows (no timing checked)."""

import pytest

from bench import speed


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    speed.main(["--quick", "--repeat", "1", *args])
    return capsys.readouterr().out


def test_text_html_stages_scaling_tables(capsys: pytest.CaptureFixture[str]) -> None:
    sections = ["text", "stages", "scaling"]
    has_pages = (speed.DEFAULT_DATA / "split.json").exists()
    if has_pages:
        sections.append("html")
    out = run(capsys, "--only", ",".join(sections))
    assert "- command: `python bench/speed.py --quick" in out
    for documents in ("seed-sized", "10× longer"):
        for path in ("cleaner `clean_many` (batches)", "cleaner `clean` one call a document",
                     "cleaner `clean_many`, 1 thread", *speed.C4_ROWS):
            assert f"| {documents} | {path}" in out
    for label, _ in speed.STAGE_ROWS:
        assert f"| {label} |" in out
    assert "| 1× |" in out and "| 2× |" in out
    if has_pages:
        for path in ("cleaner `clean_many` (batches)", "`trafilatura.extract(html)` (defaults)",
                     "`trafilatura.bare_extraction(html, favor_recall=True)`"):
            assert f"| {path} |" in out
        assert "Goal: cleaner `clean_many` time ≤ 1.15" in out


@pytest.mark.slow
def test_parallel_and_memory_tables(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, "--only", "parallel,memory")
    assert "### 5. Parallel" in out and "### 6. Peak memory" in out
    assert "| 1 |" in out and "| 2 |" in out
    assert "| 20 |" in out and "| 60 |" in out
    assert "60 documents cleaned" in out


def test_unknown_section_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as error:
        speed.parse_args(["--only", "text,speedy"])
    assert error.value.code == 2
