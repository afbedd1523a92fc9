"""The sentiment lab's reviews: the real IMDB set when it is here, else Rotten Tomatoes, one coding.

:func:`movie_reviews` returns a :class:`MovieReviews` either way, with every review as a
list of word ids in the coding of ``keras.datasets.imdb`` (1 starts a review, 2 stands for a
word outside the vocabulary, words from 3 on by falling frequency, 0 left for padding), so
the lab's code is the same for both:

* **IMDB** (:mod:`rnncourse.data.imdb`): 25,000 training and 25,000 test reviews whose
  films do not overlap. The validation reviews are taken from the test half (it is split in
  two at random), so that they are drawn like the test reviews, films unseen in training;
  validating on reviews of training films would reward memorising films. Words are shown
  only when Keras's word list ``imdb_word_index.json`` is on the machine
  (``keras.datasets.imdb.get_word_index()`` fetches and checks it).
* **Rotten Tomatoes** (:mod:`rnncourse.data.rotten_tomatoes`): the 12,752 distinct snippets,
  split by film into training, validation and test (each part's rows then shuffled, so the
  first reviews of a part are not all about one film); the vocabulary is counted on the
  training part only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from rnncourse.data import imdb as imdb_data
from rnncourse.data import rotten_tomatoes
from rnncourse.data.registry import data_dir, dataset_info, register_dataset
from rnncourse.data.text import standardize, vocabulary_from_texts
from rnncourse.errors import ChecksumError, DatasetError, InputError
from rnncourse.validation import as_int, as_seed, one_of

__all__ = ["MovieReviews", "check_disjoint_films", "encode_like_imdb", "imdb_word_list",
           "movie_reviews", "read_imdb_word_index"]

START_ID, OOV_ID, FIRST_WORD_ID = 1, 2, 3
_SOURCES = ("auto", "imdb", "rotten_tomatoes")


@dataclass(frozen=True)
class MovieReviews:
    """Reviews as word-id lists (``keras.datasets.imdb``'s coding) in three parts.

    Attributes:
        name: ``"imdb"`` or ``"rotten_tomatoes"``.
        x_train, x_validation, x_test: Object arrays, one list of int ids per review.
        y_train, y_validation, y_test: Labels, 1 positive and 0 negative.
        words: ``words[i]`` is the word with id ``i`` (ids 0-2 are ``"<pad>"``,
            ``"<start>"``, ``"<oov>"``); ``None`` when IMDB's word list is not here.
        num_words: The id limit (ids are below it).
        texts_test: The test reviews as written (Rotten Tomatoes only, else ``None``).
        films: The films of each part (Rotten Tomatoes only, else ``None``).
        source: Which copy of the data was read.
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_validation: np.ndarray
    y_validation: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    words: list[str] | None
    num_words: int
    texts_test: list[str] | None = None
    films: dict[str, np.ndarray] | None = None
    source: str = ""

    def decode(self, ids: Sequence[int]) -> str:
        """The words of one review (padding left out), or its ids if no word list is here."""
        ids = [int(i) for i in ids if int(i) != 0]
        if self.words is None:
            return " ".join(str(i) for i in ids)
        return " ".join(self.words[i] if i < len(self.words) else "<oov>" for i in ids
                        if i != START_ID)

    def sizes(self) -> dict[str, int]:
        """Reviews per part."""
        return {"train": len(self.x_train), "validation": len(self.x_validation),
                "test": len(self.x_test)}


def _object_array(rows: list[list[int]]) -> np.ndarray:
    array = np.empty(len(rows), dtype=object)
    array[:] = rows
    return array


def encode_like_imdb(texts: Sequence[str], vocabulary: Sequence[str]) -> np.ndarray:
    """Texts to id lists in ``keras.datasets.imdb``'s coding, from a ``TextVectorization``-style
    vocabulary (``""``, ``"[UNK]"``, then words by frequency, as
    :func:`rnncourse.data.text.vocabulary_from_texts` returns).

    The word at position ``k >= 2`` of the vocabulary gets id ``k + 1`` (the most frequent
    word is 3, as in IMDB), a word not in it gets 2, and every review starts with 1.
    """
    if len(vocabulary) < 2 or vocabulary[0] != "" or vocabulary[1] != "[UNK]":
        raise InputError("The vocabulary must start with '' and '[UNK]' "
                         "(rnncourse.data.text.vocabulary_from_texts builds one).")
    index = {word: position + 1 for position, word in enumerate(vocabulary) if position >= 2}
    return _object_array([[START_ID] + [index.get(word, OOV_ID) for word in standardize(text)]
                          for text in texts])


# -------------------------------------------------------------------- IMDB's word list


def read_imdb_word_index(path: Path) -> dict[str, int]:
    """Read Keras's ``imdb_word_index.json`` (word -> rank, 1 the most frequent), checked by
    the MD5 Keras publishes for it."""
    expected = dataset_info("imdb_word_index").extra["md5"]
    actual = hashlib.md5(Path(path).read_bytes(), usedforsecurity=False).hexdigest()
    if actual != expected:
        raise ChecksumError(f"{path} has MD5 {actual}, not Keras's {expected}; it is not "
                            "imdb_word_index.json. It was left untouched.")
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _keras_word_index() -> Path | None:
    path = imdb_data.keras_datasets_dir() / "imdb_word_index.json"
    return path if path.is_file() else None


register_dataset("imdb_word_index", reader=read_imdb_word_index, packaged_path=_keras_word_index)


def imdb_word_list(num_words: int) -> list[str] | None:
    """``words[id]`` for IMDB's coding, or ``None`` when the word list is not on this machine."""
    info = dataset_info("imdb_word_index")
    for path in (data_dir() / info.filename, _keras_word_index()):
        if path is not None and path.is_file():
            ranks = read_imdb_word_index(path)
            words = ["<pad>", "<start>", "<oov>"] + ["<oov>"] * (num_words - FIRST_WORD_ID)
            for word, rank in ranks.items():
                if rank + FIRST_WORD_ID - 1 < num_words:
                    words[rank + FIRST_WORD_ID - 1] = word
            return words
    return None


# --------------------------------------------------------------------------- the lab's data


def _imdb(num_words: int, validation: int, seed: int, download: bool,
          verbose: bool) -> MovieReviews:
    reviews = imdb_data.load_imdb(num_words=num_words, download=download, verbose=verbose)
    order = np.random.default_rng(seed).permutation(len(reviews.x_test))
    held, test = order[:validation], order[validation:]
    return MovieReviews(
        name="imdb", x_train=reviews.x_train, y_train=reviews.y_train,
        x_validation=reviews.x_test[held], y_validation=reviews.y_test[held],
        x_test=reviews.x_test[test], y_test=reviews.y_test[test],
        words=imdb_word_list(num_words), num_words=num_words, source=reviews.source)


def _rotten_tomatoes(num_words: int, shares: Sequence[float], seed: int,
                     verbose: bool) -> MovieReviews:
    frame = rotten_tomatoes.rotten_tomatoes_reviews(verbose=verbose)
    parts = rotten_tomatoes.split_by_film(frame, shares=shares, seed=seed)
    rng = np.random.default_rng(seed)  # the parts come in film order: mix their rows
    parts = {name: part.iloc[rng.permutation(len(part))].reset_index(drop=True)
             for name, part in parts.items()}
    vocabulary = vocabulary_from_texts(parts["train"]["text"].tolist(),
                                       max_tokens=num_words - 1)
    encoded = {name: encode_like_imdb(part["text"].tolist(), vocabulary)
               for name, part in parts.items()}
    words = ["<pad>", "<start>", "<oov>", *vocabulary[2:]]
    return MovieReviews(
        name="rotten_tomatoes",
        x_train=encoded["train"], y_train=parts["train"]["label"].to_numpy(),
        x_validation=encoded["validation"], y_validation=parts["validation"]["label"].to_numpy(),
        x_test=encoded["test"], y_test=parts["test"]["label"].to_numpy(),
        words=words, num_words=len(words), texts_test=parts["test"]["text"].tolist(),
        films={name: part["film"].unique() for name, part in parts.items()},
        source=frame.attrs.get("source", ""))


def movie_reviews(source: str = "auto", num_words: int = 10_000, seed: int = 0,
                  imdb_validation: int = 5_000,
                  shares: Sequence[float] = (0.7, 0.15, 0.15), download: bool = False,
                  limit: int | None = None, verbose: bool = True) -> MovieReviews:
    """The sentiment lab's reviews, IMDB if it is on this machine, else Rotten Tomatoes.

    Args:
        source: ``"auto"`` (IMDB when its file is here or ``download`` is true, else Rotten
            Tomatoes), ``"imdb"`` or ``"rotten_tomatoes"``.
        num_words: Ids stay below this: the ``num_words - 3`` most frequent training words
            keep their own id, the rest become 2.
        seed: Seeds the validation draw (IMDB) or the split by film (Rotten Tomatoes).
        imdb_validation: IMDB test reviews set aside for validation (the rest are the test).
        shares: Rotten Tomatoes' training, validation and test shares of the reviews.
        download: Allow the one-off 17 MB IMDB download (verified by SHA-256).
        limit: Keep only the first ``limit`` reviews of each part (for quick runs); ``None``
            or 0 keeps them all. The vocabulary is counted before the cut.
        verbose: Print what was loaded.
    """
    source = one_of("source", source, _SOURCES)
    num_words = as_int("num_words", num_words, minimum=FIRST_WORD_ID + 1)
    seed = as_seed("seed", seed)
    if source == "auto":
        source = "imdb" if download or imdb_data.imdb_available() else "rotten_tomatoes"
    if source == "imdb":
        validation = as_int("imdb_validation", imdb_validation, minimum=1, maximum=24_999)
        reviews = _imdb(num_words, validation, seed, bool(download), verbose)
    else:
        reviews = _rotten_tomatoes(num_words, shares, seed, verbose)
    if limit:
        reviews = _first(reviews, as_int("limit", limit, minimum=1))
    if verbose:
        sizes = reviews.sizes()
        print(f"{reviews.name}: {sizes['train']:,} training, {sizes['validation']:,} validation "
              f"and {sizes['test']:,} test reviews; ids below {reviews.num_words:,}.")
    return reviews


def _first(reviews: MovieReviews, limit: int) -> MovieReviews:
    parts = {f"{kind}_{part}": getattr(reviews, f"{kind}_{part}")[:limit]
             for kind in "xy" for part in ("train", "validation", "test")}
    texts = None if reviews.texts_test is None else reviews.texts_test[:limit]
    return replace(reviews, texts_test=texts, **parts)


def check_disjoint_films(reviews: MovieReviews) -> None:
    """Raise :class:`DatasetError` if a film appears in two parts (Rotten Tomatoes only)."""
    if reviews.films is None:
        return
    names = list(reviews.films)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            shared = set(reviews.films[first]) & set(reviews.films[second])
            if shared:
                raise DatasetError(f"{len(shared)} films are in both {first} and {second}, e.g. "
                                   f"{sorted(shared)[0]!r}.")
