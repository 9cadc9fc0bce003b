"""WARC input: HTML responses cleaned into JSONL records identified by URL and record id."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from click.testing import CliRunner

from cleaner import clean
from cleaner.cli import main

ARTICLE = (
    "<html><head><title>Harbour reopens</title></head><body><article>"
    "<h1>Harbour reopens after storm</h1>"
    "<p>The harbour reopened on Tuesday after engineers finished repairing the sea wall that the "
    "storm had breached last month, the port authority said.</p>"
    "<p>Fishing boats were the first to leave, followed in the afternoon by the ferry to the "
    "islands, which had been suspended for three weeks.</p>"
    "<p>Leave a Reply</p>"
    "</article></body></html>"
)


def record(uri: str, payload: bytes, *, kind: str = "response", number: int = 1) -> bytes:
    headers = [
        "WARC/1.0",
        f"WARC-Type: {kind}",
        f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{number:012d}>",
        f"WARC-Target-URI: {uri}",
        "WARC-Date: 2026-11-23T00:00:00Z",
        f"Content-Type: application/http; msgtype={kind}",
        f"Content-Length: {len(payload)}",
    ]
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + payload + b"\r\n\r\n"


def http(body: bytes, content_type: str = "text/html; charset=utf-8", status: str = "200 OK") -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


def crawl() -> list[bytes]:
    """An HTML page in cp1252 declared by HTTP only, a request, an image, a 404 and a UTF-8 page."""
    return [
        record("https://news.example/a", http(ARTICLE.replace("harbour", "hârbour").encode("cp1252"),
                                              "text/html; charset=windows-1252"), number=1),
        record("https://news.example/a", b"GET /a HTTP/1.1\r\nHost: news.example\r\n\r\n", kind="request", number=2),
        record("https://news.example/logo.png", http(b"\x89PNG\r\n\x1a\n", "image/png"), number=3),
        record("https://news.example/gone", http(b"<html><body>Not found</body></html>", status="404 Not Found"), number=4),
        record("https://news.example/b", http(ARTICLE.encode()), number=5),
    ]


def run(tmp_path: Path, *names: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*(str(tmp_path / n) for n in names), "-o", str(tmp_path / "out"), "-j", "1"])
    return result.exit_code, result.output


def test_warc_html_responses_become_records_with_url_and_id(tmp_path: Path) -> None:
    (tmp_path / "crawl.warc").write_bytes(b"".join(crawl()))
    code, output = run(tmp_path, "crawl.warc")
    assert code == 0, output
    records = [json.loads(line) for line in (tmp_path / "out" / "crawl.jsonl").read_text().splitlines()]
    assert [(r["url"], r["id"]) for r in records] == [
        ("https://news.example/a", "<urn:uuid:00000000-0000-0000-0000-000000000001>"),
        ("https://news.example/b", "<urn:uuid:00000000-0000-0000-0000-000000000005>"),
    ]
    assert "The hârbour reopened on Tuesday" in records[0]["text"]  # the HTTP charset was used
    assert records[1]["text"] == clean(ARTICLE).text
    assert "Leave a Reply" not in records[1]["text"]
    assert "HTTP status not 200 1, not HTML 1, not an HTTP response 1" in output


def test_gzipped_warc_per_record_members(tmp_path: Path) -> None:
    (tmp_path / "crawl.warc").write_bytes(b"".join(crawl()))
    (tmp_path / "crawl.warc.gz").write_bytes(b"".join(gzip.compress(r, mtime=0) for r in crawl()))
    assert run(tmp_path, "crawl.warc")[0] == 0
    plain = (tmp_path / "out" / "crawl.jsonl").read_bytes()
    (tmp_path / "out" / "crawl.jsonl").unlink()
    assert run(tmp_path, "crawl.warc.gz")[0] == 0
    assert (tmp_path / "out" / "crawl.jsonl").read_bytes() == plain


def test_truncated_warc_fails_alone_and_writes_nothing(tmp_path: Path) -> None:
    whole = b"".join(gzip.compress(r, mtime=0) for r in crawl())
    (tmp_path / "cut.warc.gz").write_bytes(whole[:-100])
    (tmp_path / "cutoff.warc").write_bytes(b"".join(crawl())[:-150])  # the last page's body is cut
    (tmp_path / "fine.warc").write_bytes(b"".join(crawl()))
    (tmp_path / "noise.warc").write_bytes(b"this is not a web archive\n" * 20)
    code, output = run(tmp_path, "cut.warc.gz", "cutoff.warc", "noise.warc", "fine.warc")
    assert code == 1
    assert "cut.warc.gz: cannot read: Compressed file ended" in output
    assert "cutoff.warc: cannot read: WARC record <urn:uuid:00000000-0000-0000-0000-000000000005> is truncated" in output
    assert "noise.warc: cannot read:" in output
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["fine.jsonl"]
