"""Clean files, folders and streams: find inputs, clean them in parallel, write outputs atomically."""

from __future__ import annotations

import gzip
import json
import multiprocessing
import os
import re
import stat
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from . import model as model_io
from .config import Config
from .errors import CleanerError, InputError
from .files import atomic_write, temporary
from .pipeline import Cleaner, prepare
from .repeats import Repeats, RepeatCounter, page_keys, site_of

#: Suffixes read as one document each, and as one JSON record a line.
DOCUMENT_SUFFIXES = (".txt", ".text", ".html", ".htm", ".txt.gz", ".html.gz", ".htm.gz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
#: Web archives: each HTML response record is a document; the output is JSONL.
WARC_SUFFIXES = (".warc", ".warc.gz")
#: Content types of WARC responses that are cleaned; other records are skipped and counted.
HTML_TYPES = ("text/html", "application/xhtml+xml")
#: Documents sent to a worker at once, and batches in flight per worker.
CHUNK = 32
IN_FLIGHT = 4


@dataclass
class Report:
    """What a run did; `return_code` decides the exit status."""

    documents: int = 0
    removed: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)
    skipped: int = 0
    records_skipped: Counter[str] = field(default_factory=Counter)

    def done(self, report: dict[str, Any]) -> None:
        self.documents += 1
        self.removed.update(report["removed_by_category"])

    def failed(self, name: str, reason: str) -> None:
        self.failures.append((name, reason))

    @property
    def return_code(self) -> int:
        return 1 if self.failures else 0

    def summary(self) -> str:
        removed = ", ".join(f"{k} {v}" for k, v in sorted(self.removed.items())) or "none"
        line = f"{self.documents} documents cleaned; blocks removed: {removed}; {len(self.failures)} failed"
        if self.records_skipped:
            reasons = ", ".join(f"{k} {v}" for k, v in sorted(self.records_skipped.items()))
            line += f"; WARC records skipped: {reasons}"
        return line + (f"; {self.skipped} already done (--resume)" if self.skipped else "")


# --- events: what flows from the inputs to the writer, in input order ----------------------


@dataclass(frozen=True, slots=True)
class Doc:
    """One document to clean; its sink is where the result goes; its site, for repeats."""

    sink: "Sink"
    name: str
    content: bytes | str
    record: dict[str, Any] | None = None
    site: str = ""


@dataclass(frozen=True, slots=True)
class Failure:
    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class Close:
    sink: "Sink"


@dataclass(frozen=True, slots=True)
class Abort:
    """An input that broke off midway: its output is discarded, not left half-written."""

    sink: "Sink"
    name: str
    reason: str


Event = Doc | Failure | Close | Abort


class Sink:
    """Where results go: a .txt and .json pair, a JSONL file, or a stream."""

    def __init__(self, name: str, *, text_path: Path | None = None, jsonl_path: Path | None = None,
                 stream: IO[str] | None = None, report_path: Path | None = None) -> None:
        self.name = name
        self.text_path = text_path
        self.jsonl_path = jsonl_path
        self.stream = stream
        self.report_path = report_path
        self._handle: IO[str] | None = None
        self._tmp: Path | None = None

    def write(self, doc: Doc, text: str, report: dict[str, Any]) -> None:
        if doc.record is not None:
            record = dict(doc.record, text=text, cleaner=report)
            line = json.dumps(record, ensure_ascii=False, sort_keys=True)
            self._jsonl().write(re.sub("[\ud800-\udfff]", lambda m: f"\\u{ord(m[0]):04x}", line) + "\n")
        elif self.text_path is not None:
            try:
                atomic_write(self.text_path, text + ("\n" if text else ""))
                atomic_write(self.text_path.with_suffix(".json"), dumps(report))
            except OSError:
                self.text_path.unlink(missing_ok=True)
                raise
        else:
            assert self.stream is not None
            self.stream.write(text + ("\n" if text else ""))
            if self.report_path is not None:
                atomic_write(self.report_path, dumps(report))

    def _jsonl(self) -> IO[str]:
        if self._handle is None:
            if self.jsonl_path is None:
                assert self.stream is not None
                self._handle = self.stream
            else:
                self._tmp = temporary(self.jsonl_path)
                self._handle = open(self._tmp, "w", encoding="utf-8")
        return self._handle

    def close(self) -> None:
        """Finish the output: a JSONL file is renamed into place only now, complete."""
        if self.jsonl_path is not None:
            self._jsonl()
            assert self._handle is not None and self._tmp is not None
            self._handle.close()
            os.replace(self._tmp, self.jsonl_path)
        elif self.stream is not None:
            self.stream.flush()

    def abort(self) -> None:
        if self._handle is not None and self._tmp is not None:
            self._handle.close()
            self._tmp.unlink(missing_ok=True)


def dumps(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


_TEMPORARY = re.compile(r"^\..+\.\d+\.tmp$")


def sweep_temporaries(out: Path) -> int:
    """Remove the temporaries a killed run left in the output folder; returns how many."""
    stale = [p for p in out.rglob(".*.tmp") if _TEMPORARY.match(p.name)] if out.is_dir() else []
    for path in stale:
        path.unlink(missing_ok=True)
    return len(stale)


# --- finding inputs ------------------------------------------------------------------------


def suffix_of(path: Path) -> str:
    name = path.name.lower()
    for suffix in DOCUMENT_SUFFIXES + JSONL_SUFFIXES + WARC_SUFFIXES:
        if name.endswith(suffix):
            return suffix
    return ""


def find_inputs(inputs: Iterable[str], *, follow_links: bool = False) -> Iterator[tuple[Path, Path] | Failure]:
    """(file, its path relative to the output folder) for every input file, folders walked in order."""
    for spec in inputs:
        path = Path(spec)
        if path.is_dir():
            root = path.resolve()
            visited: set[Path] = set()
            unlisted: list[OSError] = []  # folders os.walk could not list, named as they come

            def unreadable() -> Iterator[Failure]:
                while unlisted:
                    error = unlisted.pop()
                    yield Failure(str(error.filename), f"cannot read: {error.strerror or error}")

            for dirpath, dirnames, filenames in os.walk(path, followlinks=follow_links, onerror=unlisted.append):
                yield from unreadable()
                real = Path(dirpath).resolve()
                if real in visited:  # a symbolic link loop, followed with --follow-links
                    dirnames.clear()
                    continue
                visited.add(real)
                dirnames.sort()
                for filename in sorted(filenames):
                    file = Path(dirpath) / filename
                    if not suffix_of(file):
                        continue
                    try:
                        outside = file.is_symlink() and not follow_links and not file.resolve().is_relative_to(root)
                    except (RuntimeError, OSError):
                        yield Failure(str(file), "symbolic link loop")
                        continue
                    if outside:
                        yield Failure(str(file), "symbolic link out of the input folder (use --follow-links)")
                        continue
                    try:
                        regular = stat.S_ISREG(file.stat().st_mode)
                    except OSError:
                        regular = True  # reading it reports why
                    if not regular:
                        yield Failure(str(file), "not a regular file (a FIFO, socket or device)")
                        continue
                    yield file, file.relative_to(path)
            yield from unreadable()
        elif path.is_file():
            yield path, Path(path.name)
        else:
            yield Failure(spec, "no such file or folder")


def out_stem(rel: Path) -> Path:
    """OUT-relative path without the input suffix: a/b.html.gz → a/b."""
    return rel.with_name(rel.name[: len(rel.name) - len(suffix_of(rel))])


def read_bytes(path: Path, *, limit: int) -> bytes:
    """A file's bytes, gunzipped by name, refused past `limit` bytes."""
    try:
        with (gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")) as handle:
            data = handle.read(limit + 1)
    except (OSError, EOFError) as error:
        raise InputError(f"cannot read: {getattr(error, 'strerror', None) or error}") from error
    if len(data) > limit:
        raise InputError(f"over the size limit of {limit:,} bytes (see --max-bytes)")
    return data


def jsonl_docs(lines: Iterable[str | bytes], sink: Sink, name: str) -> Iterator[Event]:
    """One Doc per JSON line with a `text` or `html` string; a Failure, with line number, otherwise."""
    for number, line in enumerate(lines, 1):
        where = f"{name}:{number}"
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (ValueError, UnicodeDecodeError, RecursionError) as error:
            yield Failure(where, f"malformed JSON line: {error}")
            continue
        if not isinstance(record, dict):
            yield Failure(where, "a JSONL record must be an object with 'text' or 'html'")
            continue
        content = next((record[k] for k in ("html", "text") if isinstance(record.get(k), str)), None)
        if not isinstance(content, str):
            yield Failure(where, "record has no 'text' or 'html' string")
            continue
        shown = f" (id {repr(record['id'])[:80]})" if "id" in record else ""
        yield Doc(sink, f"{where}{shown}", content, record, site_of(record_url(record), name))


def record_url(record: dict[str, Any]) -> str:
    """The page URL of a JSONL record: `url`, or datatrove's `metadata.url`."""
    metadata = record.get("metadata")
    url = record.get("url") or (metadata.get("url") if isinstance(metadata, dict) else None)
    return url if isinstance(url, str) else ""


def warc_docs(stream: IO[bytes], sink: Sink, name: str, *, limit: int, skipped: Counter[str]) -> Iterator[Event]:
    """One Doc per HTML response of a WARC file (Common Crawl layout), identified by URL and
    record id; other records are counted in `skipped` by reason."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    for record in ArchiveIterator(stream, parse_http=True, auto_decode="all"):
        if record.headers.get("Content-Length") is None:  # fastwarc yields a cut-off last record as is
            raise EOFError(f"WARC record {record.record_id or ''} without Content-Length (truncated file?)")
        if record.record_type != WarcRecordType.response or not record.is_http:
            skipped["not an HTTP response"] += 1
            continue
        content_type = (record.http_content_type or "").lower()
        if not content_type.startswith(HTML_TYPES):
            skipped["not HTML"] += 1
            continue
        if record.http_headers.status_code != 200:
            skipped["HTTP status not 200"] += 1
            continue
        url = record.headers.get("WARC-Target-URI", "")
        where = f"{name}:{url or record.record_id}"
        body = record.reader.read(limit + 1)
        if len(body) > limit:
            yield Failure(where, f"over the size limit of {limit:,} bytes (see --max-bytes)")
            continue
        if len(body) != record.content_length:
            raise EOFError(f"WARC record {record.record_id} is truncated")
        content: bytes | str = body
        if record.http_charset:  # the HTTP header's charset, when it decodes the body, wins
            try:
                content = body.decode(record.http_charset)
            except (LookupError, UnicodeDecodeError):
                pass
        yield Doc(sink, where, content, {"id": record.record_id, "url": url}, site_of(url, name))


def file_events(
    inputs: Iterable[str], out: Path, *, config: Config, resume: bool, follow_links: bool, report: Report
) -> Iterator[Event]:
    """Events for every input file, in input order."""
    seen: set[Path] = set()
    sweep_temporaries(out)
    for found in find_inputs(inputs, follow_links=follow_links):
        if isinstance(found, Failure):
            yield found
            continue
        path, rel = found
        stem = out / out_stem(rel)
        jsonl = suffix_of(path) in JSONL_SUFFIXES + WARC_SUFFIXES
        target = stem.with_name(stem.name + (".jsonl" if jsonl else ".txt"))
        if target in seen:
            yield Failure(str(path), f"its output {target} is already written by another input")
            continue
        seen.add(target)
        if resume and target.exists() and (jsonl or target.with_suffix(".json").exists()):
            report.skipped += 1
            continue
        if jsonl:
            sink = Sink(str(path), jsonl_path=target)
            try:
                # gzip is read here, not by fastwarc, which stops silently at a truncated member
                opener = gzip.open if path.name.lower().endswith(".gz") else open
                with opener(path, "rb") as handle:
                    if suffix_of(path) in WARC_SUFFIXES:
                        yield from warc_docs(handle, sink, str(path), limit=config.max_bytes,
                                             skipped=report.records_skipped)
                    else:
                        yield from jsonl_docs(handle, sink, str(path))
            except (OSError, EOFError) as error:
                yield Abort(sink, str(path), f"cannot read: {getattr(error, 'strerror', None) or error}; "
                                             "its output is not written")
                continue
            yield Close(sink)
        else:
            try:
                content = read_bytes(path, limit=config.max_bytes)
                yield Doc(Sink(str(path), text_path=target), str(path), content, site=str(path.parent))
            except InputError as error:
                yield Failure(str(path), str(error))


# --- cleaning in order, in parallel --------------------------------------------------------

_WORKER: Cleaner | None = None


def _init_worker(config: Config, repeats: Repeats | None) -> None:
    global _WORKER
    _WORKER = Cleaner(config, repeats=repeats)


def clean_batch(
    cleaner: Cleaner, contents: list[bytes | str], sites: list[str] | None = None
) -> list[tuple[str, dict[str, Any]] | str]:
    """Clean a batch; each item is (clean text, report) or the reason it failed."""
    out: list[Any] = [None] * len(contents)
    docs, where = [], []
    sites = sites or [""] * len(contents)
    for k, content in enumerate(contents):
        try:
            docs.append(prepare(content, config=cleaner.config))
            where.append(k)
        except CleanerError as error:
            out[k] = str(error)
        except Exception as error:  # a bug must not end a long run; it is reported, not hidden
            out[k] = f"internal error: {type(error).__name__}: {error}"
    for k, result in zip(where, cleaner.clean_documents(docs, [sites[k] for k in where])):
        out[k] = (result.text, result.to_dict())
    return out


def keys_batch(cleaner: Cleaner, contents: list[bytes | str], sites: list[str]) -> list[frozenset[int]]:
    """The first pass of repeats: each page's block keys (none for a page that fails: the
    second pass reports it)."""
    out = []
    for content, site in zip(contents, sites):
        try:
            out.append(page_keys(site, prepare(content, config=cleaner.config).blocks))
        except Exception:  # noqa: BLE001 - reported by the cleaning pass
            out.append(frozenset())
    return out


Task = Callable[[Cleaner, list[bytes | str], list[str]], list[Any]]


def _worker_batch(task: Task, contents: list[bytes | str], sites: list[str]) -> list[Any]:
    assert _WORKER is not None
    return task(_WORKER, contents, sites)


def ordered_results(
    events: Iterable[Event], *, config: Config, jobs: int, task: Task = clean_batch, repeats: Repeats | None = None
) -> Iterator[tuple[Event, Any]]:
    """Each event with its result (for a Doc), in input order, with bounded memory.

    `task(cleaner, contents, sites)` makes the results of a batch: by default (clean text,
    report) or the reason the document failed.
    """
    batches = _batches(events)

    def work(batch: list[Event]) -> tuple[list[bytes | str], list[str]]:
        docs = [e for e in batch if isinstance(e, Doc)]
        return [d.content for d in docs], [d.site for d in docs]

    if jobs <= 1:
        cleaner = Cleaner(config, repeats=repeats)
        for batch in batches:
            yield from _pair(batch, task(cleaner, *work(batch)))
        return
    # A bad model file is refused here, with its name, not in each worker as a broken pool.
    model_io.load(config.model_path or model_io.default_model_path())
    # spawn, not fork: a forked copy of a process whose OpenMP threads hold locks can hang.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_init_worker, initargs=(config, repeats)
    ) as pool:
        window: deque[tuple[list[Event], Future[Any]]] = deque()
        for batch in batches:
            window.append((batch, pool.submit(_worker_batch, task, *work(batch))))
            if len(window) >= jobs * IN_FLIGHT:
                done, future = window.popleft()
                yield from _pair(done, future.result())
        while window:
            done, future = window.popleft()
            yield from _pair(done, future.result())


def _batches(events: Iterable[Event]) -> Iterator[list[Event]]:
    """Groups of events holding at most CHUNK documents."""
    batch: list[Event] = []
    docs = 0
    for event in events:
        batch.append(event)
        docs += isinstance(event, Doc)
        if docs >= CHUNK:
            yield batch
            batch, docs = [], 0
    if batch:
        yield batch


def _pair(batch: list[Event], results: list[Any]) -> Iterator[tuple[Event, Any]]:
    it = iter(results)
    for event in batch:
        yield event, next(it) if isinstance(event, Doc) else None


def printable(name: str) -> str:
    return re.sub(r"[\x00-\x1f\x7f]", lambda m: repr(m[0])[1:-1], name)


def run(
    events: Iterable[Event], *, config: Config, jobs: int, report: Report,
    progress: Callable[[int], None] = lambda n: None, warn: Callable[[str], None] = lambda s: None,
    on_result: Callable[[str, str, dict[str, Any]], None] = lambda name, text, report: None,
    repeats: Repeats | None = None,
) -> Report:
    """Clean every document of `events` and write each result where its sink says.

    `on_result(name, clean_text, report)` is called for every document cleaned, in input order.
    """

    def fail(name: str, reason: str) -> None:
        report.failed(name, reason)
        warn(f"{printable(name)}: {reason}")

    for event, result in ordered_results(events, config=config, jobs=jobs, repeats=repeats):
        if isinstance(event, Failure):
            fail(event.name, event.reason)
        elif isinstance(event, Close):
            try:
                event.sink.close()
            except OSError as error:
                event.sink.abort()
                fail(event.sink.name, f"cannot write its output: {error.strerror or error}")
        elif isinstance(event, Abort):
            event.sink.abort()
            fail(event.name, event.reason)
        elif isinstance(result, str):
            fail(event.name, result)
        elif result is not None:
            text, doc_report = result
            try:
                event.sink.write(event, text, doc_report)
            except OSError as error:
                fail(event.name, f"cannot write its output: {error.strerror or error}")
                continue
            report.done(doc_report)
            on_result(event.name, text, doc_report)
            progress(1)
    return report


def count_repeats(
    inputs: Iterable[str], out: Path, *, config: Config, jobs: int, follow_links: bool
) -> Repeats:
    """The first pass of site-wide boilerplate: on how many pages of its site each block occurs.

    Every input is read, including those a `--resume` run will skip, so that the table, and
    the outputs, are those of an uninterrupted run.
    """
    counter = RepeatCounter()
    events = file_events(inputs, out, config=config, resume=False, follow_links=follow_links, report=Report())
    for event, keys in ordered_results(events, config=config, jobs=jobs, task=keys_batch):
        if isinstance(event, Doc):
            counter.add(keys)
    return counter.table(config.repeats)


def stdin_events(stream: IO[bytes], stdout: IO[str], *, report_path: Path | None) -> Iterator[Event]:
    """Standard input: JSONL (first non-blank character `{`) streamed, else one document."""
    head = stream.peek(1) if hasattr(stream, "peek") else b""
    if head.lstrip()[:1] == b"{":
        sink = Sink("<stdin>", stream=stdout)
        yield from jsonl_docs(stream, sink, "<stdin>")
        yield Close(sink)
        return
    data = stream.read()
    sink = Sink("<stdin>", stream=stdout, report_path=report_path)
    yield Doc(sink, "<stdin>", data)
    yield Close(sink)


def check_output(inputs: Iterable[str], out: Path, *, what: str = "output folder", option: str = "-o") -> None:
    """Refuse an output inside an input folder (the next run, or this one, would read it as input)."""
    resolved = out.resolve()
    for spec in inputs:
        path = Path(spec)
        if spec != "-" and path.is_dir() and resolved.is_relative_to(path.resolve()):
            raise InputError(f"the {what} {out} is inside the input folder {spec}; choose another {option}")


__all__ = ["Report", "check_output", "count_repeats", "file_events", "run", "stdin_events"]
