"""Notebook 02's checks of the forward pass and the worked example: right answers pass, the
plausible mistakes are named, hints come on request and hold no code."""

import re

import numpy as np
import pytest

from rnncourse.exercises.checking import HINT_OFFER
from rnncourse.exercises.rnn_cell import (
    LETTERS,
    check_letter_probabilities,
    check_rnn_cell,
    check_rnn_forward,
    check_rnn_parameter_count,
)

CHECKS = [check_rnn_cell, check_rnn_parameter_count, check_rnn_forward,
          check_letter_probabilities]
CODE = re.compile(r"np\.|\s@\s|\w\s*=\s*\w|\w\[|softmax\(|tanh\(")

# The worked example's weights (column-vector form).
U = np.array([[0.287027, 0.84606, 0.572392, 0.486813],
              [0.902874, 0.871522, 0.691079, 0.18998],
              [0.537524, 0.09224, 0.558159, 0.491528]])
V = np.array([[0.37168, 0.974829459, 0.830034886],
              [0.39141, 0.282585823, 0.659835709],
              [0.64985, 0.09821557, 0.334287084],
              [0.91266, 0.32581642, 0.144630018]])
W, B = 0.427043, 0.567001



def _not_written(*args):
    raise NotImplementedError


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_hints_come_on_request_and_hold_no_code(check):
    first = check(_not_written, show=False)
    assert first.status == "not attempted" and HINT_OFFER in first.message
    hint = check(_not_written, show=False, hint=True).message.split("Hint:", 1)[1]
    assert not CODE.search(hint), f"{check.__name__}'s hint looks like code: {hint}"


# --- the forward pass ------------------------------------------------------------------------


def learner_forward(x, h0, W_xh, W_hh, b_h):
    states, h = [], h0
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ W_xh + h @ W_hh + b_h)
        states.append(h)
    return np.stack(states, axis=1)


def test_forward_accepts_a_loop_over_time():
    assert check_rnn_forward(learner_forward, show=False)

    def einsum_version(x, h0, W_xh, W_hh, b_h):
        inputs = np.einsum("bti,ih->bth", x, W_xh)
        out = np.empty(inputs.shape)
        h = h0
        for t in range(x.shape[1]):
            h = np.tanh(inputs[:, t] + h.dot(W_hh) + b_h)
            out[:, t] = h
        return out

    assert check_rnn_forward(einsum_version, show=False)


@pytest.mark.parametrize("answer, feedback", [
    (lambda x, h0, Wx, Wh, b: np.stack([np.tanh(x[:, t] @ Wx + h0 @ Wh + b)
                                        for t in range(x.shape[1])], axis=1), "starts again"),
    (lambda x, h0, Wx, Wh, b: learner_forward(x, h0, Wx, Wh, b)[:, -1], "only the last state"),
    (lambda x, h0, Wx, Wh, b: learner_forward(x, 0 * h0, Wx, Wh, b), "ignores the initial"),
    (lambda x, h0, Wx, Wh, b: np.concatenate(
        [h0[:, None], learner_forward(x, h0, Wx, Wh, b)[:, :-1]], axis=1), "one step late"),
    (lambda x, h0, Wx, Wh, b: learner_forward(x[:, ::-1], h0, Wx, Wh, b), "last step to the"),
])
def test_forward_names_the_mistake(answer, feedback):
    result = check_rnn_forward(answer, show=False)
    assert result.status == "failed" and feedback in result.message


def test_forward_with_the_axes_confused_gets_shape_feedback():
    def over_batch(x, h0, W_xh, W_hh, b_h):
        return learner_forward(np.swapaxes(x, 0, 1), h0[:1].repeat(x.shape[1], 0), W_xh,
                               W_hh, b_h)

    result = check_rnn_forward(over_batch, show=False)
    assert result.status == "failed" and "shape" in result.message


# --- the worked example ----------------------------------------------------------------------


def learner_letters(prefix, U, W, b, V):
    state = np.zeros(3)
    for letter in prefix:
        one_hot = np.zeros(4)
        one_hot[LETTERS.index(letter)] = 1
        state = np.tanh(U @ one_hot + W * state + b)
    scores = V @ state
    return np.exp(scores) / np.exp(scores).sum()


def test_letters_accept_a_loop_and_reproduce_the_worked_example():
    assert check_letter_probabilities(learner_letters, show=False)
    np.testing.assert_allclose(learner_letters("he", U, W, B, V),
                               [0.419748, 0.194682, 0.162429, 0.223141], atol=2e-6)


def _without_memory(prefix, U, W, b, V):
    return learner_letters(prefix[-1], U, W, b, V)


def _logits(prefix, U, W, b, V):
    probabilities = learner_letters(prefix, U, W, b, V)
    return np.log(probabilities) + 3.0  # the scores softmax would have turned into these


@pytest.mark.parametrize("answer, feedback", [
    (_without_memory, "only on the last letter"),
    (lambda p, U, W, b, V: learner_letters(p, U, W, 0.0, V), "ignores the bias"),
    (lambda p, U, W, b, V: learner_letters(p[:-1], U, W, b, V), "before the last letter"),
])
def test_letters_name_the_mistake(answer, feedback):
    result = check_letter_probabilities(answer, show=False)
    assert result.status == "failed" and feedback in result.message


def test_letters_returning_scores_are_told_to_apply_softmax():
    def scores(prefix, U, W, b, V):
        state = np.zeros(3)
        for letter in prefix:
            state = np.tanh(U[:, LETTERS.index(letter)] + W * state + b)
        return V @ state

    result = check_letter_probabilities(scores, show=False)
    assert result.status == "failed" and "softmax" in result.message
    assert not check_letter_probabilities(_logits, show=False)
