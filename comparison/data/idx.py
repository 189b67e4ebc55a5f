"""IDX files (the format MNIST is published in): checked against their SHA-256, then parsed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from comparison.data.bounded import REDOWNLOAD, read_limited
from comparison.data.specs import DataError

IMAGE_MAGIC, LABEL_MAGIC = 2051, 2049
N_CLASSES = 10


def read_verified(path: Path, sha256: str, size: int) -> np.ndarray:
    """Read one IDX file of known decompressed ``size`` and SHA-256, then parse it.

    The checks come before parsing, so the parser only ever sees the published bytes.
    """
    raw = read_limited(path, size)
    check_content(raw, path, sha256, size)
    return parse_idx(raw, path)


def check_content(raw: bytes, source: Path | str, sha256: str, size: int,
                  fix: str = REDOWNLOAD) -> None:
    """Raise a one-line DataError unless ``raw`` has the expected size and SHA-256."""
    if len(raw) != size:
        raise DataError(f"{source}: wrong size ({len(raw):,} bytes decompressed, expected "
                        f"{size:,}); the file is truncated or not the published one: {fix}")
    actual = hashlib.sha256(raw).hexdigest()
    if actual != sha256:
        raise DataError(f"{source}: checksum mismatch (SHA-256 {actual[:12]}..., expected "
                        f"{sha256[:12]}...); the file is corrupt or not the published one: {fix}")


def parse_idx(raw: bytes, path: Path | str = "<bytes>") -> np.ndarray:
    """Parse IDX bytes: labels (magic 2049) to int64, images (magic 2051) to (n, rows*cols)."""
    if len(raw) < 8:
        raise DataError(f"{path}: truncated file ({len(raw)} bytes, no IDX header)")
    magic = int.from_bytes(raw[:4], "big")
    if magic not in (IMAGE_MAGIC, LABEL_MAGIC):
        raise DataError(f"{path}: wrong magic number {magic} (expected {LABEL_MAGIC} for labels "
                        f"or {IMAGE_MAGIC} for images); is this an IDX file?")
    n_dims = 3 if magic == IMAGE_MAGIC else 1
    header = 4 + 4 * n_dims
    if len(raw) < header:
        raise DataError(f"{path}: truncated file (header cut short)")
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(n_dims)]
    expected = header + int(np.prod(dims))
    if len(raw) != expected:
        raise DataError(f"{path}: truncated or padded file: header promises {expected} bytes, "
                        f"found {len(raw)}; delete it and download it again")
    values = np.frombuffer(raw, dtype=np.uint8, offset=header)
    if magic == LABEL_MAGIC:
        if values.size and values.max() >= N_CLASSES:
            raise DataError(f"{path}: label {values.max()} is out of range 0..{N_CLASSES - 1}; "
                            "this is not a digit/class label file")
        return values.astype(np.int64)
    return values.reshape(dims[0], dims[1] * dims[2])
