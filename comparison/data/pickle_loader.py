"""The book's own ``mnist.pkl.gz``: checked by MD5, decompressed with a bound, unpickled safely."""

from __future__ import annotations

import hashlib
import io
import pickle
from pathlib import Path
from typing import Any

import numpy as np

from comparison.data.bounded import read_limited, unreadable
from comparison.data.specs import DataError

# The book's pickle inflates to about 220 MB (70,000 float32 images of 784 pixels, and labels);
# 256 MiB leaves room for pickle framing and refuses anything much larger.
MAX_PICKLE_BYTES = 256 * 2**20

Arrays = tuple[np.ndarray, np.ndarray]


class _ArraysOnly(pickle.Unpickler):
    """Unpickles NumPy arrays and nothing else: a pickle can otherwise run any code."""

    ALLOWED = {("numpy.core.multiarray", "_reconstruct"),
               ("numpy._core.multiarray", "_reconstruct"),
               ("numpy", "ndarray"), ("numpy", "dtype")}

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self.ALLOWED:
            raise DataError(f"refusing to unpickle {module}.{name}: not a NumPy array")
        return super().find_class(module, name)


def read_book_pickle(path: Path, md5: str) -> tuple[Arrays, Arrays, Arrays]:
    """The book's ``(x, y)`` arrays for training, validation and test, if ``path`` is its file.

    The MD5 is checked before anything is decompressed or unpickled.
    """
    digest = file_md5(path)
    if digest != md5:
        raise DataError(f"{path}: checksum mismatch (MD5 {digest}, expected {md5}); "
                        "this is not the book's mnist.pkl.gz: delete it or use the IDX files")
    raw = read_limited(path, MAX_PICKLE_BYTES)
    return _ArraysOnly(io.BytesIO(raw), encoding="latin1").load()


def file_md5(path: Path) -> str:
    """MD5 of the file's bytes as stored (compressed), read in chunks rather than all at once."""
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "md5").hexdigest()
    except OSError as error:
        raise unreadable(path, error) from None
