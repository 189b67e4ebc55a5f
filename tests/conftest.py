"""Tiny IDX datasets built on the fly, so the suite needs no network and no shared data; the
stored quick run in ``fixtures/quick-run/`` read as the pages read it (typed results)."""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from comparison import data
from comparison.data import Dataset, DatasetSpec, Split
from comparison.results.read import typed_result

N_TRAIN, N_TEST, N_VALIDATION = 120, 30, 20
FIXTURES = Path(__file__).parent / "fixtures" / "quick-run"


def fixture_record(name: str) -> dict:
    """The stored quick-run result of experiment ``name``, as the JSON holds it."""
    return json.loads((FIXTURES / f"{name}.json").read_text())


def typed_records(records: dict[str, dict]) -> dict:
    """Stored records (perhaps perturbed) as the verdicts and pages read them: each its
    experiment's typed ``Result``."""
    return {key: typed_result(record["name"], record) for key, record in records.items()}


def idx_bytes(array: np.ndarray) -> bytes:
    """Serialise uint8 labels (1-D) or images (n, rows, cols) in the IDX format."""
    magic = data.LABEL_MAGIC if array.ndim == 1 else data.IMAGE_MAGIC
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


def make_arrays(seed: int = 0) -> dict[str, bytes]:
    """Learnable fake digits: class k lights up a band of rows, plus noise."""
    rng = np.random.default_rng(seed)
    files = {}
    for images_name, labels_name, n in ((data.TRAIN_IMAGES, data.TRAIN_LABELS, N_TRAIN),
                                        (data.TEST_IMAGES, data.TEST_LABELS, N_TEST)):
        labels = rng.integers(0, 10, n)
        images = rng.integers(0, 60, (n, 28, 28))
        for i, label in enumerate(labels):
            images[i, 2 * label : 2 * label + 3, :] = 250
        files[images_name] = idx_bytes(images)
        files[labels_name] = idx_bytes(labels)
    return files


def write_dataset(folder: Path, files: dict[str, bytes], gz: bool = True) -> DatasetSpec:
    """Write the files into ``folder`` and return a spec whose checksums match them."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, raw in files.items():
        if gz:
            (folder / f"{name}.gz").write_bytes(gzip.compress(raw))
        else:
            (folder / name).write_bytes(raw)
    return tiny_spec(files)


def tiny_spec(files: dict[str, bytes], **changes) -> DatasetSpec:
    """A spec whose checksums and sizes are those of ``files`` (the uncompressed IDX bytes)."""
    sha = {name: hashlib.sha256(raw).hexdigest() for name, raw in files.items()}
    sizes = {name: len(raw) for name, raw in files.items()}
    spec = DatasetSpec(name="mnist", sha256=sha, sizes=sizes, mirrors=("http://127.0.0.1:9/",),
                       n_validation=N_VALIDATION)
    return replace(spec, **changes)


@pytest.fixture
def tiny(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """(folder, spec) of a tiny MNIST-shaped dataset, registered as the 'mnist' spec."""
    folder = tmp_path / "tiny"
    spec = write_dataset(folder, make_arrays())
    monkeypatch.setitem(data.SPECS, "mnist", spec)
    monkeypatch.delenv(data.ENV_VAR, raising=False)
    return folder, spec


@pytest.fixture
def tiny_data(tiny):
    folder, spec = tiny
    return data.load_dataset("mnist", folder, spec=spec)


@pytest.fixture(scope="session")
def digits() -> Dataset:
    """1,000 learnable random 'images' (class k brightens pixel block k)."""
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 10, 1000)
    x = rng.random((1000, 784)).astype(np.float32) * 0.3
    for k in range(10):
        x[labels == k, 70 * k : 70 * k + 70] += 0.6
    split = Split(x, labels)
    return Dataset("synthetic", split, split.head(200), split.head(200), "none", "memory")


@pytest.fixture(scope="session")
def smoke_results(tmp_path_factory) -> Path:
    """Smoke-profile results of every experiment on the tiny dataset, computed once for the
    session (the site and browser tests read them; a test that changes them works on a copy).
    The tiny dataset is registered only while they run: a module that reads them registers
    the same arrays again (``make_arrays`` is seeded), so their inputs hash still matches."""
    from comparison.experiments import EXPERIMENTS
    from comparison.experiments.harness.context import Context
    from comparison.experiments.harness.runner import run_experiments

    folder = tmp_path_factory.mktemp("smoke-data")
    out = tmp_path_factory.mktemp("smoke-results")
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(data.SPECS, "mnist", write_dataset(folder, make_arrays()))
        patch.delenv(data.ENV_VAR, raising=False)
        run_experiments(list(EXPERIMENTS), "smoke",
                        Context(data_dir=str(folder), progress=False, workers=1), out)
    return out
