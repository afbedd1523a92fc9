"""What a learner passes the data layer by mistake, and the error each mistake must get.

Each row: a call with a bad argument, the exception it must raise (a package error that is
also the built-in a Python user expects) and words the message must contain: the problem
and, where there is one, the fix. A row fails when its validation is removed, because the
call then raises something else (NumPy's message, a KeyError) or nothing at all.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from rnncourse.data import registry
from rnncourse.data.generated import dates, intents, motion_clips, recall, reviews
from rnncourse.data.generated import synthetic_tasks as tasks
from rnncourse.data.imdb import ImdbReviews, imdb_splits, read_imdb
from rnncourse.data.sequences import (
    StandardScaler,
    Vocabulary,
    as_series,
    chronological_split,
    make_windows,
    one_hot,
    tokenize,
)
from rnncourse.data.text import (
    char_windows,
    character_vocabulary,
    encode_texts,
    next_character_batches,
    one_hot_text,
    pad_and_mask,
    standardize,
    vocabulary_from_texts,
)
from rnncourse.data.weather import read_seattle_weather
from rnncourse.errors import (
    ArgumentTypeError,
    ConfigError,
    DatasetError,
    InputError,
    ShapeError,
    UnknownDatasetError,
)

SERIES = np.arange(20.0)
VOCABULARY = ["", "[UNK]", "the", "phone", "is", "good"]
CHARS = {"a": 0, "b": 1}

ROWS = [
    # registry
    ("dataset name not a string", lambda: registry.dataset_info(3), UnknownDatasetError,
     ["strings", "seattle_weather"]),
    ("unknown dataset", lambda: registry.load("weather"), UnknownDatasetError,
     ["unknown dataset", "known datasets"]),
    ("negative download timeout", lambda: registry.download("seattle_weather", timeout=-1),
     InputError, ["timeout", "greater than zero"]),
    # sequences
    ("series of text", lambda: as_series(["a", "b"]), ShapeError, ["numeric"]),
    ("ragged series", lambda: as_series([[1, 2], [3]]), ShapeError, ["numeric"]),
    ("3-D series", lambda: as_series(np.zeros((2, 2, 2))), ShapeError, ["1-D", "2-D"]),
    ("series with NaN", lambda: as_series([1.0, np.nan]), ShapeError, ["NaN"]),
    ("window zero", lambda: make_windows(SERIES, 0), InputError, ["window", "positive"]),
    ("window as text", lambda: make_windows(SERIES, "3"), InputError, ["window", "whole number"]),
    ("fractional window", lambda: make_windows(SERIES, 2.5), InputError, ["window"]),
    ("window longer than series", lambda: make_windows(SERIES, 25), InputError,
     ["window=25", "shorter window"]),
    ("horizon zero", lambda: make_windows(SERIES, 3, horizon=0), InputError, ["horizon"]),
    ("target of other length", lambda: make_windows(SERIES, 3, target=np.arange(5.0)),
     InputError, ["target", "aligned"]),
    ("split without arrays", lambda: chronological_split(), InputError, ["at least one"]),
    ("fractions not summing to 1", lambda: chronological_split(SERIES, fractions=(0.5, 0.2)),
     InputError, ["fractions", "sum to 1"]),
    ("split arrays of other lengths", lambda: chronological_split(SERIES, SERIES[:5]),
     InputError, ["same length"]),
    ("scaler fitted on NaN", lambda: StandardScaler().fit([[1.0], [np.nan]]), ShapeError,
     ["NaN"]),
    ("scaler fitted on a text column", lambda: StandardScaler().fit([["a"], ["b"]]), ShapeError,
     ["numeric"]),
    ("scaler fitted on nothing", lambda: StandardScaler().fit([]), InputError, ["empty"]),
    ("transform before fit", lambda: StandardScaler().transform([1.0]), InputError,
     ["fit(train_data)"]),
    ("transform with other features",
     lambda: StandardScaler().fit(np.ones((3, 2))).transform(np.ones((3, 3))), InputError,
     ["2 features", "got 3"]),
    ("one-hot of floats", lambda: one_hot([0.5], 3), InputError, ["integer"]),
    ("one-hot depth zero", lambda: one_hot([0], 0), InputError, ["depth"]),
    ("one-hot index too large", lambda: one_hot([3], 3), InputError, ["[0, 2]", "vocabulary"]),
    ("vocabulary max_size -1", lambda: Vocabulary.from_texts(["a b"], max_size=-1), InputError,
     ["max_size", "positive"]),
    ("vocabulary from one string", lambda: Vocabulary.from_texts("the phone is good"),
     InputError, ["list of texts"]),
    ("tokenize a number", lambda: tokenize(3), ArgumentTypeError, ["string"]),
    ("unknown token level", lambda: tokenize("a", level="sentence"), InputError,
     ["'word'", "'char'"]),
    # text
    ("standardize None", lambda: standardize(None), ArgumentTypeError, ["sentence", "None"]),
    ("pad to length zero", lambda: pad_and_mask([[1, 2]], 0), InputError, ["length"]),
    ("pad ids that include 0", lambda: pad_and_mask([[1, 0]], 3), InputError, ["padding"]),
    ("None among texts to encode", lambda: encode_texts(["the phone", None], VOCABULARY, 4),
     ArgumentTypeError, ["text 1", "None"]),
    ("one string to encode", lambda: encode_texts("the phone", VOCABULARY, 4), InputError,
     ["list"]),
    ("vocabulary without reserved tokens", lambda: encode_texts(["x"], ["the", "phone"], 4),
     InputError, ["[UNK]"]),
    ("text vocabulary from one string", lambda: vocabulary_from_texts("the phone"), InputError,
     ["list of texts"]),
    ("character vocabulary of nothing", lambda: character_vocabulary(""), InputError,
     ["empty"]),
    ("character windows of zero steps", lambda: next_character_batches("abab", 0, CHARS),
     InputError, ["steps"]),
    ("unknown character in batches", lambda: next_character_batches("abc", 2, CHARS),
     InputError, ["'c'", "vocabulary"]),
    ("unknown character one-hot", lambda: one_hot_text("abc", CHARS), InputError, ["'c'"]),
    ("stride zero", lambda: char_windows("abababab", 3, CHARS, stride=0), InputError,
     ["stride"]),
    # generated sets
    ("negative date count", lambda: dates.make_date_pairs(-1), InputError, ["count"]),
    ("negative date seed", lambda: dates.make_date_pairs(3, seed=-1), InputError,
     ["seed", "negative"]),
    ("unknown date split", lambda: dates.make_date_pairs(3, split="val"), InputError,
     ["split", "'train'"]),
    ("format_date given a string", lambda: dates.format_date("2009-03-03", "dotted"),
     ArgumentTypeError, ["datetime.date", "fromisoformat"]),
    ("unknown date format", lambda: dates.format_date(dt.date(2009, 3, 3), "iso"), InputError,
     ["format", "us_slash"]),
    ("encode one date text", lambda: dates.DateCodec().encode_sources("3 March 2009"),
     InputError, ["list"]),
    ("a target that is not ISO", lambda: dates.DateCodec().encode_targets(["2009/03/03"]),
     InputError, ["YYYY-MM-DD"]),
    ("zero reviews", lambda: reviews.make_review_corpus(0), InputError, ["examples"]),
    ("unknown review split", lambda: reviews.make_review_corpus(4, split="dev"), InputError,
     ["split"]),
    ("negative review seed", lambda: reviews.make_review_corpus(4, seed=-2), InputError,
     ["seed"]),
    ("zero intents", lambda: intents.make_intent_corpus(0), InputError, ["examples"]),
    ("negative intent seed", lambda: intents.make_intent_corpus(4, seed=-1), InputError,
     ["seed"]),
    ("look-ahead beyond the sequence", lambda: tasks.lookahead_tags(4, 5, 6, 10), InputError,
     ["lookahead"]),
    ("odd look-ahead vocabulary", lambda: tasks.lookahead_tags(4, 8, 2, 7), InputError,
     ["vocabulary_size", "even"]),
    ("negative task seed", lambda: tasks.lookahead_tags(4, 8, 2, 10, seed=-3), InputError,
     ["seed"]),
    ("recall of zero examples", lambda: recall.marked_recall(0, 5, 0), InputError, ["examples"]),
    ("negative recall seed", lambda: recall.marked_recall(3, 5, -1), InputError, ["seed"]),
    ("recall with one symbol", lambda: recall.marked_recall(3, 5, 0, symbols=1), InputError,
     ["2 symbols"]),
    ("zero clips", lambda: motion_clips.make_motion_clips(0), InputError, ["n_clips"]),
    ("tiny frames", lambda: motion_clips.make_motion_clips(4, frame_size=6), InputError,
     ["frame_size", "12"]),
    ("unknown motion class", lambda: motion_clips.make_motion_clips(4, classes=("spin",)),
     InputError, ["classes", "right"]),
    ("negative clip noise", lambda: motion_clips.make_motion_clips(4, noise=-0.1), InputError,
     ["noise"]),
    ("negative clip seed", lambda: motion_clips.make_motion_clips(4, seed=-1), InputError,
     ["seed"]),
    ("unknown digit subset", lambda: motion_clips.digit_images("validation"), InputError,
     ["subset"]),
    ("unknown sequence rule", lambda: motion_clips.make_digit_sequences(4, rules=("square",)),
     InputError, ["rules", "double"]),
    # real-data readers
    ("IMDB num_words too small", lambda: read_imdb("unused.npz", num_words=2), DatasetError,
     ["num_words", "10000"]),
]


@pytest.mark.parametrize("call, kind, words", [row[1:] for row in ROWS],
                         ids=[row[0] for row in ROWS])
def test_bad_input_gets_a_clear_error(call, kind, words, expect_error):
    expect_error(call, kind, *words)


def test_imdb_splits_refuse_bad_sizes(expect_error):
    reviews_ = ImdbReviews(np.array([[1, 2]] * 20, dtype=object), np.zeros(20, int),
                           np.array([[1, 2]] * 20, dtype=object), np.zeros(20, int), None)
    expect_error(lambda: imdb_splits(reviews_, 5, 10), InputError, "at least 10")
    expect_error(lambda: imdb_splits(reviews_, 20, 10, validation_share=1.5), InputError,
                 "validation_share")


def test_weather_reader_names_a_wrong_file(tmp_path, expect_error):
    other = tmp_path / "seattle-weather.csv"
    other.write_text("day,rain\n2012-01-01,0\n")
    expect_error(lambda: read_seattle_weather(other), DatasetError, "not the Seattle weather")


def test_a_data_folder_that_is_a_file_is_named_before_anything_is_written(
        tmp_path, monkeypatch, expect_error):
    blocker = tmp_path / "data"
    blocker.write_text("my notes")
    monkeypatch.setenv(registry.DATA_DIR_ENV, str(blocker))
    expect_error(lambda: registry.writable_data_dir("checkpoints"), ConfigError,
                 "is a file", "RNNCOURSE_DATA_DIR")
    expect_error(lambda: registry.download("seattle_weather"), ConfigError, "is a file")
    assert blocker.read_text() == "my notes"


def test_a_read_only_data_folder_is_named(tmp_path, monkeypatch, expect_error):
    folder = tmp_path / "locked"
    folder.mkdir()
    monkeypatch.setenv(registry.DATA_DIR_ENV, str(folder))
    # Root may write anywhere, so stand in for a read-only folder by denying the access test.
    monkeypatch.setattr(registry.os, "access", lambda path, mode: False)
    expect_error(lambda: registry.writable_data_dir(), ConfigError, "read-only",
                 "RNNCOURSE_DATA_DIR")
