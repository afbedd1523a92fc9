"""The tanh (Elman) RNN cell in NumPy, laid out exactly like Keras's ``SimpleRNNCell``.

Conventions (the same as Keras, so weights copy across without transposes):

* inputs are batch-first: ``x`` has shape ``(batch, time, input_dim)``;
* ``W_xh`` is Keras's ``kernel`` with shape ``(input_dim, hidden)``, ``W_hh`` its
  ``recurrent_kernel`` ``(hidden, hidden)`` and ``b_h`` its ``bias`` ``(hidden,)``;
* one step computes ``h_t = tanh(x_t @ W_xh + h_prev @ W_hh + b_h)``. Textbooks write
  the same thing with column vectors, ``h_t = tanh(W_xh^T x_t + W_hh^T h_(t-1) + b)``.

The step comes as a forward/backward pair in the CS231n style: :func:`rnn_cell_forward`
returns a cache and :func:`rnn_cell_backward` takes it back. Run the cell over a whole
sequence with :func:`rnncourse.scratch.runner.run_rnn`; :mod:`rnncourse.scratch.bptt`
walks the caches back through time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

import numpy as np

from rnncourse.errors import ArgumentTypeError, ShapeError
from rnncourse.scratch.activations import tanh_derivative
from rnncourse.scratch.runner import CellStep, check_step_inputs
from rnncourse.validation import (
    as_flag,
    as_float_array,
    as_int,
    generator_from,
    positive_float,
    require_rank,
)

__all__ = [
    "RNNParams",
    "RNNStepCache",
    "check_rnn_weights",
    "rnn_cell_backward",
    "rnn_cell_forward",
    "rnn_readout",
    "simple_rnn_parameter_count",
]


@dataclass
class RNNParams:
    """Weights of a tanh RNN layer plus an optional dense read-out.

    Attributes:
        W_xh: Input-to-hidden weights, ``(input_dim, hidden)`` (Keras ``kernel``).
        W_hh: Hidden-to-hidden weights, ``(hidden, hidden)`` (Keras ``recurrent_kernel``).
        b_h: Hidden bias, ``(hidden,)`` (Keras ``bias``).
        W_hy: Hidden-to-output weights, ``(hidden, output)``, or ``None``.
        b_y: Output bias, ``(output,)``, or ``None``.
    """

    W_xh: np.ndarray
    W_hh: np.ndarray
    b_h: np.ndarray
    W_hy: np.ndarray | None = None
    b_y: np.ndarray | None = None

    state_names: ClassVar[tuple[str, ...]] = ("h",)

    def __post_init__(self) -> None:
        self.W_xh = as_float_array("W_xh", self.W_xh)
        self.W_hh = as_float_array("W_hh", self.W_hh)
        self.b_h = as_float_array("b_h", self.b_h)
        check_rnn_weights(self.W_xh, self.W_hh, self.b_h)
        if self.W_hy is not None:
            self.W_hy = as_float_array("W_hy", self.W_hy, rank=2, meaning="(hidden, output)")
            if self.W_hy.shape[0] != self.hidden_size:
                raise ShapeError(
                    f"W_hy has {self.W_hy.shape[0]} rows but the RNN has {self.hidden_size} "
                    "hidden units; W_hy must be (hidden, output)."
                )
            if self.b_y is None:
                self.b_y = np.zeros(self.W_hy.shape[1])
            self.b_y = as_float_array("b_y", self.b_y)
            if self.b_y.shape != (self.W_hy.shape[1],):
                raise ShapeError(
                    f"b_y must have shape ({self.W_hy.shape[1]},); got {self.b_y.shape}."
                )

    @property
    def input_size(self) -> int:
        """Number of input features per step."""
        return self.W_xh.shape[0]

    @property
    def hidden_size(self) -> int:
        """Number of hidden units."""
        return self.W_hh.shape[0]

    @property
    def units(self) -> int:
        """Number of hidden units (the name every cell uses)."""
        return self.W_hh.shape[0]

    def step(self, x_t: np.ndarray, *, states: Any) -> CellStep:
        """One time step; see :func:`rnn_cell_forward`."""
        return rnn_cell_forward(self, x_t, states=states)

    @classmethod
    def random(cls, input_size: int, hidden_size: int, output_size: int | None = None,
               seed: int = 0, scale: float = 0.5) -> RNNParams:
        """Random weights drawn from a seeded generator (uniform in ``[-scale, scale]``)."""
        input_size = as_int("input_size", input_size, minimum=1, maximum=100_000)
        hidden_size = as_int("hidden_size", hidden_size, minimum=1, maximum=100_000)
        if output_size is not None:
            output_size = as_int("output_size", output_size, minimum=1, maximum=100_000)
        scale = positive_float("scale", scale)
        rng = generator_from(seed)

        def draw(*shape: int) -> np.ndarray:
            return rng.uniform(-scale, scale, size=shape)

        return cls(
            W_xh=draw(input_size, hidden_size),
            W_hh=draw(hidden_size, hidden_size),
            b_h=draw(hidden_size),
            W_hy=None if output_size is None else draw(hidden_size, output_size),
            b_y=None if output_size is None else draw(output_size),
        )

    @classmethod
    def from_keras(cls, rnn_layer: Any, dense_layer: Any = None) -> RNNParams:
        """Copy weights out of a built Keras ``SimpleRNN`` (and optional ``Dense``) layer."""
        weights = rnn_layer.get_weights()
        if len(weights) != 3:
            raise ShapeError(
                f"{rnn_layer.name} has {len(weights)} weight arrays; expected kernel, "
                "recurrent_kernel and bias (build the layer with use_bias=True)."
            )
        W_hy = b_y = None
        if dense_layer is not None:
            dense_weights = dense_layer.get_weights()
            if not dense_weights:
                raise ShapeError(f"{dense_layer.name} has no weights yet: build the model "
                                 "(call it on an input) before copying its weights.")
            W_hy = dense_weights[0]
            # A Dense built with use_bias=False has no bias; zeros compute the same thing.
            b_y = dense_weights[1] if len(dense_weights) > 1 else np.zeros(W_hy.shape[1])
        return cls(*weights, W_hy=W_hy, b_y=b_y)

    def keras_readout_weights(self) -> list[np.ndarray]:
        """``[kernel, bias]`` for the read-out ``Dense.set_weights``."""
        if self.W_hy is None or self.b_y is None:
            raise ShapeError("These parameters have no read-out layer (W_hy, b_y); create "
                             "them with an output size to export a Dense layer.")
        return [self.W_hy.astype(np.float32), self.b_y.astype(np.float32)]

    def keras_weights(self) -> list[np.ndarray]:
        """``[kernel, recurrent_kernel, bias]`` for ``SimpleRNN.set_weights``."""
        return [self.W_xh.astype(np.float32), self.W_hh.astype(np.float32),
                self.b_h.astype(np.float32)]


def check_rnn_weights(W_xh: np.ndarray, W_hh: np.ndarray, b_h: np.ndarray) -> None:
    """Raise :class:`ShapeError` unless the three arrays form one RNN layer."""
    require_rank("W_xh", W_xh, 2, "(input_dim, hidden)")
    require_rank("W_hh", W_hh, 2, "(hidden, hidden)")
    hidden = W_hh.shape[0]
    if W_hh.shape != (hidden, hidden):
        raise ShapeError(f"W_hh must be square (hidden, hidden); got {W_hh.shape}.")
    if W_xh.shape[1] != hidden:
        raise ShapeError(
            f"W_xh has {W_xh.shape[1]} columns but W_hh has {hidden} hidden units; "
            "W_xh must be (input_dim, hidden). Did you pass it transposed?"
        )
    if b_h.shape != (hidden,):
        raise ShapeError(f"b_h must have shape ({hidden},); got {b_h.shape}.")


class RNNStepCache(NamedTuple):
    """What one tanh RNN step keeps for its backward pass, in this order."""

    x_t: np.ndarray
    h_prev: np.ndarray
    h_t: np.ndarray
    W_xh: np.ndarray
    W_hh: np.ndarray


def rnn_cell_forward(params: RNNParams, x_t: np.ndarray, *, states: Any) -> CellStep:
    """One time step of a tanh RNN for a batch: ``h_t = tanh(x_t W_xh + h_prev W_hh + b_h)``.

    Args:
        params: The layer's weights (see the module docstring).
        x_t: Inputs at this step, ``(batch, input_dim)``.
        states: ``(h_prev,)`` (or the array ``h_prev`` itself), ``(batch, hidden)``.

    Returns:
        A :class:`~rnncourse.scratch.runner.CellStep` ``(h_t, (h_t,), cache)``: the output
        is the new state itself, and the cache is an :class:`RNNStepCache`.
    """
    check_rnn_weights(params.W_xh, params.W_hh, params.b_h)  # the arrays may have been replaced
    x_t, (h_prev,) = check_step_inputs(params, x_t, states)
    pre_activation = x_t @ params.W_xh + h_prev @ params.W_hh + params.b_h
    h_t = np.tanh(pre_activation)
    return CellStep(h_t, (h_t,), RNNStepCache(x_t, h_prev, h_t, params.W_xh, params.W_hh))


def rnn_cell_backward(dh_t: np.ndarray, cache: RNNStepCache) -> tuple[np.ndarray, ...]:
    """Backward pass of one tanh RNN step.

    With ``z = x_t @ W_xh + h_prev @ W_hh + b_h`` and ``h_t = tanh(z)``, the chain rule
    gives ``dz = dh_t * (1 - h_t**2)`` and then::

        dx_t   = dz @ W_xh.T         dW_xh = x_t.T @ dz
        dh_prev = dz @ W_hh.T        dW_hh = h_prev.T @ dz
                                     db_h  = dz summed over the batch

    Args:
        dh_t: Gradient of the loss with respect to ``h_t``, ``(batch, hidden)``.
        cache: The :class:`RNNStepCache` ``(x_t, h_prev, h_t, W_xh, W_hh)`` that
            :func:`rnn_cell_forward` returned.

    Returns:
        ``(dx_t, dh_prev, dW_xh, dW_hh, db_h)``, each shaped like what it differentiates.
    """
    if not isinstance(cache, tuple | list) or len(cache) != 5:
        raise ShapeError("cache must be the 5-tuple (x_t, h_prev, h_t, W_xh, W_hh) returned "
                         "by rnn_cell_forward.")
    x_t, h_prev, h_t, W_xh, W_hh = cache
    dh_t = np.asarray(dh_t, dtype=np.float64)
    if dh_t.shape != h_t.shape:
        raise ShapeError(f"dh_t must have the shape of h_t, (batch, hidden) = {h_t.shape}; "
                         f"got {dh_t.shape}.")
    dz = dh_t * tanh_derivative(h_t)  # tanh'(z) = 1 - tanh(z)^2 = 1 - h_t^2
    dx_t = dz @ W_xh.T
    dh_prev = dz @ W_hh.T
    dW_xh = x_t.T @ dz
    dW_hh = h_prev.T @ dz
    db_h = dz.sum(axis=0)
    return dx_t, dh_prev, dW_xh, dW_hh, db_h


def rnn_readout(hidden_states: np.ndarray, params: RNNParams) -> np.ndarray:
    """Apply the dense read-out ``y_t = h_t @ W_hy + b_y`` to every state (logits)."""
    if not isinstance(params, RNNParams):
        raise ArgumentTypeError(f"params must be RNNParams with a read-out; got "
                                f"{type(params).__name__}.")
    if params.W_hy is None:
        raise ShapeError("These RNNParams have no read-out (W_hy is None): create them with an "
                         "output size, e.g. RNNParams.random(inputs, hidden, output_size=classes).")
    hidden_states = as_float_array("hidden_states", hidden_states)
    if hidden_states.ndim < 1 or hidden_states.shape[-1] != params.W_hy.shape[0]:
        raise ShapeError(f"hidden_states must end in the {params.W_hy.shape[0]} hidden units, "
                         f"(..., hidden); got shape {hidden_states.shape}.")
    return hidden_states @ params.W_hy + params.b_y


def simple_rnn_parameter_count(input_size: int, hidden_size: int, use_bias: bool = True) -> int:
    """Weights in one ``SimpleRNN`` layer: ``hidden * (input + hidden + 1)``.

    The count does not depend on the sequence length: every step reuses the same weights.
    """
    input_size = as_int("input_size", input_size, minimum=1)
    hidden_size = as_int("hidden_size", hidden_size, minimum=1)
    use_bias = as_flag("use_bias", use_bias)
    return hidden_size * (input_size + hidden_size + (1 if use_bias else 0))
