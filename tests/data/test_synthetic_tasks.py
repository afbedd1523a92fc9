"""The notebook 06 synthetic tasks: exact labels, seeding and argument errors."""

import numpy as np
import pytest

from rnncourse.data.generated import synthetic_tasks
from rnncourse.data.generated.synthetic_tasks import (
    AMBIGUOUS_TOKEN,
    ambiguous_word_tags,
    causal_accuracy_ceiling,
    causal_tagging_ceiling,
    frequency_sequences,
    lookahead_tags,
)
from rnncourse.errors import InputError


def test_lookahead_tags_follow_the_word_ahead():
    tokens, tags = lookahead_tags(50, 10, 3, 8, seed=1)
    assert tokens.shape == tags.shape == (50, 10)
    assert tokens.dtype == tags.dtype == np.int32
    np.testing.assert_array_equal(tags[:, :7], (tokens[:, 3:] >= 4).astype(np.int32))
    assert (tags[:, 7:] == synthetic_tasks.NO_CUE).all()


def test_lookahead_tags_are_independent_of_the_past():
    tokens, tags = lookahead_tags(20000, 6, 2, 4, seed=0)
    # The tag at t has nothing to do with the word at t: both halves are near 50/50.
    same = np.mean(tags[:, :4] == (tokens[:, :4] >= 2))
    assert abs(same - 0.5) < 0.02


def test_seeds_reproduce_and_differ():
    first = lookahead_tags(5, 6, 1, 4, seed=3)
    np.testing.assert_array_equal(first[0], lookahead_tags(5, 6, 1, 4, seed=3)[0])
    assert not np.array_equal(first[0], lookahead_tags(5, 6, 1, 4, seed=4)[0])
    generator = np.random.default_rng(0)
    assert lookahead_tags(2, 4, 1, 2, seed=generator)[0].shape == (2, 4)


def test_causal_ceiling():
    assert causal_accuracy_ceiling(12, 3) == pytest.approx(0.625)
    assert causal_accuracy_ceiling(4, 1) == pytest.approx((3 * 0.5 + 1) / 4)


@pytest.mark.parametrize("kwargs, match", [
    ({"examples": 0, "length": 5, "lookahead": 1, "vocabulary_size": 4}, "examples"),
    ({"examples": 1, "length": 5, "lookahead": 5, "vocabulary_size": 4}, "longer"),
    ({"examples": 1, "length": 5, "lookahead": 0, "vocabulary_size": 4}, "lookahead"),
    ({"examples": 1, "length": 5, "lookahead": 1, "vocabulary_size": 5}, "even"),
])
def test_lookahead_rejects_bad_arguments(kwargs, match):
    with pytest.raises(InputError, match=match):
        lookahead_tags(**kwargs)


def test_ambiguous_word_is_decided_by_the_next_word():
    tokens, tags = ambiguous_word_tags(300, 10, 9, seed=2)
    ambiguous = tokens == AMBIGUOUS_TOKEN
    assert ambiguous.any() and not ambiguous[:, -1].any()
    assert not (ambiguous[:, 1:] & ambiguous[:, :-1]).any()  # never two in a row
    rows, cols = np.nonzero(ambiguous)
    next_upper = tokens[rows, cols + 1] > 4
    np.testing.assert_array_equal(tags[rows, cols],
                                  np.where(next_upper, synthetic_tasks.PERSON, synthetic_tasks.TOY))
    ordinary = ~ambiguous
    np.testing.assert_array_equal(tags[ordinary], (tokens[ordinary] > 4).astype(np.int32))
    # Both readings occur, roughly equally often.
    assert 0.4 < np.mean(tags[ambiguous] == synthetic_tasks.PERSON) < 0.6


def test_causal_tagging_ceiling():
    tokens = np.array([[0, 1, 2, 0], [3, 4, 1, 2]])
    assert causal_tagging_ceiling(tokens) == pytest.approx(1 - 0.5 * 2 / 8)
    with pytest.raises(InputError, match="empty"):
        causal_tagging_ceiling(np.array([]))


@pytest.mark.parametrize("kwargs, match", [
    ({"examples": 1, "length": 1, "vocabulary_size": 5}, "length"),
    ({"examples": 1, "length": 4, "vocabulary_size": 4}, "odd"),
    ({"examples": 1, "length": 4, "vocabulary_size": 5, "ambiguous_rate": 0}, "rate"),
])
def test_ambiguous_rejects_bad_arguments(kwargs, match):
    with pytest.raises(InputError, match=match):
        ambiguous_word_tags(**kwargs)


def test_frequency_sequences():
    x, y = frequency_sequences(30, 64, classes=3, noise=0.0, seed=0)
    assert x.shape == (30, 64, 1) and x.dtype == np.float32 and y.shape == (30,)
    # Without noise the dominant frequency is the class's cycle count 2 + 2c.
    spectrum = np.abs(np.fft.rfft(x[..., 0], axis=1))
    np.testing.assert_array_equal(spectrum.argmax(axis=1), 2 + 2 * y)
    with pytest.raises(InputError, match="too short"):
        frequency_sequences(2, 8, classes=3)
    with pytest.raises(InputError, match="classes"):
        frequency_sequences(2, 64, classes=1)
