import dataclasses
import errno
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
import skops.io as sio
from sklearn.preprocessing import FunctionTransformer

from cleaner import Config, ModelError, clean
from cleaner import model as model_io


@pytest.fixture()
def shipped(tmp_path):
    src = model_io.default_model_path()
    dst = tmp_path / "m.skops"
    shutil.copy(src, dst)
    shutil.copy(model_io.card_path(src), model_io.card_path(dst))
    return dst


def test_shipped_model_loads_with_its_card():
    model = model_io.load(model_io.default_model_path())
    assert model.card["sha256"] == model_io.sha256(model_io.default_model_path())
    assert {"sklearn", "skops", "feature_version", "corpus_digest", "metrics"} <= set(model.card)


def test_copied_model_cleans_like_the_default(shipped, seeds):
    text = (seeds / "000_0e212c8f3092974b.txt").read_text(encoding="utf-8")
    assert clean(text, model_path=shipped) == clean(text)


def test_missing_model_and_missing_card(tmp_path, shipped):
    with pytest.raises(ModelError, match="not found"):
        model_io.load(tmp_path / "nope.skops")
    model_io.card_path(shipped).unlink()
    with pytest.raises(ModelError, match="card"):
        model_io.load(shipped)


def test_altered_model_is_refused(shipped):
    data = bytearray(shipped.read_bytes())
    data[-10] ^= 0xFF
    shipped.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="SHA-256 .* altered, or a save was cut off between the model and its card"):
        model_io.load(shipped)


def _recard(path):
    card = json.loads(model_io.card_path(path).read_text())
    card["sha256"] = model_io.sha256(path)
    model_io.card_path(path).write_text(json.dumps(card))


def test_unknown_format_is_refused(shipped):
    shipped.write_bytes(b"\x80\x04\x95 this is a pickle, not a skops file")
    _recard(shipped)
    with pytest.raises(ModelError, match="unknown format"):
        model_io.load(shipped)


def test_untrusted_types_are_refused_and_nothing_runs(shipped, tmp_path):
    marker = tmp_path / "ran"
    evil = FunctionTransformer(func=os.mkdir, kw_args={"path": str(marker)})
    sio.dump({"junk": evil, "category": evil, "context": evil}, shipped)
    _recard(shipped)
    with pytest.raises(ModelError, match="untrusted types: .*mkdir"):
        model_io.load(shipped)
    with pytest.raises(ModelError):
        clean("Some text.", config=Config(model_path=shipped))
    assert not marker.exists()


def test_save_is_byte_identical(tmp_path):
    model = model_io.load(model_io.default_model_path())
    a, b = tmp_path / "a.skops", tmp_path / "b.skops"
    model_io.save(model, a)
    model_io.save(model, b)
    assert a.read_bytes() == b.read_bytes()
    assert zipfile.is_zipfile(a)
    assert model_io.load(a).card["sha256"] == model_io.sha256(a)


def test_a_save_that_fails_leaves_the_old_model_and_card(tmp_path, monkeypatch):
    model = model_io.load(model_io.default_model_path())
    path = tmp_path / "m.skops"
    model_io.save(model, path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    retrained = dataclasses.replace(model, idf=model.idf * 2, card=dict(model.card, corpus_digest="new"))

    def full_disk(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as patch:
        patch.setattr(Path, "write_text", full_disk)  # the model file is written, its card is not
        with pytest.raises(ModelError, match=r"m\.skops: cannot save the model and its card: No space left on device"):
            model_io.save(retrained, path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # unchanged, and no temporary left
    assert model_io.load(path).card["sha256"] == model_io.sha256(path)


def _rewritten(path, change):
    """The model file at `path` with `change(parts)` applied, saved with a matching card: an
    attacker who can swap the file can rewrite the card beside it."""
    parts = sio.load(path, trusted=list(model_io.TRUSTED_TYPES))
    change(parts)
    sio.dump(parts, path)
    _recard(path)
    return path


def _point_outside(parts):
    nodes = parts["context"]._predictors[0][0].nodes
    nodes["left"][0] = 10**8


def _point_back(parts):
    nodes = parts["context"]._predictors[0][0].nodes
    nodes["right"][0] = 0  # a loop: prediction would never end


@pytest.mark.parametrize("change, problem", [
    (_point_outside, "points outside the tree"),
    (_point_back, "points outside the tree"),
    (lambda parts: parts.update(junk=parts["category"]), "junk model does not read"),
    (lambda parts: parts.update(context=parts["junk"]), "not a boosted-trees model"),
    (lambda parts: parts.update(topic_columns=parts["topic_columns"] + 2**20), "topic columns"),
])
def test_misshapen_model_is_refused_before_it_runs(shipped, change, problem):
    # Trusted types with contents a compiled predictor would read out of bounds or loop on.
    with pytest.raises(ModelError, match=f"{shipped.name}: not a cleaner model: .*{problem}"):
        model_io.load(_rewritten(shipped, change))


def test_card_that_is_not_an_object_is_refused(shipped):
    model_io.card_path(shipped).write_text("[1]")
    with pytest.raises(ModelError, match="card.json: unreadable model card: not a JSON object"):
        model_io.load(shipped)
