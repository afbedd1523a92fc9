"""The checks of notebook 04 accept correct answers and name the likely mistake."""

import re

import numpy as np
import pytest

from rnncourse.exercises.checking import HINT_OFFER
from rnncourse.exercises.gated_cells import (
    check_gru_cell,
    check_lstm_cell,
    check_parameter_count,
    gru_cell_variant,
    lstm_cell_variant,
    reference_gru_cell,
    reference_lstm_cell,
    reference_parameter_count,
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


# ------------------------------------------------------------------------------ the GRU


def concatenating_gru(x_t, h_prev, kernel, recurrent_kernel, bias):
    """A learner-style GRU written independently of the package."""
    units = h_prev.shape[1]
    xs = x_t @ kernel + bias[0]
    hs = h_prev @ recurrent_kernel + bias[1]
    z = 1 / (1 + np.exp(-(xs[:, :units] + hs[:, :units])))
    r = 1 / (1 + np.exp(-(xs[:, units:2 * units] + hs[:, units:2 * units])))
    candidate = np.tanh(xs[:, 2 * units:] + r * hs[:, 2 * units:])
    return candidate + z * (h_prev - candidate)


@pytest.mark.parametrize("answer", [reference_gru_cell, concatenating_gru, gru_cell_variant])
def test_gru_check_accepts_correct_cells(answer):
    assert check_gru_cell(answer, show=False)


@pytest.mark.parametrize("options, words", [
    ({"z_keeps_previous": False}, ["other textbook convention", "old state"]),
    ({"order": ("r", "z", "h")}, ["swapped", "z, r, h"]),
    ({"reset": "before"}, ["before the recurrent product", "reset_after=False"]),
    ({"reset": "outside"}, ["outside the reset gate"]),
    ({"recurrent_bias": False}, ["recurrent bias is missing", "row 1"]),
    ({"reset": "none"}, ["reset gate is missing"]),
    ({"candidate_activation": sigmoid}, ["candidate", "tanh"]),
])
def test_gru_check_names_the_mistake(options, words):
    result = check_gru_cell(lambda *args: gru_cell_variant(*args, **options), show=False)
    assert result.status == "failed"
    for word in words:
        assert word in result.message, result.message


def test_gru_reference_is_keras_default_gru():
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(0)
    x_t, h_prev = rng.normal(size=(2, 3)).astype("float32"), rng.normal(size=(2, 4))
    layer = keras.layers.GRU(4)
    layer.build((None, 1, 3))
    kernel, recurrent, bias = layer.get_weights()  # fresh biases are zero: shift them
    got = reference_gru_cell(x_t, h_prev, kernel, recurrent, bias + 0.3)
    layer.set_weights([kernel, recurrent, bias + 0.3])
    expected = np.asarray(layer(x_t[:, None], initial_state=h_prev.astype("float32")))
    np.testing.assert_allclose(got, expected, atol=1e-5)


# ---------------------------------------------------------------------- parameter counts


def test_count_check_accepts_the_reference_and_a_formula():
    def formula(cell, n, u, reset_after=True):
        gates = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}[cell]
        return gates * u * (n + u) + gates * u * (2 if cell == "GRU" and reset_after else 1)

    assert check_parameter_count(reference_parameter_count, show=False)
    assert check_parameter_count(formula, show=False)


def test_count_reference_agrees_with_keras():
    keras = pytest.importorskip("keras")
    for cell, kwargs in (("SimpleRNN", {}), ("LSTM", {}), ("GRU", {"reset_after": True}),
                         ("GRU", {"reset_after": False})):
        layer = getattr(keras.layers, cell)(6, **kwargs)
        layer.build((None, None, 5))
        assert layer.count_params() == reference_parameter_count(cell, 5, 6, **kwargs)


@pytest.mark.parametrize("answer, words", [
    (lambda c, n, u, r=True: {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}[c] * u * (n + u + 1),
     ["second bias"]),
    (lambda c, n, u, r=True: {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}[c] * u * (n + u),
     ["biases are missing"]),
    (lambda c, n, u, r=True: {"SimpleRNN": 1, "LSTM": 3, "GRU": 4}[c] * u * (n + u + 1)
     + (4 * u if c == "GRU" and r else 0), ["block counts are swapped"]),
    (lambda c, n, u, r=True: u * (n + u + 1) + (u if c == "GRU" and r else 0),
     ["one block for every cell"]),
    (lambda c, n, u, r=True: {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}[c] * u * (n + 1) + u * u
     + ({"SimpleRNN": 1, "LSTM": 4, "GRU": 3}[c] * u if c == "GRU" and r else 0),
     ["recurrent weights are counted once"]),
])
def test_count_check_names_the_mistake(answer, words):
    result = check_parameter_count(answer, show=False)
    assert result.status == "failed"
    for word in words:
        assert word in result.message, result.message


# ------------------------------------------------------------------- every check, alike

GATED_CHECKS = [check_lstm_cell, check_gru_cell, check_parameter_count]



def _not_written(*args):
    raise NotImplementedError


@pytest.mark.parametrize("check", GATED_CHECKS, ids=lambda check: check.__name__)
def test_hints_come_only_when_asked_and_hold_no_code(check, fresh_attempts):
    first = check(_not_written, show=False)
    assert first.status == "not attempted" and "Hint:" not in first.message
    assert HINT_OFFER in first.message
    hint = check(_not_written, show=False, hint=True).message.split("Hint:", 1)[1]
    for code in (r"@", r"\*\*", r"\.T\b", r"np\.", r"\w\(", r"\bfor \w+ in\b", r"\w = "):
        assert not re.search(code, hint), (code, hint)


@pytest.mark.parametrize("check", GATED_CHECKS, ids=lambda check: check.__name__)
def test_bad_hand_ins_are_explained(check, monkeypatch, fresh_attempts):
    monkeypatch.setenv("RNNCOURSE_CHECK_TIMEOUT", "0.3")
    assert "your function itself" in check(np.zeros(3), show=False).message
    assert check(lambda *args: "130", show=False).status == "failed"

    def forever(*args):
        while True:
            pass

    assert "was stopped" in check(forever, show=False).message
