"""cleaner.integrations.datatrove: CleanerStep between a reader and a writer."""

import json
import pickle

import pytest

from cleaner import Config
from conftest import require

require("datatrove")
from datatrove.data import Document  # after the import check
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from cleaner.integrations.datatrove import CleanerStep

BINARY = "PK\x03\x04\x00\x00 not an article"
ALL_JUNK = "Adblock Detected\n\nPlease disable your ad blocker to continue reading."


def read_jsonl(folder):
    paths = sorted(folder.glob("*.jsonl"))
    return [json.loads(line) for path in paths for line in path.read_text().splitlines()]


def test_pipeline_cleans_reports_and_drops(tmp_path, seeds, cleaner):
    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))}
    records = [{"id": k, "text": v} for k, v in texts.items()]
    records[1:1] = [{"id": "binary", "text": BINARY}, {"id": "junk", "text": ALL_JUNK}]
    (tmp_path / "in").mkdir()
    for name, part in (("a", records[:3]), ("b", records[3:])):  # one file for each of the 2 tasks
        lines = "".join(json.dumps(r) + "\n" for r in part)
        (tmp_path / "in" / f"{name}.jsonl").write_text(lines, encoding="utf-8")

    dropped_writer = JsonlWriter(str(tmp_path / "dropped"), compression=None)
    stats = LocalPipelineExecutor(
        [
            JsonlReader(str(tmp_path / "in")),
            CleanerStep(Config(), exclusion_writer=dropped_writer),
            JsonlWriter(str(tmp_path / "out"), compression=None),
        ],
        tasks=2, workers=1, logging_dir=str(tmp_path / "logs"),
    ).run()

    out = read_jsonl(tmp_path / "out")
    assert [r["id"] for r in out] == list(texts)
    for record in out:
        expected = cleaner.clean(texts[record["id"]])
        assert record["text"] == expected.text
        assert json.loads(record["metadata"]["cleaner"]) == expected.to_dict()

    dropped = {r["id"]: r["metadata"] for r in read_jsonl(tmp_path / "dropped")}
    assert dropped["binary"]["filter_reason"] == "failed"
    assert dropped["binary"]["cleaner_error"] == "binary data (NUL bytes), not text or HTML"
    assert dropped["junk"]["filter_reason"] == "empty"
    assert json.loads(dropped["junk"]["cleaner"])["removed_by_category"] == {"notice": 2}

    counts = {k: v.total for k, v in stats.stats[1].stats.items()}
    assert counts["total"] == 6 and counts["forwarded"] == 4
    assert counts["dropped_failed"] == 1 and counts["dropped_empty"] == 1
    removed: dict[str, int] = {"notice": 2}
    for text in texts.values():
        for category, n in cleaner.clean(text).to_dict()["removed_by_category"].items():
            removed[category] = removed.get(category, 0) + n
    by_category = {k.removeprefix("removed_"): n for k, n in counts.items() if k.startswith("removed_")}
    assert by_category == removed
    assert counts["blocks_removed"] == sum(removed.values())


def test_keep_empty_and_nested_report(cleaner):
    step = CleanerStep(drop_empty=False, report_format="dict", batch_size=2)
    texts = [ALL_JUNK, "Title\n\nA line.", BINARY]
    docs = [Document(text=text, id=str(k)) for k, text in enumerate(texts)]
    out = list(step.run(iter(docs)))
    assert [d.id for d in out] == ["0", "1"]
    assert out[0].text == "" and out[0].metadata["cleaner"] == cleaner.clean(ALL_JUNK).to_dict()
    assert out[1].text == cleaner.clean("Title\n\nA line.").text
    assert docs[2].metadata["cleaner_error"].startswith("binary data")


def test_step_pickles_without_the_model():
    step = CleanerStep()
    list(step.run(iter([Document(text="Title\n\nA line.", id="0")])))  # the model is loaded now
    assert len(pickle.dumps(step)) < 10_000


def test_bad_report_format():
    with pytest.raises(ValueError, match="report_format"):
        CleanerStep(report_format="xml")
