"""Notebook 01's checks: each accepts correct answers, names plausible mistakes, hints in words."""

import re

import keras
import numpy as np
import pytest

from rnncourse.data.sequences import StandardScaler
from rnncourse.exercises.checking import HINT_OFFER
from rnncourse.exercises.sequential_data import (
    check_autocorrelation,
    check_make_windows,
    check_recurrent_forecaster,
    check_scale_without_leakage,
)

CHECKS = [check_make_windows, check_scale_without_leakage, check_autocorrelation,
          check_recurrent_forecaster]
CODE = re.compile(r"np\.|\s@\s|\w\s*=\s*\w|\w\[|\.fit\(|\.transform\(|keras\.|layers\.")



def _not_written(*args):
    raise NotImplementedError


def _hint_of(check):
    message = check(_not_written, show=False, hint=True).message
    return message.split("Hint:", 1)[1]


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_hints_come_on_request_and_hold_no_code(check):
    first = check(_not_written, show=False)
    assert first.status == "not attempted" and HINT_OFFER in first.message
    assert "Hint:" not in first.message
    hint = _hint_of(check)
    assert len(hint.split()) >= 10
    assert not CODE.search(hint), f"{check.__name__}'s hint looks like code: {hint}"


# --- autocorrelation ----------------------------------------------------------------------


def learner_autocorrelation(series, max_lag):
    """A loop a learner might write, independent of the package."""
    mean = sum(series) / len(series)
    centred = [value - mean for value in series]
    total = sum(value * value for value in centred)
    return np.array([sum(centred[t] * centred[t + k] for t in range(len(series) - k)) / total
                     for k in range(max_lag + 1)])


def test_autocorrelation_accepts_a_learners_loop():
    assert check_autocorrelation(learner_autocorrelation, show=False)


@pytest.mark.parametrize("answer, feedback", [
    (lambda s, k: np.array([1.0] + [np.corrcoef(s[:-j], s[j:])[0, 1] for j in range(1, k + 1)]),
     "Pearson"),
    (lambda s, k: np.array([np.sum(s[: len(s) - j] * s[j:]) / np.sum(s**2)
                            for j in range(k + 1)]), "did not subtract the mean"),
    (lambda s, k: np.array([np.mean((s - s.mean())[: len(s) - j] * (s - s.mean())[j:])
                            / np.var(s) for j in range(k + 1)]), "own T - k pairs"),
    (lambda s, k: learner_autocorrelation(s, k)[1:], "starts at lag 1"),
])
def test_autocorrelation_names_the_mistake(answer, feedback):
    result = check_autocorrelation(answer, show=False)
    assert result.status == "failed" and feedback in result.message


def test_autocorrelation_second_wrong_attempt_brings_the_hint():
    def wrong(series, max_lag):
        return np.zeros(max_lag + 1)

    assert "Hint:" not in check_autocorrelation(wrong, show=False).message
    assert "Hint:" in check_autocorrelation(wrong, show=False).message


# --- scaling and windows (the checks of exercises 1 and 2) ------------------------------------


def test_scaling_names_a_single_mean_for_all_features():
    def one_number(train, test):
        return (train - train.mean()) / train.std(), (test - train.mean()) / train.std()

    result = check_scale_without_leakage(one_number, show=False)
    assert result.status == "failed" and "each feature" in result.message


def test_scaling_accepts_the_scaler_fitted_on_train():
    def answer(train, test):
        scaler = StandardScaler().fit(train)
        return scaler.transform(train), scaler.transform(test)

    assert check_scale_without_leakage(answer, show=False)


def test_windows_feedback_holds_no_code():
    result = check_make_windows(lambda s, w: (np.array([s[i:i + w] for i in range(len(s) - w)]),
                                              np.array([s[i + w - 1]
                                                        for i in range(len(s) - w)])),
                                show=False)
    assert result.status == "failed" and not CODE.search(result.message)


# --- the recurrent forecaster -------------------------------------------------------------


def gru_forecaster(days, features, units):
    return keras.Sequential([keras.Input(shape=(days, features)), keras.layers.GRU(units),
                             keras.layers.Dense(1, activation="sigmoid")])


def test_forecaster_accepts_a_gru_with_a_sigmoid_read_out():
    assert check_recurrent_forecaster(gru_forecaster, show=False)

    def functional(days, features, units):
        inputs = keras.Input(shape=(days, features))
        state = keras.layers.GRU(units)(inputs)
        return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(state))

    assert check_recurrent_forecaster(functional, show=False)


@pytest.mark.parametrize("layers, feedback", [
    (lambda d, f, u: [keras.layers.LSTM(u), keras.layers.Dense(1, activation="sigmoid")],
     "LSTM"),
    (lambda d, f, u: [keras.layers.SimpleRNN(u), keras.layers.Dense(1, activation="sigmoid")],
     "SimpleRNN"),
    (lambda d, f, u: [keras.layers.GRU(u, return_sequences=True),
                      keras.layers.Dense(1, activation="sigmoid")], "one prediction per day"),
    (lambda d, f, u: [keras.layers.GRU(u), keras.layers.Dense(1)], "no sigmoid"),
    (lambda d, f, u: [keras.layers.Flatten(), keras.layers.Dense(u, activation="relu"),
                      keras.layers.Dense(1, activation="sigmoid")], "flattens the window"),
    (lambda d, f, u: [keras.layers.GRU(u), keras.layers.Dense(2, activation="sigmoid")],
     "two units"),
])
def test_forecaster_names_the_mistake(layers, feedback):
    def answer(days, features, units):
        return keras.Sequential([keras.Input(shape=(days, features)),
                                 *layers(days, features, units)])

    result = check_recurrent_forecaster(answer, show=False)
    assert result.status == "failed" and feedback in result.message


def test_forecaster_that_returns_no_model_is_told_so():
    result = check_recurrent_forecaster(lambda d, f, u: [d, f, u], show=False)
    assert result.status == "error" and "not a Keras model" in result.message
    assert check_recurrent_forecaster(lambda d, f, u: None, show=False).status == "not attempted"
