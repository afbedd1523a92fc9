"""Exercise checks: run a learner's function against the reference and explain mistakes.

Each ``check_*`` function takes the learner's function, calls it on several random
inputs, and compares with the reference implementation. When the answer is wrong it
also compares with a list of *plausible mistakes* (no bias, no tanh, the target
inside the window, ...) and, if one matches, names it. An exercise not yet attempted
(the function still raises ``NotImplementedError`` or returns ``None``) prints a hint
and returns quietly, so the notebook still runs from top to bottom.

Every check returns a :class:`CheckResult`, which is truthy only when the answer is
right, so tests (and curious learners) can ``assert check_rnn_cell(my_cell)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rnncourse.numpy_rnn import rnn_cell_forward
from rnncourse.sequences import StandardScaler, make_windows

PASSED, FAILED, NOT_ATTEMPTED, ERROR = "passed", "failed", "not attempted", "error"


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one exercise check.

    Attributes:
        exercise: The exercise's name.
        status: ``"passed"``, ``"failed"``, ``"not attempted"`` or ``"error"``.
        message: Feedback for the learner.
    """

    exercise: str
    status: str
    message: str

    def __bool__(self) -> bool:
        return self.status == PASSED

    def __str__(self) -> str:
        icon = {PASSED: "[passed]", FAILED: "[not yet]", NOT_ATTEMPTED: "[to do]",
                ERROR: "[error]"}[self.status]
        return f"{icon} {self.exercise}: {self.message}"

    def _repr_html_(self) -> str:
        colour = {PASSED: "#1a7f37", FAILED: "#b35900", NOT_ATTEMPTED: "#555555",
                  ERROR: "#b00020"}[self.status]
        return (f'<div style="border-left:4px solid {colour};padding:4px 8px">'
                f"<b>{self.exercise}</b> ({self.status})<br>{self.message}</div>")


@dataclass(frozen=True)
class Mistake:
    """A plausible wrong answer and the feedback that explains it."""

    function: Callable[..., Any]
    feedback: str


def _same(actual: Any, expected: Any, atol: float) -> bool:
    """Compare outputs that may be arrays, numbers or tuples of arrays."""
    if isinstance(expected, tuple):
        return (isinstance(actual, tuple | list) and len(actual) == len(expected)
                and all(_same(a, e, atol) for a, e in zip(actual, expected, strict=True)))
    try:
        actual_array = np.asarray(actual, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    expected_array = np.asarray(expected, dtype=np.float64)
    if actual_array.size == 0 and expected_array.size == 0:
        return True  # empty results agree whatever shape the empty list took
    return (actual_array.shape == expected_array.shape
            and bool(np.allclose(actual_array, expected_array, atol=atol, rtol=0)))


def _shape_of(value: Any) -> Any:
    if isinstance(value, tuple | list) and value and not np.isscalar(value[0]):
        return tuple(np.shape(part) for part in value)
    return np.shape(value)


def run_check(
    exercise: str,
    learner: Callable[..., Any],
    reference: Callable[..., Any],
    cases: Sequence[tuple],
    mistakes: Sequence[Mistake] = (),
    hint: str = "",
    atol: float = 1e-6,
    show: bool = True,
) -> CheckResult:
    """Compare ``learner`` with ``reference`` on ``cases`` and diagnose a wrong answer.

    Args:
        exercise: Name shown in the feedback.
        learner: The learner's function.
        reference: The correct implementation.
        cases: Argument tuples to call both with (random inputs, edge cases).
        mistakes: Plausible wrong answers; the first one the learner agrees with on
            every case is named in the feedback.
        hint: Printed when the exercise has not been attempted or raises.
        atol: Absolute tolerance for numeric comparison.
        show: Print the result (set ``False`` in tests).
    """

    def finish(status: str, message: str) -> CheckResult:
        result = CheckResult(exercise, status, message)
        if show:
            print(result)
        return result

    answers = []
    for case in cases:
        try:
            answer = learner(*case)
        except NotImplementedError:
            return finish(NOT_ATTEMPTED, f"Not attempted yet. Hint: {hint}")
        except Exception as error:  # noqa: BLE001 - any learner bug becomes feedback
            return finish(ERROR, f"Your function raised {type(error).__name__}: {error}. "
                                 f"Hint: {hint}")
        if answer is None:
            return finish(NOT_ATTEMPTED, "Your function returned None: did you forget "
                                         f"`return`? Hint: {hint}")
        answers.append(answer)

    expected = [reference(*case) for case in cases]
    if all(_same(a, e, atol) for a, e in zip(answers, expected, strict=True)):
        return finish(PASSED, f"Correct on all {len(cases)} test cases. Well done!")

    for mistake in mistakes:
        matches = True
        for case, answer in zip(cases, answers, strict=True):
            try:
                wrong = mistake.function(*case)
            except Exception:  # noqa: BLE001 - a mistake that cannot run cannot match
                matches = False
                break
            if not _same(answer, wrong, atol):
                matches = False
                break
        if matches:
            return finish(FAILED, mistake.feedback)

    for case_number, (answer, want) in enumerate(zip(answers, expected, strict=True)):
        if not _same(answer, want, atol):
            got_shape, want_shape = _shape_of(answer), _shape_of(want)
            if got_shape != want_shape:
                return finish(FAILED, f"Case {case_number + 1}: your output has shape "
                                      f"{got_shape}, expected {want_shape}.")
            return finish(FAILED, f"Case {case_number + 1}: the shape is right but the values "
                                  f"differ from the reference. Hint: {hint}")
    return finish(FAILED, "Your answer differs from the reference.")  # pragma: no cover


# ---------------------------------------------------------------------------
# Notebook 01: windows and scaling


def _series_cases(seed: int) -> list[tuple]:
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=length).round(3), window)
            for length, window in ((12, 3), (20, 5), (8, 1), (6, 5))]


def check_make_windows(learner: Callable, show: bool = True) -> CheckResult:
    """Check ``learner(series, window) -> (inputs, targets)`` for a 1-D series.

    Inputs have shape ``(pairs, window)``; the target of each pair is the step right
    after its window.
    """

    def reference(series, window):
        inputs, targets = make_windows(series, window)
        return inputs[..., 0], targets

    def target_inside(series, window):
        inputs, _ = reference(series, window)
        return inputs, inputs[:, -1]

    def last_pair_dropped(series, window):
        inputs, targets = reference(series, window)
        return inputs[:-1], targets[:-1]

    def target_two_ahead(series, window):
        inputs, targets = reference(series, window)
        return inputs[:-1], targets[1:]

    mistakes = [
        Mistake(target_inside, "Each target is the last value of its own window, so the "
                "model would be asked to copy an input. The target is the step *after* "
                "the window: series[i + window]."),
        Mistake(last_pair_dropped, "You lose the last pair. A series of length T gives "
                "T - window pairs: loop over range(len(series) - window)."),
        Mistake(target_two_ahead, "Your targets are one step too far ahead (series[i + window"
                " + 1]); the next step after the window is series[i + window]."),
    ]
    return run_check("make_windows", learner, reference, _series_cases(1), mistakes,
                     hint="for each start i, inputs series[i:i + window], target "
                          "series[i + window].", show=show)


def check_scale_without_leakage(learner: Callable, show: bool = True) -> CheckResult:
    """Check ``learner(train, test) -> (train_scaled, test_scaled)``: fit on train only."""

    def reference(train, test):
        scaler = StandardScaler().fit(train)
        return scaler.transform(train), scaler.transform(test)

    def fit_on_everything(train, test):
        scaler = StandardScaler().fit(np.concatenate([train, test]))
        return scaler.transform(train), scaler.transform(test)

    def fit_separately(train, test):
        return StandardScaler().fit_transform(train), StandardScaler().fit_transform(test)

    rng = np.random.default_rng(2)
    # The test part drifts upwards, as later data often does, so the mistakes show.
    cases = [(rng.normal(10, 2, size=(30, 2)), rng.normal(14, 3, size=(10, 2)))
             for _ in range(3)]
    mistakes = [
        Mistake(fit_on_everything, "Your scaler was fitted on train and test together, so "
                "the test period's values leaked into the training inputs. Fit on train "
                "only, then transform both."),
        Mistake(fit_separately, "You fitted a second scaler on the test data. Its mean and "
                "spread come from the future; reuse the scaler fitted on train."),
    ]
    return run_check("scale_without_leakage", learner, reference, cases, mistakes,
                     hint="scaler = StandardScaler().fit(train); then scaler.transform(...) "
                          "on train and on test.", show=show)


# ---------------------------------------------------------------------------
# Notebook 02: the RNN cell and its size


def _cell_cases(seed: int) -> list[tuple]:
    rng = np.random.default_rng(seed)
    cases = []
    for batch, inputs, hidden in ((2, 3, 4), (1, 5, 3), (4, 4, 4)):
        cases.append((rng.normal(size=(batch, inputs)), rng.normal(size=(batch, hidden)),
                      rng.normal(size=(inputs, hidden)), rng.normal(size=(hidden, hidden)),
                      rng.normal(size=hidden)))
    return cases


def check_rnn_cell(learner: Callable, show: bool = True) -> CheckResult:
    """Check ``learner(x_t, h_prev, W_xh, W_hh, b_h) -> h_t`` (batch-first, Keras layout)."""

    def reference(x_t, h_prev, W_xh, W_hh, b_h):
        return rnn_cell_forward(x_t, h_prev, W_xh, W_hh, b_h)[0]

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
                     hint="h_t = np.tanh(x_t @ W_xh + h_prev @ W_hh + b_h)", show=show)


def check_rnn_parameter_count(learner: Callable, show: bool = True) -> CheckResult:
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
                          "(hidden).", atol=0, show=show)


# ---------------------------------------------------------------------------
# Notebook 03: backpropagation through time

_CELL_GRADIENT_NAMES = ("dx_t", "dh_prev", "dW_xh", "dW_hh", "db_h")


def _cell_backward_cases(seed: int) -> list[tuple]:
    rng = np.random.default_rng(seed)
    cases = []
    for batch, inputs, hidden in ((3, 4, 5), (1, 2, 3), (4, 3, 3)):
        _, cache = rnn_cell_forward(rng.normal(size=(batch, inputs)),
                                    rng.normal(size=(batch, hidden)),
                                    rng.normal(size=(inputs, hidden)) * 0.5,
                                    rng.normal(size=(hidden, hidden)) * 0.5,
                                    rng.normal(size=hidden) * 0.5)
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
            if _same(got, want, 1e-6):
                continue
            if np.shape(got) != np.shape(want):
                return (f"{name} has shape {np.shape(got)}, expected {np.shape(want)}: "
                        "a gradient always has the shape of what it differentiates.")
            for feedback, wrong in variants[name].items():
                if wrong is not None and _same(got, wrong, 1e-6):
                    return f"{name} is wrong: {feedback}"
            return (f"{name} is wrong (the shape is right, the values are not). Start from "
                    "dz = dh_t * (1 - h_t**2).")
    return None


def check_rnn_cell_backward(learner: Callable, show: bool = True) -> CheckResult:
    """Check ``learner(dh_t, cache) -> (dx_t, dh_prev, dW_xh, dW_hh, db_h)``.

    ``cache`` is ``(x_t, h_prev, h_t, W_xh, W_hh)`` from ``rnn_cell_forward``. A wrong
    answer is diagnosed gradient by gradient, so the feedback names the one that is off.
    """
    from rnncourse.bptt import rnn_cell_backward

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
    hint = ("dz = dh_t * (1 - h_t**2); then dx_t = dz @ W_xh.T, dh_prev = dz @ W_hh.T, "
            "dW_xh = x_t.T @ dz, dW_hh = h_prev.T @ dz, db_h = dz.sum(axis=0).")
    cases = _cell_backward_cases(4)
    result = run_check("rnn_cell_backward", learner, rnn_cell_backward, cases, mistakes,
                       hint=hint, show=False)
    if result.status == FAILED and not any(result.message == m.feedback for m in mistakes):
        diagnosis = _diagnose_cell_backward(learner, cases, rnn_cell_backward)
        if diagnosis:
            result = CheckResult(result.exercise, FAILED, diagnosis)
    if show:
        print(result)
    return result
