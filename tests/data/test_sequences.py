"""Windowing, splits, scaling, one-hot and vocabularies, including their error messages."""

import numpy as np
import pytest

from rnncourse.data.sequences import (
    StandardScaler,
    Vocabulary,
    chronological_split,
    make_windows,
    one_hot,
    tokenize,
)
from rnncourse.errors import InputError


def test_windows_of_a_1d_series():
    series = np.arange(10.0)
    inputs, targets = make_windows(series, window=3)
    assert inputs.shape == (7, 3, 1) and targets.shape == (7,)
    np.testing.assert_array_equal(inputs[0, :, 0], [0, 1, 2])
    assert targets[0] == 3 and targets[-1] == 9
    # No input window ever contains its own target.
    assert np.all(inputs[:, -1, 0] < targets)


def test_windows_with_horizon_and_separate_target():
    features = np.stack([np.arange(8.0), -np.arange(8.0)], axis=1)
    label = np.arange(8) % 2
    inputs, targets = make_windows(features, window=2, horizon=3, target=label)
    assert inputs.shape == (4, 2, 2) and targets.shape == (4,)
    assert targets[0] == label[4]


def test_window_longer_than_series_says_how_to_fix():
    with pytest.raises(InputError, match="shorter window or a longer series"):
        make_windows(np.arange(5.0), window=5)


@pytest.mark.parametrize("bad, message", [
    (np.zeros((2, 3, 4)), "rank|1-D"),
    (["a", "b", "c"], "numeric"),
    ([], "empty"),
    ([1.0, np.nan, 2.0], "NaN"),
])
def test_bad_series_are_named(bad, message):
    with pytest.raises(InputError, match=message):
        make_windows(bad, window=1)


@pytest.mark.parametrize("window", [0, -1, 2.5])
def test_bad_window_values(window):
    with pytest.raises(InputError, match="window must be"):
        make_windows(np.arange(10.0), window=window)


def test_misaligned_target():
    with pytest.raises(InputError, match="aligned"):
        make_windows(np.arange(10.0), window=2, target=np.arange(9))


def test_chronological_split_keeps_order_and_covers_everything():
    x = np.arange(100)
    y = x * 2
    (x_train, y_train), (x_val, _), (x_test, y_test) = chronological_split(x, y)
    assert len(x_train) + len(x_val) + len(x_test) == 100
    assert x_train.max() < x_val.min() and x_val.max() < x_test.min()
    np.testing.assert_array_equal(y_test, x_test * 2)


def test_chronological_split_errors():
    with pytest.raises(InputError, match="same length"):
        chronological_split(np.arange(5), np.arange(6))
    with pytest.raises(InputError, match="sum to 1"):
        chronological_split(np.arange(5), fractions=(0.5, 0.2))
    with pytest.raises(InputError, match="too few"):
        chronological_split(np.arange(2), fractions=(0.4, 0.3, 0.3))


def test_scaler_uses_training_statistics_only():
    rng = np.random.default_rng(0)
    train = rng.normal(5, 2, size=(200, 3))
    test = rng.normal(9, 2, size=(50, 3))
    scaler = StandardScaler().fit(train)
    np.testing.assert_allclose(scaler.transform(train).mean(axis=0), 0, atol=1e-12)
    # The drifted test data stays visibly shifted: nothing about it was learned.
    assert np.all(scaler.transform(test).mean(axis=0) > 1.0)
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(test)), test)


def test_scaler_errors_and_constant_feature():
    with pytest.raises(InputError, match="fit"):
        StandardScaler().transform(np.ones((3, 2)))
    scaler = StandardScaler().fit(np.ones((4, 2)))
    assert np.all(np.isfinite(scaler.transform(np.ones((2, 2)))))
    with pytest.raises(InputError, match="features"):
        scaler.transform(np.ones((2, 3)))


def test_one_hot():
    encoded = one_hot(np.array([[0, 2], [1, 1]]), depth=3)
    assert encoded.shape == (2, 2, 3)
    np.testing.assert_array_equal(encoded.sum(axis=-1), 1)
    assert encoded[0, 1, 2] == 1
    with pytest.raises(InputError, match="integer"):
        one_hot(np.array([0.5]), depth=2)
    with pytest.raises(InputError, match="vocabulary size"):
        one_hot(np.array([3]), depth=3)


def test_vocabulary_and_bag_of_words_lose_order():
    vocabulary = Vocabulary.from_texts(["This phone is no good", "No this phone is good"])
    first = vocabulary.bag_of_words("This phone is no good")
    second = vocabulary.bag_of_words("No this phone is good")
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(vocabulary.encode("This phone is no good"),
                              vocabulary.encode("No this phone is good"))
    assert vocabulary.decode(vocabulary.encode("phone good")) == ["phone", "good"]
    assert vocabulary.encode("unseen")[0] == 0


def test_tokenize_levels():
    assert tokenize("Hi, there!") == ["hi", "there"]
    assert tokenize("ab", level="char") == ["a", "b"]
    with pytest.raises(InputError, match="'word', 'char'"):
        tokenize("ab", level="byte")


# --- autocorrelation ---------------------------------------------------------------------


def test_autocorrelation_follows_the_formula():
    from rnncourse.data.sequences import autocorrelation

    series = np.array([2.0, 4.0, 1.0, 5.0, 3.0, 6.0])
    centred = series - series.mean()
    expected = [np.sum(centred[: len(series) - k] * centred[k:]) / np.sum(centred**2)
                for k in range(4)]
    np.testing.assert_allclose(autocorrelation(series, 3), expected, atol=1e-12)
    assert autocorrelation(series, 0).tolist() == [1.0]


def test_autocorrelation_separates_memory_from_noise():
    from rnncourse.data.sequences import autocorrelation

    rng = np.random.default_rng(0)
    noise = rng.normal(size=2000)
    walk = np.cumsum(noise)
    assert np.abs(autocorrelation(noise, 20)[1:]).max() < 4 / np.sqrt(len(noise))
    assert autocorrelation(walk, 20)[1:].min() > 0.9
    alternating = np.tile([1.0, -1.0], 50)
    assert autocorrelation(alternating, 1)[1] < -0.95


@pytest.mark.parametrize("series, max_lag, kind, words", [
    (np.ones(10), 2, "ShapeError", ("constant",)),
    (np.arange(5.0), 5, "InputError", ("max_lag=5", "longer")),
    (np.arange(5.0), -1, "InputError", ("max_lag",)),
    (np.ones((4, 2)), 1, "ShapeError", ("one series",)),
])
def test_autocorrelation_refuses_what_it_cannot_compute(series, max_lag, kind, words,
                                                        expect_error):
    from rnncourse import errors
    from rnncourse.data.sequences import autocorrelation

    expect_error(lambda: autocorrelation(series, max_lag), getattr(errors, kind), *words)
