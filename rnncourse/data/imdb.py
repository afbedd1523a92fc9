"""The IMDB movie reviews (lesson 05 and the sentiment lab), in ``keras.datasets.imdb``'s coding.

The reviews are not shipped with any package: :func:`load_imdb` reads the course cache
or the file Keras downloaded earlier, and downloads the 17 MB file (verified by SHA-256)
only when asked to.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rnncourse.data.registry import data_dir, dataset_info, locate, register_dataset
from rnncourse.data.text import pad_and_mask
from rnncourse.errors import DatasetError, DatasetNotAvailableError, InputError

__all__ = ["ImdbReviews", "imdb_available", "imdb_splits", "keras_datasets_dir", "load_imdb",
           "read_imdb"]

KERAS_HOME_ENV = "KERAS_HOME"
IMDB_START_ID, IMDB_OOV_ID, IMDB_INDEX_FROM = 1, 2, 3


def keras_datasets_dir() -> Path:
    """Where ``keras.datasets`` keeps files: ``$KERAS_HOME/datasets`` or ``~/.keras/datasets``."""
    home = os.environ.get(KERAS_HOME_ENV, "").strip()
    return (Path(home).expanduser() if home else Path.home() / ".keras") / "datasets"


def _keras_cached_file(filename: str) -> Callable[[], Path | None]:
    """Locate ``filename`` in Keras's own download cache, if Keras fetched it before."""

    def locate() -> Path | None:
        path = keras_datasets_dir() / filename
        return path if path.is_file() else None

    return locate


@dataclass(frozen=True)
class ImdbReviews:
    """The IMDB reviews as word-id lists, encoded exactly as ``keras.datasets.imdb`` does.

    Every review starts with id 1 (start), words are ranked by frequency from id 3 on
    (id 3 is the most frequent word), id 2 replaces words outside the ``num_words`` most
    frequent ones, and 0 is left free for padding.

    Attributes:
        x_train, x_test: Object arrays of reviews, each a list of int word ids.
        y_train, y_test: Labels, 1 positive and 0 negative, shape ``(reviews,)``.
        num_words: The id limit used (``None``: every word kept).
        source: The copy the reviews were read from.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    num_words: int | None
    source: str = ""


def read_imdb(path: Path, num_words: int | None = None, seed: int = 113,
              source: str = "") -> ImdbReviews:
    """Read Keras's ``imdb.npz`` the way ``keras.datasets.imdb.load_data`` does.

    The same shuffle (``seed=113``), start id 1, out-of-vocabulary id 2 and word ids
    offset by 3, so results match code written for ``keras.datasets.imdb``. The reviews
    are stored as pickled object arrays; :func:`load_imdb` only reads a file whose SHA-256
    has been verified, so nothing but the known file is ever unpickled.

    Args:
        path: A checksum-verified ``imdb.npz``.
        num_words: Keep ids below this (the most frequent words); others become id 2.
        seed: The shuffle seed (113 in Keras).
        source: Where the file came from, kept in :attr:`ImdbReviews.source`.
    """
    if num_words is not None and (isinstance(num_words, bool) or int(num_words) <= IMDB_INDEX_FROM):
        raise DatasetError(f"num_words must be more than {IMDB_INDEX_FROM} (ids 0-2 are "
                           f"reserved), got {num_words!r}; 10000 is a common choice.")
    with np.load(path, allow_pickle=True) as archive:
        missing = {"x_train", "y_train", "x_test", "y_test"} - set(archive.files)
        if missing:
            raise DatasetError(f"{path} lacks the arrays {sorted(missing)}; it is not Keras's "
                               "imdb.npz. Remove it and load again.")
        parts = {key: archive[key] for key in ("x_train", "y_train", "x_test", "y_test")}
    shuffler = np.random.RandomState(seed)
    for split in ("train", "test"):
        order = np.arange(len(parts[f"x_{split}"]))
        shuffler.shuffle(order)
        parts[f"x_{split}"], parts[f"y_{split}"] = parts[f"x_{split}"][order], \
            parts[f"y_{split}"][order]

    def encode(review: Any) -> list[int]:
        ids = [IMDB_START_ID] + [int(word) + IMDB_INDEX_FROM for word in review]
        if num_words is None:
            return ids
        return [word if word < num_words else IMDB_OOV_ID for word in ids]

    def as_object_array(reviews: np.ndarray) -> np.ndarray:
        encoded = np.empty(len(reviews), dtype=object)
        encoded[:] = [encode(review) for review in reviews]
        return encoded

    return ImdbReviews(x_train=as_object_array(parts["x_train"]),
                       y_train=np.asarray(parts["y_train"], dtype=np.int64),
                       x_test=as_object_array(parts["x_test"]),
                       y_test=np.asarray(parts["y_test"], dtype=np.int64),
                       num_words=None if num_words is None else int(num_words), source=source)


register_dataset("imdb", reader=read_imdb,
                 packaged_path=_keras_cached_file("imdb.npz"))


def imdb_available() -> bool:
    """True when a copy of the IMDB reviews is on this machine (no network is touched)."""
    info = dataset_info("imdb")
    return (data_dir() / info.filename).is_file() or (
        info.packaged_path is not None and info.packaged_path() is not None)


def load_imdb(num_words: int | None = 10_000, download: bool = False,
              verbose: bool = True) -> ImdbReviews:
    """Load the IMDB reviews offline, from the course cache or Keras's cache.

    Looks in the course cache folder, then in Keras's own cache (``~/.keras/datasets``,
    where ``keras.datasets.imdb.load_data`` keeps its download), and downloads (17 MB,
    verified by SHA-256) only when ``download=True``.

    Args:
        num_words: Keep the this many most frequent ids (others become id 2); ``None``
            keeps all.
        download: Allow the download when no local copy exists.
        verbose: Print which copy was used.

    Raises:
        DatasetNotAvailableError: no local copy and ``download`` is false.
        ChecksumError: a local copy is corrupted or a different file.
    """
    info = dataset_info("imdb")
    try:
        path, source = locate(info.name, download_if_missing=download)
    except DatasetNotAvailableError:
        raise DatasetNotAvailableError(
            f"The IMDB reviews are not on this machine: neither {data_dir() / info.filename} "
            f"nor Keras's cache {keras_datasets_dir() / info.filename} exists. Allow the "
            "one-off 17 MB download with rnncourse.data.imdb.load_imdb(download=True), or copy "
            "imdb.npz into one of those folders. The notebooks run offline without it."
        ) from None
    if info.packaged_path is not None and path == info.packaged_path():
        source = f"copy Keras downloaded earlier ({path})"
    reviews = read_imdb(path, num_words=num_words, source=source)
    if verbose:
        print(f"Loaded imdb from the {source}: {len(reviews.x_train):,} training and "
              f"{len(reviews.x_test):,} test reviews.")
    return reviews


def imdb_splits(reviews, examples: int, length: int,
                validation_share: float = 0.2) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Padded ``(ids, labels)`` for training, validation and test from the IMDB reviews.

    Takes the first ``examples`` training reviews (Keras already shuffled them), keeps
    the last ``validation_share`` of those for validation, the first ``examples`` test
    reviews for testing, and pads or cuts each review to its first ``length`` ids.

    Args:
        reviews: What :func:`load_imdb` returns.
        examples: Reviews to take from each of the training and test parts.
        length: Time steps per review.
        validation_share: Fraction of the training reviews held out for validation.
    """
    if not 0 < validation_share < 1:
        raise InputError(f"validation_share must lie in (0, 1), got {validation_share}.")
    if examples < 10:
        raise InputError(f"Use at least 10 reviews, got {examples}.")
    cut = int(round(examples * (1 - validation_share)))
    x_train, _ = pad_and_mask(list(reviews.x_train[:examples]), length)
    x_test, _ = pad_and_mask(list(reviews.x_test[:examples]), length)
    y_train, y_test = reviews.y_train[:examples], reviews.y_test[:examples]
    return {"train": (x_train[:cut], y_train[:cut]),
            "validation": (x_train[cut:], y_train[cut:]),
            "test": (x_test, y_test)}
