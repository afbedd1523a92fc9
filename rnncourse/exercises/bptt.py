"""Exercise checks for notebook 03: the backward step of one RNN cell."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from rnncourse.exercises.checking import (
    FAILED,
    TIMEOUT_MESSAGE,
    CheckResult,
    LearnerTimeout,
    Mistake,
    check_timeout,
    guarded,
    outputs_match,
    run_check,
    with_hint,
)
from rnncourse.scratch.rnn_cell import RNNParams, rnn_cell_backward, rnn_cell_forward

_CELL_GRADIENT_NAMES = ("dx_t", "dh_prev", "dW_xh", "dW_hh", "db_h")


def _cell_backward_cases(seed: int) -> list[tuple]:
    rng = np.random.default_rng(seed)
    cases = []
    for batch, inputs, hidden in ((3, 4, 5), (1, 2, 3), (4, 3, 3)):
        x_t, h_prev = rng.normal(size=(batch, inputs)), rng.normal(size=(batch, hidden))
        params = RNNParams(rng.normal(size=(inputs, hidden)) * 0.5,
                           rng.normal(size=(hidden, hidden)) * 0.5, rng.normal(size=hidden) * 0.5)
        cache = rnn_cell_forward(params, x_t, states=(h_prev,)).cache
        cases.append((rng.normal(size=(batch, hidden)), cache))
    return cases


def _cell_backward_variants(dh_t: np.ndarray, cache: tuple) -> dict[str, dict[str, Any]]:
    """Per-gradient plausible wrong answers, each with the feedback that explains it."""
    x_t, h_prev, h_t, W_xh, W_hh = cache
    dz = dh_t * (1 - h_t**2)
    return {
        "dx_t": {"did you forget the tanh derivative? Multiply dh_t by (1 - h_t**2) first.":
                 dh_t @ W_xh.T,
                 "use W_xh transposed: dx_t = dz @ W_xh.T.": dz @ W_xh if
                 W_xh.shape[0] == W_xh.shape[1] else None},
        "dh_prev": {"did you forget the tanh derivative? Multiply dh_t by (1 - h_t**2) "
                    "first.": dh_t @ W_hh.T,
                    "use W_hh transposed: dh_prev = dz @ W_hh.T.": dz @ W_hh},
        "dW_xh": {"did you forget the tanh derivative? Multiply dh_t by (1 - h_t**2) first.":
                  x_t.T @ dh_t},
        "dW_hh": {"did you forget the tanh derivative? Multiply dh_t by (1 - h_t**2) first.":
                  h_prev.T @ dh_t,
                  "it multiplies the new state h_t; W_hh acts on the previous state, so "
                  "use h_prev.T @ dz.": h_t.T @ dz,
                  "it is transposed: use h_prev.T @ dz (shape (hidden, hidden), rows "
                  "indexed by h_prev).": dz.T @ h_prev},
        "db_h": {"did you forget the tanh derivative? Multiply dh_t by (1 - h_t**2) first.":
                 dh_t.sum(axis=0),
                 "sum dz over the batch (axis 0): the bias is shared by every example.":
                 dz.mean(axis=0)},
    }


def _diagnose_cell_backward(learner: Callable, cases: Sequence[tuple],
                            reference: Callable) -> str | None:
    """Name the first gradient the learner gets wrong, with a targeted explanation."""
    for case in cases:
        answer = learner(*case)
        expected = reference(*case)
        if not isinstance(answer, tuple | list) or len(answer) != len(expected):
            return ("Return five arrays, in this order: (dx_t, dh_prev, dW_xh, dW_hh, "
                    "db_h).")
        variants = _cell_backward_variants(*case)
        for name, got, want in zip(_CELL_GRADIENT_NAMES, answer, expected, strict=True):
            if outputs_match(got, want, 1e-6):
                continue
            if np.shape(got) != np.shape(want):
                return (f"{name} has shape {np.shape(got)}, expected {np.shape(want)}: "
                        "a gradient always has the shape of what it differentiates.")
            for feedback, wrong in variants[name].items():
                if wrong is not None and outputs_match(got, wrong, 1e-6):
                    return f"{name} is wrong: {feedback}"
            return (f"{name} is wrong (the shape is right, the values are not). Start from "
                    "dz = dh_t * (1 - h_t**2).")
    return None


def check_rnn_cell_backward(learner: Callable, show: bool = True,
                            hint: bool = False) -> CheckResult:
    """Check ``learner(dh_t, cache) -> (dx_t, dh_prev, dW_xh, dW_hh, db_h)``.

    ``cache`` is ``(x_t, h_prev, h_t, W_xh, W_hh)`` from ``rnn_cell_forward``. A wrong
    answer is diagnosed gradient by gradient, so the feedback names the one that is off.
    """
    def no_tanh_derivative(dh_t, cache):
        x_t, h_prev, _, W_xh, W_hh = cache
        return (dh_t @ W_xh.T, dh_t @ W_hh.T, x_t.T @ dh_t, h_prev.T @ dh_t,
                dh_t.sum(axis=0))

    def derivative_of_wrong_state(dh_t, cache):
        x_t, h_prev, _, W_xh, W_hh = cache
        dz = dh_t * (1 - h_prev**2)
        return dz @ W_xh.T, dz @ W_hh.T, x_t.T @ dz, h_prev.T @ dz, dz.sum(axis=0)

    def tanh_of_state(dh_t, cache):
        x_t, h_prev, h_t, W_xh, W_hh = cache
        dz = dh_t * (1 - np.tanh(h_t) ** 2)
        return dz @ W_xh.T, dz @ W_hh.T, x_t.T @ dz, h_prev.T @ dz, dz.sum(axis=0)

    mistakes = [
        Mistake(no_tanh_derivative, "Every gradient is wrong: you forgot the tanh "
                "derivative. First compute dz = dh_t * (1 - h_t**2), then use dz everywhere."),
        Mistake(derivative_of_wrong_state, "Every gradient is wrong: the tanh derivative "
                "uses the state this step produced, 1 - h_t**2, not 1 - h_prev**2."),
        Mistake(tanh_of_state, "Every gradient is wrong: h_t is already tanh(z), so "
                "tanh'(z) = 1 - h_t**2; do not apply tanh to h_t again."),
    ]
    hint_text = ("dz = dh_t * (1 - h_t**2); then dx_t = dz @ W_xh.T, dh_prev = dz @ W_hh.T, "
            "dW_xh = x_t.T @ dz, dW_hh = h_prev.T @ dz, db_h = dz.sum(axis=0).")
    cases = _cell_backward_cases(4)
    result = run_check("rnn_cell_backward", learner, rnn_cell_backward, cases, mistakes,
                       hint=hint_text, show=False, hint_requested=hint)
    if result.unexplained:
        try:
            diagnosis = _diagnose_cell_backward(guarded(learner), cases, rnn_cell_backward)
        except LearnerTimeout:
            diagnosis = TIMEOUT_MESSAGE.format(seconds=check_timeout())
        if diagnosis:
            result = CheckResult(result.exercise, FAILED,
                                 with_hint(result.exercise, diagnosis, hint_text, hint))
    if show:
        print(result)
    return result
