"""cleaner.integrations.ray: CleanBatch in Dataset.map_batches on a local Ray instance."""

import ast
import json
import os
from pathlib import Path

import pytest

from cleaner import Config
from conftest import require

ray = require("ray")
pa = require("pyarrow")

from cleaner.integrations.ray import CleanBatch  # after the import check

ROOT = Path(__file__).parent.parent
BINARY = "PK\x03\x04\x00\x00 not an article"


@pytest.fixture(scope="module")
def local_ray():
    # the workers import cleaner from this checkout when it is not installed
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    ray.init(
        num_cpus=2, include_dashboard=False, log_to_driver=False, object_store_memory=100 * 2**20,
        runtime_env={"env_vars": {"PYTHONPATH": path}},
    )
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.execution_options.preserve_order = True
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def records(seeds):
    paths = sorted(seeds.glob("*.txt"))
    rows = [{"id": p.stem, "text": p.read_text(encoding="utf-8")} for p in paths]
    # in blocks of two: a block of failures only, between blocks without any
    return [*rows[:2], {"id": "binary", "text": BINARY}, {"id": "null", "text": None}, *rows[2:]]


def check_rows(rows, records, cleaner):
    assert [r["id"] for r in rows] == [r["id"] for r in records]
    for row, record in zip(rows, records):
        if record["id"] == "binary":
            assert (row["text"], row["cleaner"]) == (None, None)
            assert row["cleaner_error"] == "binary data (NUL bytes), not text or HTML"
        elif record["id"] == "null":
            assert (row["text"], row["cleaner"]) == (None, None)
            assert row["cleaner_error"] == "expected str or bytes, got NoneType"
        else:
            expected = cleaner.clean(record["text"])
            assert row["cleaner_error"] is None
            assert row["text"] == expected.text
            assert json.loads(row["cleaner"]) == expected.to_dict()


def test_dataset_is_cleaned_like_clean(local_ray, records, cleaner):
    # the default (numpy) batch format: the one Ray gives unless told otherwise; the others are
    # checked on the callable alone below. One actor: starting actors is what costs here.
    ds = ray.data.from_items(records, override_num_blocks=3).map_batches(
        CleanBatch, fn_constructor_kwargs={"config": Config()}, batch_size=2,
        compute=ray.data.ActorPoolStrategy(size=1),
    ).materialize()
    check_rows(ds.take_all(), records, cleaner)
    # the new columns are strings in every block, also where no record failed or none succeeded,
    # so that the Parquet files of the blocks have one schema
    blocks = ray.get(ds.to_arrow_refs())
    assert len(blocks) == 3
    for block in blocks:
        for column in ("text", "cleaner", "cleaner_error"):
            assert block.schema.field(column).type in (pa.string(), pa.large_string())


# The callable on its own (what each actor runs), in Ray's three batch formats.


@pytest.fixture(scope="module")
def batch_cleaner():
    return CleanBatch()


def batches(records):
    import numpy as np
    import pandas as pd

    columns = {key: [r[key] for r in records] for key in ("id", "text")}
    return {
        "pyarrow": pa.table(columns),
        "pandas": pd.DataFrame(columns),
        "numpy": {key: np.array(values, dtype=object) for key, values in columns.items()},
    }


def as_rows(batch):
    if isinstance(batch, pa.Table):
        return batch.to_pylist()
    if isinstance(batch, dict):
        return pa.table(batch).to_pylist()
    return pa.Table.from_pandas(batch, preserve_index=False).to_pylist()


@pytest.mark.parametrize("batch_format", ["pyarrow", "pandas", "numpy"])
def test_each_batch_format(batch_cleaner, records, cleaner, batch_format):
    out = batch_cleaner(batches(records)[batch_format])
    check_rows(as_rows(out), records, cleaner)


def test_html_column_output_column_and_no_report(cleaner):
    page = ("<html><body><article><h1>Harbour reopens</h1><p>The harbour of the town reopened on "
            "Tuesday after a week of repairs to the sea wall, the port authority said.</p>"
            "<p>Leave a Reply</p></article></body></html>")
    table = pa.table({"text": ["fallback text.", "fallback article text."], "html": [page, None]})
    out = CleanBatch(html_column="html", output_column="clean", report_column=None)(table)
    assert out.column_names == ["text", "html", "clean", "cleaner_error"]
    assert out.column("text").to_pylist() == ["fallback text.", "fallback article text."]
    expected = [cleaner.clean(page).text, cleaner.clean("fallback article text.").text]
    assert out.column("clean").to_pylist() == expected


def test_core_imports_neither_framework():
    """Only the integration modules import Ray or datatrove: cleaner works without them."""
    for path in sorted((ROOT / "cleaner").rglob("*.py")):
        if path.parent.name == "integrations" and path.stem in ("ray", "datatrove"):
            continue
        assert not imported(path) & {"ray", "datatrove"}, path
    assert "datatrove" in imported(ROOT / "cleaner" / "integrations" / "datatrove.py")


def imported(path: Path) -> set[str]:
    """The top-level packages a module imports (relative imports left out)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module)
    return {name.split(".")[0] for name in names}
