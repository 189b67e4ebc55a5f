"""MNIST and Fashion-MNIST, split the way Nielsen's book splits them.

Where data is looked for, first match wins:

1. an explicit directory (the CLI's ``--data DIR``);
2. the ``NN_COMPARE_DATA`` environment variable;
3. ``./data/`` in the working directory (and, for Fashion-MNIST, Debian's
   ``/usr/share/datasets/fashion-mnist``);
4. a download into ``./data/`` from a public mirror.

Inside a directory the files may sit directly in it or in a sub-folder named after the dataset
(``DIR/mnist/``), gzipped or not. Every file is checked against the SHA-256 of its
*decompressed* content before it is parsed, so a re-compressed copy is still accepted and a
corrupt one never is.

Pixels are scaled as ``value / 256`` to float32, which is what the book's ``mnist.pkl.gz`` holds
(its largest pixel is 255/256), so both sources give identical arrays.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import pickle
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from comparison.atomic import write_atomically

ENV_VAR = "NN_COMPARE_DATA"
PIXEL_SCALING = "value / 256 as float32 (as in the book's mnist.pkl.gz)"
IMAGE_MAGIC, LABEL_MAGIC = 2051, 2049
N_CLASSES = 10


class DataError(Exception):
    """A data problem the user can fix; the message names the file and the fix."""


@dataclass(frozen=True)
class DatasetSpec:
    """What a dataset's files are, how to check them and where to download them."""

    name: str
    sha256: dict[str, str]  # IDX file name -> SHA-256 of its decompressed bytes
    mirrors: tuple[str, ...]  # base URLs that serve ``<file name>.gz``
    n_validation: int = 10_000  # the book: the last 10,000 training images
    extra_dirs: tuple[str, ...] = ()
    pickle_md5: str | None = None  # the book's mnist.pkl.gz, for MNIST only


TRAIN_IMAGES, TRAIN_LABELS = "train-images-idx3-ubyte", "train-labels-idx1-ubyte"
TEST_IMAGES, TEST_LABELS = "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"

SPECS = {
    "mnist": DatasetSpec(
        name="mnist",
        sha256={
            TRAIN_IMAGES: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            TRAIN_LABELS: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            TEST_IMAGES: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            TEST_LABELS: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
        },
        mirrors=(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
        ),
        # The only digest published for the book's file that we could find is its MD5.
        pickle_md5="a02cd19f81d51c426d7ca14024243ce9",
    ),
    "fashion-mnist": DatasetSpec(
        name="fashion-mnist",
        sha256={
            TRAIN_IMAGES: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            TRAIN_LABELS: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            TEST_IMAGES: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            TEST_LABELS: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
        },
        mirrors=("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
        extra_dirs=("/usr/share/datasets/fashion-mnist",),
    ),
}


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
    if isinstance(folder, Path) and folder.suffix == ".gz":
        return _from_pickle(spec, folder)
    return _from_idx(spec, folder)


def locate(spec: DatasetSpec, data_dir: str | Path | None) -> Path | None:
    """The folder holding ``spec``'s files (or the book's pickle), or None to download.

    An explicit ``data_dir`` must hold the files. The environment variable is searched first
    but may point at a folder with only some datasets (e.g. MNIST but not Fashion-MNIST).
    """
    if data_dir is not None:
        found = _search(spec, Path(data_dir))
        if found is None:
            raise DataError(f"--data points at {data_dir}, but no {spec.name} files are there "
                            "(files of that name failing the checksum are ignored).\n"
                            + how_to_get(spec))
        return found
    from_env = [Path(os.environ[ENV_VAR])] if os.environ.get(ENV_VAR) else []
    for folder in (*from_env, Path("data"), *map(Path, spec.extra_dirs)):
        found = _search(spec, folder)
        if found is not None:
            return found
    return None


def _search(spec: DatasetSpec, root: Path) -> Path | None:
    for folder in (root / spec.name, root):
        if all(_find_file(folder, name) for name in spec.sha256) and _fingerprint(spec, folder):
            return folder
        pickled = folder / "mnist.pkl.gz"
        if spec.pickle_md5 and pickled.is_file():
            return pickled
    return None


def _fingerprint(spec: DatasetSpec, folder: Path) -> bool:
    """Whether the folder holds *this* dataset: MNIST and Fashion-MNIST share file names.

    The small training-label file decides (the others are checked in full when loaded).
    """
    labels = _find_file(folder, TRAIN_LABELS)
    try:
        return hashlib.sha256(_read_bytes(labels)).hexdigest() == spec.sha256[TRAIN_LABELS]
    except DataError:
        return False


def _find_file(folder: Path, name: str) -> Path | None:
    for candidate in (folder / f"{name}.gz", folder / name):
        if candidate.is_file():
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


# ----------------------------------------------------------------------------- IDX files


def _from_idx(spec: DatasetSpec, folder: Path) -> Dataset:
    arrays = {name: read_verified(_find_file(folder, name), digest)
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


def read_verified(path: Path | None, sha256: str) -> np.ndarray:
    """Read one IDX file after checking the SHA-256 of its decompressed bytes."""
    if path is None or not path.is_file():
        raise DataError(f"{path}: file not found; see --data or ${ENV_VAR}")
    raw = _read_bytes(path)
    actual = hashlib.sha256(raw).hexdigest()
    if actual != sha256:
        raise DataError(f"{path}: checksum mismatch (SHA-256 {actual[:12]}..., expected "
                        f"{sha256[:12]}...); the file is corrupt or not the published one: "
                        "delete it and download it again")
    return parse_idx(raw, path)


def _read_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    return _gunzip(data, str(path)) if data[:2] == b"\x1f\x8b" else data


def _gunzip(packed: bytes, source: str) -> bytes:
    try:
        return gzip.decompress(packed)
    except (OSError, EOFError) as error:
        raise DataError(f"{source}: damaged gzip file ({error}); "
                        "delete it and download it again") from None


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


def _split(folder: Path, images: np.ndarray, labels: np.ndarray) -> Split:
    if images.ndim != 2 or labels.ndim != 1:
        raise DataError(f"{folder}: an image file and a label file are swapped")
    if len(images) != len(labels):
        raise DataError(f"{folder}: {len(images)} images but {len(labels)} labels; "
                        "the files come from different sets: download them again together")
    return Split((images / np.float32(256)).astype(np.float32), labels)


def _combined_checksum(digests) -> str:
    return hashlib.sha256("".join(sorted(digests)).encode()).hexdigest()


# -------------------------------------------------------------------------- the book's pickle


class _ArraysOnly(pickle.Unpickler):
    """Unpickles NumPy arrays and nothing else: a pickle can otherwise run any code."""

    ALLOWED = {("numpy.core.multiarray", "_reconstruct"),
               ("numpy._core.multiarray", "_reconstruct"),
               ("numpy", "ndarray"), ("numpy", "dtype")}

    def find_class(self, module: str, name: str):
        if (module, name) not in self.ALLOWED:
            raise DataError(f"refusing to unpickle {module}.{name}: not a NumPy array")
        return super().find_class(module, name)


def _from_pickle(spec: DatasetSpec, path: Path) -> Dataset:
    packed = path.read_bytes()
    digest = hashlib.md5(packed).hexdigest()
    if digest != spec.pickle_md5:
        raise DataError(f"{path}: checksum mismatch (MD5 {digest}, expected {spec.pickle_md5}); "
                        "this is not the book's mnist.pkl.gz: delete it or use the IDX files")
    with gzip.open(io.BytesIO(packed)) as stream:
        splits = _ArraysOnly(stream, encoding="latin1").load()
    train, validation, test = (Split(x.astype(np.float32), y.astype(np.int64)) for x, y in splits)
    return Dataset(spec.name, train, validation, test, checksum=digest, source=str(path))


# ---------------------------------------------------------------------------------- download


def download(spec: DatasetSpec, dest: Path, timeout: float = 30.0) -> Path:
    """Fetch every missing file of ``spec`` into ``dest``, verified, written atomically."""
    dest.mkdir(parents=True, exist_ok=True)
    for name, sha256 in spec.sha256.items():
        if _find_file(dest, name) is None:
            _fetch(spec, name, sha256, dest, timeout)
    return dest


def _fetch(spec: DatasetSpec, name: str, sha256: str, dest: Path, timeout: float) -> None:
    failures = []
    for mirror in spec.mirrors:
        url = f"{mirror}{name}.gz"
        try:
            print(f"downloading {url}", flush=True)
            with urllib.request.urlopen(url, timeout=timeout) as response:
                packed = response.read()
            if hashlib.sha256(_gunzip(packed, url)).hexdigest() != sha256:
                raise DataError("checksum mismatch")
        except (OSError, DataError) as error:
            failures.append(f"  {url}: {error}")
            continue
        write_atomically(dest / f"{name}.gz", packed)
        return
    raise DataError(f"could not download {spec.name} ({name}):\n" + "\n".join(failures)
                    + "\n" + how_to_get(spec))

