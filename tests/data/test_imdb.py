"""The IMDB entry of the data layer: offline by default, Keras's cache reused, verified.

The network is never touched: ``urlopen`` is replaced by a fake for the download test
and by a tripwire everywhere else, and a small fake ``imdb.npz`` stands in for the
real file (its SHA-256 is swapped into the registry for the test).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
from pathlib import Path

import numpy as np
import pytest

from rnncourse.data import registry
from rnncourse.data.imdb import (
    IMDB_OOV_ID,
    KERAS_HOME_ENV,
    imdb_available,
    keras_datasets_dir,
    load_imdb,
    read_imdb,
)
from rnncourse.data.registry import DATA_DIR_ENV, REGISTRY, list_datasets, load
from rnncourse.errors import ChecksumError, DatasetError, DatasetNotAvailableError

IMDB = REGISTRY["imdb"]


def _write_fake_imdb(path: Path) -> bytes:
    """A tiny file in Keras's layout: ragged reviews of raw word ranks (0-based)."""
    reviews = [[0, 1, 2], [5, 0], [9, 9, 9, 1], [3]]
    ragged = np.empty(len(reviews), dtype=object)
    ragged[:] = reviews
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, x_train=ragged, y_train=np.array([1, 0, 1, 0]),
             x_test=ragged[:2], y_test=np.array([0, 1]))
    return path.read_bytes()


@pytest.fixture
def offline(tmp_path, monkeypatch):
    """Empty course and Keras caches, and a tripwire on the network."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "course"))
    monkeypatch.setenv(KERAS_HOME_ENV, str(tmp_path / "keras"))

    def no_network(*args, **kwargs):
        raise AssertionError("the IMDB loader touched the network")

    monkeypatch.setattr(registry.urllib.request, "urlopen", no_network)
    return tmp_path


@pytest.fixture
def fake_file(tmp_path, monkeypatch):
    """Write the fake file somewhere and register its checksum; returns its bytes."""
    body = _write_fake_imdb(tmp_path / "made" / "imdb.npz")
    entry = dataclasses.replace(IMDB, sha256=hashlib.sha256(body).hexdigest())
    monkeypatch.setitem(REGISTRY, "imdb", entry)
    return body


def test_the_entry_is_complete_and_points_at_the_keras_file():
    assert "imdb" in list_datasets()
    assert IMDB.url == "https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz"
    assert IMDB.sha256 == "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
    assert IMDB.notebooks == ("05",) and IMDB.licence and IMDB.origin and IMDB.size


def test_nothing_local_means_a_clear_error_and_no_download(offline):
    assert not imdb_available()
    with pytest.raises(DatasetNotAvailableError, match=r"download=True") as error:
        load_imdb()
    assert "keras" in str(error.value).lower()
    with pytest.raises(DatasetNotAvailableError, match="download=True"):
        load("imdb")


def test_keras_cached_copy_is_used_offline(offline, fake_file, capsys):
    (offline / "keras" / "datasets").mkdir(parents=True)
    (offline / "keras" / "datasets" / "imdb.npz").write_bytes(fake_file)
    assert imdb_available()
    reviews = load_imdb(num_words=None)
    assert "copy Keras downloaded earlier" in reviews.source
    assert "copy Keras downloaded earlier" in capsys.readouterr().out
    assert len(reviews.x_train) == 4 and len(reviews.x_test) == 2


def test_encoding_follows_keras_conventions(offline, fake_file, tmp_path):
    path = tmp_path / "made" / "imdb.npz"
    reviews = read_imdb(path, num_words=None)
    order = np.arange(4)
    np.random.RandomState(113).shuffle(order)  # Keras's shuffle of the training reviews
    raw = [[0, 1, 2], [5, 0], [9, 9, 9, 1], [3]]
    expected = [[1] + [word + 3 for word in raw[i]] for i in order]
    assert [list(review) for review in reviews.x_train] == expected
    assert reviews.y_train.tolist() == [[1, 0, 1, 0][i] for i in order]
    limited = read_imdb(path, num_words=8)
    for full, cut in zip(reviews.x_train, limited.x_train, strict=True):
        assert cut == [word if word < 8 else IMDB_OOV_ID for word in full]


def test_course_cache_is_preferred_to_the_keras_cache(offline, fake_file):
    for folder in (offline / "course", offline / "keras" / "datasets"):
        folder.mkdir(parents=True)
        (folder / "imdb.npz").write_bytes(fake_file)
    assert "cached download" in load_imdb(verbose=False).source


def test_corrupted_keras_copy_is_reported_and_left_alone(offline, fake_file):
    folder = offline / "keras" / "datasets"
    folder.mkdir(parents=True)
    (folder / "imdb.npz").write_bytes(fake_file[:-10])
    with pytest.raises(ChecksumError, match="left untouched"):
        load_imdb()
    assert (folder / "imdb.npz").read_bytes() == fake_file[:-10]


def test_download_only_when_asked_and_verified(offline, fake_file, monkeypatch):
    calls = []

    class Response(io.BytesIO):
        def __enter__(self):
            return self

        def __exit__(self, *args):
            self.close()

    def fake_urlopen(url, timeout):
        calls.append(url)
        return Response(fake_file)

    monkeypatch.setattr(registry.urllib.request, "urlopen", fake_urlopen)
    with pytest.raises(DatasetNotAvailableError):
        load_imdb()
    assert calls == []
    reviews = load_imdb(download=True, verbose=False)
    assert calls == [IMDB.url] and "fresh download" in reviews.source
    assert (offline / "course" / "imdb.npz").read_bytes() == fake_file


def test_a_file_that_is_not_imdb_and_bad_num_words_are_named(tmp_path):
    wrong = tmp_path / "wrong.npz"
    np.savez(wrong, something=np.arange(3))
    with pytest.raises(DatasetError, match="not Keras's imdb.npz"):
        read_imdb(wrong)
    with pytest.raises(DatasetError, match="num_words"):
        read_imdb(wrong, num_words=2)


@pytest.mark.skipif(not (keras_datasets_dir() / "imdb.npz").is_file(),
                    reason="the real imdb.npz is not in Keras's cache (no download in tests)")
def test_real_file_matches_keras_loader():  # pragma: no cover - only where it is cached
    import keras

    (x_train, y_train), _ = keras.datasets.imdb.load_data(num_words=5000)
    reviews = load_imdb(num_words=5000, verbose=False)
    assert list(reviews.x_train[0]) == list(x_train[0])
    assert np.array_equal(reviews.y_train, y_train)
