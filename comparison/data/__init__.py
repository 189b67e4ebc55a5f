"""MNIST and Fashion-MNIST, split the way Nielsen's book splits them.

Where data is looked for, first match wins:

1. an explicit directory (the CLI's ``--data DIR``);
2. the ``NN_COMPARE_DATA`` environment variable;
3. ``./data/`` in the working directory (and, for Fashion-MNIST, Debian's
   ``/usr/share/datasets/fashion-mnist``);
4. a download into ``./data/`` from a public https mirror.

Inside a directory the files may sit directly in it or in a sub-folder named after the dataset
(``DIR/mnist/``), gzipped or not. Every file is checked against the size and SHA-256 of its
*decompressed* content before it is parsed, so a re-compressed copy is still accepted and a
corrupt one never is; a file with the right name that fails a check is reported by name, with
the check and the fix, rather than skipped. Decompression stops at the file's known size, so a
small file cannot inflate into all the memory.

Pixels are scaled as ``value / 256`` to float32, which is what the book's ``mnist.pkl.gz`` holds
(its largest pixel is 255/256), so both sources give identical arrays.

The modules, one job each: ``specs`` (what the datasets are), ``bounded`` (reading with a size
limit), ``idx`` (checking and parsing IDX files), ``locate`` (finding the folder),
``download`` (fetching from a mirror) and ``pickle_loader`` (the book's pickle); this file
turns their arrays into the book's splits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from comparison.data.download import download
from comparison.data.idx import IMAGE_MAGIC, LABEL_MAGIC, N_CLASSES, parse_idx, read_verified
from comparison.data.locate import find_file, how_to_get, locate
from comparison.data.pickle_loader import read_book_pickle
from comparison.data.specs import (
    ENV_VAR,
    SPECS,
    TEST_IMAGES,
    TEST_LABELS,
    TRAIN_IMAGES,
    TRAIN_LABELS,
    DataError,
    DatasetSpec,
)

__all__ = [
    "ENV_VAR", "IMAGE_MAGIC", "LABEL_MAGIC", "N_CLASSES", "PIXEL_SCALING", "SPECS",
    "TEST_IMAGES", "TEST_LABELS", "TRAIN_IMAGES", "TRAIN_LABELS",
    "DataError", "Dataset", "DatasetSpec", "Split",
    "download", "how_to_get", "load_dataset", "locate", "parse_idx", "read_verified",
]

PIXEL_SCALING = "value / 256 as float32 (as in the book's mnist.pkl.gz)"


@dataclass(frozen=True)
class Split:
    """``x``: (n, 784) float32 pixels in [0, 1); ``y``: (n,) int64 labels in 0..9."""

    x: np.ndarray
    y: np.ndarray

    def __len__(self) -> int:
        return len(self.y)

    def head(self, n: int) -> Split:
        return Split(self.x[:n], self.y[:n])


@dataclass(frozen=True)
class Dataset:
    name: str
    train: Split
    validation: Split
    test: Split
    checksum: str  # SHA-256 over the files' own checksums: part of every result's inputs hash
    source: str
    pixel_scaling: str = PIXEL_SCALING


def load_dataset(
    name: str = "mnist", data_dir: str | Path | None = None, spec: DatasetSpec | None = None
) -> Dataset:
    """Find, verify and load a dataset as ``(train, validation, test)`` splits."""
    if spec is None:
        if name not in SPECS:
            raise DataError(f"unknown dataset {name!r}: choose one of {', '.join(SPECS)}")
        spec = SPECS[name]
    folder = locate(spec, data_dir)
    if folder is None:
        folder = download(spec, Path("data") / spec.name)
    if folder.suffix == ".gz":
        return _from_pickle(spec, folder)
    return _from_idx(spec, folder)


def _from_idx(spec: DatasetSpec, folder: Path) -> Dataset:
    # A file deleted since it was found is read as folder/name and reported as not found.
    arrays = {name: read_verified(find_file(folder, name) or folder / name, digest,
                                  spec.sizes[name])
              for name, digest in spec.sha256.items()}
    train = _split(folder, arrays[TRAIN_IMAGES], arrays[TRAIN_LABELS])
    test = _split(folder, arrays[TEST_IMAGES], arrays[TEST_LABELS])
    if len(train) <= spec.n_validation:
        raise DataError(f"{folder}: only {len(train)} training images, fewer than the "
                        f"{spec.n_validation} the validation split needs")
    cut = len(train) - spec.n_validation
    return Dataset(
        name=spec.name,
        train=Split(train.x[:cut], train.y[:cut]),
        validation=Split(train.x[cut:], train.y[cut:]),
        test=test,
        checksum=_combined_checksum(spec.sha256.values()),
        source=str(folder),
    )


def _split(folder: Path, images: np.ndarray, labels: np.ndarray) -> Split:
    if images.ndim != 2 or labels.ndim != 1:
        raise DataError(f"{folder}: an image file and a label file are swapped")
    if len(images) != len(labels):
        raise DataError(f"{folder}: {len(images)} images but {len(labels)} labels; "
                        "the files come from different sets: download them again together")
    return Split((images / np.float32(256)).astype(np.float32), labels)


def _combined_checksum(digests: Iterable[str]) -> str:
    return hashlib.sha256("".join(sorted(digests)).encode()).hexdigest()


def _from_pickle(spec: DatasetSpec, path: Path) -> Dataset:
    assert spec.pickle_md5 is not None  # locate only returns a pickle for a spec with its MD5
    train, validation, test = (Split(x.astype(np.float32), y.astype(np.int64))
                               for x, y in read_book_pickle(path, spec.pickle_md5))
    return Dataset(spec.name, train, validation, test, checksum=spec.pickle_md5,
                   source=str(path))
