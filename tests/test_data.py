import gzip
import hashlib
import http.server
import pickle
import threading
from functools import partial

import numpy as np
import pytest

from comparison import data
from comparison.data import DataError, load_dataset
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
    expected = r"no mnist files are there(.|\n)*--data DIR(.|\n)*NN_COMPARE"
    with pytest.raises(DataError, match=expected):
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


def test_another_datasets_files_with_the_same_names_are_not_taken(tmp_path):
    """Fashion-MNIST uses MNIST's file names; the label checksum tells them apart."""
    mnist = write_dataset(tmp_path, make_arrays(seed=0))
    other = tiny_spec(make_arrays(seed=1), name="fashion-mnist")
    assert data.locate(mnist, tmp_path) == tmp_path
    with pytest.raises(DataError, match="no fashion-mnist files are there"):
        data.locate(other, tmp_path)
