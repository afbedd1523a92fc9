"""Each check accepts the reference and names at least two plausible mistakes."""

import numpy as np
import pytest

from rnncourse import exercises
from rnncourse.data.sequences import StandardScaler, make_windows
from rnncourse.scratch.rnn_cell import RNNParams, rnn_cell_forward


def not_attempted(*args):
    raise NotImplementedError


# --- make_windows ---------------------------------------------------------------


def good_windows(series, window):
    inputs, targets = make_windows(series, window)
    return inputs[..., 0], targets


def loop_windows(series, window):
    """A learner-style loop solution, written independently of the package."""
    inputs = [series[i:i + window] for i in range(len(series) - window)]
    targets = [series[i + window] for i in range(len(series) - window)]
    return np.array(inputs), np.array(targets)


@pytest.mark.parametrize("answer", [good_windows, loop_windows])
def test_windows_accepts_correct_answers(answer):
    assert exercises.check_make_windows(answer, show=False)


@pytest.mark.parametrize("answer, feedback", [
    (lambda s, w: (np.array([s[i:i + w] for i in range(len(s) - w)]),
                   np.array([s[i + w - 1] for i in range(len(s) - w)])), "last value of its own"),
    (lambda s, w: (np.array([s[i:i + w] for i in range(len(s) - w - 1)]),
                   np.array([s[i + w] for i in range(len(s) - w - 1)])), "lose the last pair"),
    (lambda s, w: (np.array([s[i:i + w] for i in range(len(s) - w - 1)]),
                   np.array([s[i + w + 1] for i in range(len(s) - w - 1)])), "too far ahead"),
])
def test_windows_names_the_mistake(answer, feedback):
    result = exercises.check_make_windows(answer, show=False)
    assert not result and result.status == "failed"
    assert feedback in result.message


# --- scaling --------------------------------------------------------------------


def test_scaling_accepts_train_only_fit():
    def answer(train, test):
        mean, spread = train.mean(axis=0), train.std(axis=0)
        return (train - mean) / spread, (test - mean) / spread

    assert exercises.check_scale_without_leakage(answer, show=False)


def test_scaling_catches_leakage():
    def fit_all(train, test):
        scaler = StandardScaler().fit(np.vstack([train, test]))
        return scaler.transform(train), scaler.transform(test)

    def fit_each(train, test):
        return StandardScaler().fit_transform(train), StandardScaler().fit_transform(test)

    assert "leaked" in exercises.check_scale_without_leakage(fit_all, show=False).message
    assert "future" in exercises.check_scale_without_leakage(fit_each, show=False).message


# --- the RNN cell ------------------------------------------------------------------


def test_cell_accepts_reference_and_independent_solution():
    assert exercises.check_rnn_cell(
        lambda x, h, W_xh, W_hh, b: rnn_cell_forward(RNNParams(W_xh, W_hh, b), x, states=(h,))
        .output, show=False)
    assert exercises.check_rnn_cell(
        lambda x, h, wx, wh, b: np.tanh(np.einsum("bi,ih->bh", x, wx) + h.dot(wh) + b),
        show=False)


@pytest.mark.parametrize("answer, feedback", [
    (lambda x, h, wx, wh, b: np.tanh(x @ wx + h @ wh), "ignores the bias"),
    (lambda x, h, wx, wh, b: np.tanh(x @ wx + b), "ignores the previous state"),
    (lambda x, h, wx, wh, b: x @ wx + h @ wh + b, "forgot the tanh"),
    (lambda x, h, wx, wh, b: np.tanh(x @ wx + h @ wh.T + b), "transposed"),
    (lambda x, h, wx, wh, b: 1 / (1 + np.exp(-(x @ wx + h @ wh + b))), "sigmoid"),
])
def test_cell_feedback_is_targeted(answer, feedback):
    result = exercises.check_rnn_cell(answer, show=False)
    assert not result
    assert feedback in result.message


def test_cell_wrong_shape_is_reported():
    result = exercises.check_rnn_cell(lambda x, h, wx, wh, b: np.zeros(3), show=False)
    assert not result and "shape" in result.message


def test_unattempted_exercise_offers_a_hint_and_does_not_raise(capsys):
    result = exercises.check_rnn_cell(not_attempted)
    assert result.status == "not attempted" and not result
    printed = capsys.readouterr().out
    assert "hint=True" in printed and "Hint:" not in printed  # offered, not given


def test_function_returning_none_and_crashing_function():
    assert exercises.check_rnn_cell(lambda *a: None, show=False).status == "not attempted"
    crashed = exercises.check_rnn_cell(lambda *a: 1 / 0, show=False)
    assert crashed.status == "error" and "ZeroDivisionError" in crashed.message


# --- parameter count --------------------------------------------------------------------


def test_parameter_count_check():
    assert exercises.check_rnn_parameter_count(lambda i, h: h * i + h * h + h, show=False)
    assert "bias" in exercises.check_rnn_parameter_count(lambda i, h: h * (i + h),
                                                         show=False).message
    assert "recurrent" in exercises.check_rnn_parameter_count(lambda i, h: h * (i + 1),
                                                              show=False).message
    # Multiplying by a sequence length is wrong and gets generic feedback.
    assert not exercises.check_rnn_parameter_count(lambda i, h: 5 * h * (i + h + 1), show=False)


def test_results_render_for_notebooks():
    result = exercises.check_rnn_parameter_count(lambda i, h: h * (i + h + 1), show=False)
    assert "passed" in result._repr_html_() and "[passed]" in str(result)
