"""What `clean train` and `clean eval` do with bad input: say what is wrong and where, before any work."""

import gzip
import json

import pytest
from click.testing import CliRunner

from cleaner import CorpusError
from cleaner.cli import main
from cleaner.corpus import example_from_record
from cleaner.train import metrics, read_labelled
from cleaner.types import CATEGORIES

TEXT = "Title here\n\nA real sentence of the article.\n\nLeave a Reply\n"
SPEC = {"keep": ["Title here", "A real sentence of the article."],
        "remove": [{"text": "Leave a Reply", "category": "comments"}]}
RECORD = {"blocks": [{"text": "Title", "label": "article"}, {"text": "Leave a Reply", "label": "comments"}]}
#: Two labelled documents in the corpus format.
LABELLED = [
    {"id": "budget", "blocks": [
        {"text": "Council approves budget", "label": "article"},
        {"text": "The city council approved next year's budget on Monday after a four-hour debate.", "label": "article"},
        {"text": "Most of the new money goes to schools and to repairing roads.", "label": "article"},
        {"text": "Subscribe to our newsletter for the latest local news.", "label": "notice"},
        {"text": "Share on Facebook", "label": "social"}]},
    {"id": "storm", "blocks": [
        {"text": "A storm closed the harbour for two days, and the ferries stayed in port.", "label": "article"},
        {"text": "Leave a Reply", "label": "comments"}]},
]


def write(path, data):
    path.write_bytes(data)
    return path


def expected_folder(root, spec):
    """A folder of one text, a.txt, and an expected.json of `spec`."""
    (root / "a.txt").write_text(TEXT, encoding="utf-8")
    (root / "expected.json").write_text(json.dumps(spec), encoding="utf-8")
    return root


def test_train_refuses_a_data_folder_without_bbc_or_scrapinghub(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "half" / "bbc").mkdir(parents=True)
    for data, missing in ((tmp_path / "nonexistent", "no bbc, no scrapinghub;"), (tmp_path / "half", "no scrapinghub;")):
        result = CliRunner().invoke(main, ["train", "--corpus", str(tmp_path / "corpus"), "--data", str(data),
                                           "-o", str(tmp_path / "m.skops")])
        assert result.exit_code == 1, result.output
        assert f"Error: {data}: {missing}" in result.output


def test_train_refuses_an_output_it_cannot_write_before_reading_anything(tmp_path):
    (tmp_path / "corpus").mkdir()  # empty: reading it would fail (no slots.json)
    (tmp_path / "file").write_text("")
    for output in (tmp_path / "file" / "m.skops", tmp_path):
        result = CliRunner().invoke(main, ["train", "--corpus", str(tmp_path / "corpus"), "--data", str(tmp_path),
                                           "-o", str(output)])
        assert result.exit_code == 2, result.output
        assert str(output) in result.output and "-o" in result.output


def test_the_output_folder_is_made_before_training(tmp_path):
    (tmp_path / "corpus").mkdir()
    result = CliRunner().invoke(main, ["train", "--corpus", str(tmp_path / "corpus"), "--data", str(tmp_path),
                                       "-o", str(tmp_path / "new" / "m.skops")])
    assert result.exit_code == 1 and "no bbc" in result.output  # past the output check
    assert (tmp_path / "new").is_dir()


@pytest.mark.parametrize("make, message", [
    (lambda d: write(d / "e.jsonl", b""), r"no labelled documents in \S+e\.jsonl"),
    (lambda d: d, r"no labelled documents in \S+ \("),  # an empty folder
    (lambda d: write(d / "a.jsonl.gz", gzip.compress(json.dumps(RECORD).encode())[:-8]).parent,
     r"a\.jsonl\.gz: cannot read: Compressed file ended"),
    (lambda d: write(d / "a.jsonl.gz", json.dumps(RECORD).encode()), r"a\.jsonl\.gz: cannot read: Not a gzipped file"),
    (lambda d: write(d / "a.jsonl", json.dumps(RECORD).encode() + b'\n{"id": "caf\xe9"}\n'), r"a\.jsonl:2: not UTF-8"),
    (lambda d: expected_folder(d, {"nope.txt": SPEC}), r"expected\.json: nope\.txt: cannot read the text file"),
    (lambda d: expected_folder(d, ["a.txt"]), r"expected\.json: expected an object of text file name"),
    (lambda d: expected_folder(d, {"a.txt": ["Title here"]}), r"expected\.json: a\.txt: expected an object with"),
    (lambda d: expected_folder(d, {"a.txt": {"kep": ["Title here"]}}), r"expected\.json: a\.txt: expected an object with"),
    (lambda d: expected_folder(d, {"a.txt": {"remove": [{"text": "Leave a Reply"}]}}),
     r"expected\.json: a\.txt: remove\[0\] must be"),
    (lambda d: expected_folder(d, {"a.txt": {"keep": ["Title here", 7]}}), r"expected\.json: a\.txt: keep\[1\] must be"),
    (lambda d: expected_folder(d, {"a.txt": dict(SPEC, keep=["Title hre"])}),
     r"expected\.json: a\.txt: keep\[0\] matches no block of the text: 'Title hre'"),
    (lambda d: expected_folder(d, {"a.txt": dict(SPEC, either=["Leave a reply!"])}),
     r"expected\.json: a\.txt: either\[0\] matches no block"),
    (lambda d: expected_folder(d, {"a.txt": {"remove": [{"text": "Leave a Reply?", "category": "comments"}]}}),
     r"expected\.json: a\.txt: remove\[0\] matches no block"),
], ids=["empty-file", "empty-folder", "gz-truncated", "not-gzip", "not-utf8", "missing-text", "spec-a-list", "entry-a-list",
        "unknown-key", "remove-no-category", "keep-not-a-string", "keep-typo", "either-typo", "remove-typo"])
def test_bad_labelled_input_is_an_error_naming_file_and_entry(tmp_path, make, message):
    with pytest.raises(CorpusError, match=message):
        read_labelled(make(tmp_path))


def test_an_expected_folder_labels_its_blocks_and_leaves_either_lines_unscored(tmp_path):
    spec = {"keep": ["Title here"], "either": ["A real sentence of the article."], "remove": SPEC["remove"]}
    [example] = read_labelled(expected_folder(tmp_path, {"a.txt": spec}))
    assert example.labels == ("article", None, "comments")


def test_eval_of_an_empty_file_is_an_error_not_perfect_scores(tmp_path):
    (tmp_path / "e.jsonl").write_text("")
    result = CliRunner().invoke(main, ["eval", str(tmp_path / "e.jsonl")])
    assert result.exit_code == 1
    assert f"Error: no labelled documents in {tmp_path / 'e.jsonl'}" in result.output
    assert "1.0000" not in result.output


def test_eval_reads_a_gzipped_corpus_file_in_a_folder_as_it_reads_the_plain_one(tmp_path):
    lines = "".join(json.dumps(r) + "\n" for r in LABELLED).encode()
    for name, data in (("plain/docs.jsonl", lines), ("gz/docs.jsonl.gz", gzip.compress(lines))):
        (tmp_path / name).parent.mkdir()
        write(tmp_path / name, data)
    scores = []
    for folder in (tmp_path / "plain", tmp_path / "gz"):
        result = CliRunner().invoke(main, ["eval", "--json", str(folder)])
        assert result.exit_code == 0, result.output
        scores.append(json.loads(result.output)[str(folder)])
    plain, packed = scores
    assert packed == plain
    assert (plain["documents"], plain["blocks"], plain["junk_blocks"]) == (2, 7, 3)


def test_every_category_has_a_row_and_a_wrong_removal_counts_against_it():
    example = example_from_record(RECORD, where="t")
    m = metrics([example], [("ad", "comments")])  # the title removed as ad, where no block is ad
    assert list(m["categories"]) == list(CATEGORIES)
    assert m["categories"]["ad"] == {"precision": 0.0, "recall": 1.0, "f1": 0.0, "support": 0}
    assert m["categories"]["social"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 0}
