"""Finding the folder that holds a dataset, and telling the user how to get it when none does."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from comparison.data.bounded import read_limited
from comparison.data.idx import check_content
from comparison.data.specs import ENV_VAR, SPECS, TRAIN_IMAGES, TRAIN_LABELS, DataError, DatasetSpec

BOOK_PICKLE = "mnist.pkl.gz"


def locate(spec: DatasetSpec, data_dir: str | Path | None) -> Path | None:
    """The folder holding ``spec``'s files (or the book's pickle), or None to download.

    An explicit ``data_dir`` must hold the files. The environment variable is searched first
    but may point at a folder with only some datasets (e.g. MNIST but not Fashion-MNIST). A
    folder whose files have the right names but fail a check is an error, never skipped.
    """
    if data_dir is not None:
        found = _search(spec, Path(data_dir))
        if found is None:
            raise DataError(f"--data points at {data_dir}, but no {spec.name} files are there"
                            f"{_what_is_there(spec, Path(data_dir))}.\n" + how_to_get(spec))
        return found
    from_env = [Path(os.environ[ENV_VAR])] if os.environ.get(ENV_VAR) else []
    for folder in (*from_env, Path("data"), *map(Path, spec.extra_dirs)):
        found = _search(spec, folder)
        if found is not None:
            return found
    return None


def find_file(folder: Path, name: str) -> Path | None:
    """``folder/name.gz`` or ``folder/name``, whichever exists first, else None."""
    for candidate in (folder / f"{name}.gz", folder / name):
        if _is_file(candidate):
            return candidate
    return None


def how_to_get(spec: DatasetSpec) -> str:
    mirror = spec.mirrors[0]
    lines = [
        f"How to get {spec.name}:",
        f"  * pass --data DIR, or set {ENV_VAR}=DIR, where DIR holds the four IDX files"
        f" ({', '.join(spec.sha256)}, gzipped or not), directly or in DIR/{spec.name}/;",
        f"  * or put them in ./data/{spec.name}/;",
        f"  * or download them by hand from {mirror} (e.g. {mirror}{TRAIN_IMAGES}.gz).",
    ]
    if spec.name == "fashion-mnist":
        lines.append("  * or on Debian/Ubuntu: sudo apt-get install dataset-fashion-mnist")
    return "\n".join(lines)


def _search(spec: DatasetSpec, root: Path) -> Path | None:
    for folder in (root / spec.name, root):
        labels = find_file(folder, TRAIN_LABELS)
        if labels is not None and not _missing(spec, folder) and _holds(spec, labels):
            return folder
        if spec.pickle_md5 and _is_file(folder / BOOK_PICKLE):
            return folder / BOOK_PICKLE
    return None


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except PermissionError:  # a folder we may not look into: say so rather than skip it
        raise DataError(f"{path.parent}: permission denied; fix its permissions so that you "
                        f"can read it (e.g. chmod a+rx {path.parent})") from None


def _missing(spec: DatasetSpec, folder: Path) -> list[str]:
    return [name for name in spec.sha256 if find_file(folder, name) is None]


def _holds(spec: DatasetSpec, labels: Path) -> bool:
    """Whether these training labels are *this* dataset's: MNIST and Fashion-MNIST share names.

    The small training-label file decides (the others are checked in full when loaded). Labels
    of another known dataset mean "not here"; labels of no known dataset raise a DataError
    naming the file and the failed check, since the user most likely meant this folder.
    """
    raw = read_limited(labels, spec.sizes[TRAIN_LABELS])
    if hashlib.sha256(raw).hexdigest() in _labels_of_other_datasets(spec):
        return False
    check_content(raw, labels, spec.sha256[TRAIN_LABELS], spec.sizes[TRAIN_LABELS])
    return True


def _labels_of_other_datasets(spec: DatasetSpec) -> set[str]:
    return {other.sha256[TRAIN_LABELS] for other in SPECS.values() if other.name != spec.name}


def _what_is_there(spec: DatasetSpec, root: Path) -> str:
    """Why a folder the user named did not qualify, to end the "no files are there" line."""
    for folder in (root / spec.name, root):
        missing = _missing(spec, folder)
        if not missing:
            return f" ({folder} holds another dataset's files of the same names)"
        if len(missing) < len(spec.sha256):
            return f" ({folder} lacks {', '.join(missing)})"
    return ""
