import gzip
import json
from pathlib import Path

import numpy
import pytest
import scipy
from click.testing import CliRunner

from cleaner import CorpusError
from cleaner.cli import main
from cleaner.corpus import (
    JUNK,
    Article,
    Generator,
    Sources,
    example_from_record,
    heldout,
    own_articles,
    read_examples,
    read_templates,
    scrapinghub_html_pages,
)
from cleaner.train import metrics, training_sets


def write_jsonl(path, records):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n", encoding="utf-8")


@pytest.fixture()
def corpus(tmp_path):
    root = tmp_path / "corpus"
    write_jsonl(root / "junk" / "comments.jsonl", [
        {"id": "comments-a-001", "category": "comments", "lines": ["Leave a comment", "{number} comments"]},
        {"id": "comments-b-002", "category": "comments", "lines": ["Join the discussion below"]},
    ])
    write_jsonl(root / "junk" / "ad.jsonl", [
        {"id": f"ad-{k}-00{k}", "category": "ad", "lines": ["🎁 Free {brand} codes", "• Works today"]} for k in range(6)
    ])
    (root / "slots.json").write_text(json.dumps({"number": ["3", "12"], "brand": ["Acme"]}))
    write_jsonl(root / "articles" / "en.jsonl", [
        {"id": f"en-{k}", "lang": "en", "title": f"Story {k} about the harbour",
         "paragraphs": [f"The harbour of town {k} reopened on Tuesday after repairs.", "Boats returned by the afternoon."]}
        for k in range(12)
    ])
    return root


def write_data(root, pages=()):
    """A public data folder: an empty bbc/, and scrapinghub/ with these train pages (an article
    line and a junk line each)."""
    (root / "bbc").mkdir(parents=True)
    shub = root / "scrapinghub"
    (shub / "html").mkdir(parents=True)
    body = "The harbour of the old town reopened on Tuesday after two years of repairs."
    rows = []
    for page in pages:
        (shub / "html" / f"{page}.html.gz").write_bytes(gzip.compress(f"<html><body><p>{body}</p></body></html>".encode()))
        for source in ("fulltext", "traf_recall"):
            rows += [
                {"split": "train", "source": source, "page_id": page, "position": 0, "text": body, "label": "article"},
                {"split": "train", "source": source, "page_id": page, "position": 1, "text": f"Follow page {page} on Fakebook", "label": "junk"},
            ]
    (shub / "lines.jsonl.gz").write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in rows).encode()))
    (shub / "ground-truth.json").write_text(json.dumps({p: {"articleBody": body, "url": ""} for p in pages}))
    (shub / "split.json").write_text(json.dumps({"train": list(pages), "test": []}))
    return root


def test_generator_is_deterministic_and_labels_every_block(corpus):
    slots = {"number": ["3"], "brand": ["Acme"]}
    sources = Sources(own_articles(corpus), read_templates(corpus, slots), slots, [])
    first = list(Generator(sources, seed=3).documents(sources.articles, per_article=2))
    again = list(Generator(sources, seed=3).documents(sources.articles, per_article=2))
    assert first == again
    assert all(len(e.labels) == len(e.doc.blocks) for e in first)
    labels = {l for e in first for l in e.labels}
    assert "article" in labels and labels & {"ad", "comments"}
    assert not any("{" in b.text for e in first for b in e.doc.blocks)


def test_generated_subheadings_are_phrases_of_their_paragraph_not_fragments():
    generator = Generator(Sources([], [], {}, []), seed=1)
    text = "Every lake contained plastic fibres and fragments, most of them smaller than a grain of sand."
    headings = {generator.heading(text) for _ in range(40)}
    assert len(headings) > 3
    for heading in headings:
        words = heading.lower().split()
        assert 2 <= len(words) <= 5 and " ".join(words) in text.lower()
        assert words[0] not in {"of", "and", "than", "a", "most"} and words[-1] not in {"of", "and", "than", "a", "them"}
        assert not ("fragments" in words and "most" in words)  # never across the comma
    assert generator.heading("Too short, in all.") is None


def test_a_short_first_or_last_sentence_is_set_apart_as_its_own_paragraph():
    generator = Generator(Sources([], [], {}, []), seed=2)
    text = "The ferry is cancelled. High winds are forecast for the whole coast until Thursday night. Schools stay open."
    parts = {generator.set_apart(text) for _ in range(20)}
    assert parts == {("The ferry is cancelled.", text[24:]), (text[:-19], "Schools stay open.")}
    long_ends = "The ferry between the islands is cancelled for the rest of the week. Winds of up to ninety miles an hour are forecast along the coast."
    assert generator.set_apart(long_ends) == (long_ends,)
    # No cut after an abbreviation or a number, nor inside a quotation.
    assert generator.set_apart("Dr. Lee said it was fine. The ferry sails at 10 a.m. on weekdays and later on Sundays.") == (
        "Dr. Lee said it was fine.", "The ferry sails at 10 a.m. on weekdays and later on Sundays.")
    quoted = "\u201cWe had no choice. The storm was too strong for the boat and the crew,\u201d the captain said."
    assert generator.set_apart(quoted) == (quoted,)


def test_set_apart_sentences_are_for_training_documents_only(corpus):
    """The held-out generator (apart=0) draws nothing for them: its documents stay as they were."""
    slots = {"number": ["3"], "brand": ["Acme"]}
    sources = Sources(own_articles(corpus), read_templates(corpus, slots), slots, [])
    plain = list(Generator(sources, seed=5).documents(sources.articles, per_article=2))
    apart = list(Generator(sources, seed=5, apart=1.0).documents(sources.articles, per_article=2))
    texts = lambda docs: {b.text for e in docs for b, l in zip(e.doc.blocks, e.labels) if l == "article"}
    assert "Boats returned by the afternoon." in texts(plain)  # a paragraph of its own already
    assert "The harbour of town 3 reopened on Tuesday after repairs." in texts(plain)
    assert plain != apart


def test_another_story_is_another_article_of_the_same_language():
    """Where all articles of a language are ours (one topic), the other story is another of
    them: never a paragraph of the article itself, labelled off-topic, nor an English one."""
    articles = [Article(f"de-{k}", "own", "de", f"Titel {k}", (f"Absatz {k} eins.", f"Absatz {k} zwei.")) for k in range(3)]
    articles.append(Article("bbc/business/001", "business", "en", "Shares", ("Shares fell.",)))
    generator = Generator(Sources(articles, [], {}, []), seed=4)
    for _ in range(50):
        texts = [t for t, _ in generator.other_story(articles[0])]
        assert texts and all(t.startswith(("Absatz 1", "Absatz 2", "Titel 1", "Titel 2")) for t in texts), texts
    assert Generator(Sources(articles[:1], [], {}, []), seed=4).other_story(articles[0]) == []


def test_split_by_hash_is_stable_and_about_a_fifth():
    keys = [f"bbc/sport/{k:03d}" for k in range(1000)]
    share = sum(map(heldout, keys)) / len(keys)
    assert 0.15 < share < 0.25
    assert [heldout(k) for k in keys] == [heldout(k) for k in keys]


def test_training_sets_hold_out_articles_and_templates(corpus, tmp_path):
    sets = training_sets(corpus, None)
    train_groups = {e.group for e in sets.train}
    assert train_groups.isdisjoint({e.group for e in sets.heldout})


def test_the_validation_split_comes_from_training_articles_and_leaves_the_test_split_out(corpus, tmp_path):
    sets = training_sets(corpus, None, validation=True)
    groups = {e.group for e in sets.train} | {e.group for e in sets.heldout}
    assert not any(heldout(g) for g in groups)  # no test-split article in either
    assert {e.group for e in sets.heldout} == {"en-11"}  # the one training article of the validation share
    assert "en-11" not in {e.group for e in sets.train}


def test_the_validation_pages_junk_is_never_inserted_into_training_documents(corpus, tmp_path):
    pages = [f"p{k}" for k in range(12)]
    sets = training_sets(corpus, write_data(tmp_path / "data", pages), validation=True)
    measured = {e.group.removeprefix("scrapinghub/") for e in sets.scrapinghub_test}
    assert measured and measured < set(pages)
    inserted = {b.text.split()[2] for e in sets.train if not e.group.startswith("scrapinghub/")
                for b in e.doc.blocks if "Fakebook" in b.text}
    assert inserted and inserted.isdisjoint(measured)


@pytest.mark.parametrize("record, message", [
    ({"blocks": "x"}, "'blocks' list"),
    ({"blocks": [{"text": "a", "label": "weather"}]}, "label 'weather'"),
    ({"blocks": [{"text": "two\nlines", "label": "article"}]}, "one non-blank line"),
    ({"blocks": [{"label": "article"}]}, "needs a 'text'"),
])
def test_malformed_records_say_what_and_where(record, message):
    with pytest.raises(CorpusError, match=message) as error:
        example_from_record(record, where="docs.jsonl:7")
    assert "docs.jsonl:7" in str(error.value)


def test_bad_corpus_files_are_named_with_line_numbers(tmp_path):
    write_jsonl(tmp_path / "d.jsonl", [{"blocks": [{"text": "a", "label": "article"}]}, "{not json"])
    with pytest.raises(CorpusError, match=r"d.jsonl:2: not JSON"):
        read_examples(tmp_path / "d.jsonl")
    write_jsonl(tmp_path / "c" / "junk" / "x.jsonl", [{"id": "x", "category": "spam", "lines": ["a"]}])
    with pytest.raises(CorpusError, match=r"x.jsonl:1: category 'spam'"):
        read_templates(tmp_path / "c", {})
    with pytest.raises(CorpusError, match="no junk templates"):
        read_templates(tmp_path / "empty", {})


@pytest.mark.parametrize("name, content, message", [
    ("junk/ad.jsonl", b'["x"]', r"junk/ad.jsonl:7: expected a JSON object, not list"),
    ("junk/ad.jsonl", b'{"category": "ad", "lines": ["Buy"]}', r"junk/ad.jsonl:7: a template needs an 'id'"),
    ("junk/ad.jsonl", b'{"id": "ad-x", "category": "ad", "lines": ["Caf\xe9"]}', r"junk/ad.jsonl:7: not UTF-8"),
    ("junk/ad.jsonl", b'{"id": "ad-x", "category": "ad", "lines": ["Visit {sitee}"]}',
     r"junk/ad.jsonl:7: placeholder \{sitee\} is not defined in slots.json"),
    ("slots.json", b'["site"]', r"slots.json: expected an object"),
    ("slots.json", b'{"site": 5}', r"slots.json: 'site' must be a non-empty list of strings"),
    ("hard_negatives.jsonl", b'["x"]', r"hard_negatives.jsonl:1: expected a JSON object"),
    ("articles/en.jsonl", b'{"id": "en-x", "title": "T", "paragraphs": "One paragraph."}',
     r"articles/en.jsonl:13: an article needs .* 'paragraphs', a list of strings"),
])
def test_malformed_corpus_files_are_refused_with_file_line_and_reason(corpus, name, content, message):
    path = corpus / name
    if path.suffix == ".jsonl":
        content = (path.read_bytes() if path.exists() else b"") + content + b"\n"
    path.write_bytes(content)
    with pytest.raises(CorpusError, match=message):
        training_sets(corpus, None)


def test_corpus_readme_lists_every_file_of_the_corpus():
    root = Path(__file__).parent.parent / "corpus"
    readme = (root / "README.md").read_text(encoding="utf-8")
    for path in root.iterdir():
        if path.name != "README.md":
            assert f"| `{path.name}" in readme, f"corpus/README.md does not list {path.name}"


def test_clean_train_on_an_empty_corpus_says_what_is_wrong(tmp_path):
    (tmp_path / "corpus").mkdir()
    result = CliRunner().invoke(main, ["train", "--corpus", str(tmp_path / "corpus"), "--data",
                                       str(write_data(tmp_path / "data")), "-o", str(tmp_path / "m.skops")])
    assert result.exit_code == 1
    assert "slots.json: No such file or directory" in result.output
    assert not (tmp_path / "m.skops").exists()


def test_metrics_on_a_hand_worked_case():
    doc = example_from_record({"blocks": [
        {"text": "Title", "label": "article"}, {"text": "Body text.", "label": "article"},
        {"text": "Leave a Reply", "label": "comments"}, {"text": "Share", "label": "social"},
    ]}, where="t")
    # predicted: one article lost (as ad), the comment caught, the share missed
    m = metrics([doc], [("article", "ad", "comments", "article")])
    assert (m["junk_precision"], m["junk_recall"], m["junk_f1"]) == (0.5, 0.5, 0.5)
    assert m["article_retention"] == 0.5 and m["perfect_documents"] == 0.0
    assert m["categories"]["comments"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}
    assert m["categories"]["social"]["recall"] == 0.0


def test_train_save_load_clean_round_trip(corpus, tmp_path):
    from cleaner import Cleaner, Config
    from cleaner import model as model_io
    from cleaner.train import train

    model, results = train(corpus, None, seed=0)
    assert set(results) == {"heldout_generated"}
    path = tmp_path / "tiny.skops"
    model_io.save(model, path)
    card = json.loads(model_io.card_path(path).read_text())
    assert card["sha256"] == model_io.sha256(path) and card["metrics"] == results
    # the versions and the BLAS kernel that the model's bytes depend on
    assert card["numpy"] == numpy.__version__ and card["scipy"] == scipy.__version__ and card["blas"]
    result = Cleaner(Config(model_path=path)).clean("Story about the harbour\n\nLeave a comment\n\nThe harbour reopened.")
    assert result.blocks == 3
    again, _ = train(corpus, None, seed=0)
    model_io.save(again, tmp_path / "again.skops")
    assert (tmp_path / "again.skops").read_bytes() == path.read_bytes()


def test_scrapinghub_pages_go_through_the_html_path_labelled_by_the_true_body(tmp_path):
    paragraphs = [
        "The harbour of the old town reopened on Tuesday after two years of repairs.",
        "Fishing boats returned in the afternoon, and the market opened again at dusk.",
        "The mayor said the work had cost less than planned and finished a month early.",
    ]
    html = (
        "<html><body><article><h1>Harbour reopens</h1>" + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "<p>Sign up for our daily newsletter and never miss a story again</p></article></body></html>"
    )
    root = tmp_path / "scrapinghub"
    (root / "html").mkdir(parents=True)
    (root / "html" / "p1.html.gz").write_bytes(gzip.compress(html.encode()))
    (root / "ground-truth.json").write_text(json.dumps({"p1": {"articleBody": "\n".join(paragraphs), "url": ""}}))
    (root / "split.json").write_text(json.dumps({"train": ["p1"], "test": []}))
    [page] = scrapinghub_html_pages(root, split="train")
    labels = dict(zip((b.text for b in page.doc.blocks), page.labels))
    assert all(labels[p] == "article" for p in paragraphs)
    assert labels["Sign up for our daily newsletter and never miss a story again"] == JUNK
    assert page.doc.kind == "html" and len(page.doc.cues) == len(page.doc.blocks)


def test_fit_takes_documents_of_one_article_and_of_few_words():
    from cleaner.corpus import Example
    from cleaner.features import DENSE_NAMES, block_features
    from cleaner.segment import segment_text
    from cleaner.train import fit

    texts = [
        "The harbour reopened on Tuesday.\n\nLeave a comment\n\nShare on X\n\nBoats returned to the harbour.",
        "The harbour market opened again.\n\nNo comments yet\n\nShare this story\n\nThe boats are back.",
        "Repairs to the harbour took a year.\n\nJoin the discussion\n\nFollow us\n\nBoats fill the harbour.",
    ]
    labels = ("article", "comments", "social", "article")
    examples = [Example(f"d{k}", segment_text(t), labels, "one-article") for k, t in enumerate(texts)]
    model = fit(examples)
    _, dense, _ = block_features([e.doc for e in examples], model.idf, model.topics)
    assert model.topics.components.shape[0] >= 1  # from "harbour" and "boat", in every document
    assert (dense[:, DENSE_NAMES.index("topic_coherence")] > -1).any()


def test_the_first_pass_learns_no_junk_words_from_off_topic_blocks():
    from cleaner.corpus import Example
    from cleaner.features import WORD_FEATURES, _hashes
    from cleaner.segment import segment_text
    from cleaner.train import fit

    # "zebras" is only ever in off-topic blocks: learned as junk, prose about zebras would be junk
    texts = [
        "The harbour reopened.\n\nZebras graze the savanna at dawn.\n\nShare on X\n\nLeave a reply\n\nBoats returned.",
        "The harbour market opened.\n\nHerds of zebras crossed the river.\n\nFollow us\n\nNo comments yet\n\nBoats are back.",
        "The harbour repairs took a year.\n\nZebras drink at the waterhole.\n\nShare this\n\nJoin the discussion\n\nBoats fill it.",
    ]
    labels = ("article", "offtopic", "social", "comments", "article")
    model = fit([Example(f"d{k}", segment_text(t), labels, f"a{k}") for k, t in enumerate(texts)])
    column = int(_hashes(["zebras"])[0] % WORD_FEATURES)
    assert model.junk.coef_[0, column] == 0
    # the category model still learns it: the report names off-topic blocks as such
    assert model.category.coef_[list(model.category.classes_).index("offtopic"), column] > 0


def test_the_heldout_documents_written_by_train_are_measured_alike_by_eval_with_their_errors(corpus, tmp_path):
    model, heldout = tmp_path / "m.skops", tmp_path / "heldout.jsonl"
    data = write_data(tmp_path / "data")  # no BBC article, no scrapinghub page
    trained = CliRunner().invoke(main, ["train", "--corpus", str(corpus), "--data", str(data),
                                        "-o", str(model), "--write-heldout", str(heldout)])
    assert trained.exit_code == 0, trained.output
    measured = json.loads(trained.stdout[: trained.stdout.rindex("}") + 1])["heldout_generated"]
    evaluated = CliRunner().invoke(main, ["eval", str(heldout), "--model", str(model), "--json"])
    assert json.loads(evaluated.stdout)[str(heldout)] == measured
    listed = CliRunner().invoke(main, ["eval", str(heldout), "--model", str(model), "--errors"]).stdout.splitlines()
    articles = measured["blocks"] - measured["junk_blocks"]
    lost = round(articles * (1 - measured["article_retention"]))
    missed = round(measured["junk_blocks"] * (1 - measured["junk_recall"]))
    assert sum(line.startswith("lost ") for line in listed) == lost
    assert sum(line.startswith("kept ") for line in listed) == missed
    assert lost + missed > 0  # a tiny model errs: the listing is tested on something
