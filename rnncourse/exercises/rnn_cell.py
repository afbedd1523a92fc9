"""Exercise checks for notebook 02: the RNN cell step and its parameter count."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from rnncourse.exercises.checking import CheckResult, Mistake, run_check
from rnncourse.scratch.rnn_cell import RNNParams, rnn_cell_forward


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
                "add h_prev @ W_hh."),
        Mistake(lambda x, h, Wx, Wh, b: x @ Wx + h @ Wh + b,
                "You forgot the tanh: without it the state is a linear function and can "
                "grow without bound."),
        Mistake(lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + h @ Wh.T + b),
                "W_hh is applied transposed. In the batch-first layout the state is a row "
                "vector: use h_prev @ W_hh."),
        Mistake(lambda x, h, Wx, Wh, b: sigmoid(x @ Wx + h @ Wh + b),
                "You used a sigmoid; the simple RNN cell uses tanh (values in (-1, 1))."),
        Mistake(lambda x, h, Wx, Wh, b: np.maximum(0, x @ Wx + h @ Wh + b),
                "You used ReLU; the simple RNN cell here uses tanh (values in (-1, 1))."),
        Mistake(lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + h + b),
                "You added h_prev directly; it must first be multiplied by W_hh."),
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
