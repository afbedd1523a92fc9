"""Exercise checks for notebook 03: backpropagation through time, written by the learner.

Four exercises, from one step to the whole sequence and to the tools around it:

* :func:`check_rnn_cell_backward`: the backward step of one tanh cell;
* :func:`check_rnn_backward`: the loop over time that walks a whole sequence back
  (sequence-level BPTT), adding the gradient from the future at every step;
* :func:`check_backward_norms`: carrying a gradient back through the Jacobians and
  recording its norm, the measurement behind vanishing and exploding gradients;
* :func:`check_clip_by_global_norm`: rescaling all gradients together.

Feedback names the likely mistake first; a hint (in words, never the solution's code) comes
when asked for (``hint=True``) or after a second wrong attempt.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
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
from rnncourse.scratch.bptt import backward_norms, clip_by_global_norm, rnn_backward
from rnncourse.scratch.rnn_cell import RNNParams, rnn_cell_backward, rnn_cell_forward
from rnncourse.scratch.runner import run_rnn

__all__ = [
    "check_backward_norms",
    "check_clip_by_global_norm",
    "check_rnn_backward",
    "check_rnn_cell_backward",
    "reference_rnn_backward",
]

# --------------------------------------------------------------------- one cell, backward

_CELL_GRADIENT_NAMES = ("dx_t", "dh_prev", "dW_xh", "dW_hh", "db_h")
_TANH_DERIVATIVE = ("did you forget the tanh derivative? Every gradient of this step goes "
                    "through dz, the gradient of the pre-activation: dh_t times tanh's "
                    "derivative, which is written with the state h_t the step produced.")
_CELL_HINT = ("work from the pre-activation z, the sum inside the tanh. Its gradient dz is "
              "dh_t times tanh's derivative, written with h_t. A weight's gradient pairs "
              "the transposed array it multiplied in the forward pass with dz; the gradients "
              "of x_t and h_prev send dz back through the transposed weights; the bias adds "
              "dz up over the examples of the batch.")


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
        "dx_t": {_TANH_DERIVATIVE: dh_t @ W_xh.T,
                 "W_xh must be transposed: dz has one column per hidden unit and dx_t one "
                 "per input feature.": dz @ W_xh if W_xh.shape[0] == W_xh.shape[1] else None},
        "dh_prev": {_TANH_DERIVATIVE: dh_t @ W_hh.T,
                    "use W_hh transposed: in the forward pass h_prev is multiplied by W_hh "
                    "from the right, so the gradient goes back through its transpose.":
                    dz @ W_hh},
        "dW_xh": {_TANH_DERIVATIVE: x_t.T @ dh_t},
        "dW_hh": {_TANH_DERIVATIVE: h_prev.T @ dh_t,
                  "it multiplies the new state h_t; W_hh acts on the previous state, so "
                  "its gradient pairs h_prev with dz.": h_t.T @ dz,
                  "it is transposed: its rows must be indexed by the units of h_prev (the "
                  "transposed state comes first in the product).": dz.T @ h_prev},
        "db_h": {_TANH_DERIVATIVE: dh_t.sum(axis=0),
                 "the bias is shared by every example, so add dz up over the batch (axis "
                 "0) instead of averaging it.": dz.mean(axis=0)},
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
            return (f"{name} is wrong (the shape is right, the values are not). Check it "
                    "against the equations of section 2, starting from dz.")
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
                "derivative. First turn dh_t into dz, the gradient of the pre-activation, "
                "and use dz everywhere."),
        Mistake(derivative_of_wrong_state, "Every gradient is wrong: the tanh derivative "
                "uses the state this step produced, h_t, not the previous state h_prev."),
        Mistake(tanh_of_state, "Every gradient is wrong: h_t is already tanh(z), so tanh's "
                "derivative is written with h_t directly; do not apply tanh to h_t again."),
    ]
    cases = _cell_backward_cases(4)
    result = run_check("rnn_cell_backward", learner, rnn_cell_backward, cases, mistakes,
                       hint=_CELL_HINT, show=False, hint_requested=hint)
    if result.unexplained:
        try:
            diagnosis = _diagnose_cell_backward(guarded(learner), cases, rnn_cell_backward)
        except LearnerTimeout:
            diagnosis = TIMEOUT_MESSAGE.format(seconds=check_timeout())
        except Exception as error:  # noqa: BLE001 - a crash on a probe is feedback too
            diagnosis = f"Your function raised {type(error).__name__}: {error}."
        if diagnosis:
            result = CheckResult(result.exercise, FAILED,
                                 with_hint(result.exercise, diagnosis, _CELL_HINT, hint))
    if show:
        print(result)
    return result


# ------------------------------------------------------------- the loop over time (BPTT)

_LOOP_NAMES = ("dW_xh", "dW_hh", "db_h", "dh0")
_LOOP_HINT = ("walk the steps from the last to the first and keep one running gradient, the "
              "part of the state's gradient that comes back from the future (nothing after "
              "the last step). At each step the state's total gradient is its direct part "
              "plus that running gradient; one backward step of the cell turns it into this "
              "step's weight gradients, which you add to the totals, and into the running "
              "gradient for the step before. What comes out of the first step is dh0.")


def reference_rnn_backward(dh_direct: np.ndarray,
                           caches: Sequence[Any]) -> tuple[np.ndarray, ...]:
    """The answer: ``(dW_xh, dW_hh, db_h, dh0)`` of :func:`rnncourse.scratch.bptt.rnn_backward`."""
    grads = rnn_backward(dh_direct, list(caches))
    return grads["dW_xh"], grads["dW_hh"], grads["db_h"], grads["dh0"]


def _walk(dh_direct: np.ndarray, caches: Sequence[Any], *, order: str = "backward",
          carry: bool = True, accumulate: bool = True,
          dh0_after_first_step: bool = True) -> tuple[np.ndarray, ...]:
    """The loop over time with switchable mistakes; the defaults give the right answer."""
    batch, steps, hidden = dh_direct.shape
    _, _, _, W_xh, W_hh = caches[0]
    dW_xh, dW_hh, db_h = np.zeros_like(W_xh), np.zeros_like(W_hh), np.zeros(hidden)
    running = np.zeros((batch, hidden))
    total = running
    walk = range(steps - 1, -1, -1) if order == "backward" else range(steps)
    for step in walk:
        total = dh_direct[:, step] + (running if carry else 0.0)
        _, dh_prev, step_xh, step_hh, step_b = rnn_cell_backward(total, caches[step])
        if accumulate:
            dW_xh, dW_hh, db_h = dW_xh + step_xh, dW_hh + step_hh, db_h + step_b
        else:
            dW_xh, dW_hh, db_h = step_xh, step_hh, step_b
        running = dh_prev
    return dW_xh, dW_hh, db_h, running if dh0_after_first_step else total


def _loop_cases(seed: int) -> list[tuple]:
    rng = np.random.default_rng(seed)
    cases = []
    for batch, steps, inputs, hidden in ((2, 5, 3, 4), (1, 4, 2, 3), (3, 6, 2, 2)):
        params = RNNParams(rng.normal(size=(inputs, hidden)) * 0.6,
                           rng.normal(size=(hidden, hidden)) * 0.6, rng.normal(size=hidden) * 0.3)
        x = rng.normal(size=(batch, steps, inputs))
        h0 = rng.normal(size=(batch, hidden)) * 0.5
        caches = run_rnn(params, x, initial_state=h0).caches
        cases.append((rng.normal(size=(batch, steps, hidden)), caches))
    return cases


def check_rnn_backward(learner: Callable, show: bool = True,
                       hint: bool = False) -> CheckResult:
    """Check ``learner(dh_direct, caches) -> (dW_xh, dW_hh, db_h, dh0)``.

    ``dh_direct[:, t]`` is the gradient reaching ``h_t`` from step ``t``'s own output,
    ``(batch, time, hidden)``; ``caches`` are the per-step caches of ``run_rnn``, in forward
    order. The learner walks them back in time (calling a cell's backward step) and returns
    the weight gradients summed over time and the gradient of the initial state.
    """
    mistakes = [
        Mistake(lambda d, c: _walk(d, c, carry=False),
                "The gradient from the future is missing: you send each step's direct "
                "gradient through its cell alone. The state h_t also feeds every later step, "
                "so what came back from step t+1 (its dh_prev) must be added to "
                "dh_direct[:, t] before step t's backward step."),
        Mistake(lambda d, c: _walk(d, c, order="forward"),
                "You walk forward in time. The gradient of a state needs the gradient of "
                "the states after it, so start at the last step and go back to the first."),
        Mistake(lambda d, c: _walk(d, c, accumulate=False),
                "The weight gradients hold only one step's contribution. W_xh, W_hh and b_h "
                "are shared by every step, so their gradients are sums over time: add each "
                "step's part to a running total."),
        Mistake(lambda d, c: _walk(d, c, dh0_after_first_step=False),
                "dh0 is off: you return the total gradient of h_1, the state after the first "
                "step. The initial state h0 is the one before it, so pass that gradient back "
                "through the first step too (its dh_prev)."),
    ]
    cases = _loop_cases(3)
    result = run_check("rnn_backward", learner, reference_rnn_backward, cases, mistakes,
                       hint=_LOOP_HINT, show=False, hint_requested=hint)
    if result.unexplained:
        try:
            message = _diagnose_loop(guarded(learner), cases)
        except LearnerTimeout:
            message = TIMEOUT_MESSAGE.format(seconds=check_timeout())
        except Exception as error:  # noqa: BLE001 - a crash on a probe is feedback too
            message = f"Your function raised {type(error).__name__}: {error}."
        result = CheckResult(result.exercise, FAILED,
                             with_hint(result.exercise, message, _LOOP_HINT, hint))
    if show:
        print(result)
    return result


def _diagnose_loop(learner: Callable, cases: Sequence[tuple]) -> str:
    """Say which of the four returned arrays is wrong."""
    for case in cases:
        answer = learner(*case)
        expected = reference_rnn_backward(*case)
        if not isinstance(answer, tuple | list) or len(answer) != 4:
            return "Return four arrays, in this order: (dW_xh, dW_hh, db_h, dh0)."
        wrong = [name for name, got, want in zip(_LOOP_NAMES, answer, expected, strict=True)
                 if not outputs_match(got, want, 1e-6)]
        if not wrong:
            continue
        for name, got, want in zip(_LOOP_NAMES, answer, expected, strict=True):
            if np.shape(got) != np.shape(want):
                return (f"{name} has shape {np.shape(got)}, expected {np.shape(want)}: a "
                        "gradient has the shape of what it differentiates.")
        if wrong == ["dh0"]:
            return ("The weight gradients are right, dh0 is not: it is what the running "
                    "gradient holds after the backward step of the first time step.")
        return (f"{', '.join(wrong)} differ from the reference although the shapes are "
                "right. Check the order of the walk and what you add at each step.")
    return "Your answer differs from the reference."


# ------------------------------------------------------- norms carried back through time

_NORMS_HINT = ("start from dh_last at the last state and walk towards the first. At each "
               "state, record the norm of the gradient you hold first; then take one step "
               "back: multiply element-wise by the tanh derivative of the state you are at, "
               "then by the recurrent matrix, transposed.")


def _norms_variant(W_hh: np.ndarray, hidden_states: np.ndarray, dh_last: np.ndarray, *,
                   tanh: bool = True, transpose: bool = True, state_shift: int = 0,
                   record_first: bool = True) -> np.ndarray:
    steps = hidden_states.shape[0]
    matrix = W_hh.T if transpose else W_hh
    dh = np.asarray(dh_last, dtype=float).reshape(-1)
    norms = []
    for distance in range(steps):
        if record_first:
            norms.append(np.linalg.norm(dh))
        index = steps - 1 - distance - state_shift
        derivative = 1.0 - hidden_states[index] ** 2 if tanh and index >= 0 else 1.0
        dh = (dh * derivative) @ matrix
        if not record_first:
            norms.append(np.linalg.norm(dh))
    return np.array(norms)


def _norms_cases(seed: int) -> list[tuple]:
    rng = np.random.default_rng(seed)
    cases = []
    for steps, hidden, gain in ((8, 5, 1.2), (5, 3, 0.9), (10, 4, 1.5)):
        W_hh = rng.normal(size=(hidden, hidden)) * gain / np.sqrt(hidden)
        params = RNNParams(rng.normal(size=(2, hidden)), W_hh, rng.normal(size=hidden) * 0.2)
        states = run_rnn(params, rng.normal(size=(1, steps, 2))).outputs[0]
        cases.append((W_hh, states, rng.normal(size=hidden)))
    return cases


def check_backward_norms(learner: Callable, show: bool = True,
                         hint: bool = False) -> CheckResult:
    """Check ``learner(W_hh, hidden_states, dh_last) -> norms``.

    ``hidden_states`` holds ``h_1 ... h_T`` of one sequence, ``(T, hidden)``; ``dh_last``
    is the gradient on ``h_T``. ``norms[d]`` must be the norm of the gradient ``d`` steps
    back, ``||dL/dh_(T-d)||``, for ``d = 0 ... T-1`` (so ``norms[0] = ||dh_last||``).
    """
    mistakes = [
        Mistake(lambda W, h, d: _norms_variant(W, h, d, tanh=False),
                "Your norms are those of a linear RNN: the tanh derivative is missing. Each "
                "step back multiplies by the derivative of that step's tanh, 1 minus the "
                "state squared, before the recurrent matrix."),
        Mistake(lambda W, h, d: _norms_variant(W, h, d, transpose=False),
                "Use the recurrent matrix transposed: in the forward pass the state "
                "multiplies W_hh from the left, so the gradient travels back through "
                "W_hh.T. (For a symmetric matrix you would not notice.)"),
        Mistake(lambda W, h, d: _norms_variant(W, h, d, state_shift=1),
                "The tanh derivative comes from the wrong state: going back from h_t to "
                "h_(t-1) uses the derivative at h_t, the state that step produced, not at "
                "h_(t-1)."),
        Mistake(lambda W, h, d: _norms_variant(W, h, d)[::-1],
                "Your norms come in the wrong order: norms[0] is the norm at the loss (the "
                "last state), norms[-1] the one furthest back."),
        Mistake(lambda W, h, d: _norms_variant(W, h, d, record_first=False),
                "Your norms are shifted by one step: norms[0] is the norm of dh_last itself, "
                "recorded before the first step back."),
    ]
    result = run_check("backward_norms", learner, backward_norms, _norms_cases(6), mistakes,
                       hint=_NORMS_HINT, hint_requested=hint, show=False)
    if show:
        print(result)
    return result


# ------------------------------------------------------------------ clipping by global norm

_CLIP_ORDER = ("W_xh", "W_hh", "b_h")
_CLIP_HINT = ("two steps. First the global norm: the square root of the sum of the squares "
              "of every number in every array. Then one factor for all arrays: 1 when that "
              "norm is already within max_norm, otherwise max_norm divided by the norm.")


def _as_tuple(answer: Any) -> Any:
    """``(clipped dict, norm)`` as ``(array, array, array, norm)`` in a fixed order."""
    if (isinstance(answer, tuple | list) and len(answer) == 2
            and isinstance(answer[0], Mapping)):
        clipped, norm = answer
        if set(clipped) != set(_CLIP_ORDER):
            return None, None, None, None
        return (*(np.asarray(clipped[name]) for name in _CLIP_ORDER), norm)
    return answer


def _clip_cases(seed: int) -> list[tuple]:
    """``(W_xh, W_hh, b_h, max_norm)``: the arrays travel separately, so that the check can
    tell when the learner's function changes one of them in place."""
    rng = np.random.default_rng(seed)
    cases = []
    for scale, max_norm in ((3.0, 1.0), (0.05, 1.0), (2.0, 5.0), (1.0, 0.5)):
        cases.append((rng.normal(size=(3, 4)) * scale, rng.normal(size=(4, 4)) * scale,
                      rng.normal(size=4) * scale, max_norm))
    return cases


def _as_dict(W_xh: np.ndarray, W_hh: np.ndarray, b_h: np.ndarray) -> dict[str, np.ndarray]:
    return dict(zip(_CLIP_ORDER, (W_xh, W_hh, b_h), strict=True))


def _on_arrays(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function(grads, max_norm)`` called as ``(W_xh, W_hh, b_h, max_norm)``, answer flat."""
    def call(W_xh, W_hh, b_h, max_norm):
        return _as_tuple(function(_as_dict(W_xh, W_hh, b_h), max_norm))

    return call


def _norm(grads: Mapping[str, np.ndarray]) -> float:
    return float(np.sqrt(sum(np.sum(np.square(g)) for g in grads.values())))


def _scaled(grads: Mapping[str, np.ndarray], factor: float) -> dict[str, np.ndarray]:
    return {name: np.asarray(g) * factor for name, g in grads.items()}


def check_clip_by_global_norm(learner: Callable, show: bool = True,
                              hint: bool = False) -> CheckResult:
    """Check ``learner(grads, max_norm) -> (clipped, norm)``.

    ``grads`` is a dict of gradient arrays by name; ``clipped`` must be a new dict with the
    same names, every array multiplied by one common factor so that the global norm is at
    most ``max_norm``; ``norm`` is the global norm *before* clipping.
    """
    def each_array(grads, max_norm):
        clipped = {name: g * min(1.0, max_norm / np.linalg.norm(g)) for name, g in grads.items()}
        return clipped, _norm(grads)

    def always_rescale(grads, max_norm):
        return _scaled(grads, max_norm / _norm(grads)), _norm(grads)

    def by_value(grads, max_norm):
        return {name: np.clip(g, -max_norm, max_norm) for name, g in grads.items()}, _norm(grads)

    def norm_after(grads, max_norm):
        clipped = _scaled(grads, min(1.0, max_norm / _norm(grads)))
        return clipped, _norm(clipped)

    def sum_of_norms(grads, max_norm):
        norm = float(sum(np.linalg.norm(g) for g in grads.values()))
        return _scaled(grads, min(1.0, max_norm / norm)), norm

    mistakes = [
        Mistake(each_array, "You clip each array by its own norm (that is what Keras's "
                "clipnorm does). Clipping by the global norm uses one norm for all arrays "
                "together and one factor for all of them, so the update keeps its direction."),
        Mistake(always_rescale, "You rescale every time, so small gradients are stretched up "
                "to max_norm. Gradients whose global norm is already within max_norm must "
                "stay as they are."),
        Mistake(by_value, "You clip each number to [-max_norm, max_norm] (clipping by value). "
                "That changes the direction of the update; rescale whole arrays by one "
                "factor instead."),
        Mistake(norm_after, "The clipped arrays are right, but return the global norm "
                "measured before clipping (it tells you how large the gradient really was)."),
        Mistake(sum_of_norms, "The global norm is the length of all the numbers taken "
                "together: the square root of the sum of all their squares, not the sum of "
                "the arrays' norms."),
    ]
    mistakes = [Mistake(_on_arrays(mistake.function), mistake.feedback) for mistake in mistakes]
    checked = _on_arrays(learner) if callable(learner) else learner  # run_check explains
    result = run_check("clip_by_global_norm", checked, _on_arrays(clip_by_global_norm),
                       _clip_cases(8), mistakes, hint=_CLIP_HINT, hint_requested=hint,
                       show=False)
    if result.unexplained:
        W_xh, W_hh, b_h, max_norm = _clip_cases(8)[0]
        try:
            answer = guarded(learner)(_as_dict(W_xh, W_hh, b_h), max_norm)
        except Exception:  # noqa: BLE001 - the first run already reported crashes
            answer = None
        message = None
        if not (isinstance(answer, tuple | list) and len(answer) == 2
                and isinstance(answer[0], Mapping)):
            message = "Return two things: (a dict of clipped arrays, the norm before clipping)."
        elif set(answer[0]) != set(_CLIP_ORDER):
            message = (f"Your dict has the keys {sorted(answer[0])}; keep the names of the "
                       f"input, {sorted(_CLIP_ORDER)}.")
        if message:
            result = CheckResult(result.exercise, FAILED,
                                 with_hint(result.exercise, message, _CLIP_HINT, hint))
    if show:
        print(result)
    return result
