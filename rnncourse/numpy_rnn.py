"""A vanilla (Elman) RNN written in NumPy, laid out exactly like Keras's ``SimpleRNN``.

Conventions (the same as Keras, so weights copy across without transposes):

* inputs are batch-first: ``x`` has shape ``(batch, time, input_dim)``;
* ``W_xh`` is Keras's ``kernel`` with shape ``(input_dim, hidden)``, ``W_hh`` its
  ``recurrent_kernel`` ``(hidden, hidden)`` and ``b_h`` its ``bias`` ``(hidden,)``;
* one step computes ``h_t = tanh(x_t @ W_xh + h_prev @ W_hh + b_h)``. Textbooks write
  the same thing with column vectors, ``h_t = tanh(W_xh^T x_t + W_hh^T h_(t-1) + b)``.

Forward functions return a ``cache`` holding what a backward pass would need, in the
forward/backward-pair style: :mod:`rnncourse.bptt` consumes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


class ShapeError(ValueError):
    """Arrays passed to the NumPy RNN do not fit together."""


def _require_rank(name: str, array: np.ndarray, rank: int, meaning: str) -> None:
    if array.ndim != rank:
        raise ShapeError(f"{name} must have rank {rank} {meaning}; got shape {array.shape}.")


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

    def __post_init__(self) -> None:
        self.W_xh = np.asarray(self.W_xh, dtype=np.float64)
        self.W_hh = np.asarray(self.W_hh, dtype=np.float64)
        self.b_h = np.asarray(self.b_h, dtype=np.float64)
        check_rnn_weights(self.W_xh, self.W_hh, self.b_h)
        if self.W_hy is not None:
            self.W_hy = np.asarray(self.W_hy, dtype=np.float64)
            _require_rank("W_hy", self.W_hy, 2, "(hidden, output)")
            if self.W_hy.shape[0] != self.hidden_size:
                raise ShapeError(
                    f"W_hy has {self.W_hy.shape[0]} rows but the RNN has {self.hidden_size} "
                    "hidden units; W_hy must be (hidden, output)."
                )
            if self.b_y is None:
                self.b_y = np.zeros(self.W_hy.shape[1])
            self.b_y = np.asarray(self.b_y, dtype=np.float64)
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

    @classmethod
    def random(cls, input_size: int, hidden_size: int, output_size: int | None = None,
               seed: int = 0, scale: float = 0.5) -> RNNParams:
        """Random weights drawn from a seeded generator (uniform in ``[-scale, scale]``)."""
        rng = np.random.default_rng(seed)

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
    _require_rank("W_xh", W_xh, 2, "(input_dim, hidden)")
    _require_rank("W_hh", W_hh, 2, "(hidden, hidden)")
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


def rnn_cell_forward(x_t: np.ndarray, h_prev: np.ndarray, W_xh: np.ndarray,
                     W_hh: np.ndarray, b_h: np.ndarray) -> tuple[np.ndarray, tuple]:
    """One time step of a tanh RNN for a batch.

    Args:
        x_t: Inputs at this step, ``(batch, input_dim)``.
        h_prev: Hidden state from the previous step, ``(batch, hidden)``.
        W_xh, W_hh, b_h: The layer's weights (see the module docstring).

    Returns:
        ``(h_t, cache)``: the new state ``(batch, hidden)`` and what backward needs.
    """
    x_t = np.asarray(x_t, dtype=np.float64)
    h_prev = np.asarray(h_prev, dtype=np.float64)
    _require_rank("x_t", x_t, 2, "(batch, input_dim)")
    _require_rank("h_prev", h_prev, 2, "(batch, hidden)")
    if x_t.shape[1] != W_xh.shape[0]:
        raise ShapeError(
            f"x_t has {x_t.shape[1]} features but W_xh expects {W_xh.shape[0]} inputs."
        )
    if h_prev.shape != (x_t.shape[0], W_hh.shape[0]):
        raise ShapeError(
            f"h_prev must be (batch, hidden) = ({x_t.shape[0]}, {W_hh.shape[0]}); "
            f"got {h_prev.shape}."
        )
    pre_activation = x_t @ W_xh + h_prev @ W_hh + b_h
    h_t = np.tanh(pre_activation)
    cache = (x_t, h_prev, h_t, W_xh, W_hh)
    return h_t, cache


def rnn_forward(x: np.ndarray, h0: np.ndarray | None, params: RNNParams,
                go_backwards: bool = False) -> tuple[np.ndarray, list[tuple]]:
    """Run the RNN over whole sequences, one step at a time.

    Args:
        x: Inputs, ``(batch, time, input_dim)``.
        h0: Initial state ``(batch, hidden)``; ``None`` means zeros, as in Keras.
        params: The layer's weights.
        go_backwards: Read the sequence from the last step to the first (Keras's flag;
            the returned states are then in processing order, as Keras returns them).

    Returns:
        ``(hidden_states, caches)``: states of shape ``(batch, time, hidden)`` and one
        cache per step.
    """
    x = np.asarray(x, dtype=np.float64)
    _require_rank("x", x, 3, "(batch, time, input_dim)")
    batch, steps, _ = x.shape
    if steps == 0:
        raise ShapeError("x has zero time steps; a sequence needs at least one.")
    if h0 is None:
        hidden_state = np.zeros((batch, params.hidden_size))
    else:
        hidden_state = np.asarray(h0, dtype=np.float64)
        if hidden_state.shape != (batch, params.hidden_size):
            raise ShapeError(
                f"h0 must be (batch, hidden) = ({batch}, {params.hidden_size}); got "
                f"{hidden_state.shape}. Pass None to start from zeros, as Keras does."
            )
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    hidden_states = np.empty((batch, steps, params.hidden_size))
    caches = []
    for position, step in enumerate(order):
        hidden_state, cache = rnn_cell_forward(x[:, step], hidden_state,
                                               params.W_xh, params.W_hh, params.b_h)
        hidden_states[:, position] = hidden_state
        caches.append(cache)
    return hidden_states, caches


def softmax(logits: np.ndarray, axis: int = -1) -> np.ndarray:
    """Numerically stable softmax along ``axis``."""
    logits = np.asarray(logits, dtype=np.float64)
    shifted = logits - logits.max(axis=axis, keepdims=True)
    exponentials = np.exp(shifted)
    return exponentials / exponentials.sum(axis=axis, keepdims=True)


def rnn_readout(hidden_states: np.ndarray, params: RNNParams) -> np.ndarray:
    """Apply the dense read-out ``y_t = h_t @ W_hy + b_y`` to every state (logits)."""
    if params.W_hy is None:
        raise ShapeError("These RNNParams have no read-out (W_hy is None).")
    return np.asarray(hidden_states) @ params.W_hy + params.b_y


def simple_rnn_parameter_count(input_size: int, hidden_size: int, use_bias: bool = True) -> int:
    """Weights in one ``SimpleRNN`` layer: ``hidden * (input + hidden + 1)``.

    The count does not depend on the sequence length: every step reuses the same weights.
    """
    return hidden_size * (input_size + hidden_size + (1 if use_bias else 0))
