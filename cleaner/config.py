"""The one options object of cleaner, and the defaults it starts from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .types import CATEGORIES

#: A block is removed when its junk score reaches this value.
DEFAULT_THRESHOLD = 0.5
#: Inputs larger than this many bytes are refused rather than cleaned.
DEFAULT_MAX_BYTES = 20_000_000
#: How the input is read: "auto" detects HTML or plain text.
DEFAULT_KIND = "auto"
KINDS = ("auto", "text", "html")
#: Site-wide boilerplate is off by default: it reads a run's inputs twice (see cleaner.repeats).
DEFAULT_REPEATS = 0


@dataclass(frozen=True, slots=True)
class Config:
    """Options of a cleaning run; the CLI flags map onto these fields.

    threshold: junk score at which a block is removed (0 to 1).
    keep: categories never removed (for example ``frozenset({"caption"})``).
    model_path: the model file; None means the shipped default model.
    kind: "auto", "text" or "html".
    max_bytes: inputs larger than this are refused with an error.
    repeats: in runs over many pages, remove blocks found on at least this many pages of
        their site (0: off; only the `clean` command and `cleaner.run` count them).
    """

    threshold: float = DEFAULT_THRESHOLD
    keep: frozenset[str] = frozenset()
    model_path: Path | None = None
    kind: str = DEFAULT_KIND
    max_bytes: int = DEFAULT_MAX_BYTES
    repeats: int = DEFAULT_REPEATS

    def __post_init__(self) -> None:
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"threshold must be between 0 and 1, got {self.threshold}")
        unknown = set(self.keep) - set(CATEGORIES)
        if unknown:
            raise ValueError(
                f"unknown categories to keep: {', '.join(sorted(unknown))} "
                f"(known: {', '.join(CATEGORIES)})"
            )
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        if self.max_bytes <= 0:
            raise ValueError(f"max_bytes must be positive, got {self.max_bytes}")
        if self.repeats < 0 or self.repeats == 1:
            raise ValueError(f"repeats must be 0 (off) or at least 2 pages, got {self.repeats}")
        object.__setattr__(self, "keep", frozenset(self.keep))
        if self.model_path is not None:
            object.__setattr__(self, "model_path", Path(self.model_path))
