"""Write files so that they appear complete or not at all: to a temporary name, then renamed."""

from __future__ import annotations

import os
from pathlib import Path

_SERIAL = 0


def temporary(path: Path) -> Path:
    """A fresh temporary name in the folder of `path` (made if missing), where a rename is atomic."""
    path.parent.mkdir(parents=True, exist_ok=True)
    global _SERIAL
    _SERIAL += 1
    return path.with_name(f".cleaner.{os.getpid()}.{_SERIAL}.tmp")


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write a file so that it appears complete or not at all."""
    atomic_write_all({path: data})


def atomic_write_all(files: dict[Path, str | bytes]) -> None:
    """Write files (text as UTF-8) so that each appears complete or not at all; none is
    replaced before all are written, so a failed write leaves every one of them as it was."""
    tmps = {path: temporary(path) for path in files}
    try:
        for path, data in files.items():
            if isinstance(data, str):
                tmps[path].write_text(data, encoding="utf-8")
            else:
                tmps[path].write_bytes(data)
        for path, tmp in tmps.items():
            os.replace(tmp, path)
    finally:
        for tmp in tmps.values():
            tmp.unlink(missing_ok=True)
