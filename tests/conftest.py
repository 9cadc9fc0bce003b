import json
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
