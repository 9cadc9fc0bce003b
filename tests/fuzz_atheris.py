"""Coverage-guided fuzzing (atheris) of the JSONL reader and of reading, extracting and cutting
text and HTML into blocks (the model after them sees only block texts; tests/test_fuzz.py checks
with hypothesis that cleaning loses nothing).

    python tests/fuzz_atheris.py -runs=100000        # libFuzzer options; without -runs, until a crash

The first byte picks the target, the rest is its input. A target may refuse an input with
InputError or name a bad JSONL line; any other exception, or a block that is not where its
offsets say, is a crash that libFuzzer reports with the input that caused it.
tests/test_fuzz.py runs a few thousand inputs of it.
"""

from __future__ import annotations

import sys

import atheris
import numpy  # noqa: F401 - the libraries are imported uninstrumented: only cleaner's code is traced
import sklearn  # noqa: F401
import trafilatura  # noqa: F401

with atheris.instrument_imports(include=["cleaner"]):
    from cleaner import Config, InputError
    from cleaner.pipeline import prepare
    from cleaner.run import Doc, Failure, Sink, jsonl_docs

KINDS = ("text", "html", "auto")
CONFIGS = {kind: Config(kind=kind) for kind in KINDS}


def blocks_at_their_offsets(data: bytes, kind: str) -> None:
    try:
        doc = prepare(data, config=CONFIGS[kind])
    except InputError:
        return
    for k, block in enumerate(doc.blocks):
        if block.index != k or not block.text or block.text != block.text.strip():
            raise AssertionError(f"block {k} is numbered {block.index} or not stripped: {block.text!r}")
        if doc.text[block.start : block.end] != block.text or doc.separator in block.text:
            raise AssertionError(f"block {k} is not at its offsets, or holds the separator")


def jsonl_lines_are_events(data: bytes) -> None:
    lines = [line + b"\n" for line in data.split(b"\n")]
    events = list(jsonl_docs(lines, Sink("f.jsonl"), "f.jsonl"))
    if len(events) != sum(1 for line in lines if line.strip()):
        raise AssertionError("a JSONL line gave no event, or more than one")
    for event in events:
        if not isinstance(event, (Doc, Failure)):
            raise AssertionError(f"unexpected event {event!r}")


def one_input(data: bytes) -> None:
    if not data:
        return
    target, body = data[0] % (len(KINDS) + 1), data[1:]
    if target == len(KINDS):
        jsonl_lines_are_events(body)
    else:
        blocks_at_their_offsets(body, KINDS[target])


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
