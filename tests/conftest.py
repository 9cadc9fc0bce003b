import importlib
import json
import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = FIXTURES / "seeds"


@pytest.fixture(scope="session")
def seeds() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def expected() -> dict:
    return json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def cleaner():
    from cleaner import Cleaner

    return Cleaner()


def require(module: str):
    """The module, or skip; not on CI, which installs the extras: there a missing one fails."""
    if os.environ.get("CI"):
        return importlib.import_module(module)
    return pytest.importorskip(module)
