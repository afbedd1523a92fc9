"""Notebook 09's exercise checks accept correct answers, name each targeted mistake, and hold
their hints back until asked (or a second wrong attempt), hints that never contain code."""

import re

import keras
import numpy as np
import pytest
from keras import layers

from rnncourse.exercises import ERROR, FAILED, NOT_ATTEMPTED, PASSED
from rnncourse.exercises.checking import HINT_OFFER
from rnncourse.exercises.video import (
    build_crnn_reference,
    check_apply_per_frame,
    check_build_crnn,
    check_one_to_many_pairs,
    check_time_distributed_parameters,
)

CHECKS = [check_apply_per_frame, check_time_distributed_parameters, check_build_crnn,
          check_one_to_many_pairs]



# --- exercise 1 ----------------------------------------------------------------------------


def apply_per_frame_solution(frame_fn, clips):
    n, frames = clips.shape[:2]
    features = frame_fn(clips.reshape(n * frames, *clips.shape[2:]))
    return features.reshape(n, frames, -1)


def loop_solution(frame_fn, clips):
    return np.stack([frame_fn(clips[:, t]) for t in range(clips.shape[1])], axis=1)


def test_apply_per_frame_accepts_correct_answers():
    assert check_apply_per_frame(apply_per_frame_solution, show=False).status == PASSED
    assert check_apply_per_frame(loop_solution, show=False).status == PASSED


def test_apply_per_frame_names_mistakes():
    def time_major(frame_fn, clips):
        n, frames = clips.shape[:2]
        folded = np.swapaxes(clips, 0, 1).reshape(n * frames, *clips.shape[2:])
        return frame_fn(folded).reshape(n, frames, -1)

    def first_frame(frame_fn, clips):
        return np.repeat(frame_fn(clips[:, 0])[:, None], clips.shape[1], axis=1)

    def folded(frame_fn, clips):
        return frame_fn(clips.reshape(-1, *clips.shape[2:]))

    result = check_apply_per_frame(time_major, show=False)
    assert result.status == FAILED and "time-major" in result.message
    result = check_apply_per_frame(first_frame, show=False)
    assert result.status == FAILED and "first frame" in result.message
    result = check_apply_per_frame(folded, show=False)
    assert result.status == FAILED and "clip and time axes" in result.message


def test_apply_per_frame_not_attempted_is_quiet(capsys):
    def todo(frame_fn, clips):
        raise NotImplementedError

    assert check_apply_per_frame(todo).status == NOT_ATTEMPTED
    out = capsys.readouterr().out
    assert "not attempted" in out.lower() and "Hint:" not in out


# --- exercise 2 ----------------------------------------------------------------------------


def test_parameter_count_accepts_and_names_mistakes():
    def right(frames, kernel_size, in_channels, filters):
        return (kernel_size**2 * in_channels + 1) * filters

    def times_frames(frames, kernel_size, in_channels, filters):
        return frames * right(frames, kernel_size, in_channels, filters)

    def no_bias(frames, kernel_size, in_channels, filters):
        return kernel_size**2 * in_channels * filters

    assert check_time_distributed_parameters(right, show=False).status == PASSED
    result = check_time_distributed_parameters(times_frames, show=False)
    assert result.status == FAILED and "shared" in result.message
    result = check_time_distributed_parameters(no_bias, show=False)
    assert result.status == FAILED and "bias" in result.message
    off_by_one = check_time_distributed_parameters(
        lambda *args: right(*args) + 1, show=False)
    assert off_by_one.status == FAILED


# --- exercise 3: the CRNN in Keras -----------------------------------------------------------


def _frame_cnn(clip_shape, padding="same", activation="relu", features=16):
    return keras.Sequential([
        keras.Input(clip_shape[1:]),
        layers.Conv2D(8, 3, padding=padding, activation=activation),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(features, activation="relu"),
    ])


def functional_solution(clip_shape, n_classes):
    clips = keras.Input(clip_shape)
    features = layers.TimeDistributed(_frame_cnn(clip_shape))(clips)
    summary = layers.LSTM(16)(features)
    return keras.Model(clips, layers.Dense(n_classes, activation="softmax")(summary))


def wrapped_layer_by_layer(clip_shape, n_classes):
    return keras.Sequential([
        keras.Input(clip_shape),
        layers.TimeDistributed(layers.Conv2D(8, 3, padding="same", activation="relu")),
        layers.TimeDistributed(layers.MaxPooling2D(2)),
        layers.TimeDistributed(layers.Flatten()),
        layers.TimeDistributed(layers.Dense(16, activation="relu")),
        layers.LSTM(16),
        layers.Dense(n_classes, activation="softmax"),
    ])


def _crnn(clip_shape, n_classes, *, recurrent=None, head_activation="softmax", **cnn):
    recurrent = recurrent if recurrent is not None else layers.LSTM(16)
    return keras.Sequential([
        keras.Input(clip_shape),
        layers.TimeDistributed(_frame_cnn(clip_shape, **cnn)),
        recurrent,
        layers.Dense(n_classes, activation=head_activation),
    ])


@pytest.mark.parametrize("solution", [build_crnn_reference, functional_solution,
                                      wrapped_layer_by_layer])
def test_build_crnn_accepts_equivalent_models(solution):
    assert check_build_crnn(solution, show=False).status == PASSED


@pytest.mark.parametrize("mistake, words", [
    (lambda shape, k: _crnn(shape, k, recurrent=layers.LSTM(16, return_sequences=True)),
     "return_sequences"),
    (lambda shape, k: _crnn(shape, k, head_activation=None), "softmax"),
    (lambda shape, k: _crnn(shape, k, recurrent=layers.GlobalAveragePooling1D()), "order"),
    (lambda shape, k: _crnn(shape, k, padding="valid"), "padding"),
    (lambda shape, k: _crnn(shape, k, recurrent=layers.GRU(16)), "GRU"),
])
def test_build_crnn_names_the_mistakes(mistake, words):
    result = check_build_crnn(mistake, show=False)
    assert result.status == FAILED and words in result.message, result.message


@pytest.mark.parametrize("mistake, words", [
    (lambda shape, k: _crnn(shape, k, recurrent=layers.LSTM(32)), "16 units"),
    (lambda shape, k: _crnn(shape, k, features=12), "LSTM has"),
    (lambda shape, k: _crnn(shape, k, activation="tanh"), "activations"),
    (lambda shape, k: keras.Sequential([keras.Input(shape), layers.Flatten(),
                                        layers.Dense(k, activation="softmax")]),
     "TimeDistributed"),
    (lambda shape, k: _crnn(shape, k, recurrent=layers.LSTM(16, return_sequences=True),
                            head_activation=None), "one prediction per frame"),
])
def test_build_crnn_traces_unexpected_models_to_the_part_that_differs(mistake, words):
    result = check_build_crnn(mistake, show=False)
    assert result.status == FAILED and words in result.message, result.message


def test_build_crnn_explains_what_is_not_a_model():
    result = check_build_crnn(lambda shape, k: "a model", show=False)
    assert result.status == ERROR and "Keras model" in result.message
    assert check_build_crnn(lambda shape, k: None, show=False).status == NOT_ATTEMPTED


# --- exercise 4: one-to-many pairs ---------------------------------------------------------


def vectorised_pairs(series, window, horizon):
    starts = np.arange(len(series) - window - horizon + 1)[:, None]
    return series[starts + np.arange(window)], series[starts + window + np.arange(horizon)]


def test_one_to_many_pairs_accepts_a_vectorised_answer():
    assert check_one_to_many_pairs(vectorised_pairs, show=False).status == PASSED


def test_one_to_many_pairs_names_mistakes():
    def overlapping(series, window, horizon):
        inputs, _ = vectorised_pairs(series, window, horizon)
        starts = np.arange(len(inputs))[:, None]
        return inputs, series[starts + window - 1 + np.arange(horizon)]

    def only_last(series, window, horizon):
        inputs, targets = vectorised_pairs(series, window, horizon)
        return inputs, targets[:, -1]

    def one_short(series, window, horizon):
        inputs, targets = vectorised_pairs(series, window, horizon)
        return inputs[:-1], targets[:-1]

    result = check_one_to_many_pairs(overlapping, show=False)
    assert result.status == FAILED and "already in its input" in result.message
    result = check_one_to_many_pairs(only_last, show=False)
    assert result.status == FAILED and "(pairs, horizon)" in result.message
    result = check_one_to_many_pairs(one_short, show=False)
    assert result.status == FAILED and "missing" in result.message


# --- feedback policy for all four ----------------------------------------------------------


def _not_written(*args):
    raise NotImplementedError


def _crashes(*args):
    raise ValueError("a learner's bug")


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_hints_wait_until_asked_or_a_second_wrong_attempt(check):
    first = check(_not_written, show=False)
    assert first.status == NOT_ATTEMPTED
    assert "Hint:" not in first.message and HINT_OFFER in first.message
    assert "Hint:" in check(_not_written, show=False, hint=True).message
    wrong = check(_crashes, show=False)
    assert "Hint:" not in wrong.message and "a learner's bug" in wrong.message
    assert "Hint:" in check(_crashes, show=False).message


CODE_LIKE = re.compile(r"\w\(|\breturn\b|\bdef\b|=|\*\*|\.reshape|np\.|keras\.|layers\.")


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_hints_hold_no_code(check):
    message = check(_not_written, show=False, hint=True).message
    hint = message.split("Hint:", 1)[1]
    assert not CODE_LIKE.search(hint), hint
