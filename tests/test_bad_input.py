"""Bad input (issue 6): each input gives a clear error of its own or a correct result, the run
goes on, nothing is lost, inputs are never modified and nothing is written outside -o.

`test_a_folder_of_bad_inputs` runs the CLI over one file of every bad kind beside good ones and
prints the count table (`pytest -s`). The last tests are the gaps these tests found in run.py
(symbolic link loops, FIFOs, dotted and long names, nested JSON, surrogates, malformed URLs …).
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import json
import os
import random
import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleaner import Config, InputError, restore
from cleaner.cli import main
from cleaner.pipeline import prepare
from cleaner.read import decode, looks_like_html, to_text
from cleaner.run import Failure, Report, Sink, find_inputs, jsonl_docs, run, stdin_events
from cleaner.segment import segment_text

#: A limit small enough for the over-the-limit inputs to stay small.
MAX_BYTES = 50_000
ARTICLE = (
    "The city council approved next year's budget on Monday evening after a debate that lasted "
    "more than four hours, with most of the new money going to schools.\n\n"
    "The mayor said the plan would keep property taxes flat for a third year.\n\n"
    "Leave a Reply\n"
)
PAGE = (
    "<html><head>{meta}<title>Council approves budget</title></head><body><article>"
    "<p>The city council approved next year's budget on Monday evening after a debate that "
    "lasted more than four hours, with most of the new money going to schools: {word}.</p>"
    "<p>The mayor said the plan would keep property taxes flat for a third year.</p>"
    "<p>Leave a Reply</p></article></body></html>"
)


def page(word: str = "déjà vu", meta: str = "") -> str:
    return PAGE.format(word=word, meta=meta)


def nested(depth: int) -> str:
    return (
        "<html><body><p>The council met on Monday to approve the budget for next year.</p>"
        + "<div>" * depth + "<p>The deepest paragraph of the page, which must not vanish.</p>" + "</div>" * depth
        + "<p>The meeting ended late in the evening.</p></body></html>"
    )


@pytest.fixture()
def model_once(monkeypatch, cleaner):
    """CLI runs reuse the session's model instead of loading it again (seconds each)."""
    monkeypatch.setattr("cleaner.model.load", lambda path: cleaner.model)


def invoke(*args: str):
    return CliRunner().invoke(main, [*args, "--jobs", "1", "--max-bytes", str(MAX_BYTES)])


def snapshot(folder: Path) -> dict[str, tuple[int, int, str]]:
    """Mode, mtime and content digest of every path under `folder`, links not followed."""
    out = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if stat.S_ISREG(info.st_mode) else ""
        out[str(path.relative_to(folder))] = (info.st_mode, info.st_mtime_ns, digest)
    return out


# --- the folder of bad inputs, with its count table ------------------------------------------

# (a line of bad.jsonl, who refuses it: the JSONL "reader" or the "cleaner", the failure);
# (line, None, None) when it is cleaned or, blank, skipped.
JSONL_LINES: list[tuple[bytes, str | None, str | None]] = [
    (json.dumps({"id": "ok", "text": ARTICLE}).encode(), None, None),
    (b'{"id": "broken", "text": "no closing quote', "reader", "malformed JSON line"),
    (b'{"id": "number", "text": 5}', "reader", "record has no 'text' or 'html' string"),
    (b'{"id": "list", "text": ["a", "b"]}', "reader", "record has no 'text' or 'html' string"),
    (b'{"id": "null", "text": null}', "reader", "record has no 'text' or 'html' string"),
    (b'["a", "record", "that", "is", "a", "list"]', "reader", "a JSONL record must be an object"),
    (b'{"id": "latin", "text": "caf\xe9"}', "reader", "malformed JSON line: 'utf-8' codec can't decode byte 0xe9"),
    (b"", None, None),  # a line of 0 bytes: no record
    (b"   \t", None, None),
    (json.dumps({"id": "huge", "text": "x " * 30_000}).encode(), "cleaner",
     f"input of 60,000 characters is over the limit of {MAX_BYTES:,} (see --max-bytes)"),
    (b'{"id": "nul", "text": "a\\u0000b"}', "cleaner", "binary data (NUL bytes), not text or HTML"),
    (json.dumps({"id": "../../etc/x", "text": ARTICLE}).encode(), None, None),
    (json.dumps({"id": "/abs/path", "text": ARTICLE}).encode(), None, None),
    (json.dumps({"id": "a\x00b", "text": ARTICLE}).encode(), None, None),
    (json.dumps({"id": "i" * 10_000, "text": ARTICLE}).encode(), None, None),
    (b'{"id": "surrogate", "text": "A lone \\ud800 surrogate in a scraped article."}', None, None),
    (json.dumps({"id": "page", "html": page()}).encode(), None, None),
    (json.dumps({"id": "empty", "text": ""}).encode(), None, None),
    (b"\x00\x01\x02\xff", "reader", "malformed JSON line"),
]


def record_name(file: str, number: int, line: bytes) -> str:
    """How a run names a record the cleaner refused: by its line number, then a short repr of its id."""
    return f"{file}:{number} (id {repr(json.loads(line)['id'])[:80]})"


def jsonl_failures(file: str) -> dict[str, str]:
    """The failures of JSONL_LINES in `file`, by the name each is reported under."""
    return {
        f"{file}:{number}" if by == "reader" else record_name(file, number, line): failure
        for number, (line, by, failure) in enumerate(JSONL_LINES, 1)
        if by and failure
    }


def bad_folder(root: Path, seeds: Path) -> tuple[dict[str, bytes], dict[str, str]]:
    """Write one file of each bad kind beside good ones; returns the files and the failure
    each bad input must give, by the name it is reported under (relative to `root`)."""
    rng = random.Random(6)
    files: dict[str, bytes] = {
        "good.txt": (seeds / "000_0e212c8f3092974b.txt").read_bytes(),
        "page.html": page().encode(),
        "good.jsonl": b"\n".join(json.dumps({"id": k, "text": ARTICLE}).encode() for k in "ab") + b"\n",
        "random.txt": rng.randbytes(4096),
        "image.html": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(200),
        "high-bytes.txt": bytes(rng.randrange(0xA0, 0x100) for _ in range(300)),  # garbage in, garbage out
        "invalid-utf8.txt": ARTICLE.replace("schools", "écoles déjà").encode() + b"Stray \xff\xfe bytes.\n",
        "cp1252.txt": ARTICLE.replace("Monday", "\u201cMonday\u201d \u2014 caf\u00e9").encode("cp1252"),
        "utf16.txt": ARTICLE.encode("utf-16"),
        "crlf.txt": ARTICLE.replace("\n", "\r\n").encode(),
        "latin1-declared.html": page("été", '<meta charset="iso-8859-1">').encode("latin-1"),
        "utf8-declared-latin1.html": page("été", '<meta charset="iso-8859-1">').encode("utf-8"),
        "cp1252-undeclared.html": page("été").encode("cp1252"),
        "shift-jis.html": page("日本語", '<meta http-equiv="Content-Type" content="text/html; charset=shift_jis">')
        .encode("shift_jis"),
        "xhtml.html": b'<?xml version="1.0" encoding="iso-8859-1"?>\n' + page("été").encode("latin-1"),
        "too-big.txt": b"word " * (MAX_BYTES // 5) + b"!",
        "bomb.txt.gz": gzip.compress(b"word " * MAX_BYTES),
        "not-gzip.html.gz": page().encode(),
        "deep.html": nested(2000).encode(),
        "truncated.html": page().encode()[:300],
        "script-only.html": b"<html><head><script>var a;</script></head><body><script>go()</script></body></html>",
        "no-text.html": b"<html><body><div><img src='a.png'></div><br><hr></body></html>",
        "empty.txt": b"",
        "empty-page.html": b"",
        "empty.jsonl": b"",
        "bad.jsonl": b"\n".join(line for line, _, _ in JSONL_LINES) + b"\n",
        "-dash.txt": ARTICLE.encode(),
        ".hidden.txt": ARTICLE.encode(),
        "spa ce é 日本.txt": ARTICLE.encode(),
        "n" * 196 + ".txt": ARTICLE.encode(),  # long, but its outputs and their temporaries fit in 255 bytes
        "dossier/été/a.txt": ARTICLE.encode(),
        os.fsdecode(b"caf\xe9.txt"): ARTICLE.encode(),  # a name that is not UTF-8
        os.fsdecode(b"bin\xff.txt"): b"\x00\x01\x02",
    }
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    (root / "dangling.txt").symlink_to(root / "nowhere.txt")
    (root / "escape.txt").symlink_to(seeds / "001_2b34cc51d8830686.txt")
    failures = {
        "random.txt": "binary data (NUL bytes), not text or HTML",
        "image.html": "binary data (NUL bytes), not text or HTML",
        "too-big.txt": f"over the size limit of {MAX_BYTES:,} bytes (see --max-bytes)",
        "bomb.txt.gz": f"over the size limit of {MAX_BYTES:,} bytes (see --max-bytes)",
        "not-gzip.html.gz": "cannot read: Not a gzipped file",
        "dangling.txt": "cannot read: No such file or directory",
        "escape.txt": "symbolic link out of the input folder (use --follow-links)",
        os.fsdecode(b"bin\xff.txt"): "binary data (NUL bytes), not text or HTML",
    }
    return files, failures | jsonl_failures("bad.jsonl")


def documents_of(files: dict[str, bytes], failures: dict[str, str]) -> dict[tuple[str, str], bytes | str]:
    """Each document that must be cleaned, by (its output file, its JSONL id or "")."""
    docs: dict[tuple[str, str], bytes | str] = {}
    for name, content in files.items():
        if name in failures:
            continue
        if name.endswith(".jsonl"):
            for number, line in enumerate(content.splitlines(), 1):
                if not line.strip() or f"{name}:{number}" in failures or record_name(name, number, line) in failures:
                    continue
                record = json.loads(line)
                docs[(name, str(record["id"]))] = record.get("html", record.get("text"))
        else:
            stem = name.removesuffix(".gz").rsplit(".", 1)[0]
            docs[(stem + ".txt", "")] = gzip.decompress(content) if name.endswith(".gz") else content
    return docs


def outputs(out: Path) -> dict[tuple[str, str], tuple[str, dict]]:
    """(clean text, report) of every document written under `out`, keyed as in documents_of."""
    results = {}
    for path in sorted(out.rglob("*")):
        rel = str(path.relative_to(out))
        if path.suffix == ".txt":
            text = path.read_text(encoding="utf-8")
            report = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
            results[(rel, "")] = (text.removesuffix("\n"), report)
        elif path.suffix == ".jsonl":
            for line in path.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                results[(rel, str(record["id"]))] = (record["text"], record["cleaner"])
    return results


def lost(original: str | bytes, text: str, report: dict) -> bool:
    """True when the clean text and its report do not give back the document's block sequence
    (and, for plain text, every non-space character of the input)."""
    doc = prepare(original, config=Config(max_bytes=MAX_BYTES))
    restored = restore(text, report)
    if restored != doc.separator.join(b.text for b in doc.blocks):
        return True
    return doc.kind == "text" and restored.split() != to_text(original).split()


def test_a_folder_of_bad_inputs(tmp_path, seeds, model_once):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    files, failures = bad_folder(src, seeds)
    before, around = snapshot(src), {p.name for p in tmp_path.iterdir()}

    result = invoke(str(src), "-o", str(out))

    assert result.exit_code == 1, result.output
    assert snapshot(src) == before  # inputs are never modified
    assert {p.name for p in tmp_path.iterdir()} == around | {"out"}  # nothing written beside -o
    assert not Path("/abs/path").exists()
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    for name, reason in failures.items():
        shown = f"error: {src / name}: {reason}".encode("utf-8", "backslashreplace").decode()  # as stderr shows it
        assert shown in result.stderr, name
    assert len(errors) == len(failures)  # one line each, and no other

    docs, written = documents_of(files, failures), outputs(out)
    assert set(written) == set(docs)
    text_lost = sorted(key for key, (text, report) in written.items() if lost(docs[key], text, report))
    assert text_lost == []

    def text(name: str, record: str = "") -> str:
        return written[(name, record)][0]

    assert "écoles déjà" in text("invalid-utf8.txt")  # the UTF-8 around stray bytes survives
    assert "\u201cMonday\u201d \u2014 café" in text("cp1252.txt")
    for name in ("latin1-declared", "utf8-declared-latin1", "cp1252-undeclared", "xhtml"):
        assert "schools: été." in text(f"{name}.txt") and written[(f"{name}.txt", "")][1]["kind"] == "html", name
    assert "schools: 日本語." in text("shift-jis.txt")
    assert "The deepest paragraph of the page, which must not vanish." in text("deep.txt")
    assert written[("deep.txt", "")][1]["notes"] == [lifted_note(2000 - 253)]
    assert "A lone \ufffd surrogate" in text("bad.jsonl", "surrogate")
    for name in ("script-only.txt", "no-text.txt", "empty.txt", "empty-page.txt"):
        assert text(name) == "" and written[(name, "")][1]["notes"], name
    crlf = written[("crlf.txt", "")][1]["removed"]
    assert [ARTICLE.replace("\n", "\r\n")[r["start"] : r["end"]] for r in crlf] == [r["text"] for r in crlf]
    assert (out / "empty.jsonl").read_bytes() == b""

    inputs = len(files) + 2  # and the two links
    documents = sum(not n.endswith(".jsonl") for n in files) + 2 + sum(
        1 for n in ("good.jsonl", "bad.jsonl") for line in files[n].splitlines() if line.strip())
    assert documents == len(written) + len(errors)  # every document is cleaned or named
    rows = [
        ("input files (2 of them symbolic links, 3 JSONL)", inputs),
        ("documents: files + non-blank JSONL lines (2 blank lines skipped)", documents),
        ("failures reported (exit status 1)", len(errors)),
        ("documents cleaned", len(written)),
        ("text lost: restore(clean text, report) != the input's blocks", len(text_lost)),
    ]
    print("\n\n| bad-input run | count |\n|---|---:|")
    print("\n".join(f"| {label} | {count} |" for label, count in rows))
    print("\nfailures:\n" + "\n".join(line.replace(str(src) + "/", "") for line in errors))


# --- reading: encodings and binary ------------------------------------------------------------

RUSSIAN = ("Городской совет в понедельник утвердил новый бюджет после долгих споров о "
           "финансировании школ и ремонте дорог.")
JAPANESE = "市議会は月曜日、学校の資金と道路の補修について長い議論を行った後、新しい予算を承認した。"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (codecs.BOM_UTF16_BE + "hé ok".encode("utf-16-be"), "hé ok"),
        ("hé ok".encode("utf-32"), "hé ok"),
        (codecs.BOM_UTF8 + "hé ok".encode(), "hé ok"),
        ("été à Paris".encode("latin-1"), "été à Paris"),
        ("Prices \u2018rose\u2019 \u20ac5".encode("cp1252"), "Prices \u2018rose\u2019 \u20ac5"),
        ("déjà, ".encode() + "déjà".encode("cp1252"), "déjà, déjà"),  # UTF-8 with a cp1252 part
        (b'<meta charset="windows-1251"><p>' + "Привет".encode("cp1251"), '<meta charset="windows-1251"><p>Привет'),
        (b'<meta charset="latin-1"><p>' + "été".encode(), '<meta charset="latin-1"><p>été'),  # UTF-8 wins
        (b'<?xml encoding="koi8-r"?><p>' + "да".encode("koi8-r"), '<?xml encoding="koi8-r"?><p>да'),
        # no charset, or a wrong one, on another script: guessed, not read as cp1252
        (("<p>" + RUSSIAN + "</p>").encode("cp1251"), "<p>" + RUSSIAN + "</p>"),
        (('<meta charset="utf-8"><p>' + RUSSIAN).encode("koi8-r"), '<meta charset="utf-8"><p>' + RUSSIAN),
        (("<p>" + JAPANESE + "</p>").encode("shift_jis"), "<p>" + JAPANESE + "</p>"),
    ],
)
def test_decode_legacy_and_declared_encodings(data, expected):
    assert decode(data) == expected


@pytest.mark.parametrize(
    "charset",
    ["utf-16", "UTF-16LE", "utf-32", "utf-7", "punycode", "idna", "unicode_escape", "base64", "rot13", "undefined",
     "x-no-such"],
)
@pytest.mark.parametrize("tail", [b"", b"!"])  # odd and even lengths: UTF-16 decodes only one
def test_a_declared_charset_that_is_no_web_encoding_is_ignored(charset, tail):
    body = f'<meta charset="{charset}"><p>caf'.encode() + b"\xe9 \\u0041 +AGE- xn--caf-dma" + tail
    assert decode(body) == f'<meta charset="{charset}"><p>café \\u0041 +AGE- xn--caf-dma' + tail.decode()


def test_binary_and_undecodable_give_a_clear_error():
    with pytest.raises(InputError, match="binary data"):
        decode(random.Random(1).randbytes(1000))
    with pytest.raises(InputError, match="binary data \\(NUL bytes\\)"):
        decode("UTF-16 without a BOM".encode("utf-16-le"))
    with pytest.raises(InputError, match="binary data \\(control characters\\)"):
        to_text("\x1b[31m" * 20 + "coloured")
    # a stray NUL in a page of text is dropped, not the page
    page = "<html><body><p>" + ARTICLE.replace("schools", "sch\x00ools") + "</p></body></html>"
    assert decode(page.encode()) == page.replace("\x00", "")


def test_lone_surrogates_become_replacement_characters():
    assert to_text("a \ud800 b \udfff") == "a \ufffd b \ufffd"
    assert to_text("an emoji \U0001f600 stays") == "an emoji \U0001f600 stays"


def test_xhtml_with_an_xml_declaration_or_a_bom_is_html():
    assert looks_like_html('<?xml version="1.0"?>\n<!DOCTYPE html><html><body></body></html>')
    assert looks_like_html("\ufeff<html><body><p>x</p></body></html>")


def test_crlf_and_cr_offsets_point_into_the_input():
    for text in ("Title\r\n\r\nFirst para.\r\n  • bullet\r\n", "Old Mac\rtext\r\rhere", "a\r\r\nb\n\rc"):
        doc = segment_text(text)
        assert doc.text == text
        assert all(text[b.start : b.end] == b.text for b in doc.blocks)
    assert [b.text for b in segment_text("Old Mac\rtext\r\rhere").blocks] == ["Old Mac", "text", "here"]


# --- HTML -------------------------------------------------------------------------------------


def lifted_note(elements: int) -> str:
    """The report's note on a page nested past the parser's limit, whose text is all kept."""
    return (f"HTML nested more than 255 levels deep (unclosed tags?): {elements:,} elements deeper than that "
            "were lifted up to level 255, their text kept")


@pytest.mark.parametrize("depth", [300, 2000])
def test_html_nested_past_the_parser_limit_is_flattened_not_cut(depth):
    doc = prepare(nested(depth), config=Config())
    assert [b.text for b in doc.blocks] == [
        "The council met on Monday to approve the budget for next year.",
        "The deepest paragraph of the page, which must not vanish.",
        "The meeting ended late in the evening.",
    ]
    assert doc.notes == (lifted_note(depth - 253),)  # the divs and the paragraph below level 255


@pytest.mark.parametrize("depth", [5000, 500_000])  # 500,000: a chain of 5.5 MB
def test_html_nested_past_the_hard_limit_is_cut_with_a_note(depth):
    doc = prepare(nested(depth), config=Config())
    assert [b.text for b in doc.blocks] == ["The council met on Monday to approve the budget for next year."]
    cut = ("HTML nested more than 2047 levels deep (unclosed tags?): the parser stops there, on line 1 of 1, "
           "so the rest of the page is cut; 1,792 elements deeper than 255 levels were lifted up to that level")
    assert doc.notes == (cut,)


def test_an_article_with_unclosed_tags_in_its_footer_keeps_its_paragraphs(cleaner):
    paragraphs = [
        "The city council approved next year's budget on Monday evening after a four-hour debate.",
        "Most of the new money goes to schools, which will hire forty teachers and repair three buildings.",
        "The mayor said the plan would keep property taxes flat for a third year in a row.",
        "Opponents argued that the road repairs promised last spring had been postponed once again.",
        "The budget takes effect in January, after a second reading at the council's next meeting.",
    ]
    html = ("<html><head><title>Council approves budget</title></head><body><article>"
            + "".join(f"<p>{p}</p>" for p in paragraphs)
            + "</article><footer>" + "<div>" * 300 + "<p>Contact us | Privacy policy</p></footer></body></html>")
    result = cleaner.clean(html)
    assert result.text.split("\n") == paragraphs
    assert result.notes == (lifted_note(48),)


def test_html_nested_below_the_limit_keeps_its_deepest_text():
    texts = [b.text for b in prepare(nested(200), config=Config()).blocks]
    assert "The deepest paragraph of the page, which must not vanish." in texts
    assert texts[-1] == "The meeting ended late in the evening."


def test_truncated_script_only_and_textless_html(cleaner):
    truncated = cleaner.clean(page()[:330])
    assert truncated.kind == "html" and "The city council approved" in truncated.text
    for html in ("<html><head><script>x()</script></head><body><script>y()</script></body></html>",
                 "<html><body><style>p {}</style><div><img src=a.png></div></body></html>", "<html></html>"):
        result = cleaner.clean(html)
        assert result.text == "" and result.blocks == 0
        assert result.notes == ("no text found in the HTML (empty, only scripts or markup, or all page boilerplate)",)
    assert cleaner.clean(b"").notes == ("empty input: no text to clean",)


def test_size_limit_messages():
    config = Config(max_bytes=100)
    with pytest.raises(InputError, match="input of 101 bytes is over the limit of 100 \\(see --max-bytes\\)"):
        prepare(b"x" * 101, config=config)
    with pytest.raises(InputError, match="input of 101 characters is over the limit of 100"):
        prepare("x" * 101, config=config)
    assert prepare(b"x" * 100, config=config).blocks[0].text == "x" * 100


# --- JSONL ------------------------------------------------------------------------------------


def events(lines: list[bytes]) -> list[tuple[str, str]]:
    out = []
    for event in jsonl_docs(lines, Sink("f.jsonl"), "f.jsonl"):
        out.append((event.name, event.reason) if isinstance(event, Failure) else (event.name, "doc"))
    return out


def test_jsonl_reader_names_every_bad_line_and_goes_on():
    got = dict(events([line + b"\n" for line, _, _ in JSONL_LINES]))
    for number, (line, by, failure) in enumerate(JSONL_LINES, 1):
        if by == "reader":
            assert got.pop(f"f.jsonl:{number}").startswith(failure), number
        elif line.strip():  # a record: cleaned, or refused by the cleaner later
            assert got.pop(record_name("f.jsonl", number, line)) == "doc", number
    assert got == {}  # blank lines give nothing, every other line exactly one event


def test_jsonl_ids_never_become_paths(tmp_path, model_once):
    ids = ["../../etc/x", "/abs/path", "a\x00b", "i" * 10_000, "-rf", ".", "..", "con", "x/y"]
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "ids.jsonl").write_text("\n".join(json.dumps({"id": i, "text": ARTICLE}) for i in ids) + "\n")
    result = invoke(str(src), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["ids.jsonl", "ids.jsonl", "in", "out"]
    assert [json.loads(line)["id"] for line in (out / "ids.jsonl").read_text().splitlines()] == ids


def test_stdin_jsonl_goes_on_past_bad_lines(model_once):
    data = b"\n".join([json.dumps({"id": 1, "text": ARTICLE}).encode(), b"{oops", b"[]", b'{"text": 2}',
                       json.dumps({"id": 2, "text": ARTICLE}).encode()])
    stdout, report = io.StringIO(), Report()
    run(stdin_events(io.BufferedReader(io.BytesIO(data)), stdout, report_path=None),
        config=Config(), jobs=1, report=report)
    assert [json.loads(line)["id"] for line in stdout.getvalue().splitlines()] == [1, 2]
    assert [name for name, _ in report.failures] == ["<stdin>:2", "<stdin>:3", "<stdin>:4"]


def test_stdin_binary_is_an_error_not_output(model_once):
    result = CliRunner().invoke(main, ["-", "--jobs", "1"], input=random.Random(2).randbytes(500))
    assert result.exit_code == 1
    assert "error: <stdin>: binary data" in result.stderr and result.stdout == ""


def test_a_file_named_like_an_option_is_cleaned_after_double_dash(tmp_path, monkeypatch, model_once):
    monkeypatch.chdir(tmp_path)
    Path("-o.txt").write_text(ARTICLE)
    result = CliRunner().invoke(main, ["-o", "out", "--jobs", "1", "--", "-o.txt"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in Path("out").iterdir()) == ["-o.json", "-o.txt"]


# --- files that cannot be read ----------------------------------------------------------------


def test_unreadable_file_is_named_and_skipped(tmp_path, model_once):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(ARTICLE)
    locked = src / "locked.txt"
    locked.write_text(ARTICLE)
    locked.chmod(0)
    try:
        try:
            locked.read_bytes()
        except PermissionError:
            pass
        else:
            pytest.skip("running as root: chmod 000 does not stop root from reading")
        result = invoke(str(src), "-o", str(tmp_path / "out"))
    finally:
        locked.chmod(0o644)
    assert result.exit_code == 1 and f"{locked}: cannot read: Permission denied" in result.stderr
    assert (tmp_path / "out" / "good.txt").is_file() and not (tmp_path / "out" / "locked.txt").exists()


def test_unreadable_file_simulated_for_root(tmp_path, monkeypatch, model_once):
    """The same as above where chmod cannot stop the reader: opening it fails as it would."""
    import builtins

    import cleaner.run

    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(ARTICLE)
    (src / "locked.txt").write_text(ARTICLE)

    def guarded(file, *args, **kwargs):
        if str(file).endswith("locked.txt"):
            raise PermissionError(13, "Permission denied", str(file))
        return builtins.open(file, *args, **kwargs)

    monkeypatch.setattr(cleaner.run, "open", guarded, raising=False)
    result = invoke(str(src), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1 and f"{src / 'locked.txt'}: cannot read: Permission denied" in result.stderr
    assert (tmp_path / "out" / "good.txt").is_file()


def test_symlink_loop_followed_is_named(tmp_path, model_once):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(ARTICLE)
    (src / "loop.txt").symlink_to(src / "loop.txt")
    result = invoke(str(src), "-o", str(tmp_path / "out"), "--follow-links")
    assert result.exit_code == 1
    assert f"{src / 'loop.txt'}: cannot read: Too many levels of symbolic links" in result.stderr
    assert (tmp_path / "out" / "good.txt").is_file()


# --- gaps of run.py found by these tests, and fixed ---------------------------------------------


def test_symlink_loop_is_named_and_the_run_goes_on(tmp_path, model_once):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(ARTICLE)
    (src / "loop.txt").symlink_to(src / "loop.txt")
    (src / "a.txt").symlink_to(src / "b.txt")
    (src / "b.txt").symlink_to(src / "a.txt")
    result = invoke(str(src), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1 and result.stderr.count("symbolic link loop") == 3
    assert (tmp_path / "out" / "good.txt").is_file()


def test_a_fifo_is_not_read(tmp_path):
    (tmp_path / "pipe.txt").unlink(missing_ok=True)
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "good.txt").write_text(ARTICLE)
    found = list(find_inputs([str(tmp_path)]))
    assert found[0] == (tmp_path / "good.txt", Path("good.txt"))
    assert isinstance(found[1], Failure) and "not a regular file" in found[1].reason


def test_an_unreadable_folder_is_named(tmp_path, monkeypatch):
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "a.txt").write_text(ARTICLE)
    real = os.scandir

    def scandir(path="."):  # chmod 000 cannot stop root: fail the listing as it would fail
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = list(find_inputs([str(tmp_path)]))
    assert any(isinstance(f, Failure) and "locked" in f.name and "Permission denied" in f.reason for f in found)


def test_dotted_names_keep_their_whole_name(tmp_path, model_once):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("report.2023.txt", "report.2024.txt", "v1.5.html", "crawl.2024.jsonl"):
        (src / name).write_text(json.dumps({"text": ARTICLE}) if name.endswith("jsonl") else ARTICLE)
    result = invoke(str(src), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "crawl.2024.jsonl", "report.2023.json", "report.2023.txt", "report.2024.json", "report.2024.txt",
        "v1.5.json", "v1.5.txt",
    ]


def test_names_near_the_length_limit_fail_alone(tmp_path, model_once):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(ARTICLE)
    long_txt, long_jsonl = "t" * 251 + ".txt", "j" * 249 + ".jsonl"
    (src / long_txt).write_text(ARTICLE)
    (src / long_jsonl).write_text(json.dumps({"text": ARTICLE}) + "\n")
    result = invoke(str(src), "-o", str(tmp_path / "out"))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1 and result.stderr.count("File name too long") == 1  # only t…t.json cannot exist
    assert (tmp_path / "out" / "good.txt").is_file() and (tmp_path / "out" / long_jsonl).is_file()


def test_a_truncated_gzip_file_is_named(tmp_path, model_once):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(ARTICLE)
    (src / "cut.txt.gz").write_bytes(gzip.compress(ARTICLE.encode())[:-12])
    result = invoke(str(src), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1, result.exception
    assert f"{src / 'cut.txt.gz'}: cannot read: Compressed file ended before the end-of-stream marker" in result.stderr
    assert (tmp_path / "out" / "good.txt").is_file()


def test_deeply_nested_json_is_a_bad_line():
    got = events([b"[" * 100_000 + b"]" * 100_000 + b"\n", json.dumps({"text": "fine"}).encode()])
    assert got[0][0] == "f.jsonl:1" and got[0][1].startswith("malformed JSON line") and got[1] == ("f.jsonl:2", "doc")


def test_a_lone_surrogate_elsewhere_in_a_record_is_written_back_escaped(tmp_path, model_once):
    src = tmp_path / "in"
    src.mkdir()
    (src / "s.jsonl").write_text('{"id": "\\ud800", "title": "x\\udfff", "text": "A short article."}\n')
    result = invoke(str(src), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.exception
    record = json.loads((tmp_path / "out" / "s.jsonl").read_bytes())
    assert record["id"] == "\ud800" and record["title"] == "x\udfff"


def test_a_failing_record_is_named_on_one_short_line(tmp_path, model_once):
    src = tmp_path / "in"
    src.mkdir()
    ids = ["two\nlines", "i" * 10_000, "a\x00b"]
    (src / "r.jsonl").write_text("\n".join(json.dumps({"id": i, "text": "\x00"}) for i in ids) + "\n")
    result = invoke(str(src), "-o", str(tmp_path / "out"))
    errors = result.stderr.splitlines()[:-1]
    assert len(errors) == 3 and all(len(line) < 400 and "\x00" not in line for line in errors)
    assert [bool(re.search(rf"r\.jsonl:{n}\b", line)) for n, line in enumerate(errors, 1)] == [True] * 3


def test_a_malformed_url_does_not_end_the_run():
    lines = [json.dumps({"url": url, "text": "A short article."}).encode() for url in ("http://[", "x://\uff03/")]
    assert [kind for _, kind in events(lines)] == ["doc", "doc"]


def test_a_file_name_with_a_newline_is_reported_on_one_line(tmp_path, model_once):
    src = tmp_path / "in"
    src.mkdir()
    (src / "two\nlines.txt").write_bytes(b"\x00\x01")
    result = invoke(str(src), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"error: {src}/two\\nlines.txt: binary data (NUL bytes), not text or HTML"


def test_a_null_html_falls_back_to_text():
    assert events([b'{"html": null, "text": "A short article."}']) == [("f.jsonl:1", "doc")]
