import gzip
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleaner.cli import main

PAGE = (
    "<html><head><title>Council approves budget</title></head><body><article>"
    "<p>The city council approved next year's budget on Monday evening after a debate that "
    "lasted more than four hours, with most of the new money going to schools.</p>"
    "<p>The mayor said the plan would keep property taxes flat for a third year.</p>"
    "<p>Leave a Reply</p></article></body></html>"
)


@pytest.fixture()
def tree(tmp_path, seeds):
    src = tmp_path / "in"
    (src / "news" / "deep").mkdir(parents=True)
    for name in ("000_0e212c8f3092974b.txt", "003_14739473532e5015.txt"):
        (src / "news" / name).write_bytes((seeds / name).read_bytes())
    (src / "news" / "deep" / "page.html").write_text(PAGE, encoding="utf-8")
    (src / "page2.htm.gz").write_bytes(gzip.compress(PAGE.encode()))
    records = [
        {"id": "a", "text": (seeds / "002_5d8d097d9a1da0a3.txt").read_text(encoding="utf-8"), "lang": "en"},
        "this line is not JSON",
        {"id": "b", "html": PAGE},
        {"id": "c", "text": 5},
    ]
    (src / "batch.jsonl").write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n", encoding="utf-8"
    )
    (src / "binary.txt").write_bytes(b"\x00\x01\x02\x03\xff\xfe")
    (src / "empty.txt").write_bytes(b"")
    (src / "notes.md").write_text("not an input type")
    return src


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_folder_gives_mirrored_tree_reports_and_failures(tree, tmp_path):
    before = digest(tree)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, [str(tree), "-o", str(out), "--jobs", "1"])
    assert result.exit_code == 1, result.output
    assert digest(tree) == before  # inputs are never modified
    written = set(digest(out))
    assert written == {
        "news/000_0e212c8f3092974b.txt", "news/000_0e212c8f3092974b.json",
        "news/003_14739473532e5015.txt", "news/003_14739473532e5015.json",
        "news/deep/page.txt", "news/deep/page.json", "page2.txt", "page2.json",
        "batch.jsonl", "empty.txt", "empty.json",
    }
    report = json.loads((out / "news/000_0e212c8f3092974b.json").read_text())
    assert report["removed_by_category"]["ad"] >= 6
    assert "Leave a Reply" not in (out / "news/deep/page.txt").read_text()
    records = [json.loads(l) for l in (out / "batch.jsonl").read_text().splitlines()]
    assert [r["id"] for r in records] == ["a", "b"]
    assert records[0]["lang"] == "en" and "More from GZERO Media" not in records[0]["text"]
    assert records[0]["cleaner"]["removed_count"] > 0
    assert any("empty" in n for n in json.loads((out / "empty.json").read_text())["notes"])
    err = result.output
    assert "binary.txt: binary data" in err
    assert "batch.jsonl:2: malformed JSON line" in err
    assert "batch.jsonl:4: record has no 'text' or 'html' string" in err
    assert "7 documents cleaned" in err and "3 failed" in err


def test_jobs_do_not_change_outputs(tree, tmp_path):
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        CliRunner().invoke(main, [str(tree), "-o", str(out), "--jobs", jobs])
        outs.append(digest(out))
    assert outs[0] == outs[1] and outs[0]


def test_bad_model_with_workers_is_an_error_naming_it(tree, tmp_path):
    # The workers load the model too; a bad one must not surface as a broken process pool.
    missing = tmp_path / "none.skops"
    out = tmp_path / "out"
    result = CliRunner().invoke(main, [str(tree), "-o", str(out), "--jobs", "2", "--model", str(missing)])
    assert result.exit_code == 1
    assert f"Error: {missing}: model file not found" in result.output
    assert "Traceback" not in result.output and "BrokenProcessPool" not in result.output
    assert not out.exists() or not any(out.rglob("*"))


def test_output_inside_input_is_a_usage_error(tree):
    result = CliRunner().invoke(main, [str(tree), "-o", str(tree / "out")])
    assert result.exit_code == 2
    assert "inside the input folder" in result.output
    assert not (tree / "out").exists()


def test_review_page_inside_input_is_a_usage_error(tree, tmp_path):
    # the next run would read the page as an HTML input
    result = CliRunner().invoke(main, [str(tree), "-o", str(tmp_path / "out"), "--review", str(tree / "review.html")])
    assert result.exit_code == 2
    assert "review page" in result.output and "--review" in result.output
    assert not (tree / "review.html").exists() and not (tmp_path / "out").exists()


def test_usage_errors_exit_2(tree, tmp_path):
    assert CliRunner().invoke(main, [str(tree)]).exit_code == 2  # no -o
    assert CliRunner().invoke(main, [str(tree), "-o", str(tmp_path / "o"), "--keep", "weather"]).exit_code == 2
    assert CliRunner().invoke(main, [str(tree), "-o", str(tmp_path / "o"), "--threshold", "3"]).exit_code == 2


def test_missing_input_is_named(tmp_path):
    result = CliRunner().invoke(main, [str(tmp_path / "nope.txt"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 1 and "nope.txt: no such file or folder" in result.output


def test_stdin_text_and_jsonl_to_stdout(seeds, tmp_path):
    text = (seeds / "000_0e212c8f3092974b.txt").read_bytes()
    report = tmp_path / "r.json"
    done = subprocess.run([sys.executable, "-m", "cleaner", "-", "--report", str(report)],
                          input=text, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    assert b"Leave a Reply" not in done.stdout and b"At least 4,200 Cubans" in done.stdout
    assert json.loads(report.read_text())["removed_count"] >= 16
    lines = b"\n".join(json.dumps({"id": i, "text": text.decode()}).encode() for i in range(3))
    done = subprocess.run([sys.executable, "-m", "cleaner", "-", "-q"], input=lines, capture_output=True, check=False)
    out = [json.loads(l) for l in done.stdout.splitlines()]
    assert [r["id"] for r in out] == [0, 1, 2] and done.stderr == b""


def test_clean_seeds_like_a_new_user(seeds, expected, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, [str(seeds), "-o", str(out)])
    assert result.exit_code == 0, result.output
    for name, spec in expected.items():
        lines = set((out / name).with_suffix(".txt").read_text(encoding="utf-8").splitlines())
        assert all(k in lines for k in spec["keep"])
        assert not any(r["text"] in lines for r in spec["remove"])


def test_installed_clean_runs_outside_the_checkout(seeds, tmp_path):
    """`pip install .` must give a working `clean` with its model inside the wheel."""
    import shutil

    exe = shutil.which("clean")
    if exe is None:
        pytest.skip("the clean command is not installed (CI installs it)")
    done = subprocess.run([exe, str(seeds), "-o", str(tmp_path / "out")], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "4 documents cleaned" in done.stderr
    assert (tmp_path / "out" / "000_0e212c8f3092974b.json").is_file()


def test_symlinks_out_of_the_folder_and_loops(tmp_path, seeds):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_bytes((seeds / "003_14739473532e5015.txt").read_bytes())
    outside = tmp_path / "secret.txt"
    outside.write_text("Outside text that must not be read without --follow-links.")
    (src / "link.txt").symlink_to(outside)
    (src / "sub" / "loop").symlink_to(src, target_is_directory=True)
    result = CliRunner().invoke(main, [str(src), "-o", str(tmp_path / "out"), "--jobs", "1"])
    assert result.exit_code == 1 and "symbolic link out of the input folder" in result.output
    assert not (tmp_path / "out" / "link.txt").exists() and (tmp_path / "out" / "a.txt").exists()
    result = CliRunner().invoke(main, [str(src), "-o", str(tmp_path / "out2"), "--jobs", "1", "--follow-links"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out2" / "link.txt").exists()
