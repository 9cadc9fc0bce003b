"""Speed benchmark: how fast cleaner is beside its baselines, where its time goes, how it scales.

    python bench/speed.py [--repeat 3] [--quick] [--only text,html,stages,scaling,parallel,memory]

Everything is measured in one run and printed as Markdown. A figure is the median of --repeat
runs, and the cases of one table are run in turn within each repeat (cleaner, baseline,
cleaner, baseline, ...), so that a busy machine slows them alike: read the ratios, which
compare cases measured side by side, before the absolute speeds.

Sections:

- text: plain text, documents per second of one process. cleaner (`Cleaner.clean_many`, and
  `Cleaner.clean` one call a document) beside datatrove's `C4QualityFilter.filter` applied to
  datatrove `Document`s of the same texts: seed-sized articles (the four seeds cycled) and
  articles ten times longer (ten seeds end to end), the same characters in all.
- html: scrapinghub pages per second: cleaner beside `trafilatura.extract` (default settings)
  and `trafilatura.bare_extraction(favor_recall=True)`.
- stages: where cleaner's time goes, from timers put around the functions that
  `cleaner.pipeline` calls (read, extract, segment, features, the estimators, decide, emit).
- scaling: time per document and per character as a document doubles in length.
- parallel: the CLI's process pool (`cleaner.run.ordered_results`), jobs 1 against jobs 2.
  Each is run on a small and a large set of documents; the steady rate is
  (large - small) documents / (large time - small time), which leaves out the pool start-up
  (worker processes spawned, cleaner imported, model loaded) and the ramp-up and drain; the
  start-up is shown apart, and the end-to-end rate with it.
- memory: peak RSS of `clean -` streaming a JSONL file from standard input to standard output,
  for 10k and 100k documents: it should stay flat.

"1 thread" rows run the same code with every BLAS and OpenMP thread pool limited to one
thread (threadpoolctl): a diagnostic for time lost to threads that wait for each other.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import importlib
import io
import json
import logging
import os
import platform
import pstats
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
# Run as a script, only bench/ is on sys.path; cleaner lives at the root.
sys.path.insert(0, str(REPO))

SEEDS = REPO / "tests" / "fixtures" / "seeds"
DEFAULT_DATA = REPO / ".." / "shared" / "data" / "scrapinghub"
SECTIONS = ("text", "html", "stages", "scaling", "parallel", "memory", "profile")
#: Sections run when --only is not given (profile is asked for by name).
DEFAULT_SECTIONS = SECTIONS[:-1]
#: Seeds end to end in a "ten times longer" document.
LONG_FACTOR = 10
#: The cleaner path whose speed goal is set against trafilatura.extract.
HTML_GOAL = 1.15
PARALLEL_GOAL = 1.8
#: Packages whose versions go into the header.
PACKAGES = ("cleaner", "trafilatura", "lxml", "scikit-learn", "numpy", "scipy", "skops",
            "threadpoolctl", "datatrove", "spacy")


@dataclass(frozen=True)
class Sizes:
    """How many documents each section uses."""

    text_docs: int = 400  # seed-sized documents
    long_docs: int = 40  # ten times longer: the same characters as text_docs
    single_docs: int = 100  # Cleaner.clean one call a document
    pages: int = 100  # scrapinghub pages (the test split has 70)
    stage_docs: int = 200
    scaling: tuple[int, ...] = (1, 2, 4, 8, 16)
    scaling_docs: int = 8
    parallel: tuple[int, int] = (256, 2048)
    memory: tuple[int, ...] = (10_000, 100_000)


QUICK = Sizes(text_docs=8, long_docs=2, single_docs=4, pages=3, stage_docs=8, scaling=(1, 2),
              scaling_docs=2, parallel=(32, 64), memory=(20, 60))


# --- inputs -----------------------------------------------------------------------------


def seed_texts() -> list[str]:
    """The four seed articles."""
    return [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def cycled(items: list[Any], n: int) -> list[Any]:
    """n items, going round the list."""
    return [items[i % len(items)] for i in range(n)]


def lengthened(texts: list[str], k: int) -> list[str]:
    """One document per text, k texts long: text i followed by the next ones, in a circle."""
    return ["\n\n".join(texts[(i + j) % len(texts)] for j in range(k)) for i in range(len(texts))]


@dataclass(frozen=True)
class Page:
    id: str
    raw: bytes
    html: str


def load_pages(data: Path, split: str, limit: int) -> list[Page]:
    """Up to `limit` pages of the scrapinghub split, in id order, raw and decoded as UTF-8."""
    ids = sorted(json.loads((data / "split.json").read_text("utf-8"))[split])[:limit]
    pages = []
    for page_id in ids:
        raw = gzip.decompress((data / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append(Page(page_id, raw, raw.decode("utf-8", errors="replace")))
    return pages


# --- timing -----------------------------------------------------------------------------

#: A case: an untimed setup that returns the call to time.
Case = Callable[[], Callable[[], object]]


def interleaved(cases: dict[str, Case], repeat: int) -> dict[str, float]:
    """Median seconds of each case, the cases run in turn `repeat` times."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeat):
        for name, setup in cases.items():
            call = setup()
            start = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def once(call: Callable[[], object]) -> Case:
    """A case without setup."""
    return lambda: call


@contextmanager
def one_thread() -> Iterator[None]:
    """Every BLAS and OpenMP pool of this process limited to one thread."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        yield


def threaded(call: Callable[[], object], *, single: bool) -> Callable[[], object]:
    """The call, run with one thread per pool when `single`."""

    def run() -> object:
        with one_thread() if single else nullcontext():
            return call()

    return run


def rate(n: int, seconds: float) -> str:
    """Items per second, with the precision the size deserves."""
    if seconds <= 0:
        return "inf"
    value = n / seconds
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def times(ratio: float) -> str:
    """A ratio, with two decimals below 10."""
    return f"{ratio:.2f}" if ratio < 10 else f"{ratio:.0f}"


def ms(seconds: float) -> str:
    value = seconds * 1e3
    return f"{value:,.1f}" if value >= 10 else f"{value:.2f}" if value >= 0.1 else f"{value:.3f}"


def log(message: str) -> None:
    """Progress, to standard error: standard output is the Markdown report."""
    print(message, file=sys.stderr, flush=True)


# --- baselines: each factory imports its package, so a missing one fails only its row -----


def make_c4(**options: Any) -> Callable[[list[str]], Case]:
    """datatrove's C4QualityFilter.filter on fresh datatrove Documents (filter rewrites .text)."""

    def factory(texts: list[str]) -> Case:
        from datatrove.data import Document
        from datatrove.pipeline.filters import C4QualityFilter

        c4 = C4QualityFilter(**options)
        c4.filter(Document(text=texts[0], id="warm-up"))  # loads spaCy's sentencizer once

        def setup() -> Callable[[], object]:
            docs = [Document(text=text, id=str(i)) for i, text in enumerate(texts)]
            return lambda: [c4.filter(doc) for doc in docs]

        return setup

    return factory


C4_ROWS: dict[str, Callable[[list[str]], Case]] = {
    "datatrove C4QualityFilter (defaults: spaCy sentence count)": make_c4(),
    "datatrove C4QualityFilter(min_num_sentences=-1) (line rules only)": make_c4(min_num_sentences=-1),
}


def build(factory: Callable[[], Case]) -> Case | str:
    """The case, or why it is unavailable."""
    try:
        return factory()
    except ImportError as error:
        return f"not installed ({error.name or error})"
    except Exception as error:  # noqa: BLE001 - a baseline that fails is a row that says so
        return f"unavailable: {type(error).__name__}: {error}"


def new_cleaner(**options: Any) -> Any:
    from cleaner import Cleaner, Config

    return Cleaner(Config(**options))


def cleaner_cases(cleaner: Any, contents: list[Any], single: int, unit: str = "document") -> dict[str, Case]:
    """cleaner in batches, one call a document (the first `single`), and in batches with one thread."""
    cleaner.clean(contents[0])  # warm-up: lazy imports and caches
    head = contents[:single]
    counted = f" ({len(head)} {unit}s)" if len(head) < len(contents) else ""
    return {
        "cleaner `clean_many` (batches)": once(lambda: list(cleaner.clean_many(contents))),
        f"cleaner `clean` one call a {unit}{counted}": once(lambda: [cleaner.clean(c) for c in head]),
        "cleaner `clean_many`, 1 thread": once(
            threaded(lambda: list(cleaner.clean_many(contents)), single=True)),
    }


def count_of(name: str, default: int) -> int:
    """The document count a row name states in brackets, else the default."""
    if "(" in name and name.endswith("s)") and name.rsplit("(", 1)[1].split()[0].isdigit():
        return int(name.rsplit("(", 1)[1].split()[0])
    return default


# --- 1. plain text ----------------------------------------------------------------------


def section_text(sizes: Sizes, repeat: int) -> str:
    seeds = seed_texts()
    sets = {
        "seed-sized": cycled(seeds, sizes.text_docs),
        f"{LONG_FACTOR}× longer": cycled(lengthened(seeds, LONG_FACTOR), sizes.long_docs),
    }
    cleaner = new_cleaner()
    lines = [
        "| documents | path | docs | chars/doc | docs/s | ms/doc | time / C4 time |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for label, texts in sets.items():
        log(f"text: {label}, {len(texts)} documents")
        cases = cleaner_cases(cleaner, texts, sizes.single_docs)
        missing = {}
        for name, factory in C4_ROWS.items():
            case = build(partial(factory, texts))
            if isinstance(case, str):
                missing[name] = case
            else:
                cases[name] = case
        seconds = interleaved(cases, repeat)
        c4 = next((seconds[n] / len(texts) for n in C4_ROWS if n in seconds), None)
        chars = sum(map(len, texts)) // len(texts)
        for name, total in seconds.items():
            n = count_of(name, len(texts))
            per_doc = total / n
            ratio = times(per_doc / c4) if c4 else "—"
            lines.append(
                f"| {label} | {name} | {n} | {chars:,} | {rate(n, total)} | {ms(per_doc)} | {ratio} |"
            )
        lines += [f"| {label} | {name} | | | {why} | | |" for name, why in missing.items()]
    return "\n".join([
        ("Documents per second of one process. Seed-sized: the four seeds "
        f"(`tests/fixtures/seeds/*.txt`) cycled; {LONG_FACTOR}× longer: {LONG_FACTOR} seeds end to end "
        "(the same characters in all). C4: `C4QualityFilter().filter(doc)` on datatrove `Document`s "
        "(made outside the clock: the filter rewrites `doc.text`). "
        "time / C4 time: per document, against the first C4 row that ran."),
        "",
        *lines,
    ])


# --- 2. HTML ----------------------------------------------------------------------------


def section_html(sizes: Sizes, repeat: int, data: Path, split: str) -> str:
    if not (data / "split.json").exists():
        return f"No scrapinghub data at {data} (see --data): section skipped."
    pages = load_pages(data, split, sizes.pages)
    log(f"html: {len(pages)} pages")
    import trafilatura

    from cleaner import extract as cleaner_extract

    cleaner = new_cleaner()
    raw = [p.raw for p in pages]
    cases = cleaner_cases(cleaner, raw, len(raw), unit="page")
    baselines: dict[str, Callable[[str], object]] = {
        "`trafilatura.extract(html)` (defaults)": lambda html: trafilatura.extract(html),
        "`trafilatura.bare_extraction(html, favor_recall=True)`":
            lambda html: trafilatura.bare_extraction(html, favor_recall=True),
        "cleaner's own trafilatura call alone (`cleaner.extract.extract_html`)":
            cleaner_extract.extract_html,
    }
    for name, extract in baselines.items():
        extract(pages[0].html)
        cases[name] = once(lambda extract=extract: [extract(p.html) for p in pages])
    seconds = interleaved(cases, repeat)
    reference = seconds["`trafilatura.extract(html)` (defaults)"]
    lines = [
        "| path | pages/s | ms/page | time / `trafilatura.extract` time |",
        "|---|---:|---:|---:|",
    ]
    for name, total in seconds.items():
        lines.append(f"| {name} | {rate(len(pages), total)} | {ms(total / len(pages))} | {total / reference:.2f} |")
    batch = seconds["cleaner `clean_many` (batches)"] / reference
    verdict = "met" if batch <= HTML_GOAL else "not met"
    return "\n".join([
        (f"{len(pages)} scrapinghub pages (`{split}` split), one process. cleaner gets the raw bytes "
        "(it decodes them itself); trafilatura gets the same pages decoded as UTF-8."),
        "",
        *lines,
        "",
        (f"Goal: cleaner `clean_many` time ≤ {HTML_GOAL} × `trafilatura.extract` time: "
        f"{batch:.2f}, {verdict}."),
    ])


# --- 3. stages --------------------------------------------------------------------------

#: (module, function, stage): the functions of cleaner.pipeline and cleaner.model that are
#: timed. A name missing from the module (the code moved on) is skipped, not an error.
PROBES: tuple[tuple[str, str, str], ...] = (
    ("cleaner.pipeline", "prepare", "prepare"),
    ("cleaner.pipeline", "to_text", "read"),
    ("cleaner.pipeline", "looks_like_html", "read"),
    ("cleaner.pipeline", "extract_html", "extract"),
    ("cleaner.pipeline", "segment_text", "segment"),
    ("cleaner.pipeline", "segment_parts", "segment"),
    ("cleaner.model", "block_features", "features"),
    ("cleaner.model", "stack", "features"),
    ("cleaner.model", "context_features", "context"),
    ("cleaner.pipeline", "trained_language", "language"),
    ("cleaner.pipeline", "decide", "decide"),
    ("cleaner.pipeline", "revise", "decide"),
    ("cleaner.pipeline", "with_repeats", "decide"),
    ("cleaner.pipeline", "emit", "emit"),
)
#: The rows of the stage table: (label, how its seconds come from the timers).
STAGE_ROWS: tuple[tuple[str, Callable[[dict[str, float]], float]], ...] = (
    ("read: decode, detect HTML (`to_text`, `looks_like_html`)", lambda t: t["read"]),
    ("extract: trafilatura (`extract_html`)", lambda t: t["extract"]),
    ("segment (`segment_text`, `segment_parts`)", lambda t: t["segment"]),
    ("prepare, the rest", lambda t: t["prepare"] - t["read"] - t["extract"] - t["segment"]),
    ("score: block features (`block_features`, `stack`)", lambda t: t["features"]),
    ("score: estimators (2 logistic regressions, boosted trees)",
     lambda t: t["score"] - t["features"] - t["context"]),
    ("score: context features (`context_features`)", lambda t: t["context"]),
    ("language check (`trained_language`)", lambda t: t["language"]),
    ("decide (`decide`, `revise`)", lambda t: t["decide"]),
    ("emit (`emit`)", lambda t: t["emit"]),
    ("other (batching, loops)",
     lambda t: t["total"] - t["prepare"] - t["score"] - t["language"] - t["decide"] - t["emit"]),
)


@contextmanager
def stage_timers() -> Iterator[dict[str, float]]:
    """Seconds spent in each stage while the block runs, from wrappers put around the
    pipeline's functions (and Model.score) and taken off again after."""
    from cleaner import model as model_io

    totals: dict[str, float] = {stage: 0.0 for _, _, stage in PROBES}
    totals["score"] = 0.0
    patched: list[tuple[Any, str, Any]] = []

    def timed(function: Callable[..., Any], stage: str) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                totals[stage] += time.perf_counter() - start

        return wrapper

    targets = [(importlib.import_module(m), name, stage) for m, name, stage in PROBES]
    targets.append((model_io.Model, "score", "score"))
    try:
        for owner, name, stage in targets:
            original = owner.__dict__.get(name) if isinstance(owner, type) else getattr(owner, name, None)
            if original is None:
                continue
            patched.append((owner, name, original))
            setattr(owner, name, timed(original, stage))
        yield totals
    finally:
        for owner, name, original in reversed(patched):
            setattr(owner, name, original)


def stage_run(cleaner: Any, contents: list[Any], *, single: bool) -> dict[str, float]:
    """One timed run of clean_many with the stage timers on."""
    with stage_timers() as totals, one_thread() if single else nullcontext():
        start = time.perf_counter()
        list(cleaner.clean_many(contents))
        totals["total"] = time.perf_counter() - start
    return dict(totals)


def section_stages(sizes: Sizes, repeat: int, data: Path, split: str) -> str:
    seeds = seed_texts()
    workloads: dict[str, list[Any]] = {
        "text, seed-sized": cycled(seeds, sizes.stage_docs),
        f"text, {LONG_FACTOR}× longer": cycled(lengthened(seeds, LONG_FACTOR), max(1, sizes.stage_docs // LONG_FACTOR)),
    }
    if (data / "split.json").exists():
        workloads["HTML pages"] = [p.raw for p in load_pages(data, split, sizes.pages)]
    cleaner = new_cleaner()
    cleaner.clean(seeds[0])
    tables = []
    for single in (False, True):
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in workloads}
        for _ in range(repeat):
            for name, contents in workloads.items():
                log(f"stages: {name}{', 1 thread' if single else ''}")
                runs[name].append(stage_run(cleaner, contents, single=single))
        # The run of median total, so that a row's figures add up to its total.
        chosen = {name: sorted(r, key=lambda t: t["total"])[len(r) // 2] for name, r in runs.items()}
        header = "| stage | " + " | ".join(
            f"{name}: ms/doc | %" for name in workloads) + " |"
        lines = [header, "|---|" + "---:|---:|" * len(workloads)]
        for label, of in (*STAGE_ROWS, ("**total**", lambda t: t["total"])):
            cells = []
            for name, contents in workloads.items():
                t = chosen[name]
                seconds = of(t)
                cells.append(f"{ms(seconds / len(contents))} | {100 * seconds / t['total']:.0f}%")
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
        counts = ", ".join(f"{name} {len(c)}" for name, c in workloads.items())
        title = "With 1 thread per BLAS/OpenMP pool" if single else "As shipped"
        tables.append(f"{title} (documents: {counts}; the run of median total of {repeat}):\n\n" + "\n".join(lines))
    return "\n\n".join([
        ("`Cleaner.clean_many` with timers around the functions `cleaner.pipeline` calls "
        "(and `Model.score`, whose estimators' share is score minus its feature functions)."),
        *tables,
    ])


# --- 4. scaling -------------------------------------------------------------------------


def section_scaling(sizes: Sizes, repeat: int) -> str:
    from cleaner import Config
    from cleaner.pipeline import prepare

    seeds = seed_texts()
    cleaner = new_cleaner()
    cleaner.clean(seeds[0])
    sets = {k: cycled(lengthened(seeds, k), sizes.scaling_docs) for k in sizes.scaling}
    cases: dict[str, Case] = {}
    for k, texts in sets.items():
        for single in (False, True):
            call = threaded(lambda texts=texts: list(cleaner.clean_many(texts)), single=single)
            cases[f"{k}/{single}"] = once(call)
    log(f"scaling: {len(sets)} lengths, {sizes.scaling_docs} documents each")
    seconds = interleaved(cases, repeat)
    lines = [
        ("| length | chars/doc | blocks/doc | ms/doc | µs per 1,000 chars | per-char cost vs 1× "
        "| 1 thread: ms/doc | µs per 1,000 chars | vs 1× |"),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    base: dict[bool, float] = {}
    for k, texts in sets.items():
        chars = sum(map(len, texts)) / len(texts)
        blocks = statistics.mean(len(prepare(t, config=Config()).blocks) for t in texts)
        cells = []
        for single in (False, True):
            per_doc = seconds[f"{k}/{single}"] / len(texts)
            per_kchar = per_doc / chars * 1e3
            base.setdefault(single, per_kchar)
            cells.append(f"{ms(per_doc)} | {per_kchar * 1e6:,.0f} | {per_kchar / base[single]:.2f}")
        lines.append(f"| {k}× | {chars:,.0f} | {blocks:.0f} | " + " | ".join(cells) + " |")
    return "\n".join([
        f"`clean_many` on {sizes.scaling_docs} documents of each length (k seeds end to end), one process.",
        "",
        *lines,
    ])


# --- 5. parallel ------------------------------------------------------------------------

#: Environment that limits the BLAS and OpenMP pools of a new process to one thread.
ONE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """os.environ with these values while the block runs (spawned workers inherit it)."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def pool_run(texts: list[str], jobs: int, *, single: bool) -> float:
    """Seconds for cleaner.run.ordered_results to clean `texts` with `jobs` processes, pool
    start-up included; every document must come back cleaned."""
    from cleaner import Config
    from cleaner.run import Doc, Sink, ordered_results

    sink = Sink("bench", stream=io.StringIO())
    events = [Doc(sink, f"bench:{i}", text) for i, text in enumerate(texts)]
    cleaned = 0
    workers_env = environment(ONE_THREAD_ENV) if single else nullcontext()
    with workers_env, one_thread() if single else nullcontext():
        start = time.perf_counter()
        for _, result in ordered_results(events, config=Config(), jobs=jobs):
            cleaned += isinstance(result, tuple)
        seconds = time.perf_counter() - start
    if cleaned != len(texts):
        raise RuntimeError(f"{len(texts) - cleaned} of {len(texts)} documents failed in the pool")
    return seconds


def section_parallel(sizes: Sizes, repeat: int, *, single: bool) -> str:
    seeds = seed_texts()
    small, large = sizes.parallel
    jobs_list = (1, 2)
    times: dict[tuple[int, int], list[float]] = {(j, n): [] for j in jobs_list for n in (small, large)}
    for r in range(repeat):
        for jobs in jobs_list:
            for n in (small, large):
                log(f"parallel: repeat {r + 1}, jobs {jobs}, {n} documents")
                times[jobs, n].append(pool_run(cycled(seeds, n), jobs, single=single))
    median = {key: statistics.median(t) for key, t in times.items()}
    lines = [
        (f"| jobs | end to end, {large} docs: docs/s | steady docs/s | start-up s "
        "| steady ratio to jobs 1 | end-to-end ratio |"),
        "|---:|---:|---:|---:|---:|---:|",
    ]
    steady: dict[int, float] = {}
    for jobs in jobs_list:
        extra = median[jobs, large] - median[jobs, small]
        steady[jobs] = (large - small) / extra if extra > 0 else float("nan")
        startup = median[jobs, small] - small / steady[jobs]
        lines.append(
            f"| {jobs} | {rate(large, median[jobs, large])} | {steady[jobs]:.1f} | {startup:.2f} "
            f"| {steady[jobs] / steady[1]:.2f} | {median[1, large] / median[jobs, large]:.2f} |"
        )
    threads = ("1 thread per BLAS/OpenMP pool (`OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1` for the "
               "workers, threadpoolctl in-process for jobs 1)" if single else "thread pools as shipped")
    ratio = steady[2] / steady[1]
    return "\n".join([
        (f"`cleaner.run.ordered_results(events, config=Config(), jobs=N)` on the seeds cycled, "
        f"as `Doc` events, all results consumed; {threads}. Each setting runs on {small} and on {large} "
        f"documents: steady docs/s = {large - small} / (time for {large} - time for {small}), which "
        "leaves out the start-up (jobs 1: model load; jobs 2: spawning the workers, importing cleaner, "
        "loading the model in each) and the pool's fill and drain; start-up = time for "
        f"{small} - {small} / steady rate. Medians of {repeat}."),
        "",
        *lines,
        "",
        (f"Goal: steady ratio ≥ {PARALLEL_GOAL} with 2 jobs on 2 cores: "
        f"{ratio:.2f}, {'met' if ratio >= PARALLEL_GOAL else 'not met'}."),
    ])


# --- 6. memory --------------------------------------------------------------------------


def write_jsonl(path: Path, n: int) -> None:
    """n records {"id", "text"}, the seeds cycled."""
    texts = [json.dumps(t, ensure_ascii=False) for t in seed_texts()]
    with open(path, "w", encoding="utf-8") as handle:
        handle.writelines(f'{{"id": {i}, "text": {texts[i % len(texts)]}}}\n' for i in range(n))


def process_tree(root: int) -> list[int]:
    """The process and its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(b")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    tree, stack = [], [root]
    while stack:
        pid = stack.pop()
        tree.append(pid)
        stack.extend(children.get(pid, []))
    return tree


def memory_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process in KB: its resident memory now and at its peak; 0s when gone."""
    values = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    values[line[:5]] = int(line.split()[1])
    except OSError:
        pass
    return values.get("VmRSS", 0), values.get("VmHWM", 0)


@dataclass(frozen=True)
class MemoryRun:
    seconds: float
    largest_mb: float  # the largest single process at its peak (VmHWM)
    peaks_mb: float  # every process at its own peak, summed (VmHWM)
    first_half_mb: float  # all processes' VmRSS summed: the highest sample of the run's first half
    second_half_mb: float  # ... and of its second half
    summary: str


def memory_run(path: Path, jobs: int, *, single: bool, interval: float = 0.25) -> MemoryRun:
    """`clean - --jobs N` on the JSONL file, output discarded, RSS sampled from /proc."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    if single:
        env.update(ONE_THREAD_ENV)
    command = [sys.executable, "-m", "cleaner", "-", "--jobs", str(jobs)]
    samples: list[tuple[float, int]] = []  # (seconds since start, VmRSS summed over the tree)
    peaks: dict[int, int] = {}  # VmHWM of every process seen
    with open(path, "rb") as stdin, tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdin=stdin, stdout=subprocess.DEVNULL, stderr=stderr, env=env)
        # Not getrusage's ru_maxrss: a forked child's high-water mark starts from this process's
        # RSS before exec (measured: 420 MB for a 260 MB `clean` after the other sections ran).
        while process.poll() is None:
            total = 0
            for member in process_tree(process.pid):
                rss, hwm = memory_kb(member)
                total += rss
                peaks[member] = max(peaks.get(member, 0), hwm)
            samples.append((time.perf_counter() - start, total))
            time.sleep(interval)
        seconds = time.perf_counter() - start
        stderr.seek(0)
        summary = stderr.read().decode("utf-8", "replace").strip().splitlines()
    if process.returncode != 0:
        raise RuntimeError(f"`{shlex.join(command)}` exited {process.returncode}: {summary[-3:]}")
    first = max((kb for t, kb in samples if t < seconds / 2), default=0)
    second = max((kb for t, kb in samples if t >= seconds / 2), default=0)
    largest = max(peaks.values(), default=0)
    return MemoryRun(seconds, largest / 1024, sum(peaks.values()) / 1024, first / 1024, second / 1024,
                     summary[-1] if summary else "")


def section_memory(sizes: Sizes, jobs: int, *, single: bool, budget: float) -> str:
    lines = [
        ("| documents | JSONL MB | jobs | elapsed s | docs/s | largest process, peak MB "
        "| all processes, each at its peak MB | all processes now: highest sample, 1st half → 2nd half MB |"),
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    runs: list[MemoryRun] = []
    done: list[int] = []
    with tempfile.TemporaryDirectory(prefix="cleaner-speed-") as folder:
        for n in sizes.memory:
            if runs:
                estimate = runs[-1].seconds * n / done[-1]
                if estimate > budget:
                    lines.append(f"| {n:,} | | {jobs} | skipped: about {estimate:,.0f} s, over "
                                 f"--memory-max-seconds {budget:,.0f} (try --one-thread) | | | | |")
                    continue
                log(f"memory: {n} documents, about {estimate:.0f} s")
            else:
                log(f"memory: {n} documents")
            path = Path(folder) / f"docs{n}.jsonl"
            write_jsonl(path, n)
            megabytes = path.stat().st_size / 1e6
            run = memory_run(path, jobs, single=single)
            runs.append(run)
            done.append(n)
            path.unlink()
            lines.append(
                f"| {n:,} | {megabytes:,.1f} | {jobs} | {run.seconds:,.0f} | {rate(n, run.seconds)} "
                f"| {run.largest_mb:,.0f} | {run.peaks_mb:,.0f} | {run.first_half_mb:,.0f} → {run.second_half_mb:,.0f} |"
            )
    threads = "; 1 thread per BLAS/OpenMP pool (`OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1`)" if single else ""
    growth = runs[-1].peaks_mb / runs[0].peaks_mb if runs[0].peaks_mb else float("nan")
    return "\n".join([
        (f"`python -m cleaner - --jobs {jobs} < docs.jsonl > /dev/null` (a temporary file of the seeds "
        f"cycled, `{{\"id\", \"text\"}}` records){threads}; one run each. Memory from `/proc`, sampled "
        "every 0.25 s over the command, its workers and multiprocessing's resource tracker: the "
        "largest process at its peak (VmHWM), every process at its own "
        "peak summed (the model is loaded in each worker), and the processes' current RSS summed, "
        "highest sample of the run's first and of its second half (flat within a run)."),
        "",
        *lines,
        "",
        (f"All processes at their peaks, {done[-1]:,} against {done[0]:,} documents: ×{growth:.2f}. "
        f"Summary line of the last run: `{runs[-1].summary}`"),
    ])


# --- profile ----------------------------------------------------------------------------


def section_profile(sizes: Sizes) -> str:
    seeds = seed_texts()
    texts = cycled(seeds, sizes.text_docs)
    cleaner = new_cleaner()
    cleaner.clean(seeds[0])
    out = []
    for single in (False, True):
        profiler = cProfile.Profile()
        with one_thread() if single else nullcontext():
            profiler.enable()
            list(cleaner.clean_many(texts))
            profiler.disable()
        for order in ("cumulative", "tottime"):
            buffer = io.StringIO()
            pstats.Stats(profiler, stream=buffer).strip_dirs().sort_stats(order).print_stats(15)
            body = buffer.getvalue().strip().splitlines()
            first = next(i for i, line in enumerate(body) if line.lstrip().startswith("ncalls"))
            title = f"{'1 thread' if single else 'As shipped'}, top 15 by {order}"
            out.append(f"{title}:\n\n```\n" + "\n".join([body[0].strip(), *body[first:]]) + "\n```")
    return "\n\n".join([f"cProfile of `clean_many` on {len(texts)} seed-sized documents.", *out])


# --- header and main --------------------------------------------------------------------


def version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        if package == "cleaner":  # run from a source checkout
            import cleaner

            return f"{cleaner.__version__} (source tree)"
        return "not installed"


def header(argv: list[str]) -> str:
    import numpy  # noqa: F401 - loads OpenBLAS, so that its pool is listed
    import sklearn  # noqa: F401 - loads OpenMP
    from threadpoolctl import threadpool_info

    cpus = os.cpu_count() or 1
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cpus
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    pools = ", ".join(sorted({f"{p['internal_api']} {p['num_threads']} threads" for p in threadpool_info()}))
    preset = ", ".join(f"{k}={os.environ[k]}" for k in ONE_THREAD_ENV if k in os.environ) or "none set"
    versions = ", ".join(f"{p} {version(p)}" for p in PACKAGES)
    return "\n".join([
        "## cleaner speed benchmark",
        "",
        f"- command: `{shlex.join(['python', 'bench/speed.py', *argv])}`",
        (f"- machine: {cpus} CPUs ({usable} usable), load average {load} at the start; "
        f"{platform.platform()}; Python {platform.python_version()}"),
        f"- versions: {versions}",
        f"- thread pools: {pools}; thread variables: {preset}",
    ])


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per case (the median is shown)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for a smoke test")
    parser.add_argument("--only", default=",".join(DEFAULT_SECTIONS),
                        help=f"comma-separated sections, of: {', '.join(SECTIONS)}")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="scrapinghub data folder")
    parser.add_argument("--split", choices=["test", "train"], default="test", help="scrapinghub split")
    parser.add_argument("--parallel-docs", help="SMALL,LARGE documents of the parallel runs (default 256,2048)")
    parser.add_argument("--memory-sizes", help="comma-separated JSONL sizes (default 10000,100000)")
    parser.add_argument("--memory-jobs", type=int, default=2, help="--jobs of the memory runs")
    parser.add_argument("--memory-max-seconds", type=float, default=900,
                        help="skip a memory run estimated (from the previous size) to take longer")
    parser.add_argument("--one-thread", action="store_true",
                        help="parallel and memory: limit the BLAS/OpenMP pools of every process to 1 thread")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    args.sections = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(args.sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {', '.join(sorted(unknown))}; choose from {', '.join(SECTIONS)}")
    sizes = QUICK if args.quick else Sizes()
    if args.parallel_docs:
        small, large = (int(x) for x in args.parallel_docs.split(","))
        if not 0 < small < large:
            parser.error("--parallel-docs needs SMALL,LARGE with 0 < SMALL < LARGE")
        sizes = replace(sizes, parallel=(small, large))
    if args.memory_sizes:
        sizes = replace(sizes, memory=tuple(int(x) for x in args.memory_sizes.split(",")))
    args.sizes = sizes
    return args


TITLES = {
    "text": "1. Plain text: cleaner beside datatrove's C4 filter",
    "html": "2. HTML: cleaner beside trafilatura",
    "stages": "3. Where the time goes",
    "scaling": "4. Scaling with document length",
    "parallel": "5. Parallel: the CLI's process pool",
    "memory": "6. Peak memory of `clean -` streaming JSONL",
    "profile": "Profile",
}


def main(argv: list[str] | None = None) -> None:
    """Run the chosen sections and print their tables."""
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    sizes = args.sizes
    runners: dict[str, Callable[[], str]] = {
        "text": lambda: section_text(sizes, args.repeat),
        "html": lambda: section_html(sizes, args.repeat, args.data, args.split),
        "stages": lambda: section_stages(sizes, args.repeat, args.data, args.split),
        "scaling": lambda: section_scaling(sizes, args.repeat),
        "parallel": lambda: section_parallel(sizes, args.repeat, single=args.one_thread),
        "memory": lambda: section_memory(sizes, args.memory_jobs, single=args.one_thread,
                                         budget=args.memory_max_seconds),
        "profile": lambda: section_profile(sizes),
    }
    print(header(argv), flush=True)
    began = time.perf_counter()
    # Extractors log and warn about odd pages (dates, encodings); that would bury the tables.
    logging.disable(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for name in (s for s in SECTIONS if s in args.sections):
                start = time.perf_counter()
                body = runners[name]()
                print(f"\n### {TITLES[name]}\n\n{body}\n\n({time.perf_counter() - start:,.0f} s)", flush=True)
    finally:
        logging.disable(logging.NOTSET)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\nTotal {time.perf_counter() - began:,.0f} s; load average {load} at the end.")


if __name__ == "__main__":
    main()
