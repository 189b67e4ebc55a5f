"""Reading a data file or a download with a size limit, so a small file cannot fill the memory.

A gzip file can expand a thousandfold (a "gzip bomb"), so the limit is applied *while*
decompressing: at most ``limit + 1`` bytes are ever inflated, and one byte more than the limit
is enough to know the file is too large. Every failure becomes a one-line ``DataError`` that
names the file, what is wrong with it and what to do.
"""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path
from typing import BinaryIO

from comparison.data.specs import ENV_VAR, DataError

GZIP_MAGIC = b"\x1f\x8b"  # the first two bytes of every gzip file
REDOWNLOAD = "delete it and download it again"


def read_limited(path: Path, limit: int) -> bytes:
    """The file's bytes, gunzipped if it is gzip, refusing more than ``limit`` bytes.

    A file named ``.gz`` must be gzip; one without the suffix may be either, so a copy that
    was decompressed (or compressed) without renaming is still accepted.
    """
    try:
        with path.open("rb") as handle:
            is_gzip = handle.read(2) == GZIP_MAGIC
            handle.seek(0)
            if is_gzip:
                return _inflate(handle, limit, path, REDOWNLOAD)
            if path.suffix == ".gz":
                raise DataError(f"{path}: not a gzip file (it does not start with the gzip bytes "
                                f"1f 8b); {REDOWNLOAD}")
            return _at_most(handle.read(limit + 1), limit, path, REDOWNLOAD)
    except OSError as error:
        raise unreadable(path, error) from None


def gunzip_limited(packed: bytes, limit: int, source: str, fix: str) -> bytes:
    """Decompress gzip bytes already in memory (a download), refusing more than ``limit``."""
    return _inflate(io.BytesIO(packed), limit, source, fix)


def _inflate(stream: BinaryIO, limit: int, source: Path | str, fix: str) -> bytes:
    try:
        with gzip.GzipFile(fileobj=stream) as unpacked:
            raw = unpacked.read(limit + 1)  # inflates chunk by chunk, stopping after limit + 1
    except (gzip.BadGzipFile, EOFError, zlib.error) as error:
        raise DataError(f"{source}: damaged gzip file ({error}); {fix}") from None
    return _at_most(raw, limit, source, fix)


def _at_most(raw: bytes, limit: int, source: Path | str, fix: str) -> bytes:
    if len(raw) > limit:
        raise DataError(f"{source}: expands to more than {limit:,} bytes, larger than this file "
                        f"can be (a damaged or malicious file); {fix}")
    return raw


def unreadable(path: Path, error: OSError) -> DataError:
    """The one-line error for a file the operating system will not let us read."""
    if isinstance(error, FileNotFoundError):
        return DataError(f"{path}: file not found; see --data or ${ENV_VAR}")
    if isinstance(error, PermissionError):
        return DataError(f"{path}: permission denied; fix its permissions so that you can read "
                         f"it (e.g. chmod a+r {path}) or copy the data somewhere readable")
    return DataError(f"{path}: cannot be read ({error.strerror or error}); fix the file's "
                     "permissions or copy it again")
