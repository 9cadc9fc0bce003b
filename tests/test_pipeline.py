import json
import re
from pathlib import Path

import pytest

from cleaner import Cleaner, Config, InputError, clean

PAGE = (
    "<html><head><title>Harbour reopens after storm</title></head><body><article>"
    "<h1>Harbour reopens after storm</h1>"
    "<p>The harbour of the town reopened on Tuesday after a week of repairs to the sea wall, "
    "the port authority said in a statement.</p>"
    "<p>Fishing boats returned to their moorings by the afternoon, and the ferry service to the "
    "islands will resume its normal timetable on Thursday.</p>"
    "<p>Share this article</p></article></body></html>"
)


FIGURE_PAGE = (Path(__file__).parent / "fixtures" / "figures.html").read_text("utf-8")


def test_bytes_and_str_give_the_same_result(seeds):
    data = (seeds / "002_5d8d097d9a1da0a3.txt").read_bytes()
    assert clean(data) == clean(data.decode("utf-8"))


def test_cleaner_object_equals_function(seeds):
    data = (seeds / "000_0e212c8f3092974b.txt").read_text(encoding="utf-8")
    config = Config(threshold=0.6)
    assert Cleaner(config).clean(data) == clean(data, threshold=0.6)
    assert list(Cleaner(config).clean_many([data, data])) == [clean(data, config=config)] * 2


def test_keep_category_keeps_captions(seeds):
    data = (seeds / "000_0e212c8f3092974b.txt").read_text(encoding="utf-8")
    result = clean(data, keep=frozenset({"caption"}))
    assert "Cuban soldiers march in the May Day parade at Revolution Square in Havana. AP" in result.text
    assert all(r.category != "caption" for r in result.removed)


def test_report_is_json_and_rebuilds_the_block_sequence(seeds):
    data = (seeds / "000_0e212c8f3092974b.txt").read_text(encoding="utf-8")
    result = clean(data)
    report = json.loads(json.dumps(result.to_dict()))
    assert report["removed_count"] == len(result.removed) == report["blocks"] - report["kept"]
    kept = iter(result.text.split(report["separator"]))
    removed = {r["index"]: r["text"] for r in report["removed"]}
    rebuilt = [removed[i] if i in removed else next(kept) for i in range(report["blocks"])]
    assert rebuilt == [line.strip() for line in data.splitlines() if line.strip()]


def test_html_title_goes_to_metadata_and_junk_is_removed():
    result = clean(PAGE)
    assert result.kind == "html"
    assert result.metadata.get("title") == "Harbour reopens after storm"
    assert not result.text.startswith("Harbour reopens")
    assert "Fishing boats returned" in result.text
    assert "Share this article" not in result.text
    assert clean(PAGE, kind="text").kind == "text"


def test_a_figure_caption_is_reported_and_kept_on_request():
    result = clean(FIGURE_PAGE)
    captions = [(r.text, r.reason) for r in result.removed if r.category == "caption"]
    assert captions == [
        ("Workers on the new sea wall. Photo: J. Doe", "rule:figcaption"),
        ("The ferry leaves for the islands.", "rule:figcaption"),
    ]
    assert "The ferry leaves" not in result.text and "Fishing boats returned" in result.text
    kept = clean(FIGURE_PAGE, keep=frozenset({"caption"})).text.split("\n")
    assert kept.index("The ferry leaves for the islands.") == kept.index(next(t for t in kept if t.startswith("Fishing"))) + 1


def test_the_model_reads_a_page_as_it_reads_it_without_its_figures():
    # captions are decided by their element and set aside: the other blocks' verdicts are
    # those of the page whose figures are cut out
    bare = re.sub(r"<figure>.*?</figure>", "", FIGURE_PAGE, flags=re.DOTALL)
    assert "figcaption" not in bare
    with_figures, without = clean(FIGURE_PAGE), clean(bare)
    assert with_figures.text == without.text
    assert [(r.text, r.score, r.reason) for r in with_figures.removed if r.reason != "rule:figcaption"] == [
        (r.text, r.score, r.reason) for r in without.removed
    ]
    assert with_figures.blocks == without.blocks + 2


def test_empty_input_says_so():
    result = clean("   \n\n ")
    assert result.text == "" and result.removed == ()
    assert any("empty" in note for note in result.notes)


def test_bad_input_and_bad_options():
    with pytest.raises(InputError, match="binary"):
        clean(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(InputError, match="over the limit"):
        clean("x" * 100, max_bytes=10)
    with pytest.raises(ValueError, match="unknown categories"):
        Config(keep=frozenset({"weather"}))
    with pytest.raises(ValueError, match="threshold"):
        Config(threshold=1.5)


def test_deterministic(seeds):
    data = (seeds / "002_5d8d097d9a1da0a3.txt").read_text(encoding="utf-8")
    assert json.dumps(clean(data).to_dict()) == json.dumps(Cleaner().clean(data).to_dict())


def test_restore_gives_back_the_block_sequence(seeds):
    from cleaner import restore

    for path in sorted(seeds.glob("*.txt")):
        data = path.read_text(encoding="utf-8")
        result = clean(data)
        blocks = [line.strip() for line in data.splitlines() if line.strip()]
        assert restore(result.text, result.to_dict()) == result.separator.join(blocks)
    with pytest.raises(ValueError, match="do not belong together"):
        restore("a\n\nb", clean(data).to_dict())
