"""Every exercise check under what learners really hand it.

For each check: the function itself is not passed (an array, the result of a call), the
function never returns (an endless loop: it must be stopped within the time limit), the
function returns text instead of numbers, and, for checks whose inputs are arrays, the
function changes its inputs in place (the check must say so, and the reference must not be
fooled into blaming another mistake).
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from rnncourse import exercises
from rnncourse.exercises.checking import ERROR, FAILED, check_timeout

CHECKS = {
    "check_make_windows": exercises.check_make_windows,
    "check_scale_without_leakage": exercises.check_scale_without_leakage,
    "check_rnn_cell": exercises.check_rnn_cell,
    "check_rnn_parameter_count": exercises.check_rnn_parameter_count,
    "check_rnn_cell_backward": exercises.check_rnn_cell_backward,
    "check_lstm_cell": exercises.check_lstm_cell,
    "check_encode_sentence": exercises.check_encode_sentence,
    "check_pad_and_mask": exercises.check_pad_and_mask,
    "check_align_and_concat": exercises.check_align_and_concat,
    "check_pair_steps": exercises.check_pair_steps,
    "check_teacher_forcing_inputs": exercises.check_teacher_forcing_inputs,
    "check_beam_step": exercises.check_beam_step,
    "check_apply_per_frame": exercises.check_apply_per_frame,
    "check_time_distributed_parameters": exercises.check_time_distributed_parameters,
    "check_scaled_dot_attention": exercises.check_scaled_dot_attention,
}


@pytest.fixture(autouse=True)
def short_time_limit(monkeypatch):
    monkeypatch.setenv("RNNCOURSE_CHECK_TIMEOUT", "0.3")


@pytest.mark.parametrize("name", CHECKS)
def test_handing_over_a_value_instead_of_the_function_is_explained(name):
    result = CHECKS[name](np.zeros(3), show=False)
    assert result.status == ERROR
    assert "your function itself" in result.message and "ndarray" in result.message


@pytest.mark.parametrize("name", CHECKS)
def test_an_endless_loop_is_stopped_and_reported(name):
    def forever(*args):
        while True:
            pass

    start = time.perf_counter()
    result = CHECKS[name](forever, show=False)
    assert time.perf_counter() - start < 5 * check_timeout()
    assert not result
    assert "was stopped" in result.message and "loop" in result.message


@pytest.mark.parametrize("name", CHECKS)
def test_an_endless_loop_inside_try_except_is_stopped_too(name):
    def stubborn(*args):
        while True:
            try:
                time.sleep(0.01)
            except Exception:  # noqa: BLE001 - a learner's catch-all must not swallow the stop
                pass

    result = CHECKS[name](stubborn, show=False)
    assert not result and "was stopped" in result.message


@pytest.mark.parametrize("name", CHECKS)
def test_text_instead_of_numbers_is_refused(name):
    result = CHECKS[name](lambda *args: "130", show=False)
    assert result.status == FAILED
    assert "text" in result.message and "number" in result.message


def test_the_parameter_count_check_refuses_the_right_number_as_a_string():
    result = exercises.check_rnn_parameter_count(lambda i, h: str(h * (i + h + 1)), show=False)
    assert not result and "'1110'" in result.message


def _in_place_rnn_cell(x_t, h_prev, W_xh, W_hh, b_h):
    h_prev *= 0.0  # wipes the caller's state, then answers without it
    return np.tanh(x_t @ W_xh + h_prev @ W_hh + b_h)


def _in_place_windows(series, window):
    series -= series.mean()  # centres the caller's series as a side effect
    starts = range(len(series) - window)
    return (np.stack([series[i:i + window] for i in starts]),
            np.array([series[i + window] for i in starts]))


@pytest.mark.parametrize("check, learner, argument", [
    (exercises.check_rnn_cell, _in_place_rnn_cell, "h_prev"),
    (exercises.check_make_windows, _in_place_windows, "series"),
])
def test_changing_the_inputs_in_place_is_named(check, learner, argument):
    result = check(learner, show=False)
    assert result.status == FAILED
    assert f"changed its input {argument} in place" in result.message
    # The message is about the mutation, not a mistake the reference was fooled into.
    assert "bias" not in result.message and "memory" not in result.message
