"""check_lstm_cell accepts correct cells and names the gate a wrong one gets wrong."""

import numpy as np
import pytest

from rnncourse.exercises.gated_cells import (
    check_lstm_cell,
    lstm_cell_variant,
    reference_lstm_cell,
)
from rnncourse.scratch.activations import sigmoid


def concatenating_cell(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    """A learner-style solution written independently: concatenate, then slice by gate."""
    units = h_prev.shape[1]
    weights = np.vstack([kernel, recurrent_kernel])
    z = np.hstack([x_t, h_prev]) @ weights + bias
    i = 1 / (1 + np.exp(-z[:, :units]))
    f = 1 / (1 + np.exp(-z[:, units:2 * units]))
    g = np.tanh(z[:, 2 * units:3 * units])
    o = 1 / (1 + np.exp(-z[:, 3 * units:]))
    c_t = f * c_prev + i * g
    return o * np.tanh(c_t), c_t


@pytest.mark.parametrize("answer", [reference_lstm_cell, concatenating_cell,
                                    lambda *a: list(lstm_cell_variant(*a))])
def test_accepts_correct_cells(answer):
    result = check_lstm_cell(answer, show=False)
    assert result and result.status == "passed"


def _ignores_forget(*args):
    return lstm_cell_variant(*args, apply_forget=False)


def _forget_tanh(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    units = h_prev.shape[1]
    z = x_t @ kernel + h_prev @ recurrent_kernel + bias
    i, f, g, o = (z[:, k * units:(k + 1) * units] for k in range(4))
    c_t = np.tanh(f) * c_prev + sigmoid(i) * np.tanh(g)
    return sigmoid(o) * np.tanh(c_t), c_t


def _no_input_gate(*args):
    return lstm_cell_variant(*args, apply_input=False)


def _output_gate_tanh(*args):
    return lstm_cell_variant(*args, output_activation=np.tanh)


def _no_output_gate(*args):
    return lstm_cell_variant(*args, apply_output=False)


def _no_recurrent_weights(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    return reference_lstm_cell(x_t, h_prev, c_prev, kernel, 0 * recurrent_kernel, bias)


def _no_input_weights(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    return reference_lstm_cell(x_t, h_prev, c_prev, 0 * kernel, recurrent_kernel, bias)


@pytest.mark.parametrize("answer, words", [
    # Named mistakes.
    (lambda *a: lstm_cell_variant(*a, order=("f", "i", "c", "o")),
     ["wrong weight blocks", "forget gate from block 1", "order i, f, c, o"]),
    (lambda *a: lstm_cell_variant(*a, order=("i", "f", "o", "c")),
     ["candidate from block 4", "output gate from block 3"]),
    (lambda *a: reference_lstm_cell(*a)[::-1], ["(c_t, h_t)"]),
    (lambda *a: lstm_cell_variant(*a, candidate_activation=sigmoid), ["candidate", "tanh"]),
    (lambda *a: lstm_cell_variant(*a, output_from_previous_cell=True),
     ["output gate", "NEW cell state"]),
    (lambda *a: lstm_cell_variant(*a, tanh_on_cell=False), ["tanh(c_t)"]),
    # Found by probing one gate at a time.
    (_ignores_forget, ["forget gate is wrong", "equal to c_prev"]),
    (_forget_tanh, ["forget gate is wrong", "sigmoid"]),
    (_no_input_gate, ["input gate is wrong", "unscaled"]),
    (_output_gate_tanh, ["output gate is wrong", "sigmoid"]),
    (_no_output_gate, ["output gate is missing"]),
    (_no_recurrent_weights, ["recurrent weights"]),
    (_no_input_weights, ["input weights"]),
])
def test_names_the_wrong_gate(answer, words):
    result = check_lstm_cell(answer, show=False)
    assert not result and result.status == "failed"
    for word in words:
        assert word in result.message, result.message


def test_not_attempted_and_crashing_answers_do_not_raise():
    def not_attempted(*args):
        raise NotImplementedError

    def crashes(x_t, *args):
        return x_t @ np.ones((5, 5)), None

    assert check_lstm_cell(not_attempted, show=False).status == "not attempted"
    assert check_lstm_cell(crashes, show=False).status == "error"
    assert check_lstm_cell(lambda *a: None, show=False).status == "not attempted"


def test_wrong_number_of_outputs_is_explained():
    result = check_lstm_cell(lambda *a: reference_lstm_cell(*a)[0], show=False)
    assert result.status == "failed" and "(h_t, c_t)" in result.message


def test_prints_feedback(capsys):
    check_lstm_cell(_ignores_forget)
    assert "forget gate" in capsys.readouterr().out
