import gzip
import hashlib
import http.server
import pickle
import re
import threading
import tracemalloc
import urllib.request
from functools import partial
from pathlib import Path

import numpy as np
import pytest

from comparison import data
from comparison.data import DataError, load_dataset, pickle_loader
from tests.conftest import (
    N_TEST,
    N_TRAIN,
    N_VALIDATION,
    idx_bytes,
    make_arrays,
    tiny_spec,
    write_dataset,
)


def test_book_split_shapes_and_scaling(tiny_data):
    d = tiny_data
    assert d.train.x.shape == (N_TRAIN - N_VALIDATION, 784)
    assert d.validation.x.shape == (N_VALIDATION, 784)
    assert d.test.x.shape == (N_TEST, 784)
    assert d.train.x.dtype == np.float32 and d.train.y.dtype == np.int64
    assert d.train.x.max() == np.float32(250 / 256)  # value / 256, as the book's pickle
    assert d.train.x.min() >= 0


def test_validation_is_the_last_training_images(tmp_path):
    files = make_arrays()
    spec = write_dataset(tmp_path, files)
    d = load_dataset("mnist", tmp_path, spec=spec)
    labels = np.frombuffer(files[data.TRAIN_LABELS], np.uint8, offset=8)
    assert list(d.validation.y) == list(labels[-N_VALIDATION:])
    assert list(d.train.y) == list(labels[:-N_VALIDATION])


def test_raw_and_gzipped_files_give_the_same_arrays(tmp_path):
    files = make_arrays()
    gz = load_dataset("mnist", tmp_path / "gz", spec=write_dataset(tmp_path / "gz", files))
    raw = load_dataset("mnist", tmp_path / "raw",
                       spec=write_dataset(tmp_path / "raw", files, gz=False))
    assert np.array_equal(gz.train.x, raw.train.x)


def test_dataset_subfolder_and_environment_variable(tmp_path, monkeypatch):
    spec = write_dataset(tmp_path / "mnist", make_arrays())
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path))
    assert load_dataset("mnist", spec=spec).source == str(tmp_path / "mnist")


def test_local_data_folder_is_used_without_settings(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(data.ENV_VAR, raising=False)
    spec = write_dataset(tmp_path / "data" / "mnist", make_arrays())
    assert load_dataset("mnist", spec=spec).source == "data/mnist"


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda f: {data.TRAIN_IMAGES: f[data.TRAIN_IMAGES][:-100]}, "truncated"),
    (lambda f: {data.TRAIN_LABELS: b"\x00\x00\x08\x02" + f[data.TRAIN_LABELS][4:]},
     "wrong magic number"),
    (lambda f: {data.TEST_LABELS: idx_bytes(np.array([3, 12, 1] * 10))}, "out of range"),
    (lambda f: {data.TEST_LABELS: idx_bytes(np.arange(N_TEST - 1) % 10)},
     f"{N_TEST} images but {N_TEST - 1} labels"),
])
def test_bad_files_get_one_clear_error(tmp_path, mutate, message):
    files = make_arrays()
    files |= mutate(files)
    spec = write_dataset(tmp_path, files)  # checksums match, so the parser must catch it
    with pytest.raises(DataError, match=message) as error:
        load_dataset("mnist", tmp_path, spec=spec)
    assert str(tmp_path) in str(error.value)


def test_checksum_mismatch_names_the_file_and_the_fix(tmp_path):
    spec = write_dataset(tmp_path, make_arrays())
    (tmp_path / f"{data.TEST_LABELS}.gz").write_bytes(gzip.compress(idx_bytes(np.zeros(N_TEST))))
    with pytest.raises(DataError, match=r"t10k-labels.*checksum mismatch.*download it again"):
        load_dataset("mnist", tmp_path, spec=spec)


def test_damaged_gzip_is_reported_not_raised_from_zlib(tmp_path):
    spec = write_dataset(tmp_path, make_arrays())
    path = tmp_path / f"{data.TRAIN_IMAGES}.gz"
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(DataError, match="damaged gzip"):
        load_dataset("mnist", tmp_path, spec=spec)


def test_missing_files_explain_how_to_get_the_data(tmp_path):
    spec = write_dataset(tmp_path, make_arrays())
    (tmp_path / f"{data.TEST_IMAGES}.gz").unlink()
    expected = r"no mnist files are there \(.* lacks t10k-images.*\)(.|\n)*--data DIR(.|\n)*NN_"
    with pytest.raises(DataError, match=expected):
        load_dataset("mnist", tmp_path, spec=spec)


def test_a_folder_without_any_of_the_files_says_how_to_get_them(tmp_path):
    spec = tiny_spec(make_arrays())
    with pytest.raises(DataError, match=r"no mnist files are there\.\nHow to get mnist"):
        load_dataset("mnist", tmp_path, spec=spec)


def test_unknown_dataset_name():
    with pytest.raises(DataError, match="unknown dataset 'cifar'"):
        load_dataset("cifar")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def mirror(tmp_path):
    """A loopback HTTP server serving a folder; yields (folder, base URL)."""
    folder = tmp_path / "mirror"
    folder.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_download_from_a_mirror_verifies_and_saves(tmp_path, monkeypatch, mirror):
    folder, url = mirror
    files = make_arrays()
    write_dataset(folder, files)
    spec = tiny_spec(files, mirrors=("http://127.0.0.1:9/nothing/", url))  # first mirror fails
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(data.ENV_VAR, raising=False)
    d = load_dataset("mnist", spec=spec)
    assert d.source == "data/mnist"
    assert sorted(p.name for p in (tmp_path / "data" / "mnist").iterdir()) == sorted(
        f"{name}.gz" for name in files)


def test_download_rejects_a_corrupt_mirror_and_keeps_nothing(tmp_path, monkeypatch, mirror):
    folder, url = mirror
    files = make_arrays()
    write_dataset(folder, files | {data.TRAIN_LABELS: idx_bytes(np.zeros(N_TRAIN))})
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(data.ENV_VAR, raising=False)
    with pytest.raises(DataError, match=r"could not download(.|\n)*checksum mismatch"):
        load_dataset("mnist", spec=tiny_spec(files, mirrors=(url,)))
    assert not (tmp_path / "data" / "mnist" / f"{data.TRAIN_LABELS}.gz").exists()
    assert not list((tmp_path / "data" / "mnist").glob("*.part"))


def _pickle_file(tmp_path, payload) -> tuple:
    path = tmp_path / "mnist.pkl.gz"
    path.write_bytes(gzip.compress(pickle.dumps(payload)))
    return path, hashlib.md5(path.read_bytes()).hexdigest()


def test_book_pickle_loads_when_its_checksum_matches(tmp_path):
    x = np.random.default_rng(0).random((5, 784)).astype(np.float32)
    y = np.arange(5)
    path, md5 = _pickle_file(tmp_path, ((x, y), (x, y), (x, y)))
    d = load_dataset("mnist", tmp_path, spec=tiny_spec(make_arrays(), pickle_md5=md5))
    assert np.array_equal(d.test.x, x) and list(d.validation.y) == list(y)


def test_pickle_with_wrong_checksum_is_never_unpickled(tmp_path):
    _pickle_file(tmp_path, "anything")
    with pytest.raises(DataError, match="checksum mismatch.*not the book's"):
        load_dataset("mnist", tmp_path, spec=tiny_spec(make_arrays(), pickle_md5="0" * 32))


class _RunsCode:
    def __reduce__(self):
        return (print, ("this pickle ran code",))


def test_pickle_that_would_run_code_is_refused_even_with_matching_checksum(tmp_path, capsys):
    _, md5 = _pickle_file(tmp_path, _RunsCode())
    with pytest.raises(DataError, match="refusing to unpickle builtins.print"):
        load_dataset("mnist", tmp_path, spec=tiny_spec(make_arrays(), pickle_md5=md5))
    assert "ran code" not in capsys.readouterr().out


def test_another_datasets_files_with_the_same_names_are_not_taken(tmp_path, monkeypatch):
    """Fashion-MNIST uses MNIST's file names; the label checksum tells them apart."""
    mnist = write_dataset(tmp_path, make_arrays(seed=0))
    monkeypatch.setitem(data.SPECS, "mnist", mnist)
    other = tiny_spec(make_arrays(seed=1), name="fashion-mnist")
    assert data.locate(mnist, tmp_path) == tmp_path
    with pytest.raises(DataError, match="no fashion-mnist files are there.*another dataset"):
        data.locate(other, tmp_path)


# ------------------------------------------------------------------- hardening: one line each


def _starts(source: object, problem: str) -> str:
    """A pattern for an error line that begins by naming ``source`` and its problem."""
    return "^" + re.escape(f"{source}: {problem}")


@pytest.mark.parametrize(("content", "message"), [
    (gzip.compress(idx_bytes(np.zeros(N_TRAIN))), "checksum mismatch"),
    (gzip.compress(idx_bytes(np.zeros(N_TRAIN - 1))), "wrong size"),
    (idx_bytes(np.zeros(N_TRAIN)), "not a gzip file"),
    (gzip.compress(idx_bytes(np.zeros(N_TRAIN)))[:30], "damaged gzip"),
], ids=["checksum", "size", "not gzip", "damaged gzip"])
def test_a_file_failing_a_check_is_named_not_skipped(tmp_path, content, message):
    """The label file decides whether a folder holds the dataset, so it must not fail quietly."""
    spec = write_dataset(tmp_path, make_arrays())
    labels = tmp_path / f"{data.TRAIN_LABELS}.gz"
    labels.write_bytes(content)
    with pytest.raises(DataError, match=message) as error:
        load_dataset("mnist", tmp_path, spec=spec)
    assert str(error.value).startswith(f"{labels}: ")
    assert "download it again" in str(error.value)
    assert "no mnist files" not in str(error.value)
    assert "\n" not in str(error.value)


def test_a_failing_file_in_the_environment_folder_is_reported_not_downloaded_over(
        tmp_path, monkeypatch):
    spec = write_dataset(tmp_path / "env", make_arrays())
    labels = tmp_path / "env" / f"{data.TRAIN_LABELS}.gz"
    labels.write_bytes(gzip.compress(idx_bytes(np.zeros(N_TRAIN))))
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path / "env"))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError, match=_starts(labels, "checksum mismatch")):
        load_dataset("mnist", spec=spec)
    assert not (tmp_path / "data").exists()  # no download was attempted


def test_gzip_bomb_is_refused_while_decompressing(tmp_path):
    """20 MB of zeros compresses to 20 KB: the reader must stop at the file's known size."""
    spec = write_dataset(tmp_path, make_arrays())
    bomb = tmp_path / f"{data.TRAIN_IMAGES}.gz"
    bomb.write_bytes(gzip.compress(bytes(20_000_000)))
    limit = spec.sizes[data.TRAIN_IMAGES]
    tracemalloc.start()
    try:
        with pytest.raises(DataError, match=f"expands to more than {limit:,} bytes") as error:
            load_dataset("mnist", tmp_path, spec=spec)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(error.value).startswith(f"{bomb}: ")
    assert peak < 5_000_000  # never inflated the 20 MB


def test_the_real_specs_bound_every_file_by_its_published_size():
    expected = {data.TRAIN_IMAGES: 47_040_016, data.TRAIN_LABELS: 60_008,
                data.TEST_IMAGES: 7_840_016, data.TEST_LABELS: 10_008}
    assert data.SPECS["mnist"].sizes == expected
    assert data.SPECS["fashion-mnist"].sizes == expected


def test_book_pickle_is_bounded_while_decompressing(tmp_path, monkeypatch):
    monkeypatch.setattr(pickle_loader, "MAX_PICKLE_BYTES", 1024)
    path, md5 = _pickle_file(tmp_path, np.zeros(2048, np.uint8))  # ~2 KB once decompressed
    with pytest.raises(DataError, match=_starts(path, "expands to more than 1,024 bytes")):
        load_dataset("mnist", tmp_path, spec=tiny_spec(make_arrays(), pickle_md5=md5))


@pytest.mark.parametrize(("served", "message"), [
    (gzip.compress(np.random.default_rng(0).bytes(20_000)), "response larger than"),
    (gzip.compress(bytes(20_000)), "expands to more than"),
], ids=["oversized response", "gzip bomb"])
def test_download_is_bounded_by_the_known_size(tmp_path, monkeypatch, mirror, served, message):
    folder, url = mirror
    files = make_arrays()
    write_dataset(folder, files)
    (folder / f"{data.TRAIN_LABELS}.gz").write_bytes(served)  # the labels are ~128 bytes
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(data.ENV_VAR, raising=False)
    with pytest.raises(DataError, match=re.escape(f"\n  {url}{data.TRAIN_LABELS}.gz: {message}")):
        load_dataset("mnist", spec=tiny_spec(files, mirrors=(url,)))
    assert not (tmp_path / "data" / "mnist" / f"{data.TRAIN_LABELS}.gz").exists()


def test_plain_http_mirrors_are_refused_except_on_this_machine(tmp_path, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("an http mirror must be refused before connecting")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    spec = tiny_spec(make_arrays(), mirrors=("http://mirror.example.org/mnist/",))
    expected = r"http://mirror\.example\.org/mnist/train-images.*: refusing http://.*https URL"
    with pytest.raises(DataError, match=expected):
        data.download(spec, tmp_path)


def test_the_real_mirrors_all_use_https():
    for spec in data.SPECS.values():
        assert all(mirror.startswith("https://") for mirror in spec.mirrors), spec.name


def test_an_unreadable_file_says_to_fix_its_permissions(tmp_path, monkeypatch):
    spec = write_dataset(tmp_path, make_arrays())
    locked = tmp_path / f"{data.TRAIN_IMAGES}.gz"
    real_open = Path.open

    def open_denied(self, *args, **kwargs):  # chmod would not stop root, so deny it here
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_denied)
    with pytest.raises(DataError, match=_starts(locked, "permission denied; fix its permissions")):
        load_dataset("mnist", tmp_path, spec=spec)


@pytest.mark.parametrize(("make", "problem"), [
    (lambda path: None, "file not found"),  # e.g. deleted since the folder was searched
    (lambda path: path.mkdir(), "cannot be read (Is a directory)"),
], ids=["missing", "a directory"])
def test_other_read_failures_are_one_line_too(tmp_path, make, problem):
    path = tmp_path / f"{data.TRAIN_LABELS}.gz"
    make(path)
    with pytest.raises(DataError, match=_starts(path, problem)):
        data.read_verified(path, "0" * 64, 100)


def test_a_folder_that_cannot_be_searched_says_to_fix_its_permissions(tmp_path, monkeypatch):
    spec = write_dataset(tmp_path / "locked", make_arrays())
    real_is_file = Path.is_file

    def is_file_denied(self):
        if self.parent == tmp_path / "locked":
            raise PermissionError(13, "Permission denied", str(self))
        return real_is_file(self)

    monkeypatch.setattr(Path, "is_file", is_file_denied)
    with pytest.raises(DataError, match=_starts(tmp_path / "locked", "permission denied")):
        load_dataset("mnist", tmp_path / "locked", spec=spec)


def test_the_checksum_tables_are_the_published_ones():
    """Swapping or editing any digest below must fail here, not in a user's download."""
    assert data.SPECS["mnist"].sha256 == {
        data.TRAIN_IMAGES: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        data.TRAIN_LABELS: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        data.TEST_IMAGES: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        data.TEST_LABELS: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    }
    assert data.SPECS["fashion-mnist"].sha256 == {
        data.TRAIN_IMAGES: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        data.TRAIN_LABELS: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        data.TEST_IMAGES: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        data.TEST_LABELS: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    }
    assert data.SPECS["mnist"].pickle_md5 == "a02cd19f81d51c426d7ca14024243ce9"
