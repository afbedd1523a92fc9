"""Backpropagation through time (BPTT) for the NumPy tanh RNN, written from scratch.

The functions come in forward/backward pairs. A forward function returns its output and
a ``cache``; the matching backward function takes the gradient of the loss with respect
to that output (``d<name>``) plus the cache, and returns the gradients with respect to
the inputs and weights. Everything follows :mod:`rnncourse.scratch.rnn_cell`: batch-first
arrays and Keras's weight layout, so a step is ``h_t = tanh(x_t @ W_xh + h_prev @ W_hh + b_h)``.

The model trained here is a many-to-many RNN with a dense read-out at every step::

    logits_t = h_t @ W_hy + b_y,     p_t = softmax(logits_t)
    loss     = (1 / batch) * sum over examples and steps t of  -log p_t[target_t]

so the loss is the *sum over time* of per-step cross-entropies, averaged over the batch.

Main entry points:

* :func:`rnncourse.scratch.rnn_cell.rnn_cell_backward` - one step back through the cell.
* :func:`rnncourse.scratch.runner.run_rnn` / :func:`rnn_backward` - a whole sequence.
* :func:`sequence_loss_and_grads` - loss and the gradient of every parameter,
  optionally with truncated BPTT.
* :func:`clip_by_global_norm`, :func:`gradient_check` - the two safety tools.
* :func:`gradient_flow` / :func:`gradient_norms_through_time` - how a gradient shrinks or
  grows as it travels back, with the tanh derivative or without it (a linear RNN), and
  :func:`backward_norms`, the loop that measures it.
* :func:`generate` - text from a trained character model, primed with a prefix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from rnncourse.errors import ArgumentTypeError, InputError, ShapeError
from rnncourse.scratch.activations import softmax
from rnncourse.scratch.rnn_cell import (
    RNNParams,
    RNNStepCache,
    check_rnn_weights,
    rnn_cell_backward,
    rnn_cell_forward,
)
from rnncourse.scratch.runner import run_rnn
from rnncourse.validation import (
    MAX_LENGTH,
    as_flag,
    as_float,
    as_float_array,
    as_int,
    generator_from,
    positive_float,
)

#: Names of the trainable arrays, in the order gradients are reported.
PARAMETER_NAMES = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")

Gradients = dict[str, np.ndarray]


# ---------------------------------------------------------------------------
# A whole sequence


def rnn_backward(dhidden_states: np.ndarray, caches: list[RNNStepCache],
                 truncate: int | None = None) -> Gradients:
    """Backpropagate through time from gradients on every hidden state.

    ``dhidden_states[:, t]`` is the gradient of the loss reaching ``h_t`` *directly*
    (from step ``t``'s own output). Full BPTT walks from the last step to the first,
    adding the gradient that arrives from the future through ``W_hh``.

    With ``truncate=k`` the gradient injected at step ``t`` is carried back through at
    most ``k`` cell applications (steps ``t, t-1, ..., t-k+1``) and then dropped: it
    behaves as if ``h_(t-k)`` were a constant input for the loss term of step ``t``.
    This is the per-step truncation BPTT(k) of Williams and Peng; its cost grows as
    ``time * k``. ``k >= time`` gives exactly full BPTT.

    Args:
        dhidden_states: ``(batch, time, hidden)``.
        caches: The per-step caches of ``run_rnn(params, x)``, in forward order.
        truncate: ``None`` for full BPTT, or a positive number of steps ``k``.

    Returns:
        A dict with ``dx`` ``(batch, time, input_dim)``, ``dh0`` ``(batch, hidden)``,
        ``dW_xh``, ``dW_hh`` and ``db_h``.
    """
    if not caches:
        raise ShapeError("caches is empty: run the forward pass on at least one step.")
    dhidden_states = np.asarray(dhidden_states, dtype=np.float64)
    x_first, h_first, _, W_xh, W_hh = caches[0]
    batch, hidden = h_first.shape
    steps = len(caches)
    if dhidden_states.shape != (batch, steps, hidden):
        raise ShapeError(
            "dhidden_states must be (batch, time, hidden) = "
            f"({batch}, {steps}, {hidden}) to match the caches; got {dhidden_states.shape}."
        )
    if truncate is not None:
        truncate = as_int("truncate", truncate, minimum=1)

    grads: Gradients = {
        "dx": np.zeros((batch, steps, x_first.shape[1])),
        "dh0": np.zeros((batch, hidden)),
        "dW_xh": np.zeros_like(W_xh),
        "dW_hh": np.zeros_like(W_hh),
        "db_h": np.zeros(hidden),
    }

    def accumulate(step: int, dh: np.ndarray) -> np.ndarray:
        dx_t, dh_prev, dW_xh, dW_hh, db_h = rnn_cell_backward(dh, caches[step])
        grads["dx"][:, step] += dx_t
        grads["dW_xh"] += dW_xh
        grads["dW_hh"] += dW_hh
        grads["db_h"] += db_h
        return dh_prev

    if truncate is None or truncate >= steps:
        dh_next = np.zeros((batch, hidden))  # gradient arriving from step t + 1
        for step in range(steps - 1, -1, -1):
            dh_next = accumulate(step, dhidden_states[:, step] + dh_next)
        grads["dh0"] = dh_next
        return grads

    for loss_step in range(steps):
        dh = dhidden_states[:, loss_step]
        oldest = loss_step - truncate + 1
        for step in range(loss_step, max(oldest, 0) - 1, -1):
            dh = accumulate(step, dh)
        if oldest <= 0:  # this loss term's gradient reached the initial state
            grads["dh0"] += dh
    return grads


# ---------------------------------------------------------------------------
# The loss: per-step softmax cross-entropy summed over time


def softmax_cross_entropy(logits: np.ndarray, targets: np.ndarray) -> tuple[float, np.ndarray]:
    """Cross-entropy summed over time, averaged over the batch, and its gradient.

    Args:
        logits: ``(batch, time, classes)``.
        targets: Integer class ids, ``(batch, time)``.

    Returns:
        ``(loss, dlogits)``; ``dlogits = (softmax(logits) - one_hot(targets)) / batch``.
    """
    logits = as_float_array("logits", logits, rank=3, meaning="(batch, time, classes)")
    batch, steps, classes = logits.shape
    targets = _check_targets(targets, (batch, steps), classes)
    probabilities = softmax(logits)
    rows, cols = np.meshgrid(np.arange(batch), np.arange(steps), indexing="ij")
    picked = probabilities[rows, cols, targets]
    loss = float(-np.log(np.maximum(picked, 1e-300)).sum() / batch)
    dlogits = probabilities.copy()
    dlogits[rows, cols, targets] -= 1.0
    return loss, dlogits / batch


def sequence_loss_and_grads(x: np.ndarray, targets: np.ndarray, params: RNNParams,
                            h0: np.ndarray | None = None,
                            truncate: int | None = None,
                            return_state: bool = False) -> Any:
    """Loss of a many-to-many RNN and the gradient of every parameter, by BPTT.

    Args:
        x: Inputs ``(batch, time, input_dim)``.
        targets: Integer class ids ``(batch, time)`` in ``[0, output)``.
        params: RNN weights *with* a read-out (``W_hy``, ``b_y``).
        h0: Initial state ``(batch, hidden)``; ``None`` means zeros.
        truncate: ``None`` for full BPTT, or ``k`` for truncated BPTT (see
            :func:`rnn_backward`). Only the recurrent part is truncated; the read-out
            gradients are exact either way.
        return_state: Also return the last hidden state ``(batch, hidden)``, to start the
            next chunk of a long text from it (truncated BPTT over chunks, as in
            min-char-rnn: the state travels forward, the gradient stops at the chunk's
            first step).

    Returns:
        ``(loss, grads)``, or ``(loss, grads, last_state)`` with ``return_state``: the
        loss (sum over steps of cross-entropy, mean over the batch) and a dict with keys
        ``W_xh, W_hh, b_h, W_hy, b_y, h0, x``.
    """
    _check_params(params)
    if params.W_hy is None:
        raise ShapeError("params has no read-out: pass RNNParams with W_hy and b_y "
                         "(e.g. RNNParams.random(inputs, hidden, output_size=classes)).")
    x = _check_inputs(x, params)
    targets = _check_targets(targets, x.shape[:2], params.W_hy.shape[1])
    hidden_states, _, caches = run_rnn(params, x, initial_state=h0)
    logits = hidden_states @ params.W_hy + params.b_y
    loss, dlogits = softmax_cross_entropy(logits, targets)

    dW_hy = np.einsum("bth,btc->hc", hidden_states, dlogits)
    db_y = dlogits.sum(axis=(0, 1))
    dhidden_states = dlogits @ params.W_hy.T
    recurrent = rnn_backward(dhidden_states, caches, truncate=truncate)
    grads = {
        "W_xh": recurrent["dW_xh"], "W_hh": recurrent["dW_hh"], "b_h": recurrent["db_h"],
        "W_hy": dW_hy, "b_y": db_y, "h0": recurrent["dh0"], "x": recurrent["dx"],
    }
    if as_flag("return_state", return_state):
        return loss, grads, hidden_states[:, -1].copy()
    return loss, grads


def parameter_gradients(grads: Mapping[str, np.ndarray]) -> Gradients:
    """Only the weights' gradients (``W_xh, W_hh, b_h, W_hy, b_y``) of a gradient dict.

    :func:`sequence_loss_and_grads` also returns the gradients with respect to the inputs
    ``x`` and the initial state ``h0``; they are not weights, so leave them out before
    clipping by the global norm or taking an optimiser step.
    """
    grads = _check_grads(grads)
    missing = [name for name in PARAMETER_NAMES if name not in grads]
    if missing:
        raise InputError(f"grads lacks {missing}; pass the dict sequence_loss_and_grads "
                         "returns.")
    return {name: grads[name] for name in PARAMETER_NAMES}


def sequence_loss(x: np.ndarray, targets: np.ndarray, params: RNNParams,
                  h0: np.ndarray | None = None) -> float:
    """The loss of :func:`sequence_loss_and_grads` alone (forward pass only)."""
    _check_params(params)
    if params.W_hy is None:
        raise ShapeError("params has no read-out (W_hy is None).")
    x = _check_inputs(x, params)
    targets = _check_targets(targets, x.shape[:2], params.W_hy.shape[1])
    hidden_states = run_rnn(params, x, initial_state=h0).outputs
    return softmax_cross_entropy(hidden_states @ params.W_hy + params.b_y, targets)[0]


# ---------------------------------------------------------------------------
# Clipping and gradient checking


def global_norm(grads: Mapping[str, np.ndarray]) -> float:
    """Euclidean norm of all gradient arrays taken together, as if concatenated."""
    grads = _check_grads(grads)
    return float(np.sqrt(sum(float(np.sum(np.square(g))) for g in grads.values())))


def _check_grads(grads: Any) -> dict[str, np.ndarray]:
    """Gradients as a dict of float arrays (the form :func:`sequence_loss_and_grads` returns)."""
    if not isinstance(grads, Mapping):
        raise ArgumentTypeError("grads must be a dict of gradient arrays by name, as "
                                f"sequence_loss_and_grads returns; got {type(grads).__name__}.")
    return {name: as_float_array(f"grads[{name!r}]", g) for name, g in grads.items()}


def clip_by_global_norm(grads: Mapping[str, np.ndarray],
                        max_norm: float) -> tuple[Gradients, float]:
    """Rescale all gradients together so that their global norm is at most ``max_norm``.

    Every array is multiplied by the same factor ``min(1, max_norm / norm)``, so the
    update keeps its direction and only its length is capped (as in
    ``tf.clip_by_global_norm``; Keras's ``clipnorm`` clips each variable separately).

    Returns:
        ``(clipped, norm)``: new arrays, and the global norm *before* clipping.
    """
    max_norm = positive_float("max_norm", max_norm)
    grads = _check_grads(grads)
    norm = global_norm(grads)
    if not np.isfinite(norm):
        raise InputError(
            f"The gradients' global norm is {norm} (infinite or NaN): they overflowed before "
            "clipping could help, and rescaling inf gives NaN. Lower the learning rate, clip at "
            "every step from the start, or check the inputs and weights for huge values.")
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return {name: np.asarray(g, dtype=np.float64) * scale for name, g in grads.items()}, norm


def relative_error(analytic: np.ndarray, numeric: np.ndarray, tiny: float = 1e-12) -> float:
    """``max|a - n| / max(max(|a| + |n|), tiny)``: 0 when equal, about 1 when unrelated."""
    analytic = as_float_array("analytic", analytic)
    numeric = as_float_array("numeric", numeric)
    if analytic.shape != numeric.shape:
        raise ShapeError(f"Cannot compare gradients of shapes {analytic.shape} and "
                         f"{numeric.shape}.")
    scale = float(np.max(np.abs(analytic) + np.abs(numeric), initial=0.0))
    return float(np.max(np.abs(analytic - numeric), initial=0.0) / max(scale, tiny))


def numerical_gradient(loss_fn: Callable[[], float], array: np.ndarray,
                       eps: float = 1e-5) -> np.ndarray:
    """Central-difference gradient of ``loss_fn()`` with respect to ``array``.

    ``array`` is nudged *in place* one entry at a time, ``(f(w + eps) - f(w - eps)) /
    (2 eps)``, and restored afterwards, so ``loss_fn`` must read it rather than a copy.
    """
    gradient = np.zeros_like(array, dtype=np.float64)
    for index in np.ndindex(array.shape):
        original = array[index]
        array[index] = original + eps
        plus = loss_fn()
        array[index] = original - eps
        minus = loss_fn()
        array[index] = original
        gradient[index] = (plus - minus) / (2 * eps)
    return gradient


def gradient_check(x: np.ndarray, targets: np.ndarray, params: RNNParams,
                   h0: np.ndarray | None = None, eps: float = 1e-5) -> dict[str, float]:
    """Compare BPTT's gradients with central differences, one relative error per array.

    Use float64 weights: in float64 a correct backward pass gives errors around 1e-9 or
    smaller, while a bug gives errors near 1e-2 to 1.

    Returns:
        ``{"W_xh": error, ..., "b_y": error, "h0": error, "x": error}``.
    """
    _check_params(params)
    eps = positive_float("eps", eps)
    x = as_float_array("x", x).copy()
    batch = x.shape[0] if x.ndim == 3 else 0
    h0 = (np.zeros((batch, params.hidden_size)) if h0 is None
          else as_float_array("h0", h0).copy())
    _, analytic = sequence_loss_and_grads(x, targets, params, h0)
    arrays = {name: getattr(params, name) for name in PARAMETER_NAMES}
    arrays.update(h0=h0, x=x)
    errors = {}
    for name, array in arrays.items():
        numeric = numerical_gradient(lambda: sequence_loss(x, targets, params, h0), array,
                                     eps)
        errors[name] = relative_error(analytic[name], numeric)
    return errors


# ---------------------------------------------------------------------------
# Vanishing and exploding gradients


def matrix_with_spectral_radius(size: int, radius: float, seed: int = 0) -> np.ndarray:
    """A random ``(size, size)`` Gaussian matrix rescaled so its spectral radius is ``radius``.

    The spectral radius is the largest absolute eigenvalue; repeated multiplication by
    the matrix grows or shrinks vectors roughly like ``radius ** steps``.
    """
    size = as_int("size", size, minimum=1, maximum=10_000)
    radius = positive_float("radius", radius)
    matrix = generator_from(seed).normal(size=(size, size))
    return matrix * (radius / spectral_radius(matrix))


def spectral_radius(matrix: np.ndarray) -> float:
    """Largest absolute eigenvalue of a square matrix."""
    matrix = np.asarray(matrix, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ShapeError(f"spectral_radius needs a square matrix; got shape {matrix.shape}.")
    return float(np.max(np.abs(np.linalg.eigvals(matrix))))


def orthogonal_matrix(size: int, seed: int = 0) -> np.ndarray:
    """A random ``(size, size)`` orthogonal matrix (``Q.T @ Q = I``), as Keras's
    ``Orthogonal`` initialiser draws the recurrent kernel.

    Every eigenvalue has absolute value 1 and, unlike a general matrix with spectral
    radius 1, so does every singular value: multiplying by it never changes a vector's
    length.
    """
    size = as_int("size", size, minimum=1, maximum=10_000)
    q, r = np.linalg.qr(generator_from(seed).normal(size=(size, size)))
    return q * np.sign(np.diag(r))  # the sign fix makes the draw uniform over rotations


def backward_norms(W_hh: np.ndarray, hidden_states: np.ndarray, dh_last: np.ndarray,
                   linear: bool = False) -> np.ndarray:
    """Carry a gradient back from the last state of one sequence and record its norm.

    One step back multiplies by the step's Jacobian transposed::

        dL/dh_(t-1) = (dL/dh_t * (1 - h_t**2)) @ W_hh.T        (tanh RNN)
        dL/dh_(t-1) = dL/dh_t @ W_hh.T                          (linear RNN)

    Args:
        W_hh: Recurrent weights ``(hidden, hidden)``.
        hidden_states: The states ``h_1 ... h_T`` of one sequence, ``(T, hidden)``.
        dh_last: The gradient on the last state ``h_T``, ``(hidden,)``.
        linear: Leave out the tanh derivative (the RNN ``h_t = x_t U + h_(t-1) W``).

    Returns:
        ``norms`` of length ``T``: ``norms[d] = ||dL/dh_(T-d)||``, the norm ``d`` steps
        before the loss, so ``norms[0] = ||dh_last||``.
    """
    W_hh = as_float_array("W_hh", W_hh, rank=2, meaning="(hidden, hidden)")
    hidden = W_hh.shape[0]
    if W_hh.shape != (hidden, hidden):
        raise ShapeError(f"W_hh must be square (hidden, hidden); got {W_hh.shape}.")
    hidden_states = as_float_array("hidden_states", hidden_states, rank=2,
                                   meaning="(time, hidden)")
    if hidden_states.shape[1] != hidden or hidden_states.shape[0] == 0:
        raise ShapeError(f"hidden_states must be (time, hidden) with hidden = {hidden} and at "
                         f"least one step; got {hidden_states.shape}.")
    dh = as_float_array("dh_last", dh_last).reshape(-1)
    if dh.shape != (hidden,):
        raise ShapeError(f"dh_last must be a vector of {hidden} numbers; got shape "
                         f"{np.shape(dh_last)}.")
    linear = as_flag("linear", linear)
    steps = hidden_states.shape[0]
    norms = np.empty(steps)
    for distance in range(steps):
        norms[distance] = np.linalg.norm(dh)
        h_t = hidden_states[steps - 1 - distance]
        dh = (dh if linear else dh * (1.0 - h_t**2)) @ W_hh.T
    return norms


class GradientFlow(NamedTuple):
    """What :func:`gradient_flow` measured.

    Attributes:
        norms: ``norms[d]`` is the gradient norm ``d`` steps before the loss.
        mean_tanh_derivative: The mean of ``1 - h_t**2`` over the steps and units the
            gradient passed through (1.0 for the linear RNN): the share of the signal
            tanh lets through at a step, on average.
    """

    norms: np.ndarray
    mean_tanh_derivative: float


def gradient_flow(W_hh: np.ndarray, steps: int, input_size: int = 4,
                  input_scale: float = 0.1, seed: int = 0,
                  linear: bool = False) -> GradientFlow:
    """How the size of a gradient changes as BPTT carries it back in time.

    Runs a tanh RNN with recurrent weights ``W_hh`` for ``steps`` steps on small random
    inputs (batch 1, zero bias), puts a unit-norm gradient on the *last* state only, and
    walks it back with :func:`backward_norms`. With ``linear=True`` the walk leaves out
    the tanh derivative, which is the gradient of the linear RNN with the same ``W_hh``.

    Returns:
        A :class:`GradientFlow`: the norms (``norms[0] == 1``) and the mean tanh
        derivative along the way.
    """
    W_hh = as_float_array("W_hh", W_hh, rank=2, meaning="(hidden, hidden)")
    steps = as_int("steps", steps, minimum=1, maximum=MAX_LENGTH)
    input_size = as_int("input_size", input_size, minimum=1, maximum=100_000)
    input_scale = as_float("input_scale", input_scale)
    linear = as_flag("linear", linear)
    rng = generator_from(seed)
    hidden = W_hh.shape[0]
    params = RNNParams(W_xh=rng.normal(size=(input_size, hidden)) / np.sqrt(input_size),
                       W_hh=W_hh, b_h=np.zeros(hidden))
    x = input_scale * rng.normal(size=(1, steps, input_size))
    states = run_rnn(params, x).outputs[0]
    dh = rng.normal(size=hidden)
    dh /= np.linalg.norm(dh)
    norms = backward_norms(W_hh, states, dh, linear=linear)
    passed = states[1:] if steps > 1 else states[:0]  # the steps whose derivative is used
    derivative = 1.0 if linear or not passed.size else float(np.mean(1.0 - passed**2))
    return GradientFlow(norms, derivative)


def gradient_norms_through_time(W_hh: np.ndarray, steps: int, input_size: int = 4,
                                input_scale: float = 0.1, seed: int = 0,
                                linear: bool = False) -> np.ndarray:
    """The norms of :func:`gradient_flow` alone.

    Returns:
        ``norms`` of length ``steps``: ``norms[d]`` is ``||dL/dh_(T-d)||``, the
        gradient norm ``d`` steps before the loss; ``norms[0] == 1``.
    """
    return gradient_flow(W_hh, steps, input_size, input_scale, seed, linear).norms


# ---------------------------------------------------------------------------
# Training helpers for the character-level model


def sgd_step(params: RNNParams, grads: Mapping[str, np.ndarray], learning_rate: float) -> None:
    """Plain gradient descent in place: ``w <- w - learning_rate * dw`` for every weight."""
    learning_rate = positive_float("learning_rate", learning_rate)
    for name in PARAMETER_NAMES:
        array = getattr(params, name)
        if array is not None:
            array -= learning_rate * grads[name]


class Adam:
    """The Adam optimiser for :class:`RNNParams`, updating the arrays in place."""

    def __init__(self, learning_rate: float = 0.01, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8) -> None:
        self.learning_rate = positive_float("learning_rate", learning_rate)
        for name, beta in (("beta1", beta1), ("beta2", beta2)):
            if not 0 <= positive_float(name, beta, allow_zero=True) < 1:
                raise InputError(f"{name} must lie in [0, 1); got {beta!r}.")
        self.beta1, self.beta2 = float(beta1), float(beta2)
        self.epsilon = positive_float("epsilon", epsilon)
        self.steps = 0
        self.first: dict[str, np.ndarray] = {}
        self.second: dict[str, np.ndarray] = {}

    def step(self, params: RNNParams, grads: Mapping[str, np.ndarray]) -> None:
        """Apply one update from ``grads`` (keys as in :data:`PARAMETER_NAMES`)."""
        self.steps += 1
        for name in PARAMETER_NAMES:
            array = getattr(params, name)
            if array is None:
                continue
            grad = grads[name]
            m = self.first.setdefault(name, np.zeros_like(array))
            v = self.second.setdefault(name, np.zeros_like(array))
            m *= self.beta1
            m += (1 - self.beta1) * grad
            v *= self.beta2
            v += (1 - self.beta2) * grad**2
            m_hat = m / (1 - self.beta1**self.steps)
            v_hat = v / (1 - self.beta2**self.steps)
            array -= self.learning_rate * m_hat / (np.sqrt(v_hat) + self.epsilon)


def sample_ids(params: RNNParams, first_id: int, length: int,
               rng: np.random.Generator, temperature: float = 1.0,
               h0: np.ndarray | None = None) -> list[int]:
    """Generate ``length`` class ids from a one-hot-input RNN, feeding each back in.

    Args:
        params: RNN with a read-out whose input and output size are the vocabulary size.
        first_id: The id that starts the sequence (it is not included in the result).
        length: How many ids to generate.
        rng: Random generator used to draw from the softmax.
        temperature: Below 1 sharpens the distribution, above 1 flattens it.
        h0: Initial state ``(1, hidden)``; ``None`` means zeros.
    """
    _check_params(params)
    vocabulary = params.input_size
    if params.W_hy is None or params.W_hy.shape[1] != vocabulary:
        raise ShapeError("sample_ids needs a read-out with as many outputs as inputs "
                         f"({vocabulary}), so each output can be fed back as an input.")
    first_id = as_int("first_id", first_id)
    if not 0 <= first_id < vocabulary:
        raise InputError(f"first_id must be a character id from 0 to {vocabulary - 1} (the "
                         f"vocabulary has {vocabulary}); got {first_id}.")
    length = as_int("length", length, minimum=0, maximum=MAX_LENGTH)
    temperature = positive_float("temperature", temperature)
    if not isinstance(rng, np.random.Generator):
        raise ArgumentTypeError("rng must be a NumPy Generator, e.g. "
                                f"np.random.default_rng(0); got {type(rng).__name__}.")
    state = np.zeros((1, params.hidden_size)) if h0 is None else np.asarray(h0)
    return _continue(params, state, first_id, length, rng, temperature)


def _continue(params: RNNParams, state: np.ndarray, current: int, length: int,
              rng: np.random.Generator | None, temperature: float) -> list[int]:
    """Feed ``current`` in, pick the next id (drawn, or the likeliest when ``rng`` is None),
    feed it back, ``length`` times."""
    vocabulary = params.input_size
    generated = []
    for _ in range(length):
        x_t = np.zeros((1, vocabulary))
        x_t[0, current] = 1.0
        state = rnn_cell_forward(params, x_t, states=(state,)).output
        logits = (state @ params.W_hy + params.b_y)[0]
        if rng is None:
            current = int(np.argmax(logits))
        else:
            current = int(rng.choice(vocabulary, p=softmax(logits / temperature)))
        generated.append(current)
    return generated


def generate(params: RNNParams, prime_ids: Sequence[int], length: int,
             rng: np.random.Generator | None = None, temperature: float = 1.0) -> list[int]:
    """Continue a text: read ``prime_ids`` from a zero state, then generate ``length`` ids.

    The prime sets the state the way training did, so the model continues from a place it
    knows instead of from a blank state after a single character.

    Args:
        params: A one-hot character RNN with a read-out (inputs and outputs the vocabulary).
        prime_ids: The ids of the prefix (at least one).
        length: How many ids to generate after the prefix.
        rng: Draw each next id from the softmax with this generator; ``None`` picks the
            likeliest id every time (greedy decoding, deterministic).
        temperature: With ``rng``: below 1 sharpens the distribution, above 1 flattens it.

    Returns:
        The generated ids (the prefix not included).
    """
    _check_params(params)
    vocabulary = params.input_size
    if params.W_hy is None or params.W_hy.shape[1] != vocabulary:
        raise ShapeError("generate needs a read-out with as many outputs as inputs "
                         f"({vocabulary}), so each output can be fed back as an input.")
    if isinstance(prime_ids, str):
        raise ArgumentTypeError("prime_ids must be character ids, not text: map the prefix "
                                "with char_to_id first, e.g. [char_to_id[c] for c in prefix].")
    prime = np.asarray(list(prime_ids))
    if prime.ndim != 1 or prime.size == 0 or not np.issubdtype(prime.dtype, np.integer):
        raise InputError("prime_ids must be a non-empty list of integer character ids; got "
                         f"{prime_ids!r:.60}.")
    if prime.min() < 0 or prime.max() >= vocabulary:
        raise InputError(f"prime_ids must lie in [0, {vocabulary}) (the vocabulary); got "
                         f"values from {prime.min()} to {prime.max()}.")
    length = as_int("length", length, minimum=0, maximum=MAX_LENGTH)
    temperature = positive_float("temperature", temperature)
    if rng is not None and not isinstance(rng, np.random.Generator):
        raise ArgumentTypeError("rng must be a NumPy Generator (np.random.default_rng(0)) or "
                                f"None for greedy decoding; got {type(rng).__name__}.")
    state = np.zeros((1, params.hidden_size))
    if prime.size > 1:
        x = np.eye(vocabulary)[prime[:-1]][np.newaxis]
        state = run_rnn(params, x).states[0]
    return _continue(params, state, int(prime[-1]), length, rng, temperature)


# ---------------------------------------------------------------------------
# Input checks


def _check_params(params: Any) -> None:
    if not isinstance(params, RNNParams):
        raise ArgumentTypeError("params must be the tanh RNN's RNNParams (with a read-out), "
                                f"e.g. RNNParams.random(inputs, hidden, classes); got "
                                f"{type(params).__name__}.")


def _check_inputs(x: np.ndarray, params: RNNParams) -> np.ndarray:
    x = as_float_array("x", x)
    check_rnn_weights(params.W_xh, params.W_hh, params.b_h)
    if x.ndim != 3:
        raise ShapeError(f"x must have rank 3 (batch, time, input_dim); got shape {x.shape}. "
                         "For a single sequence use x[np.newaxis].")
    if x.shape[1] == 0:
        raise ShapeError("x has zero time steps; a sequence needs at least one.")
    if x.shape[2] != params.input_size:
        raise ShapeError(f"x has {x.shape[2]} features per step but W_xh expects "
                         f"{params.input_size} (W_xh is (input_dim, hidden) = "
                         f"{params.W_xh.shape}).")
    return x


def _check_targets(targets: np.ndarray, batch_time: tuple[int, int],
                   classes: int) -> np.ndarray:
    targets = np.asarray(targets)
    if targets.shape != tuple(batch_time):
        raise ShapeError(f"targets must be integer class ids of shape (batch, time) = "
                         f"{tuple(batch_time)}, one per step; got {targets.shape}.")
    if not np.issubdtype(targets.dtype, np.integer):
        raise ShapeError(f"targets must hold integer class ids; got dtype {targets.dtype}. "
                         "Pass ids, not one-hot vectors or probabilities.")
    if targets.size and (targets.min() < 0 or targets.max() >= classes):
        raise ShapeError(f"targets must lie in [0, {classes}) because W_hy has {classes} "
                         f"outputs; got values from {targets.min()} to {targets.max()}.")
    return targets
