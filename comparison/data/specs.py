"""What each dataset is: its files, their checksums and sizes, and where to download them."""

from __future__ import annotations

from dataclasses import dataclass

ENV_VAR = "NN_COMPARE_DATA"

TRAIN_IMAGES, TRAIN_LABELS = "train-images-idx3-ubyte", "train-labels-idx1-ubyte"
TEST_IMAGES, TEST_LABELS = "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"


class DataError(Exception):
    """A data problem the user can fix; the message names the file, the problem and the fix."""


@dataclass(frozen=True)
class DatasetSpec:
    """What a dataset's files are, how to check them and where to download them."""

    name: str
    sha256: dict[str, str]  # IDX file name -> SHA-256 of its decompressed bytes
    # IDX file name -> its decompressed size in bytes. Knowing it lets a reader refuse a file
    # (or a download) that inflates to more, while decompressing, before it fills the memory.
    sizes: dict[str, int]
    mirrors: tuple[str, ...]  # https base URLs that serve ``<file name>.gz``
    n_validation: int = 10_000  # the book: the last 10,000 training images
    extra_dirs: tuple[str, ...] = ()
    pickle_md5: str | None = None  # the book's mnist.pkl.gz, for MNIST only


# 60,000 training and 10,000 test images of 28 x 28 bytes after a 16-byte header, and one byte
# per label after an 8-byte header: MNIST and Fashion-MNIST have the same shapes.
IDX_SIZES = {
    TRAIN_IMAGES: 16 + 60_000 * 28 * 28,  # 47,040,016
    TRAIN_LABELS: 8 + 60_000,
    TEST_IMAGES: 16 + 10_000 * 28 * 28,  # 7,840,016
    TEST_LABELS: 8 + 10_000,
}

# Loaders look datasets up in this one dict at call time (tests register tiny ones in it).
SPECS = {
    "mnist": DatasetSpec(
        name="mnist",
        sha256={
            TRAIN_IMAGES: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            TRAIN_LABELS: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            TEST_IMAGES: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            TEST_LABELS: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
        },
        sizes=IDX_SIZES,
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
        sizes=IDX_SIZES,
        # Zalando's own mirror is an S3 *website* endpoint, which serves plain http only; Keras
        # downloads the same four files over https from here, and the checksums above decide.
        mirrors=("https://storage.googleapis.com/tensorflow/tf-keras-datasets/",),
        extra_dirs=("/usr/share/datasets/fashion-mnist",),
    ),
}
