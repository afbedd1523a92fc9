"""Exercise checks for notebook 02: the cell step, its parameter count, the forward pass over a
sequence and the worked example's next-letter probabilities.

Equations in notebook 02 use the course notation (U input weights, W recurrent weights, V
read-out); code uses the batch-first names ``W_xh`` (= U), ``W_hh`` (= W) and ``W_hy`` (= V).
Feedback names the likely mistake; hints describe the way in words and hold no code.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from rnncourse.exercises.checking import CheckResult, Mistake, run_check
from rnncourse.scratch.activations import softmax
from rnncourse.scratch.rnn_cell import RNNParams, rnn_cell_forward
from rnncourse.scratch.runner import run_rnn

__all__ = [
    "LETTERS",
    "check_letter_probabilities",
    "check_rnn_cell",
    "check_rnn_forward",
    "check_rnn_parameter_count",
]


def _cell_cases(seed: int) -> list[tuple]:
    rng = np.random.default_rng(seed)
    cases = []
    for batch, inputs, hidden in ((2, 3, 4), (1, 5, 3), (4, 4, 4)):
        cases.append((rng.normal(size=(batch, inputs)), rng.normal(size=(batch, hidden)),
                      rng.normal(size=(inputs, hidden)), rng.normal(size=(hidden, hidden)),
                      rng.normal(size=hidden)))
    return cases


def check_rnn_cell(learner: Callable, show: bool = True,
                   hint: bool = False) -> CheckResult:
    """Check ``learner(x_t, h_prev, W_xh, W_hh, b_h) -> h_t`` (batch-first, Keras layout)."""

    def reference(x_t, h_prev, W_xh, W_hh, b_h):
        return rnn_cell_forward(RNNParams(W_xh, W_hh, b_h), x_t, states=(h_prev,)).output

    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    mistakes = [
        Mistake(lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + h @ Wh),
                "Your state ignores the bias b_h: add it inside the tanh."),
        Mistake(lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + b),
                "Your state ignores the previous state h_prev, so the cell has no memory: "
                "the previous state must enter through the recurrent weights W_hh."),
        Mistake(lambda x, h, Wx, Wh, b: x @ Wx + h @ Wh + b,
                "You forgot the tanh: without it the state is a linear function and can "
                "grow without bound."),
        Mistake(lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + h @ Wh.T + b),
                "W_hh is applied transposed. In the batch-first layout the state is a row "
                "vector that multiplies W_hh from the left, as the input does with W_xh."),
        Mistake(lambda x, h, Wx, Wh, b: sigmoid(x @ Wx + h @ Wh + b),
                "You used a sigmoid; the simple RNN cell uses tanh (values in (-1, 1))."),
        Mistake(lambda x, h, Wx, Wh, b: np.maximum(0, x @ Wx + h @ Wh + b),
                "You used ReLU; the simple RNN cell here uses tanh (values in (-1, 1))."),
        Mistake(lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + h + b),
                "You added h_prev directly; it must first pass through the recurrent "
                "weights W_hh."),
    ]
    return run_check("rnn_cell", learner, reference, _cell_cases(3), mistakes,
                     hint="mix the input through W_xh and the previous state through W_hh, "
                          "add the bias, then squash the sum with tanh.",
                     show=show, hint_requested=hint)


def check_rnn_parameter_count(learner: Callable, show: bool = True,
                              hint: bool = False) -> CheckResult:
    """Check ``learner(input_size, hidden_size) -> int``: weights in one SimpleRNN layer."""

    def reference(inputs, hidden):
        return hidden * (inputs + hidden + 1)

    mistakes = [
        Mistake(lambda i, h: h * (i + h),
                "You forgot the bias: one per hidden unit."),
        Mistake(lambda i, h: h * (i + 1),
                "You forgot the recurrent weights W_hh (hidden x hidden): the state feeds "
                "back into every unit."),
        Mistake(lambda i, h: h * i + h * h + i + h,
                "There is one bias per hidden unit, not per input."),
    ]
    cases = [(100, 10), (3, 7), (1, 1), (32, 64)]
    return run_check("rnn_parameter_count", learner, reference, cases, mistakes,
                     hint="count W_xh (input x hidden), W_hh (hidden x hidden) and b_h "
                          "(hidden).", atol=0, show=show, hint_requested=hint)


# --------------------------------------------------------------------------- the forward pass

def _forward_cases(seed: int) -> list[tuple]:
    rng = np.random.default_rng(seed)
    cases = []
    for batch, steps, inputs, hidden in ((2, 5, 3, 4), (3, 4, 2, 3), (1, 6, 4, 2)):
        cases.append((rng.normal(size=(batch, steps, inputs)),
                      rng.uniform(-0.9, 0.9, size=(batch, hidden)),
                      rng.normal(scale=0.8, size=(inputs, hidden)),
                      rng.normal(scale=0.8, size=(hidden, hidden)),
                      rng.normal(scale=0.5, size=hidden)))
    return cases


def _forward_reference(x, h0, W_xh, W_hh, b_h):
    return run_rnn(RNNParams(W_xh, W_hh, b_h), x, initial_state=h0).outputs


def check_rnn_forward(learner: Callable, show: bool = True,
                      hint: bool = False) -> CheckResult:
    """Check ``learner(x, h0, W_xh, W_hh, b_h) -> states`` over whole sequences.

    ``x`` is ``(batch, time, inputs)``, ``h0`` the initial state ``(batch, hidden)``; the
    answer holds the state after every step, ``(batch, time, hidden)``, as Keras returns with
    ``return_sequences=True``.
    """

    def step(x_t, h, W_xh, W_hh, b_h):
        return np.tanh(x_t @ W_xh + h @ W_hh + b_h)

    def no_carry(x, h0, W_xh, W_hh, b_h):
        return np.stack([step(x[:, t], h0, W_xh, W_hh, b_h) for t in range(x.shape[1])], axis=1)

    def final_only(x, h0, W_xh, W_hh, b_h):
        return _forward_reference(x, h0, W_xh, W_hh, b_h)[:, -1]

    def zeros_start(x, h0, W_xh, W_hh, b_h):
        return _forward_reference(x, np.zeros_like(h0), W_xh, W_hh, b_h)

    def shifted(x, h0, W_xh, W_hh, b_h):
        states = _forward_reference(x, h0, W_xh, W_hh, b_h)
        return np.concatenate([h0[:, None], states[:, :-1]], axis=1)

    def reversed_time(x, h0, W_xh, W_hh, b_h):
        return _forward_reference(x[:, ::-1], h0, W_xh, W_hh, b_h)

    mistakes = [
        Mistake(no_carry, "Every step starts again from h0, so the state never carries "
                "anything from one step to the next. Feed each step the state the previous "
                "step produced."),
        Mistake(final_only, "You return only the last state, shape (batch, hidden). The "
                "exercise asks for the state after every step, (batch, time, hidden), as "
                "Keras returns with return_sequences=True."),
        Mistake(zeros_start, "Your loop starts from zeros and ignores the initial state h0 "
                "it was given."),
        Mistake(shifted, "Your states are one step late: the first entry is h0 and the "
                "state after the last input is missing. Store the new state after each "
                "step, not the one it started from."),
        Mistake(reversed_time, "You read the sequence from the last step to the first. Go "
                "forward in time (that is what go_backwards=False means)."),
    ]
    return run_check("rnn_forward", learner, _forward_reference, _forward_cases(5), mistakes,
                     hint="start with the state h0 and walk along the time axis (axis 1): "
                          "at each step apply the cell of exercise 1 to that step's inputs "
                          "for the whole batch and the current state, keep the new state, and "
                          "make it the current one. Stack what you kept along the time axis.",
                     show=show, hint_requested=hint)


# --------------------------------------------------------------------------- the worked example

LETTERS = ("h", "e", "l", "o")
"""The worked example's vocabulary; letter ``i`` is the one-hot vector with a 1 at ``i``."""


def _letter_probabilities(prefix, U, W, b, V, *, recurrent=True, with_bias=True,
                          with_softmax=True, drop_last=False):
    """Read ``prefix`` with the column-vector cell h_t = tanh(U x_t + W h_(t-1) + b)."""
    state = np.zeros(U.shape[0])
    letters = prefix[:-1] if drop_last else prefix
    for letter in letters:
        x_t = np.eye(len(LETTERS))[LETTERS.index(letter)]
        memory = W * state if recurrent else 0.0
        state = np.tanh(U @ x_t + memory + (b if with_bias else 0.0))
    scores = V @ state
    return softmax(scores) if with_softmax else scores


def _letter_cases(seed: int) -> list[tuple]:
    rng = np.random.default_rng(seed)
    cases = []
    for prefix in ("he", "hel", "hell", "lo", "ello"):
        cases.append((prefix, rng.uniform(-1, 1, size=(3, 4)), float(rng.uniform(0.2, 0.9)),
                      float(rng.uniform(-0.5, 0.5)), rng.uniform(-1, 1, size=(4, 3))))
    return cases


def check_letter_probabilities(learner: Callable, show: bool = True,
                               hint: bool = False) -> CheckResult:
    """Check ``learner(prefix, U, W, b, V) -> p``: next-letter probabilities after ``prefix``.

    The weights are in the worked example's column-vector form: ``U`` is ``(3, 4)`` (state x
    letters), ``W`` and ``b`` are single numbers shared by the three state units, ``V`` is
    ``(4, 3)``. Letters are one-hot in the order h, e, l, o; the state starts at zero.
    """

    def reference(prefix, U, W, b, V):
        return _letter_probabilities(prefix, U, W, b, V)

    mistakes = [
        Mistake(lambda p, U, W, b, V: _letter_probabilities(p, U, W, b, V, recurrent=False),
                "Your probabilities depend only on the last letter: the state is not fed back. "
                "Each step must add W times the previous state."),
        Mistake(lambda p, U, W, b, V: _letter_probabilities(p, U, W, b, V, with_softmax=False),
                "You return the scores (logits) V h_t, not probabilities: they do not add up to "
                "1. Pass them through softmax."),
        Mistake(lambda p, U, W, b, V: _letter_probabilities(p, U, W, b, V, with_bias=False),
                "Your state ignores the bias b: add it inside the tanh at every step."),
        Mistake(lambda p, U, W, b, V: _letter_probabilities(p, U, W, b, V, drop_last=True),
                "Your prediction comes from the state before the last letter was read. Read "
                "every letter of the prefix, then predict."),
    ]
    return run_check("letter_probabilities", learner, reference, _letter_cases(8), mistakes,
                     hint="start from a state of three zeros. For each letter build its one-hot "
                          "vector (order h, e, l, o), update the state with the worked "
                          "example's cell, and after the last letter turn the read-out's "
                          "scores into probabilities.",
                     show=show, hint_requested=hint)
