"""A run killed with SIGKILL midway, then resumed, ends as an uninterrupted run would."""

import os
import signal
import subprocess
import sys
import time


def files(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_sigkill_then_resume_gives_identical_outputs(seeds, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    texts = [p.read_bytes() for p in sorted(seeds.glob("*.txt"))]
    for k in range(160):
        (src / f"doc{k:03d}.txt").write_bytes(texts[k % len(texts)])
    command = [sys.executable, "-m", "cleaner", str(src), "--jobs", "1", "-q"]

    reference = tmp_path / "reference"
    subprocess.run([*command, "-o", str(reference)], check=True)

    out = tmp_path / "out"
    process = subprocess.Popen([*command, "-o", str(out)])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("*.json"))) < 10:
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    partial = files(out)
    assert 0 < len([n for n in partial if n.endswith(".json")]) < 160, "the kill did not land midway"
    # every output present is complete: no half-written file under its real name
    assert all(partial[n] == files(reference)[n] for n in partial if not n.startswith("."))

    subprocess.run([*command, "-o", str(out), "--resume"], check=True)
    assert files(out) == files(reference)
